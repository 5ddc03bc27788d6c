"""Transitions as a pure function: (SOP, config, case, request, now) -> new case.

Nothing here reads files, talks to git or prints; the store turns the result into one commit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from pengaduan.core import actions, sla, timeutil
from pengaduan.core.calendar import Calendar
from pengaduan.core.case import Case, Entry, Reporter, stored_value
from pengaduan.core.config import Config, Staff
from pengaduan.core.safetext import check_text_field
from pengaduan.core.sla import awaited_role
from pengaduan.core.sop import START, Sop, Step, Transition
from pengaduan.errors import InputError, PermissionDenied, TransitionError
from pengaduan.i18n import CASE_KEYS, REPORTER_KEYS, action_label, status_label


@dataclass(frozen=True)
class Intake:
    """What step 1 (`terima`) takes down about a complaint; checked when the case is made."""

    platform: str
    account: str
    text: str
    kind: str = "komentar"
    link: str | None = None
    posted_at: datetime | None = None
    reporter_name: str | None = None
    reporter_contact: str | None = None
    anonymous: bool = False  # the reporter asked not to be named (LAPOR! "anonim")
    confidential: bool = False  # never in reports, exports or reminders (LAPOR! "rahasia")
    # From `pengaduan impor`: the conversation (Case.thread) and the message's source key (Entry.source).
    thread: str | None = None
    source: str | None = None


# A `terima` without its intake: refused by the same checks as empty options.
_NO_INTAKE = Intake(platform="", account="", text="")

@dataclass(frozen=True)
class Request:
    """What a petugas asks for: an action, when it happened, and the details that action takes."""

    action: str
    actor: Staff
    at: datetime
    note: str | None = None
    channel: str | None = None
    answer: str | None = None
    performer_name: str | None = None
    intake: Intake | None = None  # terima
    category: str | None = None  # verifikasi
    bidang: str | None = None  # verifikasi, koordinasi_kabid
    reason: str | None = None  # bukan_pengaduan
    anonymous: bool = False  # verifikasi: the reporter asks not to be named (flags only turn on)
    confidential: bool = False  # verifikasi: make the case rahasia
    duplicate_of: str | None = None  # duplikat: the case this one repeats


def allowed_commands(sop: Sop, case: Case) -> list[str]:
    """The SOP steps the case may take next."""
    return [t.command for t in sop.allowed_from(case.step, case.status)]


def case_action_commands(sop: Sop, case: Case) -> list[str]:
    """The case actions (undo, reopen, pause, resume, refer) that apply to the case now."""
    out = []
    for item in sop.case_actions.values():
        try:
            actions.next_state(sop, case, item, "-")
        except TransitionError:
            continue
        out.append(item.command)
    return out


def _check_state(sop: Sop, case: Case | None, transition: Transition) -> None:
    current = case.step if case else START
    if case is not None and case.status in sop.final_statuses:
        reopen = ""
        if "buka_kembali" in sop.case_actions:
            reopen = f" (buka lagi dengan 'pengaduan buka-kembali {case.id} --alasan TEKS')"
        raise TransitionError(
            f"kasus {case.id} sudah berstatus {status_label(case.status)} (langkah {case.step}); "
            "tidak ada langkah lagi yang boleh dicatat"
            + reopen
        )
    if case is not None and sop.hold_status is not None and case.status == sop.hold_status:
        raise TransitionError(
            f"kasus {case.id} sedang ditunda (menunggu pelapor); lanjutkan dulu dengan 'pengaduan lanjutkan {case.id}'"
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


def _check_time(case: Case | None, request: Request, now: datetime, tz: tzinfo) -> None:
    timeutil.refuse_future(request.at, now)
    if case is not None and case.last is not None:
        previous = case.last.time.astimezone(tz)
        if request.at < previous:
            raise InputError(
                f"--waktu {timeutil.to_text(request.at)} lebih awal dari langkah sebelumnya "
                f"({timeutil.to_text(previous)}); isi waktu yang sama atau sesudahnya"
            )


def _check_silence(
    sop: Sop, case: Case | None, request: Request, step: Step, calendar: Calendar | None, tz: ZoneInfo
) -> None:
    """A step that applies on silence (6: the Redaktur gives no answer) before that silence is a
    fact (step 5's standard has not run out) needs the reason written down."""
    if step.after_silence is None or case is None or case.last is None or (request.note or "").strip():
        return
    steps = sla._steps(case, sop)
    since = (steps[-1] if steps else case.last).time.astimezone(tz)
    # Working minutes (wall-clock without a calendar), the case's pauses left out.
    waited = sla.case_clock(case, sop, tz, calendar, request.at).working_minutes(since, request.at)
    standard = sop.steps[step.after_silence].minutes
    if waited < standard:
        awaited = sop.roles[awaited_role(sop, step.after_silence)]
        raise InputError(
            f"{awaited} baru ditunggu {int(waited)} dari {standard} menit kerja (standar langkah {step.after_silence}); "
            f"bila langkah {step.number} diambil lebih awal, tulis alasannya dengan --catatan"
        )


def _new_case(config: Config, case_id: str, request: Request) -> Case:
    intake = request.intake or _NO_INTAKE
    for name in ("account", "text", "link", "reporter_name", "reporter_contact"):
        check_text_field(name, getattr(intake, name))
    platform = config.check_choice(intake.platform or "", "platform")
    kind = config.check_choice(intake.kind or "komentar", "jenis")
    account = (intake.account or "").strip()
    text = (intake.text or "").strip()
    if not account:
        raise InputError("--akun kosong; isi akun media sosial pengirim, contoh: --akun @warga_semarang")
    if not text:
        raise InputError("--isi kosong; salin isi komentar atau pesan pengaduan")
    posted = intake.posted_at
    if posted is not None and posted > request.at:
        raise InputError("--waktu-unggah sesudah --waktu diterima; periksa kedua waktu")
    if intake.anonymous and (intake.reporter_name or intake.reporter_contact):
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
        received_at=_to_second(request.at),
        kind=kind,
        link=intake.link or None,
        posted_at=_to_second(posted) if posted is not None else None,
        anonymous=intake.anonymous,
        confidential=intake.confidential,
        thread=intake.thread or None,
        reporter=Reporter(name=intake.reporter_name or None, contact=intake.reporter_contact or None),
    )


