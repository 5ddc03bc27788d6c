"""Reading the store's history for the audit trail, streamed: what is held is bounded, not the history.

`git log` is read as git writes it, a window of commits at a time; the blobs those commits
change are asked of one long-running `git cat-file --batch`, parsed once each and kept in a
bounded cache by blob id (a version is the "after" of one commit and the "before" of the next,
so it is usually still there; when it is not it is read again). The SOP and roster in force are
followed from commit to commit as blob ids; a commit's state is kept past the next commit only
when a later commit names it as a parent out of order (a merge, a fork), which a first streamed
`git rev-list` of the history's shape says in advance. Signatures are verified by git itself in
the same log, against an allowed-signers file made beforehand from every roster version in the
range (a streamed `git log --full-history` of pengaduan.yaml says where they are).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from pengaduan.app.context import Desk
from pengaduan.core import audit, templates
from pengaduan.core.case import Entry
from pengaduan.core.config import LOGO_DIR, Config, load_config
from pengaduan.core.sop import Sop, load_sop
from pengaduan.errors import GitError, InputError, PengaduanError, StoreError
from pengaduan.i18n import CASE_KEYS, TRAILERS
from pengaduan.store import commits, layout, yamlio
from pengaduan.store.git import LogEntry, RawChange
from pengaduan.store.store import Store

GITLINK = "160000"
MARK_FILE = "audit.json"
SYNC_MARK_FILE = "sinkron.json"
SIGNERS_FILE = "allowed_signers"
# (phase label, done, total): lets a terminal show progress; None under cron.
Progress = Callable[[str, int, int], None]

# What the reader holds, whatever the history's length (tests shrink these to prove it).
WINDOW = 256  # commits read ahead: one blob batch, one diff-tree for the merges among them
SEGMENT = 25_000  # first-parent commits per git process (git holds what it sorts)
FILE_CACHE = 4096  # parsed files by blob id
CHUNK_CACHE = 16384  # parsed YAML chunks of case files (ChunkedYaml)
SETUP_CACHE = 64  # loaded configurations and SOPs by blob id
CASE_MEMO = 4096  # the audit's parsed cases (core.audit.check_commit's memo)
# Files whose content the rules read.
READ_KINDS = ("case", "config", "sop", "konflik", "templat")


class Lru(OrderedDict):
    """A dict that keeps only its `capacity` most recently used entries."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self:
            self.move_to_end(key)
            return super().__getitem__(key)
        return default

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.capacity:
            self.popitem(last=False)


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


def _no_text(blob: str | None) -> bytes | None:
    return None


@dataclass
class History:
    """A history being read: `commits` is a one-pass stream (parents before children)."""

    head: str | None
    commits: Iterator[audit.Commit] = field(default_factory=lambda: iter(()))
    cases: set[str] = field(default_factory=set)  # case IDs changed so far
    total: int | None = None  # commits in the range, known once the stream has started (not for a path-limited read)
    # (commit, path) -> (old, new) blob ids of case files, with keep_text only
    blobs: dict[tuple[str, str], tuple[str | None, str | None]] = field(default_factory=dict)
    text: Callable[[str | None], bytes | None] = _no_text  # a blob's bytes, while the stream is open (keep_text)


_KEY_LINE = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*:(?: |\r?\n|$)")
_HISTORY_KEY = CASE_KEYS["history"].encode() + b":"
_MISSING = object()


class ChunkedYaml:
    """YAML of case files, parsed one top-level key or history entry at a time, each text once.

    Successive versions of a case file share almost all their text: every earlier history entry,
    most intake lines. Parsing each distinct chunk once (instead of every version whole) is what
    keeps an audit of 10,000 transitions within its time budget. Only files shaped the way the
    store writes them (block style, `riwayat` last) are split; anything else, and any chunk that
    does not parse on its own, is parsed whole, so the result is always what a YAML reader sees.
    The parsed chunks are kept in a bounded cache: a chunk parsed again is equal, just new.
    """

    def __init__(self, capacity: int = CHUNK_CACHE) -> None:
        self.chunks: Lru = Lru(capacity)

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
        found = self.chunks.get(text, _MISSING)
        if found is _MISSING:
            found = yamlio.load_checked(text, "")
            self.chunks[text] = found
        return found

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


