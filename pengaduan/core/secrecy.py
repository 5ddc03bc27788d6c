"""Which parts of a schema-2 case are sealed, and how a case reads with or without its key.

Sealed: the intake fields that identify people (akun, tautan, isi), the `pelapor` block, and the
text of every history entry (jawaban, catatan, and the old and new value of a correction of a
sealed field). Readable: everything the audit and the SOP clock need -- IDs, steps, actions,
roles, recorders, times, status, category, bidang, platform, kind, the flags.

Every case's text is sealed, not only that of `rahasia` cases: a category that makes a case
`rahasia` is known only at verification (step 2), and whatever step 1 wrote in plain text would
stay in the history for good. `rahasia` decides what may leave the machine (never any text).

Pure: keys come in as bytes, nothing is read or written here.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import tzinfo
from typing import Any

from pengaduan.core import sealed, timeutil
from pengaduan.core.case import ERASURE, SEALED_ENTRY_FIELDS, SEALED_FIELDS, Case, Entry, Reporter
from pengaduan.core.sealed import SealError
from pengaduan.i18n import CASE_KEYS, ENTRY_KEYS, REPORTER_KEYS

ENCRYPTED = "[terenkripsi]"
CONFIDENTIAL = "[rahasia]"
BROKEN = "[rusak: tidak dapat dibuka]"
GONE = "[data dihapus]"  # text given for a step after the erasure: never kept
REPORTER_FIELD = CASE_KEYS["reporter"]
_SEALED_KEYS = {CASE_KEYS[name]: name for name in SEALED_FIELDS}
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember")  # fmt: skip


def entry_field(name: str) -> str:
    """The associated-data name of a history entry's text field: `riwayat.jawaban`.

    Not the entry's position: a step parked by `sinkron` as a conflict and applied again later
    lands at another position, and its sealed text must still open there. Moving a sealed text
    to an earlier entry is still an edit of that entry (rule 3)."""
    return f"{CASE_KEYS['history']}.{ENTRY_KEYS[name]}"


def long_date(moment: Any, tz: tzinfo) -> str:
    when = timeutil.from_text(moment, tz) if isinstance(moment, str) else moment.astimezone(tz)
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def erased_label(entry: Entry, tz: tzinfo) -> str:
    """`[dihapus 28 November 2026: permintaan pelapor]`: what every sealed field of an erased case shows."""
    return f"[dihapus {long_date(entry.time, tz)}: {entry.note or '-'}]"


# The note `pengaduan konflik terapkan` writes when the parked step's own note is unreadable on
# this machine: the tool's words only (an ID, a date, a petugas code), kept readable so a run
# that was interrupted can see what it already applied.
_SYSTEM_NOTE_RE = re.compile(r"dari konflik [0-9A-Z.-]{1,40} #\d{1,4}: semula dicatat [^\n]{1,60} oleh [a-z0-9._-]{1,32}")


def system_note(value: str) -> bool:
    return len(value) <= 200 and _SYSTEM_NOTE_RE.fullmatch(value) is not None


# -- sealing what a change adds ---------------------------------------------------------------
class Sealer:
    """Seals new values of one case: with its data key when held, else to the case's public key."""

    def __init__(self, case_id: str, key: bytes | None, public: str | None) -> None:
        if key is None and public is None:
            raise ValueError("a sealer needs the case's key or its public key")
        self.case_id, self.key, self.public = case_id, key, public

    def __call__(self, field: str, value: str) -> str:
        if self.key is not None:
            return sealed.seal(self.key, self.case_id, field, value)
        assert self.public is not None
        return sealed.seal_to(self.public, self.case_id, field, value)


