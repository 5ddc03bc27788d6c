"""The working calendar: which minutes count towards the SOP's time standards.

A desk either works office hours (per weekday, with breaks; Indonesia's national holidays and
cuti bersama from the `holidays` package, the desk's own extra days off such as a regional
holiday from the config, minus dates the config says are worked anyway), or staffs every hour
(`24/7`: every minute counts).

Durations are counted in working minutes: a complaint that arrives on Saturday night has used
no working time until Monday 07.30. Arithmetic is done on per-year tables of cumulative working
seconds, so measuring a span of months costs a few lookups, not a walk over its days.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pengaduan.errors import ConfigError

WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
MODE_OFFICE = "kerja"
MODE_ALWAYS = "24/7"
COUNTRY = "ID"
DAY_SECONDS = 86_400
# add_working_minutes gives up after this many days without enough working time (a calendar
# with no working hours at all would otherwise loop for ever).
MAX_SEARCH_DAYS = 800

Interval = tuple[int, int]  # seconds since local midnight: [start, end)
_CLOCK_RE = re.compile(r"^(\d{1,2})[:.](\d{2})$")

# What a day off is (`Calendar.days_off`), and where it comes from.
KIND_NATIONAL = "libur nasional"
KIND_CUTI = "cuti bersama"
KIND_EXTRA = "libur tambahan"
SOURCE_PACKAGE = "paket"
SOURCE_CONFIG = "konfigurasi"
CUTI_WORDS = "cuti bersama"  # a configured day whose keterangan says so counts as cuti bersama


@dataclass(frozen=True)
class Holiday:
    """A day off as the `holidays` package gives it: its Indonesian name, without the package's
    '(perkiraan)' suffix, which becomes `estimated`."""

    name: str
    cuti_bersama: bool = False  # the package's 'government' category (SKB cuti bersama)
    estimated: bool = False  # the date is computed (lunar, Islamic), not yet decreed


@dataclass(frozen=True)
class DayOff:
    """One row of a year's days off, with where it comes from (`Calendar.days_off`)."""

    day: date
    name: str
    kind: str  # KIND_NATIONAL, KIND_CUTI or KIND_EXTRA
    source: str  # SOURCE_PACKAGE or SOURCE_CONFIG
    estimated: bool = False
    configured: bool = False  # a package day also listed in libur_tambahan (redundant, or confirming an estimate)
    worked: bool = False  # listed in bukan_libur: a working day after all

    @property
    def counts(self) -> bool:
        """Whether the clock stops on this day."""
        return not self.worked

    @property
    def doubtful(self) -> bool:
        """An estimated package date the desk has neither confirmed nor removed."""
        return self.estimated and not self.configured and not self.worked


@dataclass(frozen=True)
class ClockDoubt:
    """Why the clock's days off may be wrong over a window (`Calendar.doubts`)."""

    years_without_cuti: tuple[int, ...] = ()  # years with no cuti bersama data at all
    estimated: tuple[DayOff, ...] = ()  # estimated holidays inside the window

    def __bool__(self) -> bool:
        return bool(self.years_without_cuti or self.estimated)


