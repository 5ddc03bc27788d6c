"""The one derived index of a store: a SQLite file under .git/pengaduan/, deletable at any time.

One row per case file at the commit the index reflects (`meta.commit`): what lists, filters,
the SOP clock and the reports need (status, step, platform, bidang, kategori, the received
moment, the report span, the last clock entry and the step it awaits), the case file's data as
JSON (so a Case is built without parsing YAML), and an FTS5 row for `cari` (accent- and
case-insensitive) holding only `core.search.searchable_text`: never a value a key protects.
What this machine reads of a case with its keys is kept only blind (app/blind.py fills it as
cases are read): keyed hashes of word prefixes (`tokens`) and the list row sealed with a key of
this machine (`cases.box`); both go with the case's row when its file changes.

It is brought up to date from `git diff-tree` between its commit and HEAD (after a transition,
a `sinkron`, a hand-made commit): only the case files that changed are read. It is built from
nothing (one `ls-tree`, one `cat-file --batch`) when missing, unreadable, of another version, or
made under another SOP, time zone or file size limit. A transition updates it in place for the
file it committed. Files that cannot be cases are kept with their one-line reason (`broken`),
so every list names them until they are fixed.

Deadlines depend on the working calendar and the moment: the index keeps what does not (the
awaited step and since when), and the app computes the rest for the few rows a query returns.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pengaduan.core import sla
from pengaduan.core.case import Case
from pengaduan.core.search import fts_query, searchable_text
from pengaduan.errors import StoreError
from pengaduan.store import layout, yamlio
from pengaduan.store.git import blob_id

if TYPE_CHECKING:
    from pengaduan.store.store import Store

FILE = "indeks.sqlite"
# Bumped whenever a row's meaning changes: an index of another version is rebuilt, never trusted.
VERSION = "5"
# (phase, done, total): a terminal shows a progress bar while the index is built.
Progress = Callable[[str, int, int], None]

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL UNIQUE,
    blob TEXT NOT NULL,
    schema INTEGER NOT NULL,
    private INTEGER NOT NULL,      -- confidential or erased: nothing personal in the FTS row
    status TEXT NOT NULL,
    step INTEGER NOT NULL,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    account TEXT NOT NULL,         -- as the file holds it (ciphertext where the file seals it)
    bidang TEXT,
    category TEXT,
    received REAL NOT NULL,        -- epoch seconds
    received_text TEXT NOT NULL,   -- ISO 8601 in the store's time zone (meta.tz)
    text TEXT NOT NULL,            -- as the file holds it (ciphertext where the file seals it)
    span_first REAL NOT NULL,      -- report span: first entry, last entry, first closing entry
    span_last REAL NOT NULL,
    span_closed REAL,
    clock_first REAL,              -- first SOP step still counted (not undone)
    clock_step INTEGER,            -- last counted entry (corrections and undone steps left out):
    clock_status TEXT,             --   step, status, time
    clock_time REAL,
    closed INTEGER NOT NULL,       -- that last entry has a final status
    awaited INTEGER,               -- once every entry is past: the step awaited (NULL: none or
    awaited_role TEXT,             --   paused) and who brings it; deadlines need the calendar
    duplicate_of TEXT,             -- the case this one was closed as a duplicate of (lihat lists them)
    box_stamp TEXT,                -- the list row as shareable() gives it, sealed (app/blind.py), the
    box_keyed INTEGER,             --   stamp it was made under and whether with the case's key; NULL
    box BLOB,                      --   until a list needs it (before `data`: read without its pages)
    steps TEXT NOT NULL,           -- JSON [[step, action, status, epoch], ...] of the counted steps
    data TEXT NOT NULL             -- the case file's data as JSON
);
CREATE TABLE broken (path TEXT PRIMARY KEY, blob TEXT NOT NULL, message TEXT NOT NULL);
CREATE VIRTUAL TABLE search USING fts5(body, tokenize = "unicode61 remove_diacritics 2");
-- Filled by the app as this machine reads the cases (app/blind.py), never with plaintext of a
-- sealed value: keyed hashes of word prefixes (core/blind.py), and list rows sealed with a key
-- of this machine (cases.box). A case's tokens go with its case row; `meta.blind` names the key.
CREATE TABLE tokened (n INTEGER PRIMARY KEY, blob TEXT NOT NULL, keyed INTEGER NOT NULL);
CREATE TABLE tokens (h INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (h, n)) WITHOUT ROWID;
CREATE INDEX tokens_n ON tokens (n);
CREATE INDEX tokened_unkeyed ON tokened (n) WHERE keyed = 0;
"""
_BLIND_TABLES = ("tokened", "tokens")
_INDEXES = """
CREATE INDEX cases_received ON cases (received, id);
-- Covers `listed` (every list of cases: received order, the list columns, the kept row), so a list of
-- 100,000 reads this narrow index and never the wide rows with their JSON.
CREATE INDEX cases_list ON cases (received, id, received_text, platform, kind, status, step, bidang, category, blob,
                                  box_keyed, box_stamp, box);
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_open ON cases (closed, span_first);
CREATE INDEX cases_span ON cases (span_last);
CREATE INDEX cases_private ON cases (private, schema);
CREATE INDEX cases_duplicate ON cases (duplicate_of) WHERE duplicate_of IS NOT NULL;
"""
_COLUMNS = (
    "id", "path", "blob", "schema", "private", "status", "step", "platform", "kind", "account", "bidang", "category",
    "received", "received_text", "text", "span_first", "span_last", "span_closed", "clock_first", "clock_step",
    "clock_status", "clock_time", "closed", "awaited", "awaited_role", "duplicate_of", "steps",
    "data",
)  # fmt: skip
_INSERT = f"INSERT INTO cases ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_INSERT_N = f"INSERT INTO cases (n, {', '.join(_COLUMNS)}) VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})"
# What list rows carry (daftar, cari, antrean).
LIST_COLUMNS = ("id", "received", "received_text", "platform", "kind", "status", "step", "bidang", "category", "text", "account")


