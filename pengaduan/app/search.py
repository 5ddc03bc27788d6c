"""Full-text search over cases (`cari`): complaint text, answers, notes and the handle.

`search(desk, words, filters)` is the one entry point. This first version scans the cases with
`core.textsearch` (case- and accent-insensitive, every word must match the start of a word);
the derived index (store/index.py, FTS5) can take over inside `_candidates`/`search` without any
caller changing. Only what a case file holds readably is searched: the reporter's name and
contact never are, and nothing sealed (schema 2) is opened for a search.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pengaduan.app.context import Desk
from pengaduan.core import textsearch
from pengaduan.core.case import Case
from pengaduan.errors import InputError

if TYPE_CHECKING:
    from pengaduan.app.privacy import Keys
    from pengaduan.core.blind import BlindKeys
    from pengaduan.store.index import Index

OPEN = "terbuka"
# States of `privacy.open_one` whose text is the case's own (plain schema 1, or opened here).
READABLE = ("polos", "terbuka")
# How much each part of a case counts towards a match's score.
WEIGHTS = {"isi": 3.0, "akun": 3.0, "jawaban": 2.0, "catatan": 1.0}


@dataclass(frozen=True)
class Filters:
    """What narrows a search or a list; each None means 'any'. `status` may be 'terbuka'."""

    status: str | None = None
    platform: str | None = None
    bidang: str | None = None
    category: str | None = None
    account: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Hit:
    case: Case
    score: float
    part: str  # where the snippet comes from: isi, jawaban, catatan, akun
    snippet: str
    spans: tuple[tuple[int, int], ...]  # what matched, as offsets into the snippet


def same_account(typed: str, account: str) -> bool:
    """`--akun @Warga_Smg` names the case's handle: case-insensitive, '@' optional."""
    return textsearch.fold(typed.strip().lstrip("@")) == textsearch.fold(account.strip().lstrip("@"))


def matches(desk: Desk, case: Case, filters: Filters) -> bool:
    """Whether a case passes the filters (shared by `daftar` and `cari`)."""
    f = filters
    if f.status == OPEN and case.status in desk.sop.final_statuses:
        return False
    if f.status and f.status != OPEN and case.status != f.status:
        return False
    if (f.platform and case.platform != f.platform) or (f.bidang and case.bidang != f.bidang):
        return False
    if f.category and case.category != f.category:
        return False
    if f.account and not same_account(f.account, case.account):
        return False
    if f.since or f.until:
        day = case.received_at.astimezone(desk.tz).date()
        if (f.since and day < f.since) or (f.until and day > f.until):
            return False
    return True


def parts(case: Case) -> Iterable[tuple[str, str]]:
    """(part, text) of everything searched in a case: readable text only, never the reporter block."""
    yield "isi", case.text
    yield "akun", case.account
    for entry in case.history:
        if entry.answer:
            yield "jawaban", entry.answer
        if entry.note:
            yield "catatan", entry.note


def _candidates(desk: Desk) -> Iterable[Case]:
    """The cases as this machine can read them. A `rahasia` case is never searched (a list must not
    show its text or handle); one sealed without its key here, or erased, has nothing to search."""
    from pengaduan.app import privacy

    keys = privacy.Keys(desk)
    for case in desk.store.load_all():
        if case.confidential:
            continue
        opened = privacy.open_one(desk, keys, case, strict=False)
        if opened.state in READABLE:
            yield opened.case


TOKEN_CHUNK = 500


def _tokenise(desk: Desk, keys: Keys, index: Index, blind: BlindKeys) -> None:
    """Give the index the keyed tokens of every searchable case it has none for yet (after a
    rebuild, a step, a `sinkron`), and of those tokenised without their key that this machine now
    holds: each opened with this machine's keys, as `_candidates` reads it."""
    from pengaduan.app import privacy

    missing, unkeyed = index.token_work()
    if unkeyed:
        held = keys.store.ids()
        missing += [(i, b) for i, b in unkeyed if i in held]
    if not missing:
        return
    keys.store.load_all()
    blobs = dict(missing)
    wanted = sorted(blobs)
    for start in range(0, len(wanted), TOKEN_CHUNK):
        chunk = wanted[start : start + TOKEN_CHUNK]
        done: list[tuple[str, str, int, Iterable[int]]] = []
        for case in index.cases("id IN (SELECT value FROM json_each(?))", (json.dumps(chunk),)):
            opened = privacy.open_one(desk, keys, case, strict=False)
            if opened.state in READABLE:
                done.append((case.id, blobs[case.id], 1, blind.tokens(t for _p, t in parts(opened.case))))
            else:  # sealed without its key here: none until the key comes
                done.append((case.id, blobs[case.id], 0 if opened.state == "terenkripsi" else 1, ()))
        index.put_tokens(done)


