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
from pengaduan.core import audit, templates
from pengaduan.core.case import Entry
from pengaduan.core.config import LOGO_DIR, Config, load_config
from pengaduan.core.sop import Sop, load_sop
from pengaduan.errors import InputError, PengaduanError, StoreError
from pengaduan.i18n import CASE_KEYS, TRAILERS
from pengaduan.store import commits, layout, yamlio
from pengaduan.store.git import LogEntry
from pengaduan.store.store import Store

GITLINK = "160000"
MARK_FILE = "audit.json"
SYNC_MARK_FILE = "sinkron.json"
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
    if path.startswith(LOGO_DIR + "/"):
        return "kop", None  # the letterhead's logo, committed with the configuration
    if templates.code_of(path) is not None:
        return "templat", None  # a canned answer, committed as configuration
    case_id = layout.case_id_of(path)
    if case_id is not None:
        return "case", case_id
    if path.startswith(layout.REPORTS + "/"):
        return "report", None
    conflict_id = layout.conflict_id_of(path)
    if conflict_id is not None:
        return "konflik", conflict_id
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


def _range(store: Store, since: str | None, tip: str, exclude: str | None) -> str:
    if exclude:
        return f"{exclude}..{tip}"
    if not since:
        return tip
    base = store.git.commit_id(since)
    if base is None:
        raise InputError(f"--sejak '{since}' bukan commit di store ini; pakai id commit dari 'git log' atau 'pengaduan riwayat'")
    return f"{base}..{tip}"


TRACKED = (layout.CONFIG, layout.SOP)
State = dict[str, "str | None"]


def read_history(
    store: Store,
    since: str | None = None,
    paths: Sequence[str] = (),
    keep_text: bool = False,
    progress: Progress | None = None,
    tip: str = "HEAD",
    exclude: str | None = None,
) -> History:
    """The commits of the store as the audit rules take them: all of them, those since a commit,
    those touching some paths, or those of `tip` that `exclude` does not have (what a sync would
    bring in). The configuration and SOP in force where the listed history starts are read from
    the commits it starts from."""
    git = store.git
    entries = git.log(_range(store, since, tip, exclude), paths)
    listed = {e.sha for e in entries}
    path_limited = bool(paths)

    boundary: dict[str, State] = {}
    if not path_limited:
        for entry in entries:
            for parent in entry.parents:
                if parent not in listed and parent not in boundary:
                    boundary[parent] = {path: _blob_at(git, parent, path) for path in TRACKED}
    merges = [(e.sha, e.parents) for e in entries if len(e.parents) > 1]
    sides = git.merge_parent_diffs(merges) if merges and not path_limited else []

    wanted: dict[str, str] = {blob: path for state in boundary.values() for path, blob in state.items() if blob}
    raw_changes = [change for entry in entries for change in entry.changes]
    raw_changes += [change for _, _, changes in sides for change in changes]
    for change in raw_changes:
        if classify(change.path)[0] in ("case", "config", "sop", "konflik", "templat"):
            # A submodule entry names a commit of another repository: there is nothing to read.
            for blob, mode in ((change.old_blob, change.old_mode), (change.new_blob, change.new_mode)):
                if blob and mode != GITLINK:
                    wanted.setdefault(blob, change.path)

    loaded = _Loaded(store.config.file_limit)
    history = History(commits=[], head=git.commit_id(tip))
    for done, (blob, raw) in enumerate(git.read_blobs(wanted), 1):
        loaded.parse(blob, raw, wanted[blob])
        if keep_text:
            history.texts[blob] = raw
        if progress is not None and done % 500 == 0:
            progress("membaca", done, len(wanted))

    config_blobs = {blob for blob, path in wanted.items() if path == layout.CONFIG}
    signatures = _signatures(store, entries, config_blobs, loaded)
    states = _states(entries, boundary, path_limited, loaded, signatures)
    by_merge: dict[str, list[tuple[str, list[Any]]]] = {}
    for sha, parent, changes in sides:
        by_merge.setdefault(sha, []).append((parent, changes))
    for entry in entries:
        history.commits.append(_commit(entry, states[entry.sha], loaded, signatures, by_merge.get(entry.sha, []), history))
    return history


def _blob_at(git: Any, rev: str, path: str) -> str | None:
    rows = git.ls_tree(rev, path)
    return rows[0][1] if rows else None


