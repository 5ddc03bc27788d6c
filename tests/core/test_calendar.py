"""Working-minute arithmetic on the default calendar (civil-service week, national holidays and
cuti bersama from the `holidays` package, the desk's own additions and removals)."""

from __future__ import annotations

import copy
from datetime import date, datetime
from importlib.resources import files
from zoneinfo import ZoneInfo

import pytest
import yaml

from pengaduan.core.calendar import (
    KIND_CUTI,
    KIND_EXTRA,
    KIND_NATIONAL,
    SOURCE_CONFIG,
    SOURCE_PACKAGE,
    Calendar,
    Holiday,
    national_holidays,
)
from pengaduan.errors import ConfigError

TZ = ZoneInfo("Asia/Jakarta")
DEFAULT = yaml.safe_load(files("pengaduan.data").joinpath("pengaduan.yaml").read_text("utf-8"))["kalender"]


def t(text: str) -> datetime:
    """'2026-11-02 09:00' in WIB."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def calendar(**changes: object) -> Calendar:
    data = copy.deepcopy(DEFAULT)
    data.update(changes)
    return Calendar.from_config(data, TZ)


@pytest.fixture(scope="module")
def office() -> Calendar:
    return calendar()


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ("2026-11-02 09:00", "2026-11-02 09:10", 10),  # a Monday morning
        ("2026-11-02 11:55", "2026-11-02 13:05", 10),  # across the 12.00-13.00 break
        ("2026-11-06 11:25", "2026-11-06 13:05", 10),  # Friday's break is 11.30-13.00
        ("2026-11-02 15:55", "2026-11-03 07:35", 10),  # across a night
        ("2026-11-06 16:25", "2026-11-09 07:35", 10),  # Friday closes at 16.30, then the weekend
        ("2026-11-07 10:00", "2026-11-08 15:00", 0),  # all weekend
        ("2026-11-02 06:00", "2026-11-02 17:00", 450),  # a whole Monday: 7.5 hours
        ("2026-11-06 06:00", "2026-11-06 17:00", 450),  # a whole Friday: 7.5 hours too
        ("2026-11-02 00:00", "2026-11-09 00:00", 2250),  # a week: 37.5 hours
        ("2026-08-14 16:25", "2026-08-18 07:35", 10),  # Mon 17 Aug: Independence Day (national)
        ("2026-12-23 15:55", "2026-12-28 07:35", 10),  # 24 Dec cuti bersama (package), 25 Dec Christmas
        ("2026-12-31 15:55", "2027-01-04 07:35", 10),  # across the year: 1 Jan 2027 is a holiday
    ],
)
def test_working_minutes(office: Calendar, start: str, end: str, minutes: float) -> None:
    assert office.working_minutes(t(start), t(end)) == pytest.approx(minutes)


def test_package_cuti_bersama_counts_and_can_be_removed(office: Calendar) -> None:
    # Mon 16 Feb 2026 is cuti bersama (package, government category); Tue 17 Feb is Chinese New Year.
    start, end = t("2026-02-13 16:25"), t("2026-02-18 07:35")
    assert office.working_minutes(start, end) == pytest.approx(10)
    assert office.day_off(date(2026, 2, 16)) == "Cuti Bersama Tahun Baru Imlek"
    moved = calendar(bukan_libur=["2026-02-16"])
    assert moved.working_minutes(start, end) == pytest.approx(10 + 450)


# -- 2027: cuti bersama from the package (SKB), some dates still estimated ---------------------------
@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        # Fri 24 Dec cuti bersama, Sat 25 Christmas, Sun 26 Isra Mikraj; Mon 27 and Tue 28 worked.
        ("2027-12-23 15:55", "2027-12-27 07:35", 10),
        ("2027-12-24 00:00", "2027-12-29 00:00", 2 * 450),
        ("2027-12-24 07:30", "2027-12-24 16:30", 0),
        # Mon 8 Mar Nyepi, Tue 9 cuti bersama, Wed 10 and Thu 11 Idul Fitri (estimated), Fri 12 and
        # Mon 15 cuti bersama: from Friday 5 March evening nothing counts until Tuesday 16 March.
        ("2027-03-05 16:25", "2027-03-16 07:35", 10),
        ("2027-03-01 00:00", "2027-03-22 00:00", (5 + 0 + 4) * 450),
    ],
)
def test_working_minutes_2027(office: Calendar, start: str, end: str, minutes: float) -> None:
    assert office.working_minutes(t(start), t(end)) == pytest.approx(minutes)


def test_due_times_jump_the_2027_idul_fitri_week(office: Calendar) -> None:
    assert office.add_working_minutes(t("2027-03-05 16:25"), 10) == t("2027-03-16 07:35")
    assert office.add_working_minutes(t("2027-03-09 10:00"), 1) == t("2027-03-16 07:31")
    assert office.add_working_minutes(t("2027-12-23 15:55"), 10) == t("2027-12-27 07:35")


def test_package_names_are_indonesian_and_estimates_are_flags() -> None:
    days = national_holidays(2027)
    assert days[date(2027, 12, 24)] == Holiday("Cuti Bersama Hari Raya Natal", cuti_bersama=True)
    assert days[date(2027, 3, 10)] == Holiday("Hari Raya Idul Fitri", estimated=True)
    assert days[date(2027, 12, 25)] == Holiday("Hari Raya Natal")
    # The SKB 2027 cuti bersama: 5 Feb, 9, 12, 15 and 25 Mar, 18 and 19 May, 24 Dec.
    cuti = sorted(d for d, h in days.items() if h.cuti_bersama)
    assert [f"{d:%m-%d}" for d in cuti] == ["02-05", "03-09", "03-12", "03-15", "03-25", "05-18", "05-19", "12-24"]
    assert not any("perkiraan" in h.name for year in (2027, 2030) for h in national_holidays(year).values())


def test_two_holidays_on_one_day_make_one_day_off() -> None:
    # 13 May 2021: Idul Fitri and the Ascension of Jesus fell on the same Thursday.
    shared = national_holidays(2021)[date(2021, 5, 13)]
    assert shared.name == "Hari Raya Idul Fitri; Kenaikan Yesus Kristus"
    assert not shared.cuti_bersama and not shared.estimated


def test_desk_adds_a_regional_holiday_and_removes_a_cuti_bersama() -> None:
    desk = calendar(
        libur_tambahan=[{"tanggal": "2027-11-04", "keterangan": "Libur daerah"}],  # a Thursday
        bukan_libur=["2027-12-24"],  # the Friday cuti bersama is worked
    )
    assert desk.day_off(date(2027, 11, 4)) == "Libur daerah"
    assert desk.day_off(date(2027, 12, 24)) is None
    assert desk.working_minutes(t("2027-11-03 15:55"), t("2027-11-05 07:35")) == pytest.approx(10)
    assert desk.working_minutes(t("2027-12-23 15:55"), t("2027-12-27 07:35")) == pytest.approx(10 + 450)
    rows = {row.day: row for row in desk.days_off(2027)}
    assert (rows[date(2027, 11, 4)].source, rows[date(2027, 11, 4)].kind) == (SOURCE_CONFIG, KIND_EXTRA)
    assert rows[date(2027, 12, 24)].worked and not rows[date(2027, 12, 24)].counts
    assert (rows[date(2027, 12, 24)].source, rows[date(2027, 12, 24)].kind) == (SOURCE_PACKAGE, KIND_CUTI)
    assert (rows[date(2027, 12, 25)].source, rows[date(2027, 12, 25)].kind) == (SOURCE_PACKAGE, KIND_NATIONAL)


# The cuti bersama 2026 that `init` used to write into libur_tambahan (stores made before 2027).
OLD_2026 = [
    {"tanggal": day, "keterangan": name}
    for day, name in [
        ("2026-02-16", "Cuti bersama Tahun Baru Imlek"),
        ("2026-03-18", "Cuti bersama Hari Suci Nyepi"),
        ("2026-03-20", "Cuti bersama Idul Fitri"),
        ("2026-03-23", "Cuti bersama Idul Fitri"),
        ("2026-03-24", "Cuti bersama Idul Fitri"),
        ("2026-05-15", "Cuti bersama Kenaikan Yesus Kristus"),
        ("2026-05-28", "Cuti bersama Idul Adha"),
        ("2026-12-24", "Cuti bersama Hari Raya Natal"),
    ]
]


def test_an_old_store_listing_the_package_cuti_bersama_counts_the_same(office: Calendar) -> None:
    old = calendar(libur_tambahan=OLD_2026)
    assert DEFAULT["libur_tambahan"] == []  # new stores no longer carry the list
    start, end = t("2026-01-01 00:00"), t("2027-01-01 00:00")
    assert old.working_minutes(start, end) == pytest.approx(office.working_minutes(start, end))
    rows = [row for row in old.days_off(2026) if row.configured]
    assert len(rows) == len(OLD_2026)  # every entry is a package day: redundant, the package names it
    assert all(row.source == SOURCE_PACKAGE and row.kind == KIND_CUTI for row in rows)
    assert old.day_off(date(2026, 3, 20)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert [r.day for r in old.days_off(2026)] == [r.day for r in office.days_off(2026)]


def test_without_national_holidays_the_configured_list_still_counts() -> None:
    own = calendar(libur_nasional=False, libur_tambahan=OLD_2026[:1])
    assert own.day_off(date(2026, 2, 16)) == "Cuti bersama Tahun Baru Imlek"
    assert [(r.source, r.kind) for r in own.days_off(2026)] == [(SOURCE_CONFIG, KIND_CUTI)]


# -- what may make the clock wrong --------------------------------------------------------------------
def test_a_year_without_cuti_bersama_data_is_doubtful(office: Calendar) -> None:
    assert office.doubts(date(2030, 11, 4), date(2030, 11, 4)).years_without_cuti == (2030,)
    assert office.doubts(date(2027, 11, 1), date(2027, 11, 30)).years_without_cuti == ()
    assert not office.doubts(date(2027, 11, 1), date(2027, 11, 30))
    assert office.doubts(date(2027, 12, 1), date(2030, 1, 5)).years_without_cuti == (2028, 2029, 2030)
    listed = calendar(libur_tambahan=[{"tanggal": "2030-01-02", "keterangan": "Cuti bersama Tahun Baru"}])
    assert not listed.doubts(date(2030, 1, 1), date(2030, 1, 1)).years_without_cuti
    regional = calendar(libur_tambahan=[{"tanggal": "2030-01-02", "keterangan": "Libur daerah"}])
    assert regional.doubts(date(2030, 1, 1), date(2030, 1, 1)).years_without_cuti == (2030,)


def test_estimated_dates_inside_the_window_are_doubtful(office: Calendar) -> None:
    doubt = office.doubts(date(2027, 3, 1), date(2027, 3, 31))
    assert [(row.day, row.name) for row in doubt.estimated] == [
        (date(2027, 3, 10), "Hari Raya Idul Fitri"),
        (date(2027, 3, 11), "Hari kedua dari Hari Raya Idul Fitri"),
    ]
    assert not office.doubts(date(2027, 3, 12), date(2027, 5, 16))  # only SKB dates in between
    confirmed = calendar(libur_tambahan=["2027-03-10"], bukan_libur=["2027-03-11"])
    assert not confirmed.doubts(date(2027, 3, 1), date(2027, 3, 31))


def test_an_always_open_desk_has_no_days_off_to_doubt() -> None:
    always = calendar(mode="24/7")
    assert always.days_off(2027) == []
    assert not always.doubts(date(2030, 1, 1), date(2030, 12, 31))


def test_removed_day_is_worked() -> None:
    worked = calendar(bukan_libur=["2026-08-17"])
    assert worked.day_off(date(2026, 8, 17)) is None
    assert worked.working_minutes(t("2026-08-14 16:25"), t("2026-08-18 07:35")) == pytest.approx(10 + 450)


def test_national_holidays_can_be_switched_off() -> None:
    assert calendar(libur_nasional=False).working_minutes(t("2026-08-17 08:00"), t("2026-08-17 08:30")) == 30


def test_saturday_night_complaint_starts_on_monday_morning(office: Calendar) -> None:
    arrived = t("2026-10-31 21:40")  # a Saturday
    assert office.working_minutes(arrived, t("2026-11-02 07:30")) == 0
    assert office.working_minutes(arrived, t("2026-11-02 07:42")) == pytest.approx(12)
    assert office.add_working_minutes(arrived, 10) == t("2026-11-02 07:40")


def test_add_working_minutes(office: Calendar) -> None:
    assert office.add_working_minutes(t("2026-11-02 11:55"), 5) == t("2026-11-02 12:00")  # due at the break, not after it
    assert office.add_working_minutes(t("2026-11-02 11:55"), 10) == t("2026-11-02 13:05")
    assert office.add_working_minutes(t("2026-11-06 16:25"), 10) == t("2026-11-09 07:35")
    assert office.add_working_minutes(t("2026-12-23 15:55"), 10) == t("2026-12-28 07:35")
    start = t("2026-03-17 14:10")  # before Nyepi and the Idul Fitri days off
    for minutes in (1, 45, 450, 1000, 5000):
        assert office.working_minutes(start, office.add_working_minutes(start, minutes)) == pytest.approx(minutes)


def test_always_open_mode_counts_every_minute() -> None:
    always = calendar(mode="24/7")
    assert always.working_minutes(t("2026-10-31 22:00"), t("2026-11-02 07:30")) == pytest.approx(33.5 * 60)
    assert always.working_minutes(t("2026-12-24 23:50"), t("2026-12-25 00:10")) == pytest.approx(20)
    assert always.add_working_minutes(t("2026-10-31 23:55"), 10) == t("2026-11-01 00:05")


def test_other_timezones_are_converted(office: Calendar) -> None:
    start = datetime.fromisoformat("2026-11-02T02:00:00+00:00")  # 09.00 WIB
    assert office.working_minutes(start, t("2026-11-02 09:10")) == pytest.approx(10)


def test_unquoted_yaml_times_are_read_as_written() -> None:
    hours = yaml.safe_load("senin: {masuk: 8:00, pulang: 15.30, istirahat: '12:00-12:30'}")
    week = calendar(jam_kerja=hours)
    assert week.working_minutes(t("2026-11-02 00:00"), t("2026-11-03 00:00")) == pytest.approx(7 * 60)
    assert week.working_minutes(t("2026-11-03 00:00"), t("2026-11-04 00:00")) == 0  # Tuesday not listed


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"mode": "malam"}, "kalender.mode 'malam'"),
        ({"jam_kerja": {"senin": {"masuk": "7x30", "pulang": "16:00"}}}, "senin.masuk '7x30'"),
        ({"jam_kerja": {"senin": {"masuk": "16:00", "pulang": "07:30"}}}, "pulang harus sesudah masuk"),
        ({"jam_kerja": {"senen": "libur"}}, "hari 'senen'"),
        ({"jam_kerja": {"senin": "libur"}}, "tidak punya satu hari kerja"),
        ({"libur_tambahan": ["2026-02-30"]}, "bukan tanggal"),
        ({"libur_nasional": "ya"}, "libur_nasional"),
    ],
)
def test_bad_calendar_config_is_refused(changes: dict, words: str) -> None:
    with pytest.raises(ConfigError, match="pengaduan.yaml tidak sah") as error:
        calendar(**changes)
    assert words in str(error.value)
