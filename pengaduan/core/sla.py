"""Time standards: how long each recorded step took against the SOP's minutes.

One module computes these figures; `lihat`, the overdue list and the reports all use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pengaduan.core import timeutil
from pengaduan.core.case import Case
from pengaduan.core.sop import Sop


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


def step_timings(case: Case, sop: Sop, tz: Any, calendar: Any = None) -> list[StepTiming]:
    """Each SOP step of the case, measured from the previous entry (step 1: from posting time)."""
    out: list[StepTiming] = []
    previous: datetime | None = None
    for entry in case.history:
        end = timeutil.from_text(entry.time, tz)
        if entry.action == "koreksi" or entry.step not in sop.steps:
            continue
        if previous is None:
            previous = timeutil.from_text(case.posted_at, tz) if case.posted_at else end
        wall = timeutil.minutes_between(previous, end)
        worked = calendar.working_minutes(previous, end) if calendar is not None else wall
        standard = sop.steps[entry.step].minutes
        out.append(StepTiming(entry.step, entry.action, previous, end, wall, worked, standard, worked <= standard))
        previous = end
    return out
