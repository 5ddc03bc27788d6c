"""Benchmark of the case store (issue 2): transitions and `lihat` at a large store.

Run by hand (not collected by pytest):

    python3 tests/bench/bench_store.py --cases 100000 --runs 15

It builds a store of N received cases with `git fast-import` (one commit per 1,000 cases, so
building stays quick), checks it out, then times whole processes and prints medians:
- `pengaduan verifikasi ID` (one transition = one commit), each run on a different case;
- `git commit -q -- <file>` of the same one-line change to another case file, for comparison;
- `pengaduan lihat ID`;
- whether a command that needs no PDF imported weasyprint.
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

from pengaduan.core.case import Case, Entry  # noqa: E402
from pengaduan.core.config import Staff  # noqa: E402
from pengaduan.core.ids import new_id  # noqa: E402
from pengaduan.store import layout, yamlio  # noqa: E402
from pengaduan.store.store import Store  # noqa: E402

WIB = timezone(timedelta(hours=7))


def build(root: Path, count: int) -> list[str]:
    store = Store.create(root, roster=[Staff("ani", "Ani Lestari", ("admin",), "ani@example.go.id")])
    start = datetime(2026, 1, 5, 8, 0, tzinfo=WIB)
    ids: list[str] = []
    chunks: list[bytes] = []
    mark = 0
    parent = store.git.head()
    batch: list[tuple[str, bytes]] = []

    def flush() -> None:
        nonlocal mark, parent
        if not batch:
            return
        mark += 1
        message = f"impor {len(batch)} kasus\n".encode()
        lines = [b"commit refs/heads/main\n", f"mark :{mark}\n".encode()]
        lines.append(b"committer Ani Lestari <ani@example.go.id> 1767600000 +0700\n")
        lines.append(f"data {len(message)}\n".encode() + message)
        lines.append(f"from {parent}\n".encode() if mark == 1 else f"from :{mark - 1}\n".encode())
        for path, data in batch:
            lines.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        chunks.append(b"".join(lines))
        batch.clear()

    for n in range(count):
        received = start + timedelta(minutes=n * 3)
        case_id = new_id(received.date())
        at = received
        entry = Entry(1, "terima", "diterima", "admin", "Ani Lestari", "ani", at)
        case = Case(case_id, "diterima", 1, "instagram", f"@warga{n}", f"Pengaduan nomor {n}", at, history=(entry,))
        batch.append((layout.case_path(case_id), yamlio.dump(case.to_dict()).encode()))
        ids.append(case_id)
        if len(batch) == 1000:
            flush()
    flush()
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(chunks), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    subprocess.run(["git", "status", "--porcelain"], cwd=root, check=True, capture_output=True)  # warm caches
    return ids


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    begin = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"{args} failed: {done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        t0 = time.perf_counter()
        ids = build(root, opts.cases)
        print(f"store of {opts.cases} cases built in {time.perf_counter() - t0:.1f} s")
        env = {**os.environ, "PENGADUAN_STORE": str(root), "PENGADUAN_PETUGAS": "ani", "PYTHONPATH": str(REPO)}
        tool = [sys.executable, "-m", "pengaduan"]
        when = "2026-11-27T10:00:00+07:00"
        transition = [timed([*tool, "verifikasi", ids[i], "--waktu", when], root, env) for i in range(opts.runs)]
        plain = []
        for i in range(opts.runs):
            path = root / layout.case_path(ids[-1 - i])
            text = path.read_text().replace("status: diterima", "status: diverifikasi")
            path.write_text(text)
            plain.append(timed(["git", "commit", "-q", "-m", "ubah", "--", str(path)], root, env))
        look = [timed([*tool, "lihat", ids[opts.runs + i]], root, env) for i in range(opts.runs)]
        imports = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "pengaduan", "lihat", ids[0]], env=env, capture_output=True
        ).stderr.decode()
        fsck = subprocess.run(["git", "fsck", "--no-progress"], cwd=root, capture_output=True)
        print(f"{'measure (median of ' + str(opts.runs) + ' processes)':45} {'ms':>8}")
        print(f"{'pengaduan verifikasi ID (one commit)':45} {statistics.median(transition) * 1000:8.0f}")
        print(f"{'git commit -q -- <file> (same change)':45} {statistics.median(plain) * 1000:8.0f}")
        print(f"{'pengaduan lihat ID':45} {statistics.median(look) * 1000:8.0f}")
        print(f"weasyprint imported by lihat: {'weasyprint' in imports}; git fsck: {'ok' if fsck.returncode == 0 else 'FAILED'}")


if __name__ == "__main__":
    main()
