"""What `cari` may find in a case, and how typed words become a full-text query. Pure.

The derived index keeps, per case, the text `searchable_text` gives: only values readable
without any key. A sealed value (case schema 2: `sandi:...`) is never decrypted for the index,
so the index never holds plaintext a key protects, and an erased case (its key destroyed) holds
nothing personal there either.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pengaduan.core.case import Case

# The prefix of every sealed value (core.sealed on schema-2 stores); such text is never indexed.
SEALED_PREFIX = "sandi:"


def readable(value: Any) -> str | None:
    """A text value as the index may keep it: None when empty or sealed."""
    if not isinstance(value, str) or not value or value.startswith(SEALED_PREFIX):
        return None
    return value


def searchable_text(case: Case) -> str:
    """The words `cari` finds a case by: its ID, platform, category, bidang, and the handle,
    complaint text, answers and notes where the case file holds them readable without a key.

    A case marked confidential (`rahasia`) or whose personal data was erased contributes only
    what is not personal (ID, platform, category, bidang), even where a value is not sealed.
    """
    parts: list[str | None] = [case.id, case.platform, case.category, case.bidang]
    private = bool(getattr(case, "confidential", False)) or _erased(case)
    if not private:
        parts += [readable(case.account), readable(case.text), readable(case.link)]
        for entry in case.history:
            parts += [readable(entry.answer), readable(entry.note)]
    return "\n".join(p for p in parts if p)


def _erased(case: Case) -> bool:
    return any(entry.action == "hapus_data" for entry in case.history)


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(words: str) -> str | None:
    """FTS5 MATCH text for what someone typed: every word must appear (a prefix of it matches),
    accents and case ignored; operators and quotes typed are taken as plain words. None: no word."""
    folded = unicodedata.normalize("NFKC", words)
    tokens = _WORD.findall(folded)
    if not tokens:
        return None
    return " ".join(f'"{token}"*' for token in tokens)
