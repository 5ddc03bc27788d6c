"""Figures of the daily report (SOP step 12): what happened on one day, and what is still open.

Everything is computed as the store stood at the report's cutoff (the end of the day, or the
moment of making the report while the day runs), so the report for a past day does not change
when later steps are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pengaduan.core import sla
from pengaduan.core.calendar import Calendar
from pengaduan.core.case import Case
from pengaduan.core.config import Config
from pengaduan.core.sop import Sop
from pengaduan.i18n import KIND_LABELS, status_label
from pengaduan.reports import figures, fmt, privacy
from pengaduan.reports.figures import StepRow, Timed

# Characters of a summary that fit its column on one line at the table's 7 pt (cut at a word).
SUMMARY_WIDTH = 44


@dataclass(frozen=True)
class CaseRow:
    """One case in a report table: no name, no contact, a masked handle and a scrubbed summary."""

    id: str
    received: datetime
    received_today: bool
    platform: str
    kind: str
    account: str
    summary: str
    status: str
    step: int
    final: bool
    settled: bool
    minutes: float | None  # open: used for the awaited step; closed: total handling time
    awaited: int | None
    awaited_by: str
    standard: int | None
    overdue: bool


@dataclass(frozen=True)
class DailyReport:
    day: date
    start: datetime
    cutoff: datetime
    day_over: bool
    received: int
    by_platform: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    not_complaint: int
    duplicates: int  # closed as a repeat of another case (counted apart from not_complaint)
    settled_admin: int
    settled_redaktur: int
    settled_escalated: int
    escalated: int
    settled: int
    open_end: int
    open_older: int
    steps: list[StepRow]
    touched: list[CaseRow]
    overdue: list[CaseRow]
    # The day in the working calendar: a holiday's name, or whether it has working hours at all.
    holiday: str | None = None
    working_day: bool = True

    @property
    def quiet(self) -> bool:
        """Nothing came in and nothing was done: the report says so in one line, not in zeros."""
        return self.received == 0 and not self.touched and self.steps_done == 0

    @property
    def steps_done(self) -> int:
        return sum(r.done for r in self.steps)

    @property
    def steps_met(self) -> int:
        return sum(r.met for r in self.steps)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """(00:00:00, 23:59:59) of the day in the store's timezone."""
    start = datetime.combine(day, time(0, 0), tzinfo=tz)
    return start, start + timedelta(days=1) - timedelta(seconds=1)


def _row(
    item: Timed,
    case: Case,
    final: bool,
    wait: sla.Waiting | None,
    day_start: datetime,
    sop: Sop,
    tz: ZoneInfo,
    calendar: Calendar | None,
) -> CaseRow:
    if final:
        minutes = sla.case_figures(case, sop, tz, calendar).settle
    else:
        minutes = wait.used if wait is not None else None
    return CaseRow(
        id=case.id,
        received=item.received,
        received_today=item.received >= day_start,
        platform=fmt.platform(case.platform),
        kind=KIND_LABELS.get(case.kind, case.kind),
        account=privacy.mask_handle(case.account),
        summary=privacy.summary(case, SUMMARY_WIDTH),
        status=status_label(case.status),
        step=case.step,
        final=final,
        settled=case.status == figures.SETTLED,
        minutes=minutes,
        awaited=wait.step if wait is not None else None,
        awaited_by=sop.roles.get(wait.role, wait.role) if wait is not None else "",
        standard=wait.allowed if wait is not None else None,
        overdue=bool(wait is not None and wait.overdue),
    )


def daily_figures(
    cases: Iterable[Case | Timed],
    day: date,
    cutoff: datetime,
    sop: Sop,
    config: Config,
    tz: ZoneInfo,
    calendar: Calendar | None = None,
) -> DailyReport:
    """The daily report's figures for `day`, as the cases stood at `cutoff` (within that day)."""
    start, end = day_bounds(day, tz)
    cutoff = min(cutoff, end)
    received: list[Case] = []
    touched: list[CaseRow] = []
    overdue: list[CaseRow] = []
    timings: list[sla.StepTiming] = []
    settled_by = dict.fromkeys(sla.PATHS, 0)
    not_complaint = duplicates = escalated = open_end = open_older = 0
    for item in figures.ensure_timed(cases, tz):
        case = item.at(cutoff)
        if case is None:
            continue  # not received yet at the cutoff
        today = item.entries_between(start, cutoff)
        if not today and figures.is_final(case, sop):
            continue  # closed before this day: not part of it
        if start <= item.received:
            received.append(case)
        for entry, _ in today:
            if entry.action == "koreksi" or entry.action in sop.still:
                continue  # a correction or an attached message moves nothing
            if entry.status == figures.NOT_A_COMPLAINT:
                not_complaint += 1
            elif entry.status == figures.DUPLICATE:
                duplicates += 1
            elif entry.status == figures.SETTLED:
                settled_by[sla.path_of(case, sop)] += 1
            if entry.step == sop.escalation_step:
                escalated += 1
        final = figures.is_final(case, sop)
        wait = None if final else sla.waiting(case, sop, tz, calendar, cutoff)
        late = bool(wait is not None and wait.overdue)
        # A full row (with its scrubbed summary) only for the cases the tables show.
        row = _row(item, case, final, wait, start, sop, tz, calendar) if today or late else None
        if not final:
            open_end += 1
            open_older += item.received < start
            if row is not None and late:
                overdue.append(row)
        if today and row is not None:
            touched.append(row)
            timings.extend(t for t in sla.step_timings(case, sop, tz, calendar) if t.end >= start)

    touched.sort(key=lambda r: (r.received, r.id))
    overdue.sort(key=lambda r: (-(r.minutes or 0) / (r.standard or 1), r.received, r.id))
    platforms = figures.count_rows(
        (c.platform for c in received), {p: fmt.platform(p) for p in config.platforms}, config.platforms
    )
    holiday = calendar.day_off(day) if calendar is not None else None
    working_day = bool(calendar.intervals(day)) if calendar is not None else True
    return DailyReport(
        holiday=holiday,
        working_day=working_day and holiday is None,
        day=day,
        start=start,
        cutoff=cutoff,
        day_over=cutoff >= end,
        received=len(received),
        by_platform=platforms,
        by_kind=figures.count_rows((c.kind for c in received), KIND_LABELS, config.kinds),
        not_complaint=not_complaint,
        duplicates=duplicates,
        settled_admin=settled_by[sla.PATH_ADMIN],
        settled_redaktur=settled_by[sla.PATH_REDAKTUR],
        settled_escalated=settled_by[sla.PATH_ESCALATED],
        escalated=escalated,
        settled=sum(settled_by.values()),
        open_end=open_end,
        open_older=open_older,
        steps=figures.step_rows(timings, sop),
        touched=touched,
        overdue=overdue,
    )