@dataclass
class Calendar:
    """Working time in one timezone. Build it with `from_config` or `always_open`."""

    tz: ZoneInfo
    week: dict[int, tuple[Interval, ...]] = field(default_factory=dict)  # weekday (0 = Monday) -> intervals
    always: bool = False
    national: bool = True
    extra: dict[date, str] = field(default_factory=dict)  # the desk's own days off (regional, moved cuti bersama)
    removed: frozenset[date] = frozenset()  # days that are worked although listed as off
    # Where a year's national holidays and cuti bersama come from (the store passes a cached reader).
    national_source: Callable[[int], dict[date, Holiday]] | None = field(default=None, repr=False)
    _national_days: dict[int, dict[date, Holiday]] = field(default_factory=dict, repr=False)
    _tables: dict[int, list[int]] = field(default_factory=dict, repr=False)
    _days: dict[date, tuple[Interval, ...]] = field(default_factory=dict, repr=False)

    # -- building ----------------------------------------------------------------------------
    @classmethod
    def always_open(cls, tz: ZoneInfo) -> Calendar:
        """Every minute counts (the `24/7` mode, and wall-clock time where no calendar is set)."""
        return cls(tz=tz, always=True)

    @classmethod
    def from_config(cls, data: Any, tz: ZoneInfo) -> Calendar:
        """The calendar described by the `kalender` section of pengaduan.yaml."""
        if not isinstance(data, dict):
            raise ConfigError("pengaduan.yaml tidak sah: 'kalender' harus pemetaan (mode, jam_kerja, libur_tambahan, ...)")
        mode = str(data.get("mode", MODE_OFFICE)).strip()
        if mode not in (MODE_OFFICE, MODE_ALWAYS):
            raise ConfigError(
                f"pengaduan.yaml tidak sah: kalender.mode '{mode}' tidak dikenal; pilih '{MODE_OFFICE}' atau '{MODE_ALWAYS}'"
            )
        if mode == MODE_ALWAYS:
            return cls.always_open(tz)
        national = data.get("libur_nasional", True)
        if not isinstance(national, bool):
            raise ConfigError("pengaduan.yaml tidak sah: kalender.libur_nasional harus true atau false")
        calendar = cls(
            tz=tz,
            week=_parse_week(data.get("jam_kerja")),
            national=national,
            extra=_parse_days(data.get("libur_tambahan"), "libur_tambahan"),
            removed=frozenset(_parse_days(data.get("bukan_libur"), "bukan_libur")),
        )
        if not any(calendar.week.values()):
            raise ConfigError(
                "pengaduan.yaml tidak sah: kalender.jam_kerja tidak punya satu hari kerja pun; isi jam kerja "
                f"atau pakai kalender.mode '{MODE_ALWAYS}'"
            )
        return calendar

    # -- days --------------------------------------------------------------------------------
    def day_off(self, day: date) -> str | None:
        """Why `day` is not worked ('Hari Raya Natal', 'Cuti Bersama ...'), or None when it is a working day.

        Weekends without hours are not 'days off' here: they simply have no intervals. A day
        both the package and libur_tambahan list keeps the package's name (the entry is redundant).
        """
        if self.always or day in self.removed:
            return None
        if self.national:
            holiday = self._national(day.year).get(day)
            if holiday is not None:
                return holiday.name
        return self.extra.get(day)

    def days_off(self, year: int) -> list[DayOff]:
        """The year's days off in date order: the package's, then the desk's own on top.

        Days in bukan_libur that the package or libur_tambahan lists stay in the list, marked
        `worked`, so the desk sees its removals took effect.
        """
        if self.always:
            return []
        package = self._national(year) if self.national else {}
        extra = {d: name for d, name in self.extra.items() if d.year == year}
        rows = []
        for day in sorted(set(package) | set(extra)):
            holiday = package.get(day)
            if holiday is not None:
                kind = KIND_CUTI if holiday.cuti_bersama else KIND_NATIONAL
                rows.append(DayOff(day, holiday.name, kind, SOURCE_PACKAGE, holiday.estimated, day in extra, day in self.removed))
            else:
                kind = KIND_CUTI if CUTI_WORDS in extra[day].lower() else KIND_EXTRA
                rows.append(DayOff(day, extra[day], kind, SOURCE_CONFIG, worked=day in self.removed))
        return rows

    def has_cuti_bersama(self, year: int) -> bool:
        """Whether anything (package or libur_tambahan) gives the year's cuti bersama."""
        return any(row.kind == KIND_CUTI for row in self.days_off(year))

    def doubts(self, start: date, end: date) -> ClockDoubt:
        """What may make the working time between two days wrong: a year in the window without
        any cuti bersama data, and estimated holidays inside the window not yet confirmed
        (libur_tambahan) or removed (bukan_libur). Nothing for a `24/7` calendar."""
        if self.always:
            return ClockDoubt()
        if end < start:
            start, end = end, start
        years = range(start.year, end.year + 1)
        return ClockDoubt(
            years_without_cuti=tuple(year for year in years if not self.has_cuti_bersama(year)),
            estimated=tuple(row for year in years for row in self.days_off(year) if row.doubtful and start <= row.day <= end),
        )

    def intervals(self, day: date) -> tuple[Interval, ...]:
        """The working intervals of a day, in seconds since local midnight."""
        found = self._days.get(day)
        if found is None:
            if self.always:
                found = ((0, DAY_SECONDS),)
            elif self.day_off(day) is not None:
                found = ()
            else:
                found = self.week.get(day.weekday(), ())
            self._days[day] = found
        return found

    def _national(self, year: int) -> dict[date, Holiday]:
        days = self._national_days.get(year)
        if days is None:
            days = (self.national_source or national_holidays)(year)
            self._national_days[year] = days
        return days

    # -- arithmetic --------------------------------------------------------------------------
    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes between two moments (0 when end is not after start)."""
        if end <= start:
            return 0.0
        if self.always:
            return (end - start).total_seconds() / 60.0
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        seconds = self._offset(end) - self._offset(start)
        for year in range(start.year, end.year):
            seconds += self._table(year)[-1]
        return seconds / 60.0

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The earliest moment by which `minutes` working minutes have passed since `start`.

        When the time runs out exactly at the end of a working interval, that end is returned
        (a standard that expires at 16.00 is due at 16.00, not at 07.30 the next morning).
        """
        if minutes <= 0:
            return start
        if self.always:
            return start + timedelta(minutes=minutes)
        local = start.astimezone(self.tz)
        remaining = minutes * 60.0
        day, position = local.date(), _seconds(local)
        for _ in range(MAX_SEARCH_DAYS):
            for opens, finish in self.intervals(day):
                begin = max(opens, position)
                if begin >= finish:
                    continue
                if remaining <= finish - begin:
                    return self._moment(day, begin + remaining)
                remaining -= finish - begin
            day, position = day + timedelta(days=1), 0.0
        raise ConfigError(
            f"kalender kerja tidak punya jam kerja dalam {MAX_SEARCH_DAYS} hari sesudah {local:%Y-%m-%d}; "
            "periksa kalender di pengaduan.yaml"
        )

    def _moment(self, day: date, seconds: float) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.tz) + timedelta(seconds=seconds)

    def _offset(self, moment: datetime) -> float:
        """Working seconds from the start of the moment's year up to the moment."""
        day = moment.date()
        before = self._table(moment.year)[day.toordinal() - date(moment.year, 1, 1).toordinal()]
        position = _seconds(moment)
        return before + sum(max(0.0, min(position, finish) - begin) for begin, finish in self.intervals(day))

    def _table(self, year: int) -> list[int]:
        """Cumulative working seconds at the start of each day of the year; the last item is the year's total."""
        table = self._tables.get(year)
        if table is None:
            table = [0]
            day = date(year, 1, 1)
            while day.year == year:
                table.append(table[-1] + sum(finish - begin for begin, finish in self.intervals(day)))
                day += timedelta(days=1)
            self._tables[year] = table
        return table


    def working_day_after(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (a day with working hours; every day when 24/7)."""
        found = 0
        current = day
        for _ in range(MAX_SEARCH_DAYS * 4):
            current += timedelta(days=1)
            if self.intervals(current):
                found += 1
                if found >= count:
                    return current
        raise ConfigError(
            f"kalender kerja tidak punya {count} hari kerja sesudah {day:%Y-%m-%d}; periksa kalender di pengaduan.yaml"
        )


Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class StoppedClock:
    """A calendar whose clock also stands still over some spans: while a case is paused (waiting
    for the reporter), or closed before it was reopened. The same two measures as Calendar."""

    calendar: Calendar
    spans: tuple[Span, ...] = ()  # in time order, not overlapping

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes between two moments, less those inside the spans."""
        total = self.calendar.working_minutes(start, end)
        for begin, finish in self.spans:
            low, high = max(begin, start), min(finish, end)
            if high > low:
                total -= self.calendar.working_minutes(low, high)
        return max(total, 0.0)

    def stopped_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes between two moments that fall inside the spans."""
        return self.calendar.working_minutes(start, end) - self.working_minutes(start, end)

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The earliest moment by which `minutes` working minutes outside the spans have passed."""
        moment, remaining = start, minutes
        for begin, finish in self.spans:
            if finish <= moment:
                continue
            if begin > moment:
                room = self.calendar.working_minutes(moment, begin)
                if remaining <= room:
                    return self.calendar.add_working_minutes(moment, remaining)
                remaining -= room
            moment = max(moment, finish)
        return self.calendar.add_working_minutes(moment, remaining)


def national_holidays(year: int) -> dict[date, Holiday]:
    """Indonesia's national holidays and cuti bersama of a year, named in Indonesian, from the
    `holidays` package (categories 'public' and 'government'; the latter is Indonesia's cuti bersama).

    Dates the package still estimates carry its '(perkiraan)' label; it is taken off the name and
    kept as `Holiday.estimated`. Building a year costs up to ~200 ms (the package computes lunar
    and Islamic dates), so the store caches the result; this is the uncached source.
    """
    import holidays

    out: dict[date, Holiday] = {}
    public = holidays.country_holidays(COUNTRY, years=year, language="id")
    tables = [("public", public)]
    if "government" in getattr(public, "supported_categories", ()):  # versions before it have no cuti bersama
        tables.append(("government", holidays.country_holidays(COUNTRY, years=year, language="id", categories=("government",))))
    for category, found in tables:
        unlabel = _estimate_reader(found)
        for day in sorted(found):
            for label in found.get_list(day):
                name, estimated = unlabel(label)
                before = out.get(day)
                if before is None:
                    out[day] = Holiday(name, category == "government", estimated)
                else:  # two holidays on one day: one row; the day is cuti bersama, or estimated, only if both are
                    out[day] = Holiday(
                        f"{before.name}; {name}",
                        before.cuti_bersama and category == "government",
                        before.estimated and estimated,
                    )
    return out


def _estimate_reader(found: Any) -> Callable[[str], tuple[str, bool]]:
    """label -> (name without the package's estimated marker, whether it was marked).

    The markers are the package's own translated labels ('%s (perkiraan)', 'Pegangti %s
    (perkiraan)'), so a new wording in a later version is still recognised.
    """
    patterns = []
    for marked, unmarked in (("estimated_label", None), ("observed_estimated_label", "observed_label")):
        label = getattr(found, marked, None)
        text = found.tr(label) if label else ""
        if text.count("%s") != 1:
            continue
        head, tail = text.split("%s")
        keep = found.tr(getattr(found, unmarked)) if unmarked and getattr(found, unmarked, None) else "%s"
        patterns.append((re.compile("^" + re.escape(head) + "(.+)" + re.escape(tail) + "$"), keep))

    def read(label: str) -> tuple[str, bool]:
        for pattern, keep in reversed(patterns):  # the longer, observed form first
            match = pattern.match(label)
            if match is not None:
                return (keep % match.group(1) if keep.count("%s") == 1 else match.group(1)), True
        return label, False

    return read


def _seconds(moment: datetime) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


# -- reading the config ------------------------------------------------------------------------
def _clock(value: Any, where: str) -> int:
    """'07:30', '07.30' -> seconds since midnight.

    Unquoted in YAML, 07.30 arrives as the float 7.3 and 8:00 as the integer 480 (YAML 1.1 reads
    it as base 60); both are taken as the clock time they were written as.
    """
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int) and value >= 60:
        value = f"{value // 60}:{value % 60:02d}"
    text = f"{value:.2f}" if isinstance(value, float) else str(value).strip()
    match = _CLOCK_RE.match(text)
    if match is None or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        raise ConfigError(
            f"pengaduan.yaml tidak sah: kalender.jam_kerja.{where} '{value}' bukan jam; tulis 'HH:MM', contoh '07:30'"
        )
    seconds = int(match.group(1)) * 3600 + int(match.group(2)) * 60
    if seconds > DAY_SECONDS:
        raise ConfigError(f"pengaduan.yaml tidak sah: kalender.jam_kerja.{where} '{value}' lewat dari 24:00")
    return seconds