def _to_second(moment: datetime) -> datetime:
    """Case files record moments to the second."""
    return moment.replace(microsecond=0)


def _field_changes(config: Config, case: Case, transition: Transition, request: Request) -> dict[str, Any]:
    action = transition.action
    changes: dict[str, Any] = {}
    if request.category:
        changes["category"] = config.check_choice(request.category, "kategori")
    # Privacy flags only ever turn on: a sensitive category, or the reporter's wish at verification.
    if (request.confidential or changes.get("category") in config.sensitive) and not case.confidential:
        changes["confidential"] = True
    if request.anonymous and not case.anonymous:
        changes["anonymous"] = True
        changes["reporter"] = Reporter()  # no name or contact is kept from now on
    if request.bidang:
        changes["bidang"] = config.check_choice(request.bidang, "bidang")
    # The fields the action needs are the UPPER-CASE placeholders of its `perintah` in sop.yaml.
    if "bidang" in transition.needs and "bidang" not in changes:
        raise InputError(f"--bidang wajib untuk {action_label(action)}; pilih: {', '.join(config.bidang)}")
    if "alasan" in transition.needs and not (request.reason or "").strip():
        raise InputError(f"--alasan wajib saat kasus {action_label(action)}; contoh: --alasan 'spam promosi'")
    if (transition.needs_answer or "isi" in transition.needs) and not (request.answer or "").strip():
        raise InputError("--isi wajib: tulis jawaban yang diberikan")
    if DUPLICATE_OPTION in transition.needs:
        if not (request.duplicate_of or "").strip():
            raise InputError(f"--{DUPLICATE_OPTION} wajib: sebut ID kasus yang diulang pengaduan ini")
        changes["duplicate_of"] = (request.duplicate_of or "").strip()
    return changes


# The option of `verifikasi` that names the case a duplicate repeats (sop.yaml `perintah` of `duplikat`).
DUPLICATE_OPTION = "duplikat-dari"


