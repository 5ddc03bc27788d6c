"""Every commit message the store writes, and the one parser that reads them back.

A message is a subject line, a blank line and a paragraph of trailers (`Kasus: ...`,
`Langkah: ...`); the trailer tokens come from i18n.TRAILERS. The audit and `riwayat` read the
trailers through `parse_trailers`, so what is written and what is checked cannot drift apart.
"""

from __future__ import annotations

import re

from pengaduan.core import timeutil
from pengaduan.core.case import Case
from pengaduan.i18n import COMMIT_KINDS, TRAILERS, action_label

_TRAILER_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$")

# Values of the `Jenis` trailer: what kind of commit this is (case commits carry none).
KIND_CONFIG = COMMIT_KINDS["config"]
KIND_REPORT = COMMIT_KINDS["report"]
KIND_SYNC = COMMIT_KINDS["sync"]
KIND_CONFLICT = COMMIT_KINDS["conflict"]
KIND_MIGRATION = COMMIT_KINDS["migration"]
KIND_REWRITE = COMMIT_KINDS["rewrite"]
REWRITTEN_FROM = "Ditulis-ulang-dari"  # the trailer naming the HEAD a rewrite replaced


def trailers(**values: object) -> str:
    """`Token: value` lines for the given trailers (code names of i18n.TRAILERS), None left out."""
    return "\n".join(f"{TRAILERS[k]}: {v}" for k, v in values.items() if v is not None)


def _message(subject: str, **values: object) -> str:
    return f"{subject}\n\n{trailers(**values)}\n"


def store_created(sop_number: str) -> str:
    return _message("Store pengaduan dibuat", kind=KIND_CONFIG, sop=sop_number)


def configuration(subject: str, sop_number: str) -> str:
    """A change of pengaduan.yaml (or sop.yaml) made by the tool."""
    return _message(subject, kind=KIND_CONFIG, sop=sop_number)


def case_step(case: Case, sop_number: str, subject: str | None = None) -> str:
    """The commit of a case's newest history entry; `subject` replaces the standard one (koreksi)."""
    entry = case.history[-1]
    return _message(
        subject or f"{case.id}: {action_label(entry.action)} (langkah {entry.step})",
        case=case.id,
        step=entry.step,
        action=entry.action,
        performer=entry.performer_role,
        time=timeutil.to_stored(entry.time),
        sop=sop_number,
    )


def correction(case: Case, field_key: str, sop_number: str) -> str:
    return case_step(case, sop_number, subject=f"{case.id}: kolom {field_key} dikoreksi")


def erasure(case: Case, sop_number: str) -> str:
    """The erasure of a case's personal data (`pengaduan hapus-data`): who, when, why -- nothing else."""
    return case_step(case, sop_number, subject=f"{case.id}: data pribadi dihapus")


def migration(count: int, sop_number: str) -> str:
    """Every schema-1 case file turned into schema 2 in one commit (`pengaduan migrasi`)."""
    return _message(f"Migrasi {count} kasus ke schema 2 (data pribadi terenkripsi)", kind=KIND_MIGRATION, sop=sop_number)


def rewrite_record(old_head: str, sop_number: str) -> str:
    """After `migrasi --tulis-ulang-riwayat`: the one rewrite the audit accepts, and a sign to every clone."""
    return (
        "Riwayat ditulis ulang: teks polos schema 1 diganti data terenkripsi\n\n"
        "Setiap klon yang dibuat sebelum commit ini harus diklon ulang; 'pengaduan sinkron' menolak menggabungkannya.\n\n"
        f"{trailers(kind=KIND_REWRITE, sop=sop_number)}\n{REWRITTEN_FROM}: {old_head}\n"
    )


def report(subject: str, step: int, action: str, role: str, time: str, sop_number: str) -> str:
    """A report step (SOP 12-15): only files under laporan/ change."""
    return _message(subject, kind=KIND_REPORT, step=step, action=action, performer=role, time=time, sop=sop_number)


def sync_merge(remote: str, sop_number: str) -> str:
    return _message(f"Sinkron dengan {remote}", kind=KIND_SYNC, sop=sop_number)


def conflict_closed(conflict_id: str, status: str, sop_number: str) -> str:
    """A parked conflict closed: its steps applied again, or dropped with a reason (only konflik/ changes)."""
    return _message(f"Konflik {conflict_id} {status}", kind=KIND_CONFLICT, sop=sop_number)


def parse_trailers(message: str) -> dict[str, list[str]]:
    """Trailers of a commit message: `Key: value` lines of its last paragraph (never the subject)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", message.strip()) if p.strip()]
    if len(paragraphs) < 2:
        return {}
    found: dict[str, list[str]] = {}
    for line in paragraphs[-1].splitlines():
        match = _TRAILER_RE.match(line.strip())
        if match:
            found.setdefault(match.group(1), []).append(match.group(2).strip())
    return found


def subject_of(message: str) -> str:
    return message.split("\n", 1)[0]
