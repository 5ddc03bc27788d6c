"""`pengaduan periksa`: is the store sound as files and as a git repository? (made for cron)

Beside `audit` (which judges history against the SOP), this checks what a crash, a power cut
or a hand edit can break: `git fsck`, the store's invariants at HEAD (each case file a regular
file in the folder of its month, its `id` the one its name says, schema valid, within the size
limit), leftovers of an interrupted transaction or merge (intent file, MERGE_HEAD, git lock
files, temp files, uncommitted changes), git's fsync settings, and the derived data under
.git/pengaduan/ (caches keyed by blob id: every entry for a blob at HEAD must say what the blob
says). `repair=True` fixes what can be fixed without judgement and says what it did: it finishes
or undoes the interrupted transaction, aborts a leftover merge, removes temp files and lock
files no process has open, drops a derived file that disagrees with HEAD, sets git's fsync
settings. A case file that breaks the rules is reported, never changed.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pengaduan.app.context import Desk
from pengaduan.core import ids
from pengaduan.core.case import Case
from pengaduan.errors import PengaduanError
from pengaduan.store import layout, recovery, spans, yamlio
from pengaduan.store import lock as locks
from pengaduan.store.cache import BlobCache
from pengaduan.store.lock import store_lock
from pengaduan.store.store import Store

TEMP_FILE = re.compile(r"(^|/)\.[^/]+\.[A-Za-z0-9_]{8}\.tmp$")
DERIVED_JSON = ("libur-nasional.json", "audit.json")


@dataclass(frozen=True)
class Finding:
    kind: str  # fsck, kasus, transaksi, merge, kunci, sementara, belum_commit, fsync, turunan
    path: str
    message: str
    repairable: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"jenis": self.kind, "berkas": self.path, "pesan": self.message, "bisa_diperbaiki": self.repairable}


@dataclass
class CheckResult:
    head: str | None
    cases: int = 0
    findings: list[Finding] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if not self.findings:
            return f"store sehat: {self.cases} berkas kasus di HEAD {(self.head or '-')[:10]}, tidak ada temuan"
        fixable = sum(f.repairable for f in self.findings)
        hint = f"; {fixable} dapat dibereskan dengan 'pengaduan periksa --perbaiki'" if fixable else ""
        return f"{len(self.findings)} temuan pada {self.cases} berkas kasus di HEAD {(self.head or '-')[:10]}{hint}"


def check(desk: Desk, repair: bool = False) -> CheckResult:
    """Check the store under its lock (so a live transaction is never taken for a dead one)."""
    store = desk.store
    store.git.lock_seconds = store.config.lock_seconds
    with store_lock(store.private_dir() / layout.LOCK, store.config.lock_seconds):
        repairs = _repair(store) if repair else []
        result = _inspect(store)
        result.repairs = repairs
    return result


def _inspect(store: Store) -> CheckResult:
    git = store.git
    result = CheckResult(git.head())
    found = result.findings
    ok, lines = git.fsck()
    if not ok:
        found.append(Finding("fsck", ".git", "git fsck --strict: " + "; ".join(lines[:3]) if lines else "git fsck gagal"))
    found += _leftovers(store)
    for key in git.unhardened():
        found.append(Finding("fsync", ".git/config", f"git tidak diatur {key}={_fsync_value(key)} (tahan mati listrik)", True))
    if result.head is not None:
        result.cases, case_findings, blobs = _cases(store, result.head)
        found += case_findings
        found += _derived(store, blobs)
    return result


def _fsync_value(key: str) -> str:
    from pengaduan.store.git import FSYNC_CONFIG

    return FSYNC_CONFIG[key]


def _leftovers(store: Store) -> list[Finding]:
    git = store.git
    found = []
    try:
        intent = recovery.pending(store)
    except PengaduanError as exc:
        found.append(Finding("transaksi", str(recovery.journal_path(store)), exc.message))
        intent = None
    if intent is not None:
        what = "sinkron" if intent.kind == recovery.MERGE else "transaksi " + ", ".join(sorted(intent.files)[:3])
        found.append(Finding("transaksi", str(recovery.journal_path(store)), f"{what} terputus (proses {intent.pid})", True))
    try:
        move = recovery.pending_move(store)
    except PengaduanError as exc:
        found.append(Finding("transaksi", str(recovery.move_path(store)), exc.message))
        move = None
    if move is not None:
        old, new = move
        why = f"sinkron terputus saat memindahkan cabang dari commit {old[:10]} ke {new[:10]}"
        found.append(Finding("transaksi", str(recovery.move_path(store)), why, True))
    if git.merge_in_progress():
        found.append(Finding("merge", str(git.git_dir / "MERGE_HEAD"), "penggabungan git belum selesai", True))
    for name in recovery.GIT_LOCKS:
        path = git.git_dir / name
        seconds = locks.age(path)
        if seconds is None:
            continue
        pids = locks.holders(path)
        if pids:
            found.append(Finding("kunci", str(path), f"kunci git dipegang proses {', '.join(map(str, pids))} (masih hidup)"))
        else:
            why = f"kunci git tertinggal (tidak dibuka proses mana pun, umur {seconds:.0f} detik)"
            found.append(Finding("kunci", str(path), why, True))
    for entry in _old_private_temp_files(store):
        found.append(Finding("sementara", str(entry), "berkas sementara yang tertinggal", True))
    dirty = git.dirty()
    for rel in git.untracked():
        if TEMP_FILE.search(rel):
            found.append(Finding("sementara", rel, "berkas sementara yang tertinggal dari penulisan yang terputus", True))
    temp = {f.path for f in found if f.kind == "sementara"}
    for rel in dirty:
        if rel not in temp and not rel.endswith("/"):
            found.append(Finding("belum_commit", rel, f"perubahan belum di-commit; periksa dengan 'git -C {store.root} status'"))
        elif rel.endswith("/") and not any(t.startswith(rel) for t in temp):
            found.append(Finding("belum_commit", rel, f"folder belum di-commit; periksa dengan 'git -C {store.root} status'"))
    return found


def _old_private_temp_files(store: Store) -> list[Path]:
    """Temp files under .git/pengaduan/ older than a minute (younger ones may be a reader's cache write)."""
    now = time.time()
    found = []
    for entry in sorted(store.private_dir().glob(".*.tmp")):
        try:
            if now - entry.stat().st_mtime >= 60:
                found.append(entry)
        except FileNotFoundError:
            continue
    return found


def _cases(store: Store, head: str) -> tuple[int, list[Finding], dict[str, Any]]:
    """Every entry under kasus/ at HEAD against the invariants; the parsed data of the good blobs."""
    found: list[Finding] = []
    rows = store.git.ls_tree_sizes(head, layout.CASES)
    wanted: dict[str, str] = {}
    limit = store.config.file_limit  # batas.berkas_kb, the limit every reader applies
    for path, mode, blob, size in rows:
        name = path.rsplit("/", 1)[-1]
        case_id = name[:-5] if name.endswith(".yaml") else None
        if mode not in layout.REGULAR_MODES:
            found.append(Finding("kasus", path, layout.entry_problem(mode, path) or "bukan berkas biasa"))
            continue
        if case_id is None or not ids.is_valid(case_id):
            found.append(Finding("kasus", path, "nama berkas bukan ID kasus (kasus/YYYY/MM/<ID>.yaml)"))
            continue
        if layout.case_path(case_id) != path:
            found.append(Finding("kasus", path, f"tidak di folder bulannya ({layout.case_path(case_id)})"))
            continue
        if limit is not None and size > limit:
            found.append(Finding("kasus", path, f"terlalu besar ({size} bita; batas {limit}: batas.berkas_kb)"))
            continue
        wanted[blob] = path
    parsed: dict[str, Any] = {}
    for blob, data in store.git.read_blobs(wanted):
        path = wanted[blob]
        try:
            raw = yamlio.load_text(data, path)
            case = Case.from_dict(raw, path)
        except PengaduanError as exc:
            found.append(Finding("kasus", path, exc.message))
            continue
        if case.id != layout.case_id_of(path):
            found.append(Finding("kasus", path, f"id di dalam berkas ({case.id}) tidak sama dengan namanya"))
            continue
        parsed[blob] = (raw, case)
    return len(rows), found, parsed


def _derived(store: Store, parsed: dict[str, Any]) -> list[Finding]:
    """The blob-keyed caches must say, for each blob at HEAD, what the blob itself says."""
    found = []
    private = store.private_dir()
    cache_file = private / "cache.sqlite"
    if cache_file.exists():
        problem = _cache_problem(cache_file, {blob: raw for blob, (raw, _case) in parsed.items()}, _same_case)
        if problem:
            found.append(Finding("turunan", str(cache_file), problem, True))
    span_file = private / spans.FILE
    if span_file.exists():
        expected = {}
        for blob, (_raw, case) in parsed.items():
            span = spans.span_of(case, store.sop) or spans.Span(0, 0, None)
            expected[blob] = [span.first, span.last, span.closed]
        problem = _cache_problem(span_file, expected, lambda a, b: a == b)
        if problem:
            found.append(Finding("turunan", str(span_file), problem, True))
    for name in DERIVED_JSON:
        path = private / name
        if path.exists():
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                found.append(Finding("turunan", str(path), "bukan JSON yang sah", name != "audit.json"))
    return found


def _same_case(cached: Any, raw: Any) -> bool:
    return json.loads(json.dumps(raw, ensure_ascii=False, default=str)) == cached


def _cache_problem(path: Path, expected: dict[str, Any], same: Any) -> str | None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return "berkas SQLite rusak"
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return "bukan berkas SQLite yang sah"
    cache = BlobCache(path)
    try:
        cached = cache.get_many(expected)
    except (sqlite3.DatabaseError, ValueError):
        return "isinya tidak dapat dibaca"
    finally:
        cache.close()
    wrong = [blob for blob, value in cached.items() if not same(value, expected[blob])]
    if wrong:
        return f"{len(wrong)} entri tidak sesuai dengan isi berkas di HEAD (mis. blob {wrong[0][:10]})"
    return None


def _repair(store: Store) -> list[str]:
    """Fix what needs no judgement; one line per thing done."""
    git = store.git
    done: list[str] = []
    try:
        intent = recovery.pending(store)
        move = recovery.pending_move(store)
    except PengaduanError:
        intent = move = None  # an unreadable intent is reported, not guessed at
    if intent is None and git.merge_in_progress():
        git.abort_merge()
        done.append("penggabungan git yang belum selesai dibatalkan (git merge --abort)")
    if intent is not None or move is not None:
        done += recovery.recover(store)  # a transition's intent, then a sinkron's branch move
    for name in recovery.GIT_LOCKS:
        path = git.git_dir / name
        if locks.is_stale(path):
            path.unlink(missing_ok=True)
            done.append(f"kunci git {path} yang tertinggal dihapus")
    for entry in _old_private_temp_files(store):
        entry.unlink(missing_ok=True)
        done.append(f"berkas sementara {entry} dihapus")
    for rel in git.untracked():
        if TEMP_FILE.search(rel):
            (store.root / rel).unlink(missing_ok=True)
            recovery._prune_empty_dirs((store.root / rel).parent, store.root)
            done.append(f"berkas sementara {rel} dihapus")
    if git.unhardened():
        git.harden()
        done.append("git diatur agar fsync commit, ref dan index (core.fsync, core.fsyncMethod)")
    head = git.head()
    if head is not None:
        _count, _findings, parsed = _cases(store, head)
        for finding in _derived(store, parsed):
            if finding.repairable:
                Path(finding.path).unlink(missing_ok=True)
                done.append(f"data turunan {finding.path} dihapus ({finding.message}); dibangun ulang saat dipakai")
    return done
