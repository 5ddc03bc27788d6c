"""What the derived index keeps for this machine only: keyed search tokens and sealed list rows.

The index never holds plaintext of a sealed value. What this machine can read of a case (opened
with the keys it holds) goes there only as keyed hashes of word prefixes (`cari`) and as the list
row sealed with AES-GCM (`daftar`), both under keys derived from one random secret kept in this
machine's key store (`.git/pengaduan/kunci/`, state `indeks`): the index file alone, copied off
this machine, names no word and opens no row. The secret is made on first use; a new one (a key
store restored from elsewhere) makes the index drop what it kept (its `meta.blind` names the key).

Both are filled as cases are read (a search tokenises the cases not yet tokenised; a list seals
the rows it had to open), so building the index from nothing never opens a sealed value, and a
case that changes (a step, an erasure) loses its tokens and row with its index row.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3

from pengaduan.app.context import Desk
from pengaduan.core.blind import BlindKeys, new_secret
from pengaduan.errors import StoreError
from pengaduan.store.index import Index
from pengaduan.store.keys import KeyStore

STATE = "indeks"


def keys_of(keystore: KeyStore, create: bool = True) -> BlindKeys | None:
    """The blind keys of this machine; None when there is no secret and `create` is false, or the
    key store cannot keep one (read-only, damaged)."""
    try:
        value = keystore.state(STATE)
        if value is None:
            if not create:
                return None
            keystore.set_state(STATE, base64.b64encode(new_secret()).decode())
            value = keystore.state(STATE)
        secret = base64.b64decode(value or "", validate=True)
    except (OSError, sqlite3.Error, StoreError, binascii.Error, ValueError):
        return None
    if len(secret) < 32:
        return None
    return BlindKeys(secret)


def ready(index: Index, blind: BlindKeys) -> None:
    """Drop what the index kept under another key (or before it named one)."""
    if index.blind_check() != blind.check:
        index.reset_blind(blind.check)


def stamp(desk: Desk) -> str:
    """What a sealed list row depends on besides its case file: the sharing rules' version (bump
    RULES when privacy.for_sharing / redacted_text / reports.privacy.scrub change) and the time
    zone (an erasure's label carries its date)."""
    return f"{RULES}|{desk.config.timezone}"


RULES = "3"  # 2: the masked handle is kept too; 3: fields split at NUL
