"""Case actions beyond the SOP's step table, as pure functions: undo, reopen, pause, resume, refer.

Each is a new history entry (the record is never rewritten) whose step and status are the
state the case is in afterwards. `next_state` is the one rule for what that state is: the
workflow records by it and the audit judges recorded entries by it.

`effective` is the history as it counts: an undone entry and the undo entry itself are left
out, so the SOP clock and the reports measure the case as if the mistaken step never happened,
while the case file keeps both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pengaduan.core import timeutil
from pengaduan.core.case import Case, Entry
from pengaduan.core.config import Config, Staff
from pengaduan.core.safetext import check_text_field
from pengaduan.core.sop import PAUSE, REFER, REOPEN, RESUME, START, UNDO, CaseAction, Sop
from pengaduan.errors import InputError, PermissionDenied, TransitionError
from pengaduan.i18n import action_label, status_label

CORRECTION = "koreksi"
# Keys of an entry's `perubahan` the actions write.
UNDONE = "dibatalkan"  # undo: the number (1-based) of the history entry it undoes
UNDONE_ACTION = "aksi_dibatalkan"  # undo: that entry's action, for people reading the file
REFERRED_TO = "dirujuk_ke"  # refer: the body the case went to


@dataclass(frozen=True)
class Outcome:
    """What a case action leaves: the step and status after it, and what its entry records."""

    step: int
    status: str
    changes: dict[str, Any] | None = None


def undone_index(entry: Entry) -> int | None:
    """The (0-based) index of the entry an undo entry undoes; None when it names none."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    number = changes.get(UNDONE)
    if isinstance(number, int) and not isinstance(number, bool) and number >= 1:
        return number - 1
    return None


def effective(history: Sequence[Entry]) -> list[tuple[int, Entry]]:
    """(index, entry) of the entries that still count: without undo entries and what they undid."""
    out: list[tuple[int, Entry]] = []
    for index, entry in enumerate(history):
        if entry.action == UNDO:
            target = undone_index(entry)
            for position in range(len(out) - 1, -1, -1):
                if out[position][0] == target:
                    del out[position]
                    break
            continue
        out.append((index, entry))
    return out


def undone_indexes(history: Sequence[Entry]) -> set[int]:
    """Indexes of the entries that were undone (shown as such; counted nowhere)."""
    kept = {index for index, _ in effective(history)}
    return {i for i, e in enumerate(history) if e.action != UNDO and i not in kept}


def _steps_only(entries: Sequence[tuple[int, Entry]]) -> list[tuple[int, Entry]]:
    return [(i, e) for i, e in entries if e.action != CORRECTION]


def paused_since(case: Case, sop: Sop) -> datetime | None:
    """When the running pause began (None when the case is not paused)."""
    if sop.hold_status is None or case.status != sop.hold_status:
        return None
    pauses = [e for _, e in effective(case.history) if e.action == PAUSE]
    return pauses[-1].time if pauses else None


def undo_target(sop: Sop, case: Case) -> tuple[int, Entry, Entry]:
    """(index, entry) of the step an undo would undo, and the entry whose state the case returns to."""
    counted = _steps_only(effective(case.history))
    if not counted:
        raise TransitionError(f"kasus {case.id} belum punya langkah yang dapat dibatalkan")
    index, entry = counted[-1]
    if len(counted) == 1 or START in _sources(sop, entry.action):
        raise TransitionError(
            f"langkah 1 kasus {case.id} (diterima) tidak dapat dibatalkan; bila pesan ini bukan pengaduan, "
            f"tutup dengan 'pengaduan verifikasi {case.id} --bukan-pengaduan --alasan TEKS'"
        )
    return index, entry, counted[-2][1]


def _sources(sop: Sop, action: str) -> tuple[int, ...]:
    found = next((t for t in sop.transitions if t.action == action), None)
    return found.sources if found is not None else ()


def _open_check(sop: Sop, case: Case, item: CaseAction) -> None:
    """Pause and refer: only an open, running case at one of the action's steps."""
    command = item.name
    if case.status in sop.final_statuses:
        raise TransitionError(
            f"kasus {case.id} sudah berstatus {status_label(case.status)}; '{command}' hanya untuk kasus terbuka"
            + (f" (buka lagi dengan 'pengaduan buka-kembali {case.id} --alasan TEKS')" if REOPEN in sop.case_actions else "")
        )
    if case.status == sop.hold_status:
        raise TransitionError(
            f"kasus {case.id} sedang ditunda; lanjutkan dulu dengan 'pengaduan lanjutkan {case.id}'"
        )
    if item.sources is not None and case.step not in item.sources:
        steps = ", ".join(map(str, item.sources))
        raise TransitionError(
            f"kasus {case.id} ada di langkah {case.step} ({status_label(case.status)}); '{command}' menurut SOP "
            f"{sop.number} hanya dari langkah {steps}"
        )