def _states(
    entries: list[LogEntry],
    boundary: dict[str, State],
    path_limited: bool,
    loaded: _Loaded,
    signatures: dict[str, tuple[str, str, str]],
) -> dict[str, tuple[State, State]]:
    """Per commit: the configuration and SOP in force before it and after it (blob ids).

    "In force" follows only the changes that count (audit.may_change_config): a change of
    pengaduan.yaml or sop.yaml by someone not allowed to make it is a finding, and the commits
    after it are still judged by the configuration that was in force. A merge takes, per file,
    the state of the parent whose version it kept.
    """
    actual_of: dict[str, State] = {}
    trusted_of: dict[str, State] = {}
    for sha, state in boundary.items():
        actual_of[sha] = dict(state)
        trusted_of[sha] = dict(state)
    states: dict[str, tuple[State, State]] = {}
    empty: State = {path: None for path in TRACKED}
    last_actual, last_trusted = dict(empty), dict(empty)
    for entry in entries:
        parent = entry.parents[0] if entry.parents else None
        if parent in actual_of:
            actual, trusted = actual_of[parent], trusted_of[parent]
        elif path_limited and parent is not None:  # a path-limited log skips commits: the previous one listed is the state
            actual, trusted = last_actual, last_trusted
        else:
            actual, trusted = empty, empty
        after_actual = dict(actual)
        for change in entry.changes:
            if change.path in after_actual:
                after_actual[change.path] = change.new_blob
        after_trusted = dict(trusted)
        changed = [path for path in TRACKED if after_actual[path] != actual[path]]
        if changed and len(entry.parents) > 1:
            for path in changed:
                # The version of the parent the merge kept counts as far as it counted there.
                for other in entry.parents[1:]:
                    if other in actual_of and actual_of[other][path] == after_actual[path]:
                        after_trusted[path] = trusted_of[other][path]
                        break
        elif changed:
            config = loaded.config(trusted[layout.CONFIG])
            status, key, primary = signatures.get(entry.sha, ("N", "", ""))
            kind = _kind(entry.message)
            if isinstance(config, Config) or trusted[layout.CONFIG] is None:
                signature = audit.Signature(status or "N", key, primary)
                known = config if isinstance(config, Config) else None
                sop = loaded.sop(trusted[layout.SOP])
                after_config = loaded.config(after_actual[layout.CONFIG])
                allowed = audit.may_change_config(
                    known, sop if isinstance(sop, Sop) else None, kind, entry.author_email, signature,
                    after_config if isinstance(after_config, Config) else None,
                )  # fmt: skip
            else:  # the roster in force cannot be read (reported where it broke): a configuration commit may repair it
                allowed = kind == audit.CONFIG_KIND
            if allowed:
                for path in changed:
                    after_trusted[path] = after_actual[path]
        actual_of[entry.sha], trusted_of[entry.sha] = after_actual, after_trusted
        states[entry.sha] = (trusted, after_trusted)
        last_actual, last_trusted = after_actual, after_trusted
    return states


def _kind(message: str) -> str | None:
    values = commits.parse_trailers(message).get(TRAILERS["kind"])
    return values[0] if values else None


def _signatures(
    store: Store, entries: list[LogEntry], config_blobs: set[str], loaded: _Loaded
) -> dict[str, tuple[str, str, str]]:
    """git's verdict on every commit's signature, with every roster's SSH keys as allowed signers."""
    lines = set()
    for blob in config_blobs:
        config = loaded.config(blob)
        if isinstance(config, Config):
            for staff in config.staff:
                if staff.ssh_key:
                    lines.add(f'{staff.commit_email} namespaces="git" {" ".join(staff.ssh_key.split()[:2])}')
    path = store.private_dir() / SIGNERS_FILE
    yamlio.write_atomic(path, "".join(f"{line}\n" for line in sorted(lines)).encode())
    return store.git.signatures([e.sha for e in entries], path)