def seal_new(before: Case | None, after: Case, seal: Sealer | None) -> Case:
    """`after` with everything schema 2 seals and `before` did not already hold sealed.

    Values already in `before` are never sealed again: the file keeps their text byte for byte.
    `seal` None means the case's key is gone (erased): new text is not kept at all.
    """
    if after.schema < 2:
        return after
    changes: dict[str, Any] = {}
    for name in SEALED_FIELDS:
        value = getattr(after, name)
        if value is None or sealed.is_sealed(value) or (before is not None and getattr(before, name) == value):
            continue
        changes[name] = seal(CASE_KEYS[name], value) if seal is not None else GONE
    reporter = after.reporter
    if reporter.sealed is None and (reporter.name or reporter.contact):
        block = {REPORTER_KEYS["name"]: reporter.name, REPORTER_KEYS["contact"]: reporter.contact}
        text = json.dumps(block, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        changes["reporter"] = Reporter(sealed=seal(REPORTER_FIELD, text)) if seal is not None else Reporter()
    start = len(before.history) if before is not None else 0
    entries = list(after.history)
    # By YAML key: (plain value, its sealed text), for a correction naming that same new value.
    fresh = {CASE_KEYS[name]: (getattr(after, name), value) for name, value in changes.items() if name in SEALED_FIELDS}
    for index in range(start, len(entries)):
        entries[index] = _seal_entry(entries[index], index, before, seal, fresh)
    if entries != list(after.history):
        changes["history"] = tuple(entries)
    return replace(after, **changes) if changes else after


def _seal_entry(
    entry: Entry, index: int, before: Case | None, seal: Sealer | None, fresh: dict[str, tuple[Any, str]]
) -> Entry:
    """One new entry sealed; `fresh` holds the intake fields this change sealed (by YAML key): a
    correction's new value is that very text, so the audit sees the field and its record agree."""
    if entry.action == ERASURE:
        return entry  # the erasure event itself is readable: who, when, why -- never personal data
    changes: dict[str, Any] = {}
    for name in SEALED_ENTRY_FIELDS:
        value = getattr(entry, name)
        if value is not None and not sealed.is_sealed(value) and not system_note(value):
            changes[name] = seal(entry_field(name), value) if seal is not None else GONE
    correction = entry.changes
    if isinstance(correction, dict) and correction.get("kolom") in _SEALED_KEYS:
        key = str(correction["kolom"])
        updated = dict(correction)
        for side in ("lama", "baru"):
            value = updated.get(side)
            if value is not None and not sealed.is_sealed(value):
                old = getattr(before, _SEALED_KEYS[key]) if before is not None else None
                # The old value is the field's own sealed text, copied, never sealed anew.
                if side == "lama" and sealed.is_sealed(old):
                    updated[side] = old
                elif side == "baru" and key in fresh and fresh[key][0] == value:
                    updated[side] = fresh[key][1]
                else:
                    updated[side] = seal(key, value) if seal is not None else GONE
        changes["changes"] = updated
    return replace(entry, **changes) if changes else entry


# -- reading -----------------------------------------------------------------------------------
class Opened:
    """A case as this machine can read it: `case` holds plaintext where the key opened it, and a
    placeholder ([terenkripsi], [dihapus ...], [rusak ...]) where it did not."""

    def __init__(self, case: Case, state: str, problems: list[str]) -> None:
        self.case = case
        self.state = state  # terbuka, terenkripsi, dihapus, polos (schema 1)
        self.problems = problems  # values that did not open (tampering), one message each

    @property
    def readable(self) -> bool:
        return self.state in ("terbuka", "polos")


def open_case(case: Case, key: bytes | None, tz: tzinfo, strict: bool = False, entries: bool = True) -> Opened:
    """The case with its sealed values opened with `key` (None: not held here).

    `strict`: a value that does not open raises SealError (for `lihat`); otherwise it reads as
    a placeholder and its message is in `problems`. `entries=False` opens only the intake
    fields and the reporter block, and leaves the entries' text out (lists and reports).
    """
    if case.schema < 2:
        return Opened(case, "polos", [])
    erasure = case.erasure
    if erasure is not None:
        label = erased_label(erasure, tz)
        return Opened(_placeholders(case, label, entries), "dihapus", [])
    if key is None:
        return Opened(_placeholders(case, ENCRYPTED, entries), "terenkripsi", [])
    problems: list[str] = []

    def open_value(field: str, value: Any) -> Any:
        if not sealed.is_sealed(value):
            return value
        try:
            return sealed.open_sealed(key, case.id, field, value)
        except SealError as exc:
            if strict:
                raise
            problems.append(exc.message)
            return BROKEN

    changes: dict[str, Any] = {name: open_value(CASE_KEYS[name], getattr(case, name)) for name in SEALED_FIELDS}
    if case.reporter.sealed is not None:
        text = open_value(REPORTER_FIELD, case.reporter.sealed)
        try:
            block = json.loads(text) if text != BROKEN else {}
        except ValueError:
            block = {}
        block = block if isinstance(block, dict) else {}
        changes["reporter"] = Reporter(name=block.get(REPORTER_KEYS["name"]), contact=block.get(REPORTER_KEYS["contact"]))
    if not entries:
        changes["history"] = _without_text(case.history)
        return Opened(replace(case, **changes), "terbuka", problems)
    opened_entries = []
    for entry in case.history:
        updates = {name: open_value(entry_field(name), getattr(entry, name)) for name in SEALED_ENTRY_FIELDS}
        correction = entry.changes
        if isinstance(correction, dict) and correction.get("kolom") in _SEALED_KEYS:
            key_name = str(correction["kolom"])
            updates["changes"] = {**correction, **{s: open_value(key_name, correction.get(s)) for s in ("lama", "baru")}}
        opened_entries.append(replace(entry, **updates))
    changes["history"] = tuple(opened_entries)
    return Opened(replace(case, **changes), "terbuka", problems)


def _without_text(history: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """Entries without their sealed text (answers, notes, corrections of sealed fields)."""
    out = []
    for entry in history:
        if entry.action == ERASURE:
            out.append(entry)
            continue
        updates: dict[str, Any] = {n: None for n in SEALED_ENTRY_FIELDS if sealed.is_sealed(getattr(entry, n))}
        if isinstance(entry.changes, dict) and entry.changes.get("kolom") in _SEALED_KEYS:
            updates["changes"] = None
        out.append(replace(entry, **updates) if updates else entry)
    return tuple(out)


def _placeholders(case: Case, label: str, entries: bool = True) -> Case:
    changes: dict[str, Any] = {name: label for name in SEALED_FIELDS if getattr(case, name) is not None}
    changes["reporter"] = Reporter(name=label) if not case.reporter.empty else Reporter()
    if not entries:
        changes["history"] = _without_text(case.history)
        return replace(case, **changes)
    out = []
    for entry in case.history:
        updates: dict[str, Any] = {}
        if entry.action != ERASURE:
            updates = {n: label for n in SEALED_ENTRY_FIELDS if sealed.is_sealed(getattr(entry, n))}
        correction = entry.changes
        if isinstance(correction, dict) and correction.get("kolom") in _SEALED_KEYS:
            updates["changes"] = {**correction, "lama": label, "baru": label}
        out.append(replace(entry, **updates) if updates else entry)
    changes["history"] = tuple(out)
    return replace(case, **changes)


def sealed_values(case: Case) -> list[tuple[str, str]]:
    """(field, sealed text) of every sealed value in a case: what the audit tries to open."""
    out = [(CASE_KEYS[name], getattr(case, name)) for name in SEALED_FIELDS if sealed.is_sealed(getattr(case, name))]
    if case.reporter.sealed is not None:
        out.append((REPORTER_FIELD, case.reporter.sealed))
    for entry in case.history:
        out += [(entry_field(n), getattr(entry, n)) for n in SEALED_ENTRY_FIELDS if sealed.is_sealed(getattr(entry, n))]
        correction = entry.changes
        if isinstance(correction, dict) and correction.get("kolom") in _SEALED_KEYS:
            out += [(str(correction["kolom"]), correction[s]) for s in ("lama", "baru") if sealed.is_sealed(correction.get(s))]
    return out


def plain_values(case: Case) -> list[str]:
    """Fields a schema-2 case should hold sealed but holds in plain text (an audit finding)."""
    if case.schema < 2:
        return []
    out = [CASE_KEYS[n] for n in SEALED_FIELDS if getattr(case, n) is not None and not sealed.is_sealed(getattr(case, n))]
    if case.reporter.sealed is None and (case.reporter.name or case.reporter.contact):
        out.append(REPORTER_FIELD)
    erased = False
    for entry in case.history:
        if entry.action == ERASURE:
            erased = True
            continue
        for name in SEALED_ENTRY_FIELDS:
            value = getattr(entry, name)
            if value is not None and not sealed.is_sealed(value) and not (erased and value == GONE) and not system_note(value):
                out.append(entry_field(name))
    return out
