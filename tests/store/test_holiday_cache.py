"""National holidays and cuti bersama are computed once per year and package version, then read from .git/pengaduan."""

from __future__ import annotations

import json
import os
import sys
from datetime import date

import pytest

from pengaduan.app.context import Desk
from pengaduan.core.calendar import Holiday
from pengaduan.store import holiday_cache
from pengaduan.store.holiday_cache import HolidayCache


def test_second_read_comes_from_the_cache(tmp_path, monkeypatch):
    path = tmp_path / "libur-nasional.json"
    days = HolidayCache(path).get(2026)
    assert days[date(2026, 8, 17)]  # Hari Kemerdekaan
    assert days[date(2026, 12, 25)]
    stored = json.loads(path.read_text())
    assert stored["tahun"]["2026"]["2026-08-17"]["nama"] == days[date(2026, 8, 17)].name

    def refuse(year: int) -> dict:
        raise AssertionError("the holidays package was asked again")

    monkeypatch.setattr(holiday_cache, "national_holidays", refuse)
    assert HolidayCache(path).get(2026) == days
    with pytest.raises(AssertionError):
        HolidayCache(path).get(2027)  # a year not cached yet is computed


def test_a_new_package_version_or_a_damaged_file_rebuilds(tmp_path, monkeypatch):
    path = tmp_path / "libur-nasional.json"
    calls: list[int] = []
    new_year = {date(2026, 1, 1): Holiday("Tahun Baru")}
    monkeypatch.setattr(holiday_cache, "national_holidays", lambda year: calls.append(year) or new_year)
    HolidayCache(path).get(2026)
    monkeypatch.setattr(holiday_cache, "_package_stamp", lambda: "versi-lain")
    assert HolidayCache(path).get(2026) == new_year
    path.write_text("{rusak")
    HolidayCache(path).get(2026)
    assert calls == [2026, 2026, 2026]


def test_the_stamp_follows_the_package_files(tmp_path, monkeypatch):
    package = tmp_path / "holidays"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "version.py").write_text("__version__ = '0.1'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "holidays", raising=False)  # found on the path again, not the loaded one
    before = holiday_cache._package_stamp()
    assert before.startswith(f"{holiday_cache.FORMAT}:{package / '__init__.py'}:")
    os.utime(package / "version.py", ns=(1, 1))  # an upgrade rewrites version.py
    assert holiday_cache._package_stamp() != before


@pytest.mark.parametrize(
    "entry",
    [
        {"2026-01-01": "Tahun Baru"},  # the old cache shape: a bare name
        {"2026-01-01": {"nama": "Tahun Baru", "cuti_bersama": "ya", "perkiraan": False}},
        {"2026-13-01": {"nama": "Tahun Baru", "cuti_bersama": False, "perkiraan": False}},
        {"2026-01-01": {"nama": ["x"], "cuti_bersama": False, "perkiraan": False}},
        ["2026-01-01"],
    ],
)
def test_a_cached_year_that_does_not_read_back_is_computed_again(tmp_path, monkeypatch, entry):
    path = tmp_path / "libur-nasional.json"
    path.write_text(json.dumps({"paket": holiday_cache._package_stamp(), "tahun": {"2026": entry}}))
    days = HolidayCache(path).get(2026)
    assert days[date(2026, 1, 1)] == Holiday("Tahun Baru Masehi")
    assert days[date(2026, 12, 24)].cuti_bersama
    stored = json.loads(path.read_text())["tahun"]["2026"]["2026-01-01"]
    assert stored == {"nama": "Tahun Baru Masehi", "cuti_bersama": False, "perkiraan": False}


def test_cuti_bersama_and_estimates_survive_the_cache(tmp_path):
    path = tmp_path / "libur-nasional.json"
    computed = HolidayCache(path).get(2027)
    assert HolidayCache(path).get(2027) == computed
    assert computed[date(2027, 12, 24)].cuti_bersama
    assert computed[date(2027, 3, 10)].estimated
    assert not computed[date(2027, 3, 9)].estimated


def test_store_calendar_uses_the_cache(store):
    calendar = Desk(store).calendar
    assert calendar.day_off(date(2026, 12, 25))
    assert (store.root / ".git" / "pengaduan" / "libur-nasional.json").is_file()
