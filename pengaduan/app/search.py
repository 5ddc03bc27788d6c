"""`cari`: finding cases by the words they hold, through the derived index's FTS5 table.

Accents and case are ignored ("kdrt" finds "KDRT", "tembakau" finds "tembakáu"); every typed word
must appear, as a word or the start of one. Only what a case file holds readable without a key
is searchable (core.search.searchable_text): a sealed or erased value is never found.
"""

from __future__ import annotations

from collections.abc import Iterator

from pengaduan.app.cases import Row, row_of, shareable
from pengaduan.app.context import Desk
from pengaduan.errors import InputError
from pengaduan.store.index import Filter


def search(desk: Desk, words: str, filters: Filter | None = None, limit: int | None = None) -> Iterator[Row]:
    """Cases holding every word of `words`, best match first, within `filters`
    (`app.cases.list_filter`); at most `limit` of them. Streamed."""
    from pengaduan.core.search import fts_query

    if fts_query(words) is None:
        raise InputError("kata pencarian kosong; contoh: pengaduan cari 'jalan rusak'")
    index = desk.store.index()
    try:
        found = (row_of(desk, values) for values in index.search(words, filters or Filter(), limit=limit))
        yield from shareable(desk, index, found)
    finally:
        index.close()
