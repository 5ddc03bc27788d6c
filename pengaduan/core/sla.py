"""Time standards: how long each recorded step took against the SOP's minutes.

One module computes these figures; `lihat`, the overdue list, the escalation reminders and the
reports all use it. Durations are working minutes on the store's calendar (wall-clock minutes
when no calendar is given).

Three views of the same history:
- `step_timings`: each recorded step against its standard;
- `case_figures`: per case, the time to first response (steps 1-3) and to settle, with the
  path the case took and the standard of that path;
- `waiting`: for an open case at a given moment, the step awaited, who must act, the minutes
  used against those allowed, and the escalation that applies once the standard has run out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pengaduan.core import timeutil
from pengaduan.core.actions import CORRECTION, effective
from pengaduan.core.calendar import Calendar, Span, StoppedClock
from pengaduan.core.case import Case, Entry
from pengaduan.core.config import Config, Staff
from pengaduan.core.sop import CASE_ACTION_COMMANDS, PAUSE, REOPEN, Sop

# A step that applies only when another step's standard has run out without it happening
# (`sesudah_diam` in sop.yaml; SOP step 6: "if the Redaktur gives no answer" -- the case has
# waited at step 4 longer than step 5's standard) is measured from that moment, not from the
# entry before it. The steps of the first response are `respon_pertama` in sop.yaml.
# Share of a standard after which a waiting step is reported as close to overdue.
CLOSE = 0.75

# Paths through the case steps (SOP.md). A case is on the path whose step (sop.yaml
# `langkah_jalur`) its history reached, the later path winning; admin when it reached neither.
PATH_ADMIN = "admin"
PATH_REDAKTUR = "redaktur"
PATH_ESCALATED = "eskalasi"
PATH_NOT_COMPLAINT = "bukan_pengaduan"
PATH_REFERRED = "dirujuk"  # closed by a referral to another body (sop.yaml aksi_kasus.rujuk)
PATH_DUPLICATE = "duplikat"  # closed at verification as a repeat of another case
PATHS = (PATH_ADMIN, PATH_REDAKTUR, PATH_ESCALATED, PATH_NOT_COMPLAINT, PATH_REFERRED, PATH_DUPLICATE)


def _clock(calendar: Calendar | None, tz: ZoneInfo) -> Calendar:
    return calendar if calendar is not None else Calendar.always_open(tz)


_CASE_ACTIONS = frozenset(CASE_ACTION_COMMANDS)


def counted(case: Case) -> list[Entry]:
    """The entries that count (undone steps and undo entries left out), corrections left out too."""
    history = case.history
    if not any(e.action in _CASE_ACTIONS for e in history):  # the common case: nothing undone, paused or reopened
        return [e for e in history if e.action != CORRECTION]
    return [e for _, e in effective(history) if e.action != CORRECTION]


def _steps(case: Case, sop: Sop) -> list[Entry]:
    """The history entries that are SOP steps still counted (not undone; corrections, pauses and
    the other case actions do not move the clock)."""
    actions = sop.step_actions
    return [e for e in counted(case) if e.action in actions]


def stopped_spans(case: Case, sop: Sop, until: datetime | None = None) -> list[Span]:
    """When the case's clock stood still: paused (waiting for the reporter), or closed before it
    was reopened. A span still running at the end lasts `until` (left out without it)."""
    if not any(e.action in _CASE_ACTIONS for e in case.history) and (until is None or case.status not in sop.final_statuses):
        return []  # without case actions a case stands still only once closed, at its end
    spans: list[Span] = []
    since: datetime | None = None
    for entry in counted(case):
        stopped = entry.status in sop.final_statuses or entry.status == sop.hold_status
        if stopped and since is None:
            since = entry.time
        elif not stopped and since is not None:
            spans.append((since, entry.time))
            since = None
    if since is not None and until is not None and until > since:
        spans.append((since, until))
    return spans


def paused_spans(case: Case, sop: Sop, until: datetime | None = None) -> list[Span]:
    """The spans the case waited paused (not those it stood closed)."""
    starts = {e.time for e in counted(case) if e.action == PAUSE}
    return [span for span in stopped_spans(case, sop, until) if span[0] in starts]


def case_clock(
    case: Case, sop: Sop, tz: ZoneInfo, calendar: Calendar | None, until: datetime | None = None
) -> Calendar | StoppedClock:
    """The working calendar with the case's own stopped spans taken out (the calendar itself when
    the case never stood still)."""
    spans = stopped_spans(case, sop, until)
    clock = _clock(calendar, tz)
    return StoppedClock(clock, tuple(spans)) if spans else clock


# -- each recorded step ----------------------------------------------------------------------------
@dataclass(frozen=True)
class StepTiming:
    step: int
    action: str
    start: datetime
    end: datetime
    wall_minutes: float
    minutes: float  # working minutes on the store's calendar (wall-clock where none is set)
    standard: int
    met: bool


def step_timings(case: Case, sop: Sop, tz: ZoneInfo, calendar: Calendar | None = None) -> list[StepTiming]:
    """Each SOP step of the case, measured from the previous entry (step 1: from posting time).

    Step 6 is measured from the moment the Redaktur's silence became a fact (step 4 plus step
    5's standard), since the SOP allows it only then.
    """
    clock = case_clock(case, sop, tz, calendar)
    out: list[StepTiming] = []
    previous: datetime | None = None
    for entry in _steps(case, sop):
        end = entry.time.astimezone(tz)
        if previous is None:
            previous = case.posted_at.astimezone(tz) if case.posted_at else end
        start = previous
        silent = sop.steps[entry.step].after_silence
        if silent is not None:
            start = min(clock.add_working_minutes(previous, sop.steps[silent].minutes), end)
        wall = timeutil.minutes_between(start, end)
        worked = clock.working_minutes(start, end)
        standard = sop.steps[entry.step].minutes
        out.append(StepTiming(entry.step, entry.action, start, end, wall, worked, standard, worked <= standard))
        previous = end
    return out


# -- each case -------------------------------------------------------------------------------------
def path_of(case: Case, sop: Sop) -> str:
    """Which SOP path the case took (so far, for an open case)."""
    if case.status in (PATH_NOT_COMPLAINT, PATH_DUPLICATE):
        return case.status
    refer = sop.case_actions.get("rujuk")
    if refer is not None and case.status == refer.status:
        return PATH_REFERRED
    reached = {e.step for e in _steps(case, sop)}
    for path in (PATH_ESCALATED, PATH_REDAKTUR):
        if sop.path_steps.get(path) in reached:
            return path
    return PATH_ADMIN


@dataclass(frozen=True)
class CaseFigures:
    """A case's overall times in working minutes, with the standards of the path it took."""

    case_id: str
    path: str
    start: datetime
    first_response: float | None  # to step 3 (None when the case never got there)
    first_response_standard: int
    settle: float | None  # to the entry that closed the case (None while open)
    settle_standard: int | None
    steps: tuple[StepTiming, ...]
    paused: float = 0.0  # working minutes the case waited paused (not counted in the figures above)
    reopened: int = 0  # how often it was reopened after closing
    undone: int = 0  # steps undone (they count nowhere)

    @property
    def first_response_met(self) -> bool | None:
        return None if self.first_response is None else self.first_response <= self.first_response_standard

    @property
    def settle_met(self) -> bool | None:
        if self.settle is None or self.settle_standard is None:
            return None
        return self.settle <= self.settle_standard


