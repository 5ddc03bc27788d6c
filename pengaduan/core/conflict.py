"""A parked conflict: the local steps of a case that lost when the remote had advanced it too.

When `sinkron` finds one case advanced on both sides, the remote's version stands and the
steps only this machine had are written, exactly as they were, into a record under konflik/
in the same merge commit (the audit accepts a merge that rolls a case back only when such a
record holds what was rolled back). `pengaduan konflik terapkan` re-records those steps on top
of the remote's state as ordinary steps; `pengaduan konflik buang` closes the record with a
reason. Either way the record stays, closed, so nothing is ever lost.

Pure: no I/O.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from typing import Any

from pengaduan.core.ids import ALPHABET
from pengaduan.errors import StoreError
from pengaduan.i18n import CASE_KEYS

SCHEMA = 1
OPEN = "terbuka"
APPLIED = "diterapkan"
DROPPED = "dibuang"
STATUSES = (OPEN, APPLIED, DROPPED)
# Keys a resolution adds to a record; everything else stays as parked.
RESOLUTION_KEYS = ("diselesaikan", "diselesaikan_oleh", "alasan", "commit_terapan")
KEYS = ("schema", "kasus", "status", "dicatat", "remote", "commit_lokal", "commit_remote", "langkah", "kasus_lokal")


def canonical(value: Any) -> str:
    """A strict text form for comparing YAML values (True and 1, '1' and 1 differ)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=lambda v: f"<{type(v).__name__}>{v}")


def history_of(data: Any) -> list[Any]:
    history = data.get(CASE_KEYS["history"]) if isinstance(data, dict) else None
    return history if isinstance(history, list) else []


def common_prefix(a: list[Any], b: list[Any]) -> int:
    n = 0
    while n < len(a) and n < len(b) and canonical(a[n]) == canonical(b[n]):
        n += 1
    return n


def lost_entries(kept: Any, other: Any) -> list[Any]:
    """The history entries of `other` (a case file's data) that `kept` does not carry on from."""
    mine, theirs = history_of(kept), history_of(other)
    return theirs[common_prefix(mine, theirs) :]


def new_id(case_id: str) -> str:
    token = "".join(ALPHABET[byte & 31] for byte in os.urandom(5))
    return f"{case_id}.{token}"


def make_record(
    case_id: str, local: Any, remote_name: str, local_commit: str, remote_commit: str, now: str, lost: list[Any]
) -> dict[str, Any]:
    # Separate copies: the lost entries are also in the local case, and YAML would write shared
    # objects as anchors and aliases, which the store's reader refuses.
    return {
        "schema": SCHEMA,
        "kasus": case_id,
        "status": OPEN,
        "dicatat": now,
        "remote": remote_name,
        "commit_lokal": local_commit,
        "commit_remote": remote_commit,
        "langkah": copy.deepcopy(list(lost)),
        "kasus_lokal": copy.deepcopy(local),
    }


@dataclass(frozen=True)
class Conflict:
    id: str
    case_id: str
    status: str
    recorded: str
    remote: str
    local_commit: str
    remote_commit: str
    entries: tuple[dict[str, Any], ...]
    local_case: dict[str, Any]
    raw: dict[str, Any]

    @property
    def open(self) -> bool:
        return self.status == OPEN


def parse(data: Any, conflict_id: str) -> Conflict:
    """A conflict record, or StoreError saying what is wrong with it."""
    where = f"catatan konflik {conflict_id}"
    if not isinstance(data, dict):
        raise StoreError(f"{where} tidak sah: isinya bukan pemetaan YAML")
    unknown = [str(k) for k in data if k not in KEYS and k not in RESOLUTION_KEYS]
    missing = [k for k in KEYS if k not in data]
    if unknown or missing:
        detail = ", ".join([f"kunci tidak dikenal {k}" for k in unknown] + [f"kunci {k} hilang" for k in missing])
        raise StoreError(f"{where} tidak sah: {detail}")
    if data["schema"] != SCHEMA or data["status"] not in STATUSES:
        raise StoreError(f"{where} tidak sah: schema {data['schema']!r} / status {data['status']!r}")
    entries = data["langkah"]
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise StoreError(f"{where} tidak sah: 'langkah' harus daftar entri riwayat yang tidak kosong")
    if not isinstance(data["kasus_lokal"], dict) or not str(conflict_id).startswith(f"{data['kasus']}."):
        raise StoreError(f"{where} tidak sah: kasus '{data['kasus']}' tidak sesuai nama berkasnya")
    return Conflict(
        id=conflict_id,
        case_id=str(data["kasus"]),
        status=str(data["status"]),
        recorded=str(data["dicatat"]),
        remote=str(data["remote"]),
        local_commit=str(data["commit_lokal"]),
        remote_commit=str(data["commit_remote"]),
        entries=tuple(entries),
        local_case=data["kasus_lokal"],
        raw=data,
    )


def resolution_problem(old: Any, new: Any, conflict_id: str) -> str | None:
    """Why changing a record from old to new is not a resolution (None when it is one).

    A resolution closes an open record (diterapkan or dibuang, the latter with a reason) and
    changes nothing that was parked.
    """
    try:
        before, after = parse(old, conflict_id), parse(new, conflict_id)
    except StoreError as exc:
        return exc.message
    if not before.open:
        return f"catatan konflik {conflict_id} sudah {before.status}; tidak boleh diubah lagi"
    if after.open:
        return f"catatan konflik {conflict_id} diubah tanpa diselesaikan (status tetap {OPEN})"
    for key in KEYS:
        if key != "status" and canonical(old.get(key)) != canonical(new.get(key)):
            return f"catatan konflik {conflict_id}: '{key}' diubah; yang boleh hanya status dan penyelesaiannya"
    if after.status == DROPPED and not str(new.get("alasan") or "").strip():
        return f"catatan konflik {conflict_id} dibuang tanpa alasan"
    return None
