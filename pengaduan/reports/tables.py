"""The report figures as plain tables (for the spreadsheet export and the PDF's embedded figures).

A cell is a number (int, or float minutes / shares), a date, a naive WIB datetime, text, or None
(nothing to show). Each column says what it holds, so the xlsx writer can format it (a share as a
percentage, minutes as a number of minutes) while the value itself stays a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pengaduan.reports import fmt
from pengaduan.reports.daily import CaseRow, DailyReport
from pengaduan.reports.figures import StepRow
from pengaduan.reports.monthly import MonthlyReport, Summary

TEXT, INT, MINUTES, SHARE, DATE, DATETIME = "teks", "angka", "menit", "persen", "tanggal", "waktu"
Cell = int | float | str | date | datetime | None


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name: at most 31 characters, none of []:*?/\
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_kinds: tuple[str, ...] = ()  # when set: the kind of the numbers in each row (a summary's rows differ)

    def kind(self, row: int, column: int) -> str:
        if self.row_kinds and column > 0:
            return self.row_kinds[row]
        return self.columns[column].kind


def _table(name: str, columns: list[Column], rows: list[list[Any]], row_kinds: tuple[str, ...] = ()) -> Table:
    return Table(name, tuple(columns), tuple(tuple(r) for r in rows), row_kinds)


def _local(moment: datetime) -> datetime:
    """Spreadsheets have no time zones: the store's local time (WIB), said in the header."""
    return moment.replace(tzinfo=None)


def _counts(name: str, label: str, rows: list[tuple[str, int]], total: int) -> Table:
    body = [[item, n, (n / total if total else None)] for item, n in rows]
    body.append(["Jumlah", total, 1.0 if total else None])
    return _table(name, [Column(label), Column("Jumlah", INT), Column("Bagian", SHARE)], body)


def _steps(rows: list[StepRow], with_p90: bool) -> Table:
    columns = [
        Column("Langkah", INT),
        Column("Kegiatan"),
        Column("Pelaksana"),
        Column("Standar waktu (menit)", INT),
        Column("Dikerjakan (kali)", INT),
        Column("Dalam standar waktu", INT),
        Column("Bagian dalam standar", SHARE),
        Column("Median lama (menit)", MINUTES),
    ]
    if with_p90:
        columns.append(Column("Persentil 90 (menit)", MINUTES))
    body = []
    for r in rows:
        row = [r.step, r.activity, r.actor, r.standard, r.done, r.met, r.met_share, r.median]
        if with_p90:
            row.append(r.p90)
        body.append(row)
    return _table("Langkah SOP", columns, body)


def _cases(name: str, rows: list[CaseRow]) -> Table:
    columns = [
        Column("ID"),
        Column("Diterima (WIB)", DATETIME),
        Column("Platform"),
        Column("Akun (disamarkan)"),
        Column("Jenis"),
        Column("Ringkasan (disamarkan)"),
        Column("Status"),
        Column("Langkah", INT),
        Column("Lama (menit)", MINUTES),
        Column("Menunggu langkah", INT),
        Column("Menunggu", TEXT),
        Column("Standar (menit)", INT),
        Column("Melewati standar"),
    ]
    body = [
        [c.id, _local(c.received), c.platform, c.account, c.kind, c.summary, c.status, c.step, c.minutes,
         c.awaited, c.awaited_by, c.standard, "ya" if c.overdue else "tidak"]
        for c in rows
    ]  # fmt: skip
    return _table(name, columns, body)


