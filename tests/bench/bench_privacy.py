"""Benchmark of case schema 2 (issue 11): does sealing personal data cost anything one feels?

Run by hand (not collected by pytest):

    python3 tests/bench/bench_privacy.py --cases 100000 --runs 11

It builds two stores of N received cases with `git fast-import`, the same cases in both: one
schema 1 (plain text, as before issue 11) and one schema 2 (akun, isi and pelapor sealed, every
case's key in the machine's key store). Then it runs whole processes in pairs, A (schema 2) and
B (schema 1) in turn, and prints the median of each and the median of the pairwise ratios A/B:
- `pengaduan verifikasi ID` (one transition = one commit), a different case each run;
- `pengaduan lihat ID`;
- `pengaduan daftar --format json` over all N cases (read cache warm: one run first, not counted).
`lihat` and `daftar` can also be timed with farm-bench; the commands are printed at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from pengaduan.app.migrate import migrated  # noqa: E402
from pengaduan.core import sealed  # noqa: E402
from pengaduan.core.case import Case, Entry, Reporter  # noqa: E402
from pengaduan.core.config import Staff  # noqa: E402
from pengaduan.core.ids import new_id  # noqa: E402
from pengaduan.store import layout, yamlio  # noqa: E402
from pengaduan.store.keys import KeyStore  # noqa: E402
from pengaduan.store.store import Store  # noqa: E402

WIB = timezone(timedelta(hours=7))
NOTE = "pelapor minta ditelepon sore hari"  # sealed in schema 2


def cases(count: int) -> list[Case]:
    start = datetime(2026, 1, 5, 8, 0, tzinfo=WIB)
    out = []
    for n in range(count):
        at = start + timedelta(minutes=n * 3)
        entry = Entry(1, "terima", "diterima", "admin", "Ani Lestari", "ani", at)
        reporter = Reporter(name=f"Pelapor {n}", contact=f"08{n:010d}") if n % 3 == 0 else Reporter()
        text = f"Pengaduan nomor {n}: tetangga saya, telepon 0812{n:08d}, mohon ditindaklanjuti."
        out.append(Case(new_id(at.date()), "diterima", 1, "instagram", f"@warga{n}", text, at,
                        reporter=reporter, history=(entry,), schema=1))  # fmt: skip
    return out


def build(root: Path, items: list[Case]) -> None:
    store = Store.create(root, roster=[Staff("ani", "Ani Lestari", ("admin",), "ani@example.go.id")])
    chunks: list[bytes] = []
    parent = store.git.head()
    for mark, first in enumerate(range(0, len(items), 1000), 1):
        batch = items[first : first + 1000]
        message = f"impor {len(batch)} kasus\n".encode()
        lines = [b"commit refs/heads/main\n", f"mark :{mark}\n".encode()]
        lines.append(b"committer Ani Lestari <ani@example.go.id> 1767600000 +0700\n")
        lines.append(f"data {len(message)}\n".encode() + message)
        lines.append(f"from {parent}\n".encode() if mark == 1 else f"from :{mark - 1}\n".encode())
        for case in batch:
            data = yamlio.dump(case.to_dict()).encode()
            lines.append(f"M 100644 inline {layout.case_path(case.id)}\ndata {len(data)}\n".encode() + data + b"\n")
        chunks.append(b"".join(lines))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(chunks), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    subprocess.run(["git", "status", "--porcelain"], cwd=root, check=True, capture_output=True)  # warm caches


def timed(args: list[str], env: dict[str, str]) -> float:
    begin = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True)
    elapsed = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"{args} failed: {done.stderr.decode()}")
    return elapsed


def paired(name: str, a: list[list[str]], b: list[list[str]], env: dict[str, str]) -> None:
    ta, tb = [], []
    for args_a, args_b in zip(a, b, strict=True):
        ta.append(timed(args_a, env))
        tb.append(timed(args_b, env))
    ratio = statistics.median(x / y for x, y in zip(ta, tb, strict=True))
    print(f"{name:40} {statistics.median(ta) * 1000:9.0f} {statistics.median(tb) * 1000:9.0f} {ratio:7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--daftar-runs", type=int, default=3)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain_root, sealed_root = Path(tmp) / "schema1", Path(tmp) / "schema2"
        t0 = time.perf_counter()
        items = cases(opts.cases)
        build(plain_root, items)
        keys = {c.id: sealed.new_key() for c in items}
        build(sealed_root, [migrated(c, keys[c.id], ()) for c in items])
        KeyStore(sealed_root / ".git" / layout.PRIVATE).put_many(keys)
        print(f"two stores of {opts.cases} cases built in {time.perf_counter() - t0:.1f} s")
        env = {**os.environ, "PENGADUAN_PETUGAS": "ani", "PYTHONPATH": str(REPO)}
        env.pop("PENGADUAN_STORE", None)
        tool = [sys.executable, "-m", "pengaduan"]
        when = "2026-11-27T10:00:00+07:00"
        ids = [c.id for c in items]

        def on(root: Path, *args: str) -> list[str]:
            return [*tool, "--store", str(root), *args]

        head = f"measure (median of {opts.runs} pairs)"
        print(f"{head:40} {'A: sch.2':>9} {'B: sch.1':>9} {'A/B':>7}  (ms)")
        runs = range(opts.runs)
        step = ("--waktu", when, "--catatan", NOTE)
        paired("verifikasi ID (one commit)", [on(sealed_root, "verifikasi", ids[i], *step) for i in runs],
               [on(plain_root, "verifikasi", ids[i], *step) for i in runs], env)  # fmt: skip
        paired("lihat ID", [on(sealed_root, "lihat", ids[-1 - i]) for i in runs],
               [on(plain_root, "lihat", ids[-1 - i]) for i in runs], env)  # fmt: skip
        for root in (sealed_root, plain_root):  # fill the read caches
            timed(on(root, "daftar", "--format", "json"), env)
        daftar = range(opts.daftar_runs)
        paired(f"daftar --format json ({opts.cases} cases)", [on(sealed_root, "daftar", "--format", "json") for _ in daftar],
               [on(plain_root, "daftar", "--format", "json") for _ in daftar], env)  # fmt: skip
        print("\nthe same with farm-bench (stores kept only while this script runs):")
        print(f"  farm-bench --vs '{' '.join(on(plain_root, 'lihat', ids[0]))}' -- {' '.join(on(sealed_root, 'lihat', ids[0]))}")


if __name__ == "__main__":
    main()
