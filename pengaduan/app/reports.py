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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pengaduan import __version__
from pengaduan.app import kop as kop_use
from pengaduan.app import privacy
from pengaduan.app.context import Desk
from pengaduan.core import monthly_report as record
from pengaduan.core import timeutil
from pengaduan.core.config import LOGO_DIR, Staff
from pengaduan.core.logo import Logo
from pengaduan.core.monthly_report import MonthlyRecord
from pengaduan.errors import ConfigError, InputError
from pengaduan.reports import pdf, tables
from pengaduan.reports.daily import DailyReport, daily_figures, day_bounds
from pengaduan.reports.monthly import MonthlyReport, month_bounds, monthly_figures, previous_month
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
    signed: bool = False  # the final PDF carries an electronic signature made by this command


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
    """What a report is made from: kasus/, the config, the SOP and the logo at `rev`, the report
    code, the fonts this machine has (they decide which characters print as words), and the
    command's inputs."""
    tree = desk.store.git.tree_listing(rev, (layout.CASES, layout.CONFIG, layout.SOP, LOGO_DIR))
    digest = hashlib.sha256(code_digest().encode())
    digest.update(tree)
    digest.update(pdf.coverage().digest().encode())
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


def _stored(desk: Desk, rel: str, rev: str | None = None) -> bytes | None:
    """A report file as committed (at rev, else HEAD): never a half-written work-tree file."""
    return desk.store.read_committed(rel, rev or "HEAD")


def _digest(desk: Desk, rel: str, rev: str | None = None) -> str | None:
    data = _stored(desk, rel, rev)
    return sha256(data) if data is not None else None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Source:
    """What a report's PDF is made from: its HTML, the files embedded in it, the checked logo."""

    html: str
    attachments: tuple[pdf.Attachment, ...] = ()
    logo: Logo | None = None

    @property
    def fingerprint(self) -> str:
        return pdf.fingerprint(self.html, self.attachments)

    def render(self, moment: datetime) -> bytes:
        logo = (self.logo.data_url, self.logo.data, self.logo.mime) if self.logo is not None else None
        return pdf.html_to_pdf(self.html, moment, attachments=self.attachments, logo=logo)


def _documents(
    source: Source, formats: Sequence[str], moment: datetime, existing_pdf: bytes | None
) -> dict[str, bytes]:
    """{'html': bytes, 'pdf': bytes} as asked; an existing PDF made from the same source is reused."""
    out: dict[str, bytes] = {}
    if "html" in formats:
        out["html"] = source.html.encode("utf-8")
    if "pdf" in formats:
        if existing_pdf is not None and pdf.identifier_of(existing_pdf) == source.fingerprint:
            out["pdf"] = existing_pdf
        else:
            out["pdf"] = source.render(moment)
    return out


def letterhead(desk: Desk, rev: str) -> tuple[Letterhead, Logo | None]:
    """The letterhead of the store's configuration, with its logo as committed at `rev` (checked)."""
    kop = kop_use.current(desk)
    logo = kop_use.logo_at(desk, kop, rev)
    return Letterhead.of(desk.config, desk.sop, kop, logo), logo


def _attachments(stem: str, data: dict[str, Any], figures: list[tables.Table]) -> tuple[pdf.Attachment, ...]:
    """The report's data record (YAML) and its figures (CSV), embedded in its PDF/A."""
    from pengaduan.reports import sheet

    return (
        pdf.Attachment(f"{stem}.yaml", yamlio.dump(data).encode("utf-8"), "Catatan data laporan", "application/yaml"),
        pdf.Attachment(f"{stem}-angka.csv", sheet.to_csv(figures), "Angka laporan (tabel CSV)", "text/csv"),
    )