def next_state(sop: Sop, case: Case, item: CaseAction, referral: str | None = None) -> Outcome:
    """The state a case action leaves `case` in, or TransitionError saying why it may not be taken now."""
    action = item.action
    if action == UNDO:
        index, undone, back = undo_target(sop, case)
        return Outcome(back.step, back.status, {UNDONE: index + 1, UNDONE_ACTION: undone.action})
    if action == REOPEN:
        closed = item.source_statuses if item.source_statuses is not None else sop.final_statuses
        if case.status not in closed:
            raise TransitionError(
                f"kasus {case.id} berstatus {status_label(case.status)}, belum ditutup; 'buka-kembali' hanya untuk "
                f"kasus berstatus {', '.join(closed)}"
            )
        assert item.target is not None and item.status is not None  # load_sop requires both
        return Outcome(item.target, item.status)
    if action == PAUSE:
        _open_check(sop, case, item)
        assert item.status is not None
        return Outcome(case.step, item.status)
    if action == RESUME:
        if sop.hold_status is None or case.status != sop.hold_status:
            raise TransitionError(f"kasus {case.id} tidak sedang ditunda (status {status_label(case.status)})")
        counted = _steps_only(effective(case.history))
        pause = max(position for position, (_, e) in enumerate(counted) if e.action == PAUSE)
        back = counted[pause - 1][1]
        return Outcome(back.step, back.status)
    if action == REFER:
        _open_check(sop, case, item)
        assert item.status is not None
        return Outcome(case.step, item.status, {REFERRED_TO: referral})
    raise TransitionError(f"aksi '{action}' tidak dikenal")


def acting_role(actor: Staff, item: CaseAction, sop: Sop) -> str:
    """The actor's first role that may take the action, or PermissionDenied naming who may."""
    for role in actor.roles:
        if role in item.roles:
            return role
    raise PermissionDenied(
        f"petugas '{actor.code}' ({', '.join(actor.roles) or 'tanpa peran'}) tidak boleh mencatat "
        f"'{item.name}'; yang boleh: {', '.join(item.roles)}"
    )


def apply_action(
    sop: Sop,
    config: Config,
    case: Case,
    action: str,
    actor: Staff,
    at: datetime,
    now: datetime,
    reason: str | None = None,
    referral: str | None = None,
) -> Case:
    """The case after a case action by `actor` at `at`, or the reason the SOP refuses it."""
    item = sop.case_action(action)
    reason = (check_text_field("reason", reason) or "").strip() or None
    referral = (check_text_field("referral", referral) or "").strip() or None
    role = acting_role(actor, item, sop)
    if "alasan" in item.needs and not reason:
        raise InputError(f"--alasan wajib untuk '{item.name}'; tulis alasannya, contoh: --alasan 'menunggu alamat pelapor'")
    if "ke" in item.needs and not referral:
        raise InputError("--ke wajib: instansi tujuan rujukan, contoh: --ke 'UPTD PPA Kota Semarang'")
    timeutil.refuse_future(at, now)
    tz = timeutil.zone(config.timezone)
    if case.last is not None and at < case.last.time.astimezone(tz):
        raise InputError(
            f"--waktu {timeutil.to_text(at)} lebih awal dari entri terakhir ({timeutil.to_text(case.last.time.astimezone(tz))}); "
            "isi waktu yang sama atau sesudahnya"
        )
    outcome = next_state(sop, case, item, referral)
    entry = Entry(
        step=outcome.step,
        action=item.action,
        status=outcome.status,
        performer_role=role,
        performer_name=actor.name,
        recorder=actor.code,
        time=at.replace(microsecond=0),
        note=reason,
        changes=outcome.changes,
    )
    return case.with_entry(entry)


def describe(entry: Entry) -> str:
    """One line on what a case action's entry did (for `lihat` and `riwayat`)."""
    label = action_label(entry.action)
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    if entry.action == UNDO and changes.get(UNDONE):
        return f"{label}: entri ke-{changes[UNDONE]} ({action_label(str(changes.get(UNDONE_ACTION, '?')))})"
    if entry.action == REFER and changes.get(REFERRED_TO):
        return f"{label}: {changes[REFERRED_TO]}"
    return label


CASE_ACTIONS = (UNDO, REOPEN, PAUSE, RESUME, REFER)
