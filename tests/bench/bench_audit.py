"""Benchmark (run by hand, not collected by pytest): `pengaduan audit` over 10,000 transitions, or 441,000.

    python3 tests/bench/bench_audit.py [--transisi 10000] [--bertanda 200] [--simpan DIR] [--pakai DIR] [--kali 3]

Builds a store the way the desk would have filled it over months — cases down all four SOP
paths, interleaved in time, each transition one commit by the person who recorded it, with the
tool's own case files (made by core.workflow.apply) and trailers — but writes the commits with
`git fast-import`, thousands per second, holding only the cases still open (so 441,000
transitions build in a few minutes). Then times a full audit (must be <= 15 s for 10,000, and
clean) and reports the peak memory (RSS) of `pengaduan audit` as a new process: of the whole
process tree (what GNU time -v says), of Python itself and of its largest git child.
With --pakai DIR it audits a store built before with --simpan DIR (no build).
With --bertanda N it also times the audit of N commits signed with an SSH key by the tool,
where git runs ssh-keygen once per signature.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pengaduan.app.cases import record  # noqa: E402
from pengaduan.app.context import Desk  # noqa: E402
from pengaduan.app.history import run_audit  # noqa: E402
from pengaduan.core import ids, timeutil  # noqa: E402
from pengaduan.core.case import Case  # noqa: E402
from pengaduan.core.config import Staff  # noqa: E402
from pengaduan.core.workflow import Intake, Request, apply  # noqa: E402
from pengaduan.store import commits, layout, yamlio  # noqa: E402
from pengaduan.store.store import Store  # noqa: E402
from tests.conftest import ROSTER  # noqa: E402

# (action, who records it, extra request fields) per path; admins alternate.
PATHS = {
    "admin": [("terima", "A", {}), ("verifikasi", "A", {}), ("respon_tuntas", "A", {"answer": "Syaratnya KTP dan KK."})],
    "admin_selesai": [
        ("terima", "A", {}), ("verifikasi", "A", {}), ("respon", "A", {"answer": "Kami cek dulu."}),
        ("selesai", "A", {"answer": "Sudah kami kirimkan informasinya."}),
    ],
    "redaktur": [
        ("terima", "A", {}), ("verifikasi", "A", {}), ("respon", "A", {"answer": "Kami teruskan ke redaksi."}),
        ("teruskan_redaktur", "A", {"channel": "whatsapp"}), ("jawab_redaktur", "rina", {"answer": "Hubungi UPTD PPA."}),
    ],
    "eskalasi": [
        ("terima", "A", {}), ("verifikasi", "A", {}), ("respon", "A", {"answer": "Kami tindak lanjuti."}),
        ("teruskan_redaktur", "A", {}),
        ("teruskan_pimred", "A", {"channel": "telepon", "note": "Redaktur belum menjawab; kasus mendesak."}),
        ("koordinasi_kabid", "hendra", {"bidang": "phpa"}), ("koordinasi_kadin", "sri", {}),
        ("jawab_kabid", "sri", {"answer": "Tim menjangkau lokasi."}), ("jawab_pimred", "hendra", {"answer": "Sampaikan."}),
        ("selesai", "A", {"answer": "Tim kami menjangkau lokasi hari ini."}),
    ],
    "bukan": [("terima", "A", {}), ("bukan_pengaduan", "A", {"note": "spam promosi", "reason": "spam promosi"})],
}  # fmt: skip
WEIGHTS = {"admin": 35, "admin_selesai": 15, "redaktur": 25, "eskalasi": 10, "bukan": 15}
TEXTS = [
    "Min, syarat pendaftaran konseling keluarga di PUSPAGA apa saja? Sudah telepon tidak diangkat.",
    "Tetangga saya sering memukul anaknya sampai terdengar menangis tiap malam. Saya harus lapor ke mana?",
    "Jadwal pelayanan KB gratis di Kabupaten Demak bulan ini kapan ya?",
    "Saya korban KDRT, suami mengancam. Apakah ada rumah aman di Semarang? Tolong segera.",
    "Kenapa data penerima bantuan keluarga berisiko stunting di desa kami tidak sesuai kenyataan?",
]


@dataclass
class Event:
    at: datetime
    case_id: str
    action: str
    actor: Staff
    extra: dict
    last: bool = False  # the case's last step: the builder forgets it afterwards


def plan(transitions: int, rng: random.Random, tz) -> Iterator[Event]:
    """Cases started through the working days, their steps minutes apart, in time order.

    A case starts between 07:30 and 15:30 and takes at most ten steps 40 minutes apart, so it
    ends the day it started: the events are sorted one day at a time, never all held."""
    day = datetime(2026, 3, 2, 7, 30, tzinfo=tz)
    made = 0
    while made < transitions:
        events: list[Event] = []
        if day.weekday() < 5:
            for _ in range(rng.randint(12, 20)):
                path = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
                moment = day + timedelta(minutes=rng.randint(0, 480))
                case_id = f"{moment:%y%m%d}-" + "".join(rng.choice(ids.ALPHABET) for _ in range(ids.RANDOM_LENGTH))
                admin = ROSTER[rng.randint(0, 1)]
                for number, (action, who, extra) in enumerate(PATHS[path], 1):
                    actor = admin if who == "A" else next(s for s in ROSTER if s.code == who)
                    events.append(Event(moment, case_id, action, actor, extra, number == len(PATHS[path])))
                    moment += timedelta(minutes=rng.randint(1, 40))
        events.sort(key=lambda e: e.at)
        yield from events[: transitions - made]
        made += min(len(events), transitions - made)
        day += timedelta(days=1)


def fast_import(store: Store, events: Iterable[Event], rng: random.Random) -> None:
    """One commit per transition, written through `git fast-import`."""
    sop, config = store.sop, store.config
    far_future = datetime(2100, 1, 1, tzinfo=store.tz)
    cases: dict[str, Case] = {}  # the open ones
    parent = store.git.head()
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=store.root, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    out = proc.stdin
    for number, event in enumerate(events, 1):
        before = cases.get(event.case_id)
        intake = None
        if before is None:
            intake = Intake(platform=rng.choice(config.platforms), account=f"@warga{rng.randint(1, 9999)}",
                            text=rng.choice(TEXTS), kind=rng.choice(config.kinds))  # fmt: skip
        request = Request(event.action, event.actor, event.at, intake=intake, **event.extra)
        # Schema 1 (plain text, as stores before the migration): sealing every version through the
        # key store would measure the key store, not the audit.
        after = replace(apply(sop, config, before, request, far_future, event.case_id), schema=1)
        if event.last:
            cases.pop(event.case_id, None)
        else:
            cases[event.case_id] = after
        data = yamlio.dump(after.to_dict()).encode()
        message = commits.case_step(after, sop.number).encode()
        # The commit is made a little after the moment it records, as the desk types it.
        stamp = int((event.at + timedelta(seconds=rng.randint(5, 90))).timestamp())
        who = f"{event.actor.name} <{event.actor.commit_email}> {stamp} +0700"
        out.write(f"commit refs/heads/main\nmark :{number}\nauthor {who}\ncommitter {who}\n".encode())
        out.write(f"data {len(message)}\n".encode() + message + b"\n")
        out.write(f"from {parent}\n".encode() if number == 1 else f"from :{number - 1}\n".encode())
        out.write(f"M 100644 inline {layout.case_path(after.id)}\ndata {len(data)}\n".encode() + data + b"\n")
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import gagal")
    subprocess.run(["git", "-C", str(store.root), "reset", "-q", "--hard", "HEAD"], check=True)
    # A desk's store has the commit-graph that `gc --auto` (gc.writeCommitGraph, on by default)
    # writes after its writes; fast-import never runs gc, so the bench writes it as gc would.
    subprocess.run(["git", "-C", str(store.root), "commit-graph", "write", "--reachable"], check=True)


def timed_audit(root: Path, runs: int = 3) -> tuple[list[float], str]:
    times, summary = [], ""
    for _ in range(runs):
        (root / ".git" / layout.PRIVATE / "audit.json").unlink(missing_ok=True)
        start = time.perf_counter()
        result = run_audit(Desk.open(root))
        times.append(time.perf_counter() - start)
        summary = result.summary
        if result.findings:
            raise SystemExit(f"store benchmark tidak bersih: {result.findings[:3]}")
    return times, summary


def cli_audit(root: Path) -> tuple[float, int]:
    """(seconds, peak memory in MB) of `pengaduan audit` as a new process: the peak of its whole
    process tree (wait4 reports the largest of the process and the children it waited for)."""
    (root / ".git" / layout.PRIVATE / "audit.json").unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pengaduan", "--store", str(root), "audit"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    err = proc.stderr.read().decode() if proc.stderr else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"pengaduan audit keluar {os.waitstatus_to_exitcode(status)}: {err[-300:]}")
    return elapsed, usage.ru_maxrss // 1024


# The audit in a process of its own, saying its own peak and its largest git child's apart.
_SPLIT = """
import resource, sys
from pengaduan.app.context import Desk
from pengaduan.app.history import run_audit
result = run_audit(Desk.open(sys.argv[1]))
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(own, child, len(result.findings))
"""


def split_audit(root: Path) -> tuple[int, int]:
    """(Python's peak MB, the largest git child's peak MB) of one audit."""
    (root / ".git" / layout.PRIVATE / "audit.json").unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", _SPLIT, str(root)], capture_output=True, check=True, env=env).stdout.split()
    if out[2] != b"0":
        raise SystemExit(f"store benchmark tidak bersih: {out[2].decode()} temuan")
    return int(out[0]), int(out[1])


def signed_store(root: Path, commits: int) -> None:
    """N commits made by the tool itself with SSH signing required."""
    key = root.parent / "kunci"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    roster = [Staff(s.code, s.name, s.roles, s.email, s.bidang, ssh_key=key.with_suffix(".pub").read_text().strip())
              if s.code == "ani" else s for s in ROSTER]  # fmt: skip
    store = Store.create(root, roster=roster)
    subprocess.run(["git", "-C", str(root), "config", "gpg.format", "ssh"], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.signingkey", str(key)], check=True)
    store.save_config(dict(store.config.raw, tanda_tangan_commit=True), "Tanda tangan wajib", roster[0])
    store = Store.open(root)
    ani = store.config.staff_by_code("ani")
    start = datetime.now(store.tz) - timedelta(days=2)
    case_id = None
    for number in range(commits - 2):
        moment = start + timedelta(minutes=number)
        if number % 3 == 0:
            intake = Intake(platform="instagram", account="@warga", text="Mohon info layanan")
            case, _ = record(Desk(store), Request("terima", ani, moment, intake=intake))
            case_id = case.id
        elif number % 3 == 1:
            record(Desk(store), Request("verifikasi", ani, moment), case_id)
        else:
            record(Desk(store), Request("respon_tuntas", ani, moment, answer="Sudah kami jawab."), case_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transisi", type=int, default=10_000)
    parser.add_argument("--bertanda", type=int, default=0, help="juga ukur audit N commit bertanda tangan SSH")
    parser.add_argument("--simpan", type=Path, help="bangun store di folder ini (bawaan: folder sementara)")
    parser.add_argument("--pakai", type=Path, help="ukur store yang sudah dibangun dengan --simpan DIR ini (tanpa membangun)")
    parser.add_argument("--kali", type=int, default=3, help="berapa kali run_audit diukur (0: lewati)")
    args = parser.parse_args()
    base = args.pakai or args.simpan or Path(tempfile.mkdtemp(prefix="bench-audit-"))
    try:
        measure(base, args)
    finally:
        if args.simpan is None and args.pakai is None:
            shutil.rmtree(base, ignore_errors=True)


def measure(base: Path, args: argparse.Namespace) -> None:
    root = base / "store"
    rng = random.Random(277)

    if args.pakai is None:
        start = time.perf_counter()
        store = Store.create(root, roster=ROSTER)
        # The plan is drawn lazily, alongside the builder: each has a generator of its own.
        events = plan(args.transisi, random.Random(276), timeutil.zone(store.config.timezone))
        fast_import(store, events, rng)
        built = time.perf_counter() - start
        print(f"store dibangun dalam {built:.1f} s")
    store = Store.open(root)
    commits = store.git.count_commits("HEAD")
    files = len(store.git.ls_tree("HEAD", layout.CASES))
    print(f"store: {commits} commit, {files} berkas kasus")

    if args.kali:
        times, summary = timed_audit(root, args.kali)
        print(f"audit (run_audit), {args.kali} kali: {', '.join(f'{t:.2f} s' for t in times)} — {summary}")
        verdict = "LULUS" if max(times) <= 15 else "GAGAL"
        print(f"target <= 15 s untuk 10000 transisi ({commits} commit di sini): {verdict}")
    seconds, peak = cli_audit(root)
    print(f"pengaduan audit (proses baru, termasuk start Python): {seconds:.2f} s, puncak memori {peak} MB (pohon proses)")
    own, child = split_audit(root)
    print(f"  puncak memori Python sendiri {own} MB, proses git terbesar {child} MB")

    if args.bertanda:
        signed_root = base / "bertanda" / "store"
        signed_root.parent.mkdir(parents=True)
        signed_store(signed_root, args.bertanda)
        times, summary = timed_audit(signed_root, runs=1)
        print(
            f"audit {summary} (semua bertanda tangan SSH): {times[0]:.2f} s, {times[0] / args.bertanda * 1000:.1f} ms per commit"
        )


if __name__ == "__main__":
    main()
