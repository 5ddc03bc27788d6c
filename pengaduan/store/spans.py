"""Which cases a report needs, without reading every case: a span index keyed by git blob id.

For each case file content (blob) it keeps three moments: the first entry, the last entry and
the entry that closed the case (if any). A day's or a month's report then reads only the cases
whose span can touch it: on a store of years, a few hundred instead of all. Like the store's
read cache it lives under .git/pengaduan/, is keyed by blob id (so it is never stale) and can be
deleted at any time; a blob it has not seen is read in full once and its span noted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pengaduan.core.case import Case
from pengaduan.core.sop import Sop
from pengaduan.store import layout
from pengaduan.store.cache import BlobCache
from pengaduan.store.store import Store

FILE = "laporan.sqlite"


@dataclass(frozen=True)
class Span:
    """Epoch seconds of a case's first and last entry, and of the entry that closed it."""

    first: float
    last: float
    closed: float | None


def span_of(case: Case, sop: Sop) -> Span | None:
    if not case.history:
        return None
    times = [e.time.timestamp() for e in case.history]
    closed = next((t for e, t in zip(case.history, times, strict=True) if e.status in sop.final_statuses), None)
    return Span(min(times), max(times), closed)


def load_relevant(store: Store, rev: str, keep: Callable[[Span], bool]) -> list[Case]:
    """The cases at `rev` whose span `keep` accepts (cases never seen before are read to find out)."""
    # Case files are kasus/YYYY/MM/<ID>.yaml; plain string work here (pathlib costs ~30 µs a path).
    rows = {
        path[path.rfind("/") + 1 : -5]: blob
        for path, blob in store.git.ls_tree(rev, layout.CASES)
        if path.endswith(".yaml") and path.count("/") == 3
    }
    # The store's blob-keyed cache class, in a file of its own: [first, last, closed] per blob.
    index = BlobCache(store.private_dir() / FILE)
    try:
        spans = {blob: Span(*value) for blob, value in index.get_many(set(rows.values())).items()}
        wanted = {blob for blob in rows.values() if blob not in spans or keep(spans[blob])}
        cases = store.load_all(rev, select=lambda _path, blob: blob in wanted)
        fresh: dict[str, Span] = {}
        out = []
        for case in cases:
            blob = rows.get(case.id)
            span = spans.get(blob) if blob else None
            if blob is not None and span is None:
                span = fresh[blob] = span_of(case, store.sop) or Span(0, 0, None)
            if span is None or keep(span):
                out.append(case)
        index.put_many({blob: [s.first, s.last, s.closed] for blob, s in fresh.items()})
    finally:
        index.close()
    return out


def day_keep(start: datetime, cutoff: datetime) -> Callable[[Span], bool]:
    """Cases received by the cutoff that were not closed (and left alone) before the day began."""
    begin, end = start.timestamp(), cutoff.timestamp()
    return lambda s: s.first <= end and (s.closed is None or s.closed >= begin or s.last >= begin)


def months_keep(start: datetime, cutoff: datetime) -> Callable[[Span], bool]:
    """Cases with an entry between `start` (the previous month's first day) and the cutoff.

    The monthly figures count cases received in the month (or the previous one) and steps done
    in it; a case with no entry in that span can change neither.
    """
    begin, end = start.timestamp(), cutoff.timestamp()
    return lambda s: s.first <= end and s.last >= begin