def case_figures(case: Case, sop: Sop, tz: ZoneInfo, calendar: Calendar | None = None) -> CaseFigures:
    """Time to first response (steps 1-3) and time to settle, measured like `step_timings`."""
    timings = step_timings(case, sop, tz, calendar)
    clock = case_clock(case, sop, tz, calendar)
    entries = counted(case)
    start = timings[0].start if timings else case.received_at.astimezone(tz)
    first_steps = sop.first_response_steps
    first = next((t for t in timings if first_steps and t.step == first_steps[-1]), None)
    first_response = clock.working_minutes(start, first.end) if first is not None else None
    settle = settle_standard = None
    end = entries[-1].time.astimezone(tz) if entries else start
    pauses = StoppedClock(_clock(calendar, tz), tuple(paused_spans(case, sop, end)))
    if entries and entries[-1].status in sop.final_statuses:
        settle = clock.working_minutes(start, end)
        # The standard of the path actually taken: its steps, plus the wait the SOP requires
        # before a step that applies on silence (the Redaktur's 10 minutes before step 6).
        settle_standard = sum(t.standard for t in timings) + sum(
            sop.steps[silent].minutes for t in timings if (silent := sop.steps[t.step].after_silence) is not None
        )
    return CaseFigures(
        case_id=case.id,
        path=path_of(case, sop),
        start=start,
        first_response=first_response,
        first_response_standard=sum(sop.steps[n].minutes for n in first_steps),
        settle=settle,
        settle_standard=settle_standard,
        steps=tuple(timings),
        paused=pauses.stopped_minutes(start, end),
        reopened=sum(1 for e in entries if e.action == REOPEN),
        undone=sum(1 for e in case.history if e.action == "batal"),
    )