@dataclass(frozen=True)
class Filter:
    """Which cases a query returns; None leaves a criterion out."""

    status: str | None = None
    open_only: bool = False  # not in a final status (the SOP's)
    platform: str | None = None
    bidang: str | None = None
    category: str | None = None
    received_from: float | None = None  # epoch seconds, inclusive
    received_before: float | None = None  # epoch seconds, exclusive
    ids: Sequence[str] | None = None


@dataclass(frozen=True)
class Span:
    """Epoch seconds of a case's first and last entry, and of the entry that closed it."""

    first: float
    last: float
    closed: float | None


# What a damaged or vanished index file raises while it is read: SQLite's corruption and I/O
# errors (a file deleted or replaced under a running command: "disk I/O error"), text columns that
# are no longer UTF-8 and JSON columns that no longer parse. A programming error (no such table, a
# syntax error, a constraint) is none of these and is left to surface.
_DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY_DBMOVED")


class _RowDamaged(Exception):
    """A row's case data that no longer builds a case (edited by hand, or damaged)."""


def _case_of(data: str) -> Case:
    """The Case a row's `data` holds. The data was accepted by `Case.from_dict` when the row was
    written; when it no longer builds, the row is damaged unless `from_dict` still accepts it (then
    the fault is the code's own, and surfaces)."""
    raw = json.loads(data)
    try:
        return Case.from_checked(raw)
    except Exception:
        try:
            Case.from_dict(raw, FILE)
        except Exception:  # noqa: BLE001 - whatever it is, the row does not hold a case
            raise _RowDamaged from None
        raise


def _damage(exc: BaseException) -> str | None:
    """'rusak' (the file is damaged: drop it), 'berubah' (it went away or changed) or None (not damage)."""
    if isinstance(exc, (UnicodeDecodeError, json.JSONDecodeError, _RowDamaged)):
        return "rusak"
    if isinstance(exc, sqlite3.DatabaseError):
        name = getattr(exc, "sqlite_errorname", None) or ""
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or str(exc).startswith("Could not decode to UTF-8"):
            return "rusak"
        if name.startswith(_DAMAGE_CODES):
            return "berubah"
    return None


