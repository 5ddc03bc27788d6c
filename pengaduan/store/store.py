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
    from pengaduan.store.index import Index, Progress
    from pengaduan.store.local import LocalSettings

ENV_STORE = "PENGADUAN_STORE"
SYSTEM_IDENTITY = Identity("pengaduan", "pengaduan@localhost")
# "<commit> <git index stamp>" after our last transaction: git's index was then exactly that
# commit's tree, so while both are unchanged there is nothing staged to look for.
CLEAN_MARK = "index-bersih"


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
        self.progress: Progress | None = None  # shows the index being built (a terminal sets it)
        self._settings_read: dict[str, bytes | None] = {}

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
        """pengaduan.yaml or sop.yaml as committed at HEAD: a half-done change is never in force.

        Both are read in one batch (every command needs both), the other kept for its first use."""
        if relpath not in self._settings_read:
            self._settings_read = self.git.read_committed("HEAD", [layout.CONFIG, layout.SOP])
        data = self._settings_read.pop(relpath)
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
        if ids.is_valid(wanted):
            entry = self.git.read_committed_entry("HEAD", layout.case_path(wanted))
            if entry is not None:
                return wanted  # a whole ID of a committed case: no folder listed
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

    def index(self) -> Index:
        """The derived index, up to date with HEAD (built first when missing or stale); close it after use."""
        from pengaduan.store.index import Index

        index = Index.open(self, self.progress)
        for path, message in index.broken().items():
            self._skip(path, message)
        return index

    def load_all(self, rev: str = "HEAD") -> list[Case]:
        """Every case as committed at rev (at HEAD through the derived index).

        A file that cannot be a case (not a regular file, outside its month folder, over the size
        limit, invalid, holding another case's ID) is left out and noted in `self.skipped` (path ->
        one-line message) for the caller to report: one bad file never hides the other cases.
        """
        if rev == "HEAD":
            with self.index() as index:
                return list(index.cases())
        from pengaduan.store.index import _Rows

        rows = _Rows(self)
        wanted: dict[str, list[str]] = {}
        for mode, path, blob in self.git.tree_entries(rev, layout.CASES):
            if layout.case_id_of(path) is None:
                continue
            problem = layout.entry_problem(mode, path)
            if problem is not None:
                self._skip(path, f"berkas kasus {path} tidak sah: {problem}")
                continue
            wanted.setdefault(blob, []).append(path)
        out = []
        for blob, data in self.git.read_blobs(list(wanted)):
            for path in wanted[blob]:
                parsed = rows.parse(path, data)
                if isinstance(parsed, str):
                    self._skip(path, parsed)
                else:
                    out.append(parsed)
        return sorted(out, key=lambda c: c.id)

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
        """Refuse to go on while the store has changes git has not committed (a scan: sinkron only)."""
        self.recover()
        dirty = self.git.dirty()
        if dirty:
            shown = ", ".join(dirty[:3]) + (" ..." if len(dirty) > 3 else "")
            raise StoreError(
                f"store punya perubahan yang belum di-commit ({shown}); periksa dengan 'git -C {self.root} "
                "status', lalu commit atau kembalikan dulu"
            )

    def _require_nothing_staged(self, head: str | None, full: bool) -> None:
        """Refuse when git's index holds something HEAD lacks (it would otherwise stay staged, or,
        on the write-tree path, enter the commit). Free while the index is as our last commit left
        it; else `git diff-index --cached` (reads the index, never the work tree)."""
        if head is None:
            return
        stamp = self.git.index_stamp()
        if not full and stamp is not None and self._clean_mark() == f"{head} {stamp}":
            return
        if self.git.index_matches_head():
            return
        staged = self.git.staged_paths()
        shown = ", ".join(staged[:3]) + (" ..." if len(staged) > 3 else "")
        raise StoreError(
            f"store punya perubahan di index git yang belum di-commit ({shown}); periksa dengan 'git -C {self.root} "
            "status', lalu commit atau kembalikan dulu (git restore --staged BERKAS)"
        )

    def _require_as_committed(self, paths: list[str], before: dict[str, tuple[str, str] | None]) -> None:
        """Refuse when a file this transaction writes differs, in the work tree, from HEAD: a hand
        edit there would be overwritten. Other files are not looked at (`periksa` reports them)."""
        for path in paths:
            entry = before.get(path)
            current = recovery.current_blob(self, path)
            if current != (entry[1] if entry else None):
                raise StoreError(
                    f"berkas {path} punya perubahan yang belum di-commit; tidak ada yang dicatat. Periksa dengan "
                    f"'git -C {self.root} diff -- {path}', lalu commit atau kembalikan dulu "
                    f"(git -C {self.root} checkout HEAD -- {path})"
                )

    def _entries_at_head(self, head: str | None, paths: list[str]) -> dict[str, tuple[str, str] | None]:
        """(mode, blob) of each path at HEAD (None: not there): what the caller's read of HEAD saw
        (load_case, under this lock), else one ls-tree."""
        if head is None:
            return dict.fromkeys(paths)
        known = {p: self.git.seen[(rev, p)] for p in paths for rev in ("HEAD", head) if (rev, p) in self.git.seen}
        missing = [p for p in paths if p not in known]
        return {**known, **(self.git.tree_blobs(head, missing) if missing else {})}

    def _clean_mark(self) -> str:
        try:
            with open(self.git.git_dir / layout.PRIVATE / CLEAN_MARK, encoding="ascii") as handle:
                return handle.read().strip()
        except (OSError, ValueError):
            return ""

    def _note_clean(self, commit: str) -> None:
        stamp = self.git.index_stamp()
        try:
            with open(self.private_dir() / CLEAN_MARK, "w", encoding="ascii") as handle:
                handle.write(f"{commit} {stamp}\n" if stamp else "")
        except OSError:
            pass  # only costs a diff-index next time

    @contextmanager
    def transaction(
        self, message: str, author: Staff | None, expect_head: str | None = None
    ) -> Iterator[Transaction]:
        """Lock, check what the commit will contain, let the caller prepare its files, then commit them; or nothing.

        `expect_head`: the commit the caller read its data at (before taking the lock). When
        another process committed since, what the caller prepared is stale: refuse, change nothing.
        The caller's writes stay in memory until its block ends; a failure (or a kill) after that
        is undone here (or by the next command's recovery) from the intent written first.

        Nothing scans the store: the checks are that git's index holds nothing HEAD lacks and
        that the files written are, in the work tree, as HEAD has them. The commit is made by one
        `git fast-import` from HEAD's tree (compare-and-swap on the branch), then git's index gets
        the new entries; a signed commit goes through write-tree and commit-tree instead.
        """
        identity = self.identity_for(author)
        slow = self.sign_commits or any(k in os.environ for k in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"))
        with self.locked():
            self.recover()
            self.git.seen.clear()  # only what is read under the lock tells what HEAD holds
            head = self.git.head()
            self._require_nothing_staged(head, full=slow)
            if expect_head is not None and head != expect_head:
                raise StoreError(
                    "store berubah oleh proses lain selama perintah ini menyiapkan datanya; tidak ada yang "
                    "dicatat, ulangi perintahnya"
                )
            txn = Transaction(self, message)
            yield txn
            if not txn.files:
                return
            paths = list(txn.files)
            before = self._entries_at_head(head, paths)
            self._require_as_committed(paths, before)
            width = len(head) if head else 40
            blobs = {p: None if d is None else blob_id(d, width) for p, d in txn.files.items()}
            recovery.begin(self, recovery.Intent(recovery.COMMIT, head, blobs))
            try:
                txn.apply()
                modes = {p: (before.get(p) or ("100644", ""))[0] for p in paths}
                if head is None or slow:
                    self.git.stage(txn.files)
                    txn.commit = self.git.commit_index(txn.message, identity, parent=head, sign=self.sign_commits)
                else:
                    # git's index first (a kill before the ref moves is undone by recovery, after it finished)
                    self.git.set_index({p: None if b is None else (modes[p], b) for p, b in blobs.items()})
                    killpoint.here("index-updated")
                    files = {p: None if d is None else (modes[p], d) for p, d in txn.files.items()}
                    txn.commit = self.git.commit_files(head, files, txn.message, identity)
            except BaseException:
                try:
                    recovery.recover(self)
                except (StoreError, GitError, OSError):
                    pass  # the next command's recovery finishes it, or names what it cannot
                raise
            recovery.end(self)
            self._note_clean(txn.commit)
            self._index_committed(head, txn.commit, txn.files)
        self.git.maintain_in_background()  # outside the lock: git packs while the next step runs

    def _index_committed(self, old: str | None, new: str, files: dict[str, bytes | None]) -> None:
        """Let the derived index follow the commit (never fails the step: it is derived data)."""
        import sqlite3

        from pengaduan.store.index import FILE, Index, _connect

        if not (self.git.git_dir / layout.PRIVATE / FILE).is_file():
            return  # never built here: the first reader builds it
        try:
            index = Index(self, *_connect(self))
            try:
                index.committed(old, new, files)
            finally:
                index.close()
        except (sqlite3.Error, OSError, StoreError):
            pass  # the next reader brings it up to date from git

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
        # The index follows the branch's move with what was just written (the final version of each file).
        self._index_committed(head, tip, {item.path: item.data for item in items})
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
