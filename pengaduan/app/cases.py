"""Use cases on one complaint: record an SOP step, take a case action (undo, reopen, pause,
resume, refer), correct a field. Each is one commit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from pengaduan.app import privacy
from pengaduan.app.context import Desk
from pengaduan.core import actions, ids, intake, sealed, timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import Staff
from pengaduan.core.safetext import check_text_field
from pengaduan.core.sop import UNDO
from pengaduan.core.workflow import Request, apply
from pengaduan.core.workflow import correct as correct_case
from pengaduan.errors import InputError, PermissionDenied, TransitionError
from pengaduan.store import commits, layout
from pengaduan.store.index import Filter, Index

# `--status terbuka`: every case not in one of the SOP's final statuses.
OPEN = "terbuka"


def make(desk: Desk, request: Request, before: Case | None, new_id: str | None = None) -> Case:
    """The case after one request: the one place `terima`, the steps and `impor` build a case
    from what the desk typed or imported (the intake, the reporter's personal data). Not yet
    sealed: `privacy.prepare` seals what the step adds before anything is written."""
    return apply(desk.sop, desk.config, before, request, desk.recording_now(), new_id, desk.calendar)


def new_case_id(desk: Desk, request: Request, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A fresh ID for a case received at the request's moment (none in the store or in `taken`)."""
    day = request.at.astimezone(desk.tz).date()
    new_id = ids.new_id(day)
    while new_id in taken or desk.store.has_case(new_id):
        new_id = ids.new_id(day)
    return new_id


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
            new_id = new_case_id(desk, request) if before is None else None
            after = make(desk, request, before, new_id)
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


def act(
    desk: Desk,
    case_id: str,
    action: str,
    actor: Staff,
    at: datetime,
    reason: str | None = None,
    referral: str | None = None,
) -> tuple[Case, str]:
    """A case action (sop.yaml `aksi_kasus`) on one case as exactly one commit."""
    store = desk.store
    desk.sop.case_action(action)  # an SOP written before the action: say how to add it, before the lock
    with store.transaction("", actor) as txn:
        before = store.load_case(case_id)
        after = actions.apply_action(
            desk.sop, desk.config, before, action, actor, at, desk.recording_now(), reason, referral
        )
        if action == UNDO:
            _refuse_across_final_report(desk, before)
        after = privacy.prepare(desk, privacy.Keys(desk), before, after).case  # the reason is sealed (schema 2)
        txn.message = commits.case_step(after, desk.sop.number)
        txn.write_yaml(layout.case_path(after.id), after.to_dict())
    assert txn.commit is not None
    return after, txn.commit


def _refuse_across_final_report(desk: Desk, case: Case) -> None:
    """An undo may not change a month whose report is already final: the step stays counted there."""
    from pengaduan.app.reports import load_record
    from pengaduan.core.monthly_report import FINAL

    _, entry, _ = actions.undo_target(desk.sop, case)
    moment = entry.time.astimezone(desk.tz)
    record = load_record(desk, moment.year, moment.month)
    if record is not None and record.status == FINAL:
        raise TransitionError(
            f"langkah {entry.step} kasus {case.id} ({timeutil.to_text(moment)}) sudah masuk laporan bulanan "
            f"{record.month} yang final; tidak dapat dibatalkan. Catat langkah yang benar sesudahnya, atau susun "
            f"revisi laporan ('pengaduan laporan bulanan susun --bulan {record.month} --revisi') bila perlu"
        )


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
        base = before
        if field_name.startswith(intake.REPORTER_PREFIX):
            if before.anonymous:
                raise InputError(f"kasus {case_id} anonim: nama dan kontak pelapor tidak disimpan, jadi tidak dikoreksi")
            if not opened.readable:
                raise InputError("data pelapor terenkripsi dan kuncinya tidak ada di mesin ini; koreksi di mesin berwenang")
            base = replace(before, reporter=opened.case.reporter)  # the block is sealed again as a whole
            comparable = True
        else:
            # Without the case's key here a sealed old value cannot be compared: the correction is kept.
            comparable = opened.readable or not sealed.is_sealed(getattr(before, field_name))
        if comparable and new_value == current_value(opened.case, field_name):
            raise InputError(f"nilai '{value}' sama dengan yang tercatat di kolom {field_key}; tidak ada yang dikoreksi")
        # The old value goes into the history as stored (sealed text stays sealed); the new one is sealed.
        after = correct_case(base, field_name, new_value, reason.strip(), actor, desk.recording_now())
        after = privacy.prepare(desk, keys, before, after).case
        txn.message = commits.correction(after, field_key.strip(), desk.sop.number)
        txn.write_yaml(layout.case_path(after.id), after.to_dict())
    assert txn.commit is not None
    return after, txn.commit


def current_value(case: Case, field_name: str) -> object:
    """A correctable field's value as recorded ('reporter.name': the reporter's, as this tool reads it).

    The reporter's data is read in this one place, so keeping it encrypted changes only here."""
    if field_name.startswith(intake.REPORTER_PREFIX):
        return getattr(case.reporter, field_name[len(intake.REPORTER_PREFIX) :])
    return getattr(case, field_name)


def resolve(desk: Desk, typed: str) -> str:
    """The full ID of a case from what was typed (a prefix of the ID or of its random part)."""
    return desk.store.resolve_id(typed)


def find(desk: Desk, typed: str) -> Case:
    """The case a typed ID names, as recorded."""
    return desk.store.load_case(desk.store.resolve_id(typed))


def all_cases(desk: Desk) -> list[Case]:
    """Every case as committed at HEAD (whole Case objects: prefer `rows` for lists)."""
    return desk.store.load_all()


# -- lists through the derived index -------------------------------------------------------------
class Row(NamedTuple):
    """One case as lists show it (daftar, cari, antrean): read from the index, no case file parsed."""

    id: str
    received: float  # epoch seconds (`moment(row, tz)` gives the datetime)
    received_text: str  # ISO 8601 in the store's time zone, as case files write moments
    platform: str
    kind: str
    status: str
    step: int
    bidang: str | None
    category: str | None
    text: str  # as committed (a sealed value stays sealed); shareable() gives what may be shown
    account: str  # likewise; shareable() opens it ("" for a confidential case); lists mask it

    def moment(self, tz: tzinfo) -> datetime:
        return datetime.fromtimestamp(self.received, tz)


def list_filter(
    desk: Desk,
    status: str | None = None,
    platform: str | None = None,
    bidang: str | None = None,
    category: str | None = None,
    since: date | None = None,
    until: date | None = None,
    ids_: list[str] | None = None,
) -> Filter:
    """A checked filter for `rows` and `app.search.search`: an unknown status, platform, bidang or
    category is refused with the values allowed; `status` OPEN means every case not yet closed."""
    sop = desk.sop
    known = sorted({t.status for t in sop.transitions} | {a.status for a in sop.case_actions.values() if a.status}) + [OPEN]
    if status and status not in known:
        raise InputError(f"status '{status}' tidak dikenal; pilih salah satu: {', '.join(known)}")
    if platform:
        desk.config.check_choice(platform, "platform")
    if bidang:
        desk.config.check_choice(bidang, "bidang")
    if category:
        desk.config.check_choice(category, "kategori")
    tz = desk.tz
    start = datetime.combine(since, time(0), tz).timestamp() if since else None
    end = datetime.combine(until + timedelta(days=1), time(0), tz).timestamp() if until else None
    return Filter(
        status=status if status and status != OPEN else None,
        open_only=status == OPEN,
        platform=platform or None,
        bidang=bidang or None,
        category=category or None,
        received_from=start,
        received_before=end,
        ids=ids_,
    )


def rows(desk: Desk, where: Filter | None = None) -> Iterator[Row]:
    """The matching cases in the order received (then ID), streamed from the index: a list of
    100,000 cases never holds them all in memory. Each row's text is what may leave this machine
    (`shareable`). Files that are not valid cases are left out and named in `desk.store.skipped`."""
    index = desk.store.index()
    try:
        yield from shareable(desk, index, map(Row._make, index.rows(where or Filter())))
    finally:
        index.close()


SHARE_CHUNK = 500


def shareable(desk: Desk, index: Index, found: Iterable[Row]) -> Iterator[Row]:
    """Rows with the text anything leaving this machine may show (privacy.for_sharing, then
    redacted): opened with this machine's keys where it holds them, `[rahasia]` for a confidential
    case, `[terenkripsi]` without the key. The index keeps only what the case file holds (sealed
    text stays sealed there); opening is done here, a chunk of rows at a time."""
    keys = privacy.Keys(desk)
    chunk: list[Row] = []

    def flush() -> Iterator[Row]:
        by_id = {c.id: c for c in index.cases("id IN (SELECT value FROM json_each(?))", (json.dumps([r.id for r in chunk]),))}
        opened = {c.id: c for c in privacy.for_sharing(desk, [by_id[r.id] for r in chunk if r.id in by_id], keys)}
        for row in chunk:
            case = opened.get(row.id)
            if case is None:
                yield row._replace(text="", account="")
                continue
            account = "" if case.confidential else case.account  # lists show it masked (mask_handle)
            yield row._replace(text=privacy.redacted_text(case), account=account)
        chunk.clear()

    for row in found:
        chunk.append(row)
        if len(chunk) >= SHARE_CHUNK:
            yield from flush()
    if chunk:
        yield from flush()


def row_of(desk: Desk, values: tuple) -> Row:
    """A Row from the index's LIST_COLUMNS."""
    return Row._make(values)


def complete_ids(desk: Desk, typed: str, limit: int = 50) -> list[str]:
    """IDs that start with what was typed, or whose random part does (shell completion)."""
    wanted = ids.normalise(typed)
    with desk.store.index() as index:
        return index.ids_starting(wanted, limit)


def file_of(case_id: str) -> str:
    """The case file's path inside the store."""
    return layout.case_path(case_id)