def _guarded(method: Any) -> Any:
    """An Index method (a generator's too) whose damage errors become one StoreError line."""

    def refuse(self: Index, exc: BaseException) -> StoreError | None:
        kind = _damage(exc)
        if kind is None:
            return None
        if kind == "rusak":
            _remove(self.path)  # derived data: built again by the next command
        return StoreError(
            f"indeks turunan .git/pengaduan/{FILE} {'rusak' if kind == 'rusak' else 'berubah atau hilang'} saat dibaca "
            "(data turunan, dibangun ulang dari store); ulangi perintahnya"
        )

    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(self: Index, *args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(self, *args, **kwargs)
            except (sqlite3.DatabaseError, UnicodeDecodeError, json.JSONDecodeError, _RowDamaged) as exc:
                error = refuse(self, exc)
                if error is None:
                    raise
                raise error from None

        return generator

    @functools.wraps(method)
    def plain(self: Index, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, UnicodeDecodeError, json.JSONDecodeError, _RowDamaged) as exc:
            error = refuse(self, exc)
            if error is None:
                raise
            raise error from None

    return plain


class Index:
    """An open index, up to date with the commit it names (`commit`)."""

    def __init__(self, store: Store, db: sqlite3.Connection, path: str) -> None:
        self.store = store
        self.db = db
        self.path = path
        self.commit: str | None = None

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(cls, store: Store, progress: Progress | None = None) -> Index:
        """The store's index brought up to date with HEAD (built first when it must be)."""
        index = cls(store, *_connect(store))
        try:
            index.refresh(progress)
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            # Corrupt in a way opening did not show: start again from nothing.
            index.close()
            _remove(index.path)
            index = cls(store, *_connect(store))
            index.refresh(progress)
        return index

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meta(self) -> dict[str, str]:
        try:
            return dict(self.db.execute("SELECT key, value FROM meta"))
        except sqlite3.OperationalError:
            return {}  # no tables yet

    def _settings(self) -> dict[str, str]:
        """What every row depends on besides the case file: rebuilt when one of these changes."""
        config = self.store.config
        return {"version": VERSION, "tz": config.timezone, "limit": str(config.file_limit)}

    def refresh(self, progress: Progress | None = None) -> None:
        head = self.store.git.head()
        meta = self._meta()
        settings = self._settings()
        current = all(meta.get(k) == v for k, v in settings.items())
        if current and meta.get("commit") == (head or ""):
            self.commit = head
            return
        if current and meta.get("commit") and head is not None:
            changes = self.store.git.changed_entries(meta["commit"], head, [layout.CASES, layout.SOP])
            if changes is not None and not any(path == layout.SOP for path, _m, _b in changes):
                self._update(meta["commit"], head, changes)
                return
        self._rebuild(head, settings, progress)

    # -- building --------------------------------------------------------------------------
    def _rebuild(self, head: str | None, settings: dict[str, str], progress: Progress | None) -> None:
        """Every row from the commit's files, into a new file that then replaces the old one."""
        entries = self.store.git.tree_entries(head, layout.CASES) if head else []
        target = self.path if self.path == ":memory:" else f"{self.path}.{os.getpid()}.tmp"
        if target != ":memory:":
            _remove(target)
            db = sqlite3.connect(target, timeout=30, isolation_level=None)
        else:
            db = self.db
            for table in ("meta", "cases", "broken", "search", *_BLIND_TABLES):
                db.execute(f"DROP TABLE IF EXISTS {table}")
        try:
            self._fill(db, head, settings, entries, progress)
        except BaseException:
            if target != ":memory:":
                db.close()
                _remove(target)
            raise
        if target != ":memory:":
            db.execute("PRAGMA journal_mode=DELETE")
            db.close()
            self.db.close()
            os.replace(target, self.path)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            _pragmas(self.db)
        self.commit = head

    def _fill(
        self,
        db: sqlite3.Connection,
        head: str | None,
        settings: dict[str, str],
        entries: list[tuple[str, str, str]],
        progress: Progress | None,
    ) -> None:
        _pragmas(db)
        db.execute("PRAGMA journal_mode=OFF")  # a new file: a failure leaves it to be removed, never read
        db.executescript(_TABLES)
        db.execute("BEGIN")
        builder = _Rows(self.store)
        wanted: list[tuple[str, str]] = []
        for mode, path, blob in entries:
            if layout.case_id_of(path) is None:
                continue
            problem = layout.entry_problem(mode, path)
            if problem is not None:
                db.execute("INSERT INTO broken VALUES (?, ?, ?)", (path, blob, f"berkas kasus {path} tidak sah: {problem}"))
                continue
            wanted.append((path, blob))
        by_blob: dict[str, list[str]] = {}
        for path, blob in wanted:
            by_blob.setdefault(blob, []).append(path)
        total = len(wanted)
        done = 0
        rows: list[tuple[Any, ...]] = []
        texts: list[tuple[int, str]] = []

        def flush() -> None:
            db.executemany(_INSERT_N, rows)
            db.executemany("INSERT INTO search(rowid, body) VALUES (?, ?)", texts)
            rows.clear()
            texts.clear()

        for blob, data in self.store.git.read_blobs(list(by_blob)):
            for path in by_blob[blob]:
                made = builder.values(path, blob, data, None)
                if isinstance(made, str):
                    db.execute("INSERT OR REPLACE INTO broken VALUES (?, ?, ?)", (path, blob, made))
                else:
                    rows.append((done + 1, *made[0]))
                    texts.append((done + 1, made[1]))
                done += 1
                if len(rows) >= 1000:
                    flush()
                if progress is not None and done % 2000 == 0:
                    progress("indeks", done, total)
        flush()
        for statement in _INDEXES.strip().split(";"):
            if statement.strip():
                db.execute(statement)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [*settings.items(), ("commit", head or "")])
        db.execute("COMMIT")
        if progress is not None:
            progress("indeks", total, total)

    def _update(self, base: str, head: str, changes: list[tuple[str, str, str | None]]) -> None:
        """Bring the rows from `base` to `head`: only the case files that differ are read."""
        db = self.db
        with _writing(db):
            if self._meta().get("commit") != base:  # another process moved it meanwhile: start over
                db.execute("ROLLBACK")
                self.refresh()
                return
            builder = _Rows(self.store)
            fresh: dict[str, list[str]] = {}
            previous: dict[str, tuple[int, int] | None] = {}
            for path, mode, blob in changes:
                if layout.case_id_of(path) is None:
                    continue
                previous[path] = builder.forget(db, path)
                if blob is None:
                    continue
                problem = layout.entry_problem(mode, path)
                if problem is not None:
                    db.execute("INSERT INTO broken VALUES (?, ?, ?)", (path, blob, f"berkas kasus {path} tidak sah: {problem}"))
                    continue
                fresh.setdefault(blob, []).append(path)
            for blob, data in self.store.git.read_blobs(list(fresh)):
                for path in fresh[blob]:
                    _insert(db, builder, path, blob, data, previous.get(path))
            db.execute("UPDATE meta SET value = ? WHERE key = 'commit'", (head,))
        builder.tidy(db)
        self.commit = head

    # -- what a transition committed -------------------------------------------------------
    def committed(self, old: str | None, new: str, files: dict[str, bytes | None]) -> None:
        """The transition from `old` to `new` changed these files: the rows follow, when the index
        reflected `old` (otherwise the next reader catches up through diff-tree)."""
        db = self.db
        with _writing(db):
            meta = self._meta()
            if meta.get("commit") != (old or "") or not all(meta.get(k) == v for k, v in self._settings().items()):
                db.execute("ROLLBACK")
                return
            if layout.SOP in files:  # rows depend on the SOP: the next reader rebuilds
                db.execute("UPDATE meta SET value = '' WHERE key = 'version'")
                return
            builder = _Rows(self.store)
            width = len(new)
            for path, data in files.items():
                if layout.case_id_of(path) is None:
                    continue
                previous = builder.forget(db, path)
                if data is not None:
                    _insert(db, builder, path, blob_id(data, width), data, previous)
            db.execute("UPDATE meta SET value = ? WHERE key = 'commit'", (new,))
        builder.tidy(db)
        self.commit = new

    # -- queries ---------------------------------------------------------------------------
    def broken(self) -> dict[str, str]:
        """Case files at the index's commit that cannot be cases: path -> one-line reason."""
        return dict(self.db.execute("SELECT path, message FROM broken ORDER BY path"))

    def open_steps(self) -> dict[str, int]:
        """Every case not in a final status -> the step it rests at."""
        finals = list(self.store.sop.final_statuses)
        query = f"SELECT id, step FROM cases WHERE status NOT IN ({', '.join('?' * len(finals))})"
        return dict(self.db.execute(query, finals))

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM cases").fetchone()[0])

    def rows(self, where: Filter = Filter(), columns: Sequence[str] = LIST_COLUMNS) -> Iterator[tuple[Any, ...]]:
        """Matching cases in the order received (then ID), one tuple of `columns` each, streamed."""
        sql, params = _where(where, self.store)
        query = f"SELECT {', '.join(columns)} FROM cases {sql} ORDER BY received, id"
        yield from self.db.execute(query, params)

    def ids_starting(self, prefix: str, limit: int = 50) -> list[str]:
        """IDs beginning with `prefix`, or whose random part (after the dash) does."""
        if not prefix:
            rows = self.db.execute("SELECT id FROM cases ORDER BY id LIMIT ?", (limit,))
        else:
            rows = self.db.execute(
                "SELECT id FROM cases WHERE substr(id, 1, ?) = ? OR substr(id, 8, ?) = ? ORDER BY id LIMIT ?",
                (len(prefix), prefix, len(prefix), prefix, limit),
            )
        return [r[0] for r in rows]

    def search(
        self, words: str, where: Filter = Filter(), columns: Sequence[str] = LIST_COLUMNS, limit: int | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Cases whose searchable text holds every typed word (accents and case ignored), best
        match first (FTS5 rank), as tuples of `columns`."""
        match = fts_query(words)
        if match is None:
            return
        sql, params = _where(where, self.store, prefix="c.")
        cond = "search MATCH ?" + (" AND " + sql[len("WHERE ") :] if sql else "")
        cols = ", ".join(f"c.{c}" for c in columns)
        query = f"SELECT {cols} FROM search JOIN cases c ON c.n = search.rowid WHERE {cond} ORDER BY rank, c.id"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        yield from self.db.execute(query, [match, *params])

    # -- what the app keeps for this machine (app/blind.py) ----------------------------------
    def blind_check(self) -> str | None:
        """What names the key the tokens and sealed rows were made with (None: none yet)."""
        return self._meta().get("blind")

    def reset_blind(self, check: str) -> None:
        """Drop every token and sealed row (made with another key, or none) and name the new key."""
        db = self.db
        with _writing(db):
            for table in _BLIND_TABLES:
                db.execute(f"DELETE FROM {table}")
            db.execute("UPDATE cases SET box_stamp = NULL, box_keyed = NULL, box = NULL WHERE box IS NOT NULL")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('blind', ?)", (check,))

    def token_work(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(id, blob) of the searchable cases (not confidential, not erased) without tokens yet,
        and of those tokenised without their key (to redo once the key is here)."""
        searchable = self.db.execute("SELECT count(*) FROM cases WHERE private = 0").fetchone()[0]
        tokenised = self.db.execute("SELECT count(*) FROM tokened").fetchone()[0]  # rows go with their case's
        missing = [] if searchable == tokenised else self.db.execute(
            "SELECT c.id, c.blob FROM cases c LEFT JOIN tokened t ON t.n = c.n AND t.blob = c.blob "
            "WHERE c.private = 0 AND t.n IS NULL"
        ).fetchall()
        unkeyed = self.db.execute(
            "SELECT c.id, c.blob FROM tokened t JOIN cases c ON c.n = t.n AND c.blob = t.blob "
            "WHERE t.keyed = 0 AND c.private = 0"
        ).fetchall()
        return missing, unkeyed

    def unkeyed_count(self) -> int:
        """How many searchable cases were tokenised without their key (sealed, the key elsewhere)."""
        return int(self.db.execute("SELECT count(*) FROM tokened WHERE keyed = 0").fetchone()[0])

    def put_tokens(self, done: Iterable[tuple[str, str, int, Iterable[int]]]) -> None:
        """(id, blob, keyed, tokens) of cases read: kept only where the row is still that blob."""
        db = self.db
        db.execute("PRAGMA cache_size = -65536")  # tokens land all over their B-tree
        with _writing(db):
            pairs: list[tuple[int, int]] = []
            for case_id, blob, keyed, tokens in done:
                row = db.execute("SELECT n FROM cases WHERE id = ? AND blob = ? AND private = 0", (case_id, blob)).fetchone()
                if row is None:
                    continue  # changed meanwhile: the next search reads it again
                n = row[0]
                db.execute("DELETE FROM tokens WHERE n = ?", (n,))
                pairs += [(h, n) for h in tokens]
                db.execute("INSERT OR REPLACE INTO tokened VALUES (?, ?, ?)", (n, blob, keyed))
            pairs.sort()
            db.executemany("INSERT OR IGNORE INTO tokens VALUES (?, ?)", pairs)

    def token_match(self, tokens: Sequence[int]) -> list[str]:
        """IDs of the searchable cases holding every token."""
        if not tokens:
            return []
        inner = " INTERSECT ".join("SELECT n FROM tokens WHERE h = ?" for _ in tokens)
        query = f"SELECT c.id FROM cases c WHERE c.private = 0 AND c.n IN ({inner}) ORDER BY c.id"
        return [r[0] for r in self.db.execute(query, list(tokens))]

    def readable_ids(self, schema: int) -> list[str]:
        """IDs of the searchable cases (not confidential, not erased) of at least this schema."""
        return [r[0] for r in self.db.execute("SELECT id FROM cases WHERE private = 0 AND schema >= ?", (schema,))]

    def listed(self, where: Filter, stamp: str) -> Iterator[tuple[Any, ...]]:
        """`rows(where)` (LIST_COLUMNS, text and handle NULL), each followed by its blob and, when
        one was kept for this blob and stamp, whether it was made with the case's key and its
        sealed list row."""
        sql, params = _where(where, self.store)
        # The (sealed) text and handle are left out: a list shows them opened, from the kept row
        # or from the case opened again.
        cols = ", ".join("NULL" if c in ("text", "account") else c for c in LIST_COLUMNS)
        query = (
            f"SELECT {cols}, blob, box_keyed, CASE WHEN box_stamp = ? THEN box END FROM cases "
            f"{sql} ORDER BY received, id"
        )
        cursor = self.db.execute(query, [stamp, *params])
        try:
            yield from cursor
        finally:
            cursor.close()

    def put_shared(self, rows: Sequence[tuple[str, str, str, int, bytes]]) -> None:
        """(id, blob, stamp, keyed, box) list rows: kept only where the case is still that blob."""
        if not rows:
            return
        with _writing(self.db) as db:
            db.executemany(
                "UPDATE cases SET box_stamp = ?, box_keyed = ?, box = ? WHERE id = ? AND blob = ?",
                [(stamp, keyed, box, case_id, blob) for case_id, blob, stamp, keyed, box in rows],
            )

    def cases(self, sql: str = "", params: Sequence[Any] = ()) -> Iterator[Case]:
        """Case objects of the rows matching a WHERE clause over the columns (from their JSON)."""
        query = f"SELECT data FROM cases {('WHERE ' + sql) if sql else ''} ORDER BY id"
        for (data,) in self.db.execute(query, params):
            yield _case_of(data)

    def waiting_candidates(self, moment: datetime) -> Iterator[Case]:
        """Cases that may wait for a step at `moment`: received by then and not closed by then
        (`sla.waiting` decides; this only skips the rows that certainly cannot)."""
        at = moment.timestamp()
        # Every entry by then and the last counted one final: sla.waiting says None; likewise
        # when no entry is that old.
        return self.cases("span_first <= ? AND NOT (closed = 1 AND span_last <= ?)", (at, at))

    def cases_at(self, rev: str, keep: Callable[[Span], bool], keep_sql: str, params: Sequence[Any]) -> list[Case]:
        """The cases committed at `rev` whose report span `keep` accepts (`keep_sql` says the same
        over the span columns). At the index's own commit a query; at another one, the rows of the
        files that did not change since plus the files at `rev` of those that did."""
        target = self.store.git.commit_id(rev)
        if target == self.commit:
            return list(self.cases(keep_sql, params))
        changes = self.store.git.changed_entries(self.commit, target, [layout.CASES]) if self.commit and target else None
        if changes is None:
            changes = [(p, m, b) for m, p, b in (self.store.git.tree_entries(target, layout.CASES) if target else [])]
            kept: list[Case] = []
        else:
            gone = {path for path, _m, _b in changes}
            rows = self.db.execute(f"SELECT path, data FROM cases WHERE {keep_sql}", params)
            kept = [_case_of(data) for path, data in rows if path not in gone]
        builder = _Rows(self.store)
        wanted: dict[str, list[str]] = {}
        for path, mode, blob in changes:
            if blob is not None and layout.case_id_of(path) is not None and layout.entry_problem(mode, path) is None:
                wanted.setdefault(blob, []).append(path)
        for blob, data in self.store.git.read_blobs(list(wanted)):
            for path in wanted[blob]:
                parsed = builder.parse(path, data)
                if isinstance(parsed, str):
                    self.store._skip(path, parsed)
                elif keep(span_of(parsed, self.store.sop.final_statuses)):
                    kept.append(parsed)
        return sorted(kept, key=lambda c: c.id)


# Every public method reading or filling the open file, so a method added later is guarded too;
# not opening (`open`/`refresh` rebuild a file they cannot read) nor `committed` (its caller drops
# the index on any failure).
for _name, _method in list(vars(Index).items()):
    if callable(_method) and not _name.startswith("_") and _name not in ("open", "close", "refresh", "committed"):
        setattr(Index, _name, _guarded(_method))


def span_of(case: Case, finals: Iterable[str]) -> Span:
    """A case's report span (all zero for a case without entries)."""
    if not case.history:
        return Span(0.0, 0.0, None)
    final = set(finals)
    times = [e.time.timestamp() for e in case.history]
    closed = next((t for e, t in zip(case.history, times, strict=True) if e.status in final), None)
    return Span(min(times), max(times), closed)


def day_keep(start: datetime, cutoff: datetime) -> tuple[Callable[[Span], bool], str, tuple[float, ...]]:
    """Cases received by the cutoff that were not closed (and left alone) before the day began."""
    begin, end = start.timestamp(), cutoff.timestamp()

    def keep(s: Span) -> bool:
        return s.first <= end and (s.closed is None or s.closed >= begin or s.last >= begin)

    sql = "span_first <= ? AND (span_closed IS NULL OR span_closed >= ? OR span_last >= ?)"
    return keep, sql, (end, begin, begin)


def months_keep(start: datetime, cutoff: datetime) -> tuple[Callable[[Span], bool], str, tuple[float, ...]]:
    """Cases with an entry between `start` (the previous month's first day) and the cutoff: the
    monthly figures count cases received in the month (or the one before) and steps done in it."""
    begin, end = start.timestamp(), cutoff.timestamp()

    def keep(s: Span) -> bool:
        return s.first <= end and s.last >= begin

    return keep, "span_first <= ? AND span_last >= ?", (end, begin)


# -- rows ------------------------------------------------------------------------------------
class _Rows:
    """Turns case files into rows, with what the store's SOP and configuration say."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.sop = store.sop
        self.finals = set(self.sop.final_statuses)
        self.tz = store.tz
        self.limit = store.config.file_limit
        self.optimise = False  # a row lost what it showed in the FTS table: merge its segments

    def parse(self, path: str, data: bytes) -> Case | str:
        """The case a file holds, or the one-line reason it cannot be one."""
        parsed = self.load(path, data)
        return parsed if isinstance(parsed, str) else parsed[1]

    def load(self, path: str, data: bytes) -> tuple[Any, Case] | str:
        try:
            raw = yamlio.load_text(data, path, self.limit)
            case = Case.from_dict(raw, path)
        except StoreError as exc:
            return exc.message
        if case.id != layout.case_id_of(path):
            return f"berkas kasus {path} tidak sah: berisi kasus '{case.id}', bukan {layout.case_id_of(path)}"
        return raw, case

    def forget(self, db: sqlite3.Connection, path: str) -> tuple[int, int] | None:
        """Drop the path's rows; (schema, private) of the case row dropped, if there was one."""
        row = db.execute("SELECT n, schema, private FROM cases WHERE path = ?", (path,)).fetchone()
        db.execute("DELETE FROM broken WHERE path = ?", (path,))
        if row is None:
            return None
        db.execute("DELETE FROM search WHERE rowid = ?", (row[0],))
        for table in _BLIND_TABLES:
            db.execute(f"DELETE FROM {table} WHERE n = ?", (row[0],))
        db.execute("DELETE FROM cases WHERE n = ?", (row[0],))
        return row[1], row[2]

    def tidy(self, db: sqlite3.Connection) -> None:
        """FTS5 keeps a replaced row's words in old segments until they merge: when a row lost
        words it must not show (a schema-1 case migrated, a case made confidential or erased),
        merge now, so the file keeps none of them (secure_delete zeroes the freed pages)."""
        if self.optimise:
            db.execute("INSERT INTO search(search) VALUES ('optimize')")

    def values(
        self, path: str, blob: str, data: bytes, previous: tuple[int, int] | None
    ) -> tuple[tuple[Any, ...], str] | str:
        """The row and FTS text of a case file (or why it is not a case). `previous`: what
        `forget` said of the row this one replaces."""
        parsed = self.load(path, data)
        if isinstance(parsed, str):
            return parsed
        raw, case = parsed
        history = case.history
        times = [e.time.timestamp() for e in history]
        span_closed = next((t for e, t in zip(history, times, strict=True) if e.status in self.finals), None)
        # What the SOP clock counts (undone steps, undo entries and corrections left out), as core.sla does.
        steps = set(self.sop.step_actions)
        clock = [(e, e.time.timestamp()) for e in sla.counted(case)]
        moves = [(e, t) for e, t in clock if e.action in steps]
        last = clock[-1][0] if clock else None
        closed = last is not None and last.status in self.finals
        awaited = None
        if not closed and history:
            # Moment-independent once every entry is in the past: the step awaited and who brings it.
            after = history[-1].time
            found = sla.waiting(case, self.sop, self.tz, None, after.astimezone(self.tz))
            awaited = found if found is not None and found.paused_since is None else None
        private = bool(getattr(case, "confidential", False)) or any(e.action == "hapus_data" for e in history)
        received = case.received_at.astimezone(self.tz)
        row = (
            case.id, path, blob, case.schema, int(private), case.status, case.step, case.platform, case.kind,
            case.account, case.bidang, case.category, received.timestamp(), received.isoformat(timespec="seconds"),
            case.text, min(times) if times else 0.0, max(times) if times else 0.0, span_closed,
            moves[0][1] if moves else None, last.step if last else None, last.status if last else None,
            clock[-1][1] if clock else None, int(closed), awaited.step if awaited else None,
            awaited.role if awaited else None, case.duplicate_of,
            json.dumps([[e.step, e.action, e.status, t] for e, t in moves], separators=(",", ":")),
            json.dumps(raw, ensure_ascii=False, default=str, separators=(",", ":")),
        )  # fmt: skip
        if previous is not None and (previous[0] < case.schema or (private and not previous[1])):
            self.optimise = True
        return row, searchable_text(case)


def _insert(
    db: sqlite3.Connection, builder: _Rows, path: str, blob: str, data: bytes, previous: tuple[int, int] | None = None
) -> None:
    made = builder.values(path, blob, data, previous)
    if isinstance(made, str):
        db.execute("INSERT OR REPLACE INTO broken VALUES (?, ?, ?)", (path, blob, made))
        return
    row, text = made
    cursor = db.execute(_INSERT, row)
    db.execute("INSERT INTO search(rowid, body) VALUES (?, ?)", (cursor.lastrowid, text))


def _where(where: Filter, store: Store, prefix: str = "") -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if where.status is not None:
        parts.append(f"{prefix}status = ?")
        params.append(where.status)
    if where.open_only:
        finals = list(store.sop.final_statuses)
        parts.append(f"{prefix}status NOT IN ({', '.join('?' * len(finals))})")
        params += finals
    for column, value in (("platform", where.platform), ("bidang", where.bidang), ("category", where.category)):
        if value is not None:
            parts.append(f"{prefix}{column} = ?")
            params.append(value)
    if where.received_from is not None:
        parts.append(f"{prefix}received >= ?")
        params.append(where.received_from)
    if where.received_before is not None:
        parts.append(f"{prefix}received < ?")
        params.append(where.received_before)
    if where.ids is not None:
        ids = list(where.ids)
        parts.append(f"{prefix}id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(ids))
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


# -- the file --------------------------------------------------------------------------------
def _pragmas(db: sqlite3.Connection) -> None:
    # Derived data: a power cut may cost a rebuild (a damaged file is detected and rebuilt),
    # never a step; freed pages are zeroed so deleted text does not linger in the file.
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA secure_delete=ON")


@contextmanager
def _writing(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE: the writer lock first): committed when the block
    ends, unless the block already ended it itself (a ROLLBACK to start over); rolled back on any
    error, a kill's KeyboardInterrupt too."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        if db.in_transaction:
            db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _connect(store: Store) -> tuple[sqlite3.Connection, str]:
    folder = store.private_dir()
    path = str(folder / FILE)
    writable = os.access(folder, os.W_OK) and (not os.path.exists(path) or os.access(path, os.W_OK))
    for _attempt in range(2) if writable else ():
        try:
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
            _pragmas(db)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db, path
        except (sqlite3.DatabaseError, UnicodeDecodeError):  # a damaged header or schema text too
            if not os.path.isfile(path) or os.path.islink(path):
                break  # a folder or a link in its place: leave it, work from memory
            _remove(path)  # not a database at all: rebuilt, never trusted
    # Another user's file, a read-only mount, something else in its place: built in memory for
    # this command, nothing on disk touched.
    db = sqlite3.connect(":memory:", isolation_level=None)
    _pragmas(db)
    return db, ":memory:"


def _remove(path: str) -> None:
    if path == ":memory:":
        return
    for name in (path, path + "-journal"):
        try:
            os.unlink(name)
        except FileNotFoundError:
            pass


def purge(store: Store) -> None:
    """Bring the index up to date, then keep nothing of replaced rows in its file: the FTS
    segments are merged (a replaced row's words leave them) and the file is vacuumed."""
    index = Index.open(store)
    try:
        if index.path != ":memory:":
            index.db.execute("INSERT INTO search(search) VALUES ('optimize')")
            index.db.execute("VACUUM")
    finally:
        index.close()


def remove(store: Store) -> None:
    """Delete the index (it is rebuilt on next use)."""
    _remove(str(store.private_dir() / FILE))
