"""Geometry of the inline SVG charts. The templates draw it, so every label is autoescaped.

No chart library: two small charts do not justify a dependency, and inline SVG keeps the HTML
self-contained and renders the same in a browser and in weasyprint.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pengaduan.reports import fmt
from pengaduan.reports.monthly import DayCount


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Column:
    """A stacked column: `low` part at the bottom (complaints), `high` part on top."""

    x: float
    width: float
    low_y: float
    low_h: float
    high_y: float
    high_h: float
    label: str
    value: int


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    left: int
    top: int
    bottom: float
    right: int
    columns: list[Column]
    ticks: list[Tick]
    title: str


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    label: str
    value: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]
    title: str


def nice_max(value: int) -> tuple[int, int]:
    """(axis maximum, tick step): a round step (1, 2 or 5 x 10^k) giving at most 5 ticks."""
    if value <= 0:
        return 1, 1
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        step = max(1, factor * power)
        if step * 4 >= value:
            break
    return math.ceil(value / step) * step, step


def per_day_chart(days: Sequence[DayCount], width: int = 680, height: int = 210) -> ColumnChart:
    left, right, top, bottom_margin = 40, 8, 12, 24
    plot_h = height - top - bottom_margin
    bottom = top + plot_h
    top_value, step = nice_max(max((d.total for d in days), default=0))
    slot = (width - left - right) / max(1, len(days))
    scale = plot_h / top_value
    columns = []
    for index, day in enumerate(days):
        low_h = day.complaints * scale
        high_h = day.not_complaints * scale
        columns.append(
            Column(
                x=round(left + index * slot + slot * 0.15, 2),
                width=round(slot * 0.7, 2),
                low_y=round(bottom - low_h, 2),
                low_h=round(low_h, 2),
                high_y=round(bottom - low_h - high_h, 2),
                high_h=round(high_h, 2),
                label=str(day.day.day),
                value=day.total,
            )
        )
    ticks = [Tick(round(bottom - v * scale, 2), fmt.number(v)) for v in range(0, top_value + 1, step)]
    return ColumnChart(width, height, left, top, bottom, right, columns, ticks, "Pesan/komentar per hari")


def platform_chart(rows: Sequence[tuple[str, int]], width: int = 680) -> BarChart:
    label_width, bar_height, gap, value_room = 120, 16, 6, 60
    top_value = max((n for _, n in rows), default=0) or 1
    usable = width - label_width - value_room
    bars = [
        Bar(y=index * (bar_height + gap), width=round(usable * n / top_value, 2), label=label, value=fmt.number(n))
        for index, (label, n) in enumerate(rows)
    ]
    height = max(1, len(bars)) * (bar_height + gap)
    return BarChart(width, height, label_width, bar_height, bars, "Pesan/komentar per platform")
