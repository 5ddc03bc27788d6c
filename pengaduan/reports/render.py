"""HTML from Jinja2 templates with autoescaping: complaint text from social media is untrusted.

The templates live in pengaduan/data/templates (package data); the CSS is inlined and the charts
are inline SVG, so each HTML file is self-contained and opens offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from pengaduan import __version__
from pengaduan.core import timeutil
from pengaduan.core.calendar import Calendar
from pengaduan.core.config import Config, Staff
from pengaduan.core.monthly_report import DAILY, FINAL, STATUS_LABELS, MonthlyRecord
from pengaduan.core.sop import Sop
from pengaduan.reports import charts, fmt
from pengaduan.reports.daily import DailyReport
from pengaduan.reports.monthly import MonthlyReport

DAILY_TITLE = "Laporan Harian Pengaduan Masyarakat melalui Media Sosial"
MONTHLY_TITLE = "Laporan Bulanan Pengaduan Masyarakat melalui Media Sosial"


@dataclass(frozen=True)
class Letterhead:
    agency: str
    agency_short: str
    city: str
    sop_number: str
    sop_name: str

    @classmethod
    def of(cls, config: Config, sop: Sop) -> Letterhead:
        return cls(config.agency or sop.agency, config.agency_short, config.city, sop.number, sop.name)


@dataclass(frozen=True)
class Doc:
    title: str
    subtitle: str
    created: str  # W3C date-time written as PDF metadata: derived from the data, never "now"
    modified: str
    version: str = __version__


@dataclass(frozen=True)
class Mark:
    """A sign-off shown on the document: who and on which day."""

    name: str
    date: date

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.name.split() if part[:1].isalpha())[:3].upper()


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pengaduan.data", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        tanggal=fmt.plain_date,
        tanggal_hari=fmt.long_date,
        tanggal_pendek=fmt.short_date,
        jam=fmt.clock,
        angka=fmt.number,
        persen=fmt.percent,
        durasi=fmt.duration,
        selisih=fmt.delta,
    )
    return env


def _cutoff_label(cutoff: datetime, over: bool) -> str:
    if over:
        return f"{fmt.plain_date(cutoff.date())} pukul 24.00 WIB"
    return f"{fmt.plain_date(cutoff.date())} pukul {fmt.clock(cutoff)} (saat laporan dibuat)"


def _calendar_note(calendar: Calendar | None) -> str:
    if calendar is None:
        return "; dalam menit jam dinding"
    return "; dalam menit kerja menurut kalender kerja store"


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def render_daily(report: DailyReport, head: Letterhead, sop: Sop, signer: Staff, calendar: Calendar | None = None) -> str:
    """The daily report's HTML (step 12). `signer` is the admin who makes it (a Staff)."""
    created = timeutil.to_text(report.cutoff)
    doc = Doc(DAILY_TITLE, fmt.long_date(report.day), created, created)
    step = sop.step(sop.report_action(DAILY).step)
    return environment().get_template("harian.html.j2").render(
        doc=doc,
        head=head,
        r=report,
        step=step,
        signer=signer,
        signer_role=sop.roles.get(step.actor, "Admin Media Sosial"),
        cutoff_label=_cutoff_label(report.cutoff, report.day_over),
        calendar_note=_calendar_note(calendar),
    )


def render_monthly(
    report: MonthlyReport,
    record: MonthlyRecord,
    head: Letterhead,
    sop: Sop,
    tz: ZoneInfo,
    calendar: Calendar | None = None,
) -> str:
    """The monthly report's HTML for the record's current status (draft, initialled, final)."""
    susun = record.current("susun")
    paraf = record.current("paraf")
    periksa = record.current("periksa")
    assert susun is not None, "a monthly report is rendered only once drafted"

    def mark(event: Any) -> Mark | None:
        return Mark(event.name, timeutil.from_text(event.time, tz).date()) if event is not None else None

    signed = periksa if record.status == FINAL and periksa is not None else susun
    month_label = fmt.month_name(report.year, report.month)
    previous_label = fmt.month_name(report.previous.year, report.previous.month)
    events = [e for e in record.events if e.revision == record.revision]
    doc = Doc(
        MONTHLY_TITLE,
        f"Bulan {month_label}",
        susun.time,
        events[-1].time if events else susun.time,
    )
    path_rows = [(row.label, row.count) for row in report.by_path]
    step = sop.step(sop.report_action("susun").step)
    initialler = sop.report_action("paraf").roles[0]
    return environment().get_template("bulanan.html.j2").render(
        doc=doc,
        head=head,
        r=report,
        record=record,
        step=step,
        status_label=STATUS_LABELS.get(record.status, record.status),
        month_label=month_label,
        previous_label=previous_label,
        cutoff_label=_cutoff_label(report.cutoff, report.month_over),
        calendar_note=_calendar_note(calendar),
        path_rows=path_rows,
        day_chart=charts.per_day_chart(report.per_day),
        platform_chart=charts.platform_chart(report.by_platform),
        conclusion=_paragraphs(record.conclusion),
        recommendation=_paragraphs(record.recommendation),
        paraf=mark(paraf),
        paraf_role=sop.roles.get(initialler, "Kepala Bidang"),
        checked=mark(periksa) if record.status == FINAL else None,
        sign_date=mark(signed).date,  # type: ignore[union-attr]
        signer_name=signed.name,
        signer_role=sop.roles.get(step.actor, "Pimpinan Redaksi"),
    )