# -- what an open case waits for ---------------------------------------------------------------------
@dataclass(frozen=True)
class Escalation:
    """What the SOP prescribes once a waiting step is past its standard, and who must do it."""

    step: int
    role: str
    since: datetime
    used: float
    allowed: int
    command: str  # the `pengaduan ...` command that records it


@dataclass(frozen=True)
class Waiting:
    """An open case as of a moment: the step awaited, who must act, and the time used for it."""

    case: Case
    at_step: int  # the step last recorded (as of the moment)
    status: str
    step: int  # the step awaited
    role: str  # who must act for it
    since: datetime
    used: float  # working minutes
    allowed: int
    due: datetime  # when the standard runs out (for a paused case: were it resumed at the moment)
    command: str
    escalation: Escalation
    paused_since: datetime | None = None  # the case waits for the reporter: its clock stands still
    pause_limit: date | None = None  # the last working day a pause may last (batas.tunda_hari_kerja)
    pause_too_long: bool = False  # paused longer than that

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    @property
    def share(self) -> float:
        return self.used / self.allowed

    @property
    def overdue(self) -> bool:
        """Past its standard; never while paused (the clock stands still)."""
        return not self.paused and self.used > self.allowed

    @property
    def close(self) -> bool:
        """Not overdue yet, but at least CLOSE of the standard used."""
        return not self.paused and not self.overdue and self.share >= CLOSE


def awaited_role(sop: Sop, step: int) -> str:
    """The role the desk waits on for a step.

    Usually the step's actor; but where the SOP lets another role record a step the admin
    performs (step 5: the admin receives the Redaktur's answer), that role brings it.
    """
    item = sop.steps[step]
    others = [r for r in item.recorders if r not in sop.general_recorders and r != item.actor]
    return others[0] if item.actor in sop.general_recorders and others else item.actor


def _command(sop: Sop, at_step: int, target: int, case_id: str) -> str:
    for transition in sop.transitions:
        if at_step in transition.sources and transition.target == target:
            return "pengaduan " + re.sub(r"\bID\b", case_id, transition.command)
    return ""