def _file_change(raw: Any, loaded: _Loaded, history: History | None, sha: str) -> audit.FileChange:
    kind, item_id = classify(raw.path)
    old = loaded.data.get(raw.old_blob) if raw.old_blob else None
    new = loaded.data.get(raw.new_blob) if raw.new_blob else None
    error = loaded.errors.get(raw.new_blob or "")
    if raw.new_mode == GITLINK:
        error = "bukan berkas biasa (submodule git)"
    if error is None and raw.new_blob and kind == "config":
        error = _message(loaded.config(raw.new_blob))
    elif error is None and raw.new_blob and kind == "sop":
        error = _message(loaded.sop(raw.new_blob))
    elif error is None and raw.new_blob and kind == "templat":
        try:
            templates.from_dict(new, raw.path)
        except PengaduanError as exc:
            error = exc.message
    if kind == "case" and item_id and history is not None:
        history.cases.add(item_id)
        history.blobs[(sha, raw.path)] = (raw.old_blob, raw.new_blob)
    size = loaded.sizes.get(raw.new_blob) if raw.new_blob else None
    return audit.FileChange(raw.path, kind, raw.status, item_id, old, new, error, raw.new_mode, size)


def _commit(
    entry: LogEntry,
    state: tuple[State, State],
    loaded: _Loaded,
    signatures: dict[str, tuple[str, str, str]],
    sides: list[tuple[str, list[Any]]],
    history: History,
) -> audit.Commit:
    before, _ = state
    config, sop = loaded.config(before[layout.CONFIG]), loaded.sop(before[layout.SOP])
    problems = [p for p in (config, sop) if isinstance(p, str)]
    root = not entry.parents
    changes = [_file_change(raw, loaded, history, entry.sha) for raw in entry.changes]
    merge_sides = tuple(
        audit.MergeSide(parent, tuple(_file_change(raw, loaded, None, entry.sha) for raw in raws)) for parent, raws in sides
    )
    own: tuple[str, ...] = ()
    if len(merge_sides) > 1:
        paths = [{c.path for c in side.changes} for side in merge_sides]
        own = tuple(sorted(set.intersection(*paths)))
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
        merge_own_paths=own,
        subject=entry.message.split("\n", 1)[0],
        merge_sides=merge_sides,
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
    rewrites = rewrite_findings(store, history.head)
    findings.extend(rewrites)
    if not rewrites and history.head is not None:
        mark = {
            "commit": history.head,
            "waktu": desk.now().isoformat(timespec="seconds"),
            "commit_diperiksa": total,
            "temuan": len(findings),
        }
        yamlio.write_atomic(mark_path(store), (json.dumps(mark, ensure_ascii=False, indent=2) + "\n").encode())
        store.git.keep_ref("diaudit", history.head)  # what was audited stays recoverable after a reset
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


def sync_mark_path(store: Store) -> Path:
    return store.private_dir() / SYNC_MARK_FILE


def write_sync_mark(store: Store, commit: str, remote: str, when: str) -> None:
    """Remember what this clone has sent to (and seen on) the remote: its history must keep it."""
    mark = {"commit": commit, "remote": remote, "waktu": when}
    store.git.keep_ref("tersinkron", commit)  # kept from gc even if a reset drops it from the branch
    yamlio.write_atomic(sync_mark_path(store), (json.dumps(mark, ensure_ascii=False, indent=2) + "\n").encode())


def read_mark(path: Path) -> dict[str, Any] | None:
    """A mark file's content; None when there is none; {} when it cannot be read."""
    try:
        mark = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        return {}
    return mark if isinstance(mark, dict) and isinstance(mark.get("commit"), str) else {}


def rewrite_findings(store: Store, head: str | None) -> list[audit.Finding]:
    """Rule 8: the HEAD the previous audit saw, and what this clone last synchronised, must still be in history."""
    found = []
    for path, what in ((mark_path(store), "diperiksa audit"), (sync_mark_path(store), "dikirim/diterima lewat sinkron")):
        mark = read_mark(path)
        if mark is None:
            continue
        if not mark:
            problem = f"catatan {path} rusak; tidak dapat memastikan riwayat tidak ditulis ulang"
            found.append(audit.Finding("-", None, 8, problem))
            continue
        seen = mark["commit"]
        if head is not None and (seen == head or store.git.is_ancestor(seen, head)):
            continue
        found.append(
            audit.Finding(
                seen,
                None,
                8,
                f"commit {seen[:12]} yang sudah {what} pada {mark.get('waktu', '?')} bukan lagi leluhur HEAD: riwayat "
                f"ditulis ulang (commit --amend, reset, rebase) atau commit dibuang; kembalikan dengan 'git -C {store.root} "
                f"merge {seen[:12]}' (commitnya masih ada), atau bila memang disengaja dan sudah diperiksa, hapus {path}",
            )
        )
    return found


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
