"""Reports an agency signs and archives: letterhead and NIPs in the text, PDF/A with the data
record embedded, emoji drawn or named, and the final monthly report's electronic signature."""

from __future__ import annotations

import hashlib
import io
import re

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from pengaduan.app.context import Desk
from pengaduan.cli import main
from pengaduan.errors import ConfigError
from pengaduan.reports import pdf, signature
from tests.conftest import git
from tests.reports.conftest import ARCHIVE_DAY, EMOJI_TEXT, KOP_VALUES, SIGNERS, copy_store, environment, read_text, state

# Every test here reads the session's archive fixture: four PDFs rendered, one signed.
pytestmark = pytest.mark.slow


def run(store, *args: str, petugas: str = "ani", env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["--store", str(store.root), "--petugas", petugas, *args], env=env, catch_exceptions=False)


def nip_label(nip: str) -> str:
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def test_daily_report_carries_the_letterhead_and_the_admins_nip(archive):
    text = read_text((archive.store.root / f"{archive.daily_base}.pdf").read_bytes())
    assert "PEMERINTAH PROVINSI JAWA TENGAH" in text
    assert "DINAS PEMBERDAYAAN PEREMPUAN, PERLINDUNGAN ANAK," in text
    for value in KOP_VALUES.values():
        assert value in text
    ani = SIGNERS["ani"]
    assert f"NIP. {nip_label(ani['nip'])}" in text
    assert ani["rank"] in text and ani["position"] in text and "selaku Admin Media Sosial" in text
    assert "[belum dicatat]" not in text


def test_monthly_report_carries_letter_number_and_every_signers_details(archive):
    text = read_text((archive.store.root / f"{archive.monthly_base}.pdf").read_bytes())
    assert "Nomor: 000/1/2026" in text
    hendra, sri = SIGNERS["hendra"], SIGNERS["sri"]
    assert f"NIP. {nip_label(hendra['nip'])}" in text and hendra["rank"] in text and hendra["position"] in text
    assert sri["position"] in text  # beside the paraf
    assert "ditandatangani secara elektronik" in text
    # The closing never stands alone: the recommendation shares its page.
    reader = pypdf.PdfReader(archive.store.root / f"{archive.monthly_base}.pdf")
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "Rekomendasi" in last and "Hendra Wijayanto" in last


def test_logo_from_the_store_is_drawn(archive):
    reader = pypdf.PdfReader(archive.store.root / f"{archive.daily_base}.pdf")
    sizes = {image.image.size for image in reader.pages[0].images}
    assert (4, 4) in sizes  # the fixture's 4×4 PNG, at the top of the first page


def test_emoji_is_drawn_when_a_font_has_it_or_named_when_none_does(archive):
    text = read_text((archive.store.root / f"{archive.daily_base}.pdf").read_bytes())
    assert EMOJI_TEXT == "Promo 🔥🔥 DM sekarang"  # the fixture's complaint, so the checks below are about it
    if pdf.coverage()(ord("🔥")):
        assert "Promo 🔥🔥 DM sekarang" in text
    else:
        assert "Promo [emoji: fire ×2] DM sekarang" in text
    assert "\ufffd" not in text and "□" not in text


def test_digits_are_drawn_with_the_text_font(archive):
    """An emoji font in the font list made Pango draw digits with it (wide, spaced-out numbers)."""
    reader = pypdf.PdfReader(archive.store.root / f"{archive.daily_base}.pdf")
    fonts: dict[str, str] = {}

    def visit(text, cm, tm, font, size):  # noqa: ANN001
        if font is not None and re.search(r"\d", text or ""):
            for digit in re.findall(r"\d", text):
                fonts[digit] = str(font.get("/BaseFont"))

    reader.pages[0].extract_text(visitor_text=visit)
    assert fonts and all("Emoji" not in name for name in fonts.values()), fonts