def _stale(read: Callable[[str], bytes | None], source: Source, formats: Sequence[str]) -> list[str]:
    """Suffixes of documents of the other format that no longer match the report (to remove)."""
    stale = []
    if "html" not in formats:
        old = read("html")
        if old is not None and old != source.html.encode("utf-8"):
            stale.append("html")
    if "pdf" not in formats:
        old = read("pdf")
        if old is not None and pdf.identifier_of(old) != source.fingerprint:
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
    """Make the daily report of `day`; commit it as step 12, or write it to `outdir` without committing.

    Writing to `outdir` records no step, so any active petugas may (a preview, a copy to send);
    only committing it as step 12 needs the step's role.
    """
    role = check_daily_role(desk, actor) if outdir is None else ""
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
        recorded = _stored(desk, record_rel, head)
        previous = yamlio.load_text(recorded, record_rel) if recorded is not None else None
        if _daily_unchanged(desk, previous, fingerprint, relbase, formats, head):
            return Outcome(False, [f"{relbase}.{f}" for f in formats])

    report = _daily_report(desk, head or "HEAD", day, cutoff)
    head_of, logo = letterhead(desk, head or "HEAD")
    html = render_daily(report, head_of, desk.sop, actor, desk.calendar, pdf.coverage())
    entry = {
        "schema": DAILY_SCHEMA,
        "tanggal": day.isoformat(),
        "keadaan_per": timeutil.to_text(cutoff),
        "petugas": {"kode": actor.code, "nama": actor.name},
    }
    source = Source(html, _attachments(f"laporan-harian-{day.isoformat()}", entry, tables.daily_tables(report)), logo)
    if outdir is not None:
        base = outdir / day.isoformat()
        docs = _documents(source, formats, cutoff, _read(base.with_suffix(".pdf")))
        written = []
        for suffix, data in docs.items():
            target = base.with_suffix("." + suffix)
            if _read(target) != data:
                yamlio.write_atomic(target, data)
                written.append(str(target))
        return Outcome(bool(written), [str(base.with_suffix("." + s)) for s in docs])

    committed = {s: _stored(desk, f"{relbase}.{s}", head) for s in ("html", "pdf")}
    docs = _documents(source, formats, cutoff, committed["pdf"])
    stale = _stale(committed.get, source, formats)
    changed = {s: d for s, d in docs.items() if committed[s] != d}
    files = [f"{relbase}.{s}" for s in docs]
    if not changed and not stale:
        return Outcome(False, files)
    # The record in the store adds what the PDF cannot hold: the inputs' fingerprint, and the
    # files' digests (the PDF's own among them).
    entry = {
        **entry,
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


def _daily_report(desk: Desk, rev: str, day: date, cutoff: datetime) -> DailyReport:
    start, _ = day_bounds(day, desk.tz)
    # What a report may show: opened with this machine's keys, nothing of a `rahasia` case.
    cases = privacy.for_sharing(desk, spans.load_relevant(desk.store, rev, spans.day_keep(start, cutoff)))
    return daily_figures(cases, day, cutoff, desk.sop, desk.config, desk.tz, desk.calendar)


def _daily_unchanged(
    desk: Desk, previous: Any, fingerprint: str, relbase: str, formats: Sequence[str], rev: str | None
) -> bool:
    if not isinstance(previous, dict) or previous.get("sidik_data") != fingerprint:
        return False
    files = previous.get("berkas") or {}
    wanted = [f"{relbase}.{suffix}" for suffix in formats]
    return all(rel in files and _digest(desk, rel, rev) == files[rel] for rel in wanted)


# -- the monthly report (steps 13-15) --------------------------------------------------------------
def monthly_base(year: int, month: int) -> str:
    return f"{layout.REPORTS}/bulanan/{year:04d}-{month:02d}"


def load_record(desk: Desk, year: int, month: int, rev: str | None = None) -> MonthlyRecord | None:
    """The month's report record as committed (at rev, else HEAD)."""
    rel = monthly_base(year, month) + ".yaml"
    data = _stored(desk, rel, rev)
    if data is None:
        return None
    return MonthlyRecord.from_dict(yamlio.load_text(data, rel), rel)


def _monthly_report(desk: Desk, rec: MonthlyRecord, rev: str) -> MonthlyReport:
    year, month = parse_month(rec.month)
    cutoff = timeutil.from_text(rec.cutoff, desk.tz)
    previous_start, _ = month_bounds(*previous_month(year, month), desk.tz)
    cases = privacy.for_sharing(desk, spans.load_relevant(desk.store, rev, spans.months_keep(previous_start, cutoff)))
    return monthly_figures(cases, year, month, cutoff, desk.sop, desk.config, desk.tz, desk.calendar)


def _render_monthly(desk: Desk, rec: MonthlyRecord, rev: str, e_signed: bool = False) -> Source:
    report = _monthly_report(desk, rec, rev)
    head_of, logo = letterhead(desk, rev)
    people = {s.code: s for s in desk.config.staff}
    html = render_monthly(report, rec, head_of, desk.sop, desk.tz, desk.calendar, people, pdf.coverage(), e_signed)
    # Embedded: the record as it stands at this event (without what only exists after the PDF:
    # the files' digests and the signature), and the figures.
    data = {k: v for k, v in rec.to_dict().items() if k not in (record.RECORD_KEYS["files"], record.RECORD_KEYS["signature"])}
    return Source(html, _attachments(f"laporan-bulanan-{rec.month}", data, tables.monthly_tables(report)), logo)


def _commit_monthly(
    desk: Desk,
    rec: MonthlyRecord,
    source: Source,
    actor: Staff,
    subject: str,
    event: record.Event,
    head: str | None,
    signer: Any = None,
) -> Outcome:
    year, month = parse_month(rec.month)
    relbase = monthly_base(year, month)
    moment = timeutil.from_text(event.time, desk.tz)
    docs = _documents(source, ("html", "pdf"), moment, _stored(desk, f"{relbase}.pdf", head))
    if signer is not None:
        docs["pdf"], info = _sign(desk, docs["pdf"], signer, rec, actor)
        rec = replace(rec, signature=info)
    rec = replace(rec, files={f"{relbase}.{s}": sha256(d) for s, d in sorted(docs.items())})
    message = commits.report(subject, event.step, event.action, event.role, event.time, desk.sop.number)
    with desk.store.transaction(message, actor, expect_head=head) as txn:
        for suffix, data in docs.items():
            txn.write(f"{relbase}.{suffix}", data)
        txn.write_yaml(relbase + ".yaml", rec.to_dict())
    return Outcome(True, [f"{relbase}.{s}" for s in docs], commit=txn.commit, status=rec.status, signed=signer is not None)


def draft_monthly(
    desk: Desk,
    actor: Staff,
    month_text: str,
    at: datetime,
    conclusion: str | None = None,
    recommendation: str | None = None,
    revise: bool = False,
    note: str | None = None,
    number: str | None = None,
) -> Outcome:
    """Step 13: the Pimpinan Redaksi drafts (or re-drafts) the month's report.

    `number` is the letter number (nomor surat) printed under the title; given anew, or kept.
    """
    year, month = parse_month(month_text)
    name = f"{year:04d}-{month:02d}"
    now = desk.now()
    timeutil.refuse_future(at, desk.recording_now())
    start, end = month_bounds(year, month, desk.tz)
    if start > now:
        raise InputError(f"--bulan {name} belum dimulai; pilih bulan yang sudah berjalan")
    head = desk.store.git.head()  # the record and the cases are read at this commit
    previous = load_record(desk, year, month, head)
    revision, event, kept = record.draft(previous, name, actor, at, desk.sop, desk.tz, revise, note)
    # Given anew, or kept from the draft before; stripped, as stored (so a re-run compares equal).
    conclusion = (conclusion if conclusion is not None else (previous.conclusion if previous else "")).strip()
    recommendation = (recommendation if recommendation is not None else (previous.recommendation if previous else "")).strip()
    number = " ".join((number if number is not None else (previous.number if previous else "")).split())
    if len(number) > 100:
        raise InputError("--nomor terlalu panjang (paling panjang 100 karakter)")
    over = now > end
    basis = head or "HEAD"
    fingerprint = inputs_fingerprint(desk, basis, "bulanan", name, over, conclusion, recommendation, actor.code, number)
    if previous is not None and previous.status == record.DRAFT and previous.fingerprint == fingerprint:
        if previous.files and all(_digest(desk, rel, head) == digest for rel, digest in previous.files.items()):
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
        number=number,
    )
    source = _render_monthly(desk, rec, basis)
    if previous is None:
        what = "draf disusun"
    elif revision > previous.revision:
        what = f"draf revisi {revision} disusun"
    else:
        what = "draf disusun ulang"
    return _commit_monthly(desk, rec, source, actor, f"Laporan bulanan {name}: {what} (langkah {event.step})", event, head)


