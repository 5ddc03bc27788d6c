"""`pengaduan kalender`: the year's days off as the SOP clock sees them, and where each comes from.

Also holds the one-line warning `terlambat` and `eskalasi` print when the days off over the
window they compute in are not known for sure (no cuti bersama data for a year, or estimated
holiday dates).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from pengaduan.app.context import holiday_package_version as package_version
from pengaduan.cli.common import Env, emit, format_option, pass_env
from pengaduan.core.calendar import Calendar, ClockDoubt, DayOff
from pengaduan.errors import InputError

NOTE_ESTIMATED = "perkiraan"
NOTE_CONFIRMED = "perkiraan, dipastikan di libur_tambahan"
NOTE_REDUNDANT = "juga di libur_tambahan (berlebih, boleh dihapus)"
NOTE_WORKED = "tetap hari kerja (bukan_libur)"
FIRST_YEAR, LAST_YEAR = 1946, 2200  # the package knows Indonesia from 1946
MAX_NAMED = 4  # estimated dates named in the warning line; the rest are counted


def _plain_date(day: date) -> str:
    from pengaduan.reports.fmt import plain_date

    return plain_date(day)


def _notes(row: DayOff) -> list[str]:
    notes = []
    if row.estimated:
        notes.append(NOTE_CONFIRMED if row.configured else NOTE_ESTIMATED)
    elif row.configured:
        notes.append(NOTE_REDUNDANT)
    if row.worked:
        notes.append(NOTE_WORKED)
    return notes


def _row(row: DayOff, fmt: str) -> dict[str, Any]:
    if fmt == "tabel":
        from pengaduan.reports.fmt import long_date

        return {
            "tanggal": long_date(row.day),
            "keterangan": row.name,
            "jenis": row.kind,
            "sumber": row.source,
            "catatan": "; ".join(_notes(row)),
        }
    return {
        "tanggal": row.day.isoformat(),
        "keterangan": row.name,
        "jenis": row.kind,
        "sumber": row.source,
        "perkiraan": row.estimated,
        "di_libur_tambahan": row.configured,
        "libur": row.counts,
        "catatan": "; ".join(_notes(row)),
    }


def clock_warning(doubt: ClockDoubt) -> str | None:
    """One Indonesian line saying why the days off of a window may be wrong, or None."""
    if not doubt:
        return None
    parts = []
    if doubt.years_without_cuti:
        years = ", ".join(str(y) for y in doubt.years_without_cuti)
        parts.append(
            f"cuti bersama {years} belum ada di paket holidays {package_version()} maupun di kalender.libur_tambahan "
            "(tambahkan di libur_tambahan bila sudah ditetapkan, atau perbarui paket holidays)"
        )
    if doubt.estimated:
        days = ", ".join(f"{row.name} {_plain_date(row.day)}" for row in doubt.estimated[:MAX_NAMED])
        if len(doubt.estimated) > MAX_NAMED:
            days += f" dan {len(doubt.estimated) - MAX_NAMED} lainnya"
        first_year = min(row.day.year for row in doubt.estimated)
        parts.append(
            f"tanggal masih perkiraan: {days} (bila tanggal resminya lain, tulis di libur_tambahan dan bukan_libur; "
            f"lihat 'pengaduan kalender --tahun {first_year}')"
        )
    return "peringatan: jam SOP mungkin keliru: " + "; ".join(parts)


def warn_clock(calendar: Calendar, start: date, end: date) -> None:
    """Print the warning for the days between `start` and `end` to stderr, when there is one."""
    text = clock_warning(calendar.doubts(start, end))
    if text:
        click.echo(text, err=True)


@click.command("kalender")
@click.option("--tahun", type=int, metavar="YYYY", help="Tahun yang ditampilkan. Bawaan: tahun ini.")
@format_option("tabel", "json", "csv")
@pass_env
def kalender(env: Env, tahun: int | None, fmt: str) -> None:
    """Hari libur setahun menurut kalender kerja: libur nasional dan cuti bersama dari paket holidays,
    ditambah libur_tambahan dan dikurangi bukan_libur dari pengaduan.yaml.

    Kolom sumber: 'paket' (paket holidays) atau 'konfigurasi' (pengaduan.yaml). Tanggal yang
    masih dihitung paket (belum ditetapkan pemerintah) bercatatan 'perkiraan'.
    """
    store = env.desk()
    year = tahun if tahun is not None else store.now().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"--tahun {year} di luar jangkauan; pakai tahun {FIRST_YEAR}–{LAST_YEAR}")
    calendar = store.calendar
    if calendar.always:
        click.echo("kalender.mode '24/7': setiap menit dihitung, tidak ada hari libur")
        return
    rows = [_row(row, fmt) for row in calendar.days_off(year)]
    if fmt == "tabel" and not rows:
        click.echo(f"(tidak ada hari libur pada {year})")
    else:
        emit(rows, fmt)
    # Estimated dates are flagged in the list itself; a year without cuti bersama shows no row to flag.
    if not calendar.has_cuti_bersama(year):
        click.echo(clock_warning(ClockDoubt(years_without_cuti=(year,))), err=True)


def register(group: click.Group) -> None:
    """Add this module's commands to the main group."""
    group.add_command(kalender)
