"""Likely duplicates: the same complaint reaching the desk twice, or through several channels.

Two cases are likely duplicates when they reached the desk through different channels (another
platform, or another kind: a comment and a direct message), within a number of days
(`duplikat_hari`), and come from the same handle (compared without case and a leading @) or
have texts alike once normalised (case, character widths, links, mentions and punctuation set
aside). Within one channel the same conversation is attached, not a new case.
A *repeat* is stricter: the same account on the same platform sending the same text within a
day — what a second `terima` by hand of one message looks like.

Pure: cases in, pairs out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pengaduan.core.case import Case

_LINK = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"(?<!\w)@\w[\w.]*")
_NOT_WORD = re.compile(r"[^\w]+")
MIN_WORDS = 3  # shorter texts ("halo", "min", "tolong") are alike everywhere: never matched on text
MIN_HANDLE = 3
REPEAT_WINDOW = timedelta(days=1)

REASON_HANDLE = "akun sama"
REASON_TEXT = "isi mirip"


def handle_key(account: str) -> str:
    key = unicodedata.normalize("NFKC", account).strip().lstrip("@").casefold()
    key = " ".join(key.split())
    return key if len(key) >= MIN_HANDLE else ""


def text_key(text: str) -> str:
    """The text with case, links, mentions, punctuation and spacing set aside ('' when too short to compare)."""
    flat = unicodedata.normalize("NFKC", text).casefold()
    flat = _MENTION.sub(" ", _LINK.sub(" ", flat))
    words = [w for w in _NOT_WORD.sub(" ", flat).replace("_", " ").split() if w]
    return " ".join(words) if len(words) >= MIN_WORDS else ""


def moment_of(case: Case) -> datetime:
    return case.posted_at or case.received_at


@dataclass(frozen=True)
class Likely:
    """`case_id` is likely a duplicate of (or duplicated by) `other_id`."""

    case_id: str
    other_id: str
    reasons: tuple[str, ...]


@dataclass
class Finder:
    """An index of cases by handle and by normalised text, for likely-duplicate lookups."""

    days: int
    _by_handle: dict[str, list[Case]] = field(default_factory=dict)
    _by_text: dict[str, list[Case]] = field(default_factory=dict)

    def add(self, case: Case) -> None:
        handle, text = handle_key(case.account), text_key(case.text)
        if handle:
            self._by_handle.setdefault(handle, []).append(case)
        if text:
            self._by_text.setdefault(text, []).append(case)

    def extend(self, cases: Iterable[Case]) -> None:
        for case in cases:
            self.add(case)

    def likely(self, case: Case) -> list[Likely]:
        """The cases in the index this one likely duplicates (never itself, never its own conversation)."""
        window = timedelta(days=self.days)
        when = moment_of(case)
        found: dict[str, list[str]] = {}
        for reason, pool in (
            (REASON_HANDLE, self._by_handle.get(handle_key(case.account), [])),
            (REASON_TEXT, self._by_text.get(text_key(case.text), [])),
        ):
            for other in pool:
                if other.id == case.id or (other.platform, other.kind) == (case.platform, case.kind):
                    continue  # the same channel: a thread there is attached, a repeat refused (`repeats`)
                if abs(moment_of(other) - when) > window:
                    continue
                reasons = found.setdefault(other.id, [])
                if reason not in reasons:
                    reasons.append(reason)
        return [Likely(case.id, other, tuple(reasons)) for other, reasons in sorted(found.items())]

    def repeats(self, case: Case) -> list[Case]:
        """Cases from the same account on the same platform with the same text, within a day."""
        exact = " ".join(case.text.split())
        handle = handle_key(case.account)
        out = []
        for other in self._by_handle.get(handle, []) if handle else []:
            if other.id == case.id or other.platform != case.platform:
                continue
            if " ".join(other.text.split()) == exact and abs(other.received_at - case.received_at) <= REPEAT_WINDOW:
                out.append(other)
        return out


def pairs(cases: Iterable[Case], days: int, open_statuses: Iterable[str] | None = None) -> list[Likely]:
    """Every likely-duplicate pair among these cases (each pair once, earlier case second)."""
    ordered = sorted(cases, key=lambda c: (moment_of(c), c.id))
    finder = Finder(days)
    out: list[Likely] = []
    for case in ordered:
        out.extend(finder.likely(case))
        finder.add(case)
    if open_statuses is not None:
        keep = set(open_statuses)
        status = {c.id: c.status for c in ordered}
        out = [p for p in out if status[p.case_id] in keep or status[p.other_id] in keep]
    return out