def _locked_note(locked: int) -> list[str]:
    """One line when `locked` searchable sealed cases cannot be opened here (their keys are elsewhere)."""
    if not locked:
        return []
    return [
        f"{locked} kasus terenkripsi tidak ikut dicari: kuncinya tidak ada di mesin ini "
        "(mesin berwenang mencarinya; mesin ini: 'pengaduan kunci minta', lalu 'pengaduan sinkron')"
    ]


def _found_through_index(desk: Desk, terms: list[str], notes: list[str] | None) -> list[Case] | None:
    """The cases holding a token of every (long enough) term, opened; None: the index cannot say
    (no term of 3 letters or more, no key store that can keep this machine's secret)."""
    from pengaduan.app import blind as blind_keys
    from pengaduan.app import privacy
    from pengaduan.core.blind import term_key

    looked = sorted({k for k in (term_key(t) for t in terms) if k is not None})
    if not looked:
        return None
    keys = privacy.Keys(desk)
    blind = blind_keys.keys_of(keys.store)
    if blind is None:
        return None
    index = desk.store.index()
    try:
        blind_keys.ready(index, blind)
        _tokenise(desk, keys, index, blind)
        if notes is not None:
            notes += _locked_note(index.unkeyed_count())
        ids = index.token_match([blind.token(k) for k in looked])
        found = list(index.cases("id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)))
    finally:
        index.close()
    out = []
    for case in found:
        opened = privacy.open_one(desk, keys, case, strict=False)
        if opened.state in READABLE:
            out.append(opened.case)
    return out


def search(desk: Desk, words: Iterable[str], filters: Filters | None = None, notes: list[str] | None = None) -> list[Hit]:
    """Cases where every word matches, best first (score, then the newest received first).

    The derived index narrows the cases to those holding a keyed token of every word (app/blind.py)
    and only those are opened; `notes` gets one line when sealed cases could not be searched here."""
    terms = textsearch.terms(words)
    if not terms:
        raise InputError("tulis paling sedikit satu kata yang dicari, contoh: pengaduan cari kdrt")
    filters = filters or Filters()
    through = _found_through_index(desk, terms, notes)
    if through is None and notes is not None:
        from pengaduan.app import privacy

        held = privacy.Keys(desk).store.ids()
        with desk.store.index() as index:
            notes += _locked_note(sum(1 for i in index.readable_ids(2) if i not in held))
    hits = []
    for case in through if through is not None else _candidates(desk):
        if case.confidential or not matches(desk, case, filters):
            continue
        found = textsearch.score(((p, t, WEIGHTS[p]) for p, t in parts(case)), terms)
        if found is None:
            continue
        score, part, snippet, spans = found
        hits.append(Hit(case, score, part, snippet, spans))
    hits.sort(key=lambda h: (-h.score, -h.case.received_at.timestamp(), h.case.id))
    return hits


def search_index(desk: Desk, words: str, where: Any = None, limit: int | None = None) -> Iterator[Any]:
    """Cases whose readable-without-a-key words (store.index FTS5: ID, platform, kategori, bidang,
    and the text of plain schema-1 cases) hold every typed word, best match first, as the list
    rows of app.cases (text shareable), streamed; `where`: an app.cases.list_filter. Never opens a
    sealed value: for the complaint text of schema-2 cases `search` (which opens them here) is the way."""
    from pengaduan.app.cases import row_of, shareable
    from pengaduan.core.search import fts_query
    from pengaduan.store.index import Filter

    if fts_query(words) is None:
        raise InputError("tulis paling sedikit satu kata yang dicari, contoh: pengaduan cari kdrt")
    index = desk.store.index()
    try:
        found = (row_of(desk, values) for values in index.search(words, where or Filter(), limit=limit))
        yield from shareable(desk, index, found)
    finally:
        index.close()
