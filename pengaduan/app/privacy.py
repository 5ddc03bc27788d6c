"""Privacy use cases: sealing what a change adds, reading cases with this machine's keys, what
may be shared (reports, lists, exports), erasure and retention.

A case's data key is made when the case is received. This machine keeps it when it is one of
the authorised machines (pengaduan.yaml `mesin`), or when the store has no authorised machine
yet (one machine, before `kunci init`); it wraps the key to every authorised machine either
way, for the next `sinkron` to put on the shared key ref (app/keys.py). A machine that is not
authorised forgets the key as soon as the case is committed: it can record steps (sealing new
text to the case's public key) but never read them back.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from pengaduan.app.context import Desk
from pengaduan.core import sealed, secrecy, timeutil
from pengaduan.core.case import ERASURE, Case, Entry, Reporter
from pengaduan.core.config import Staff
from pengaduan.errors import InputError, PermissionDenied, TransitionError
from pengaduan.store import commits, layout
from pengaduan.store.keys import KeyStore


class Keys:
    """This machine's key store as one command uses it (opened once, on first use)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    @cached_property
    def store(self) -> KeyStore:
        return KeyStore(self.desk.store.private_dir())

    def identity(self) -> tuple[str, bytes, bytes] | None:
        return self.store.identity()

    def authorised(self) -> bool:
        """True when this machine may keep the cases' keys."""
        machines = self.desk.config.machines
        if not machines:
            return True  # no authorised machines named yet: the only machine keeps them
        me = self.identity()
        if me is None:
            return False
        entry = self.desk.config.machine(me[0])
        return entry is not None and base64.b64decode(entry.public_key) == me[2]

    def wraps(self, case_id: str, key: bytes) -> list[tuple[str, str, bytes]]:
        """The case's key wrapped to every authorised machine (for the key ref)."""
        return [
            (case_id, m.name, sealed.wrap(key, case_id, m.name, base64.b64decode(m.public_key)))
            for m in self.desk.config.machines
        ]

    def key_for(self, case: Case) -> bytes | None:
        if case.schema < 2:
            return None
        key = self.store.get(case.id)
        if key is not None and case.erasure is not None:
            # Erased in the history, key still here (a crash between the commit and the key's
            # destruction, or a machine that had not synced): destroy it now.
            self.store.destroy([case.id], timeutil.to_text(case.erasure.time))
            return None
        return key


# -- writing -----------------------------------------------------------------------------------
@dataclass
class Prepared:
    case: Case
    new_key: tuple[str, bytes] | None = None  # (case id, key) made for a new case


def prepare(desk: Desk, keys: Keys, before: Case | None, after: Case) -> Prepared:
    """`after` as it will be written: schema 2 for a new case, with everything new sealed."""
    made = None
    key: bytes | None
    if before is None:
        key = sealed.new_key()
        after = replace(after, schema=2, public_key=sealed.case_public_key(key))
        made = (after.id, key)
    elif after.schema < 2:
        return Prepared(after)
    else:
        key = keys.key_for(before)
    if after.erasure is not None and made is None:
        seal = None  # the key is gone: nothing new is kept
    else:
        seal = secrecy.Sealer(after.id, key, after.public_key)
    return Prepared(secrecy.seal_new(before, after, seal), made)


def keep_new_key(keys: Keys, prepared: Prepared) -> None:
    """Before the commit: keep the new case's key (authorised machine) and its wraps for the key ref."""
    if prepared.new_key is None:
        return
    case_id, key = prepared.new_key
    if keys.authorised():
        keys.store.put(case_id, key)
    keys.store.add_pending(keys.wraps(case_id, key))


def drop_new_key(keys: Keys, prepared: Prepared) -> None:
    """The commit failed: the key of a case that does not exist goes too."""
    if prepared.new_key is not None:
        keys.store.discard(prepared.new_key[0])


# -- reading -----------------------------------------------------------------------------------
def open_one(desk: Desk, keys: Keys, case: Case, strict: bool = True) -> secrecy.Opened:
    """One case as this machine can read it (`lihat`); a tampered value raises with `strict`."""
    opened = secrecy.open_case(case, keys.key_for(case), desk.tz, strict=strict)
    if case.anonymous:
        opened.case = replace(opened.case, account=_masked(opened.case.account))
    return opened


def open_entry(desk: Desk, keys: Keys, case_id: str, entry: Entry) -> Entry:
    """A history entry's sealed text opened with the case's key when this machine holds it.

    Without the key, a sealed answer stays as it is (it opens wherever the case's key does) and a
    sealed note is left out: nothing readable can be written beside it."""
    key = keys.store.get(case_id)
    answer, note = entry.answer, entry.note
    if key is not None and answer is not None and sealed.is_sealed(answer):
        answer = sealed.open_sealed(key, case_id, secrecy.entry_field("answer"), answer)
    if note is not None and sealed.is_sealed(note):
        note = sealed.open_sealed(key, case_id, secrecy.entry_field("note"), note) if key is not None else None
    changes = entry.changes
    if isinstance(changes, dict) and sealed.is_sealed(changes.get("baru")):
        if key is None:
            raise InputError(f"koreksi kasus {case_id} yang diparkir terenkripsi; terapkan di mesin berwenang")
        column = str(changes.get("kolom"))
        changes = {**changes, **{s: sealed.open_sealed(key, case_id, column, changes[s])
                                 for s in ("lama", "baru") if sealed.is_sealed(changes.get(s))}}  # fmt: skip
    return replace(entry, answer=answer, note=note, changes=changes)


def _masked(account: str) -> str:
    from pengaduan.reports.privacy import mask_handle

    return mask_handle(account)


