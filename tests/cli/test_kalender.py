"""`pengaduan kalender`, and the warning `terlambat` / `eskalasi` give when the days off are not known for sure."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from click.testing import Result

from pengaduan.app.context import Desk
from pengaduan.cli.kalender import MAX_NAMED, clock_warning
from pengaduan.core.calendar import national_holidays
from pengaduan.store.store import Store
from tests.conftest import git

Cli = Callable[..., Result]


def desk_calendar(store: Store, extra: str, worked: str) -> None:
    """Give the store's kalender its own libur_tambahan / bukan_libur lines, committed."""
    path = store.root / "pengaduan.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  libur_tambahan: []\n" in text and "  bukan_libur: []\n" in text
    text = text.replace("  libur_tambahan: []\n", f"  libur_tambahan:\n{extra}").replace(
        "  bukan_libur: []\n", f"  bukan_libur: {worked}\n"
    )
    path.write_text(text, encoding="utf-8")
    git(store.root, "commit", "-q", "-am", "Kalender meja")


def listing(cli: Cli, *args: str) -> list[dict]:
    result = cli("kalender", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_kalender_2027_lists_package_days_with_source_and_estimates(cli: Cli) -> None:
    result = cli("kalender", "--tahun", "2027")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # 2027 has its cuti bersama
    lines = result.stdout.splitlines()
    package = national_holidays(2027)
    assert len(lines) == 2 + len(package)  # header, rule, one line per day off
    christmas_eve = next(line for line in lines if "24 Desember 2027" in line)
    assert christmas_eve.startswith("Jumat, 24 Desember 2027")
    assert "Cuti Bersama Hari Raya Natal" in christmas_eve and "cuti bersama" in christmas_eve and "paket" in christmas_eve
    assert "perkiraan" not in christmas_eve
    eid = next(line for line in lines if "10 Maret 2027" in line)
    assert "Hari Raya Idul Fitri" in eid and eid.rstrip().endswith("perkiraan")
    estimated = [line for line in lines if line.rstrip().endswith("perkiraan")]
    assert len(estimated) == sum(h.estimated for h in package.values())


def test_kalender_json_and_default_year(cli: Cli) -> None:
    rows = listing(cli, "--tahun", "2027")
    assert [r["tanggal"] for r in rows] == [d.isoformat() for d in sorted(national_holidays(2027))]
    assert {r["sumber"] for r in rows} == {"paket"}
    eve = next(r for r in rows if r["tanggal"] == "2027-12-24")
    assert (eve["jenis"], eve["perkiraan"], eve["libur"]) == ("cuti bersama", False, True)
    assert next(r for r in rows if r["tanggal"] == "2027-05-17")["perkiraan"] is True
    # Without --tahun: the year of the tool's clock (fixed to 28 November 2026 in tests).
    assert {r["tanggal"][:4] for r in listing(cli)} == {"2026"}


def test_store_with_a_regional_holiday_and_a_removed_cuti_bersama(store: Store, cli: Cli, receive) -> None:
    desk_calendar(store, "    - {tanggal: 2026-11-03, keterangan: Libur daerah}\n", "['2026-12-24']")
    rows = {r["tanggal"]: r for r in listing(cli, "--tahun", "2026")}
    regional = rows["2026-11-03"]
    assert (regional["keterangan"], regional["jenis"], regional["sumber"], regional["libur"]) == (
        "Libur daerah",
        "libur tambahan",
        "konfigurasi",
        True,
    )
    eve = rows["2026-12-24"]
    assert (eve["sumber"], eve["libur"]) == ("paket", False) and "bukan_libur" in eve["catatan"]
    # The clock follows: received Monday 2 Nov 09.00, measured Wednesday 07.40 with Tuesday off.
    case_id = receive("09:00")
    result = cli("terlambat", "--pada", "2026-11-04T07:40", "--format", "json")
    assert result.exit_code == 0, result.output
    used = next(r for r in json.loads(result.stdout) if r["id"] == case_id)["menit_terpakai"]
    assert used == (16 - 9 - 1) * 60 + 10
    days = Desk(store).calendar.days_off(2026)
    assert not next(d for d in days if d.day == date(2026, 12, 24)).counts


def test_an_old_store_listing_the_2026_cuti_bersama_is_told_it_is_redundant(store: Store, cli: Cli) -> None:
    desk_calendar(
        store,
        "    - {tanggal: 2026-12-24, keterangan: Cuti bersama Hari Raya Natal}\n"
        "    - {tanggal: 2026-03-20, keterangan: Cuti bersama Idul Fitri}\n",
        "[]",
    )
    rows = {r["tanggal"]: r for r in listing(cli, "--tahun", "2026")}
    for day in ("2026-12-24", "2026-03-20"):
        assert rows[day]["sumber"] == "paket" and rows[day]["di_libur_tambahan"] and rows[day]["libur"]
        assert "berlebih" in rows[day]["catatan"]
    assert rows["2026-12-24"]["keterangan"] == "Cuti Bersama Hari Raya Natal"  # the package's name
    assert len(rows) == len(national_holidays(2026))  # nothing added twice


def test_kalender_for_a_year_without_cuti_bersama_warns(cli: Cli) -> None:
    result = cli("kalender", "--tahun", "2030")
    assert result.exit_code == 0, result.output
    assert "Hari Raya Natal" in result.stdout
    assert result.stderr.startswith("peringatan: ") and "cuti bersama 2030" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_kalender_refuses_a_bad_year(cli: Cli) -> None:
    for bad in ("dua", "99999"):
        result = cli("kalender", "--tahun", bad)
        assert result.exit_code != 0 and result.stderr.startswith("galat: ") and "Traceback" not in result.output


def test_terlambat_and_eskalasi_warn_once_for_a_year_without_data(cli: Cli) -> None:
    for command in ("terlambat", "eskalasi"):
        result = cli(command, "--pada", "2030-11-04T09:00", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == []  # the warning stays off stdout
        assert result.stderr.startswith("peringatan: jam SOP mungkin keliru: cuti bersama 2030")
        assert len(result.stderr.splitlines()) == 1


def test_no_warning_in_2027_outside_the_estimated_dates(cli: Cli) -> None:
    for command in ("terlambat", "eskalasi"):
        result = cli(command, "--pada", "2027-11-04T09:00")
        assert result.exit_code == 0, result.output
        assert result.stderr == ""


def test_estimated_holidays_inside_the_window_warn(cli: Cli, receive) -> None:
    receive("09:00")  # Monday 2 November 2026: its clock runs until the moment below
    result = cli("terlambat", "--pada", "2027-03-16T09:00", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 1
    warning = result.stderr.splitlines()
    assert len(warning) == 1 and warning[0].startswith("peringatan: ")
    assert "Hari Raya Idul Fitri 10 Maret 2027" in warning[0] and "cuti bersama" not in warning[0]
    quiet = cli("terlambat", "--pada", "2027-02-01T09:00")  # the window ends before Idul Fitri
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_the_warning_stays_one_line_over_a_long_window(store: Store) -> None:
    doubt = Desk(store).calendar.doubts(date(2029, 1, 1), date(2030, 12, 31))
    text = clock_warning(doubt)
    assert text is not None and "\n" not in text
    assert "cuti bersama 2029, 2030" in text
    assert len(doubt.estimated) > MAX_NAMED
    assert f"dan {len(doubt.estimated) - MAX_NAMED} lainnya" in text
    assert clock_warning(Desk(store).calendar.doubts(date(2027, 6, 1), date(2027, 12, 31))) is None