def _sign_off(
    desk: Desk, actor: Staff, month_text: str, at: datetime, note: str | None, step, subject: str, signer: Any = None
) -> Outcome:
    """Record a paraf or a check on the month's report, re-render it (same data: its basis commit), commit."""
    year, month = parse_month(month_text)
    name = f"{year:04d}-{month:02d}"
    timeutil.refuse_future(at, desk.recording_now())
    head = desk.store.git.head()  # the record is read at this commit
    rec = step(load_record(desk, year, month, head), name, actor, at, desk.sop, desk.tz, note)
    source = _render_monthly(desk, rec, rec.basis, e_signed=signer is not None)
    steps = {action: item.step for action, item in desk.sop.report_actions.items()}
    return _commit_monthly(desk, rec, source, actor, subject.format(month=name, **steps), rec.events[-1], head, signer)


def initial_monthly(desk: Desk, actor: Staff, month_text: str, at: datetime, note: str | None = None) -> Outcome:
    """Step 14 (paraf): the Kepala Bidang initials the draft."""
    subject = "Laporan bulanan {month}: diparaf Kepala Bidang (langkah {paraf})"
    return _sign_off(desk, actor, month_text, at, note, record.initial, subject)


def check_monthly(
    desk: Desk, actor: Staff, month_text: str, at: datetime, note: str | None = None, sign: bool = True
) -> Outcome:
    """Steps 14-15 (periksa): the Pimpinan Redaksi checks the initialled report; it becomes final.

    With a signing certificate configured on this machine (and `sign`), the final PDF carries
    the Pimpinan Redaksi's electronic signature (PAdES).
    """
    subject = "Laporan bulanan {month}: diperiksa Pimpinan Redaksi, final; SOP selesai (langkah {paraf}-{periksa})"
    signer = None
    if sign:
        settings = machine_signing(desk)
        if settings.p12 is not None:
            from pengaduan.reports import signature

            signer = signature.load_signer(_read_p12(settings.p12), settings.passphrase, str(settings.p12))
    return _sign_off(desk, actor, month_text, at, note, record.check, subject, signer)


