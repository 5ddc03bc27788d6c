"""Benchmark of issue 12 (run by hand, not collected by pytest): the derived index and the transition.

    python3 tests/bench/bench_index.py --cases 100000 [--runs 11] [--simpan DIR]
        [--python /tmp/venv/bin/python [--tool /tmp/venv/bin/pengaduan]]

Builds a store of N cases with `git fast-import` (one commit per 1,000 cases): 99 % closed in
three steps, 1 % open, texts drawn from a small vocabulary ("stunting" in about 1 % of them),
case schema 2 as the tool writes it (handle, text and answers sealed, every case's key in this
machine's key store).
Then times whole processes in pairs, A then B, and prints the median of the per-pair ratios
(pairing keeps a ratio meaningful on a machine whose speed drifts), and peak memory per process
(GNU time's %M, which includes the time process's own start: a few MB):

- a transition (`pengaduan verifikasi ID`, `koreksi ID`, `terima`) vs `git commit -q -- FILE` of a
  one-line change;
- `pengaduan lihat ID` and the transition vs `python -c pass`;
- `pengaduan daftar --status terbuka` (warm) vs `pengaduan --versi`;
- `pengaduan daftar --format json` of every case (warm) vs Python + SQLite returning the same JSON
  (checked equal): the query of before over a copy of the index whose text and handle columns
  hold the rows the tool printed, as the index held them before schema 2 (it keeps them sealed);
- `pengaduan cari stunting` (warm) vs `pengaduan --versi` (only where the `cari` command exists);
- the index built from nothing vs `git cat-file --batch` of every case blob + CSafeLoader parsing;
- the index brought up to date after 1,000 new commits (as a `sinkron` brings) vs a rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pengaduan.app.migrate import migrated  # noqa: E402
from pengaduan.core import sealed  # noqa: E402
from pengaduan.core.case import Case, Entry  # noqa: E402
from pengaduan.core.config import Staff  # noqa: E402
from pengaduan.core.ids import new_id  # noqa: E402
from pengaduan.store import index, layout, yamlio  # noqa: E402
from pengaduan.store.keys import KeyStore  # noqa: E402
from pengaduan.store.store import Store  # noqa: E402

WIB = timezone(timedelta(hours=7))
WORDS = ("jalan rusak lampu padam bantuan sekolah puskesmas antrean layanan anak keluarga konseling pendaftaran "
         "jadwal posyandu desa kecamatan kabupaten kekerasan rumah aman pengaduan informasi syarat").split()  # fmt: skip
ANI = Staff("ani", "Ani Lestari", ("admin",), "ani@example.go.id")


def _case(n: int, received: datetime, rng: random.Random, closed: bool, keys: dict[str, bytes]) -> Case:
    """A case as the tool writes it (schema 2, sealed); its key goes into `keys`."""
    case = _plain(n, received, rng, closed)
    keys[case.id] = sealed.new_key()
    return migrated(case, keys[case.id], ())


def _plain(n: int, received: datetime, rng: random.Random, closed: bool) -> Case:
    words = rng.sample(WORDS, 8) + (["stunting"] if n % 100 == 7 else [])
    text = " ".join(words).capitalize() + f" (nomor {n})"
    entries = [Entry(1, "terima", "diterima", "admin", "Ani Lestari", "ani", received)]
    if closed:
        entries += [
            Entry(2, "verifikasi", "diverifikasi", "admin", "Ani Lestari", "ani", received + timedelta(minutes=2)),
            Entry(3, "respon_tuntas", "selesai", "admin", "Ani Lestari", "ani", received + timedelta(minutes=5),
                  answer="Terima kasih, informasinya sudah kami sampaikan."),
        ]  # fmt: skip
    last = entries[-1]
    return Case(new_id(received.date()), last.status, last.step, "instagram", f"@warga{n}", text, received,
                category="lainnya" if closed else None, history=tuple(entries), schema=1)  # fmt: skip


def _commands(cases: list[tuple[str, bytes]], parent: str, first_mark: int, per_commit: int) -> bytes:
    chunks, mark = [], first_mark
    for start in range(0, len(cases), per_commit):
        batch = cases[start : start + per_commit]
        message = f"impor {len(batch)} kasus\n".encode()
        lines = [b"commit refs/heads/main\n", f"mark :{mark}\n".encode(),
                 b"committer Ani Lestari <ani@example.go.id> 1767600000 +0700\n",
                 f"data {len(message)}\n".encode() + message,
                 (f"from {parent}\n" if mark == first_mark else f"from :{mark - 1}\n").encode()]  # fmt: skip
        for path, data in batch:
            lines.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        chunks.append(b"".join(lines))
        mark += 1
    return b"".join(chunks)


def build(root: Path, count: int) -> list[str]:
    """The store; the IDs of its open cases.

    Every case is sealed as the tool writes it (schema 2, app.migrate's sealing), its data key in
    this machine's key store: lists show opened text and `cari` finds words, as on a real desk.
    """
    store = Store.create(root, roster=[ANI])
    rng = random.Random(12)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=WIB)
    files, open_ids = [], []
    keys: dict[str, bytes] = {}
    for n in range(count):
        closed = n % 100 != 0
        case = _case(n, start + timedelta(minutes=n * 3), rng, closed, keys)
        files.append((layout.case_path(case.id), yamlio.dump(case.to_dict()).encode()))
        if not closed:
            open_ids.append(case.id)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=_commands(files, store.git.head() or "", 1, 1000),
                   check=True)  # fmt: skip
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    subprocess.run(["git", "gc", "-q"], cwd=root, check=True)
    subprocess.run(["git", "status", "--porcelain"], cwd=root, check=True, capture_output=True)  # refresh the index
    KeyStore(store.private_dir()).put_many(keys)
    return open_ids


TIME = "/usr/bin/time"  # GNU time: the peak memory of the command itself (a fork of this large
# process would report this process's size as the child's peak)


def run(args: list[str], cwd: Path, env: dict[str, str], out: Path | None = None) -> tuple[float, int]:
    """(seconds, peak RSS in MB; 0 without GNU time) of one whole process."""
    sink = open(out or os.devnull, "wb")
    wrapped = [TIME, "-f", "%M", *args] if os.path.exists(TIME) else args
    begin = time.perf_counter()
    done = subprocess.run(wrapped, cwd=cwd, env=env, stdout=sink, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - begin
    sink.close()
    err = done.stderr.decode()
    if done.returncode not in (0, 3):
        raise SystemExit(f"{args} failed: {err[-500:]}")
    last = err.strip().splitlines()[-1] if err.strip() else ""
    return elapsed, int(last) // 1024 if wrapped is not args and last.isdigit() else 0


def paired(name: str, a, b, runs: int) -> None:  # noqa: ANN001
    """a() and b() return (seconds, MB); run in turn, the median of the per-pair ratios."""
    ratios, ta, tb, ma = [], [], [], []
    for _ in range(runs):
        (sa, mem), (sb, _mb) = a(), b()
        ratios.append(sa / sb)
        ta.append(sa)
        tb.append(sb)
        ma.append(mem)
    print(f"{name:62} {statistics.median(ta) * 1000:9.0f} {statistics.median(tb) * 1000:9.0f} "
          f"{statistics.median(ratios):7.2f}x {max(ma):6d} MB", flush=True)  # fmt: skip


FLOOR_JSON = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
keys = ("id", "diterima", "platform", "akun", "jenis", "status", "langkah", "bidang", "kategori", "ringkasan")
rows = db.execute("SELECT id, received_text, platform, account, kind, status, step, coalesce(bidang, ''), "
                  "coalesce(category, ''), text FROM cases ORDER BY received, id")
print(json.dumps([dict(zip(keys, r)) for r in rows], ensure_ascii=False))
"""


def floor_table(listing: Path, db: Path, target: Path) -> None:
    """A copy of the index whose text and handle columns hold what `daftar --format json` printed
    (as the index held them before schema 2): the floor's query is then the same as before."""
    rows = json.loads(listing.read_text("utf-8"))
    shutil.copyfile(db, target)
    copy = sqlite3.connect(target)
    copy.executemany("UPDATE cases SET text = ?, account = ? WHERE id = ?", [(r["ringkasan"], r["akun"], r["id"]) for r in rows])
    copy.commit()
    copy.execute("VACUUM")
    copy.close()


def same_json(a: Path, b: Path) -> None:
    if json.loads(a.read_text("utf-8")) != json.loads(b.read_text("utf-8")):
        raise SystemExit(f"the floor's JSON ({b}) is not the tool's ({a})")
FLOOR_PARSE = """
import subprocess, sys, yaml
root = sys.argv[1]
out = subprocess.run(["git", "-C", root, "ls-tree", "-r", "HEAD", "kasus"], capture_output=True, check=True).stdout
blobs = [line.split()[2] for line in out.decode().splitlines()]
proc = subprocess.Popen(["git", "-C", root, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
for start in range(0, len(blobs), 256):
    chunk = blobs[start:start + 256]
    proc.stdin.write("".join(b + "\\n" for b in chunk).encode()); proc.stdin.flush()
    for _ in chunk:
        size = int(proc.stdout.readline().split()[2]); data = proc.stdout.read(size); proc.stdout.read(1)
        yaml.load(data, Loader=yaml.CSafeLoader)
proc.stdin.close(); proc.wait()
"""
REBUILD = """
import sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from pengaduan.store import index
from pengaduan.store.store import Store
store = Store.open(Path(sys.argv[1]))
index.remove(store)
index.Index.open(store).close()
"""
UPDATE = """
import shutil, sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from pengaduan.store import index
from pengaduan.store.store import Store
store = Store.open(Path(sys.argv[1]))
shutil.copyfile(sys.argv[3], store.private_dir() / index.FILE)
index.Index.open(store).close()
"""


def measure(
    root: Path,
    count: int,
    runs: int,
    py: str = sys.executable,
    tool: list[str] | None = None,
    start_only: bool = False,
    code: Path = REPO,
) -> None:
    """`py` is the interpreter of `python -c pass` (and of the tool, unless `tool` names another
    command, e.g. a venv's installed `pengaduan`): the ratios compare processes of one interpreter."""
    t0 = time.perf_counter()
    open_ids = build(root, count) if not (root / ".git").exists() else []
    if not open_ids:  # a store kept by an earlier run: the cases still at step 1
        with Store.open(root).index() as found:
            open_ids = [c.id for c in found.cases("status = 'diterima'") if c.public_key]  # sealed as build() seals
    print(f"store of {count} cases ({len(open_ids)} open at step 1) ready in {time.perf_counter() - t0:.1f} s", flush=True)
    env = {**os.environ, "PENGADUAN_STORE": str(root), "PENGADUAN_PETUGAS": "ani"}
    if tool is None:
        tool = [py, "-m", "pengaduan"]
        env["PYTHONPATH"] = str(code)  # this checkout's code (or another's, to compare)
    else:
        env.pop("PYTHONPATH", None)  # the installed tool's own code
    env.pop("PENGADUAN_SEKARANG", None)
    # An installed package has its bytecode compiled (pip does it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module at every start: let the first run write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    version = subprocess.run([py, "-c", "import sys; print(sys.version.split()[0], sys.prefix)"], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    code_note = f" (code: {env['PYTHONPATH']})" if "PYTHONPATH" in env else ""
    print(f"python {version}; tool: {' '.join(tool)}{code_note}", flush=True)
    when = "2026-11-27T10:00:00+07:00"
    run([*tool, "--versi"], root, env)  # writes the bytecode
    run([*tool, "daftar", "--status", "terbuka"], root, env)  # builds the index (warm from here on)
    print(f"{'measure (median of ' + str(runs) + ' pairs)':62} {'A ms':>9} {'B ms':>9} {'A/B':>8} {'peak A':>9}")

    targets = iter(open_ids)
    others = iter(open_ids[::-1])
    # git commit runs in a worktree of the same repository (same objects, config and case files,
    # its own index and branch): committing in the tool's own work tree rewrites the index the
    # tool then has to re-check (diff-index), which a desk's store never sees between two steps.
    twin = root.parent / (root.name + "-git-commit")
    if not twin.exists():
        subprocess.run(["git", "worktree", "add", "-q", "-B", "pembanding", str(twin), "HEAD"], cwd=root, check=True)

    def transition() -> tuple[float, int]:
        return run([*tool, "verifikasi", next(targets), "--waktu", when], root, env)

    def plain_commit() -> tuple[float, int]:
        path = twin / layout.case_path(next(others))
        path.write_text(path.read_text().replace("status: diterima", "status: diverifikasi"))
        return run(["git", "commit", "-q", "-m", "ubah", "--", str(path)], twin, env)

    def python_pass() -> tuple[float, int]:
        return run([py, "-c", "pass"], root, env)

    def versi() -> tuple[float, int]:
        return run([*tool, "--versi"], root, env)

    corrected = iter(open_ids[len(open_ids) // 2 :])
    numbers = iter(range(10**6))

    def correction() -> tuple[float, int]:
        return run([*tool, "koreksi", next(corrected), "--kolom", "akun", "--nilai", f"@koreksi{next(numbers)}",
                    "--alasan", "salah ketik"], root, env)  # fmt: skip

    def receive() -> tuple[float, int]:
        return run([*tool, "terima", "--platform", "instagram", "--akun", f"@baru{next(numbers)}", "--isi",
                    f"Jalan rusak di desa nomor {next(numbers)}", "--waktu", when], root, env)  # fmt: skip

    half = max(1, min(runs, len(open_ids) // 4))
    paired("transition (verifikasi) vs git commit -q -- FILE", transition, plain_commit, half)
    paired("koreksi vs git commit -q -- FILE", correction, plain_commit, half)
    paired("terima (new file) vs git commit -q -- FILE", receive, plain_commit, half)
    paired("transition vs python -c pass", transition, python_pass, half)
    look = iter(open_ids[::-1][half:])
    paired("lihat ID vs python -c pass", lambda: run([*tool, "lihat", next(look)], root, env), python_pass, runs)
    paired("pengaduan --versi vs python -c pass", versi, python_pass, runs)
    if start_only:
        return
    paired("daftar --status terbuka (warm) vs pengaduan --versi",
           lambda: run([*tool, "daftar", "--status", "terbuka"], root, env), versi, runs)  # fmt: skip
    db = root / ".git" / "pengaduan" / index.FILE
    listing, floor_db, floor_out = root.parent / "daftar.json", root.parent / "lantai.sqlite", root.parent / "lantai.json"
    run([*tool, "daftar", "--format", "json"], root, env, listing)  # opens every case once (the rows are kept)
    floor_table(listing, db, floor_db)
    run([py, "-c", FLOOR_JSON, str(floor_db)], root, env, floor_out)
    same_json(listing, floor_out)
    if "[terenkripsi]" in listing.read_text("utf-8"):
        raise SystemExit("daftar shows [terenkripsi]: the bench store's keys are not in its key store")
    paired("daftar --format json, every case (warm) vs Python+SQLite floor",
           lambda: run([*tool, "daftar", "--format", "json"], root, env),
           lambda: run([py, "-c", FLOOR_JSON, str(floor_db)], root, env), max(3, runs // 2))  # fmt: skip
    has_cari = subprocess.run([*tool, "cari", "--help"], cwd=root, env=env, capture_output=True).returncode == 0
    if has_cari:
        run([*tool, "cari", "stunting"], root, env)  # the first search after a rebuild tokenises every case
        paired("cari stunting (warm) vs pengaduan --versi", lambda: run([*tool, "cari", "stunting"], root, env), versi, runs)
    paired("index rebuilt from nothing vs cat-file --batch + CSafeLoader",
           lambda: run([py, "-c", REBUILD, str(root), str(REPO)], root, env),
           lambda: run([py, "-c", FLOOR_PARSE, str(root)], root, env), 3)  # fmt: skip
    # A sinkron of 1,000 commits: 500 new cases and 500 steps on open ones, one commit each.
    saved = root.parent / "indeks-sebelum.sqlite"
    run([*tool, "daftar", "--status", "terbuka"], root, env)
    shutil.copyfile(db, saved)
    store = Store.open(root)
    rng = random.Random(7)
    files = []
    base = datetime(2026, 11, 20, 8, 0, tzinfo=WIB)
    added: dict[str, bytes] = {}
    for n in range(500):
        case = _case(count + n, base + timedelta(minutes=n), rng, False, added)
        files.append((layout.case_path(case.id), yamlio.dump(case.to_dict()).encode()))
    with store.index() as found:
        steps = list(found.cases("id IN (SELECT id FROM cases WHERE closed = 0 LIMIT 500)"))
    for case in steps:
        files.append((layout.case_path(case.id), yamlio.dump({**case.to_dict(), "kategori": "lainnya"}).encode()))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=_commands(files, store.git.head() or "", 1, 1),
                   check=True)  # fmt: skip
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    KeyStore(store.private_dir()).put_many(added)
    paired("index after 1,000 new commits vs rebuilt from nothing",
           lambda: run([py, "-c", UPDATE, str(root), str(REPO), str(saved)], root, env),
           lambda: run([py, "-c", REBUILD, str(root), str(REPO)], root, env), 3)  # fmt: skip
    _s, mem = run([*tool, "daftar", "--format", "json"], root, env)
    print(f"peak memory: daftar --format json of every case {mem} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--simpan", type=Path, help="build (or reuse) the store in this folder")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter of `python -c pass` and of the tool (e.g. a fresh venv's bin/python)")
    parser.add_argument("--tool", help="the tool's command instead of `PYTHON -m pengaduan` of this checkout, "
                        "e.g. /tmp/venv/bin/pengaduan (an installed copy)")  # fmt: skip
    parser.add_argument("--code", type=Path, default=REPO,
                        help="the checkout whose pengaduan `PYTHON -m pengaduan` runs (e.g. an older commit's `git archive`)")
    parser.add_argument("--start-only", action="store_true",
                        help="only the transitions, lihat and --versi (not the lists, the search or the index builds)")
    args = parser.parse_args()
    base = args.simpan or Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        measure(base / "store", args.cases, args.runs, args.python, args.tool.split() if args.tool else None,
                args.start_only, args.code)  # fmt: skip
    finally:
        if args.simpan is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