def _span(text: Any, where: str) -> Interval:
    parts = str(text).split("-")
    if len(parts) != 2:
        raise ConfigError(
            f"pengaduan.yaml tidak sah: kalender.jam_kerja.{where} '{text}' harus 'HH:MM-HH:MM', contoh '12:00-13:00'"
        )
    begin, end = _clock(parts[0], where), _clock(parts[1], where)
    if end <= begin:
        raise ConfigError(f"pengaduan.yaml tidak sah: kalender.jam_kerja.{where} '{text}' berakhir sebelum mulai")
    return begin, end


def _day_hours(value: Any, name: str) -> tuple[Interval, ...]:
    """One weekday's working intervals: masuk..pulang minus the istirahat spans."""
    if value in (None, False, "libur", ""):
        return ()
    if not isinstance(value, dict) or "masuk" not in value or "pulang" not in value:
        raise ConfigError(
            f"pengaduan.yaml tidak sah: kalender.jam_kerja.{name} harus 'libur' atau berisi masuk, pulang "
            "(dan istirahat), contoh: {masuk: '07:30', pulang: '16:00', istirahat: '12:00-13:00'}"
        )
    begin, end = _clock(value["masuk"], f"{name}.masuk"), _clock(value["pulang"], f"{name}.pulang")
    if end <= begin:
        raise ConfigError(f"pengaduan.yaml tidak sah: kalender.jam_kerja.{name}: pulang harus sesudah masuk")
    breaks = value.get("istirahat") or []
    if not isinstance(breaks, list):
        breaks = [breaks]
    pieces = [(begin, end)]
    for item in breaks:
        cut_begin, cut_end = _span(item, f"{name}.istirahat")
        pieces = [
            piece
            for low, high in pieces
            for piece in ((low, min(high, cut_begin)), (max(low, cut_end), high))
            if piece[1] > piece[0]
        ]
    return tuple(pieces)


