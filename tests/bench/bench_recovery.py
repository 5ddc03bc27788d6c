"""Benchmark (issue 9): what the recovery checks cost a transition at a large store.

Run by hand (not collected by pytest):

    python3 tests/bench/bench_recovery.py --cases 100000 --runs 15 [--base REV]

It builds a store of N received cases (tests/bench/bench_store.py's builder), then times whole
`pengaduan verifikasi ID` processes in pairs, A B A B ...: A is this checkout (intent written
and fsynced before the tree is touched, recovery checks on taking the lock, reads from the
commit, git's core.fsync), B is the code at --base (default: the merge base with main, before
any of it). Each run verifies a different case. It prints both medians and the median of the
pairwise ratios A/B. The check on the hot path must not scan the store: it is a few stats.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import build  # noqa: E402


def checkout(rev: str, into: Path) -> Path:
    """The pengaduan package as it was at rev, unpacked into a folder (for PYTHONPATH)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "pengaduan"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into)
    return into


def timed(args: list[str], env: dict[str, str]) -> float:
    begin = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True)
    elapsed = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"{args} failed: {done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--base", default=None, help="revision of the code without the checks (default: merge-base with main)")
    opts = parser.parse_args()
    base = opts.base or subprocess.run(
        ["git", "-C", str(REPO), "merge-base", "HEAD", "main"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        t0 = time.perf_counter()
        ids = build(root, opts.cases)
        print(f"store of {opts.cases} cases built in {time.perf_counter() - t0:.1f} s; B = {base[:10]}")
        old = checkout(base, Path(tmp) / "base")
        common = {**os.environ, "PENGADUAN_STORE": str(root), "PENGADUAN_PETUGAS": "ani"}
        env_a = {**common, "PYTHONPATH": str(REPO)}
        env_b = {**common, "PYTHONPATH": str(old)}
        tool = [sys.executable, "-m", "pengaduan", "verifikasi"]
        when = ["--waktu", "2026-11-27T10:00:00+07:00"]
        timed([*tool, ids[-1], *when], env_a)  # warm-up (page cache, cache files)
        timed([*tool, ids[-2], *when], env_b)
        a, b = [], []
        for i in range(opts.runs):
            a.append(timed([*tool, ids[2 * i], *when], env_a))
            b.append(timed([*tool, ids[2 * i + 1], *when], env_b))
        ratios = [x / y for x, y in zip(a, b, strict=True)]
        print(f"{'measure (median of ' + str(opts.runs) + ' processes)':52} {'ms':>8}")
        print(f"{'A: verifikasi with intent + recovery checks':52} {statistics.median(a) * 1000:8.0f}")
        print(f"{'B: verifikasi at ' + base[:10] + ' (without)':52} {statistics.median(b) * 1000:8.0f}")
        print(f"{'ratio A/B (median of pairwise ratios)':52} {statistics.median(ratios):8.2f}")
        fsck = subprocess.run(["git", "fsck", "--no-progress"], cwd=root, capture_output=True)
        print(f"git fsck: {'ok' if fsck.returncode == 0 else 'FAILED'}")


if __name__ == "__main__":
    main()