def daily_tables(report: DailyReport) -> list[Table]:
    recap: list[list[Any]] = [
        ["Tanggal", report.day],
        ["Keadaan per (WIB)", _local(report.cutoff)],
        ["Hari libur", report.holiday or ""],
        ["Hari kerja", "ya" if report.working_day else "tidak"],
        ["Pesan/komentar masuk", report.received],
        ["Ditutup sebagai bukan pengaduan", report.not_complaint],
        ["Diselesaikan oleh admin", report.settled_admin],
        ["Diselesaikan oleh Redaktur", report.settled_redaktur],
        ["Diteruskan (eskalasi) ke Pimpinan Redaksi", report.escalated],
        ["Diselesaikan setelah eskalasi", report.settled_escalated],
        ["Pengaduan selesai", report.settled],
        ["Masih terbuka", report.open_end],
        ["Masih terbuka dari hari sebelumnya", report.open_older],
        ["Langkah SOP dikerjakan", report.steps_done],
        ["Langkah SOP dalam standar waktu", report.steps_met],
    ]
    return [
        _table("Rekap", [Column("Uraian"), Column("Nilai")], recap),
        _counts("Platform", "Platform", report.by_platform, report.received),
        _counts("Jenis", "Jenis", report.by_kind, report.received),
        _steps(report.steps, with_p90=False),
        _cases("Kasus ditangani", report.touched),
        _cases("Melewati standar", report.overdue),
    ]


def _summary_rows(s: Summary, p: Summary) -> list[list[Any]]:
    return [
        ["Pesan/komentar diterima", s.received, p.received, INT],
        ["Pengaduan", s.complaints, p.complaints, INT],
        ["Bukan pengaduan", s.not_complaints, p.not_complaints, INT],
        ["Pengaduan selesai", s.settled, p.settled, INT],
        ["Bagian pengaduan selesai", s.settled_share, p.settled_share, SHARE],
        ["Masih terbuka", s.open, p.open, INT],
        ["Langkah SOP dikerjakan", s.steps_done, p.steps_done, INT],
        ["Langkah SOP dalam standar waktu", s.steps_met, p.steps_met, INT],
        ["Bagian langkah dalam standar waktu", s.met_share, p.met_share, SHARE],
        ["Median waktu sampai respon pertama (menit)", s.first_response, p.first_response, MINUTES],
        ["Median waktu sampai selesai (menit)", s.settle_time, p.settle_time, MINUTES],
    ]


def monthly_tables(report: MonthlyReport) -> list[Table]:
    s, p = report.summary, report.previous
    this, before = fmt.month_name(s.year, s.month), fmt.month_name(p.year, p.month)
    # The summary's rows hold counts, shares and minutes: numbers all, formatted row by row.
    rows = _summary_rows(s, p)
    summary = _table(
        "Ringkasan",
        [Column("Uraian"), Column(this, INT), Column(before, INT)],
        [list(r[:3]) for r in rows],
        tuple(str(r[3]) for r in rows),
    )
    weeks = _table(
        "Per minggu",
        [Column("Minggu"), Column("Dari", DATE), Column("Sampai", DATE), Column("Diterima", INT), Column("Pengaduan", INT),
         Column("Bukan pengaduan", INT), Column("Selesai", INT)],  # fmt: skip
        [[w.label, w.first, w.last, w.received, w.complaints, w.not_complaints, w.settled] for w in report.by_week],
    )
    days = _table(
        "Per hari",
        [Column("Tanggal", DATE), Column("Pengaduan", INT), Column("Bukan pengaduan", INT), Column("Jumlah", INT)],
        [[d.day, d.complaints, d.not_complaints, d.total] for d in report.per_day],
    )
    paths = _table(
        "Jalur",
        [Column("Jalur"), Column("Jumlah", INT), Column("Ditutup", INT), Column("Masih terbuka", INT),
         Column("Median sampai selesai (menit)", MINUTES)],  # fmt: skip
        [[r.label, r.count, r.settled, r.open, r.settle_time] for r in report.by_path],
    )
    return [
        summary,
        _counts("Status", "Status", report.by_status, s.received),
        _counts("Platform", "Platform", report.by_platform, s.received),
        _counts("Jenis", "Jenis", report.by_kind, s.received),
        paths,
        _counts("Bidang", "Bidang", report.by_bidang, s.complaints),
        _counts("Kategori", "Kategori", report.by_category, s.complaints),
        weeks,
        days,
        _steps(report.steps, with_p90=True),
    ]
