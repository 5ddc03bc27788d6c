"""HTML from Jinja2 templates with autoescaping: complaint text from social media is untrusted.

The templates live in pengaduan/data/templates (package data); the CSS is inlined, the charts
are inline SVG and the letterhead's logo a data: URL, so each HTML file is self-contained and
opens offline. Every printed value passes `fmt.readable` with the machine's font coverage: what
no font can draw (an emoji without an emoji font, say) prints as words, never as empty boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pengaduan import __version__
from pengaduan.core import timeutil
from pengaduan.core.calendar import Calendar
from pengaduan.core.config import Config, Kop, Staff
from pengaduan.core.logo import Logo
from pengaduan.core.monthly_report import DAILY, FINAL, STATUS_LABELS, MonthlyRecord
from pengaduan.core.sop import Sop
from pengaduan.reports import charts, fmt
from pengaduan.reports.daily import DailyReport
from pengaduan.reports.monthly import MonthlyReport

DAILY_TITLE = "Laporan Harian Pengaduan Masyarakat melalui Media Sosial"
MONTHLY_TITLE = "Laporan Bulanan Pengaduan Masyarakat melalui Media Sosial"


@dataclass(frozen=True)
class KopPart:
    """One item of a letterhead line: a label ('Telepon'), its value, and whether it is a placeholder."""

    label: str
    value: str

    @property
    def placeholder(self) -> bool:
        return Kop.is_placeholder(self.value)


@dataclass(frozen=True)
class Letterhead:
    agency: str
    agency_short: str
    city: str
    sop_number: str
    sop_name: str
    government: str = ""
    agency_line: str = ""  # the agency as the letterhead prints it (upper case)
    lines: tuple[tuple[KopPart, ...], ...] = ()  # address, then contacts, then e-mail and website
    logo_url: str = ""  # a data: URL (see core.logo.Logo)

    @classmethod
    def of(cls, config: Config, sop: Sop, kop: Kop | None = None, logo: Logo | None = None) -> Letterhead:
        agency = config.agency or sop.agency
        if kop is None:
            return cls(agency, config.agency_short, config.city, sop.number, sop.name, agency_line=agency.upper())
        rows = (
            (KopPart("", kop.address),),
            (KopPart("Telepon", kop.phone), KopPart("Faksimile", kop.fax)),
            (KopPart("Pos-el", kop.email), KopPart("Laman", kop.website)),
        )
        lines = tuple(tuple(p for p in row if p.value) for row in rows)
        return cls(
            agency,
            config.agency_short,
            config.city,
            sop.number,
            sop.name,
            government=kop.government,
            agency_line=kop.agency or agency.upper(),
            lines=tuple(line for line in lines if line),
            logo_url=logo.data_url if logo is not None else "",
        )


@dataclass(frozen=True)
class Signer:
    """A signature block: who signs, under which SOP role, with NIP, rank and position from the roster."""

    role: str
    name: str
    position: str = ""
    rank: str = ""
    nip: str = ""  # as printed: '19800101 200501 1 001'

    @classmethod
    def of(cls, role: str, staff: Staff) -> Signer:
        return cls(role, staff.name, staff.position, staff.rank, staff.nip_label)


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


def _all_covered(code: int) -> bool:
    return True


Covered = Callable[[int], bool]


@lru_cache(maxsize=4)
def environment(covered: Covered = _all_covered) -> Environment:
    """The templates' environment; every printed value is made drawable with `covered`'s fonts."""

    def finalize(value: Any) -> Any:
        # Markup is a macro's output, whose own values went through here already.
        if isinstance(value, str) and not isinstance(value, Markup):
            return fmt.readable(value, covered)
        return value

    env = Environment(
        loader=PackageLoader("pengaduan.data", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize,
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


def day_note(report: DailyReport) -> str:
    """What kind of day it was, when it was not an ordinary working day ('' otherwise)."""
    weekday = fmt.long_date(report.day).split(",")[0]
    if report.holiday:
        return f"Hari libur: {report.holiday}"
    if not report.working_day:
        return f"Hari {weekday}: bukan hari kerja"
    return ""


def render_daily(
    report: DailyReport,
    head: Letterhead,
    sop: Sop,
    signer: Staff,
    calendar: Calendar | None = None,
    covered: Covered = _all_covered,
) -> str:
    """The daily report's HTML (step 12). `signer` is the admin who makes it."""
    created = timeutil.to_text(report.cutoff)
    doc = Doc(DAILY_TITLE, fmt.long_date(report.day), created, created)
    step = sop.step(sop.report_action(DAILY).step)
    role = sop.roles.get(step.actor, "Admin Media Sosial")
    return environment(covered).get_template("harian.html.j2").render(
        doc=doc,
        head=head,
        r=report,
        step=step,
        signer=Signer.of(role, signer),
        cutoff_label=_cutoff_label(report.cutoff, report.day_over),
        calendar_note=_calendar_note(calendar),
        day_note=day_note(report),
    )


def render_monthly(
    report: MonthlyReport,
    record: MonthlyRecord,
    head: Letterhead,
    sop: Sop,
    tz: ZoneInfo,
    calendar: Calendar | None = None,
    people: Mapping[str, Staff] | None = None,
    covered: Covered = _all_covered,
    e_signed: bool = False,
) -> str:
    """The monthly report's HTML for the record's current status (draft, initialled, final).

    `people` is the roster by code (for NIP, rank and position in the signature blocks);
    `e_signed` says the final PDF will carry an electronic signature (the closing says so).
    """
    susun = record.current("susun")
    paraf = record.current("paraf")
    periksa = record.current("periksa")
    assert susun is not None, "a monthly report is rendered only once drafted"

    def mark(event: Any) -> Mark | None:
        return Mark(event.name, timeutil.from_text(event.time, tz).date()) if event is not None else None

    def staff(event: Any) -> Staff:
        found = (people or {}).get(event.code)
        return found if found is not None else Staff(event.code, event.name, ())

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
    signer_role = sop.roles.get(step.actor, "Pimpinan Redaksi")
    paraf_staff = staff(paraf) if paraf is not None else None
    return environment(covered).get_template("bulanan.html.j2").render(
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
        paraf_position=paraf_staff.position if paraf_staff is not None else "",
        checked=mark(periksa) if record.status == FINAL else None,
        sign_date=mark(signed).date,  # type: ignore[union-attr]
        signer=Signer.of(signer_role, staff(signed)),
        letter_number=record.number,
        e_signed=e_signed and record.status == FINAL,
    )
