"""Figures of the monthly report (SOP step 13): the month's complaints from every angle.

Cases counted are those received in the month, as they stood at the cutoff (the end of the
month, or the moment of drafting while the month runs). The step table counts the steps done
within the month, whichever month the case arrived in.
"""

from __future__ import annotations

import calendar as monthcal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pengaduan.core import sla
from pengaduan.core.calendar import Calendar
from pengaduan.core.case import Case
from pengaduan.core.config import Config
from pengaduan.core.sop import Sop
from pengaduan.i18n import KIND_LABELS, STATUS_LABELS
from pengaduan.reports import figures, fmt
from pengaduan.reports.figures import StepRow, Timed

ROMAN = ("I", "II", "III", "IV", "V")


@dataclass(frozen=True)
class Summary:
    """The headline figures of one month, also used for the comparison with the previous one."""

    year: int
    month: int
    received: int
    complaints: int
    not_complaints: int
    duplicates: int  # closed as a repeat of another case: neither a complaint nor a non-complaint
    settled: int
    open: int
    steps_done: int
    steps_met: int
    first_response: float | None  # median minutes from posting/receipt to the first response (step 3)
    settle_time: float | None  # median minutes from posting/receipt to settlement
    # Counted apart: closed by a referral, reopened after closing, paused (its working minutes are
    # left out of every time above), and steps undone (they count nowhere else).
    referred: int = 0
    reopened: int = 0
    paused: int = 0
    paused_minutes: float = 0.0
    undone: int = 0

    @property
    def met_share(self) -> float | None:
        return figures.share(self.steps_met, self.steps_done)

    @property
    def settled_share(self) -> float | None:
        return figures.share(self.settled, self.complaints)


@dataclass(frozen=True)
class WeekRow:
    label: str
    first: date
    last: date
    received: int
    complaints: int
    not_complaints: int
    duplicates: int
    settled: int


@dataclass(frozen=True)
class PathRow:
    path: str
    label: str
    count: int
    settled: int
    open: int
    settle_time: float | None


@dataclass(frozen=True)
class DayCount:
    day: date
    complaints: int
    not_complaints: int  # the chart's upper stack: not a complaint of its own (duplicates included)

    @property
    def total(self) -> int:
        return self.complaints + self.not_complaints


@dataclass(frozen=True)
class MonthlyReport:
    year: int
    month: int
    start: datetime
    cutoff: datetime
    month_over: bool
    summary: Summary
    previous: Summary
    by_status: list[tuple[str, int]]
    by_platform: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_bidang: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_week: list[WeekRow]
    by_path: list[PathRow]
    steps: list[StepRow]
    per_day: list[DayCount]


