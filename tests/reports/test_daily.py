"""`pengaduan laporan harian`: the documents, what they show and hide, and how they are committed."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

import pengaduan
from pengaduan.cli import main
from tests.conftest import git
from tests.reports.conftest import DAY, REPORTER_CONTACT, REPORTER_NAME, build_daily, connected, copy_store, new_store, state

BASE = "laporan/harian/2026/11/2026-11-02"


def run(store, *args: str, petugas: str | None = "ani"):
    head = ["--store", str(store.root)] + (["--petugas", petugas] if petugas else [])
    return CliRunner().invoke(main, [*head, *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def daily(tmp_path_factory, listener):
    """The fixture store and its daily report of 2 November 2026, made once (HTML and PDF)."""
    store, ids = build_daily(tmp_path_factory.mktemp("harian") / "store", listener.getsockname()[1])
    before = git(store.root, "rev-parse", "HEAD").strip()
    result = run(store, "laporan", "harian", "--tanggal", DAY)
    assert result.exit_code == 0, result.output
    return store, ids, before, result


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_one_commit_of_report_files_with_trailers(daily):
    store, _, before, result = daily
    assert git(store.root, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    files = git(store.root, "show", "--name-only", "--format=", "HEAD").split()
    assert files == [f"{BASE}.html", f"{BASE}.pdf", f"{BASE}.yaml"]
    body = git(store.root, "log", "-1", "--format=%an%n%B")
    lines = body.splitlines()
    assert lines[0] == "Ani Lestari"
    for trailer in ("Jenis: laporan", "Langkah: 12", "Aksi: laporan_harian", "Pelaksana: admin", "SOP: 276/SOP/KBKIE/2024"):
        assert trailer in lines
    assert git(store.root, "status", "--porcelain") == ""
    assert f"{BASE}.pdf" in result.stdout


def test_pdf_shows_title_date_counts_and_masked_handles_only(daily):
    store, ids, _, _ = daily
    text = pdf_text(store.root / f"{BASE}.pdf")
    assert "Laporan Harian Pengaduan Masyarakat melalui Media Sosial" in text
    assert "Senin, 2 November 2026" in text
    assert "SOP 276/SOP/KBKIE/2024" in text
    assert "Semarang, 2 November 2026" in text and "Ani Lestari" in text
    for label, count in [
        ("Pesan/komentar masuk hari ini", 5),
        ("ditutup sebagai bukan pengaduan", 1),
        ("diselesaikan oleh admin", 1),
        ("diselesaikan oleh Redaktur", 1),
        ("diteruskan (eskalasi) ke Pimpinan Redaksi", 1),
        ("Pengaduan selesai hari ini (termasuk yang masuk sebelumnya)", 2),
        ("Langkah SOP yang dikerjakan hari ini", 17),
    ]:
        assert f"{label} {count}" in text
    assert "(termasuk 1 dari hari sebelumnya) 3" in text
    assert "Kasus yang ditangani hari ini (5)" in text
    assert "Kasus terbuka yang melewati standar waktu (3)" in text
    assert "09.00 WIB" in text
    assert all(ids[k] in text for k in "abcde")
    assert "@wa***23" in text and "@ko***im" in text
    secrets = (REPORTER_NAME, "Rahmawati", REPORTER_CONTACT, "0812-3456-7890", "rahma@example.com", "@warga123", "@korban.anonim")
    assert [s for s in secrets if s in text] == []


def test_html_escapes_hostile_text_and_is_self_contained(daily):
    store, _, _, _ = daily
    html = (store.root / f"{BASE}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "&lt;img src=" in html and "<img" not in html
    assert "<style>" in html and "<link" not in html
    assert re.search(r"""\s(?:src|href)\s*=\s*["']""", html) is None  # no attribute loads anything
    for secret in (REPORTER_NAME, REPORTER_CONTACT, "@warga123"):
        assert secret not in html


def test_rendering_fetched_no_url(daily, listener):
    assert not connected(listener), "making the report connected to the URL in a complaint"


