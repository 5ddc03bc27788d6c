"""Making the report documents and committing them to the store (SOP steps 12-15).

The daily report (step 12) and each event of the monthly report (susun 13, paraf 14, periksa
15) is one commit touching only files under laporan/, with `Jenis: laporan` trailers.

Idempotence: a report is made again only when its inputs changed. The inputs' fingerprint (the
git ids of kasus/, pengaduan.yaml and sop.yaml, and what the command was given) is kept in the
report's record file; when it is unchanged, nothing is rendered. When it changed, the documents
are rendered and compared byte for byte with those in the store (the PDF bytes are deterministic,
and a PDF carries its HTML's fingerprint, so an unchanged PDF is not even rendered again); only
what differs is written, and nothing differing means no commit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pengaduan import __version__
from pengaduan.app import privacy
from pengaduan.app.context import Desk
from pengaduan.core import monthly_report as record
from pengaduan.core import timeutil
from pengaduan.core.config import Staff
from pengaduan.core.monthly_report import MonthlyRecord
from pengaduan.errors import InputError
from pengaduan.reports import pdf
from pengaduan.reports.daily import daily_figures, day_bounds
from pengaduan.reports.monthly import month_bounds, monthly_figures, previous_month
from pengaduan.reports.render import Letterhead, render_daily, render_monthly
from pengaduan.store import commits, layout, spans, yamlio

# The fingerprint covers the report code and templates; bump this for any other change in what
# a report says for the same data (a dependency's formatting, say).
FORMAT = "1"
FORMATS = {"html": ("html",), "pdf": ("pdf",), "semua": ("html", "pdf")}
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
DAILY_SCHEMA = 1


@dataclass
class Outcome:
    """What a report command did: the files it wrote (or found unchanged) and its commit."""

    changed: bool
    files: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    commit: str | None = None
    status: str = ""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The report code and templates themselves: a new version of either may say things differently."""
    digest = hashlib.sha256(f"pengaduan {__version__} laporan {FORMAT}\n".encode())
    for package, pattern in (("pengaduan.reports", "*.py"), ("pengaduan.data", "templates/*")):
        root = Path(str(files(package)))
        for path in sorted(root.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def inputs_fingerprint(desk: Desk, rev: str, *parts: Any) -> str:
    """What a report is made from: kasus/, the config and the SOP at `rev`, the report code, and the command's inputs."""
    tree = desk.store.git.tree_listing(rev, (layout.CASES, layout.CONFIG, layout.SOP))
    digest = hashlib.sha256(code_digest().encode())
    digest.update(tree)
    for part in parts:
        digest.update(b"\0" + str(part).encode("utf-8"))
    return digest.hexdigest()


def parse_month(text: str) -> tuple[int, int]:
    found = MONTH_RE.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise InputError(f"--bulan '{text}' bukan bulan; tulis YYYY-MM, contoh: 2026-11")
    if not timeutil.FIRST_YEAR <= int(found.group(1)) <= timeutil.LAST_YEAR:
        raise InputError(f"--bulan '{text}' di luar rentang tahun {timeutil.FIRST_YEAR}–{timeutil.LAST_YEAR}; periksa tahunnya")
    return int(found.group(1)), int(found.group(2))


def _digest(path: Path) -> str | None:
    data = _read(path)
    return sha256(data) if data is not None else None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _documents(
    html: str, formats: Sequence[str], moment: datetime, existing_pdf: bytes | None
) -> dict[str, bytes]:
    """{'html': bytes, 'pdf': bytes} as asked; an existing PDF made from the same HTML is reused."""
    out: dict[str, bytes] = {}
    if "html" in formats:
        out["html"] = html.encode("utf-8")
    if "pdf" in formats:
        if existing_pdf is not None and pdf.identifier_of(existing_pdf) == pdf.fingerprint(html):
            out["pdf"] = existing_pdf
        else:
            out["pdf"] = pdf.html_to_pdf(html, moment)
    return out


def _stale(base: Path, html: str, formats: Sequence[str]) -> list[str]:
    """Suffixes of documents of the other format that no longer match the report (to remove)."""
    stale = []
    if "html" not in formats:
        old = _read(base.with_suffix(".html"))
        if old is not None and old != html.encode("utf-8"):
            stale.append("html")
    if "pdf" not in formats:
        old = _read(base.with_suffix(".pdf"))
        if old is not None and pdf.identifier_of(old) != pdf.fingerprint(html):
            stale.append("pdf")
    return stale


def check_daily_role(desk: Desk, actor: Staff) -> str:
    daily = desk.sop.report_action(record.DAILY)
    return record.acting_role(actor, daily.roles, desk.sop, f"membuat laporan harian (langkah {daily.step})")


# -- the daily report (step 12) --------------------------------------------------------------------
def daily_base(day: date) -> str:
    return f"{layout.REPORTS}/harian/{day:%Y}/{day:%m}/{day.isoformat()}"


def make_daily(
    desk: Desk,
    actor: Staff,
    day: date,
    formats: Sequence[str] = ("html", "pdf"),
    outdir: Path | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Make the daily report of `day`; commit it as step 12, or write it to `outdir` without committing."""
    role = check_daily_role(desk, actor)
    head = desk.store.git.head()  # everything below is read at this commit; the commit checks it still is HEAD
    tz = desk.tz
    now = now or desk.now()
    if day > now.date():
        raise InputError(
            f"--tanggal {day.isoformat()} ada di masa depan (hari ini {now.date().isoformat()}); "
            "pilih hari yang sudah berjalan"
        )
    start, end = day_bounds(day, tz)
    over = now > end
    cutoff = end if over else now
    relbase = daily_base(day)
    record_rel = relbase + ".yaml"
    # A day still running is reported as of now: waiting times and the overdue list move on with
    # the clock even when no case changed, so the minute of the cut-off is one of its inputs.
    as_of = "" if over else f"{cutoff:%Y-%m-%dT%H:%M}"
    fingerprint = inputs_fingerprint(
        desk, head or "HEAD", "harian", day.isoformat(), over, actor.code, actor.name, as_of
    )

    if outdir is None:
        record_path = desk.store.root / record_rel
        previous = yamlio.load_file(record_path, record_rel) if record_path.is_file() else None
        if _daily_unchanged(desk, previous, fingerprint, relbase, formats):
            return Outcome(False, [f"{relbase}.{f}" for f in formats])

    # What a report may show: opened with this machine's keys, nothing of a `rahasia` case.
    cases = privacy.for_sharing(desk, spans.load_relevant(desk.store, head or "HEAD", spans.day_keep(start, cutoff)))
    report = daily_figures(cases, day, cutoff, desk.sop, desk.config, tz, desk.calendar)
    del cases  # rendering allocates a lot: let the collector forget the cases
    html = render_daily(report, Letterhead.of(desk.config, desk.sop), desk.sop, actor, desk.calendar)
    base = (outdir / day.isoformat()) if outdir is not None else desk.store.root / relbase
    docs = _documents(html, formats, cutoff, _read(base.with_suffix(".pdf")))

    if outdir is not None:
        written = []
        for suffix, data in docs.items():
            target = base.with_suffix("." + suffix)
            if _read(target) != data:
                yamlio.write_atomic(target, data)
                written.append(str(target))
        return Outcome(bool(written), [str(base.with_suffix("." + s)) for s in docs])

    stale = _stale(base, html, formats)
    changed = {s: d for s, d in docs.items() if _read(base.with_suffix("." + s)) != d}
    files = [f"{relbase}.{s}" for s in docs]
    if not changed and not stale:
        return Outcome(False, files)
    entry = {
        "schema": DAILY_SCHEMA,
        "tanggal": day.isoformat(),
        "keadaan_per": timeutil.to_text(cutoff),
        "petugas": {"kode": actor.code, "nama": actor.name},
        "sidik_data": fingerprint,
        "berkas": {f"{relbase}.{s}": sha256(d) for s, d in sorted(docs.items())},
    }
    moment = timeutil.to_text(min(now, desk.recording_now()))  # the step's time: never ahead of the real clock
    step = desk.sop.report_action(record.DAILY).step
    subject = f"Laporan harian {day.isoformat()} (langkah {step})"
    message = commits.report(subject, step, record.DAILY, role, moment, desk.sop.number)
    with desk.store.transaction(message, actor, expect_head=head) as txn:
        for suffix, data in changed.items():
            txn.write(f"{relbase}.{suffix}", data)
        for suffix in stale:
            txn.remove(f"{relbase}.{suffix}")
        txn.write_yaml(record_rel, entry)
    return Outcome(True, files, [f"{relbase}.{s}" for s in stale], txn.commit)


def _daily_unchanged(desk: Desk, previous: Any, fingerprint: str, relbase: str, formats: Sequence[str]) -> bool:
    if not isinstance(previous, dict) or previous.get("sidik_data") != fingerprint:
        return False
    files = previous.get("berkas") or {}
    wanted = [f"{relbase}.{suffix}" for suffix in formats]
    return all(rel in files and _digest(desk.store.root / rel) == files[rel] for rel in wanted)


# -- the monthly report (steps 13-15) --------------------------------------------------------------
def monthly_base(year: int, month: int) -> str:
    return f"{layout.REPORTS}/bulanan/{year:04d}-{month:02d}"


def load_record(desk: Desk, year: int, month: int) -> MonthlyRecord | None:
    rel = monthly_base(year, month) + ".yaml"
    path = desk.store.root / rel
    if not path.is_file():
        return None
    return MonthlyRecord.from_dict(yamlio.load_file(path, rel), rel)


def _render_monthly(desk: Desk, rec: MonthlyRecord, rev: str) -> str:
    year, month = parse_month(rec.month)
    cutoff = timeutil.from_text(rec.cutoff, desk.tz)
    previous_start, _ = month_bounds(*previous_month(year, month), desk.tz)
    cases = privacy.for_sharing(desk, spans.load_relevant(desk.store, rev, spans.months_keep(previous_start, cutoff)))
    report = monthly_figures(cases, year, month, cutoff, desk.sop, desk.config, desk.tz, desk.calendar)
    return render_monthly(report, rec, Letterhead.of(desk.config, desk.sop), desk.sop, desk.tz, desk.calendar)


def _commit_monthly(
    desk: Desk, rec: MonthlyRecord, html: str, actor: Staff, subject: str, event: record.Event, head: str | None
) -> Outcome:
    year, month = parse_month(rec.month)
    relbase = monthly_base(year, month)
    moment = timeutil.from_text(event.time, desk.tz)
    docs = _documents(html, ("html", "pdf"), moment, _read(desk.store.root / f"{relbase}.pdf"))
    rec = replace(rec, files={f"{relbase}.{s}": sha256(d) for s, d in sorted(docs.items())})
    message = commits.report(subject, event.step, event.action, event.role, event.time, desk.sop.number)
    with desk.store.transaction(message, actor, expect_head=head) as txn:
        for suffix, data in docs.items():
            txn.write(f"{relbase}.{suffix}", data)
        txn.write_yaml(relbase + ".yaml", rec.to_dict())
    return Outcome(True, [f"{relbase}.{s}" for s in docs], commit=txn.commit, status=rec.status)


def draft_monthly(
    desk: Desk,
    actor: Staff,
    month_text: str,
    at: datetime,
    conclusion: str | None = None,
    recommendation: str | None = None,
    revise: bool = False,
    note: str | None = None,
) -> Outcome:
    """Step 13: the Pimpinan Redaksi drafts (or re-drafts) the month's report."""
    year, month = parse_month(month_text)
    name = f"{year:04d}-{month:02d}"
    now = desk.now()
    timeutil.refuse_future(at, desk.recording_now())
    start, end = month_bounds(year, month, desk.tz)
    if start > now:
        raise InputError(f"--bulan {name} belum dimulai; pilih bulan yang sudah berjalan")
    head = desk.store.git.head()  # the record and the cases are read at this commit
    previous = load_record(desk, year, month)
    revision, event, kept = record.draft(previous, name, actor, at, desk.sop, desk.tz, revise, note)
    # Given anew, or kept from the draft before; stripped, as stored (so a re-run compares equal).
    conclusion = (conclusion if conclusion is not None else (previous.conclusion if previous else "")).strip()
    recommendation = (recommendation if recommendation is not None else (previous.recommendation if previous else "")).strip()
    over = now > end
    basis = head or "HEAD"
    fingerprint = inputs_fingerprint(desk, basis, "bulanan", name, over, conclusion, recommendation, actor.code)
    if previous is not None and previous.status == record.DRAFT and previous.fingerprint == fingerprint:
        if previous.files and all(_digest(desk.store.root / rel) == digest for rel, digest in previous.files.items()):
            return Outcome(False, sorted(previous.files), status=previous.status)
    rec = MonthlyRecord(
        month=name,
        status=record.DRAFT,
        revision=revision,
        cutoff=timeutil.to_text(end if over else now),
        basis=basis,
        fingerprint=fingerprint,
        conclusion=conclusion,
        recommendation=recommendation,
        events=(*kept, event),
    )
    html = _render_monthly(desk, rec, basis)
    if previous is None:
        what = "draf disusun"
    elif revision > previous.revision:
        what = f"draf revisi {revision} disusun"
    else:
        what = "draf disusun ulang"
    return _commit_monthly(desk, rec, html, actor, f"Laporan bulanan {name}: {what} (langkah {event.step})", event, head)


def _sign_off(desk: Desk, actor: Staff, month_text: str, at: datetime, note: str | None, step, subject: str) -> Outcome:
    """Record a paraf or a check on the month's report, re-render it (same data: its basis commit), commit."""
    year, month = parse_month(month_text)
    name = f"{year:04d}-{month:02d}"
    timeutil.refuse_future(at, desk.recording_now())
    head = desk.store.git.head()  # the record is read at this commit
    rec = step(load_record(desk, year, month), name, actor, at, desk.sop, desk.tz, note)
    html = _render_monthly(desk, rec, rec.basis)
    steps = {action: item.step for action, item in desk.sop.report_actions.items()}
    return _commit_monthly(desk, rec, html, actor, subject.format(month=name, **steps), rec.events[-1], head)


def initial_monthly(desk: Desk, actor: Staff, month_text: str, at: datetime, note: str | None = None) -> Outcome:
    """Step 14 (paraf): the Kepala Bidang initials the draft."""
    subject = "Laporan bulanan {month}: diparaf Kepala Bidang (langkah {paraf})"
    return _sign_off(desk, actor, month_text, at, note, record.initial, subject)


def check_monthly(desk: Desk, actor: Staff, month_text: str, at: datetime, note: str | None = None) -> Outcome:
    """Steps 14-15 (periksa): the Pimpinan Redaksi checks the initialled report; it becomes final."""
    subject = "Laporan bulanan {month}: diperiksa Pimpinan Redaksi, final; SOP selesai (langkah {paraf}-{periksa})"
    return _sign_off(desk, actor, month_text, at, note, record.check, subject)