def month_bounds(year: int, month: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """(first moment, last second) of the month in the store's timezone."""
    start = datetime.combine(date(year, month, 1), time(0, 0), tzinfo=tz)
    days = monthcal.monthrange(year, month)[1]
    return start, start + timedelta(days=days) - timedelta(seconds=1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


@dataclass(frozen=True)
class _Seen:
    """A case received in the month, as it stood at the cutoff."""

    case: Case
    received: datetime
    path: str
    final: bool
    first_response: float | None
    settle_time: float | None
    paused: float = 0.0
    reopened: int = 0
    undone: int = 0


def _summary(year: int, month: int, seen: list[_Seen], steps: list[StepRow]) -> Summary:
    not_complaints = sum(1 for s in seen if s.case.status == figures.NOT_A_COMPLAINT)
    duplicates = sum(1 for s in seen if s.case.status == figures.DUPLICATE)
    return Summary(
        year=year,
        month=month,
        received=len(seen),
        complaints=len(seen) - not_complaints - duplicates,
        not_complaints=not_complaints,
        duplicates=duplicates,
        settled=sum(1 for s in seen if s.case.status == figures.SETTLED),
        open=sum(1 for s in seen if not s.final),
        steps_done=sum(r.done for r in steps),
        steps_met=sum(r.met for r in steps),
        first_response=figures.median([s.first_response for s in seen if s.first_response is not None]),
        settle_time=figures.median(
            [s.settle_time for s in seen if s.settle_time is not None and s.case.status == figures.SETTLED]
        ),
        referred=sum(1 for s in seen if s.path == sla.PATH_REFERRED),
        reopened=sum(1 for s in seen if s.reopened),
        paused=sum(1 for s in seen if s.paused),
        paused_minutes=sum(s.paused for s in seen),
        undone=sum(s.undone for s in seen),
    )


def _month(items: list[Timed], year: int, month: int, cutoff: datetime, sop: Sop, tz: ZoneInfo, calendar: Calendar | None):
    """The cases received in the month as they stood at the cutoff, and the step rows of the month."""
    start, end = month_bounds(year, month, tz)
    cutoff = min(cutoff, end)
    seen: list[_Seen] = []
    timings: list[sla.StepTiming] = []
    for item in items:
        if not item.times or item.times[0] > cutoff or item.times[-1] < start:
            continue  # received after the cutoff, or all its steps were done before the month
        case = item.at(cutoff)
        if case is None:
            continue
        if start <= item.received:
            found = sla.case_figures(case, sop, tz, calendar)
            timings.extend(t for t in found.steps if t.end >= start)
            seen.append(
                _Seen(
                    case, item.received, found.path, figures.is_final(case, sop), found.first_response, found.settle,
                    found.paused, found.reopened, found.undone,
                )  # fmt: skip
            )
        else:  # an older case: only its steps done within this month count
            timings.extend(t for t in sla.step_timings(case, sop, tz, calendar) if t.end >= start)
    return start, cutoff, end, seen, figures.step_rows(timings, sop)


def monthly_figures(
    cases: Iterable[Case | Timed],
    year: int,
    month: int,
    cutoff: datetime,
    sop: Sop,
    config: Config,
    tz: ZoneInfo,
    calendar: Calendar | None = None,
) -> MonthlyReport:
    """The monthly report's figures, as the cases stood at `cutoff` (within the month)."""
    items = figures.ensure_timed(cases, tz)
    start, cutoff, end, seen, steps = _month(items, year, month, cutoff, sop, tz, calendar)
    py, pm = previous_month(year, month)
    _, prev_end = month_bounds(py, pm, tz)
    _, _, _, prev_seen, prev_steps = _month(items, py, pm, prev_end, sop, tz, calendar)

    statuses: list[str] = []
    for t in sop.transitions:
        if t.status not in statuses:
            statuses.append(t.status)
    by_status = [
        (label, n) for label, n in figures.count_rows((s.case.status for s in seen), STATUS_LABELS, statuses) if n
    ]
    cases_seen = [s.case for s in seen]
    by_platform = figures.count_rows(
        (c.platform for c in cases_seen), {p: fmt.platform(p) for p in config.platforms}, config.platforms
    )
    by_kind = figures.count_rows((c.kind for c in cases_seen), KIND_LABELS, config.kinds)
    complaints_only = [s.case for s in seen if s.case.status not in figures.NOT_NEW]
    by_bidang = figures.count_rows((c.bidang for c in complaints_only), config.bidang, list(config.bidang))
    by_category = figures.count_rows((c.category for c in complaints_only), config.categories, list(config.categories))

    days = monthcal.monthrange(year, month)[1]
    per_day_counts = {d: [0, 0] for d in range(1, days + 1)}
    for s in seen:
        per_day_counts[s.received.day][1 if s.case.status in figures.NOT_NEW else 0] += 1
    per_day = [DayCount(date(year, month, d), c, n) for d, (c, n) in per_day_counts.items()]

    weeks = []
    for index, first in enumerate(range(1, days + 1, 7)):
        last = min(first + 6, days)
        chunk = [s for s in seen if first <= s.received.day <= last]
        not_c = sum(1 for s in chunk if s.case.status == figures.NOT_A_COMPLAINT)
        dup = sum(1 for s in chunk if s.case.status == figures.DUPLICATE)
        weeks.append(
            WeekRow(
                label=f"Minggu {ROMAN[index]}",
                first=date(year, month, first),
                last=date(year, month, last),
                received=len(chunk),
                complaints=len(chunk) - not_c - dup,
                not_complaints=not_c,
                duplicates=dup,
                settled=sum(1 for s in chunk if s.case.status == figures.SETTLED),
            )
        )

    paths = []
    for path in sla.PATHS:
        chunk = [s for s in seen if s.path == path]
        paths.append(
            PathRow(
                path=path,
                label=figures.PATH_LABELS[path],
                count=len(chunk),
                settled=sum(1 for s in chunk if s.final),
                open=sum(1 for s in chunk if not s.final),
                settle_time=figures.median(
                    [s.settle_time for s in chunk if s.settle_time is not None and s.case.status == figures.SETTLED]
                ),
            )
        )

    return MonthlyReport(
        year=year,
        month=month,
        start=start,
        cutoff=cutoff,
        month_over=cutoff >= end,
        summary=_summary(year, month, seen, steps),
        previous=_summary(py, pm, prev_seen, prev_steps),
        by_status=by_status,
        by_platform=by_platform,
        by_kind=by_kind,
        by_bidang=by_bidang,
        by_category=by_category,
        by_week=weeks,
        by_path=paths,
        steps=steps,
        per_day=per_day,
    )
