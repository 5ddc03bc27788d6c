"""`pengaduan laporan harian|bulanan ekspor`: the figures as a spreadsheet, without a commit."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pytest
from click.testing import CliRunner

from pengaduan.app.context import Desk
from pengaduan.cli import main
from pengaduan.reports.monthly import month_bounds, monthly_figures
from tests.reports.conftest import DAILY_EXPECTED, DAY, build_daily, state


def run(store, *args: str, petugas: str = "ani"):
    return CliRunner().invoke(main, ["--store", str(store.root), "--petugas", petugas, *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def daily_store(tmp_path_factory):
    return build_daily(tmp_path_factory.mktemp("ekspor") / "store", port=9)


def sheet_rows(book, name: str) -> list[tuple]:
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def test_daily_xlsx_has_one_sheet_per_table_with_numbers_and_times(daily_store, tmp_path):
    store, ids = daily_store
    before = state(store)
    target = tmp_path / "harian.xlsx"
    result = run(store, "laporan", "harian", "ekspor", "--tanggal", DAY, "--format", "xlsx", "--keluaran", str(target))
    assert result.exit_code == 0, result.output
    assert "tanpa commit" in result.stdout
    assert state(store) == before

    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Rekap", "Platform", "Jenis", "Langkah SOP", "Kasus ditangani", "Melewati standar"]
    recap = dict(sheet_rows(book, "Rekap")[1:])
    expected = {
        "Pesan/komentar masuk": DAILY_EXPECTED["received"],
        "Ditutup sebagai bukan pengaduan": DAILY_EXPECTED["not_complaint"],
        "Diselesaikan oleh admin": DAILY_EXPECTED["settled_admin"],
        "Diselesaikan oleh Redaktur": DAILY_EXPECTED["settled_redaktur"],
        "Diteruskan (eskalasi) ke Pimpinan Redaksi": DAILY_EXPECTED["escalated"],
        "Pengaduan selesai": DAILY_EXPECTED["settled"],
        "Masih terbuka": DAILY_EXPECTED["open_end"],
        "Masih terbuka dari hari sebelumnya": DAILY_EXPECTED["open_older"],
        "Langkah SOP dikerjakan": DAILY_EXPECTED["steps_done"],
    }
    assert {k: recap[k] for k in expected} == expected
    assert all(type(recap[k]) is int for k in expected)  # numbers, not text
    assert recap["Tanggal"] == datetime(2026, 11, 2)  # a date cell (openpyxl reads dates back as datetimes)
    assert book["Rekap"]["B2"].is_date

    platform = dict(r[:2] for r in sheet_rows(book, "Platform")[1:])
    assert platform == {"Instagram": 2, "Facebook": 1, "X": 1, "TikTok": 1, "YouTube": 0, "Threads": 0, "Jumlah": 5}
    assert book["Platform"]["C2"].value == pytest.approx(0.4) and book["Platform"]["C2"].number_format == "0.0%"

    cases = sheet_rows(book, "Kasus ditangani")
    assert len(cases) - 1 == DAILY_EXPECTED["touched"]
    assert [row[0] for row in cases[1:]] == [ids[k] for k in "abcde"]
    first = cases[1]
    assert first[1] == datetime(2026, 11, 2, 9, 0) and first[3] == "@wa***23"
    assert "0812" not in str(cases) and "@warga123" not in str(cases)  # redacted like the report
    assert len(sheet_rows(book, "Melewati standar")) - 1 == DAILY_EXPECTED["overdue"]
    steps = {row[0]: (row[4], row[5]) for row in sheet_rows(book, "Langkah SOP")[1:]}
    assert steps[1] == (5, 5) and steps[6] == (1, 1)

    # Dated by the data (the end of the day, 23.59.59 WIB, in UTC), never by the wall clock.
    assert book.properties.modified == book.properties.created == datetime(2026, 11, 2, 16, 59, 59)
    # Same data, same bytes: a second export rewrites nothing.
    first_bytes = target.read_bytes()
    assert run(store, "laporan", "harian", "ekspor", "--tanggal", DAY, "--keluaran", str(target)).exit_code == 0
    assert target.read_bytes() == first_bytes


def test_csv_tables_one_after_another(daily_store, tmp_path):
    store, _ = daily_store
    target = tmp_path / "harian.csv"
    result = run(store, "laporan", "harian", "ekspor", "--tanggal", DAY, "--format", "csv", "--keluaran", str(target))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    names = [r[0] for r in rows if r and r[0].startswith("# ")]
    assert names == ["# Rekap", "# Platform", "# Jenis", "# Langkah SOP", "# Kasus ditangani", "# Melewati standar"]
    recap = {r[0]: r[1] for r in rows[2 : rows.index([])]}
    assert recap["Tanggal"] == "2026-11-02" and recap["Pesan/komentar masuk"] == str(DAILY_EXPECTED["received"])


def test_monthly_xlsx_numbers_are_the_reports_figures(archive, tmp_path):
    store = archive.store
    desk = Desk(store)
    target = tmp_path / "bulanan.xlsx"
    before = state(store)
    result = run(store, "laporan", "bulanan", "ekspor", "--bulan", "2026-10", "--keluaran", str(target))
    assert result.exit_code == 0, result.output
    assert state(store) == before

    _, end = month_bounds(2026, 10, desk.tz)
    report = monthly_figures(store.load_all(), 2026, 10, end, desk.sop, desk.config, desk.tz, desk.calendar)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:2] == ["Ringkasan", "Status"] and "Per hari" in book.sheetnames
    summary = {row[0]: row[1:] for row in sheet_rows(book, "Ringkasan")[1:]}
    s = report.summary
    assert summary["Pesan/komentar diterima"][0] == s.received == 3
    assert summary["Pengaduan"][0] == s.complaints and summary["Pengaduan selesai"][0] == s.settled
    assert summary["Bagian pengaduan selesai"][0] == pytest.approx(s.settled_share)
    per_day = sheet_rows(book, "Per hari")[1:]
    assert len(per_day) == 31 and per_day[4][0] == datetime(2026, 10, 5)
    assert [row[3] for row in per_day] == [d.total for d in report.per_day]
    assert book["Per hari"]["A2"].is_date
    weeks = sheet_rows(book, "Per minggu")[1:]
    assert weeks[0][1] == datetime(2026, 10, 1) and sum(w[3] for w in weeks) == s.received


def test_export_refusals(daily_store, tmp_path):
    store, _ = daily_store
    before = state(store)
    future = run(store, "laporan", "harian", "ekspor", "--tanggal", "2027-01-01", "--keluaran", str(tmp_path / "x.xlsx"))
    assert future.exit_code == 1 and "masa depan" in future.stderr
    folder = run(store, "laporan", "bulanan", "ekspor", "--bulan", "2026-11", "--keluaran", str(tmp_path))
    assert folder.exit_code != 0
    assert state(store) == before
