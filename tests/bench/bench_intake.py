"""Benchmark of `pengaduan impor` (issue 13): 10,000 messages from one Instagram export.

Run by hand (not collected by pytest):

    python3 tests/bench/bench_intake.py --dir /tmp/bench-impor --messages 10000 --runs 5

It prepares, under --dir:
- export/: an Instagram "Download your information" folder with N one-message threads (made-up
  names, no real people), plus the profile file naming the desk's account;
- template/: a fresh store with a roster; imported/: the same store after one `impor` of export/;
- floor.stream: `git fast-export` of exactly the commits that import made (the same N case files
  as N commits), to replay with plain `git fast-import` - the floor.
Then it times whole processes, the pair run in turn (A B A B ...), and prints medians and the
median of the pair-by-pair ratios:
- first import: copy template/ to run/, then `pengaduan impor export/`
  vs the floor:  copy template/ to run/, then `git fast-import < floor.stream`       (target <= 3x)
- re-import:   `pengaduan impor export/` on imported/ (adds nothing, changes nothing)
  vs the first import                                                                (target <= 0.3x)
It prints each pair as two shell commands too, for any other timer.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from pengaduan.core.config import Staff  # noqa: E402
from pengaduan.store.store import Store  # noqa: E402

FIRST = ["Siti", "Budi", "Dewi", "Agus", "Rina", "Eko", "Wati", "Joko", "Lina", "Tono"]
LAST = ["Aminah", "Santoso", "Lestari", "Wibowo", "Pratama", "Susanti", "Hidayat", "Rahayu"]


def prepare(base: Path, count: int) -> None:
    if base.exists():
        shutil.rmtree(base)
    inbox = base / "export" / "your_instagram_activity" / "messages" / "inbox"
    start_ms = int((time.time() - 30 * 86400) * 1000)
    for n in range(count):
        name = f"{FIRST[n % 10]} {LAST[(n // 10) % 8]} {n}"
        folder = inbox / f"warga{n}_{17841400000000000 + n}"
        folder.mkdir(parents=True)
        thread = {
            "participants": [{"name": name}, {"name": "DP3AP2KB Jateng"}],
            "title": name,
            "thread_path": f"inbox/{folder.name}",
            "messages": [{"sender_name": name, "timestamp_ms": start_ms + n * 60_000,
                          "content": f"Mohon bantuan, laporan warga nomor {n}: layanan di kelurahan {n % 97} belum ada"}],
        }  # fmt: skip
        (folder / "message_1.json").write_text(json.dumps(thread), encoding="ascii")
    profile = base / "export" / "personal_information" / "personal_information" / "personal_information.json"
    profile.parent.mkdir(parents=True)
    profile.write_text(json.dumps({"profile_user": [{"string_map_data": {"Name": {"value": "DP3AP2KB Jateng"}}}]}))
    Store.create(base / "template", roster=[Staff("ani", "Ani Lestari", ("admin",), "ani@example.go.id")])
    shutil.copytree(base / "template", base / "imported", symlinks=True)
    subprocess.run(impor_args(base, base / "imported"), check=True, env=env(), capture_output=True)
    root = base / "imported"
    template = str(base / "template")
    head = subprocess.run(["git", "-C", template, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    with open(base / "floor.stream", "wb") as out:
        subprocess.run(["git", "-C", str(root), "fast-export", "--reference-excluded-parents", f"{head}..main"], stdout=out,
                       check=True)  # fmt: skip
    made = subprocess.run(["git", "-C", str(root), "rev-list", "--count", f"{head}..main"], capture_output=True, text=True)
    print(f"prepared {count} messages; the import made {made.stdout.strip()} commits")


def env() -> dict[str, str]:
    return {**os.environ, "PENGADUAN_PETUGAS": "ani", "PYTHONPATH": str(REPO)}


def impor_args(base: Path, store: Path) -> list[str]:
    return [sys.executable, "-m", "pengaduan", "--store", str(store), "impor", str(base / "export")]


def commands(base: Path) -> dict[str, str]:
    run, template = shlex.quote(str(base / "run")), shlex.quote(str(base / "template"))
    fresh = f"rm -rf {run} && cp -a {template} {run}"
    first = f"{fresh} && exec {shlex.join(impor_args(base, base / 'run'))} >/dev/null"
    floor = f"{fresh} && exec git -C {run} fast-import --quiet < {shlex.quote(str(base / 'floor.stream'))}"
    again = f"exec {shlex.join(impor_args(base, base / 'imported'))} >/dev/null"
    return {"first": first, "floor": floor, "again": again}


def timed(command: str) -> float:
    begin = time.perf_counter()
    done = subprocess.run(["sh", "-c", command], env=env(), capture_output=True)
    elapsed = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"{command} failed: {done.stderr.decode()}")
    return elapsed


def pair(a: str, b: str, runs: int) -> tuple[float, float, float]:
    timed(a), timed(b)  # warm-up
    times_a, times_b, ratios = [], [], []
    for _ in range(runs):
        ta, tb = timed(a), timed(b)
        times_a.append(ta), times_b.append(tb), ratios.append(ta / tb)
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-impor"))
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--prepare-only", action="store_true", help="build the files and print the commands")
    opts = parser.parse_args()
    prepare(opts.dir, opts.messages)
    cmd = commands(opts.dir)
    for name, text in cmd.items():
        print(f"{name}: sh -c {shlex.quote(text)}")
    if opts.prepare_only:
        return
    first, floor, ratio = pair(cmd["first"], cmd["floor"], opts.runs)
    print(f"first import {first:.2f} s vs git fast-import floor {floor:.2f} s: {ratio:.2f}x (target <= 3x)")
    again, first2, ratio2 = pair(cmd["again"], cmd["first"], opts.runs)
    print(f"re-import {again:.2f} s vs first import {first2:.2f} s: {ratio2:.2f}x (target <= 0.3x)")


if __name__ == "__main__":
    main()
