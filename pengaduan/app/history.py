"""Reading the store's history for the audit trail: one `git log`, one `git cat-file --batch`.

The log lists every commit with its raw changes (blob ids before and after); every blob the
rules need is then read in one batch and parsed once, however many commits share it. The SOP
and roster in force are followed from commit to commit (as each commit's parent had them).
Signatures are verified by git itself in one more `git log` over the same commits, against an
allowed-signers file made from every roster in that history.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from pengaduan.app.context import Desk
from pengaduan.core import audit
from pengaduan.core.case import Entry
from pengaduan.core.config import Config, load_config
from pengaduan.core.sop import Sop, load_sop
from pengaduan.errors import InputError, PengaduanError, StoreError
from pengaduan.i18n import CASE_KEYS
from pengaduan.store import commits, layout, yamlio
from pengaduan.store.git import LogEntry
from pengaduan.store.store import Store

GITLINK = "160000"
MARK_FILE = "audit.json"
SIGNERS_FILE = "allowed_signers"
# (phase label, done, total): lets a terminal show progress; None under cron.
Progress = Callable[[str, int, int], None]


def classify(path: str) -> tuple[str, str | None]:
    """What kind of store file a path is, and the case ID its path names (for case files)."""
    if path == layout.CONFIG:
        return "config", None
    if path == layout.SOP:
        return "sop", None
    if path in audit.META_FILES:
        return "meta", None
    case_id = layout.case_id_of(path)
    if case_id is not None:
        return "case", case_id
    if path.startswith(layout.REPORTS + "/"):
        return "report", None
    return "other", None


@dataclass
class History:
    commits: list[audit.Commit]
    head: str | None
    cases: set[str] = field(default_factory=set)
    texts: dict[str, bytes] = field(default_factory=dict)  # blob id -> bytes, when asked for
    blobs: dict[tuple[str, str], tuple[str | None, str | None]] = field(default_factory=dict)  # (commit, path) -> ids


_KEY_LINE = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*:(?: |\r?\n|$)")
_HISTORY_KEY = CASE_KEYS["history"].encode() + b":"


class ChunkedYaml:
    """YAML of case files, parsed one top-level key or history entry at a time, each text once.

    Successive versions of a case file share almost all their text: every earlier history entry,
    most intake lines. Parsing each distinct chunk once (instead of every version whole) is what
    keeps an audit of 10,000 transitions within its time budget. Only files shaped the way the
    store writes them (block style, `riwayat` last) are split; anything else, and any chunk that
    does not parse on its own, is parsed whole, so the result is always what a YAML reader sees.
    """

    def __init__(self) -> None:
        self.chunks: dict[bytes, Any] = {}

    def load(self, raw: bytes, source: str, limit: int | None = yamlio.DEFAULT_LIMIT) -> Any:
        yamlio.check_size(len(raw), source, limit)
        split = self.split(raw)
        if split is not None:
            keys, entries = split
            try:
                data: dict[Any, Any] = {}
                for chunk in keys:
                    value = self._parse(chunk)
                    if not isinstance(value, dict) or len(value) != 1:
                        raise ValueError(chunk)
                    data.update(value)
                if entries:
                    history = [self._parse(entry) for entry in entries]
                    if any(not isinstance(item, list) or len(item) != 1 for item in history):
                        raise ValueError(entries)
                    data[CASE_KEYS["history"]] = [item[0] for item in history]
                return data
            except (yaml.YAMLError, ValueError, StoreError):
                pass  # not what the store writes, or refused: read it whole (the message names the line)
        return yamlio.load_text(raw, source, limit)

    def _parse(self, text: bytes) -> Any:
        if text not in self.chunks:
            self.chunks[text] = yamlio.load_checked(text, "")
        return self.chunks[text]

    @staticmethod
    def split(raw: bytes) -> tuple[list[bytes], list[bytes]] | None:
        """(top-level key chunks, history entry chunks), or None when the file is not shaped so."""
        items: list[list[bytes]] = []
        entries: list[list[bytes]] = []
        in_history = False
        for line in raw.splitlines(keepends=True):
            if line[:1] in (b" ", b"\n", b"\r"):  # indented or blank: continues the chunk above
                current = entries[-1] if entries else (items[-1] if items else None)
                if current is None:
                    return None
                current.append(line)
            elif line.startswith(b"- ") and in_history:
                entries.append([line])
            elif not in_history and _KEY_LINE.match(line):
                items.append([line])
                in_history = line.rstrip(b"\r\n") == _HISTORY_KEY
            else:
                return None  # comments, directives, document markers, keys after the history...
        if entries:
            if len(items[-1]) != 1:
                return None
            items.pop()  # the bare `riwayat:` line: its value is the entries
        chunks = [b"".join(item) for item in items]
        history = [b"".join(entry) for entry in entries]
        # The last entry ends the file; the same text elsewhere ends in a newline too.
        return chunks, [h if h.endswith(b"\n") else h + b"\n" for h in history]


class _Loaded:
    """Blobs parsed once each: YAML for everything, then the SOP or configuration on top."""

    def __init__(self, limit: int | None = yamlio.DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.sizes: dict[str, int] = {}
        self.data: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        self.configs: dict[str, Config | str] = {}
        self.sops: dict[str, Sop | str] = {}
        self.yaml = ChunkedYaml()

    def parse(self, blob: str, raw: bytes, source: str) -> None:
        self.sizes[blob] = len(raw)
        try:
            case_file = source.startswith(layout.CASES + "/")
            self.data[blob] = self.yaml.load(raw, source, self.limit) if case_file else yamlio.load_text(raw, source)
        except PengaduanError as exc:
            self.errors[blob] = exc.message

    def config(self, blob: str | None) -> Config | str:
        """The configuration a blob holds, or why it cannot be loaded."""
        return self._built(self.configs, blob, load_config, layout.CONFIG)

    def sop(self, blob: str | None) -> Sop | str:
        """The SOP a blob holds, or why it cannot be loaded."""
        return self._built(self.sops, blob, load_sop, layout.SOP)

    def _built(self, cache: dict[str, Any], blob: str | None, build: Callable[[Any], Any], name: str) -> Any:
        if blob is None:
            return f"{name} tidak ada"
        if blob not in cache:
            try:
                cache[blob] = build(self._get(blob))
            except PengaduanError as exc:
                cache[blob] = exc.message
        return cache[blob]

    def _get(self, blob: str) -> Any:
        if blob in self.errors:
            raise InputError(self.errors[blob])
        return self.data.get(blob)


def _range(store: Store, since: str | None) -> tuple[str, str | None]:
    if not since:
        return "HEAD", None
    base = store.git.commit_id(since)
    if base is None:
        raise InputError(f"--sejak '{since}' bukan commit di store ini; pakai id commit dari 'git log' atau 'pengaduan riwayat'")
    return f"{base}..HEAD", base


def read_history(
    store: Store,
    since: str | None = None,
    paths: Sequence[str] = (),
    keep_text: bool = False,
    progress: Progress | None = None,
) -> History:
    """The commits of the store (since a commit, or touching some paths) as the audit rules take them."""
    git = store.git
    rev_range, base = _range(store, since)
    entries = git.log(rev_range, paths)
    merges = git.merge_own_changes(rev_range) if any(len(e.parents) > 1 for e in entries) else {}

    initial: dict[str, str | None] = {layout.CONFIG: None, layout.SOP: None}
    if base is not None:
        for path in initial:
            rows = git.ls_tree(base, path)
            initial[path] = rows[0][1] if rows else None
    wanted: dict[str, str] = {blob: path for path, blob in initial.items() if blob}
    for entry in entries:
        for change in entry.changes:
            if classify(change.path)[0] in ("case", "config", "sop"):
                # A submodule entry names a commit of another repository: there is nothing to read.
                for blob, mode in ((change.old_blob, change.old_mode), (change.new_blob, change.new_mode)):
                    if blob and mode != GITLINK:
                        wanted.setdefault(blob, change.path)

    loaded = _Loaded(store.config.file_limit)
    history = History(commits=[], head=git.head())
    for done, (blob, raw) in enumerate(git.read_blobs(wanted), 1):
        loaded.parse(blob, raw, wanted[blob])
        if keep_text:
            history.texts[blob] = raw
        if progress is not None and done % 500 == 0:
            progress("membaca", done, len(wanted))

    states = _states(entries, initial, path_limited=bool(paths))
    signatures = _signatures(store, entries, states, loaded)
    for entry in entries:
        history.commits.append(_commit(entry, states[entry.sha], loaded, signatures, merges, history))
    return history


def _states(
    entries: list[LogEntry], initial: dict[str, str | None], path_limited: bool
) -> dict[str, tuple[dict[str, str | None], dict[str, str | None]]]:
    """Per commit: the config and SOP blob ids before it (its parent's) and after it."""
    after_of: dict[str, dict[str, str | None]] = {}
    states = {}
    last = initial
    for entry in entries:
        parent = entry.parents[0] if entry.parents else None
        if parent in after_of:
            before = after_of[parent]
        elif path_limited:  # a path-limited log skips commits: the previous one listed is the state
            before = last
        elif parent is None:
            before = {layout.CONFIG: None, layout.SOP: None}
        else:  # the parent lies before --sejak
            before = initial
        after = dict(before)
        for change in entry.changes:
            if change.path in after:
                after[change.path] = change.new_blob
        after_of[entry.sha] = after
        states[entry.sha] = (before, after)
        last = after
    return states


def _signatures(store: Store, entries: list[LogEntry], states: dict, loaded: _Loaded) -> dict[str, tuple[str, str, str]]:
    """git's verdict on every commit's signature, with every roster's SSH keys as allowed signers."""
    lines = set()
    blobs = {state[layout.CONFIG] for pair in states.values() for state in pair}
    for blob in blobs:
        config = loaded.config(blob)
        if isinstance(config, Config):
            for staff in config.staff:
                if staff.ssh_key:
                    lines.add(f'{staff.commit_email} namespaces="git" {" ".join(staff.ssh_key.split()[:2])}')
    path = store.private_dir() / SIGNERS_FILE
    yamlio.write_atomic(path, "".join(f"{line}\n" for line in sorted(lines)).encode())
    return store.git.signatures([e.sha for e in entries], path)


def _commit(
    entry: LogEntry,
    state: tuple[dict[str, str | None], dict[str, str | None]],
    loaded: _Loaded,
    signatures: dict[str, tuple[str, str, str]],
    merges: dict[str, list[str]],
    history: History,
) -> audit.Commit:
    before, _ = state
    config, sop = loaded.config(before[layout.CONFIG]), loaded.sop(before[layout.SOP])
    problems = [p for p in (config, sop) if isinstance(p, str)]
    root = not entry.parents
    changes = []
    for raw in entry.changes:
        kind, case_id = classify(raw.path)
        old = loaded.data.get(raw.old_blob) if raw.old_blob else None
        new = loaded.data.get(raw.new_blob) if raw.new_blob else None
        error = loaded.errors.get(raw.new_blob or "")
        if raw.new_mode == GITLINK:
            error = "bukan berkas biasa (submodule git)"
        if error is None and raw.new_blob and kind == "config":
            error = _message(loaded.config(raw.new_blob))
        elif error is None and raw.new_blob and kind == "sop":
            error = _message(loaded.sop(raw.new_blob))
        if kind == "case" and case_id:
            history.cases.add(case_id)
            history.blobs[(entry.sha, raw.path)] = (raw.old_blob, raw.new_blob)
        size = loaded.sizes.get(raw.new_blob) if raw.new_blob else None
        changes.append(audit.FileChange(raw.path, kind, raw.status, case_id, old, new, error, raw.new_mode, size))
    status, key, primary = signatures.get(entry.sha, ("N", "", ""))
    return audit.Commit(
        sha=entry.sha,
        parents=entry.parents,
        author_name=entry.author_name,
        author_email=entry.author_email,
        time=datetime.fromtimestamp(entry.commit_time, timezone.utc),
        trailers=commits.parse_trailers(entry.message),
        changes=tuple(changes),
        sop=sop if isinstance(sop, Sop) else None,
        config=config if isinstance(config, Config) else None,
        # Before the first commit there is nothing in force: that is the store being created.
        setup_error=None if root else ("; ".join(problems) or None),
        signature=audit.Signature(status or "N", key, primary),
        merge_own_paths=tuple(merges.get(entry.sha, ())),
        subject=entry.message.split("\n", 1)[0],
    )


def _message(loaded: Any) -> str | None:
    return loaded if isinstance(loaded, str) else None


# -- the audit ---------------------------------------------------------------------------------
@dataclass
class AuditResult:
    commits: int
    cases: int
    findings: list[audit.Finding]
    head: str | None

    @property
    def summary(self) -> str:
        return f"{self.commits} commit, {self.cases} kasus diperiksa, {len(self.findings)} temuan"


def run_audit(desk: Desk, since: str | None = None, progress: Progress | None = None) -> AuditResult:
    """Check every commit (or those since a commit) against the rules, then whether history was rewritten.

    The last audited HEAD is remembered under .git/pengaduan/ whenever history was not
    rewritten, even when other findings exist: hiding a finding by resetting past it must then
    show up as a rewrite. After a rewrite the mark stays put, so the finding repeats until
    someone who has looked deletes the mark.
    """
    store = desk.store
    history = read_history(store, since, progress=progress)
    findings: list[audit.Finding] = []
    total = len(history.commits)
    memo: dict[int, Any] = {}
    opener = sealed_opener(store)
    for done, commit in enumerate(history.commits, 1):
        findings.extend(audit.check_commit(commit, memo, opener))
        if progress is not None and (done % 200 == 0 or done == total):
            progress("memeriksa", done, total)
    rewrite = _rewrite_finding(store, history.head)
    if rewrite is not None:
        findings.append(rewrite)
    elif history.head is not None:
        mark = {
            "commit": history.head,
            "waktu": desk.now().isoformat(timespec="seconds"),
            "commit_diperiksa": total,
            "temuan": len(findings),
        }
        yamlio.write_atomic(mark_path(store), (json.dumps(mark, ensure_ascii=False, indent=2) + "\n").encode())
    return AuditResult(total, len(history.cases), findings, history.head)


def sealed_opener(store: Store) -> audit.Opener | None:
    """Rule 10's check with the keys this machine holds (None when it holds none)."""
    from pengaduan.core import sealed
    from pengaduan.store.keys import KeyStore

    keys = KeyStore(store.private_dir()).load_all()
    if not keys:
        return None

    def open_value(case_id: str, field_name: str, value: str) -> tuple[str | None, str | None]:
        key = keys.get(case_id)
        if key is None:
            return None, None
        try:
            return sealed.open_sealed(key, case_id, field_name, value), None
        except sealed.SealError as exc:
            return None, exc.message

    return open_value


def mark_path(store: Store) -> Path:
    return store.private_dir() / MARK_FILE


def _rewrite_finding(store: Store, head: str | None) -> audit.Finding | None:
    """Rule 8: the HEAD the previous audit saw must still be part of history."""
    path = mark_path(store)
    try:
        mark = json.loads(path.read_text(encoding="utf-8"))
        seen = str(mark["commit"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        problem = f"catatan audit terakhir {path} rusak; tidak dapat memastikan riwayat tidak ditulis ulang"
        return audit.Finding("-", None, 8, problem)
    if head is not None and (seen == head or store.git.is_ancestor(seen, head)):
        return None
    return audit.Finding(
        seen,
        None,
        8,
        f"commit {seen[:12]} yang sudah diperiksa audit pada {mark.get('waktu', '?')} bukan lagi leluhur HEAD: riwayat "
        f"ditulis ulang (commit --amend, reset, rebase) atau commit dibuang; periksa 'git reflog'. Bila sudah diperiksa "
        f"dan memang disengaja, hapus {path} lalu jalankan audit lagi",
    )


# -- one case's history (`pengaduan riwayat`) ---------------------------------------------------
@dataclass(frozen=True)
class CaseEvent:
    """One commit that changed a case file, as an auditor reads it."""

    commit: str
    time: datetime
    author_name: str
    author_email: str
    subject: str
    status: str  # A, M, D
    entries: tuple[Entry, ...]  # the history entries this commit added
    signed: bool
    signature_problem: str | None  # None: signed, valid, by the author's own key
    diff: str | None = None


def case_history(desk: Desk, case_id: str, with_diff: bool = False) -> list[CaseEvent]:
    """Every commit that touched one case file, oldest first: one log, one blob batch."""
    from pengaduan.app.privacy import Keys
    from pengaduan.core.secrecy import open_case

    store = desk.store
    path = layout.case_path(case_id)
    history = read_history(store, paths=[path, layout.CONFIG, layout.SOP], keep_text=with_diff)
    keys = Keys(desk)
    events = []
    for commit in history.commits:
        change = next((c for c in commit.changes if c.path == path), None)
        if change is None:
            continue
        before, _ = audit.parse_case(change.old, path) if change.old is not None else (None, None)
        after, _ = audit.parse_case(change.new, path) if change.new is not None else (None, None)
        entries: tuple[Entry, ...] = ()
        if after is not None:
            # Sealed text as this machine can read it ([terenkripsi] without the key, [dihapus ...] after erasure).
            opened = open_case(after, keys.store.get(after.id) if after.schema >= 2 else None, store.tz).case
            entries = opened.history[len(before.history) :] if before is not None else opened.history
        staff = audit.author_staff(commit.config, commit.author_email)
        diff = None
        if with_diff:
            old_blob, new_blob = history.blobs.get((commit.sha, path), (None, None))
            diff = _diff(history.texts.get(old_blob or ""), history.texts.get(new_blob or ""), path)
        events.append(
            CaseEvent(
                commit=commit.sha,
                time=commit.time.astimezone(store.tz),
                author_name=commit.author_name,
                author_email=commit.author_email,
                subject=commit.subject,
                status=change.status,
                entries=tuple(entries),
                signed=commit.signature is not None and commit.signature.status != "N",
                signature_problem=audit.signature_problem(commit.signature, staff),
                diff=diff,
            )
        )
    return events


def _diff(old: bytes | None, new: bytes | None, path: str) -> str:
    a = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    b = (new or b"").decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, fromfile=f"a/{path}" if old else "/dev/null", tofile=f"b/{path}" if new else "/dev/null")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
