"""Benchmark of the SOP clock (issue 4): `terlambat` and `eskalasi` over a large store.

Run by hand (not collected by pytest):

    python3 tests/bench/bench_terlambat.py --cases 100000 --runs 5

It builds a store of N open cases with bench_store's `git fast-import` builder (every case waits
for step 2, received three minutes apart over months, so every one is evaluated and listed: the
worst case), then prints medians of whole processes:
- `pengaduan terlambat --format json` with the index deleted (.git/pengaduan/indeks.sqlite: rebuilt)
  and a warm one;
- `pengaduan daftar --status terbuka --format json` (the same batched read, no clock) to show
  what the clock adds;
- `pengaduan eskalasi --format json`;
and, in-process: `Store.load_all` (counting the git processes it starts), `sla.late_list` over
the open cases, and over the same cases closed (what a mostly-closed store costs per case).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # bench_store's builder
sys.path.insert(0, str(HERE.parents[1]))  # run from a checkout without installing

from bench_store import REPO, build, timed  # noqa: E402

from pengaduan.app.context import Desk  # noqa: E402
from pengaduan.core import sla  # noqa: E402
from pengaduan.store.store import Store  # noqa: E402

WHEN = "2026-11-27T10:00:00+07:00"


def in_process(root: Path) -> dict[str, float]:
    """Reading and evaluating every case in-process: seconds per part, and the git processes started."""
    started = 0
    real_run, real_popen = subprocess.run, subprocess.Popen

    def count(args):  # noqa: ANN001, ANN202
        nonlocal started
        started += bool(args and args[0] == "git")

    def run(args, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        count(args)
        return real_run(args, *a, **kw)

    class Popen(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args, *a, **kw) -> None:  # noqa: ANN001, ANN002, ANN003
            count(args)
            super().__init__(args, *a, **kw)

    moment = datetime.fromisoformat(WHEN)
    subprocess.run, subprocess.Popen = run, Popen  # type: ignore[assignment, misc]
    try:
        store = Store(root)
        t0 = time.perf_counter()
        cases = store.load_all()
        t1 = time.perf_counter()
        late = sla.late_list(cases, store.sop, store.tz, Desk(store).calendar, moment)
        t2 = time.perf_counter()
    finally:
        subprocess.run, subprocess.Popen = real_run, real_popen  # type: ignore[assignment, misc]
    # The same cases closed (a realistic store is mostly closed cases): what skipping one costs.
    done = [replace(c, history=(*c.history[:-1], replace(c.history[-1], status="selesai"))) for c in cases]
    t3 = time.perf_counter()
    sla.late_list(done, store.sop, store.tz, Desk(store).calendar, moment)
    t4 = time.perf_counter()
    return {"load": t1 - t0, "open": t2 - t1, "closed": t4 - t3, "late": len(late), "git": started, "n": len(cases)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        t0 = time.perf_counter()
        build(root, opts.cases)
        print(f"store of {opts.cases} open cases built in {time.perf_counter() - t0:.1f} s")
        env = {**os.environ, "PENGADUAN_STORE": str(root), "PENGADUAN_PETUGAS": "ani", "PYTHONPATH": str(REPO)}
        tool = [sys.executable, "-m", "pengaduan"]
        cache = root / ".git" / "pengaduan" / "indeks.sqlite"
        cold = []
        for _ in range(opts.runs):
            cache.unlink(missing_ok=True)
            cold.append(timed([*tool, "terlambat", "--pada", WHEN, "--format", "json"], root, env))
        warm = [timed([*tool, "terlambat", "--pada", WHEN, "--format", "json"], root, env) for _ in range(opts.runs)]
        listing = [timed([*tool, "daftar", "--status", "terbuka", "--format", "json"], root, env) for _ in range(opts.runs)]
        escalate = [timed([*tool, "eskalasi", "--pada", WHEN, "--format", "json"], root, env) for _ in range(opts.runs)]
        inner = in_process(root)
        print(f"{'measure (median of ' + str(opts.runs) + ' processes)':52} {'ms':>8}")
        print(f"{'pengaduan terlambat --format json (cold cache)':52} {statistics.median(cold) * 1000:8.0f}")
        print(f"{'pengaduan terlambat --format json (warm cache)':52} {statistics.median(warm) * 1000:8.0f}")
        print(f"{'pengaduan daftar --status terbuka --format json':52} {statistics.median(listing) * 1000:8.0f}")
        print(f"{'pengaduan eskalasi --format json':52} {statistics.median(escalate) * 1000:8.0f}")
        n = inner["n"]
        print(f"in-process Store.load_all (warm cache): {inner['load'] * 1000:.0f} ms, {inner['git']} git processes in all")
        print(f"in-process sla.late_list, all open: {inner['open'] * 1000:.0f} ms ({inner['open'] / n * 1e6:.0f} µs/case)")
        print(f"in-process sla.late_list, all closed: {inner['closed'] * 1000:.0f} ms ({inner['closed'] / n * 1e6:.1f} µs/case)")


if __name__ == "__main__":
    main()