def test_second_run_with_the_same_data_makes_no_commit(daily):
    store, _, _, _ = daily
    before = state(store)
    result = run(store, "laporan", "harian", "--tanggal", DAY)
    assert result.exit_code == 0, result.output
    assert "tidak berubah" in result.stdout
    assert state(store) == before


def test_changed_data_replaces_the_files_in_a_new_commit(daily, tmp_path):
    store = copy_store(daily[0], tmp_path / "copy")
    case_c = daily[1]["c"]
    step = run(store, "koordinasi", case_c, "--dengan", "kadin", "--waktu", f"{DAY}T15:00:00+07:00", petugas="sri")
    assert step.exit_code == 0, step.output
    before = git(store.root, "rev-parse", "HEAD").strip()
    result = run(store, "laporan", "harian", "--tanggal", DAY, "--format", "html")
    assert result.exit_code == 0, result.output
    assert git(store.root, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    changed = git(store.root, "show", "--name-status", "--format=", "HEAD").split("\n")
    # Only HTML was asked for: the PDF, made from the old data, no longer matches and is removed.
    assert f"M\t{BASE}.html" in changed and f"D\t{BASE}.pdf" in changed and f"M\t{BASE}.yaml" in changed
    assert "Koordinasi Kepala Dinas (8)" in (store.root / f"{BASE}.html").read_text(encoding="utf-8")
    assert "dihapus karena usang" in result.stdout


def test_refusals_change_nothing(daily):
    store, _, _, _ = daily
    before = state(store)
    for args, petugas, words in [
        (("--tanggal", DAY), "hendra", "tidak boleh membuat laporan harian"),
        (("--tanggal", "2099-01-01"), "ani", "masa depan"),
        (("--tanggal", "2-11-2026"), "ani", "bukan tanggal"),
        (("--format", "docx"), "ani", "bukan pilihan"),
    ]:
        result = run(store, "laporan", "harian", *args, petugas=petugas)
        assert result.exit_code != 0
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""
    assert state(store) == before


def test_output_folder_writes_outside_the_store_without_commit(daily, tmp_path):
    store, _, _, _ = daily
    before = state(store)
    result = run(store, "laporan", "harian", "--tanggal", DAY, "--format", "html", "--keluaran", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / f"{DAY}.html").read_bytes() == (store.root / f"{BASE}.html").read_bytes()
    assert state(store) == before


def test_any_active_petugas_may_write_to_an_output_folder(daily, tmp_path):
    store, _, _, _ = daily
    before = state(store)
    for who in ("hendra", "rina", "sri"):  # not the step's role: no step is recorded, nothing committed
        result = run(store, "laporan", "harian", "--tanggal", DAY, "--format", "html", "--keluaran", str(tmp_path / who),
                     petugas=who)  # fmt: skip
        assert result.exit_code == 0, result.output
        assert (tmp_path / who / f"{DAY}.html").is_file()
    assert state(store) == before
    result = run(store, "laporan", "harian", "--tanggal", DAY, "--format", "html", petugas="hendra")
    assert "tidak boleh membuat laporan harian" in result.stderr  # committing it still needs the role


def test_cron_environment(daily, tmp_path):
    """No terminal, no locale, a bare PATH, another working directory: exit 0 and silence with -q."""
    store = copy_store(daily[0], tmp_path / "cron")
    git(store.root, "rm", "-q", f"{BASE}.html", f"{BASE}.pdf", f"{BASE}.yaml")
    git(store.root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "hapus laporan")
    repo = Path(pengaduan.__file__).resolve().parents[1]
    env = {"PATH": "/usr/bin:/bin", "PENGADUAN_STORE": str(store.root), "PENGADUAN_PETUGAS": "ani", "PYTHONPATH": str(repo)}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def cron(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pengaduan", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            preexec_fn=lambda: os.close(0),  # stdin closed, as cron may leave it
            timeout=120,
        )

    done = cron("laporan", "harian", "--tanggal", DAY, "-q")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (store.root / f"{BASE}.pdf").read_bytes() == (daily[0].root / f"{BASE}.pdf").read_bytes()
    assert git(store.root, "log", "-1", "--format=%s").startswith("Laporan harian 2026-11-02")
    env["PENGADUAN_PETUGAS"] = "tidakada"
    failed = cron("laporan", "harian", "--tanggal", DAY, "-q")
    assert failed.returncode != 0 and failed.stdout == ""
    assert failed.stderr.startswith("galat: petugas 'tidakada' tidak ada") and len(failed.stderr.splitlines()) == 1


def test_a_quiet_day_still_makes_a_report(tmp_path):
    store = new_store(tmp_path / "kosong")
    result = run(store, "laporan", "harian", "--tanggal", DAY, "--format", "html")
    assert result.exit_code == 0, result.output
    html = " ".join((store.root / f"{BASE}.html").read_text(encoding="utf-8").split())
    # One line says the day was empty, instead of tables of zeros.
    assert "Senin, 2 November 2026: tidak ada pesan/komentar masuk dan tidak ada langkah SOP yang dikerjakan." in html
    assert "Rekapitulasi hari ini" not in html and "Waktu per langkah SOP" not in html
    assert "Tidak ada kasus terbuka yang melewati standar waktu." in html


def test_without_an_emoji_font_the_emoji_are_named_not_boxes(tmp_path, monkeypatch):
    from pengaduan.reports import pdf
    from tests.reports.conftest import Builder

    store = new_store(tmp_path / "tanpa-emoji")
    Builder(store).receive("2026-11-02T09:00:00+07:00", "tiktok", "@promo99", "Promo 🔥🔥 DM 🙏🏽 sekarang")
    latin_only = pdf.Coverage(pdf.BASIC_RANGES, known=False)  # a machine whose fonts have no emoji
    monkeypatch.setattr(pdf, "coverage", lambda: latin_only)
    result = run(store, "laporan", "harian", "--tanggal", DAY, "--format", "html")
    assert result.exit_code == 0, result.output
    html = (store.root / f"{BASE}.html").read_text(encoding="utf-8")
    assert "Promo [emoji: fire ×2] DM [emoji: person with folded hands] sekarang" in html
    assert "🔥" not in html and "🙏" not in html


def test_a_holidays_report_names_the_holiday_in_one_line(tmp_path):
    from datetime import date

    from pengaduan.app.context import Desk
    from tests.reports.conftest import read_text

    store = new_store(tmp_path / "libur")
    holiday = date(2026, 8, 17)  # a Monday: a working day were it not a holiday
    name = Desk(store).calendar.day_off(holiday)
    assert name  # the calendar knows it (the holidays package, or the store's own list)
    result = run(store, "laporan", "harian", "--tanggal", holiday.isoformat(), "--format", "pdf")
    assert result.exit_code == 0, result.output
    data = (store.root / "laporan/harian/2026/08/2026-08-17.pdf").read_bytes()
    text = read_text(data).replace("/ ", "/")  # a line may break after the slash
    assert f"Senin, 17 Agustus 2026, hari libur {name}: tidak ada pesan/komentar masuk" in text
    assert "Tidak ada kasus yang masih terbuka." in text
    assert "Rekapitulasi" not in text
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1


def test_a_day_still_running_is_reported_as_of_now(store, cli, receive):
    """Today's report shows waiting times as of the run: the same minute makes no new commit,
    an hour later with no new step the waits have grown, so it is made again."""
    receive("09:00", day="2026-11-28")
    count = lambda: int(git(store.root, "rev-list", "--count", "HEAD").strip())  # noqa: E731
    ten = {"PENGADUAN_SEKARANG": "2026-11-28T10:00:00+07:00"}
    assert cli("laporan", "harian", "--format", "html", env=ten).exit_code == 0
    made = count()
    assert cli("laporan", "harian", "--format", "html", env=ten).exit_code == 0
    assert count() == made
    eleven = {"PENGADUAN_SEKARANG": "2026-11-28T11:00:00+07:00"}
    result = cli("laporan", "harian", "--format", "html", env=eleven)
    assert result.exit_code == 0, result.output
    assert count() == made + 1
    html = (store.root / "laporan" / "harian" / "2026" / "11" / "2026-11-28.html").read_text(encoding="utf-8")
    assert "pukul 11.00 WIB" in html
