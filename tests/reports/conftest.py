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
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from pengaduan.app.cases import record
from pengaduan.app.context import Desk
from pengaduan.core.workflow import Intake, Request
from pengaduan.store.store import Store
from tests.conftest import NOW, ROSTER, at

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


# -- the archive fixture: a letterhead, NIPs, a logo, a signing certificate -----------------------------
KOP_VALUES = {
    "alamat": "Jalan Contoh Nomor 1, Semarang 50000",
    "telepon": "(024) 000000",
    "email": "uji@example.go.id",
    "laman": "uji.example.go.id",
}
SIGNERS = {
    "ani": {"nip": "199203142019032007", "rank": "Penata Muda (III/a)", "position": "Pranata Humas Ahli Pertama"},
    "hendra": {"nip": "197805122005011004", "rank": "Penata Tingkat I (III/d)", "position": "Kepala Sub Bagian Umum"},
    "sri": {"nip": "197101201998032003", "rank": "Pembina (IV/a)", "position": "Kepala Bidang PHPA"},
}
EMOJI_TEXT = "Promo 🔥🔥 DM sekarang"
ARCHIVE_DAY = "2026-10-05"
P12_PASSPHRASE = "rahasia-uji"


def png(width: int = 4, height: int = 4) -> bytes:
    """A small valid PNG (one grey pixel row repeated), made here."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\x80\x80\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def throwaway_certificate(folder: Path, name: str = "Hendra Wijayanto") -> tuple[Path, bytes]:
    """A self-signed certificate and key made for the test, as a PKCS#12 file; (path, certificate PEM)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Uji")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path = folder / "penanda-tangan.p12"
    encryption = serialization.BestAvailableEncryption(P12_PASSPHRASE.encode())
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"uji", key, cert, None, encryption))
    return path, cert.public_bytes(serialization.Encoding.PEM)


class Archive:
    """A store with a letterhead, a logo and NIPs, its daily report of ARCHIVE_DAY (PDF) and its
    final, electronically signed monthly report of October 2026."""

    def __init__(self, store: Store, ids: dict[str, str], p12: Path, root_pem: Path) -> None:
        self.store, self.ids, self.p12, self.root_pem = store, ids, p12, root_pem

    daily_base = f"laporan/harian/2026/10/{ARCHIVE_DAY}"
    monthly_base = "laporan/bulanan/2026-10"


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Environment variables set for a block (session fixtures cannot use monkeypatch)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    with environment(PENGADUAN_SEKARANG=NOW):
        return _build_archive(tmp_path_factory)


def _build_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    from dataclasses import replace

    from pengaduan.app import kop as kop_use
    from pengaduan.app import reports

    folder = tmp_path_factory.mktemp("arsip")
    roster = [replace(s, **SIGNERS.get(s.code, {})) for s in ROSTER]
    store = Store.create(folder / "store", roster=roster)
    logo = folder / "logo.png"
    logo.write_bytes(png())
    kop_use.update(Desk(store, "retno"), KOP_VALUES, logo)
    b = Builder(store)
    ids = {"spam": b.receive(at("09:00", ARCHIVE_DAY), "tiktok", "@promo99", EMOJI_TEXT)}
    b.step(ids["spam"], "bukan_pengaduan", at("09:02", ARCHIVE_DAY), note="spam", reason="spam")
    ids["kb"] = b.receive(at("09:10", ARCHIVE_DAY), "instagram", "@warga002", "Jadwal KB gratis?")
    b.step(ids["kb"], "verifikasi", at("09:14", ARCHIVE_DAY), category="kb", bidang="kbkie")
    b.step(ids["kb"], "respon_tuntas", at("09:18", ARCHIVE_DAY), answer="Setiap Selasa.")
    ids["open"] = b.receive(at("15:00", "2026-10-30"), "x", "@warga004", "Data bantuan salah", kind="mention")

    staff = {s.code: store.config.staff_by_code(s.code) for s in ROSTER}
    desk = Desk(store)
    reports.make_daily(desk, staff["ani"], datetime.fromisoformat(at("00:00", ARCHIVE_DAY)).date())
    when = datetime.fromisoformat("2026-11-02T09:00:00+07:00")
    reports.draft_monthly(Desk(store), staff["hendra"], "2026-10", when, "Baik.", "Tambah admin.", number="000/1/2026")
    reports.initial_monthly(Desk(store), staff["sri"], "2026-10", when.replace(hour=10))
    p12, root = throwaway_certificate(folder)
    root_pem = folder / "akar.pem"
    root_pem.write_bytes(root)
    with environment(**{reports.ENV_P12: str(p12), reports.ENV_P12_PASSPHRASE: P12_PASSPHRASE}):
        outcome = reports.check_monthly(Desk(store), staff["hendra"], "2026-10", when.replace(hour=11))
    assert outcome.signed
    return Archive(store, ids, p12, root_pem)


def read_text(pdf_bytes: bytes) -> str:
    """The PDF's text, whitespace collapsed: poppler's pdftotext (it reads every font's CMap), else pypdf."""
    tool = shutil.which("pdftotext")
    if tool is not None:
        done = subprocess.run([tool, "-enc", "UTF-8", "-", "-"], input=pdf_bytes, capture_output=True, check=True)
        return " ".join(done.stdout.decode("utf-8").split())
    import io

    import pypdf

    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages).split())
