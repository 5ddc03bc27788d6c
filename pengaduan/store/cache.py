"""A read cache of parsed case files, keyed by git blob id, under .git/pengaduan/.

A blob id names exact file content, so an entry can never be stale; deleting the file loses
nothing but time. Lists and reports read every case through here: one `git ls-tree`, one
SQLite query, and one `git cat-file --batch` for whatever the cache has not seen yet.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any


# The table's version: bumped when what an entry promises changes (v2: every entry passed
# Case.from_dict's checks), so an older cache is ignored rather than trusted.
class BlobCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self.db = self._open(path)
        except sqlite3.OperationalError:
            # Not writable (another user's file, a read-only mount): work from memory, touch nothing.
            self.db = self._open(":memory:")
        except sqlite3.DatabaseError:
            path.unlink(missing_ok=True)  # not a database at all: rebuilt, never trusted
            self.db = self._open(path)

    def _open(self, where: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS blobs_v2 (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
        return db

    def get_many(self, ids: Iterable[str]) -> dict[str, Any]:
        wanted = list(ids)
        found: dict[str, Any] = {}
        for start in range(0, len(wanted), 900):  # SQLite's bound on parameters
            chunk = wanted[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for blob_id, data in self.db.execute(f"SELECT id, data FROM blobs_v2 WHERE id IN ({marks})", chunk):
                found[blob_id] = json.loads(data)
        return found

    def put_many(self, items: dict[str, Any]) -> None:
        if not items:
            return
        try:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO blobs_v2 (id, data) VALUES (?, ?)",
                    [(k, json.dumps(v, ensure_ascii=False, default=str)) for k, v in items.items()],
                )
        except sqlite3.OperationalError:
            pass  # a busy or read-only cache only costs speed next time

    def forget_cases(self, case_ids: list[str]) -> None:
        """Delete every entry holding one of these cases (any version), overwriting the freed bytes."""
        if not case_ids:
            return
        try:
            with self.db:
                self.db.execute("PRAGMA secure_delete=ON")
                for case_id in case_ids:
                    # Entries are JSON of the case file; its `id` key names the case.
                    pattern = "%" + json.dumps({"id": case_id}, ensure_ascii=False)[1:-1] + "%"
                    self.db.execute("DELETE FROM blobs_v2 WHERE data LIKE ?", (pattern,))
        except sqlite3.OperationalError:
            pass  # a read-only cache (it holds sealed text only for schema-2 cases)

    def forget_schema1(self) -> None:
        """Delete every entry of a schema-1 (plain text) case file: after `pengaduan migrasi`."""
        try:
            with self.db:
                self.db.execute("PRAGMA secure_delete=ON")
                self.db.execute("DELETE FROM blobs_v2 WHERE data LIKE ?", ('{"schema": 1,%',))
            self.db.execute("VACUUM")
        except sqlite3.OperationalError:
            pass

    def close(self) -> None:
        self.db.close()
