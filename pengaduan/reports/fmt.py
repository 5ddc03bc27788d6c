"""Indonesian words for dates, numbers and durations, as report readers expect them."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
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


def shorten(text: str, width: int) -> str:
    """The text in at most `width` characters, cut at a word and ended with '…' when it was longer."""
    clean = " ".join(text.split())
    if len(clean) <= width:
        return clean
    room = clean[: width - 1]
    if clean[width - 1] == " ":  # the room ends with a whole word
        cut = room
    else:
        cut = room.rsplit(" ", 1)[0] if " " in room else room
    if len(cut) < width // 2:  # one very long word: cut inside it rather than keep almost nothing
        cut = room
    return cut.rstrip(" ,.;:-–—") + "…"


# Characters that shape the text around them rather than draw a glyph of their own.
_JOINERS = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}
# Bidi embeddings, overrides and isolates: invisible, and able to show text reversed.
_BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _is_modifier(code: int) -> bool:
    return 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F or code in _JOINERS


def _is_emoji(code: int) -> bool:
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF


def _is_flag(code: int) -> bool:
    return 0x1F1E6 <= code <= 0x1F1FF


def _draws(ch: str) -> bool:
    """Whether a character needs a glyph (spaces, marks and format characters ride on others)."""
    return unicodedata.category(ch)[0] not in ("M", "C", "Z")


def _name(ch: str) -> str:
    return unicodedata.name(ch, f"U+{ord(ch):04X}").lower()


def readable(text: str, covered: Callable[[int], bool]) -> str:
    """The text with what no installed font can draw replaced by words, never by empty boxes.

    An emoji becomes its Unicode name ('🔥🔥' -> '[emoji: fire ×2]'; a sequence joined by ZWJ or
    with a skin tone names its parts), a run of another script's letters says which script it
    was ('[aksara CJK ×2]'). Bidi overrides are dropped. What the fonts have is left alone.
    """
    if text.isascii():
        return text
    out: list[str] = []
    items: list[str] = []  # the fallbacks of the current run, collapsed when repeated

    def flush() -> None:
        if not items:
            return
        groups: list[list] = []
        for item in items:
            if groups and groups[-1][0] == item:
                groups[-1][1] += 1
            else:
                groups.append([item, 1])
        out.append(" ".join(f"[{item}{f' ×{n}' if n > 1 else ''}]" for item, n in groups))
        items.clear()

    i = 0
    while i < len(text):
        ch = text[i]
        code = ord(ch)
        if code in _BIDI_CONTROLS:
            i += 1
            continue
        if not _draws(ch) or covered(code):
            flush()
            out.append(ch)
            i += 1
            continue
        if _is_flag(code):  # two regional indicators are a flag: 🇮🇩 -> [emoji: bendera ID]
            letters = ch
            if i + 1 < len(text) and _is_flag(ord(text[i + 1])):
                letters += text[i + 1]
                i += 1
            i += 1
            items.append("emoji: bendera " + "".join(chr(ord(c) - 0x1F1E6 + ord("A")) for c in letters))
            continue
        if _is_emoji(code):
            parts = [ch]
            i += 1
            while i < len(text) and (_is_modifier(ord(text[i])) or (text[i - 1] == "\u200d" and _is_emoji(ord(text[i])))):
                parts.append(text[i])
                i += 1
            names = [_name(p) for p in parts if not _is_modifier(ord(p))]
            items.append("emoji: " + " + ".join(names))
            continue
        script = _name(ch).split(" ")[0]
        items.append(f"aksara {script.upper() if script in ('cjk', 'nko') else script.capitalize()}")
        i += 1
    flush()
    return "".join(out)
