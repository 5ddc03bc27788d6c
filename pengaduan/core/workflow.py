"""Transitions as a pure function: (SOP, config, case, request, now) -> new case.

Nothing here reads files, talks to git or prints; the store turns the result into one commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pengaduan.core import timeutil
from pengaduan.core.case import Case, Entry, Reporter
from pengaduan.core.config import Config, Staff
from pengaduan.core.sla import awaited_role
from pengaduan.core.sop import START, Sop, Transition
from pengaduan.errors import InputError, PermissionDenied, TransitionError
from pengaduan.i18n import CASE_KEYS, status_label

# Actions whose entry must carry an answer text (the words that reached the reporter or desk).


@dataclass(frozen=True)
class Request:
    """What a petugas asks for: an action, when it happened, and its details."""

    action: str
    actor: Staff
    at: datetime
    note: str | None = None
    channel: str | None = None
    answer: str | None = None
    performer_name: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def allowed_commands(sop: Sop, case: Case) -> list[str]:
    return [t.command for t in sop.allowed_from(case.step, case.status)]


def _check_state(sop: Sop, case: Case | None, transition: Transition) -> None:
    current = case.step if case else START
    if case is not None and case.status in sop.final_statuses:
        raise TransitionError(
            f"kasus {case.id} sudah berstatus {status_label(case.status)} (langkah {case.step}); "
            "tidak ada aksi lagi yang boleh dicatat"
        )
    if current in transition.sources:
        return
    if case is None:
        raise TransitionError(
            f"'{transition.command}' perlu kasus yang sudah diterima; pengaduan baru dicatat dengan "
            + "; ".join(t.command for t in sop.allowed_from(START))
        )
    allowed = allowed_commands(sop, case)
    raise TransitionError(
        f"kasus {case.id} ada di langkah {case.step} ({status_label(case.status)}); "
        f"'{transition.command}' tidak boleh sekarang. Yang boleh: {'; '.join(allowed)}"
    )


def _performer_name(sop: Sop, config: Config, role: str, request: Request) -> str | None:
    if role in request.actor.roles:
        return request.actor.name
    if request.performer_name:
        return request.performer_name
    candidates = config.staff_with_role(role)
    return candidates[0].name if len(candidates) == 1 else None


def _check_time(case: Case | None, request: Request, now: datetime, tz: Any) -> None:
    timeutil.refuse_future(request.at, now)
    if case is not None and case.last is not None:
        previous = timeutil.from_text(case.last.time, tz)
        if request.at < previous:
            raise InputError(
                f"--waktu {timeutil.to_text(request.at)} lebih awal dari langkah sebelumnya "
                f"({timeutil.to_text(previous)}); isi waktu yang sama atau sesudahnya"
            )


def _check_silence(sop: Sop, case: Case | None, request: Request, step: Any, calendar: Any, tz: Any) -> None:
    """A step that applies on silence (6: the Redaktur gives no answer) before that silence is a
    fact (step 5's standard has not run out) needs the reason written down."""
    if step.after_silence is None or case is None or case.last is None or (request.note or "").strip():
        return
    since = timeutil.from_text(case.last.time, tz)
    waited = (
        calendar.working_minutes(since, request.at) if calendar is not None else timeutil.minutes_between(since, request.at)
    )
    standard = sop.steps[step.after_silence].minutes
    if waited < standard:
        awaited = sop.roles[awaited_role(sop, step.after_silence)]
        raise InputError(
            f"{awaited} baru ditunggu {int(waited)} dari {standard} menit kerja (standar langkah {step.after_silence}); "
            f"bila langkah {step.number} diambil lebih awal, tulis alasannya dengan --catatan"
        )


def _new_case(config: Config, case_id: str, request: Request, tz: Any) -> Case:
    f = request.fields
    platform = config.check_choice(str(f.get("platform", "")), "platform")
    kind = config.check_choice(str(f.get("kind") or "komentar"), "jenis")
    account = str(f.get("account") or "").strip()
    text = str(f.get("text") or "").strip()
    if not account:
        raise InputError("--akun kosong; isi akun media sosial pengirim, contoh: --akun @warga_semarang")
    if not text:
        raise InputError("--isi kosong; salin isi komentar atau pesan pengaduan")
    posted = f.get("posted_at")
    if posted is not None and posted > request.at:
        raise InputError("--waktu-unggah sesudah --waktu diterima; periksa kedua waktu")
    anonymous = bool(f.get("anonymous"))
    if anonymous and (f.get("reporter_name") or f.get("reporter_contact")):
        raise InputError(
            "--anonim: pelapor tidak ingin disebut, jadi nama dan kontaknya tidak disimpan; hapus --nama-pelapor dan --kontak"
        )
    return Case(
        id=case_id,
        status="",
        step=START,
        platform=platform,
        account=account,
        text=text,
        received_at=timeutil.to_text(request.at),
        kind=kind,
        link=f.get("link") or None,
        posted_at=timeutil.to_text(posted) if posted is not None else None,
        anonymous=anonymous,
        confidential=bool(f.get("confidential")),
        reporter=Reporter(name=f.get("reporter_name") or None, contact=f.get("reporter_contact") or None),
    )


def _field_changes(config: Config, case: Case, transition: Transition, request: Request) -> dict[str, Any]:
    action = transition.action
    f = request.fields
    changes: dict[str, Any] = {}
    if f.get("category"):
        changes["category"] = config.check_choice(f["category"], "kategori")
    # Privacy flags only ever turn on: a sensitive category, or the reporter's wish at verification.
    if (f.get("confidential") or changes.get("category") in config.sensitive) and not case.confidential:
        changes["confidential"] = True
    if f.get("anonymous") and not case.anonymous:
        changes["anonymous"] = True
        changes["reporter"] = Reporter()  # no name or contact is kept from now on
    if f.get("bidang"):
        changes["bidang"] = config.check_choice(f["bidang"], "bidang")
    if action == "koordinasi_kabid" and "bidang" not in changes:
        raise InputError(f"--bidang wajib untuk koordinasi dengan Kepala Bidang; pilih: {', '.join(config.bidang)}")
    if action == "bukan_pengaduan" and not (f.get("reason") or "").strip():
        raise InputError("--alasan wajib saat menutup sebagai bukan pengaduan; contoh: --alasan 'spam promosi'")
    if transition.needs_answer and not (request.answer or "").strip():
        raise InputError("--isi wajib: tulis jawaban yang diberikan")
    return changes


def apply(
    sop: Sop,
    config: Config,
    case: Case | None,
    request: Request,
    now: datetime,
    new_id: str | None = None,
    calendar: Any = None,
) -> Case:
    """Return the case after the request, or raise the reason the SOP refuses it.

    `calendar` (core.calendar.Calendar) measures waits in working minutes; wall-clock without it.
    """
    transition = sop.transition(request.action)
    tz = timeutil.zone(config.timezone)
    _check_state(sop, case, transition)
    step = sop.steps[transition.target]
    if not sop.may_record(request.actor.roles, step):
        allowed = sorted({step.actor, *step.recorders, *sop.general_recorders})
        raise PermissionDenied(
            f"petugas '{request.actor.code}' ({', '.join(request.actor.roles)}) tidak boleh mencatat langkah "
            f"{step.number} ({sop.roles[step.actor]}); yang boleh: {', '.join(allowed)}"
        )
    _check_time(case, request, now, tz)
    _check_silence(sop, case, request, step, calendar, tz)
    if case is None:
        if new_id is None:
            raise ValueError("a new case needs an id")
        case = _new_case(config, new_id, request, tz)
    changes = _field_changes(config, case, transition, request)
    entry = Entry(
        step=step.number,
        action=transition.action,
        status=transition.status,
        performer_role=step.actor,
        performer_name=_performer_name(sop, config, step.actor, request),
        recorder=request.actor.code,
        time=timeutil.to_text(request.at),
        channel=request.channel or None,
        answer=(request.answer or "").strip() or None,
        note=(request.note or "").strip() or None,
    )
    return case.with_entry(entry, **changes)


def correct(case: Case, field_name: str, value: Any, reason: str, actor: Staff, at: datetime) -> Case:
    """A recorded correction of one intake field; history keeps the old and new value."""
    old = getattr(case, field_name)
    entry = Entry(
        step=case.step,
        action="koreksi",
        status=case.status,
        # The person correcting performs it: admin when they are one, else their own role.
        performer_role="admin" if "admin" in actor.roles or not actor.roles else actor.roles[0],
        performer_name=actor.name,
        recorder=actor.code,
        time=timeutil.to_text(at),
        note=reason,
        # The field by its YAML key, as the case file and its readers name it.
        changes={"kolom": CASE_KEYS.get(field_name, field_name), "lama": old, "baru": value},
    )
    return replace(case.with_entry(entry), **{field_name: value})
