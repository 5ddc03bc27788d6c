"""Case IDs: short, typable, and unique across clones without coordination.

Form: YYMMDD-XXXXXXX: the day received (WIB), then 7 characters of Crockford base32 drawn from
the OS's randomness (35 bits). Two machines minting 1,000 IDs on the same day collide with a
probability below 2e-5; the store also re-draws when the file already exists. The alphabet has
no I, L, O or U, so an ID read aloud or copied by hand stays unambiguous.
"""

from __future__ import annotations

import os
import re
from datetime import date

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 7
ID_RE = re.compile(r"^\d{6}-[0-9A-HJKMNP-TV-Z]{7}\Z")


def new_id(day: date) -> str:
    # 32 symbols: the low 5 bits of a random byte pick one uniformly (256 is a multiple of 32).
    # os.urandom rather than secrets: same source, without importing hmac/hashlib on every start.
    rand = "".join(ALPHABET[byte & 31] for byte in os.urandom(RANDOM_LENGTH))
    return f"{day:%y%m%d}-{rand}"


def normalise(text: str) -> str:
    """What a user typed, as it would appear in an ID (upper case, look-alikes mapped)."""
    return text.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")


def is_valid(case_id: str) -> bool:
    return bool(ID_RE.match(case_id))


def month_of(case_id: str) -> tuple[str, str] | None:
    """('2026', '11') for a full ID or any prefix long enough to name the month."""
    if len(case_id) >= 4 and case_id[:4].isdigit():
        return "20" + case_id[:2], case_id[2:4]
    return None


def path_problem(path: str, case_id: str) -> str | None:
    """Why a case file's path is wrong for the ID its name gives (None for kasus/YYYY/MM/<ID>.yaml).

    The folder is the month received, which the ID carries: a file elsewhere cannot be opened by
    its ID, and two copies of a case could hide in two folders.
    """
    if not is_valid(case_id):
        return "nama berkasnya bukan ID kasus (YYMMDD-XXXXXXX.yaml)"
    expected = f"kasus/20{case_id[:2]}/{case_id[2:4]}/{case_id}.yaml"
    if path != expected:
        return f"tidak di folder bulannya (ID {case_id} berarti {expected})"
    return None
