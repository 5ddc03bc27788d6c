"""The store: a git repository of YAML files, changed only through locked one-commit transactions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from pengaduan.core import ids, timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import Config, Staff, load_config
from pengaduan.core.sop import Sop, load_sop
from pengaduan.core.workflow import Request, apply
from pengaduan.errors import CaseNotFound, ConfigError, StoreError
from pengaduan.i18n import TRAILERS, action_label
from pengaduan.store import layout, yamlio
from pengaduan.store.git import Git, Identity, global_email
from pengaduan.store.lock import store_lock

ENV_STORE = "PENGADUAN_STORE"
ENV_ACTOR = "PENGADUAN_PETUGAS"
SYSTEM_IDENTITY = Identity("pengaduan", "pengaduan@localhost")


def default_root() -> Path:
    return Path(os.environ.get(ENV_STORE) or "cases")


def _data_file(name: str) -> bytes:
    from importlib.resources import files

    return files("pengaduan.data").joinpath(name).read_bytes()


def trailers(**values: Any) -> str:
    return "\n".join(f"{TRAILERS[k]}: {v}" for k, v in values.items() if v is not None)


@dataclass
class Transaction:
    """Files written inside one locked transaction; committed together or all put back."""

    store: Store
    message: str
    originals: dict[str, bytes | None] = field(default_factory=dict)
    commit: str | None = None

    def write(self, relpath: str, data: bytes) -> None:
        path = self.store.root / relpath
        if relpath not in self.originals:
            self.originals[relpath] = path.read_bytes() if path.exists() else None
        yamlio.write_atomic(path, data)

    def write_yaml(self, relpath: str, data: Any) -> None:
        self.write(relpath, yamlio.dump(data).encode("utf-8"))

    def rollback(self) -> None:
        for relpath, data in self.originals.items():
            path = self.store.root / relpath
            if data is None:
                path.unlink(missing_ok=True)
                _prune_empty_dirs(path.parent, self.store.root)
            else:
                yamlio.write_atomic(path, data)


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.git = Git(self.root)

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
        if (store.root / layout.CONFIG).exists() or (store.root / ".git").exists():
            raise StoreError(f"store sudah ada di {store.root}; tidak ditimpa. Pakai --store DIR untuk store baru")
        store.git.init()
        config = yamlio.load_text(_data_file("pengaduan.yaml"), "pengaduan.yaml")
        if roster:
            config["petugas"] = [s.to_dict() for s in roster]
        load_config(config)  # validate before writing anything
        sop_bytes = _data_file("sop.yaml")
        load_sop(yamlio.load_text(sop_bytes, "sop.yaml"))
        config_text = _data_file("pengaduan.yaml").decode("utf-8")
        if roster:
            config_text = yamlio.dump(config)
        files = {
            layout.CONFIG: config_text.encode("utf-8"),
            layout.SOP: sop_bytes,
            ".gitattributes": b"*.pdf binary\n",
        }
        for relpath, data in files.items():
            yamlio.write_atomic(store.root / relpath, data)
        store.git.stage(files)
        message = "Store pengaduan dibuat\n\n" + trailers(kind="konfigurasi", sop=store.sop.number)
        store.git.commit_index(message, store.identity_for(None), parent=None)
        return store

    # -- configuration ---------------------------------------------------------------------
    @cached_property
    def config(self) -> Config:
        return load_config(yamlio.load_file(self.root / layout.CONFIG, layout.CONFIG))

    @cached_property
    def sop(self) -> Sop:
        return load_sop(yamlio.load_file(self.root / layout.SOP, layout.SOP))

    @cached_property
    def tz(self):
        return timeutil.zone(self.config.timezone)

    @property
    def calendar(self):
        return None

    def now(self) -> datetime:
        return timeutil.now(self.tz)

    def private_dir(self) -> Path:
        path = self.git.git_dir / layout.PRIVATE
        path.mkdir(parents=True, exist_ok=True)
        return path

    def resolve_actor(self, code: str | None) -> Staff:
        """The petugas running the command: --petugas, then PENGADUAN_PETUGAS, then git user.email."""
        code = code or os.environ.get(ENV_ACTOR)
        if code:
            staff = self.config.staff_by_code(code)
            if staff is None:
                known = ", ".join(s.code for s in self.config.staff) or "(belum ada)"
                raise ConfigError(
                    f"petugas '{code}' tidak ada di daftar petugas ({known}); tambahkan dengan "
                    "'pengaduan petugas tambah KODE --nama NAMA --peran PERAN'"
                )
            return staff
        email = self.git.config_value("user.email") or global_email()
        if email:
            staff = self.config.staff_by_email(email)
            if staff is not None:
                return staff
        raise ConfigError(
            "petugas belum ditentukan; pakai --petugas KODE, atau set PENGADUAN_PETUGAS=KODE, atau samakan "
            "git config user.email dengan email petugas di 'pengaduan petugas daftar'"
        )

    def identity_for(self, staff: Staff | None) -> Identity:
        if staff is None:
            email = global_email()
            return Identity("pengaduan", email) if email else SYSTEM_IDENTITY
        return Identity(staff.name, staff.email or f"{staff.code}@pengaduan.invalid")

    # -- finding and reading cases ---------------------------------------------------------
    def case_ids(self, prefix: str = "") -> list[str]:
        """IDs of the cases on disk, looking only in the month folder when the prefix names one."""
        base = self.root / layout.CASES
        month = ids.month_of(prefix)
        if month is not None and len(prefix) >= 4:
            folders = [base / month[0] / month[1]]
        else:
            folders = [m for y in sorted(base.glob("[0-9]" * 4)) for m in sorted(y.iterdir()) if m.is_dir()]
        out: list[str] = []
        for folder in folders:
            try:
                names = os.listdir(folder)
            except FileNotFoundError:
                continue
            out.extend(n[:-5] for n in names if n.endswith(".yaml") and not n.startswith("."))
        return sorted(out)

    def resolve_id(self, typed: str) -> str:
        """A full ID from a unique prefix of the ID, or of its random part after the dash."""
        wanted = ids.normalise(typed)
        if not wanted:
            raise CaseNotFound("ID kasus kosong; lihat 'pengaduan daftar'")
        if ids.is_valid(wanted) and (self.root / layout.case_path(wanted)).is_file():
            return wanted
        if "-" in wanted:
            matches = [i for i in self.case_ids(wanted) if i.startswith(wanted)]
        else:  # a prefix of the whole ID, or of the random part people read off a screen
            matches = [i for i in self.case_ids() if i.startswith(wanted) or i[7:].startswith(wanted)]
        if not matches:
            raise CaseNotFound(f"kasus '{typed}' tidak ditemukan; lihat 'pengaduan daftar'")
        if len(matches) > 1:
            shown = ", ".join(matches[:10]) + (f" (dan {len(matches) - 10} lagi)" if len(matches) > 10 else "")
            raise CaseNotFound(f"ID '{typed}' cocok dengan {len(matches)} kasus: {shown}; ketik lebih panjang")
        return matches[0]

    def load_case(self, case_id: str) -> Case:
        relpath = layout.case_path(case_id)
        return Case.from_dict(yamlio.load_file(self.root / relpath, relpath), relpath)

    def load_all(self, rev: str = "HEAD", prefix: str = layout.CASES) -> list[Case]:
        """Every case as committed at rev: one ls-tree, the cache, one cat-file batch for the rest."""
        from pengaduan.store.cache import BlobCache

        rows = self.git.ls_tree(rev, prefix)
        cache = BlobCache(self.private_dir() / "cache.sqlite")
        try:
            known = cache.get_many(blob for _, blob in rows)
            by_blob = {blob: path for path, blob in rows}
            missing = [blob for blob in by_blob if blob not in known]
            fresh = {}
            for blob, data in self.git.read_blobs(missing):
                fresh[blob] = yamlio.load_text(data, by_blob[blob])
            cache.put_many(fresh)
            known.update(fresh)
        finally:
            cache.close()
        return [Case.from_dict(known[blob], path) for path, blob in rows if layout.case_id_of(path)]

    # -- changing ----------------------------------------------------------------------------
    @contextmanager
    def transaction(self, message: str, author: Staff | None) -> Iterator[Transaction]:
        """Lock, check the tree is clean, let the caller write, commit; on any failure undo all."""
        with store_lock(self.private_dir() / layout.LOCK, self.config.lock_seconds):
            dirty = self.git.dirty()
            if dirty:
                shown = ", ".join(dirty[:3]) + (" ..." if len(dirty) > 3 else "")
                raise StoreError(
                    f"store punya perubahan yang belum di-commit ({shown}); periksa dengan 'git -C {self.root} "
                    "status', lalu commit atau kembalikan dulu"
                )
            head = self.git.head()
            txn = Transaction(self, message)
            try:
                yield txn
                if txn.originals:
                    self.git.stage(txn.originals)
                    txn.commit = self.git.commit_index(
                        txn.message,
                        self.identity_for(author),
                        parent=head,
                        sign=self.sign_commits,
                    )
            except BaseException:
                txn.rollback()
                if txn.originals:
                    self.git.unstage(txn.originals, head)
                raise

    @property
    def sign_commits(self) -> bool:
        return bool(self.config.raw.get("tanda_tangan_commit", False))

    def record(self, request: Request, case_id: str | None = None) -> tuple[Case, str]:
        """Apply one SOP action to a case (or receive a new one) as exactly one commit."""
        with self.transaction("", request.actor) as txn:
            before = self.load_case(case_id) if case_id else None
            new_id = None
            if before is None:
                day = request.at.astimezone(self.tz).date()
                new_id = ids.new_id(day)
                while (self.root / layout.case_path(new_id)).exists():
                    new_id = ids.new_id(day)
            after = apply(self.sop, self.config, before, request, self.now(), new_id)
            txn.message = self.case_message(after)
            txn.write_yaml(layout.case_path(after.id), after.to_dict())
        assert txn.commit is not None
        return after, txn.commit

    def case_message(self, case: Case) -> str:
        entry = case.history[-1]
        subject = f"{case.id}: {action_label(entry.action)} (langkah {entry.step})"
        return (
            f"{subject}\n\n"
            + trailers(
                case=case.id,
                step=entry.step,
                action=entry.action,
                performer=entry.performer_role,
                time=entry.time,
                sop=self.sop.number,
            )
            + "\n"
        )

    def save_config(self, data: dict[str, Any], subject: str, author: Staff | None) -> str:
        load_config(data)
        message = f"{subject}\n\n" + trailers(kind="konfigurasi", sop=self.sop.number) + "\n"
        with self.transaction(message, author) as txn:
            txn.write_yaml(layout.CONFIG, data)
        self.__dict__.pop("config", None)
        assert txn.commit is not None
        return txn.commit
