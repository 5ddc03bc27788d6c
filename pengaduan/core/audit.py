"""The audit's rules: given the store's commits as data, find every place history breaks them.

Pure: store/history.py reads git and hands each commit over with its changed files already
parsed and the SOP and roster that were in force; nothing here reads files or runs git.
"In force" at a commit means as its parent had them: the commit that changes the roster is
judged by the roster it changed, the way the store decided who could make it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from pengaduan.core import actions, conflict, ids, sealed, secrecy, timeutil
from pengaduan.core.case import ERASURE, INTAKE_FIELDS, Case, Entry, stored_value
from pengaduan.core.config import FILE_LIMIT_KB, Config, Staff, load_config, managers_lost
from pengaduan.core.intake import CLASSIFICATION_FIELDS, REPORTER_FIELDS
from pengaduan.core.sop import CASE_ACTION_COMMANDS, REFER, START, UNDO, Sop
from pengaduan.errors import PengaduanError, TransitionError
from pengaduan.i18n import CASE_KEYS, COMMIT_KINDS, ENTRY_KEYS, TRAILERS

# Who may record a correction (sop.yaml `pengoreksi`) and who may change the configuration
# (`pengelola`) are the SOP's: Sop.corrects, Sop.manages and Config.roster_managed decide both here
# and in the store.
CORRECTION = "koreksi"
CONFIG_KIND = COMMIT_KINDS["config"]
REPORT_KIND = COMMIT_KINDS["report"]
CONFLICT_KIND = COMMIT_KINDS["conflict"]
MIGRATION_KIND = COMMIT_KINDS["migration"]
REWRITE_KIND = COMMIT_KINDS["rewrite"]
# Schema 2's personal data: sealed, well formed, and opening with its case's key (issue 11).
SEALED_RULE = 12
# Entries that record something about the case, not an SOP step: they never move it.
NON_STEPS = (CORRECTION, ERASURE)
# (case id, field, sealed text) -> (plaintext, None) when it opens, (None, why) when it does not,
# (None, None) when this machine does not hold the case's key.
Opener = Callable[[str, str, str], "tuple[str | None, str | None]"]
# Files a configuration commit may touch (besides pengaduan.yaml and sop.yaml).
META_FILES = (".gitattributes", ".gitignore")
CASES_DIR = "kasus"
# Tree entry modes of regular files; a symlink (120000) or submodule (160000) is never a case file.
REGULAR_MODES = ("100644", "100755")
MODE_NAMES = {"120000": "symlink", "160000": "submodule git"}



@dataclass(frozen=True)
class FileChange:
    """One file a commit changed, with its content before and after (parsed YAML)."""

    path: str
    kind: str  # case, config, sop, report, meta, kop, templat, konflik, other
    status: str  # A added, M modified, D deleted, T type changed
    case_id: str | None = None  # for case files: the ID the path names
    old: Any = None
    new: Any = None
    error: str | None = None  # why the content after could not be read or loaded
    mode: str = "100644"  # the tree entry's mode after the commit
    size: int | None = None  # bytes of the content after, when known

    @property
    def added(self) -> bool:
        return self.status == "A"

    @property
    def deleted(self) -> bool:
        return self.status == "D"


@dataclass(frozen=True)
class Signature:
    """What git said of a commit's signature: its %G? letter and the signing key's fingerprints."""

    status: str  # G good, U good but key unknown to git, B bad, X/Y expired, R revoked, E unverifiable, N none
    key: str = ""
    primary_key: str = ""


@dataclass(frozen=True)
class MergeSide:
    """A merge seen from one of its parents: the files that differ, the parent's version as `old`."""

    parent: str
    changes: tuple[FileChange, ...]


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    time: datetime  # the committer's time
    trailers: dict[str, list[str]]
    changes: tuple[FileChange, ...]
    sop: Sop | None  # in force: as the parent had it (None before the store existed)
    config: Config | None
    setup_error: str | None = None  # why the SOP or configuration in force could not be loaded
    signature: Signature | None = None
    merge_own_paths: tuple[str, ...] = ()  # paths a merge changed itself
    subject: str = ""
    merge_sides: tuple[MergeSide, ...] = ()  # a merge: what it changed against each of its parents


    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def kind(self) -> str | None:
        values = self.trailers.get(TRAILERS["kind"])
        return values[0] if values else None


@dataclass(frozen=True)
class Finding:
    commit: str
    case: str | None
    rule: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"commit": self.commit, "kasus": self.case, "aturan": self.rule, "pesan": self.message}


@dataclass
class _Ctx:
    commit: Commit
    findings: list[Finding] = field(default_factory=list)
    # Parsed cases by the identity of their data: a version is the "after" of one commit and the
    # "before" of the next, and is read once. The data is kept too, so its id stays its own.
    memo: dict[int, tuple[Any, tuple[Case | None, str | None]]] = field(default_factory=dict)
    opener: Opener | None = None

    def case(self, data: Any, path: str) -> tuple[Case | None, str | None]:
        found = self.memo.get(id(data))
        if found is None or found[0] is not data:
            found = self.memo[id(data)] = (data, parse_case(data, path))
        return found[1]

    def add(self, rule: int, message: str, case: str | None = None) -> None:
        self.findings.append(Finding(self.commit.sha, case, rule, message))


