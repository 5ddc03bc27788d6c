"""National holidays are computed once per year and package version, then read from .git/pengaduan."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pengaduan.app.context import Desk
from pengaduan.store import holiday_cache
from pengaduan.store.holiday_cache import HolidayCache


def test_second_read_comes_from_the_cache(tmp_path, monkeypatch):
    path = tmp_path / "libur-nasional.json"
    days = HolidayCache(path).get(2026)
    assert days[date(2026, 8, 17)]  # Hari Kemerdekaan
    assert days[date(2026, 12, 25)]
    stored = json.loads(path.read_text())
    assert stored["tahun"]["2026"]["2026-08-17"] == days[date(2026, 8, 17)]

    def refuse(year: int) -> dict:
        raise AssertionError("the holidays package was asked again")

    monkeypatch.setattr(holiday_cache, "national_holidays", refuse)
    assert HolidayCache(path).get(2026) == days
    with pytest.raises(AssertionError):
        HolidayCache(path).get(2027)  # a year not cached yet is computed


def test_a_new_package_version_or_a_damaged_file_rebuilds(tmp_path, monkeypatch):
    path = tmp_path / "libur-nasional.json"
    calls: list[int] = []
    monkeypatch.setattr(holiday_cache, "national_holidays", lambda year: calls.append(year) or {date(year, 1, 1): "Tahun Baru"})
    HolidayCache(path).get(2026)
    monkeypatch.setattr(holiday_cache, "_package_stamp", lambda: "versi-lain")
    assert HolidayCache(path).get(2026) == {date(2026, 1, 1): "Tahun Baru"}
    path.write_text("{rusak")
    HolidayCache(path).get(2026)
    assert calls == [2026, 2026, 2026]


def test_store_calendar_uses_the_cache(store):
    calendar = Desk(store).calendar
    assert calendar.day_off(date(2026, 12, 25))
    assert (store.root / ".git" / "pengaduan" / "libur-nasional.json").is_file()
