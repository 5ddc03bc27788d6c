"""Use cases on one complaint: record an SOP step, correct an intake field. Each is one commit."""

from __future__ import annotations

from pengaduan.app import privacy
from pengaduan.app.context import Desk
from pengaduan.core import ids, intake, sealed
from pengaduan.core.case import Case
from pengaduan.core.config import Staff
from pengaduan.core.workflow import Request, apply, check_text_field
from pengaduan.core.workflow import correct as correct_case
from pengaduan.errors import InputError, PermissionDenied, TransitionError
from pengaduan.store import commits, layout


def record(
    desk: Desk, request: Request, case_id: str | None = None, keys: privacy.Keys | None = None
) -> tuple[Case, str]:
    """Apply one SOP action to a case (or receive a new one) as exactly one commit.

    What the step adds in personal data is sealed before it is written (case schema 2); a new
    case's data key is kept (and wrapped for the other authorised machines) before the commit.
    """
    store = desk.store
    keys = keys or privacy.Keys(desk)
    prepared: privacy.Prepared | None = None
    try:
        with store.transaction("", request.actor) as txn:
            before = store.load_case(case_id) if case_id else None
            new_id = None
            if before is None:
                day = request.at.astimezone(desk.tz).date()
                new_id = ids.new_id(day)
                while store.has_case(new_id):
                    new_id = ids.new_id(day)
            after = apply(desk.sop, desk.config, before, request, desk.recording_now(), new_id, desk.calendar)
            prepared = privacy.prepare(desk, keys, before, after)
            privacy.keep_new_key(keys, prepared)
            after = prepared.case
            txn.message = commits.case_step(after, desk.sop.number)
            txn.write_yaml(layout.case_path(after.id), after.to_dict())
    except BaseException:
        if prepared is not None:
            privacy.drop_new_key(keys, prepared)
        raise
    assert txn.commit is not None
    return after, txn.commit


def correct(desk: Desk, case_id: str, field_key: str, value: str, reason: str, actor: Staff) -> tuple[Case, str]:
    """Correct one intake field (by its YAML key) as one commit; the history keeps old and new value."""
    store = desk.store
    field_name = intake.correctable_field(field_key)
    check_text_field("reason", reason)
    if not reason.strip():
        raise InputError("--alasan wajib: tulis mengapa kolom ini dikoreksi, contoh: --alasan 'salah ketik akun'")
    if not desk.sop.corrects(actor.roles):
        raise PermissionDenied(
            f"petugas '{actor.code}' ({', '.join(actor.roles)}) tidak boleh mencatat koreksi; "
            f"yang boleh: {', '.join(desk.sop.correctors)}"
        )
    keys = privacy.Keys(desk)
    with store.transaction("", actor) as txn:
        before = store.load_case(case_id)
        if before.erasure is not None:
            raise TransitionError(f"data pribadi kasus {case_id} sudah dihapus; tidak ada yang dapat dikoreksi")
        opened = privacy.open_one(desk, keys, before, strict=True)
        new_value = intake.corrected_value(
            opened.case, field_name, field_key, value, desk.config, desk.tz, desk.recording_now()
        )
        # Without the case's key here a sealed old value cannot be compared: the correction is kept.
        comparable = opened.readable or not sealed.is_sealed(getattr(before, field_name))
        if comparable and new_value == getattr(opened.case, field_name):
            raise InputError(f"nilai '{value}' sama dengan yang tercatat di kolom {field_key}; tidak ada yang dikoreksi")
        # The old value goes into the history as stored (sealed text stays sealed); the new one is sealed.
        after = correct_case(before, field_name, new_value, reason.strip(), actor, desk.recording_now())
        after = privacy.prepare(desk, keys, before, after).case
        txn.message = commits.correction(after, field_key.strip(), desk.sop.number)
        txn.write_yaml(layout.case_path(after.id), after.to_dict())
    assert txn.commit is not None
    return after, txn.commit


def resolve(desk: Desk, typed: str) -> str:
    """The full ID of a case from what was typed (a prefix of the ID or of its random part)."""
    return desk.store.resolve_id(typed)


def find(desk: Desk, typed: str) -> Case:
    """The case a typed ID names, as recorded."""
    return desk.store.load_case(desk.store.resolve_id(typed))


def all_cases(desk: Desk) -> list[Case]:
    """Every case as committed at HEAD."""
    return desk.store.load_all()


def file_of(case_id: str) -> str:
    """The case file's path inside the store."""
    return layout.case_path(case_id)
