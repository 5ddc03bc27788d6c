"""The machine's key store, outside the case history: `.git/pengaduan/kunci/` (never pushed).

- `mesin.json` and `mesin.kunci`: this machine's name and X25519 key pair (private key 0600);
- `kunci.sqlite` (0600, SQLite `secure_delete`, no WAL): the cases' data keys this machine holds,
  the wraps of new keys for other machines not yet on the shared key ref (`tertunda`), and the
  erasures this machine knows of (`hapus`: a case ID and a date, never data).

Destroying a case's key deletes its row with secure_delete on, so SQLite overwrites the freed
bytes; the ciphertext in the history then opens for nobody who does not already hold a copy.
The shared side (the key ref that machines exchange through `sinkron`) is app/keys.py's.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from pengaduan.errors import StoreError

FOLDER = "kunci"
DB = "kunci.sqlite"
IDENTITY = "mesin.json"
PRIVATE = "mesin.kunci"
REPO = "ref.git"  # a small bare repository holding only the shared key ref's objects


def _private_mkdir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (created 0600, never widened), atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


class KeyStore:
    def __init__(self, private_dir: Path) -> None:
        self.folder = private_dir / FOLDER
        self._db: sqlite3.Connection | None = None
        self._all: dict[str, bytes] | None = None

    # -- this machine -------------------------------------------------------------------------
    def identity(self) -> tuple[str, bytes, bytes] | None:
        """(name, private key, public key) of this machine, or None before `kunci init`/`minta`."""
        try:
            meta = json.loads((self.folder / IDENTITY).read_text("utf-8"))
            private = (self.folder / PRIVATE).read_bytes()
            name, public = str(meta["nama"]), base64.b64decode(meta["kunci_publik"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            raise StoreError(
                f"identitas mesin di {self.folder} rusak; pulihkan dengan 'pengaduan kunci impor BERKAS' dari cadangan"
            ) from None
        if len(private) != 32 or len(public) != 32:
            raise StoreError(f"kunci mesin di {self.folder} rusak; pulihkan dari cadangan ('pengaduan kunci impor')")
        return name, private, public

    def set_identity(self, name: str, private: bytes, public: bytes) -> None:
        _private_mkdir(self.folder)
        _write_private(self.folder / PRIVATE, private)
        meta = {"nama": name, "kunci_publik": base64.b64encode(public).decode()}
        _write_private(self.folder / IDENTITY, (json.dumps(meta, ensure_ascii=False) + "\n").encode())

    # -- the database -------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            _private_mkdir(self.folder)
            path = self.folder / DB
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            os.chmod(path, 0o600)
            try:
                db = sqlite3.connect(path, timeout=30)
                db.execute("PRAGMA secure_delete=ON")
                db.execute("PRAGMA journal_mode=DELETE")
                db.executescript(
                    "CREATE TABLE IF NOT EXISTS kasus (id TEXT PRIMARY KEY, kunci BLOB NOT NULL);"
                    "CREATE TABLE IF NOT EXISTS tertunda (id TEXT, mesin TEXT, bungkus BLOB NOT NULL, PRIMARY KEY (id, mesin));"
                    "CREATE TABLE IF NOT EXISTS hapus (id TEXT PRIMARY KEY, waktu TEXT NOT NULL);"
                    "CREATE TABLE IF NOT EXISTS keadaan (k TEXT PRIMARY KEY, v TEXT NOT NULL);"
                )
            except sqlite3.DatabaseError as exc:
                raise StoreError(
                    f"penyimpanan kunci {path} tidak dapat dibuka ({exc}); pulihkan dari cadangan ('pengaduan kunci impor')"
                ) from None
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- the cases' data keys -----------------------------------------------------------------
    def get(self, case_id: str) -> bytes | None:
        if self._all is not None:
            return self._all.get(case_id)
        if not (self.folder / DB).exists():
            return None
        row = self.db.execute("SELECT kunci FROM kasus WHERE id = ?", (case_id,)).fetchone()
        return bytes(row[0]) if row else None

    def load_all(self) -> dict[str, bytes]:
        """Every key at once (for lists of many cases); later `get` calls read from it."""
        if self._all is None:
            if not (self.folder / DB).exists():
                self._all = {}
            else:
                self._all = {k: bytes(v) for k, v in self.db.execute("SELECT id, kunci FROM kasus")}
        return self._all

    def ids(self) -> set[str]:
        if not (self.folder / DB).exists():
            return set()
        return {row[0] for row in self.db.execute("SELECT id FROM kasus")}

    def put(self, case_id: str, key: bytes) -> None:
        if self.erased(case_id):
            return  # an erased case's key never comes back
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO kasus (id, kunci) VALUES (?, ?)", (case_id, key))
        if self._all is not None:
            self._all.setdefault(case_id, key)

    def put_many(self, keys: dict[str, bytes]) -> int:
        erased = self.erased_ids()
        rows = [(k, v) for k, v in keys.items() if k not in erased]
        with self.db:
            before = self.db.total_changes
            self.db.executemany("INSERT OR IGNORE INTO kasus (id, kunci) VALUES (?, ?)", rows)
            added = self.db.total_changes - before
        self._all = None
        return added

    def destroy(self, case_ids: Iterable[str], when: str) -> None:
        """Forget these cases' keys for good (and any wrap of them still waiting to be sent)."""
        ids = [(i,) for i in case_ids]
        if not ids:
            return
        with self.db:
            self.db.executemany("DELETE FROM kasus WHERE id = ?", ids)
            self.db.executemany("DELETE FROM tertunda WHERE id = ?", ids)
            self.db.executemany("INSERT OR IGNORE INTO hapus (id, waktu) VALUES (?, ?)", [(i, when) for (i,) in ids])
        if self._all is not None:
            for (i,) in ids:
                self._all.pop(i, None)
        # Freed pages are overwritten (secure_delete); VACUUM also drops them from the file.
        self.db.execute("VACUUM")

    def discard(self, case_id: str) -> None:
        """Forget a key made for a case whose commit failed (the case does not exist)."""
        with self.db:
            self.db.execute("DELETE FROM kasus WHERE id = ?", (case_id,))
            self.db.execute("DELETE FROM tertunda WHERE id = ?", (case_id,))
        if self._all is not None:
            self._all.pop(case_id, None)

    # -- erasures known here --------------------------------------------------------------------
    def erased(self, case_id: str) -> bool:
        if not (self.folder / DB).exists():
            return False
        return self.db.execute("SELECT 1 FROM hapus WHERE id = ?", (case_id,)).fetchone() is not None

    def erased_ids(self) -> dict[str, str]:
        if not (self.folder / DB).exists():
            return {}
        return dict(self.db.execute("SELECT id, waktu FROM hapus"))

    # -- wraps not yet on the shared key ref ------------------------------------------------------
    def add_pending(self, wraps: Iterable[tuple[str, str, bytes]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO tertunda (id, mesin, bungkus) VALUES (?, ?, ?)", list(wraps))

    def pending(self) -> list[tuple[str, str, bytes]]:
        if not (self.folder / DB).exists():
            return []
        return [(i, m, bytes(b)) for i, m, b in self.db.execute("SELECT id, mesin, bungkus FROM tertunda ORDER BY id, mesin")]

    def clear_pending(self, done: Iterable[tuple[str, str]]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM tertunda WHERE id = ? AND mesin = ?", list(done))

    def drop_pending_for(self, machine: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM tertunda WHERE mesin = ?", (machine,))

    # -- small state ------------------------------------------------------------------------------
    def state(self, key: str) -> str | None:
        if not (self.folder / DB).exists():
            return None
        row = self.db.execute("SELECT v FROM keadaan WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO keadaan (k, v) VALUES (?, ?)", (key, value))

    @property
    def repo_path(self) -> Path:
        return self.folder / REPO