# -- the electronic signature ------------------------------------------------------------------------
ENV_P12 = "PENGADUAN_P12"
ENV_P12_PASSPHRASE = "PENGADUAN_P12_FRASA"
ENV_TRUST_ROOTS = "PENGADUAN_AKAR_TTD"
P12_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class SigningSettings:
    p12: Path | None = None  # the signer's PKCS#12 file (certificate and private key)
    passphrase: str | None = None
    roots: Path | None = None  # trusted root certificates (PEM or DER) for checking signatures


def machine_signing(desk: Desk) -> SigningSettings:
    """This machine's signing settings: the one place they are read.

    They are machine-local and never part of the shared store: `pengaduan lokal
    laporan.sertifikat BERKAS` and `laporan.akar BERKAS` (.git/pengaduan/lokal.yaml), each
    overridden by PENGADUAN_P12 / PENGADUAN_AKAR_TTD when set; the certificate's passphrase only
    from PENGADUAN_P12_FRASA (the tool writes no secret to a file). A certificate file inside the
    store's folder is refused (it could be committed and pushed to every clone).
    """
    import os

    local = desk.store.local()

    def path_of(variable: str, key: str) -> Path | None:
        text = os.environ.get(variable, "").strip() or str(local.get(key) or "").strip()
        if not text:
            return None
        path = Path(text).expanduser().resolve()
        root = desk.store.root.resolve()
        if path == root or root in path.parents:
            raise ConfigError(
                f"{variable} / lokal {key} menunjuk ke dalam store ({path}); simpan sertifikat di luar store, hanya di mesin ini"
            )
        return path

    return SigningSettings(
        path_of(ENV_P12, "laporan.sertifikat"),
        os.environ.get(ENV_P12_PASSPHRASE) or None,
        path_of(ENV_TRUST_ROOTS, "laporan.akar"),
    )


def _read_p12(path: Path) -> bytes:
    try:
        if path.stat().st_size > P12_LIMIT:
            raise InputError(f"{ENV_P12}: {path} terlalu besar untuk berkas PKCS#12")
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{ENV_P12}: {path} tidak dapat dibaca ({exc.strerror}); periksa path sertifikatnya") from None