# -- small pure helpers, shared with `pengaduan riwayat` ---------------------------------------
def ssh_fingerprint(key_line: str) -> str:
    """'SHA256:...' of an OpenSSH public key line, as ssh-keygen -l and git's %GF print it."""
    blob = base64.b64decode(key_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def staff_keys(staff: Staff) -> set[str]:
    keys = {ssh_fingerprint(staff.ssh_key)} if staff.ssh_key else set()
    if staff.gpg_key:
        keys.add(staff.gpg_key.upper())
    return keys


def author_staff(config: Config | None, email: str) -> Staff | None:
    """The roster entry whose commits carry this email."""
    if config is None:
        return None
    wanted = email.strip().lower()
    return next((s for s in config.staff if s.commit_email.lower() == wanted), None)


def signature_problem(signature: Signature | None, staff: Staff | None) -> str | None:
    """Why a commit's signature does not prove its author made it; None when it does."""
    status = signature.status if signature else "N"
    if status == "N":
        return "commit tidak ditandatangani"
    if status == "B":
        return "tanda tangan tidak sah (isi commit tidak cocok dengan tanda tangannya)"
    if status == "E":
        return "tanda tangan tidak dapat diperiksa (kunci tidak tersedia bagi git)"
    if status in ("X", "Y", "R"):
        return "tanda tangan memakai kunci yang kedaluwarsa atau dicabut"
    assert signature is not None
    if staff is None:
        return f"penanda tangan (kunci {signature.key}) tidak dapat dikaitkan dengan petugas di daftar"
    keys = staff_keys(staff)
    if not keys:
        return (
            f"petugas '{staff.code}' belum punya kunci_ssh/kunci_gpg di daftar petugas; kunci {signature.key} tidak dapat diakui"
        )
    if signature.key not in keys and (not signature.primary_key or signature.primary_key not in keys):
        return f"kunci penanda tangan {signature.key} bukan milik penulis '{staff.code}' di daftar petugas"
    return None


def _canonical(value: Any) -> str:
    """A strict text form: True and 1, '1' and 1, quoted and unquoted times all differ."""
    return json.dumps(value, ensure_ascii=False, default=lambda v: f"<{type(v).__name__}>{v}")


def _moment(value: datetime, tz: tzinfo) -> datetime:
    """A moment of a case file; one written without an offset is in the store's zone."""
    return value if value.tzinfo else value.replace(tzinfo=tz)


def parse_case(data: Any, path: str) -> tuple[Case | None, str | None]:
    try:
        return Case.from_dict(data, path), None
    except (PengaduanError, TypeError, ValueError, AttributeError) as exc:
        return None, str(exc) or type(exc).__name__


def _raw_history(data: Any) -> list[Any]:
    history = data.get(CASE_KEYS["history"]) if isinstance(data, dict) else None
    return history if isinstance(history, list) else []


def _key(field_name: str) -> str:
    return CASE_KEYS.get(field_name, field_name)


# -- the rules ----------------------------------------------------------------------------------
def audit(commits: Iterable[Commit]) -> list[Finding]:
    """Every finding of every commit, in history order."""
    findings: list[Finding] = []
    memo: dict[int, Any] = {}
    for commit in commits:
        findings.extend(check_commit(commit, memo))
    return findings


def check_commit(commit: Commit, memo: dict[int, Any] | None = None, opener: Opener | None = None) -> list[Finding]:
    """The findings of one commit; pass the same memo for a run of commits to parse each case once.

    `opener` tries the sealed values a commit adds with the keys this machine holds (rule 12).
    """
    ctx = _Ctx(commit, memo=memo if memo is not None else {}, opener=opener)
    if commit.is_merge:
        _check_merge(ctx)
    else:
        kind = commit.kind
        cases = [c for c in commit.changes if c.kind == "case"]
        if kind is None and not cases and commit.changes and all(c.kind in ("config", "sop", "meta") for c in commit.changes):
            # A configuration change committed by hand without its trailer: said as exactly that,
            # and judged as a configuration change all the same.
            ctx.add(4, f"commit konfigurasi tanpa trailer {TRAILERS['kind']}: {CONFIG_KIND}")
            _check_config_commit(ctx)
        elif kind is None:
            _check_case_commit(ctx, cases)
        elif kind == CONFIG_KIND:
            _check_config_commit(ctx)
        elif kind == REPORT_KIND:
            _check_report_commit(ctx)
        elif kind == CONFLICT_KIND:
            _check_conflict_commit(ctx)
        elif kind == MIGRATION_KIND:
            _check_migration_commit(ctx, cases)
        elif kind == REWRITE_KIND:
            _check_rewrite_record(ctx)
        else:
            known = ", ".join((CONFIG_KIND, REPORT_KIND, CONFLICT_KIND, MIGRATION_KIND, REWRITE_KIND))
            ctx.add(1, f"trailer Jenis '{kind}' tidak dikenal (yang dikenal: {known})")
        if kind == MIGRATION_KIND:
            _check_signature(ctx)
            return ctx.findings
        if kind is not None and cases:
            ctx.add(1, f"commit berjenis '{kind}' mengubah berkas kasus: {', '.join(c.path for c in cases)}")
        _check_deletions(ctx, cases)
        unreadable = _check_placement(ctx)
        for change in cases:
            if not change.deleted and change.path not in unreadable:
                _check_case_change(ctx, change, trailers_apply=kind is None)
    _check_signature(ctx)
    return ctx.findings


def _check_manager(ctx: _Ctx, what: str) -> None:
    commit = ctx.commit
    staff = author_staff(commit.config, commit.author_email)
    if staff is None:
        ctx.add(5, f"penulis commit {what} {commit.author_name} <{commit.author_email}> tidak ada di daftar petugas")
    elif commit.sop is not None and not commit.sop.manages(staff.roles):
        roles = ", ".join(staff.roles)
        ctx.add(5, f"petugas '{staff.code}' ({roles}) tidak boleh {what}; yang boleh: {', '.join(commit.sop.managers)}")


def _check_migration_commit(ctx: _Ctx, cases: list[FileChange]) -> None:
    """`pengaduan migrasi`: every case file it changes goes from schema 1 to schema 2 and nothing
    else changes -- the same state, the same entries, each plain value now sealed (and, where
    this machine holds the key, sealing exactly the old text)."""
    commit = ctx.commit
    for change in commit.changes:
        if change.kind != "case":
            ctx.add(1, f"commit migrasi juga mengubah {change.path}")
    _check_manager(ctx, "mencatat migrasi")
    for change in cases:
        if change.added or change.deleted:
            ctx.add(7 if change.deleted else 1, f"commit migrasi {'menghapus' if change.deleted else 'menambah'} {change.path}")
            continue
        before, problem = ctx.case(change.old, change.path)
        after, problem_after = ctx.case(change.new, change.path)
        if before is None or after is None:
            why = problem or problem_after
            ctx.add(2, f"berkas kasus {change.path} tidak dapat dibaca di commit migrasi: {why}", change.case_id)
            continue
        if (before.schema, after.schema) != (1, 2):
            ctx.add(3, f"commit migrasi mengubah schema {before.schema} -> {after.schema}; yang sah hanya 1 -> 2", after.id)
            continue
        plain = secrecy.plain_values(after)
        if plain:
            ctx.add(SEALED_RULE, f"sesudah migrasi kolom {', '.join(plain)} masih teks polos", after.id)
        same = ("id", "status", "step", "platform", "kind", "posted_at", "received_at", "category", "bidang")
        moved = [CASE_KEYS[n] for n in same if getattr(before, n) != getattr(after, n)]
        if moved or len(before.history) != len(after.history) or after.anonymous:
            what = ", ".join(moved) or "riwayat/anonim"
            ctx.add(3, f"commit migrasi mengubah {what}, bukan hanya menyegel data pribadi", after.id)
            continue
        for index, (old, new) in enumerate(zip(before.history, after.history, strict=True)):
            readable = ("step", "action", "status", "performer_role", "performer_name", "recorder", "time", "channel")
            if any(getattr(old, n) != getattr(new, n) for n in readable):
                ctx.add(3, f"commit migrasi mengubah entri riwayat ke-{index + 1} (langkah {old.step})", after.id)
        if ctx.opener is not None:
            _check_migrated_values(ctx, before, after)


def _check_migrated_values(ctx: _Ctx, before: Case, after: Case) -> None:
    """With the key here: each sealed value opens to the plain value it replaced."""
    assert ctx.opener is not None
    pairs = [(CASE_KEYS[n], getattr(before, n), getattr(after, n)) for n in ("account", "link", "text")]
    for old, new in zip(before.history, after.history, strict=True):
        pairs += [(secrecy.entry_field(n), getattr(old, n), getattr(new, n)) for n in ("answer", "note")]
    for name, old_value, new_value in pairs:
        if old_value is None and new_value is None:
            continue
        if not sealed.is_sealed(new_value):
            ctx.add(SEALED_RULE, f"commit migrasi: kolom {name} bukan data terenkripsi", after.id)
            continue
        plain, problem = ctx.opener(after.id, name, new_value)
        if problem is None and plain is not None and plain != old_value:
            problem = "isinya bukan nilai sebelum migrasi"
        if problem:
            ctx.add(SEALED_RULE, f"commit migrasi: kolom {name}: {problem}", after.id)


def _check_rewrite_record(ctx: _Ctx) -> None:
    """The record `migrasi --tulis-ulang-riwayat` leaves: an empty commit by a manager."""
    if ctx.commit.changes:
        ctx.add(1, f"commit catatan penulisan ulang mengubah berkas: {', '.join(c.path for c in ctx.commit.changes)}")
    _check_manager(ctx, "menulis ulang riwayat")


def _check_placement(ctx: _Ctx) -> set[str]:
    """Rule 10 over what a commit adds or changes under kasus/; returns the paths whose content is
    not to be read as a case (not a regular file, or over the size limit)."""
    config = ctx.commit.config
    limit = config.file_limit if config is not None else FILE_LIMIT_KB * 1024
    skip: set[str] = set()
    for change in ctx.commit.changes:
        if change.deleted or not change.path.startswith(CASES_DIR + "/"):
            continue
        if change.mode not in REGULAR_MODES:
            kind = MODE_NAMES.get(change.mode, f"mode {change.mode}")
            ctx.add(10, f"{change.path} bukan berkas biasa ({kind}); pembaca store menolaknya", change.case_id)
            skip.add(change.path)
            continue
        if change.kind == "case" and change.case_id is not None:
            problem = ids.path_problem(change.path, change.case_id)
            if problem:
                ctx.add(10, f"berkas kasus {change.path} {problem}", change.case_id)
        if change.size is not None and change.size > limit:
            ctx.add(
                10,
                f"berkas kasus {change.path} {-(-change.size // 1024)} KB, lebih dari batas {limit // 1024} KB "
                "(batas.berkas_kb); tidak dibaca",
                change.case_id,
            )
            skip.add(change.path)
    return skip


def _check_case_commit(ctx: _Ctx, cases: list[FileChange]) -> None:
    commit = ctx.commit
    if len(cases) != 1:
        listed = f": {', '.join(c.path for c in cases)}" if cases else ""
        ctx.add(1, f"commit kasus harus mengubah tepat satu berkas kasus, commit ini mengubah {len(cases)}{listed}")
    for change in commit.changes:
        if change.kind != "case":
            ctx.add(1, f"commit kasus juga mengubah {change.path}")


def _check_config_commit(ctx: _Ctx) -> None:
    commit = ctx.commit
    for change in commit.changes:
        if change.kind == "case":
            continue  # reported once for the whole commit
        if change.kind not in ("config", "sop", "meta", "kop", "templat"):
            ctx.add(
                1,
                f"commit konfigurasi mengubah {change.path}; yang boleh hanya pengaduan.yaml, sop.yaml, "
                f"logo kop (kop/), templat jawaban (templat/KODE.yaml) dan {', '.join(META_FILES)}",
            )
        elif change.kind in ("config", "sop") and change.deleted:
            ctx.add(1, f"commit konfigurasi menghapus {change.path}")
        elif change.error:
            ctx.add(1, f"{change.path} tidak sah sesudah commit ini: {change.error}")
        elif change.kind == "config" and _command_of(change.new) and _command_of(change.new) != _command_of(change.old):
            ctx.add(
                11,
                "pengaduan.yaml sesudah commit ini memuat notifikasi.perintah: perintah yang dijalankan mesin tidak boleh "
                "datang dari store bersama (siapa pun yang bisa push dapat mengubahnya); tiap mesin memasangnya sendiri "
                "dengan 'pengaduan lokal notifikasi.perintah ...'",
            )
    config, sop = commit.config, commit.sop
    if config is None:
        return  # bootstrap: the commit that creates the store
    if sop is None:
        ctx.add(5, f"SOP yang berlaku tidak dapat dibaca ({commit.setup_error or 'sop.yaml tidak ada'}); siapa yang boleh "
                "mengubah konfigurasi tidak dapat diperiksa")  # fmt: skip
        return
    _check_roster_guard(ctx, config, sop)
    if not config.roster_managed(sop):
        return  # bootstrap: before the roster has a manager, anyone may set the store up
    staff = author_staff(config, commit.author_email)
    if staff is None:
        ctx.add(5, f"penulis commit konfigurasi {commit.author_name} <{commit.author_email}> tidak ada di daftar petugas")
    elif not sop.manages(staff.roles):
        ctx.add(
            5,
            f"petugas '{staff.code}' ({', '.join(staff.roles)}) tidak boleh mengubah konfigurasi; "
            f"yang boleh: {', '.join(sop.managers)}",
        )
    else:
        _check_active(ctx, staff, None)


def _check_roster_guard(ctx: _Ctx, before: Config, sop: Sop) -> None:
    """Rule 5: a roster change never leaves a managing role that had an active holder without one."""
    change = next((c for c in ctx.commit.changes if c.kind == "config" and not c.deleted and not c.error), None)
    if change is None:
        return
    try:
        after = load_config(change.new, sop)
    except (PengaduanError, TypeError, ValueError, AttributeError):
        return  # an unreadable configuration is reported by the change's own error
    lost = managers_lost(before, after, sop)
    if lost:
        ctx.add(
            5,
            f"daftar petugas sesudah commit ini tidak punya petugas aktif berperan {', '.join(lost)} (pengelola di "
            "sop.yaml); tidak ada lagi yang sah mengelola peran itu",
        )


def _check_active(ctx: _Ctx, staff: Staff, case_id: str | None) -> None:
    """Rule 5: a deactivated person (roster `aktif: false`) records nothing."""
    if not staff.active:
        reason = f" ({staff.inactive_reason})" if staff.inactive_reason else ""
        ctx.add(5, f"petugas '{staff.code}' nonaktif{reason} di daftar petugas yang berlaku; tidak boleh mencatat", case_id)


def _command_of(data: Any) -> str:
    section = data.get("notifikasi") if isinstance(data, dict) else None
    return str(section.get("perintah") or "").strip() if isinstance(section, dict) else ""


def may_change_config(
    config: Config | None,
    sop: Sop | None,
    kind: str | None,
    email: str,
    signature: Signature | None,
    after: Config | None = None,
) -> bool:
    """Whether a commit's change of pengaduan.yaml or sop.yaml counts: made as a configuration
    commit by a manager of the roster in force before it (signed by their own key when signing
    is on). The history reader keeps the configuration in force unchanged past a change that
    does not count, so later commits are judged by what those allowed to decide decided."""
    if config is None:
        return True  # the commit that creates the store
    if kind != CONFIG_KIND:
        return False
    if sop is None:
        return True  # who manages cannot be read (a finding where it broke): a configuration commit may repair it
    if not config.roster_managed(sop):
        return True  # bootstrap: before the roster has a manager, anyone may set the store up
    staff = author_staff(config, email)
    if staff is None or not sop.manages(staff.roles) or not staff.active:
        return False
    if after is not None and managers_lost(config, after, sop):
        return False  # a roster left without an active manager of a role that had one
    return not (config.signing_required and signature_problem(signature, staff) is not None)


def _check_merge(ctx: _Ctx) -> None:
    """A merge only joins: every case file of every parent is in it, with that parent's history
    carried on, unless the steps it does not carry on are parked in a conflict record it adds."""
    commit = ctx.commit
    records: dict[str, list[conflict.Conflict]] = {}
    record_paths: dict[str, str] = {}
    for side in commit.merge_sides:
        for change in side.changes:
            if change.kind != "konflik" or change.new is None or change.path in record_paths:
                continue
            record_paths[change.path] = change.path
            try:
                record = conflict.parse(change.new, change.case_id or "")
            except PengaduanError as exc:
                ctx.add(1, f"commit gabungan menambah {change.path} yang tidak sah: {exc}")
                continue
            records.setdefault(record.case_id, []).append(record)
    covered: set[str] = set()
    for side in commit.merge_sides:
        for change in side.changes:
            if change.kind != "case":
                continue
            case_id = change.case_id
            if change.new is None:
                ctx.add(7, f"commit gabungan membuang berkas kasus {change.path} yang ada di induk {side.parent[:12]}", case_id)
                continue
            if change.old is None:
                continue  # the case came from another parent
            lost = conflict.lost_entries(change.new, change.old)
            if not lost:
                continue
            wanted = conflict.canonical(lost)
            parked = [r for r in records.get(case_id or "", []) if conflict.canonical(list(r.entries)) == wanted]
            if parked:
                covered.update(r.id for r in parked)
                continue
            ctx.add(
                3,
                f"commit gabungan memundurkan kasus {case_id}: {len(lost)} entri riwayat dari induk {side.parent[:12]} hilang "
                "tanpa dicatat sebagai konflik (mis. 'merge -s ours' atau 'checkout --theirs')",
                case_id,
            )
    for path in commit.merge_own_paths:
        conflict_id = next((c.case_id for s in commit.merge_sides for c in s.changes if c.path == path), None)
        if path in record_paths and conflict_id in covered:
            continue
        ctx.add(1, f"commit gabungan (merge) mengubah {path} sendiri, bukan lewat commit pencatatan")


def _check_conflict_commit(ctx: _Ctx) -> None:
    """A `Jenis: konflik` commit closes conflict records (applied or dropped) and does nothing else."""
    commit = ctx.commit
    for change in commit.changes:
        if change.kind == "case":
            continue  # reported once for the whole commit
        if change.kind != "konflik":
            ctx.add(1, f"commit konflik mengubah {change.path}; yang boleh hanya berkas di bawah konflik/")
        elif change.status != "M":
            what = "menghapus" if change.deleted else "menambah"
            ctx.add(1, f"commit konflik {what} {change.path}; catatan konflik hanya ditutup, tidak ditambah atau dihapus")
        else:
            problem = conflict.resolution_problem(change.old, change.new, change.case_id or "")
            if problem:
                ctx.add(3, problem)
    if author_staff(commit.config, commit.author_email) is None:
        ctx.add(5, f"penulis commit konflik {commit.author_name} <{commit.author_email}> tidak ada di daftar petugas")


def _check_report_commit(ctx: _Ctx) -> None:
    commit = ctx.commit
    for change in commit.changes:
        if change.kind not in ("report", "case"):
            ctx.add(1, f"commit laporan mengubah {change.path}; yang boleh hanya berkas di bawah laporan/")
    sop = commit.sop
    values = commit.trailers.get(TRAILERS["step"], [])
    step = None
    if len(values) != 1 or not values[0].isdigit():
        ctx.add(4, f"commit laporan perlu tepat satu trailer {TRAILERS['step']} (langkah laporan SOP)")
    elif sop is not None:
        step = sop.report_steps.get(int(values[0]))
        if step is None:
            ctx.add(
                4, f"trailer {TRAILERS['step']}: {values[0]} bukan langkah laporan SOP ({', '.join(map(str, sop.report_steps))})"
            )
    actions = commit.trailers.get(TRAILERS["action"])
    action = None
    if not actions:
        ctx.add(4, f"commit laporan tidak punya trailer {TRAILERS['action']}")
    elif sop is not None and step is not None:
        action = sop.report_actions.get(actions[0])
        if action is None or action.step != step.number:
            known = ", ".join(f"{a.action} (langkah {a.step})" for a in sop.report_actions.values()) or "tidak ada"
            ctx.add(4, f"trailer {TRAILERS['action']}: {actions[0]} bukan aksi laporan langkah {step.number}; yang ada: {known}")
    staff = author_staff(commit.config, commit.author_email)
    if staff is not None:
        _check_active(ctx, staff, None)
    if staff is None:
        ctx.add(5, f"penulis commit laporan {commit.author_name} <{commit.author_email}> tidak ada di daftar petugas")
    elif action is not None and not set(staff.roles) & set(action.roles):
        ctx.add(
            5,
            f"petugas '{staff.code}' ({', '.join(staff.roles)}) tidak boleh mencatat langkah laporan {action.step} "
            f"({action.action}); yang boleh: {', '.join(action.roles)}",
        )


def _check_deletions(ctx: _Ctx, cases: list[FileChange]) -> None:
    added = [c for c in cases if c.added]
    for change in cases:
        if not change.deleted:
            continue
        moved = next((a for a in added if a.new == change.old or _content_id(a.new) == change.case_id), None)
        if moved is not None:
            ctx.add(7, f"berkas kasus {change.path} dipindah/diganti nama menjadi {moved.path}", change.case_id)
        else:
            ctx.add(7, f"berkas kasus {change.path} dihapus", change.case_id)


def _content_id(data: Any) -> Any:
    return data.get(CASE_KEYS["id"]) if isinstance(data, dict) else None


def _check_case_change(ctx: _Ctx, change: FileChange, trailers_apply: bool) -> None:
    commit = ctx.commit
    case_id = change.case_id
    if change.error:
        ctx.add(2, f"berkas kasus {change.path} tidak dapat dibaca sesudah commit ini: {change.error}", case_id)
        return
    after, problem = ctx.case(change.new, change.path)
    if after is None:
        ctx.add(2, f"berkas kasus {change.path} tidak sah sesudah commit ini: {problem}", case_id)
        if not change.added:
            _check_raw_growth(ctx, change, case_id)  # an old entry made unreadable is still an edit of it
        return
    if after.id != case_id:
        ctx.add(7, f"berkas {change.path} berisi kasus '{after.id}', bukan {case_id}; berkas kasus tidak boleh dipindah", case_id)
    before: Case | None = None
    if not change.added:
        before, problem = ctx.case(change.old, change.path)
        if before is None:
            ctx.add(
                2, f"keadaan kasus sebelum commit ini tidak dapat dibaca ({problem}); transisinya tidak dapat diperiksa", case_id
            )
            return
    new_entries = _check_growth(ctx, change, before, after)
    if commit.sop is None:
        ctx.add(2, f"SOP yang berlaku tidak dapat dibaca: {commit.setup_error or 'sop.yaml tidak ada'}", case_id)
    else:
        _check_transitions(ctx, commit.sop, before, after, new_entries)
    if before is not None:
        _check_intake(ctx, before, after, new_entries, commit.sop)
    _check_privacy(ctx, before, after, new_entries)
    _check_sealed(ctx, before, after)
    last = new_entries[-1] if new_entries else None
    if trailers_apply:
        _check_trailers(ctx, after, last)
    _check_author(ctx, case_id, last)
    _check_times(ctx, after.id, before, new_entries)


def _check_privacy(ctx: _Ctx, before: Case | None, after: Case, new_entries: list[Entry]) -> None:
    """Rule 3 for schema 2: the privacy flags only turn on, the schema and the case's public key
    never change, and the pelapor block changes only when `anonim` turns on (and is then dropped)."""
    case_id = after.id
    if before is None:
        if after.schema >= 2 and not after.public_key:
            ctx.add(SEALED_RULE, "kasus schema 2 tanpa kunci_publik", case_id)
        return
    if after.schema != before.schema:
        ctx.add(3, f"schema kasus berubah {before.schema} -> {after.schema} di luar commit migrasi", case_id)
        return
    for name in ("anonymous", "confidential"):
        if getattr(before, name) and not getattr(after, name):
            ctx.add(3, f"'{CASE_KEYS[name]}' dimatikan; sifat anonim/rahasia hanya boleh dinyalakan", case_id)
    if before.public_key != after.public_key:
        ctx.add(3, "kunci_publik kasus berubah", case_id)
    if before.reporter != after.reporter and after.anonymous and not after.reporter.empty:
        ctx.add(3, "kasus anonim masih menyimpan blok pelapor (nama/kontak harus dibuang)", case_id)
    erased_before = before.erasure is not None
    for entry in new_entries:
        if entry.action == ERASURE and erased_before:
            ctx.add(2, "data pribadi kasus ini sudah dihapus sebelumnya; penghapusan kedua tidak sah", case_id)
        erased_before = erased_before or entry.action == ERASURE


def _check_sealed(ctx: _Ctx, before: Case | None, after: Case) -> None:
    """Rule 10: what schema 2 seals is sealed, well formed, and -- where this machine holds the
    case's key -- opens with it (a value edited, or moved from another case or field, does not)."""
    if after.schema < 2:
        return
    plain = set(secrecy.plain_values(after)) - set(secrecy.plain_values(before) if before is not None else ())
    if plain:
        ctx.add(SEALED_RULE, f"kolom {', '.join(sorted(plain))} tertulis sebagai teks polos di kasus schema 2", after.id)
    seen = set(secrecy.sealed_values(before)) if before is not None and before.schema >= 2 else set()
    for name, value in secrecy.sealed_values(after):
        if (name, value) in seen:
            continue  # checked when it first appeared
        if not sealed.well_formed(value):
            ctx.add(SEALED_RULE, f"kolom {name} bukan data terenkripsi yang sah (bentuknya rusak)", after.id)
        elif ctx.opener is not None:
            _, problem = ctx.opener(after.id, name, value)
            if problem:
                ctx.add(SEALED_RULE, problem, after.id)


def _check_growth(ctx: _Ctx, change: FileChange, before: Case | None, after: Case) -> list[Entry]:
    """Rule 3: the earlier entries are all still there, unchanged; returns the entries this commit added."""
    if before is None:
        return list(after.history)
    _check_raw_growth(ctx, change, after.id)
    return list(after.history[len(before.history) :])


def _check_raw_growth(ctx: _Ctx, change: FileChange, case_id: str | None) -> None:
    """Rule 3 on the files as written: every earlier entry still there, with the same values and types."""
    old_raw, new_raw = _raw_history(change.old), _raw_history(change.new)
    for index, entry in enumerate(old_raw):
        if index >= len(new_raw):
            ctx.add(
                3,
                f"riwayat memendek: {len(old_raw) - len(new_raw)} entri dihapus (entri ke-{index + 1} dan sesudahnya)",
                case_id,
            )
            break
        if entry is not new_raw[index] and _canonical(entry) != _canonical(new_raw[index]):
            step = entry.get(ENTRY_KEYS["step"], "?") if isinstance(entry, dict) else "?"
            ctx.add(3, f"entri riwayat ke-{index + 1} (langkah {step}) diubah sesudah dicatat", case_id)


def _check_transitions(ctx: _Ctx, sop: Sop, before: Case | None, after: Case, new_entries: list[Entry]) -> None:
    """Rule 2: from the state before, each new entry is a move the SOP allows, ending in the state after."""
    case_id = after.id
    if not new_entries:
        ctx.add(2, "berkas kasus berubah tanpa entri riwayat baru", case_id)
        return
    if len(new_entries) > 1:
        ctx.add(2, f"{len(new_entries)} entri riwayat baru dalam satu commit; satu commit mencatat tepat satu langkah", case_id)
    step, status = (before.step, before.status) if before is not None else (START, None)
    current = before
    for entry in new_entries:
        if entry.action in NON_STEPS:
            what = "koreksi" if entry.action == CORRECTION else "penghapusan data pribadi"
            if before is None:
                ctx.add(2, f"{what} pada kasus yang belum diterima", case_id)
            elif (entry.step, entry.status) != (step, status):
                ctx.add(
                    2, f"{what} tidak boleh memindah kasus (langkah {step} '{status}' -> {entry.step} '{entry.status}')", case_id
                )
            current = current.with_entry(entry) if current is not None else None
            continue
        if entry.action in CASE_ACTION_COMMANDS:
            _check_case_action(ctx, sop, current, entry, case_id)
            step, status = entry.step, entry.status
            current = current.with_entry(entry) if current is not None else None
            continue
        still = sop.still.get(entry.action)
        if still is not None:
            # An `aksi_tetap` (a later message attached): on an open case, never moving it.
            if before is None:
                ctx.add(2, f"aksi '{entry.action}' pada kasus yang belum diterima", case_id)
            elif status in sop.final_statuses:
                ctx.add(2, f"aksi '{entry.action}' pada kasus yang sudah berstatus akhir '{status}'", case_id)
            elif (entry.step, entry.status) != (step, status):
                ctx.add(
                    2,
                    f"aksi '{entry.action}' tidak boleh memindah kasus (langkah {step} '{status}' -> {entry.step} "
                    f"'{entry.status}')",
                    case_id,
                )
            current = current.with_entry(entry) if current is not None else None
            continue
        legal = [
            t
            for t in sop.allowed_from(step, status)
            if (t.target, t.action, t.status) == (entry.step, entry.action, entry.status)
        ]
        if not legal:
            allowed = ", ".join(f"{t.action} (langkah {t.target})" for t in sop.allowed_from(step, status)) or "tidak ada"
            where = f"langkah {step} '{status}'" if step != START else "pengaduan baru"
            ctx.add(
                2,
                f"transisi tidak sah menurut SOP {sop.number}: dari {where} ke langkah {entry.step} "
                f"aksi '{entry.action}' status '{entry.status}'; yang sah: {allowed}",
                case_id,
            )
        step, status = entry.step, entry.status
        current = current.with_entry(entry) if current is not None else None
    if (after.step, after.status) != (step, status):
        ctx.add(
            2,
            f"keadaan kasus (langkah {after.step}, status '{after.status}') tidak sesuai entri riwayat terakhir "
            f"(langkah {step}, status '{status}')",
            case_id,
        )


def _check_case_action(ctx: _Ctx, sop: Sop, current: Case | None, entry: Entry, case_id: str) -> None:
    """Rule 2 for a case action (sop.yaml aksi_kasus): taken where the SOP allows it, leaving the
    case in the state core.actions gives, with what the action needs recorded."""
    command = CASE_ACTION_COMMANDS[entry.action]
    item = sop.case_actions.get(entry.action)
    if item is None:
        ctx.add(2, f"aksi '{command}' tidak ada di SOP {sop.number} yang berlaku (sop.yaml aksi_kasus)", case_id)
        return
    if current is None:
        ctx.add(2, f"aksi '{command}' pada kasus yang belum diterima", case_id)
        return
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    referral = changes.get(actions.REFERRED_TO)
    try:
        expected = actions.next_state(sop, current, item, referral if isinstance(referral, str) else None)
    except TransitionError as exc:
        ctx.add(2, f"aksi '{command}' tidak sah menurut SOP {sop.number}: {exc}", case_id)
        return
    if (entry.step, entry.status) != (expected.step, expected.status):
        ctx.add(
            2,
            f"aksi '{command}' meninggalkan kasus di langkah {entry.step} '{entry.status}', padahal menurut SOP "
            f"{sop.number}: langkah {expected.step} '{expected.status}'",
            case_id,
        )
    if entry.action == UNDO and (expected.changes or {}).get(actions.UNDONE) != changes.get(actions.UNDONE):
        ctx.add(
            2,
            f"batal menyebut entri ke-{changes.get(actions.UNDONE)!r}, padahal langkah terakhir yang dapat dibatalkan "
            f"adalah entri ke-{(expected.changes or {}).get(actions.UNDONE)}",
            case_id,
        )
    if entry.action == REFER and not (isinstance(referral, str) and referral.strip()):
        ctx.add(2, f"rujuk tanpa instansi tujuan (perubahan.{actions.REFERRED_TO})", case_id)
    if "alasan" in item.needs and not (entry.note or "").strip():
        ctx.add(2, f"aksi '{command}' tanpa alasan, padahal SOP {sop.number} memintanya (--alasan)", case_id)


def _check_intake(ctx: _Ctx, before: Case, after: Case, new_entries: list[Entry], sop: Sop | None = None) -> None:
    """Rule 3: intake fields change only through a correction entry naming the field and both values;
    kategori and bidang also through an SOP step that sets them; the reporter's data only through a
    correction naming it (its values are personal data and never written into the history)."""
    corrections = {}
    reporter_corrected = False
    for entry in new_entries:
        if entry.action != CORRECTION:
            continue
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        named = str(changes.get("kolom", ""))
        if named in REPORTER_FIELDS.values():
            reporter_corrected = True
            continue
        if named in (_key("anonymous"), _key("confidential")):
            flag = "anonymous" if named == _key("anonymous") else "confidential"
            if changes.get("baru") is not True or not getattr(after, flag):
                ctx.add(3, f"koreksi kolom '{named}' tidak menyalakannya; sifat anonim/rahasia hanya dinyalakan", after.id)
            continue
        field_name = next((f for f in (*INTAKE_FIELDS, *CLASSIFICATION_FIELDS) if named in (f, _key(f))), None)
        if field_name is None:
            ctx.add(3, f"koreksi menyebut kolom '{named}' yang bukan kolom yang dapat dikoreksi", after.id)
            continue
        corrections[field_name] = changes
    stepped = sop is not None and any(e.action in sop.step_actions for e in new_entries)
    for name in CLASSIFICATION_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        correction = corrections.get(name)
        if correction is not None:
            if _canonical(correction.get("lama")) != _canonical(old) or _canonical(correction.get("baru")) != _canonical(new):
                ctx.add(
                    3,
                    f"koreksi kolom '{_key(name)}' tidak sesuai perubahannya (tercatat {correction.get('lama')!r} -> "
                    f"{correction.get('baru')!r}, berkas {old!r} -> {new!r})",
                    after.id,
                )
        elif old != new and sop is not None and not stepped:
            what = f"kolom '{_key(name)}' diubah tanpa koreksi atau langkah SOP yang mengisinya ({old!r} -> {new!r})"
            ctx.add(3, what, after.id)
    # Made anonymous (schema 2): the reporter block is dropped in that very commit, and only then.
    anonymised = after.anonymous and not before.anonymous and after.reporter.empty
    if before.reporter.to_dict() != after.reporter.to_dict() and not reporter_corrected and not anonymised:
        ctx.add(3, f"data pelapor diubah tanpa koreksi tercatat (kolom {', '.join(REPORTER_FIELDS.values())})", after.id)
    for name in INTAKE_FIELDS:
        # Compared as the files write them: the same moment with another offset is still a change.
        old, new = stored_value(getattr(before, name)), stored_value(getattr(after, name))
        correction = corrections.get(name)
        if old == new and correction is None:
            continue
        if correction is None:
            ctx.add(3, f"kolom penerimaan '{_key(name)}' diubah tanpa koreksi tercatat ({old!r} -> {new!r})", after.id)
        elif _canonical(correction.get("lama")) != _canonical(old) or _canonical(correction.get("baru")) != _canonical(new):
            ctx.add(
                3,
                f"koreksi kolom '{_key(name)}' tidak sesuai perubahannya (tercatat {correction.get('lama')!r} -> "
                f"{correction.get('baru')!r}, berkas {old!r} -> {new!r})",
                after.id,
            )


def _check_trailers(ctx: _Ctx, after: Case, entry: Entry | None) -> None:
    """Rule 4: the trailers name the case, step and action the change records."""
    commit = ctx.commit
    expected: list[tuple[str, Any, bool]] = [("case", after.id, True)]
    if entry is not None:
        expected += [("step", str(entry.step), True), ("action", entry.action, True)]
        expected += [("performer", entry.performer_role, False), ("time", timeutil.to_stored(entry.time), False)]
    if commit.sop is not None:
        expected.append(("sop", commit.sop.number, False))
    for name, value, required in expected:
        token = TRAILERS[name]
        values = commit.trailers.get(token, [])
        if not values:
            if required:
                ctx.add(4, f"trailer {token} tidak ada (perubahan: {value})", after.id)
        elif values != [str(value)]:
            ctx.add(4, f"trailer {token}: {', '.join(values)}, padahal perubahannya: {value}", after.id)


def _check_author(ctx: _Ctx, case_id: str | None, entry: Entry | None) -> None:
    """Rule 5: the commit's author is in the roster in force and may record what the entry records."""
    commit = ctx.commit
    if commit.config is None:
        ctx.add(5, f"daftar petugas yang berlaku tidak dapat dibaca: {commit.setup_error or 'pengaduan.yaml tidak ada'}", case_id)
        return
    staff = author_staff(commit.config, commit.author_email)
    if staff is None:
        ctx.add(
            5, f"penulis commit {commit.author_name} <{commit.author_email}> tidak ada di daftar petugas yang berlaku", case_id
        )
        return
    _check_active(ctx, staff, case_id)
    if entry is None:
        return
    if entry.recorder != staff.code:
        ctx.add(5, f"pencatat di riwayat '{entry.recorder}' bukan penulis commit '{staff.code}'", case_id)
    roles = ", ".join(staff.roles)
    if entry.action == ERASURE:
        erasers = commit.sop.erasers if commit.sop is not None else ()
        if not set(staff.roles) & set(erasers):
            ctx.add(
                5,
                f"petugas '{staff.code}' ({roles}) tidak boleh menghapus data pribadi; yang boleh: {', '.join(erasers)}",
                case_id,
            )
        return
    sop = commit.sop
    if sop is None:
        return  # reported once by the transition check
    if entry.action == CORRECTION:
        if not sop.corrects(staff.roles):
            ctx.add(
                5,
                f"petugas '{staff.code}' ({roles}) tidak boleh mencatat koreksi; yang boleh: {', '.join(sop.correctors)}",
                case_id,
            )
        return
    item = sop.case_actions.get(entry.action)
    if item is not None:
        if not sop.may_take(staff.roles, item):
            ctx.add(
                5,
                f"petugas '{staff.code}' ({roles}) tidak boleh mencatat '{item.name}'; yang boleh: {', '.join(item.roles)}",
                case_id,
            )
        return
    still = sop.still.get(entry.action)
    if still is not None:
        if not set(staff.roles) & set(still.roles):
            ctx.add(
                5,
                f"petugas '{staff.code}' ({roles}) tidak boleh mencatat aksi '{entry.action}'; "
                f"yang boleh: {', '.join(still.roles)}",
                case_id,
            )
        return
    step = sop.steps.get(entry.step) if isinstance(entry.step, int) else None
    if step is not None and not sop.may_record(staff.roles, step):
        allowed = ", ".join(sop.recorders(step))
        ctx.add(5, f"petugas '{staff.code}' ({roles}) tidak boleh mencatat langkah {step.number}; yang boleh: {allowed}", case_id)


def _check_times(ctx: _Ctx, case_id: str, before: Case | None, new_entries: list[Entry]) -> None:
    """Rule 6: each entry not before the previous one, and not after its commit (beyond the tolerance)."""
    commit = ctx.commit
    config = commit.config
    tz = timeutil.zone(config.timezone) if config is not None else timeutil.zone()
    tolerance = config.time_tolerance if config is not None else 120.0
    previous = _moment(before.last.time, tz) if before is not None and before.last is not None else None
    for entry in new_entries:
        moment = _moment(entry.time, tz)
        if previous is not None and moment < previous:
            ctx.add(
                6,
                f"waktu mundur: langkah {entry.step} pada {timeutil.to_text(moment)}, sebelum entri sebelumnya "
                f"({timeutil.to_text(previous)})",
                case_id,
            )
        late = (moment - commit.time).total_seconds()
        if late > tolerance:
            ctx.add(
                6,
                f"waktu langkah {entry.step} ({timeutil.to_text(moment)}) sesudah waktu commit-nya "
                f"({timeutil.to_text(commit.time.astimezone(tz))}), lewat {late:.0f} detik dari toleransi {tolerance:g}",
                case_id,
            )
        previous = moment


def _check_signature(ctx: _Ctx) -> None:
    """Rule 9: when the configuration in force requires it, a valid signature by the author's own key."""
    commit = ctx.commit
    required = commit.config is not None and commit.config.signing_required
    status = commit.signature.status if commit.signature else "N"
    if not required:
        if status == "B":
            ctx.add(9, "tanda tangan tidak sah (isi commit tidak cocok dengan tanda tangannya)")
        return
    problem = signature_problem(commit.signature, author_staff(commit.config, commit.author_email))
    if problem is not None:
        ctx.add(9, f"{problem}; pengaduan.yaml mewajibkan commit bertanda tangan (tanda_tangan_commit: true)")
