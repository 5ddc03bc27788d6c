"""The store: a git repository of YAML files, changed only through locked one-commit transactions."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pengaduan.core import ids, timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import Config, Staff, load_config
from pengaduan.core.sop import Sop, load_sop
from pengaduan.errors import CaseNotFound, GitError, StoreError
from pengaduan.store import commits, killpoint, layout, recovery, yamlio
from pengaduan.store.git import Git, Identity, blob_id
from pengaduan.store.lock import store_lock

if TYPE_CHECKING:
    from pengaduan.store.holiday_cache import HolidayCache
    from pengaduan.store.local import LocalSettings

ENV_STORE = "PENGADUAN_STORE"
SYSTEM_IDENTITY = Identity("pengaduan", "pengaduan@localhost")


def default_root() -> Path:
    return Path(os.environ.get(ENV_STORE) or "cases")


def _data_file(name: str) -> bytes:
    from importlib.resources import files

    return files("pengaduan.data").joinpath(name).read_bytes()


def _default_templates() -> dict[str, bytes]:
    """The canned answers a new store starts with (data/templat.yaml), one file each under templat/."""
    from pengaduan.core import templates

    out = {}
    for item in yamlio.load_text(_data_file("templat.yaml"), "templat.yaml") or []:
        template = templates.make(item["kode"], item["judul"], item["isi"])
        out[templates.path_of(template.code)] = yamlio.dump(template.to_dict()).encode("utf-8")
    return out


@dataclass
class Transaction:
    """Files to change in one locked transaction: kept in memory, then committed together or not at all.

    Nothing touches the work tree until the caller's block is done: then the intent is written
    (recovery.begin), the files, the index and the commit follow, and the intent is dropped.
    """

    store: Store
    message: str
    files: dict[str, bytes | None] = field(default_factory=dict)  # path -> new bytes (None: removed)
    commit: str | None = None

    def write(self, relpath: str, data: bytes) -> None:
        self.files[relpath] = data

    def write_yaml(self, relpath: str, data: Any) -> None:
        self.write(relpath, yamlio.dump(data).encode("utf-8"))

    def remove(self, relpath: str) -> None:
        """Delete a file in this transaction."""
        self.files[relpath] = None

    @property
    def originals(self) -> dict[str, bytes | None]:  # the paths this transaction changes (kept for callers)
        return self.files

    def apply(self) -> None:
        """Write the files into the work tree (after the intent is on disk)."""
        root = self.store.root
        for relpath, data in self.files.items():
            path = root / relpath
            if data is None:
                path.unlink(missing_ok=True)
                _prune_empty_dirs(path.parent, root)
                continue
            tmp = yamlio.write_temp(path, data)
            killpoint.here("temp-written")
            yamlio.replace(tmp, path)
            killpoint.here("renamed")


@dataclass(frozen=True)
class BulkCommit:
    """One commit of `Store.commit_many`: the one file it writes, and its message."""

    path: str
    data: bytes
    message: str
    raw: Any = None  # the file's parsed content (what Case.from_dict accepted), for the read cache


# The ref fast-import writes bulk commits on before the branch is moved to them.
SCRATCH_REF = "refs/pengaduan/impor"


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.git = Git(self.root)
        self.recovered: list[str] = []  # what the last lock's recovery finished or undid
        # Case files load_all left out, path -> why (one line naming the file and the rule).
        self.skipped: dict[str, str] = {}

    # -- opening and creating --------------------------------------------------------------
    @classmethod
    def open(cls, root: Path | None = None) -> Store:
        store = cls(root or default_root())
        if not (store.root / layout.CONFIG).is_file() or not store.git.is_repo():
            raise StoreError(
                f"store tidak ditemukan di {store.root}; buat dengan 'pengaduan init' atau tunjuk store lain "
                f"dengan --store DIR / {ENV_STORE}"
            )
        return store

    @classmethod
    def create(cls, root: Path | None = None, roster: list[Staff] | None = None) -> Store:
        store = cls(root or default_root())
        if (store.root / layout.CONFIG).exists():
            raise StoreError(f"store sudah ada di {store.root}; tidak ditimpa. Pakai --store DIR untuk store baru")
        existing = (store.root / ".git").exists()
        if existing:
            store._check_empty_repository()
        # Files already in the folder are not the store's (e.g. cases/README.md of the code
        # repository): the store's git ignores them, so they never make the store look dirty.
        foreign = sorted(p.name for p in store.root.iterdir()) if store.root.is_dir() else []
        data_dirs = [name for name in (layout.CASES, layout.REPORTS) if name in foreign]
        if data_dirs:
            raise StoreError(
                f"{store.root} sudah berisi {', '.join(data_dirs)}/ tanpa store; tidak ditimpa. Pindahkan folder itu, "
                "atau pakai --store DIR untuk store baru"
            )
        if existing:
            store.git.adopt_empty()
            foreign = [name for name in foreign if name != ".git"]
        else:
            store.git.init()
        store.git.exclude(foreign)
        config_text = _data_file("pengaduan.yaml").decode("utf-8")
        template = yamlio.load_text(config_text, "pengaduan.yaml")
        config = {**template, "petugas": [s.to_dict() for s in roster or []]}
        sop_bytes = _data_file("sop.yaml")
        sop = load_sop(yamlio.load_text(sop_bytes, "sop.yaml"))
        load_config(config, sop)  # validate before writing anything
        store.__dict__["sop"] = sop  # HEAD has none yet
        config_text = yamlio.update_top_level(config_text, template, config)
        files = {
            layout.CONFIG: config_text.encode("utf-8"),
            layout.SOP: sop_bytes,
            ".gitattributes": b"*.pdf binary\n",
            **_default_templates(),
        }
        for relpath, data in files.items():
            yamlio.write_atomic(store.root / relpath, data)
        store.git.stage(files)
        store.git.commit_index(commits.store_created(store.sop.number), store.identity_for(None), parent=None)
        return store

    def _check_empty_repository(self) -> None:
        """A git repository already in the folder becomes the store only while it is empty: no
        commit on any branch, nothing in its index, no file beside .git."""
        if not self.git.is_repo():
            raise StoreError(
                f"{self.root}/.git ada tetapi bukan folder repositori git biasa (worktree atau submodule?); "
                "pakai --store DIR untuk folder lain"
            )
        commits_found = self.git.any_commit()
        files = sorted(p.name for p in self.root.iterdir() if p.name != ".git")
        if commits_found or files or self.git.index_entries():
            what = []
            if commits_found:
                what.append("sudah punya commit")
            if files:
                shown = ", ".join(files[:5]) + (f" (dan {len(files) - 5} lagi)" if len(files) > 5 else "")
                what.append(f"berisi {shown}")
            elif not commits_found:
                what.append("index-nya tidak kosong")
            raise StoreError(
                f"{self.root} sudah repositori git yang tidak kosong ({'; '.join(what)}); store hanya dibuat di folder "
                "baru atau repositori git kosong (git init tanpa commit dan tanpa berkas). Pakai --store DIR lain"
            )

    # -- configuration ---------------------------------------------------------------------
    @cached_property
    def config(self) -> Config:
        # Its own size limit cannot come from itself: the fixed default bounds it.
        return load_config(self._committed_yaml(layout.CONFIG), self.sop)

    @cached_property
    def sop(self) -> Sop:
        return load_sop(self._committed_yaml(layout.SOP))

    def _committed_yaml(self, relpath: str) -> Any:
        """pengaduan.yaml or sop.yaml as committed at HEAD: a half-done change is never in force."""
        data = self.read_committed(relpath)
        if data is None:
            raise StoreError(
                f"berkas {relpath} tidak ada di commit terakhir store {self.root}; periksa dengan 'pengaduan periksa'"
            )
        return yamlio.load_text(data, relpath)

    @cached_property
    def tz(self) -> ZoneInfo:
        return timeutil.zone(self.config.timezone)

    def forget_config(self) -> None:
        """Drop what was read from pengaduan.yaml: the next use reads the file again."""
        for derived in ("config", "tz"):
            self.__dict__.pop(derived, None)

    def default_config(self) -> dict[str, Any]:
        """The package's default pengaduan.yaml (what a store made by `init` starts from)."""
        return yamlio.load_text(_data_file("pengaduan.yaml"), "pengaduan.yaml")

    def holiday_cache(self) -> HolidayCache:
        """National holidays per year, cached for this machine under .git/pengaduan/."""
        from pengaduan.store.holiday_cache import HolidayCache

        return HolidayCache(self.private_dir() / "libur-nasional.json")

    def private_dir(self) -> Path:
        path = self.git.git_dir / layout.PRIVATE
        path.mkdir(parents=True, exist_ok=True)
        return path

    def local(self) -> LocalSettings:
        """This machine's own settings (.git/pengaduan/lokal.yaml and the store's git config)."""
        from pengaduan.store.local import LocalSettings

        return LocalSettings(self.git, self.private_dir())

    def identity_for(self, staff: Staff | None) -> Identity:
        if staff is None:
            email = self.git.config_value("user.email")
            return Identity("pengaduan", email) if email else SYSTEM_IDENTITY
        return Identity(staff.name, staff.commit_email)

    # -- finding and reading cases ---------------------------------------------------------
    def case_ids(self, prefix: str = "", rev: str = "HEAD") -> list[str]:
        """IDs of the cases committed at rev, looking only in the month folder when the prefix names one."""
        month = ids.month_of(prefix)
        if month is not None and len(prefix) >= 4:
            folder = f"{layout.CASES}/{month[0]}/{month[1]}"
            names = self.git.names_in(rev, folder)
        else:
            names = [path.rsplit("/", 1)[-1] for path, _blob in self.git.ls_tree(rev, layout.CASES) if layout.case_id_of(path)]
        return sorted(n[:-5] for n in names if n.endswith(".yaml") and not n.startswith("."))

    def resolve_id(self, typed: str) -> str:
        """A full ID from a unique prefix of the ID, or of its random part after the dash."""
        wanted = ids.normalise(typed)
        if not wanted:
            raise CaseNotFound("ID kasus kosong; lihat 'pengaduan daftar'")
        if "-" in wanted:
            matches = [i for i in self.case_ids(wanted) if i.startswith(wanted)]
        else:  # a prefix of the whole ID, or of the random part people read off a screen
            matches = [i for i in self.case_ids() if i.startswith(wanted) or i[7:].startswith(wanted)]
        if wanted in matches:
            return wanted
        if not matches and ids.is_valid(wanted):
            self.read_committed(layout.case_path(wanted))  # a folder on the way that is a symlink is named
        if not matches:
            raise CaseNotFound(f"kasus '{typed}' tidak ditemukan; lihat 'pengaduan daftar'")
        if len(matches) > 1:
            shown = ", ".join(matches[:10]) + (f" (dan {len(matches) - 10} lagi)" if len(matches) > 10 else "")
            raise CaseNotFound(f"ID '{typed}' cocok dengan {len(matches)} kasus: {shown}; ketik lebih panjang")
        return matches[0]

    def has_case(self, case_id: str) -> bool:
        """True when the ID is taken: committed, or a file of that name in the work tree."""
        return os.path.lexists(self.root / layout.case_path(case_id))

    def read_committed(self, relpath: str, rev: str = "HEAD") -> bytes | None:
        """A store file as committed at rev (None: not there); a symlink or submodule there is refused."""
        return self.git.read_committed(rev, [relpath])[relpath]

    def load_case(self, case_id: str, rev: str = "HEAD") -> Case:
        """A case as committed at rev (never the work tree: a half-done step is not a recorded one)."""
        relpath = layout.case_path(case_id)
        data = self.read_committed(relpath, rev)
        if data is None:
            raise CaseNotFound(f"kasus '{case_id}' tidak ada di store ({relpath} belum di-commit); lihat 'pengaduan daftar'")
        return Case.from_dict(yamlio.load_text(data, relpath, self.config.file_limit), relpath)

    def load_all(
        self, rev: str = "HEAD", prefix: str = layout.CASES, select: Callable[[str, str], bool] | None = None
    ) -> list[Case]:
        """Every case as committed at rev: one ls-tree, the cache, one cat-file batch for the rest.

        `select(path, blob_id)`, when given, keeps only the files it returns True for (the reports
        use it to read just the cases a day or a month needs).

        A file that cannot be a case (not a regular file, outside its month folder, over the size
        limit, invalid, holding another case's ID) is left out and noted in `self.skipped` (path ->
        one-line message) for the caller to report: one bad file never hides the other cases.
        """
        from pengaduan.store.cache import BlobCache

        limit = self.config.file_limit
        rows: list[tuple[str, str]] = []
        for mode, path, blob in self.git.tree_entries(rev, prefix):
            if layout.case_id_of(path) is None or (select is not None and not select(path, blob)):
                continue
            problem = layout.entry_problem(mode, path)
            if problem is not None:
                self._skip(path, f"berkas kasus {path} tidak sah: {problem}")
                continue
            rows.append((path, blob))
        cache = BlobCache(self.private_dir() / "cache.sqlite")
        try:
            known = cache.get_many(blob for _, blob in rows)
            by_blob = {blob: path for path, blob in rows}
            missing = [blob for blob in by_blob if blob not in known]
            fresh: dict[str, Any] = {}
            checked: dict[str, Case] = {}
            for blob, data in self.git.read_blobs(missing):
                path = by_blob[blob]
                try:
                    raw = yamlio.load_text(data, path, limit)
                    checked[blob] = Case.from_dict(raw, path)
                except StoreError as exc:  # never cached: it must be skipped on every run until fixed
                    self._skip(path, exc.message)
                    continue
                fresh[blob] = raw
            cache.put_many(fresh)  # the good ones, even when one file is broken
        finally:
            cache.close()
        out = []
        for path, blob in rows:
            if blob in checked:
                case = checked[blob]
            elif blob in known:
                # What the cache holds passed Case.from_dict when it was first read: built without re-checking.
                case = Case.from_checked(known[blob])
            else:
                continue  # skipped above
            if case.id != layout.case_id_of(path):
                self._skip(path, f"berkas kasus {path} tidak sah: berisi kasus '{case.id}', bukan {layout.case_id_of(path)}")
                continue
            out.append(case)
        return out

    def _skip(self, path: str, message: str) -> None:
        self.skipped.setdefault(path, message)

    # -- changing ----------------------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store lock without committing: for work that must not interleave with a transaction.

        Whatever a killed command left half done is finished or undone first (store/recovery.py).
        """
        self.git.lock_seconds = self.config.lock_seconds
        with store_lock(self.private_dir() / layout.LOCK, self.config.lock_seconds):
            self.recovered = recovery.recover(self)
            yield

    # -- moving the branch to another commit (sinkron) ----------------------------------------
    def move_head(self, old: str, new: str) -> None:
        """Move the branch from old to new and make the index and files follow; a kill at any
        point is finished by `recovery.recover` (run by the next command that takes the lock)."""
        recovery.begin_move(self, old, new)
        killpoint.here("sinkron:niat")
        self.git.move_branch(new, old)
        killpoint.here("sinkron:ref")
        if not self.git.checkout_tree(old, new):
            self.git.reset_files(new)
        killpoint.here("sinkron:berkas")
        recovery.end_move(self)

    def recover(self) -> str | None:
        """Finish a branch move a killed process left half done; a sentence saying so, or None.

        `locked()` already does this (recovery.recover): here for callers that hold the lock.
        """
        return recovery.recover_move(self)

    def require_clean(self) -> None:
        """Refuse to go on while the store has changes git has not committed."""
        self.recover()
        dirty = self.git.dirty()
        if dirty:
            shown = ", ".join(dirty[:3]) + (" ..." if len(dirty) > 3 else "")
            raise StoreError(
                f"store punya perubahan yang belum di-commit ({shown}); periksa dengan 'git -C {self.root} "
                "status', lalu commit atau kembalikan dulu"
            )

    @contextmanager
    def transaction(
        self, message: str, author: Staff | None, expect_head: str | None = None
    ) -> Iterator[Transaction]:
        """Lock, check the tree is clean, let the caller prepare its files, then commit them; or nothing.

        `expect_head`: the commit the caller read its data at (before taking the lock). When
        another process committed since, what the caller prepared is stale: refuse, change nothing.
        The caller's writes stay in memory until its block ends; a failure (or a kill) after that
        is undone here (or by the next command's recovery) from the intent written first.
        """
        with self.locked():
            self.require_clean()
            head = self.git.head()
            if expect_head is not None and head != expect_head:
                raise StoreError(
                    "store berubah oleh proses lain selama perintah ini menyiapkan datanya; tidak ada yang "
                    "dicatat, ulangi perintahnya"
                )
            txn = Transaction(self, message)
            yield txn
            if not txn.files:
                return
            width = len(head) if head else 40
            intent = recovery.Intent(
                recovery.COMMIT, head, {p: None if d is None else blob_id(d, width) for p, d in txn.files.items()}
            )
            recovery.begin(self, intent)
            try:
                txn.apply()
                self.git.stage(txn.files)
                txn.commit = self.git.commit_index(
                    txn.message,
                    self.identity_for(author),
                    parent=head,
                    sign=self.sign_commits,
                )
            except BaseException:
                try:
                    recovery.recover(self)
                except (StoreError, GitError, OSError):
                    pass  # the next command's recovery finishes it, or names what it cannot
                raise
            recovery.end(self)

    def commit_many(
        self,
        items: Sequence[BulkCommit],
        author: Staff | None,
        expect_head: str | None,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        """Many commits, one per item, in one `git fast-import`, and the branch moved once.

        Under the store lock, on a clean tree, from the commit the caller read its data at
        (`expect_head`): the commits are written on a scratch ref, then the branch is moved once
        by compare-and-swap and the index and work tree follow (`move_head`, which the next
        command's recovery finishes after a kill). Any failure before the move leaves the
        branch, the index and the work tree as they were.
        Returns the commit ids in order.
        """
        import hashlib
        import time as clock

        if not items:
            return []
        with self.locked():
            self.require_clean()
            head = self.git.head()
            if head is None or (expect_head is not None and head != expect_head):
                raise StoreError(
                    "store berubah oleh proses lain selama perintah ini menyiapkan datanya; tidak ada yang "
                    "dicatat, ulangi perintahnya"
                )
            if self.sign_commits:
                raise StoreError(
                    "store ini mewajibkan commit bertanda tangan (tanda_tangan_commit: true), dan impor massal lewat "
                    "git fast-import tidak dapat menandatangani; catat satu per satu dengan 'pengaduan terima'"
                )
            who = self.identity_for(author)
            stamp = f"{int(clock.time())} {clock.strftime('%z', clock.localtime())}"
            person = f"{who.name} <{who.email}> {stamp}\n".encode()

            def stream() -> Iterator[bytes]:
                for number, item in enumerate(items, start=1):
                    message = item.message.encode("utf-8")
                    head_lines = [
                        f"commit {SCRATCH_REF}\nmark :{number}\n".encode(),
                        b"author " + person,
                        b"committer " + person,
                        f"data {len(message)}\n".encode() + message + b"\n",
                    ]
                    if number == 1:
                        head_lines.append(f"from {head}\n".encode())
                    head_lines.append(f"M 100644 inline {item.path}\ndata {len(item.data)}\n".encode())
                    yield b"".join(head_lines) + item.data + b"\n"
                    if progress is not None:
                        progress(number)

            marks = self.private_dir() / "impor.marks"
            self.git.delete_ref(SCRATCH_REF)
            try:
                found = self.git.fast_import(stream(), marks)
                shas = [found[f":{n}"] for n in range(1, len(items) + 1)]
                tip = shas[-1]
                # The branch by compare-and-swap, then index and files; a kill in between is
                # finished by the next command's recovery (the same path as sinkron's).
                self.move_head(head, tip)
            finally:
                self.git.delete_ref(SCRATCH_REF)
                marks.unlink(missing_ok=True)
        # What was just written is known good: the next list reads it from the cache, not from git.
        from pengaduan.store.cache import BlobCache

        fresh = {}
        for item in items:
            if item.raw is not None:
                blob = hashlib.sha1(b"blob %d\0" % len(item.data) + item.data).hexdigest()
                fresh[blob] = item.raw
        cache = BlobCache(self.private_dir() / "cache.sqlite")
        try:
            cache.put_many(fresh)
        finally:
            cache.close()
        return shas

    @property
    def sign_commits(self) -> bool:
        return self.config.signing_required

    def save_config(
        self, data: dict[str, Any], subject: str, author: Staff | None, files: dict[str, bytes] | None = None
    ) -> str:
        """Commit a new pengaduan.yaml (and `files` beside it: the letterhead's logo) as one configuration commit."""
        load_config(data, self.sop)
        message = commits.configuration(subject, self.sop.number)
        with self.transaction(message, author) as txn:
            current = (self.read_committed(layout.CONFIG) or b"").decode("utf-8")
            if yamlio.load_text(current, layout.CONFIG) != self.config.raw:
                # `data` was made from the config as read before the lock; another process changed it since.
                raise StoreError(
                    "pengaduan.yaml diubah proses lain selama perintah ini berjalan; tidak ada yang dicatat, ulangi perintahnya"
                )
            # Rewrite only the top-level keys that changed: the comments that document every
            # other setting (kalender, notifikasi, ...) stay as the desk wrote them.
            text = yamlio.update_top_level(current, self.config.raw, data)
            txn.write(layout.CONFIG, text.encode("utf-8"))
            for rel, content in sorted((files or {}).items()):
                txn.write(rel, content)
        self.forget_config()
        assert txn.commit is not None
        return txn.commit

    def save_sop(self, text: str, based_on: str, subject: str, author: Staff | None) -> str:
        """Write a new sop.yaml (validated first), made from the committed `based_on`, as one
        configuration commit; refused when another process changed sop.yaml in between."""
        load_config(self.config.raw, load_sop(yamlio.load_text(text, layout.SOP)))  # the roster must still fit it
        message = commits.configuration(subject, self.sop.number)
        with self.transaction(message, author) as txn:
            if self.sop_text() != based_on:
                raise StoreError(
                    "sop.yaml diubah proses lain selama perintah ini berjalan; tidak ada yang dicatat, ulangi perintahnya"
                )
            txn.write(layout.SOP, text.encode("utf-8"))
        self.__dict__.pop("sop", None)
        self.forget_config()
        assert txn.commit is not None
        return txn.commit

    def sop_text(self) -> str:
        """The store's sop.yaml as committed (comments included)."""
        return (self.read_committed(layout.SOP) or b"").decode("utf-8")

    @staticmethod
    def default_sop_text() -> str:
        """The package's sop.yaml (what a store made by `init` starts from)."""
        return _data_file("sop.yaml").decode("utf-8")
