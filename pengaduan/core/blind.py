"""Keyed ("blind") search tokens and sealed list rows for the derived index. Pure: no files.

The index (store/index.py) must hold no plaintext of a sealed value, yet `cari` should not open
every case to find a word. So it keeps, per case, keyed hashes of the words this machine can read:
`token(key, word)` is HMAC-SHA256 under a key derived (HKDF) from this machine's index secret,
cut to 64 bits. Without the secret a token is not reversible, and it names no word.

Words are folded as `core.textsearch` folds them (case and accents ignored). `cari` matches the
start of a word, so each word gives the hashes of its prefixes of 3 to 8 characters (a word shorter
than 3 gives none; a typed term longer than 8 is looked up by its first 8 and the opened case
checked). Leakage, accepted: equal prefixes of words in two cases have equal tokens (one more
kind of equality than whole words would show), and a case's token count roughly follows its
text's length -- both only to someone holding the index file, which never leaves this machine.

A list row (the text and handle as a list may show them, after redaction) is kept sealed with
AES-256-GCM under another key derived from the same secret, the case ID, its blob and the
rules' stamp as associated data: a row moved to another case or version does not open.
"""

from __future__ import annotations

import copy
import hmac
import os
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from pengaduan.core.textsearch import MAX_TERM_CHARS, WORD_RE, fold

SECRET_BYTES = 32
MIN_PREFIX = 3
MAX_PREFIX = 8
NONCE_BYTES = 12
_TOKEN_INFO = b"pengaduan indeks token v1"
_ROW_INFO = b"pengaduan indeks baris v1"
_CHECK = b"pengaduan indeks periksa"


def new_secret() -> bytes:
    return os.urandom(SECRET_BYTES)


def _derive(secret: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def prefixes(text: str) -> set[str]:
    """The folded word prefixes (3..8 characters) of a text: what its tokens are made from."""
    out: set[str] = set()
    for word in WORD_RE.findall(fold(text)):
        word = word[:MAX_TERM_CHARS]
        for k in range(MIN_PREFIX, min(MAX_PREFIX, len(word)) + 1):
            out.add(word[:k])
    return out


def term_key(term: str) -> str | None:
    """What a folded search term is looked up by (None: too short for the tokens)."""
    return term[:MAX_PREFIX] if len(term) >= MIN_PREFIX else None


class BlindKeys:
    """The keys an index secret gives: tokens, sealed rows, and a check that names the secret."""

    def __init__(self, secret: bytes) -> None:
        self._token_key = _derive(secret, _TOKEN_INFO)
        self._row_key = _derive(secret, _ROW_INFO)
        self.check = hmac.digest(self._token_key, _CHECK, "sha256").hex()[:16]
        self.stamp = ""

    def token(self, prefix: str) -> int:
        digest = hmac.digest(self._token_key, prefix.encode("utf-8"), "sha256")
        return int.from_bytes(digest[:8], "big", signed=True)

    def tokens(self, texts: Iterable[str]) -> set[int]:
        found: set[str] = set()
        for text in texts:
            if text:
                found |= prefixes(text)
        return {self.token(p) for p in found}

    def for_stamp(self, stamp: str) -> BlindKeys:
        """These keys sealing list rows made under `stamp` (what rows depend on besides the case)."""
        made = copy.copy(self)
        made.stamp = stamp
        return made

    @cached_property
    def _aead(self) -> Any:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self._row_key)

    def seal_row(self, case_id: str, blob: str, text: str, account: str, masked: str) -> bytes:
        """The list row of a case file (its ID and blob id) as the index keeps it: the text, the
        handle and the handle as lists show it."""
        if "\x00" in text or "\x00" in account or "\x00" in masked:
            raw, handle = text.encode("utf-8"), account.encode("utf-8")
            plain = b"\x01" + len(raw).to_bytes(4, "big") + len(handle).to_bytes(4, "big") + raw + handle + masked.encode()
        else:  # the usual case: one decode and a split when opened
            plain = f"\x00{text}\x00{account}\x00{masked}".encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed: bytes = self._aead.encrypt(nonce, plain, f"{case_id}\n{blob}\n{self.stamp}".encode())
        return nonce + sealed

    def open_row(self, case_id: str, blob: str, box: bytes) -> tuple[str, str, str] | None:
        """(text, account, masked), or None when the box does not open (another secret, case,
        blob or stamp)."""
        return self.row_opener()(case_id, blob, box)

    def row_opener(self) -> Callable[[str, str, bytes], tuple[str, str, str] | None]:
        """`open_row` for many rows (a list of 100,000 opens one per row)."""
        from cryptography.exceptions import InvalidTag

        decrypt = self._aead.decrypt
        from_bytes = int.from_bytes
        tail = f"\n{self.stamp}"

        def opener(case_id: str, blob: str, box: bytes) -> tuple[str, str, str] | None:
            try:
                plain = decrypt(box[:12], box[12:], f"{case_id}\n{blob}{tail}".encode())
                if plain[0] == 0:
                    _, text, account, masked = plain.decode("utf-8").split("\x00")
                    return text, account, masked
                a = 9 + from_bytes(plain[1:5], "big")
                b = a + from_bytes(plain[5:9], "big")
                return plain[9:a].decode("utf-8"), plain[a:b].decode("utf-8"), plain[b:].decode("utf-8")
            except (InvalidTag, ValueError):
                return None

        return opener
