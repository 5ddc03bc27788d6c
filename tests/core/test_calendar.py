"""Working-minute arithmetic on the default calendar (civil-service week, national holidays, cuti bersama)."""

from __future__ import annotations

import copy
from datetime import date, datetime
from importlib.resources import files
from zoneinfo import ZoneInfo

import pytest
import yaml

from pengaduan.core.calendar import Calendar
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
        ("2026-12-23 15:55", "2026-12-28 07:35", 10),  # 24 Dec cuti bersama (config), 25 Dec Christmas
        ("2026-12-31 15:55", "2027-01-04 07:35", 10),  # across the year: 1 Jan 2027 is a holiday
    ],
)
def test_working_minutes(office: Calendar, start: str, end: str, minutes: float) -> None:
    assert office.working_minutes(t(start), t(end)) == pytest.approx(minutes)


def test_configured_cuti_bersama_counts_only_when_listed(office: Calendar) -> None:
    # Mon 16 Feb 2026 is cuti bersama (config); Tue 17 Feb is Chinese New Year (national).
    start, end = t("2026-02-13 16:25"), t("2026-02-18 07:35")
    assert office.working_minutes(start, end) == pytest.approx(10)
    assert office.day_off(date(2026, 2, 16)) == "Cuti bersama Tahun Baru Imlek"
    without = calendar(libur_tambahan=[])
    assert without.working_minutes(start, end) == pytest.approx(10 + 450)


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
