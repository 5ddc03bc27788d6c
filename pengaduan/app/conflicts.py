"""Parked conflicts (`pengaduan konflik`): list them, apply their steps again, or drop them.

A record under konflik/ holds the local steps of a case that lost when `sinkron` found the
remote had advanced the same case (see core/conflict.py). Applying re-records each step on top
of the case as it now stands, as an ordinary step recorded now by whoever applies it (its note
names when and by whom it was first recorded), one commit each, then closes the record in one
`Jenis: konflik` commit. A run killed halfway is finished by the next: a step already applied
is recognised by its note. Dropping closes the record with the reason. Closed records stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from pengaduan.app import cases, privacy
from pengaduan.app.context import Desk
from pengaduan.core import conflict, ids, timeutil
from pengaduan.core.case import Entry
from pengaduan.core.config import Staff
from pengaduan.core.workflow import Request
from pengaduan.errors import CaseNotFound, InputError, PengaduanError
from pengaduan.store import commits, killpoint, layout, yamlio


def all_conflicts(desk: Desk) -> list[conflict.Conflict]:
    """Every conflict record at HEAD, oldest first."""
    store = desk.store
    rows = [(path, blob) for path, blob in store.git.ls_tree("HEAD", layout.CONFLICTS) if layout.conflict_id_of(path)]
    by_blob = {blob: path for path, blob in rows}
    found = []
    for blob, raw in store.git.read_blobs(by_blob):
        path = by_blob[blob]
        found.append(conflict.parse(yamlio.load_text(raw, path), layout.conflict_id_of(path) or path))
    return sorted(found, key=lambda c: (c.recorded, c.id))


def find_open(desk: Desk, typed: str) -> list[conflict.Conflict]:
    """The open records one typed ID names: a case ID (or its prefix) or a conflict ID (or its prefix)."""
    wanted = ids.normalise(typed)
    if not wanted:
        raise InputError("ID kosong; lihat 'pengaduan konflik'")
    records = [c for c in all_conflicts(desk) if c.open]
    matches = [
        c for c in records if c.id.upper().startswith(wanted) or c.case_id.startswith(wanted) or c.case_id[7:].startswith(wanted)
    ]
    cases_named = sorted({c.case_id for c in matches})
    if not matches:
        raise CaseNotFound(f"tidak ada konflik terbuka untuk '{typed}'; lihat 'pengaduan konflik'")
    if len(cases_named) > 1:
        raise CaseNotFound(f"'{typed}' cocok dengan konflik beberapa kasus: {', '.join(cases_named)}; ketik lebih panjang")
    return matches


@dataclass(frozen=True)
class Applied:
    conflict_id: str
    commits: tuple[str, ...]
    closing_commit: str


def _marker(conflict_id: str, index: int) -> str:
    return f"dari konflik {conflict_id} #{index}"


def apply(desk: Desk, typed: str, actor: Staff) -> list[Applied]:
    """Re-record every parked step of the named conflict(s) on top of the case as it stands now."""
    done = []
    keys = privacy.Keys(desk)
    for record in find_open(desk, typed):
        made: list[str] = []
        for index, raw in enumerate(record.entries, 1):
            # Sealed text (case schema 2) read as this machine can: the markers, the parked step's words.
            case = privacy.open_one(desk, keys, desk.store.load_case(record.case_id), strict=False).case
            marker = _marker(record.id, index)
            if any(marker in (e.note or "") for e in case.history):
                continue  # applied by a run that was interrupted before it closed the record
            entry = privacy.open_entry(desk, keys, record.case_id, Entry.from_dict(raw))
            first = timeutil.human(entry.time.astimezone(desk.tz))
            note = " — ".join(
                p for p in (entry.note, f"{marker}: semula dicatat {first} oleh {entry.recorder}") if p
            )
            try:
                made.append(_record_again(desk, record, entry, note, actor))
            except PengaduanError as exc:
                raise InputError(
                    f"langkah ke-{index} konflik {record.id} ({entry.action}, langkah {entry.step}) tidak dapat diterapkan "
                    f"pada kasus {record.case_id} sekarang: {exc.message}. Langkah yang sudah diterapkan tetap tercatat; "
                    f"bila sisanya tidak perlu: pengaduan konflik buang {record.case_id} --alasan TEKS"
                ) from None
            killpoint.here("konflik:langkah")
        closing = _close(desk, record, conflict.APPLIED, actor, extra={"commit_terapan": made})
        done.append(Applied(record.id, tuple(made), closing))
    return done


def _record_again(desk: Desk, record: conflict.Conflict, entry: Entry, note: str, actor: Staff) -> str:
    if entry.action == "koreksi":
        changes = entry.changes or {}
        value = changes.get("baru")
        _, commit = cases.correct(desk, record.case_id, str(changes.get("kolom", "")), "" if value is None else str(value),
                                  note, actor)  # fmt: skip
        return commit
    local = record.local_case
    takes_fields = entry.action in ("verifikasi", "koordinasi_kabid")
    request = Request(
        action=entry.action,
        actor=actor,
        at=desk.recording_now(),
        note=note,
        channel=entry.channel,
        answer=entry.answer,
        performer_name=entry.performer_name,
        category=local.get("kategori") if entry.action == "verifikasi" else None,
        bidang=local.get("bidang") if takes_fields else None,
        reason=(entry.note or "bukan pengaduan") if entry.action == "bukan_pengaduan" else None,
    )
    _, commit = cases.record(desk, request, record.case_id)
    return commit


def drop(desk: Desk, typed: str, reason: str, actor: Staff) -> list[tuple[str, str]]:
    """Close the named conflict(s) without applying the steps; the reason is recorded."""
    if not reason.strip():
        raise InputError("--alasan wajib: tulis mengapa langkah-langkah ini tidak diterapkan")
    return [(r.id, _close(desk, r, conflict.DROPPED, actor, extra={"alasan": reason.strip()})) for r in find_open(desk, typed)]


def _close(desk: Desk, record: conflict.Conflict, status: str, actor: Staff, extra: dict) -> str:
    store = desk.store
    data = dict(record.raw)
    data.update({"status": status, "diselesaikan": timeutil.to_text(desk.recording_now()), "diselesaikan_oleh": actor.code})
    data.update(extra)
    message = commits.conflict_closed(record.id, status, desk.sop.number)
    with store.transaction(message, actor) as txn:
        txn.write_yaml(layout.conflict_path(record.id), data)
    assert txn.commit is not None
    return txn.commit
