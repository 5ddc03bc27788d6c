"""Matching words in text the way a desk types them: case- and accent-insensitive, by word start.

`fold` lowers case and drops accents (Unicode NFKD, combining marks removed), so 'Pérempuan',
'PEREMPUAN' and 'perempuan' are the same word. A search term matches a word of the text that
starts with it (as an FTS5 prefix query would): 'pukul' finds 'Pukul' and 'pukulan'.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

WORD_RE = re.compile(r"\w+")
SNIPPET_CHARS = 80  # about this much text around the first match
MAX_TERMS = 16
MAX_TERM_CHARS = 64


def fold(text: str) -> str:
    """Lower case without accents: 'Pérémpuan' -> 'perempuan'."""
    if text.isascii():
        return text.lower()  # the same as the casefold of its NFKD form, much faster
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the offset of the character it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(text):
        piece = fold(ch)
        out.append(piece)
        where.extend([index] * len(piece))
    return "".join(out), where


def terms(words: Iterable[str]) -> list[str]:
    """The folded words of a query (each argument may hold several), duplicates dropped, bounded."""
    found: list[str] = []
    for word in words:
        for term in WORD_RE.findall(fold(word)):
            term = term[:MAX_TERM_CHARS]
            if term not in found:
                found.append(term)
    return found[:MAX_TERMS]


def spans(text: str, term_list: list[str]) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of every word that starts with one of the terms, in order."""
    folded, where = _folded_with_map(text)
    found: list[tuple[int, int]] = []
    for match in WORD_RE.finditer(folded):
        word = match.group(0)
        for term in term_list:
            if word.startswith(term):
                start = where[match.start()]
                end = where[min(match.start() + len(term), len(where)) - 1] + 1
                found.append((start, end))
                break
    return found


def snippet(text: str, found: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About `width` characters of one-line text around the first match, and the matches inside it."""
    flat_chars: list[str] = []
    offset: list[int] = []  # original offset -> offset in the flat text
    previous_space = True
    for ch in text:
        offset.append(len(flat_chars))
        if ch.isspace():
            if not previous_space:
                flat_chars.append(" ")
            previous_space = True
        else:
            flat_chars.append(ch)
            previous_space = False
    offset.append(len(flat_chars))
    flat = "".join(flat_chars).rstrip()
    moved = [(offset[s], offset[e]) for s, e in found]
    first = moved[0][0] if moved else 0
    start = max(0, min(first - width // 3, len(flat) - width))
    end = min(len(flat), start + width)
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(flat) else ""
    shift = len(lead) - start
    inside = tuple((s + shift, min(e, end) + shift) for s, e in moved if s >= start and s < end)
    return lead + flat[start:end] + tail, inside


def score(
    parts: Iterable[tuple[str, str, float]], term_list: list[str]
) -> tuple[float, str, str, tuple[tuple[int, int], ...]] | None:
    """(score, part, snippet, spans) when every term matches somewhere in the parts; else None.

    `parts`: (name, text, weight). The score adds, for each term, its matches times the weight of
    the part they are in (a term found in several parts counts in each); the snippet is taken from
    the part matching the most distinct terms (the heavier part on a tie).
    """
    seen: set[str] = set()
    total = 0.0
    best: tuple[int, float, str, str, list[tuple[int, int]]] | None = None
    for name, text, weight in parts:
        if not text:
            continue
        found = spans(text, term_list)
        if not found:
            continue
        folded = fold(text)
        matched = {t for t in term_list if re.search(r"(?<!\w)" + re.escape(t), folded)}
        seen |= matched
        total += len(found) * weight
        rank = (len(matched), weight)
        if best is None or rank > (best[0], best[1]):
            best = (len(matched), weight, name, text, found)
    if best is None or seen != set(term_list):
        return None
    text_snippet, inside = snippet(best[3], best[4])
    return total, best[2], text_snippet, inside