def for_sharing(desk: Desk, cases: Iterable[Case], keys: Keys | None = None) -> list[Case]:
    """Cases as anything that leaves this machine may show them: opened where the key is here,
    `rahasia` ones without any text or handle, never a reporter block (reports scrub the rest)."""
    keys = keys or Keys(desk)
    held = keys.store.load_all()
    out = []
    for case in cases:
        key = held.get(case.id) if case.schema >= 2 and case.erasure is None else None
        if case.confidential:
            # Only ID, category, steps and times: not even the handle, however it is masked.
            history = tuple(e if e.action == ERASURE else replace(e, answer=None, note=None, changes=None) for e in case.history)
            text = secrecy.CONFIDENTIAL
            opened = replace(case, account=text, text=text, link=None, reporter=Reporter(), history=history)
        else:
            opened = secrecy.open_case(case, key, desk.tz, entries=False).case
            if case.anonymous:
                opened = replace(opened, account=_masked(opened.account), reporter=Reporter())
        out.append(opened)
    return out


def redacted_text(case: Case) -> str:
    """The complaint text with phone numbers, NIK, e-mails, handles, URLs and the case's own
    personal strings replaced (the case as `for_sharing` gives it)."""
    from pengaduan.reports.privacy import scrub

    return scrub(case.text, case)


def reveal_reporter_strings(case: Case) -> list[str]:
    """The case's own personal strings (name, its parts, contact, handle) for redaction."""
    out = [s for s in (case.reporter.name, case.reporter.contact, case.account) if s]
    return out


# -- erasure -----------------------------------------------------------------------------------
def erasers(desk: Desk) -> tuple[str, ...]:
    return desk.sop.erasers


def erase(
    desk: Desk, case_id: str, reason: str, basis: str | None, actor: Staff, keys: Keys | None = None
) -> tuple[Case, str]:
    """Erase a case's personal data: one commit recording the event, then its key destroyed here
    (other authorised machines destroy theirs at their next `sinkron`)."""
    keys = keys or Keys(desk)
    allowed = erasers(desk)
    roles = [r for r in actor.roles if r in allowed]
    if not roles:
        raise PermissionDenied(
            f"petugas '{actor.code}' ({', '.join(actor.roles)}) tidak boleh menghapus data pribadi; "
            f"yang boleh: {', '.join(allowed)}"
        )
    if not reason.strip():
        raise InputError("--alasan wajib: tulis dasar permintaan penghapusan, contoh: --alasan 'permintaan pelapor'")
    store = desk.store
    with store.transaction("", actor) as txn:
        before = store.load_case(case_id)
        if before.schema < 2:
            raise TransitionError(
                f"kasus {case_id} masih schema 1 (teks polos di riwayat); jalankan 'pengaduan migrasi' dulu, "
                "lalu hapus datanya"
            )
        if before.erasure is not None:
            raise TransitionError(
                f"data pribadi kasus {case_id} sudah dihapus pada {secrecy.long_date(before.erasure.time, desk.tz)}"
            )
        known = secrecy.open_case(before, keys.store.get(case_id), desk.tz).case
        from pengaduan.reports.privacy import scrub

        # The reason is readable for good: no personal data of the case (or any phone, NIK...) in it.
        note = scrub(reason.strip(), known)
        entry = Entry(
            step=before.step,
            action=ERASURE,
            status=before.status,
            performer_role=roles[0],
            performer_name=actor.name,
            recorder=actor.code,
            time=desk.recording_now().replace(microsecond=0),
            note=note,
            changes={"dasar": scrub(basis.strip(), known)} if basis and basis.strip() else None,
        )
        after = before.with_entry(entry)
        txn.message = commits.erasure(after, desk.sop.number)
        txn.write_yaml(layout.case_path(after.id), after.to_dict())
    assert txn.commit is not None
    keys.store.destroy([case_id], timeutil.to_text(entry.time))
    forget_derived(desk, [case_id])
    return after, txn.commit


def forget_derived(desk: Desk, case_ids: list[str]) -> None:
    """Drop what derived data under .git/pengaduan/ holds of these cases (the read cache's rows).

    The cache keeps files as committed (sealed text only), but a case read before the migration
    left plain schema-1 rows there."""
    from pengaduan.store.cache import BlobCache

    cache = BlobCache(desk.store.private_dir() / "cache.sqlite")
    try:
        cache.forget_cases(case_ids)
    finally:
        cache.close()


# -- retention ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Expired:
    case_id: str
    closed_at: datetime


def months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    import calendar

    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expired(desk: Desk, cases: list[Case] | None = None) -> list[Expired]:
    """Closed cases whose personal data the retention period says must go, oldest first."""
    months = desk.config.retention_months
    if months is None:
        raise InputError("retensi_bulan di pengaduan.yaml kosong; isi jumlah bulan, contoh: retensi_bulan: 24")
    cutoff = months_before(desk.now(), months)
    finals = desk.sop.final_statuses
    out = []
    for case in cases if cases is not None else desk.store.load_all():
        if case.schema < 2 or case.erasure is not None or case.status not in finals:
            continue
        closed = next((e for e in case.history if e.status in finals and e.action != ERASURE), None)
        if closed is None:
            continue
        moment = closed.time.astimezone(desk.tz)
        if moment < cutoff:
            out.append(Expired(case.id, moment))
    return sorted(out, key=lambda e: (e.closed_at, e.case_id))


def retention_reason(desk: Desk) -> str:
    return f"retensi: ditutup lebih dari {desk.config.retention_months} bulan (retensi_bulan di pengaduan.yaml)"


def unmigrated(cases: list[Case]) -> int:
    return sum(1 for c in cases if c.schema < 2)


def erased_ids(cases: list[Case]) -> set[str]:
    return {c.id for c in cases if c.erasure is not None}


def is_erasure(entry: Entry) -> bool:
    return entry.action == ERASURE
