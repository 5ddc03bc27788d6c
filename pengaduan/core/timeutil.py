"""Moments in time: parsing what users type, and writing it the way files and reports need."""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pengaduan.errors import ConfigError, InputError

DEFAULT_TZ = "Asia/Jakarta"


def zone(name: str = DEFAULT_TZ) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"zona waktu '{name}' tidak dikenal; perbaiki 'zona_waktu' di pengaduan.yaml") from None


def now(tz: ZoneInfo) -> datetime:
    """The current moment in the store's timezone, to the second."""
    return datetime.now(timezone.utc).astimezone(tz).replace(microsecond=0)


# Case IDs carry a two-digit year and folders are named 20YY: the tool's moments live in this century.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _in_range(year: int, text: str, option: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"{option} '{text}' di luar rentang tahun {FIRST_YEAR}–{LAST_YEAR}; periksa tahunnya")


def parse_moment(text: str, tz: ZoneInfo, option: str = "--waktu") -> datetime:
    """Parse ISO 8601 ('2026-11-28T09:14', '2026-11-28 09:14+07:00'); naive means the store's zone."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
        _in_range(value.year, text, option)
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        value = value.astimezone(tz).replace(microsecond=0)
    except (ValueError, OverflowError):
        raise InputError(
            f"{option} '{text}' bukan waktu ISO 8601; contoh: 2026-11-28T09:14 atau 2026-11-28T09:14+07:00"
        ) from None
    _in_range(value.year, text, option)
    return value


def parse_day(text: str, option: str) -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} '{text}' bukan tanggal; tulis YYYY-MM-DD, contoh: 2026-11-28") from None
    _in_range(value.year, text, option)
    return value


def refuse_future(moment: datetime, now: datetime, option: str = "--waktu") -> None:
    """A step is recorded when it happened: never later than now."""
    if moment > now:
        raise InputError(
            f"{option} {to_text(moment)} ada di masa depan (sekarang {to_text(now)}); isi waktu kejadian yang sebenarnya"
        )


def to_text(moment: datetime) -> str:
    """The form written into case files: ISO 8601 with offset, to the second."""
    return moment.isoformat(timespec="seconds")


def from_text(text: str, tz: tzinfo) -> datetime:
    return datetime.fromisoformat(text).astimezone(tz)


def from_stored(text: str) -> datetime:
    """A moment as a case file holds it (ISO 8601), with the offset as written."""
    return datetime.fromisoformat(text)


def to_stored(moment: datetime) -> str:
    """The text a case file holds for a moment: `to_text`'s form for the whole seconds the tool
    records, a fraction kept when a file had one, so reading and writing back changes nothing."""
    return moment.isoformat()


def clock_label(moment: datetime) -> str:
    """'09.14 WIB' as Indonesian documents write a time of day."""
    return f"{moment:%H.%M} WIB"


def minutes_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60.0


MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November",
          "Desember")  # fmt: skip


def human(moment: datetime) -> str:
    """'2 November 2026 09.05 WIB': a moment as a message to a person writes it."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} {clock_label(moment)}"


SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def short_human(moment: datetime) -> str:
    """'28 Nov 2026 11.07 WIB': the one date format of every human output (JSON and CSV keep ISO 8601)."""
    return f"{moment.day} {SHORT_MONTHS[moment.month - 1]} {moment.year} {clock_label(moment)}"


def minutes_words(minutes: float) -> str:
    """'3 mnt', '2 jam 10 mnt', '13 jam 54 mnt': a span of (working) minutes in words, whole minutes
    rounded up so that a deadline shown is never later than the real one; '< 1 mnt' below one."""
    import math

    if minutes < 1:
        return "< 1 mnt" if minutes > 0 else "0 mnt"
    whole = math.ceil(minutes - 1e-9)
    hours, mins = divmod(whole, 60)
    if not hours:
        return f"{mins} mnt"
    return f"{hours} jam" + (f" {mins} mnt" if mins else "")


def left_words(used: float, allowed: float) -> str:
    """'sisa 3 mnt' while within the standard, 'terlambat 2 jam 10 mnt' past it."""
    if used > allowed:
        return "terlambat " + minutes_words(used - allowed)
    return "sisa " + minutes_words(allowed - used)


def decimal_comma(value: float, digits: int = 1) -> str:
    """'16,8': a decimal number as Indonesian text writes it."""
    return f"{value:.{digits}f}".replace(".", ",")