# (parsed YAML or None, why it cannot be read or None, size in bytes)
Parsed = tuple[Any, "str | None", int]


class _Files:
    """Blobs read through one `git cat-file --batch` and parsed once each, kept in bounded caches:
    YAML for everything, then the SOP or configuration on top."""

    def __init__(self, batch: Any, limit: int | None = yamlio.DEFAULT_LIMIT) -> None:
        self.batch = batch
        self.limit = limit
        self.parsed: Lru = Lru(FILE_CACHE)
        self.configs: Lru = Lru(SETUP_CACHE)
        self.sops: Lru = Lru(SETUP_CACHE)
        self.yaml = ChunkedYaml(CHUNK_CACHE)
        self.reads = 0  # blobs read from git so far

    def prefetch(self, wanted: dict[str, str]) -> None:
        """Read, in one batch, the blobs (id -> path) not cached yet; as many as the cache holds."""
        missing = [blob for blob in wanted if blob not in self.parsed][: max(1, FILE_CACHE // 2)]
        for blob, got in zip(missing, self.batch.get_many(missing), strict=True):
            self._parse(blob, got, wanted[blob])

    def file(self, blob: str, path: str) -> Parsed:
        found = self.parsed.get(blob)
        if found is None:
            found = self._parse(blob, self.batch.get_many([blob])[0], path)
        return found

    def named(self, name: str, path: str) -> str | None:
        """The blob id `name` (REV:PATH) names, read and parsed; None when there is no such file."""
        got = self.batch.get_many([name])[0]
        if got is None or got[1] != "blob":
            return None
        if got[0] not in self.parsed:
            self._parse(got[0], got, path)
        return str(got[0])

    def _parse(self, blob: str, got: tuple[str, str, bytes] | None, source: str) -> Parsed:
        if got is None:
            raise GitError(f"objek git {blob} tidak ditemukan")
        raw = got[2]
        self.reads += 1
        data, error = None, None
        try:
            case_file = source.startswith(layout.CASES + "/")
            data = self.yaml.load(raw, source, self.limit) if case_file else yamlio.load_text(raw, source)
        except PengaduanError as exc:
            error = exc.message
        found = (data, error, len(raw))
        self.parsed[blob] = found
        return found

    def config(self, blob: str | None) -> Config | str:
        """The configuration a blob holds, or why it cannot be loaded."""
        return self._built(self.configs, blob, load_config, layout.CONFIG)

    def sop(self, blob: str | None) -> Sop | str:
        """The SOP a blob holds, or why it cannot be loaded."""
        return self._built(self.sops, blob, load_sop, layout.SOP)

    def _built(self, cache: Lru, blob: str | None, build: Callable[[Any], Any], name: str) -> Any:
        if blob is None:
            return f"{name} tidak ada"
        found = cache.get(blob, _MISSING)
        if found is _MISSING:
            data, error, _ = self.file(blob, name)
            try:
                if error is not None:
                    raise InputError(error)
                found = build(data)
            except PengaduanError as exc:
                found = exc.message
            cache[blob] = found
        return found


def _excluded(store: Store, since: str | None, exclude: str | None) -> list[str]:
    """The commits whose history is left out: what a sync's HEAD has, or --sejak's commit."""
    if exclude:
        return [exclude]
    if not since:
        return []
    base = store.git.commit_id(since)
    if base is None:
        raise InputError(f"--sejak '{since}' bukan commit di store ini; pakai id commit dari 'git log' atau 'pengaduan riwayat'")
    return [base]


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
    """The commits of the store as the audit rules take them, streamed: all of them, those since a
    commit, those touching some paths, or those of `tip` that `exclude` does not have (what a sync
    would bring in). The configuration and SOP in force where the listed history starts are read
    from the commits it starts from. Nothing is read until `commits` is iterated."""
    head = store.git.commit_id(tip)
    excluded = _excluded(store, since, exclude)
    history = History(head=head)
    # Every pass reads the same commits, whatever moves the branch meanwhile.
    history.commits = _stream(store, history, head or tip, excluded, tuple(paths), keep_text, progress)
    return history


def _blob_at(git: Any, rev: str, path: str) -> str | None:
    rows = git.ls_tree(rev, path)
    return rows[0][1] if rows else None


def _stream(
    store: Store,
    history: History,
    tip: str,
    excluded: list[str],
    paths: tuple[str, ...],
    keep_text: bool,
    progress: Progress | None,
) -> Iterator[audit.Commit]:
    git = store.git
    path_limited = bool(paths)
    segments = git.segments(tip, excluded, SEGMENT)
    steps = 2 * len(segments)  # the shape of each segment, then its roster versions

    def step(done: int) -> None:
        if progress is not None and steps > 2:
            progress("membaca", done, steps)

    far: Counter[str] = Counter()  # commit -> how many later commits name it as a parent out of order
    edges: set[str] = set()  # parents outside a segment: the range's boundary, and earlier segments' commits
    if not path_limited:
        previous, total = None, 0
        for number, revs in enumerate(segments, 1):
            step(number)
            for sha, parents, is_boundary in git.walk(revs):
                if is_boundary:
                    edges.add(sha)
                    continue
                total += 1
                for parent in parents:
                    if parent != previous:
                        far[parent] += 1
                previous = sha
        history.total = total
    with git.object_reader() as batch:
        files = _Files(batch, store.config.file_limit)
        if keep_text:
            history.text = lambda blob: _bytes_of(batch, blob)
        states = _States(git, edges, far, path_limited, files)
        if path_limited:
            entries: Iterable[LogEntry] = _listed(store, files, segments, paths)
        else:
            signers = _allowed_signers(store, files, segments, edges, lambda n: step(len(segments) + n))
            entries = (entry for revs in segments for entry in git.stream_log(revs, paths, signers))
        window: list[LogEntry] = []
        for entry in entries:
            window.append(entry)
            if len(window) >= WINDOW:
                yield from _window(git, window, states, files, history, path_limited, keep_text)
                window = []
        yield from _window(git, window, states, files, history, path_limited, keep_text)
        history.text = _no_text


def _listed(store: Store, files: _Files, segments: list[list[str]], paths: tuple[str, ...]) -> list[LogEntry]:
    """The commits touching some paths (one case's, with pengaduan.yaml and sop.yaml), held: what
    `riwayat` asks for is that case's commits and the configuration changes, not the history.
    Their signatures are verified afterwards, against every roster version they list."""
    entries = [entry for revs in segments for entry in store.git.stream_log(revs, paths, None)]
    blobs = {
        blob
        for entry in entries
        for change in entry.changes
        if change.path == layout.CONFIG
        for blob, mode in ((change.old_blob, change.old_mode), (change.new_blob, change.new_mode))
        if blob and mode != GITLINK
    }
    signers = _write_signers(store, (files.config(blob) for blob in sorted(blobs)))
    verdicts = store.git.signatures([e.sha for e in entries], signers)
    return [replace(e, signature=verdicts.get(e.sha, ("N", "", ""))) for e in entries]


def _write_signers(store: Store, configs: Iterable[Config | str | None]) -> Path:
    """The allowed-signers file git verifies SSH signatures against: every roster's SSH keys."""
    lines = set()
    for config in configs:
        if isinstance(config, Config):
            for staff in config.staff:
                if staff.ssh_key:
                    lines.add(f'{staff.commit_email} namespaces="git" {" ".join(staff.ssh_key.split()[:2])}')
    path = store.private_dir() / SIGNERS_FILE
    yamlio.write_atomic(path, "".join(f"{line}\n" for line in sorted(lines)).encode())
    return path


def _bytes_of(batch: Any, blob: str | None) -> bytes | None:
    got = batch.get_many([blob])[0] if blob else None
    return got[2] if got is not None else None


def _allowed_signers(
    store: Store, files: _Files, segments: list[list[str]], edges: set[str], step: Callable[[int], None]
) -> Path:
    """An allowed-signers file with the SSH keys of every roster version in the range and where it starts."""

    def configs() -> Iterator[Config | str | None]:
        pending = [f"{sha}:{layout.CONFIG}" for sha in sorted(edges)]
        for number, revs in enumerate(segments, 1):
            step(number)
            for sha in store.git.versions(revs, layout.CONFIG):
                pending.append(f"{sha}:{layout.CONFIG}")
                if len(pending) >= 256:
                    yield from _configs(files, pending)
        yield from _configs(files, pending)

    return _write_signers(store, configs())


def _configs(files: _Files, names: list[str]) -> Iterator[Config | str | None]:
    """The configurations REV:PATH names hold (emptied as read)."""
    for name in names:
        blob = files.named(name, layout.CONFIG)
        yield files.config(blob) if blob else None
    names.clear()


class _States:
    """Per commit: the configuration and SOP in force before it and after it (blob ids).

    "In force" follows only the changes that count (audit.may_change_config): a change of
    pengaduan.yaml or sop.yaml by someone not allowed to make it is a finding, and the commits
    after it are still judged by the configuration that was in force. A merge takes, per file,
    the state of the parent whose version it kept. A commit's state is held until the last
    commit that names it as a parent has been read: the previous commit's always, another's only
    as often as the history's shape said it is named out of order.
    """

    def __init__(self, git: Any, edges: set[str], far: Counter[str], path_limited: bool, files: _Files) -> None:
        self.git = git
        self.kept: dict[str, tuple[State, State]] = {}
        self.edges = edges
        self.boundary: dict[str, tuple[State, State]] = {}  # parents outside the range: as their tree has them
        self.far = far
        self.path_limited = path_limited
        self.files = files
        empty: State = {path: None for path in TRACKED}
        self.empty = empty
        self.previous: tuple[str | None, State, State] = (None, dict(empty), dict(empty))

    def _of(self, sha: str) -> tuple[State, State] | None:
        if sha == self.previous[0]:
            return self.previous[1], self.previous[2]
        found = self.kept.get(sha)
        if found is not None:
            if not self.path_limited:
                self.far[sha] -= 1
                if self.far[sha] <= 0:
                    del self.kept[sha], self.far[sha]
            return found
        if sha in self.edges:  # not listed (or it would be kept): outside the range
            if sha not in self.boundary:
                state = {path: _blob_at(self.git, sha, path) for path in TRACKED}
                self.boundary[sha] = (state, dict(state))
            return self.boundary[sha]
        return None

    def step(self, entry: LogEntry) -> tuple[State, State]:
        found = [self._of(parent) for parent in entry.parents]
        if found and found[0] is not None:
            actual, trusted = found[0]
        elif self.path_limited and entry.parents:  # a path-limited log skips commits: the previous one listed is the state
            actual, trusted = self.previous[1], self.previous[2]
        elif entry.parents:
            raise GitError(f"induk commit {entry.parents[0][:12]} tidak terbaca dalam riwayat yang sama; ulangi audit")
        else:
            actual, trusted = self.empty, self.empty
        after_actual = dict(actual)
        for change in entry.changes:
            if change.path in after_actual:
                after_actual[change.path] = change.new_blob
        after_trusted = dict(trusted)
        changed = [path for path in TRACKED if after_actual[path] != actual[path]]
        if changed and len(entry.parents) > 1:
            for path in changed:
                # The version of the parent the merge kept counts as far as it counted there.
                for other in found[1:]:
                    if other is not None and other[0][path] == after_actual[path]:
                        after_trusted[path] = other[1][path]
                        break
        elif changed and self._allowed(entry, trusted, after_actual):
            for path in changed:
                after_trusted[path] = after_actual[path]
        if self.path_limited or self.far.get(entry.sha, 0) > 0:
            self.kept[entry.sha] = (after_actual, after_trusted)
        self.previous = (entry.sha, after_actual, after_trusted)
        return trusted, after_trusted

    def _allowed(self, entry: LogEntry, trusted: State, after_actual: State) -> bool:
        files = self.files
        config = files.config(trusted[layout.CONFIG])
        status, key, primary = entry.signature
        kind = _kind(entry.message)
        if isinstance(config, Config) or trusted[layout.CONFIG] is None:
            signature = audit.Signature(status or "N", key, primary)
            known = config if isinstance(config, Config) else None
            sop = files.sop(trusted[layout.SOP])
            after_config = files.config(after_actual[layout.CONFIG])
            return audit.may_change_config(
                known, sop if isinstance(sop, Sop) else None, kind, entry.author_email, signature,
                after_config if isinstance(after_config, Config) else None,
            )  # fmt: skip
        # The roster in force cannot be read (reported where it broke): a configuration commit may repair it.
        return kind == audit.CONFIG_KIND


def _kind(message: str) -> str | None:
    values = commits.parse_trailers(message).get(TRAILERS["kind"])
    return values[0] if values else None


def _wanted(changes: Sequence[RawChange]) -> dict[str, str]:
    """Blob id -> path of what the rules read of these changes (a submodule entry names a commit
    of another repository: there is nothing to read)."""
    wanted: dict[str, str] = {}
    for change in changes:
        if classify(change.path)[0] in READ_KINDS:
            for blob, mode in ((change.old_blob, change.old_mode), (change.new_blob, change.new_mode)):
                if blob and mode != GITLINK:
                    wanted.setdefault(blob, change.path)
    return wanted


def _window(
    git: Any,
    window: list[LogEntry],
    states: _States,
    files: _Files,
    history: History,
    path_limited: bool,
    keep_text: bool,
) -> Iterator[audit.Commit]:
    """The commits of one window of the log, their blobs read in one batch."""
    merges = [(e.sha, e.parents) for e in window if len(e.parents) > 1]
    sides = git.merge_parent_diffs(merges) if merges and not path_limited else []
    by_merge: dict[str, list[tuple[str, list[RawChange]]]] = {}
    for sha, parent, changes in sides:
        by_merge.setdefault(sha, []).append((parent, changes))
    raw_changes = [change for entry in window for change in entry.changes]
    raw_changes += [change for _, _, changes in sides for change in changes]
    files.prefetch(_wanted(raw_changes))
    for entry in window:
        state = states.step(entry)
        yield _commit(entry, state, files, by_merge.get(entry.sha, []), history, keep_text)


def _content(files: _Files, blob: str | None, mode: str, path: str, read: bool) -> Parsed | None:
    if not blob or mode == GITLINK or not read:
        return None
    return files.file(blob, path)


def _file_change(raw: RawChange, files: _Files, history: History | None, sha: str, keep_text: bool) -> audit.FileChange:
    kind, item_id = classify(raw.path)
    read = kind in READ_KINDS
    before = _content(files, raw.old_blob, raw.old_mode, raw.path, read)
    after = _content(files, raw.new_blob, raw.new_mode, raw.path, read)
    old = before[0] if before is not None else None
    new = after[0] if after is not None else None
    error = after[1] if after is not None else None
    if raw.new_mode == GITLINK:
        error = "bukan berkas biasa (submodule git)"
    if error is None and raw.new_blob and kind == "config":
        error = _message(files.config(raw.new_blob))
    elif error is None and raw.new_blob and kind == "sop":
        error = _message(files.sop(raw.new_blob))
    elif error is None and raw.new_blob and kind == "templat":
        try:
            templates.from_dict(new, raw.path)
        except PengaduanError as exc:
            error = exc.message
    if kind == "case" and item_id and history is not None:
        history.cases.add(item_id)
        if keep_text:
            history.blobs[(sha, raw.path)] = (raw.old_blob, raw.new_blob)
    size = after[2] if after is not None else None
    return audit.FileChange(raw.path, kind, raw.status, item_id, old, new, error, raw.new_mode, size)


def _commit(
    entry: LogEntry,
    state: tuple[State, State],
    files: _Files,
    sides: list[tuple[str, list[RawChange]]],
    history: History,
    keep_text: bool,
) -> audit.Commit:
    before, _ = state
    config, sop = files.config(before[layout.CONFIG]), files.sop(before[layout.SOP])
    problems = [p for p in (config, sop) if isinstance(p, str)]
    root = not entry.parents
    changes = [_file_change(raw, files, history, entry.sha, keep_text) for raw in entry.changes]
    merge_sides = tuple(
        audit.MergeSide(parent, tuple(_file_change(raw, files, None, entry.sha, False) for raw in raws))
        for parent, raws in sides
    )
    own: tuple[str, ...] = ()
    if len(merge_sides) > 1:
        paths = [{c.path for c in side.changes} for side in merge_sides]
        own = tuple(sorted(set.intersection(*paths)))
    status, key, primary = entry.signature
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
    total = 0
    memo: dict[int, Any] = Lru(CASE_MEMO)  # bounded: a case parsed again is equal, just new
    opener = sealed_opener(store)
    for commit in history.commits:
        findings.extend(audit.check_commit(commit, memo, opener))
        total += 1
        if progress is not None and total % 200 == 0:
            progress("memeriksa", total, max(total, history.total or 0))
    if progress is not None and total % 200 != 0:
        progress("memeriksa", total, total)
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
            diff = _diff(history.text(old_blob), history.text(new_blob), path)
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