def apply(
    sop: Sop,
    config: Config,
    case: Case | None,
    request: Request,
    now: datetime,
    new_id: str | None = None,
    calendar: Calendar | None = None,
) -> Case:
    """Return the case after the request, or raise the reason the SOP refuses it.

    `calendar` (core.calendar.Calendar) measures waits in working minutes; wall-clock without it.
    """
    transition = sop.transition(request.action)
    tz = timeutil.zone(config.timezone)
    for name in ("answer", "note", "performer_name"):
        check_text_field(name, getattr(request, name))
    check_text_field("reason", request.reason)
    _check_state(sop, case, transition)
    step = sop.steps[transition.target]
    if not sop.may_record(request.actor.roles, step):
        allowed = sop.recorders(step)
        raise PermissionDenied(
            f"petugas '{request.actor.code}' ({', '.join(request.actor.roles)}) tidak boleh mencatat langkah "
            f"{step.number} ({sop.roles[step.actor]}); yang boleh: {', '.join(allowed)}"
        )
    _check_time(case, request, now, tz)
    _check_silence(sop, case, request, step, calendar, tz)
    source = None
    if case is None:
        if new_id is None:
            raise ValueError("a new case needs an id")
        case = _new_case(config, new_id, request)
        source = request.intake.source if request.intake is not None else None
    changes = _field_changes(config, case, transition, request)
    if changes.get("duplicate_of") == case.id:
        raise InputError(f"--{DUPLICATE_OPTION} menyebut kasus ini sendiri ({case.id}); sebut kasus lain yang diulangnya")
    entry = Entry(
        step=step.number,
        action=transition.action,
        status=transition.status,
        performer_role=step.actor,
        performer_name=_performer_name(sop, config, step.actor, request),
        recorder=request.actor.code,
        time=_to_second(request.at),
        channel=request.channel or None,
        answer=(request.answer or "").strip() or None,
        note=(request.note or "").strip() or None,
        source=source,
    )
    return case.with_entry(entry, **changes)


def attach(
    sop: Sop, case: Case, action: str, text: str, actor: Staff, at: datetime, now: datetime, tz: tzinfo,
    source: str | None = None,
) -> Case:
    """A recorded `aksi_tetap` (e.g. a later message of the reporter): an entry that keeps the
    case's step and status. `text` goes into the entry's note."""
    still = sop.still.get(action)
    if still is None:
        raise TransitionError(
            f"sop.yaml store ini tidak punya aksi '{action}' (aksi_tetap, ditulis sebelum aksi itu ada); tambahkan "
            "dengan 'pengaduan atur sop perbarui'"
        )
    if case.status in sop.final_statuses:
        raise TransitionError(f"kasus {case.id} sudah berstatus {status_label(case.status)}; tidak ada yang dapat dilampirkan")
    if not set(actor.roles) & set(still.roles):
        raise PermissionDenied(
            f"petugas '{actor.code}' ({', '.join(actor.roles)}) tidak boleh mencatat {action_label(action)}; "
            f"yang boleh: {', '.join(still.roles)}"
        )
    check_text_field("text", text)
    body = text.strip()
    if not body:
        raise InputError("pesan lanjutan kosong")
    _check_time(case, Request(action, actor, at), now, tz)
    entry = Entry(
        step=case.step,
        action=action,
        status=case.status,
        performer_role=still.performer,
        performer_name=None,
        recorder=actor.code,
        time=_to_second(at),
        note=body,
        source=source,
    )
    return case.with_entry(entry)


def correct(case: Case, field_name: str, value: str | datetime | None, reason: str, actor: Staff, at: datetime) -> Case:
    """A recorded correction of one field; history keeps the old and new value (the reporter's
    fields, 'reporter.name' and 'reporter.contact': only which one changed, never the values)."""
    if field_name.startswith("reporter."):
        attr = field_name.split(".", 1)[1]
        reporter = replace(case.reporter, **{attr: value if isinstance(value, str) else None})
        key = f"{CASE_KEYS['reporter']}.{REPORTER_KEYS[attr]}"
        return replace(case.with_entry(_correction_entry(case, actor, at, reason, {"kolom": key})), reporter=reporter)
    if field_name in ("anonymous", "confidential"):
        # A privacy flag turned on (never off); made anonymous, the reporter block goes in the same commit.
        flag = {"kolom": CASE_KEYS[field_name], "lama": False, "baru": True}
        after = case.with_entry(_correction_entry(case, actor, at, reason, flag))
        if field_name == "anonymous":
            return replace(after, anonymous=True, reporter=Reporter())
        return replace(after, confidential=True)
    old = getattr(case, field_name)
    # The field by its YAML key and its values as the case file writes them.
    changes = {"kolom": CASE_KEYS.get(field_name, field_name), "lama": stored_value(old), "baru": stored_value(value)}
    change: dict[str, Any] = {field_name: value}  # one field, named at run time
    return replace(case.with_entry(_correction_entry(case, actor, at, reason, changes)), **change)


def _correction_entry(case: Case, actor: Staff, at: datetime, reason: str, changes: dict[str, Any]) -> Entry:
    return Entry(
        step=case.step,
        action="koreksi",
        status=case.status,
        # The person correcting performs it: admin when they are one, else their own role.
        performer_role="admin" if "admin" in actor.roles or not actor.roles else actor.roles[0],
        performer_name=actor.name,
        recorder=actor.code,
        time=_to_second(at),
        note=reason,
        changes=changes,
    )
