"""`pengaduan laporan bulanan susun|paraf|periksa`: the monthly report's life, in order and out of it."""

from __future__ import annotations

import re
from datetime import datetime
from importlib.resources import files

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from pengaduan.cli import main
from pengaduan.core import monthly_report as monthly
from pengaduan.core import timeutil
from pengaduan.core.sop import load_sop
from pengaduan.errors import PermissionDenied
from tests.conftest import ROSTER, at, git
from tests.reports.conftest import Builder, copy_store, new_store, state

BASE = "laporan/bulanan/2026-10"
MONTH = ("--bulan", "2026-10")


def run(store, *args: str, petugas: str):
    return CliRunner().invoke(main, ["--store", str(store.root), "--petugas", petugas, *args], catch_exceptions=False)


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(path).pages).split())


def record(store) -> dict:
    return yaml.safe_load((store.root / f"{BASE}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def october(tmp_path_factory):
    """October 2026: answered by the admin, by the Redaktur, not a complaint, one still open; one September case."""
    store = new_store(tmp_path_factory.mktemp("bulanan") / "store")
    b = Builder(store)
    sep = b.receive(at("09:00", "2026-09-29"), "instagram", "@warga001", "Syarat konseling?")
    b.step(sep, "verifikasi", at("09:03", "2026-09-29"))
    b.step(sep, "respon_tuntas", at("09:05", "2026-09-29"), answer="KTP dan KK.")
    one = b.receive(at("09:00", "2026-10-05"), "instagram", "@warga002", "Jadwal KB gratis?")
    b.step(one, "verifikasi", at("09:04", "2026-10-05"), category="kb", bidang="kbkie")
    b.step(one, "respon_tuntas", at("09:08", "2026-10-05"), answer="Setiap Selasa.")
    two = b.receive(at("09:00", "2026-10-06"), "facebook", "@warga003", "Rumah aman?", kind="pesan")
    b.step(two, "verifikasi", at("09:05", "2026-10-06"), category="kekerasan-perempuan", bidang="uptd-ppa")
    b.step(two, "respon", at("09:10", "2026-10-06"), answer="Kami teruskan.")
    b.step(two, "teruskan_redaktur", at("09:15", "2026-10-06"))
    b.step(two, "jawab_redaktur", at("09:30", "2026-10-06"), who="rina", answer="Hubungi UPTD PPA.")
    spam = b.receive(at("09:00", "2026-10-20"), "tiktok", "@promo99", "Jasa followers murah")
    b.step(spam, "bukan_pengaduan", at("09:02", "2026-10-20"), note="spam", reason="spam")
    b.receive(at("15:00", "2026-10-30"), "x", "@warga004", "Data bantuan salah", kind="mention")
    return store


def test_workflow_in_order(october, tmp_path):
    store = copy_store(october, tmp_path / "s")
    start = git(store.root, "rev-parse", "HEAD").strip()

    advice = tmp_path / "rekomendasi.txt"
    advice.write_text("Tambah admin pada jam sibuk.\n", encoding="utf-8")
    both = run(
        store, "laporan", "bulanan", "susun", *MONTH, "--rekomendasi", "x", "--rekomendasi-berkas", str(advice), petugas="hendra"
    )
    assert both.exit_code == 1 and "jangan keduanya" in both.stderr
    drafted = run(
        store, "laporan", "bulanan", "susun", *MONTH, "--waktu", at("09:00"),
        "--kesimpulan", "Aduan <script>alert(1)</script> menurun.\n\nParagraf kedua.", "--rekomendasi-berkas", str(advice),
        petugas="hendra",
    )  # fmt: skip
    assert drafted.exit_code == 0, drafted.output
    assert git(store.root, "show", "--name-only", "--format=", "HEAD").split() == [f"{BASE}.html", f"{BASE}.pdf", f"{BASE}.yaml"]
    body = git(store.root, "log", "-1", "--format=%an%n%B").splitlines()
    assert body[0] == "Hendra Wijayanto"
    assert {"Jenis: laporan", "Langkah: 13", "Aksi: susun", "Pelaksana: pimred", "SOP: 276/SOP/KBKIE/2024"} <= set(body)
    rec = record(store)
    assert (rec["status"], rec["revisi"], rec["bulan"]) == ("draf", 1, "2026-10")
    assert [(e["aksi"], e["langkah"], e["kode"], e["peran"], e["waktu"]) for e in rec["peristiwa"]] == [
        ("susun", 13, "hendra", "pimred", "2026-11-02T09:00:00+07:00")
    ]
    html = (store.root / f"{BASE}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert html.count("<svg") == 2 and re.search(r"""\s(?:src|href)\s*=\s*["']""", html) is None
    text = pdf_text(store.root / f"{BASE}.pdf")
    assert "Laporan Bulanan Pengaduan Masyarakat melalui Media Sosial" in text and "Bulan Oktober 2026" in text
    assert "Draf — revisi 1" in text and "DRAF" in text
    assert "Pesan/komentar diterima 4 1 +3" in text  # October against September
    assert "Pengaduan selesai 2 (66,7%) 1 (100,0%) +1" in text
    assert "Paraf" in text and "belum" in text

    again = run(store, "laporan", "bulanan", "susun", *MONTH, petugas="hendra")
    assert again.exit_code == 0 and "tidak berubah" in again.stdout
    assert git(store.root, "rev-list", "--count", f"{start}..HEAD").strip() == "1"

    initialled = run(store, "laporan", "bulanan", "paraf", *MONTH, "--waktu", at("10:00"), petugas="sri")
    assert initialled.exit_code == 0, initialled.output
    body = git(store.root, "log", "-1", "--format=%an%n%B").splitlines()
    assert body[0] == "Sri Wahyuningsih" and {"Langkah: 14", "Aksi: paraf", "Pelaksana: kabid"} <= set(body)
    assert record(store)["status"] == "diparaf"

    checked = run(store, "laporan", "bulanan", "periksa", *MONTH, "--waktu", at("11:00"), petugas="hendra")
    assert checked.exit_code == 0, checked.output
    body = git(store.root, "log", "-1", "--format=%an%n%B").splitlines()
    assert body[0] == "Hendra Wijayanto" and {"Langkah: 15", "Aksi: periksa", "Pelaksana: pimred"} <= set(body)
    rec = record(store)
    assert rec["status"] == "final" and rec["rekomendasi"] == "Tambah admin pada jam sibuk."
    shown = run(store, "laporan", "bulanan", "lihat", *MONTH, petugas="ani").stdout
    assert "laporan bulanan 2026-10: Final, revisi 1" in shown
    assert "langkah 14 paraf" in shown and "Sri Wahyuningsih (kabid)" in shown
    assert [(e["aksi"], e["kode"]) for e in rec["peristiwa"]] == [("susun", "hendra"), ("paraf", "sri"), ("periksa", "hendra")]
    text = pdf_text(store.root / f"{BASE}.pdf")
    assert "Final — revisi 1" in text and "DRAF" not in text
    # The paraf (Kepala Bidang, name, date) stands beside the Pimpinan Redaksi's signature block.
    assert re.search(r"Paraf .*Kepala Bidang Terkait Sri Wahyuningsih 2 November 2026", text)
    assert re.search(r"Semarang, 2 November 2026 Pimpinan Redaksi, .*Hendra Wijayanto", text)
    assert git(store.root, "rev-list", "--count", f"{start}..HEAD").strip() == "3"

    before = state(store)
    refused = run(store, "laporan", "bulanan", "susun", *MONTH, petugas="hendra")
    assert refused.exit_code == 1 and "sudah final" in refused.stderr and "--revisi" in refused.stderr
    assert state(store) == before

    final_pdf = (store.root / f"{BASE}.pdf").read_bytes()
    revised = run(store, "laporan", "bulanan", "susun", *MONTH, "--revisi", "--waktu", at("13:00"), petugas="hendra")
    assert revised.exit_code == 0, revised.output
    rec = record(store)
    assert (rec["status"], rec["revisi"]) == ("draf", 2)
    assert [(e["aksi"], e["revisi"]) for e in rec["peristiwa"]] == [("susun", 1), ("paraf", 1), ("periksa", 1), ("susun", 2)]
    assert rec["kesimpulan"].startswith("Aduan <script>")  # kept from the first draft
    assert "Draf — revisi 2" in pdf_text(store.root / f"{BASE}.pdf")
    old = subprocess_bytes(store, f"HEAD~1:{BASE}.pdf")
    assert old == final_pdf  # the final revision stays in history


def subprocess_bytes(store, spec: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "-C", str(store.root), "show", spec], capture_output=True, check=True).stdout


def test_out_of_order_and_wrong_roles_change_nothing(october, tmp_path):
    store = copy_store(october, tmp_path / "s")

    def refused(action: str, petugas: str, words: str) -> None:
        before = state(store)
        result = run(store, "laporan", "bulanan", action, *MONTH, petugas=petugas)
        assert result.exit_code == 1, result.output
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
        assert state(store) == before

    refused("paraf", "sri", "belum disusun")
    refused("periksa", "hendra", "belum disusun")
    refused("susun", "ani", "tidak boleh menyusun laporan bulanan 2026-10 (langkah 13); yang boleh: pimred")
    refused("susun", "sri", "yang boleh: pimred")
    assert run(store, "laporan", "bulanan", "susun", *MONTH, petugas="hendra").exit_code == 0
    refused("periksa", "hendra", "belum diparaf Kepala Bidang")
    refused("paraf", "hendra", "tidak boleh memaraf laporan bulanan 2026-10 (langkah 14); yang boleh: kabid")
    refused("paraf", "ani", "yang boleh: kabid")
    assert run(store, "laporan", "bulanan", "paraf", *MONTH, petugas="sri").exit_code == 0
    refused("paraf", "sri", "sudah diparaf oleh Sri Wahyuningsih")
    refused("periksa", "sri", "tidak boleh memeriksa laporan bulanan 2026-10 (langkah 15); yang boleh: pimred")
    refused("susun", "hendra", "sudah diparaf")


def test_bad_month_and_future_are_refused(october):
    before = state(october)
    for args, words in [
        (("--bulan", "2026-13"), "bukan bulan"),
        (("--bulan", "Oktober"), "bukan bulan"),
        (("--bulan", "2099-01"), "belum dimulai"),
        (("--bulan", "2026-10", "--waktu", "2099-01-01T09:00"), "masa depan"),
    ]:
        result = run(october, "laporan", "bulanan", "susun", *args, petugas="hendra")
        assert result.exit_code != 0 and words in result.stderr
    assert state(october) == before


def test_a_commit_made_while_the_report_is_prepared_is_never_undone(october, tmp_path, monkeypatch):
    """susun reads the record and renders before it takes the lock; a paraf (or any commit) landing
    in between must make susun refuse, not overwrite the newer record with what it prepared."""
    from pengaduan.app import reports as publish
    from pengaduan.store.store import Store

    store = copy_store(october, tmp_path / "s")
    assert run(store, "laporan", "bulanan", "susun", *MONTH, "--kesimpulan", "Pertama", petugas="hendra").exit_code == 0
    render = publish._render_monthly
    interleaved: list[str] = []

    def render_while_someone_initials(store_, rec, rev, **options):
        html = render(store_, rec, rev, **options)
        if not interleaved:  # another process (the Kepala Bidang) commits before this one takes the lock
            interleaved.append("paraf")
            initialled = run(Store(store_.root), "laporan", "bulanan", "paraf", *MONTH, petugas="sri")
            assert initialled.exit_code == 0, initialled.output
        return html

    monkeypatch.setattr(publish, "_render_monthly", render_while_someone_initials)
    result = run(store, "laporan", "bulanan", "susun", *MONTH, "--kesimpulan", "Kedua", "--revisi", petugas="hendra")
    assert result.exit_code == 1, result.output
    assert "store berubah oleh proses lain" in result.stderr
    kept = record(store)
    assert kept["status"] == "diparaf"
    assert "Pertama" in str(kept) and "Kedua" not in str(kept)
    assert git(store.root, "status", "--porcelain") == ""


def test_who_signs_off_and_the_step_recorded_come_from_the_sop():
    """aksi_laporan decides each report action's step and roles; the record transitions only read it."""
    tz = timeutil.zone("Asia/Jakarta")
    data = yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_text("utf-8"))
    data["aksi_laporan"]["paraf"]["peran"] = ["kadin"]  # a revision: the Kepala Dinas initials the draft
    data["aksi_laporan"]["periksa"]["langkah"] = 14
    sop = load_sop(data)
    hendra, sri, retno = (next(s for s in ROSTER if s.code == code) for code in ("hendra", "sri", "retno"))
    when = datetime(2026, 11, 2, 9, 0, tzinfo=tz)
    _, event, _ = monthly.draft(None, "2026-10", hendra, when, sop, tz)
    draft = monthly.MonthlyRecord("2026-10", monthly.DRAFT, 1, "", "", "", events=(event,))
    with pytest.raises(PermissionDenied, match=re.escape("yang boleh: kadin (Kepala DP3AP2KB Jawa Tengah)")):
        monthly.initial(draft, "2026-10", sri, when, sop, tz)
    initialled = monthly.initial(draft, "2026-10", retno, when, sop, tz)
    assert (initialled.events[-1].role, initialled.events[-1].step) == ("kadin", 14)
    final = monthly.check(initialled, "2026-10", hendra, when, sop, tz)
    assert final.events[-1].step == 14
