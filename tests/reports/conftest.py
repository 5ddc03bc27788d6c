"""Fixture stores for the report tests, built once per module through the real store code.

The daily fixture (Monday 2 November 2026) has one case on each SOP path, an open escalation,
a case still waiting at step 1 (whose step 2 is recorded only the next day), a case from an
earlier day still open, and hostile complaint text. Its texts use scripts the machine's fonts
cover: a glyph no font has makes weasyprint write a custom CMap that pypdf cannot read back
(poppler can), so emoji and CJK are tested apart, for rendering only. Its expected figures are spelled out in
DAILY_EXPECTED so tests assert numbers worked out by hand, not numbers read back from the code.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from pengaduan.app.cases import record
from pengaduan.app.context import Desk
from pengaduan.core.workflow import Intake, Request
from pengaduan.store.store import Store
from tests.conftest import ROSTER, at

DAY = "2026-11-02"
REPORTER_NAME = "Ibu Rahmawati Susanti"
REPORTER_CONTACT = "081234567890"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Builder:
    """Record SOP steps through app.cases.record (the call the CLI makes), one commit each."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.staff = {s.code: store.config.staff_by_code(s.code) for s in ROSTER}

    def receive(self, when: str, platform: str, account: str, text: str, kind: str = "komentar", **extra: object) -> str:
        intake = Intake(platform=platform, account=account, text=text, kind=kind, **extra)  # type: ignore[arg-type]
        case, _ = record(Desk(self.store), Request("terima", self.staff["ani"], moment(when), intake=intake))
        return case.id

    def step(self, case_id: str, action: str, when: str, who: str = "ani", **details: object) -> None:
        request = Request(action, self.staff[who], moment(when), **details)  # type: ignore[arg-type]
        record(Desk(self.store), request, case_id)


def new_store(root: Path) -> Store:
    return Store.create(root, roster=list(ROSTER))


def copy_store(store: Store, dest: Path) -> Store:
    """An independent copy of a fixture store (its own git repository), for tests that change it."""
    shutil.copytree(store.root, dest)
    return Store.open(dest)


def state(store: Store) -> tuple[str, str, str]:
    """(HEAD, git status, digest of all files outside .git and the index): equal means unchanged."""

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(store.root), *args], capture_output=True, text=True, check=True).stdout

    status = git("status", "--porcelain")  # first: it may refresh the index's stat data
    digest = hashlib.sha256()
    for path in sorted(p for p in store.root.rglob("*") if p.is_file() and ".git" not in p.parts):
        digest.update(str(path.relative_to(store.root)).encode() + b"\0" + path.read_bytes())
    digest.update((store.root / ".git" / "index").read_bytes())
    return git("rev-parse", "HEAD"), status, digest.hexdigest()


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    """A local listening socket: a report that fetched a URL from a complaint would connect here."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def connected(listener: socket.socket) -> bool:
    """Whether anything connected to the listening socket."""
    try:
        listener.accept()[0].close()
        return True
    except BlockingIOError:
        return False


def build_daily(root: Path, port: int) -> tuple[Store, dict[str, str]]:
    store = new_store(root)
    b = Builder(store)
    ids: dict[str, str] = {}
    # An older case (Friday 30 October), verified, still open on the report day: counted as open, not touched.
    ids["old"] = b.receive(at("14:00", "2026-10-30"), "youtube", "@bapak.slamet", "Data penerima bantuan tidak sesuai")
    b.step(ids["old"], "verifikasi", at("14:05", "2026-10-30"))
    # A: answered by the admin; carries the reporter's personal data and hostile text.
    ids["a"] = b.receive(
        at("09:00"),
        "instagram",
        "@warga123",
        "<script>alert('x')</script> Info KDRT? Saya 0812-3456-7890, rahma@example.com",
        posted_at=moment(at("08:58")),
        reporter_name=REPORTER_NAME,
        reporter_contact=REPORTER_CONTACT,
    )
    b.step(ids["a"], "verifikasi", at("09:05"), category="layanan", bidang="kgpp")
    b.step(ids["a"], "respon_tuntas", at("09:08"), answer="Syaratnya KTP dan KK.")
    # B: answered by the Redaktur.
    ids["b"] = b.receive(at("09:30"), "facebook", "@dewi.ayu_", "Saya korban KDRT, di mana rumah aman?", kind="pesan")
    b.step(ids["b"], "verifikasi", at("09:36"), category="kekerasan-perempuan", bidang="uptd-ppa")
    b.step(ids["b"], "respon", at("09:40"), answer="Kami teruskan.")
    b.step(ids["b"], "teruskan_redaktur", at("09:45"), channel="whatsapp")
    b.step(ids["b"], "jawab_redaktur", at("09:52"), who="rina", answer="Hubungi UPTD PPA.")
    # C: the Redaktur is silent, escalated to the Pimpinan Redaksi, still open at step 7.
    ids["c"] = b.receive(at("10:00"), "x", "@wargajateng23", "Jadwal KB gratis di Demak kapan?", kind="mention")
    b.step(ids["c"], "verifikasi", at("10:03"), bidang="phpa")
    b.step(ids["c"], "respon", at("10:06"), answer="Kami cek.")
    b.step(ids["c"], "teruskan_redaktur", at("10:10"))
    b.step(ids["c"], "teruskan_pimred", at("10:25"))
    b.step(ids["c"], "koordinasi_kabid", at("10:30"), who="hendra", bidang="phpa")
    # D: not a complaint.
    ids["d"] = b.receive(at("10:30"), "tiktok", "@promo.followers99", "Jasa tambah followers murah!!!")
    b.step(ids["d"], "bukan_pengaduan", at("10:33"), note="spam promosi", reason="spam promosi")
    # E: waits at step 1 all day (verified only the next morning); text tries to load a local URL.
    ids["e"] = b.receive(
        at("11:00"),
        "instagram",
        "@korban.anonim",
        f'Tolong <img src="http://127.0.0.1:{port}/x.png"> lihat ini — مرحبا Привет ✓',
        kind="pesan",
    )
    b.step(ids["e"], "verifikasi", at("08:00", "2026-11-03"))
    return store, ids


# Worked out by hand from build_daily (working calendar: Monday 07.30-16.00, break 12.00-13.00).
DAILY_EXPECTED = {
    "received": 5,
    "not_complaint": 1,
    "settled_admin": 1,
    "settled_redaktur": 1,
    "escalated": 1,
    "settled_escalated": 0,
    "settled": 2,
    "open_end": 3,  # C (step 7), E (step 1), the older case (step 2)
    "open_older": 1,
    "steps_done": 17,  # A 3, B 5, C 6, D 2, E 1
    "touched": 5,
    "overdue": 3,  # all three open cases wait past their standard by the end of the day
}
