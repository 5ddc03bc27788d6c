"""Building blocks shared by the daily and monthly figures: a case as it stood at a moment, and
step statistics. Pure functions of cases; nothing here reads or prints.

The time figures themselves (step durations, time to first response and to settle, what an open
case waits for) come from `pengaduan.core.sla`, the one module that measures them, on the
store's working calendar; this module only counts and summarises them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from pengaduan import i18n
from pengaduan.core import sla
from pengaduan.core.case import Case, Entry
from pengaduan.core.sop import Sop

PATH_LABELS = i18n.PATH_LABELS
NOT_A_COMPLAINT = "bukan_pengaduan"
DUPLICATE = "duplikat"  # closed as a repeat of another case: counted apart, never as a complaint
SETTLED = "selesai"
NOT_NEW = (NOT_A_COMPLAINT, DUPLICATE)  # received, but not a complaint of its own


@dataclass(frozen=True)
class Timed:
    """A case with its entry times parsed once (reports look at every case several times)."""

    case: Case
    received: datetime
    times: tuple[datetime, ...]

    def count_until(self, moment: datetime) -> int:
        """How many history entries had been recorded at `moment` (entries are in time order)."""
        count = 0
        for when in self.times:
            if when > moment:
                break
            count += 1
        return count

    def at(self, moment: datetime) -> Case | None:
        """The case as it stood at `moment`, or None when it had not been received yet."""
        count = self.count_until(moment)
        if count == 0:
            return None
        if count == len(self.case.history):
            return self.case
        history = self.case.history[:count]
        last = next((e for e in reversed(history) if e.action != "koreksi"), history[-1])
        return replace(self.case, history=history, step=last.step, status=last.status)

    def entries_between(self, start: datetime, end: datetime) -> list[tuple[Entry, datetime]]:
        """Entries recorded in [start, end]."""
        return [(e, t) for e, t in zip(self.case.history, self.times, strict=True) if start <= t <= end]


def timed(cases: Iterable[Case], tz: ZoneInfo) -> list[Timed]:
    out = []
    for case in cases:
        times = tuple(e.time.astimezone(tz) for e in case.history)
        out.append(Timed(case, case.received_at.astimezone(tz), times))
    return out


def ensure_timed(cases: Iterable[Case | Timed], tz: ZoneInfo) -> list[Timed]:
    return [c if isinstance(c, Timed) else timed([c], tz)[0] for c in cases]


def is_final(case: Case | None, sop: Sop) -> bool:
    return case is not None and case.status in sop.final_statuses


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least pct% of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class StepRow:
    """One SOP case step's work in the period: how often, how many within standard, how long."""

    step: int
    activity: str
    actor: str
    standard: int
    done: int
    met: int
    median: float | None
    p90: float | None

    @property
    def met_share(self) -> float | None:
        return share(self.met, self.done)


def step_rows(timings: Iterable[sla.StepTiming], sop: Sop) -> list[StepRow]:
    """A row for every case step of the SOP (steps not done included, so the table is complete)."""
    by_step: dict[int, list[sla.StepTiming]] = {n: [] for n in sop.steps}
    for t in timings:
        by_step.setdefault(t.step, []).append(t)
    rows = []
    for number in sorted(by_step):
        items = by_step[number]
        step = sop.steps.get(number)
        minutes = [t.minutes for t in items]
        rows.append(
            StepRow(
                step=number,
                activity=step.activity if step else "",
                actor=sop.roles.get(step.actor, step.actor) if step else "",
                standard=step.minutes if step else 0,
                done=len(items),
                met=sum(1 for t in items if t.met),
                median=median(minutes),
                p90=percentile(minutes, 90),
            )
        )
    return rows


def count_rows(values: Iterable[str | None], labels: dict[str, str], order: Sequence[str] = ()) -> list[tuple[str, int]]:
    """(label, count) in the configured order, then unknown values; configured zeros are kept."""
    counts: dict[str, int] = {}
    for value in values:
        key = value or ""
        counts[key] = counts.get(key, 0) + 1
    keys = list(order) + sorted(k for k in counts if k not in order and k)
    rows = [(labels.get(k, k), counts.get(k, 0)) for k in keys]
    if counts.get(""):
        rows.append(("(belum diisi)", counts[""]))
    return rows