def _sign(desk: Desk, unsigned: bytes, signer: Any, rec: MonthlyRecord, actor: Staff) -> tuple[bytes, dict[str, str]]:
    from pengaduan.reports import fmt, signature

    year, month = parse_month(rec.month)
    steps = f"{desk.sop.report_action('paraf').step}-{desk.sop.report_action('periksa').step}"
    reason = f"Laporan bulanan {fmt.month_name(year, month)} final (SOP {desk.sop.number} langkah {steps})"
    signed = signature.sign(unsigned, signer, reason, desk.config.city, actor.name)
    subject, cert_digest = signature.certificate_of(signer)
    return signed, {
        "penanda_tangan": subject,
        "sertifikat_sha256": cert_digest,
        # The deterministic document is the signed file's first bytes: these say which.
        "panjang_tanpa_ttd": str(len(unsigned)),
        "sha256_tanpa_ttd": sha256(unsigned),
    }


@dataclass(frozen=True)
class MonthlyCheck:
    """What `laporan bulanan lihat` says of the final PDF: its signature and whether it is the recorded one."""

    path: str
    present: bool
    matches_record: bool
    verdict: Any = None  # signature.Verdict
    unsigned_matches: bool | None = None  # the part before the signature is the document recorded


def check_monthly_pdf(desk: Desk, rec: MonthlyRecord) -> MonthlyCheck:
    from pengaduan.reports import signature

    year, month = parse_month(rec.month)
    rel = monthly_base(year, month) + ".pdf"
    # The document as it lies in the folder (the file people open and pass on), not the committed
    # blob: a changed byte there is exactly what this check is for.
    data = _read(desk.store.root / rel)
    if data is None:
        return MonthlyCheck(rel, False, False)
    roots = machine_signing(desk).roots
    root_bytes = [roots.read_bytes()] if roots is not None and roots.is_file() else []
    verdict = signature.verify(data, root_bytes)
    unsigned_ok = None
    if rec.signature:
        length = int(rec.signature.get("panjang_tanpa_ttd", "0") or 0)
        unsigned_ok = 0 < length <= len(data) and sha256(data[:length]) == rec.signature.get("sha256_tanpa_ttd")
    return MonthlyCheck(rel, True, sha256(data) == rec.files.get(rel), verdict, unsigned_ok)


# -- spreadsheets (no commit) ---------------------------------------------------------------------------
EXPORT_FORMATS = ("xlsx", "csv")


def _write_export(figures: list[tables.Table], fmt_name: str, target: Path, moment: datetime) -> Path:
    from pengaduan.reports import sheet

    if fmt_name not in EXPORT_FORMATS:
        raise InputError(f"--format {fmt_name} tidak dikenal; pilih: {', '.join(EXPORT_FORMATS)}")
    data = sheet.to_xlsx(figures, moment) if fmt_name == "xlsx" else sheet.to_csv(figures)
    if target.is_dir():
        raise InputError(f"--keluaran {target} adalah folder; tulis nama berkas, contoh: laporan.{fmt_name}")
    if _read(target) != data:
        yamlio.write_atomic(target, data)
    return target


def export_daily(desk: Desk, day: date, fmt_name: str, target: Path, now: datetime | None = None) -> Path:
    """The daily report's figures as xlsx or csv at `target` (as of the end of the day, or now)."""
    now = now or desk.now()
    if day > now.date():
        raise InputError(f"--tanggal {day.isoformat()} ada di masa depan; pilih hari yang sudah berjalan")
    _, end = day_bounds(day, desk.tz)
    cutoff = min(now, end)
    report = _daily_report(desk, desk.store.git.head() or "HEAD", day, cutoff)
    return _write_export(tables.daily_tables(report), fmt_name, target, cutoff)


def export_monthly(desk: Desk, month_text: str, fmt_name: str, target: Path) -> Path:
    """The monthly figures as xlsx or csv: those of the month's report when it is drafted (its
    data and cut-off), else the month as it stands now."""
    year, month = parse_month(month_text)
    name = f"{year:04d}-{month:02d}"
    start, end = month_bounds(year, month, desk.tz)
    now = desk.now()
    if start > now:
        raise InputError(f"--bulan {name} belum dimulai; pilih bulan yang sudah berjalan")
    rec = load_record(desk, year, month)
    if rec is None:
        rev = desk.store.git.head() or "HEAD"
        rec = MonthlyRecord(name, record.DRAFT, 0, timeutil.to_text(min(now, end)), rev, "")
    report = _monthly_report(desk, rec, rec.basis)
    return _write_export(tables.monthly_tables(report), fmt_name, target, report.cutoff)
