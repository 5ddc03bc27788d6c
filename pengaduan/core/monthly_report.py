"""The monthly report's own life: draf (step 13) -> diparaf (step 14) -> final (steps 14-15).

A record file (laporan/bulanan/YYYY-MM.yaml) holds the status, the revision and every event
(who, role, when). The transitions here are pure: they check the order and the role and return
the new record, or raise the reason in one Indonesian line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Any

from pengaduan.core import timeutil
from pengaduan.core.config import Staff
from pengaduan.core.sop import Sop
from pengaduan.errors import PermissionDenied, StoreError, TransitionError
from pengaduan.i18n import MONTHLY_EVENT_KEYS, MONTHLY_RECORD_KEYS, MONTHLY_STATUS_LABELS, MONTHLY_VERBS

SCHEMA = 1
DRAFT, INITIALLED, FINAL = "draf", "diparaf", "final"
STATUS_LABELS = MONTHLY_STATUS_LABELS
# The report actions; the step each records and who may do it are sop.yaml's `aksi_laporan`.
DAILY = "laporan_harian"
VERBS = MONTHLY_VERBS

# YAML keys (code name -> Indonesian key), in the order they are written.
RECORD_KEYS = MONTHLY_RECORD_KEYS
EVENT_KEYS = MONTHLY_EVENT_KEYS


@dataclass(frozen=True)
class Event:
    action: str
    step: int
    revision: int
    role: str
    code: str
    name: str
    time: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {key: getattr(self, name) for name, key in EVENT_KEYS.items() if getattr(self, name) is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        kwargs: dict[str, Any] = {name: data.get(key) for name, key in EVENT_KEYS.items()}  # YAML values, checked by use
        return cls(**kwargs)


@dataclass(frozen=True)
class MonthlyRecord:
    month: str
    status: str
    revision: int
    cutoff: str
    basis: str
    fingerprint: str
    conclusion: str = ""
    recommendation: str = ""
    files: dict[str, str] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    schema: int = SCHEMA
    number: str = ""  # the letter number (nomor surat) the desk gave the report, if any
    # The final PDF's electronic signature (PAdES): signer, certificate, the unsigned PDF's digest.
    signature: dict[str, str] = field(default_factory=dict)

    # Written only when set: records made before these existed read back the same.
    OPTIONAL = ("number", "signature")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key in RECORD_KEYS.items():
            value = getattr(self, name)
            if name in self.OPTIONAL and not value:
                continue
            if name == "signature":
                value = dict(sorted(value.items()))
            if name == "events":
                value = [e.to_dict() for e in value]
            elif name == "files":
                value = dict(sorted(value.items()))
            out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: Any, source: str) -> MonthlyRecord:
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise StoreError(f"berkas {source} tidak sah (bukan catatan laporan bulanan schema {SCHEMA}); pulihkan dengan git")
        try:
            kwargs = {name: data[key] for name, key in RECORD_KEYS.items() if key in data}
            kwargs["events"] = tuple(Event.from_dict(e) for e in data.get("peristiwa") or [])
            kwargs["files"] = dict(data.get("berkas") or {})
            kwargs["conclusion"] = kwargs.get("conclusion") or ""
            kwargs["recommendation"] = kwargs.get("recommendation") or ""
            kwargs["number"] = str(kwargs.get("number") or "")
            kwargs["signature"] = {str(k): str(v) for k, v in (data.get(RECORD_KEYS["signature"]) or {}).items()}
            return cls(**kwargs)
        except (TypeError, AttributeError):
            raise StoreError(f"berkas {source} tidak sah: kunci wajib hilang; pulihkan dengan git") from None

    def current(self, action: str) -> Event | None:
        """The latest event of this action in the current revision."""
        found = [e for e in self.events if e.action == action and e.revision == self.revision]
        return found[-1] if found else None


def acting_role(actor: Staff, allowed: tuple[str, ...], sop: Sop, what: str) -> str:
    """The first allowed role the actor holds, or PermissionDenied saying who may do `what`."""
    for role in allowed:
        if role in actor.roles:
            return role
    names = ", ".join(f"{r} ({sop.roles.get(r, r)})" for r in allowed)
    raise PermissionDenied(
        f"petugas '{actor.code}' ({', '.join(actor.roles) or 'tanpa peran'}) tidak boleh {what}; yang boleh: {names}"
    )


def check_role(action: str, actor: Staff, sop: Sop, month: str) -> str:
    """The role under which the actor acts, or PermissionDenied."""
    declared = sop.report_action(action)
    what = f"{VERBS[action]} laporan bulanan {month} (langkah {declared.step})"
    return acting_role(actor, declared.roles, sop, what)


def _who(event: Event | None) -> str:
    if event is None:
        return ""
    return f" oleh {event.name} pada {event.time[:16].replace('T', ' ')}"


def _check_time(record: MonthlyRecord, at: datetime, tz: tzinfo) -> None:
    if record.events:
        last = timeutil.from_text(record.events[-1].time, tz)
        if at < last:
            raise TransitionError(
                f"--waktu {timeutil.to_text(at)} lebih awal dari peristiwa terakhir laporan ini ({timeutil.to_text(last)}); "
                "isi waktu yang sama atau sesudahnya"
            )


def _event(sop: Sop, action: str, role: str, actor: Staff, at: datetime, revision: int, note: str | None) -> Event:
    step = sop.report_action(action).step
    return Event(action, step, revision, role, actor.code, actor.name, timeutil.to_text(at), note or None)


def draft(
    record: MonthlyRecord | None,
    month: str,
    actor: Staff,
    at: datetime,
    sop: Sop,
    tz: tzinfo,
    revise: bool = False,
    note: str | None = None,
) -> tuple[int, Event, tuple[Event, ...]]:
    """(revision, the susun event, earlier events kept) for a new draft; refuses a signed-off report."""
    role = check_role("susun", actor, sop, month)
    if record is None:
        if revise:
            raise TransitionError(
                f"laporan bulanan {month} belum pernah disusun, tidak ada yang direvisi; susun tanpa --revisi"
            )
        return 1, _event(sop, "susun", role, actor, at, 1, note), ()
    _check_time(record, at, tz)
    if record.status in (INITIALLED, FINAL) and not revise:
        what = "sudah final" + _who(record.current("periksa")) if record.status == FINAL else "sudah diparaf" + _who(
            record.current("paraf")
        )
        raise TransitionError(
            f"laporan bulanan {month} revisi {record.revision} {what}; untuk menyusun ulang pakai --revisi "
            "(revisi lama tetap ada di riwayat)"
        )
    revision = record.revision + 1 if record.status in (INITIALLED, FINAL) else record.revision
    return revision, _event(sop, "susun", role, actor, at, revision, note), record.events


def initial(
    record: MonthlyRecord | None, month: str, actor: Staff, at: datetime, sop: Sop, tz: tzinfo, note: str | None = None
) -> MonthlyRecord:
    """The record with the Kepala Bidang's paraf on the current draft."""
    role = check_role("paraf", actor, sop, month)
    if record is None:
        raise TransitionError(
            f"laporan bulanan {month} belum disusun; Pimpinan Redaksi menyusunnya dulu dengan "
            f"'pengaduan laporan bulanan susun --bulan {month}'"
        )
    if record.status == INITIALLED:
        raise TransitionError(f"laporan bulanan {month} revisi {record.revision} sudah diparaf{_who(record.current('paraf'))}")
    if record.status == FINAL:
        raise TransitionError(f"laporan bulanan {month} sudah final{_who(record.current('periksa'))}; tidak ada paraf lagi")
    _check_time(record, at, tz)
    event = _event(sop, "paraf", role, actor, at, record.revision, note)
    return replace(record, status=INITIALLED, events=(*record.events, event))


def check(
    record: MonthlyRecord | None, month: str, actor: Staff, at: datetime, sop: Sop, tz: tzinfo, note: str | None = None
) -> MonthlyRecord:
    """The record checked by the Pimpinan Redaksi and made final (steps 14-15)."""
    role = check_role("periksa", actor, sop, month)
    if record is None:
        raise TransitionError(
            f"laporan bulanan {month} belum disusun; susun dulu dengan 'pengaduan laporan bulanan susun --bulan {month}'"
        )
    if record.status == DRAFT:
        raise TransitionError(
            f"laporan bulanan {month} revisi {record.revision} belum diparaf Kepala Bidang; minta paraf dulu dengan "
            f"'pengaduan laporan bulanan paraf --bulan {month}'"
        )
    if record.status == FINAL:
        raise TransitionError(f"laporan bulanan {month} sudah final{_who(record.current('periksa'))}")
    _check_time(record, at, tz)
    event = _event(sop, "periksa", role, actor, at, record.revision, note)
    return replace(record, status=FINAL, events=(*record.events, event))