def waiting(
    case: Case,
    sop: Sop,
    tz: ZoneInfo,
    calendar: Calendar | None,
    moment: datetime,
    pause_limit_days: int | None = None,
) -> Waiting | None:
    """What the case waits for as of `moment` (its history up to then); None when closed or not yet received.

    A paused case is returned with `paused_since` set: its clock stands still, so it is never
    overdue; with `pause_limit_days` it is `pause_too_long` once the pause outlasts that many
    working days.
    """
    history = case.history
    if history and history[-1].time.astimezone(tz) > moment:  # entries are in time order
        history = tuple(e for e in history if e.time.astimezone(tz) <= moment)
        case = replace(case, history=history)
    entries = counted(case)
    if not entries or entries[-1].status in sop.final_statuses:
        return None
    state = entries[-1]
    paused_at: datetime | None = None
    if sop.hold_status is not None and state.status == sop.hold_status:
        paused_at = state.time.astimezone(tz)
        pause = max(i for i, e in enumerate(entries) if e.action == PAUSE)
        state = entries[pause - 1] if pause > 0 else state
    anchors = [e for e in entries if e.action in sop.step_actions or e.action == REOPEN]
    if not anchors:
        return None
    last = anchors[-1]
    silence = sop.silence_steps
    targets = {t.target for t in sop.allowed_from(state.step, state.status)} - set(silence)
    if not targets:
        return None
    # Of several ways on (step 3: forward to the Redaktur, or answer the reporter) the one with
    # the longest standard sets the limit, so the list never cries wolf.
    step = min(targets, key=lambda n: (-sop.steps[n].minutes, n))
    clock = case_clock(case, sop, tz, calendar, moment)
    since = last.time.astimezone(tz)
    allowed = sop.steps[step].minutes
    used = clock.working_minutes(since, moment)
    due = clock.add_working_minutes(since, allowed)
    role = awaited_role(sop, step)
    command = _command(sop, state.step, step, case.id)
    escalation = Escalation(step, role, since, used, allowed, command)
    for later, silent in silence.items():
        if silent == step and _command(sop, state.step, later, case.id):
            escalation = Escalation(
                step=later,
                role=sop.steps[later].actor,
                since=due,
                used=clock.working_minutes(due, moment),
                allowed=sop.steps[later].minutes,
                command=_command(sop, state.step, later, case.id),
            )
    limit: date | None = None
    too_long = False
    if paused_at is not None:
        command = f"pengaduan lanjutkan {case.id}"
        if pause_limit_days:
            limit = _clock(calendar, tz).working_day_after(paused_at.date(), pause_limit_days)
            too_long = moment.astimezone(tz).date() > limit
    return Waiting(
        case, state.step, entries[-1].status, step, role, since, used, allowed, due, command, escalation,
        paused_at, limit, too_long,
    )  # fmt: skip


def _worst_first(item: Waiting) -> tuple[float, float, str]:
    return (-item.share, -item.used, item.case.id)


def late_list(
    cases: Iterable[Case],
    sop: Sop,
    tz: ZoneInfo,
    calendar: Calendar | None,
    moment: datetime,
    pause_limit_days: int | None = None,
) -> list[Waiting]:
    """Open cases whose awaited step is overdue or close to it, worst first; then the cases paused
    longer than `pause_limit_days` working days (a kind of their own: their clock stands still)."""
    found = [w for case in cases if (w := waiting(case, sop, tz, calendar, moment, pause_limit_days)) is not None]
    late = sorted((w for w in found if w.overdue or w.close), key=_worst_first)
    stale = sorted((w for w in found if w.pause_too_long), key=lambda w: (w.paused_since, w.case.id))
    return late + stale


def escalations(cases: Iterable[Case], sop: Sop, tz: ZoneInfo, calendar: Calendar | None, moment: datetime) -> list[Waiting]:
    """Open cases past their standard, where the SOP says to escalate, worst first."""
    found = [w for case in cases if (w := waiting(case, sop, tz, calendar, moment)) is not None]
    return sorted((w for w in found if w.overdue), key=_worst_first)


def responsible(config: Config, role: str, case: Case) -> list[Staff]:
    """The roster's people with the role; only those of the case's bidang when any of them match."""
    staff = config.staff_with_role(role)
    if case.bidang:
        same = [s for s in staff if s.bidang == case.bidang]
        if same:
            return same
    return staff