def _parse_week(data: Any) -> dict[int, tuple[Interval, ...]]:
    if not isinstance(data, dict):
        raise ConfigError(f"pengaduan.yaml tidak sah: kalender.jam_kerja harus pemetaan hari ({', '.join(WEEKDAYS)})")
    unknown = [str(k) for k in data if str(k) not in WEEKDAYS]
    if unknown:
        raise ConfigError(
            f"pengaduan.yaml tidak sah: kalender.jam_kerja: hari '{unknown[0]}' tidak dikenal; pakai {', '.join(WEEKDAYS)}"
        )
    return {index: _day_hours(data.get(name), name) for index, name in enumerate(WEEKDAYS)}


def _parse_day(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"pengaduan.yaml tidak sah: kalender.{where}: '{value}' bukan tanggal; tulis YYYY-MM-DD") from None


def _parse_days(data: Any, where: str) -> dict[date, str]:
    """A list of dates, each a date or {tanggal: YYYY-MM-DD, keterangan: TEXT}."""
    if data is None:
        return {}
    if not isinstance(data, list):
        raise ConfigError(f"pengaduan.yaml tidak sah: kalender.{where} harus daftar tanggal")
    out: dict[date, str] = {}
    for item in data:
        if isinstance(item, dict):
            if "tanggal" not in item:
                raise ConfigError(f"pengaduan.yaml tidak sah: kalender.{where}: setiap butir perlu 'tanggal'")
            out[_parse_day(item["tanggal"], where)] = str(item.get("keterangan") or "libur")
        else:
            out[_parse_day(item, where)] = "libur"
    return out