@pytest.mark.parametrize("which", ["daily", "monthly"])
def test_pdf_a_3b_with_the_data_record_embedded(archive, which):
    base = archive.daily_base if which == "daily" else archive.monthly_base
    data = (archive.store.root / f"{base}.pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="B"', xmp)
    attachments = reader.attachments
    stem = f"laporan-harian-{ARCHIVE_DAY}" if which == "daily" else "laporan-bulanan-2026-10"
    assert sorted(attachments) == [f"{stem}-angka.csv", f"{stem}.yaml"]
    embedded = yaml.safe_load(attachments[f"{stem}.yaml"][0])
    stored = yaml.safe_load((archive.store.root / f"{base}.yaml").read_text(encoding="utf-8"))
    # The record as stored, less what only exists once the PDF does (its digest, the signature).
    left_out = {"berkas", "sidik_data"} if which == "daily" else {"berkas", "tanda_tangan_elektronik"}
    assert embedded == {k: v for k, v in stored.items() if k not in left_out}
    figures = attachments[f"{stem}-angka.csv"][0].decode("utf-8")
    assert "# Platform" in figures and "# Langkah SOP" in figures


def test_the_final_report_is_signed_and_verifies(archive):
    data = (archive.store.root / f"{archive.monthly_base}.pdf").read_bytes()
    verdict = signature.verify(data, [archive.root_pem.read_bytes()])
    assert verdict.ok and verdict.trusted
    assert "Hendra Wijayanto" in verdict.signer
    # Without the root it is still intact and valid, just not trusted here.
    untrusted = signature.verify(data)
    assert untrusted.ok and not untrusted.trusted
    # The signature is an incremental update: the unsigned, deterministic document is its prefix.
    record = yaml.safe_load((archive.store.root / f"{archive.monthly_base}.yaml").read_text(encoding="utf-8"))
    signed_info = record["tanda_tangan_elektronik"]
    length = int(signed_info["panjang_tanpa_ttd"])
    assert hashlib.sha256(data[:length]).hexdigest() == signed_info["sha256_tanpa_ttd"]
    assert pdf.identifier_of(data[:length]) is not None  # a PDF of ours, as rendered


def test_a_changed_byte_fails_the_signature(archive, tmp_path):
    data = bytearray((archive.store.root / f"{archive.monthly_base}.pdf").read_bytes())
    record = yaml.safe_load((archive.store.root / f"{archive.monthly_base}.yaml").read_text(encoding="utf-8"))
    length = int(record["tanda_tangan_elektronik"]["panjang_tanpa_ttd"])
    at = data.index(b"Hendra Wijayanto", 0, length) if b"Hendra Wijayanto" in data[:length] else length // 2
    data[at] ^= 0x01
    verdict = signature.verify(bytes(data))
    assert not verdict.ok and not verdict.intact
    appended = (archive.store.root / f"{archive.monthly_base}.pdf").read_bytes() + b"\n% tambahan\n"
    assert not signature.verify(appended).ok  # nothing may be added after signing either

    # `lihat` says so, and exits non-zero.
    store = copy_store(archive.store, tmp_path / "s")
    (store.root / f"{archive.monthly_base}.pdf").write_bytes(bytes(data))
    result = run(store, "laporan", "bulanan", "lihat", "--bulan", "2026-10")
    assert result.exit_code == 2
    assert "TIDAK SAH" in result.stdout or "RUSAK" in result.stdout
    assert "TIDAK cocok dengan catatan" in result.stdout


def test_lihat_verifies_the_signature(archive):
    before = state(archive.store)
    roots = {"PENGADUAN_AKAR_TTD": str(archive.root_pem)}
    result = run(archive.store, "laporan", "bulanan", "lihat", "--bulan", "2026-10", env=roots)
    assert result.exit_code == 0, result.output
    assert "tanda tangan elektronik: SAH" in result.stdout and "sertifikat dipercaya mesin ini" in result.stdout
    assert "cocok dengan catatan" in result.stdout and "nomor surat: 000/1/2026" in result.stdout
    assert state(archive.store) == before


def test_a_certificate_inside_the_store_is_refused(archive, tmp_path):
    store = copy_store(archive.store, tmp_path / "s")
    inside = store.root / ".git" / "ttd.p12"
    inside.write_bytes(archive.p12.read_bytes())
    from pengaduan.app import reports

    with environment(**{reports.ENV_P12: str(inside)}), pytest.raises(ConfigError, match="menunjuk ke dalam store"):
        reports.machine_signing(Desk(store))


def test_the_certificate_can_be_set_with_lokal_and_the_env_overrides_it(archive, tmp_path):
    from pengaduan.app import reports

    store = copy_store(archive.store, tmp_path / "s")
    assert run(store, "lokal", "laporan.sertifikat", str(archive.p12)).exit_code == 0
    assert run(store, "lokal", "laporan.akar", str(archive.root_pem)).exit_code == 0
    settings = reports.machine_signing(Desk(store))
    assert (settings.p12, settings.roots) == (archive.p12.resolve(), archive.root_pem.resolve())
    other = tmp_path / "lain.p12"
    with environment(**{reports.ENV_P12: str(other)}):
        assert reports.machine_signing(Desk(store)).p12 == other.resolve()
    # The shared store never holds it: lokal lives under .git/pengaduan/, outside every commit.
    assert "p12" not in git(store.root, "show", "--stat", "HEAD") and git(store.root, "status", "--porcelain") == ""
    lihat = run(store, "laporan", "bulanan", "lihat", "--bulan", "2026-10")
    assert lihat.exit_code == 0 and "sertifikat dipercaya mesin ini" in lihat.stdout


def test_a_wrong_passphrase_changes_nothing(archive, tmp_path):
    store = copy_store(archive.store, tmp_path / "s")
    assert run(store, "laporan", "bulanan", "susun", "--bulan", "2026-10", "--revisi", petugas="hendra").exit_code == 0
    assert run(store, "laporan", "bulanan", "paraf", "--bulan", "2026-10", petugas="sri").exit_code == 0
    before = state(store)
    env = {"PENGADUAN_P12": str(archive.p12), "PENGADUAN_P12_FRASA": "salah"}
    result = run(store, "laporan", "bulanan", "periksa", "--bulan", "2026-10", petugas="hendra", env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith("galat: sertifikat") and "frasa sandinya salah" in result.stderr
    assert state(store) == before
    assert git(store.root, "status", "--porcelain") == ""
