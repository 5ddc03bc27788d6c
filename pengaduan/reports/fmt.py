"""Indonesian words for dates, numbers and durations, as report readers expect them."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal

from pengaduan.core import timeutil
from pengaduan.i18n import platform_label

LOCALE = "id"


def long_date(day: date) -> str:
    """'Sabtu, 28 November 2026'."""
    return format_date(day, "EEEE, d MMMM y", locale=LOCALE)


def plain_date(day: date) -> str:
    """'28 November 2026'."""
    return format_date(day, "d MMMM y", locale=LOCALE)


def short_date(day: date) -> str:
    """'28 Nov'."""
    return format_date(day, "d MMM", locale=LOCALE)


def month_name(year: int, month: int) -> str:
    """'November 2026'."""
    return format_date(date(year, month, 1), "MMMM y", locale=LOCALE)


def clock(moment: datetime) -> str:
    """'09.14 WIB'."""
    return timeutil.clock_label(moment)


def number(value: float | int) -> str:
    """'1.234' (Indonesian thousands separator)."""
    return format_decimal(value, format="#,##0", locale=LOCALE)


def decimal(value: float, digits: int = 1) -> str:
    """'87,5'."""
    return format_decimal(value, format="#,##0." + "0" * digits, locale=LOCALE)


def percent(share: float | None) -> str:
    """'87,5%' for 0.875; '–' when there is nothing to divide."""
    if share is None:
        return "–"
    return decimal(share * 100) + "%"


def duration(minutes: float | None) -> str:
    """'4 mnt', '1 jam 5 mnt', '2 hari 3 jam'; '–' when unknown."""
    if minutes is None:
        return "–"
    if minutes < 1:
        return "< 1 mnt"
    whole = int(round(minutes))
    if whole < 60:
        return f"{whole} mnt"
    hours, mins = divmod(whole, 60)
    if hours < 24:
        return f"{hours} jam" + (f" {mins} mnt" if mins else "")
    days, hours = divmod(hours, 24)
    return f"{days} hari" + (f" {hours} jam" if hours else "")


def delta(current: float | None, previous: float | None, kind: str = "number") -> str:
    """'+12', '−3', '0' (numbers); '+4,0 poin' (shares); '–' when either side is unknown."""
    if current is None or previous is None:
        return "–"
    diff = current - previous
    if kind == "share":
        diff *= 100
        text = decimal(abs(diff))
        return ("+" if diff > 0 else "−" if diff < 0 else "") + text + " poin"
    if kind == "minutes":
        if abs(diff) < 0.5:
            return "0"
        return ("+" if diff > 0 else "−") + duration(abs(diff))
    if diff == 0:
        return "0"
    return ("+" if diff > 0 else "−") + number(abs(diff))


def platform(code: str) -> str:
    return platform_label(code)
