"""Where the files come from: one file, a folder, or an export's .zip — all read with bounds.

A zip is never extracted to disk: members are read into memory one at a time, each bounded in
size and compression ratio (a zip bomb stops at the bound), the whole read bounded too. Member
names that climb out (`..`, an absolute path, a drive letter, a backslash) or are symlinks are
refused, so no name from an archive can point anywhere. A folder is walked without following
symlinks; only regular files are read.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pengaduan.importers.base import MAX_ENTRIES, MAX_FILE_BYTES, MAX_RATIO, MAX_TOTAL_BYTES, Refused

ONE_MB = 1024 * 1024


@dataclass
class Budget:
    """Bytes left to read from one source."""

    left: int = MAX_TOTAL_BYTES

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise Refused(f"isi yang dibaca melebihi {MAX_TOTAL_BYTES // ONE_MB} MB; pecah ekspornya lalu impor per bagian")


class Container:
    """The files of a folder or a zip by their inner (POSIX) path."""

    label: str

    def names(self) -> list[str]:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def where(self, name: str) -> str:
        return f"{self.label}:{name}"

    def close(self) -> None:
        pass


def unsafe_name(name: str) -> str | None:
    """Why a member name may not be used (None when it may)."""
    if "\x00" in name or "\\" in name:
        return "memuat garis miring terbalik atau NUL"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "jalur mutlak"
    if ".." in PurePosixPath(name).parts:
        return "memuat '..' (keluar dari folder ekspor)"
    return None


class ZipSource(Container):
    def __init__(self, path: Path, label: str) -> None:
        self.label = label
        self.budget = Budget()
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise Refused("bukan berkas zip yang utuh; unduh ulang ekspornya") from None
        if len(infos) > MAX_ENTRIES:
            raise Refused(f"zip berisi {len(infos)} berkas, lebih dari batas {MAX_ENTRIES}")
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir():
                continue
            why = unsafe_name(info.filename)
            if why is not None:
                raise Refused(f"nama anggota zip tidak aman ({why}): {info.filename[:200]!r}; zip ini tidak dibaca")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise Refused(f"anggota zip {info.filename[:200]!r} adalah symlink; zip ini tidak dibaca")
            self.members[info.filename] = info

    def names(self) -> list[str]:
        return list(self.members)

    def read(self, name: str) -> bytes:
        info = self.members[name]
        if info.flag_bits & 0x1:
            raise Refused("anggota zip terenkripsi; ekspor ulang tanpa kata sandi")
        if info.file_size > MAX_FILE_BYTES:
            raise Refused(f"terlalu besar ({info.file_size // ONE_MB} MB, batas {MAX_FILE_BYTES // ONE_MB} MB)")
        if info.file_size > ONE_MB and info.file_size > MAX_RATIO * max(1, info.compress_size):
            ratio = info.file_size // max(1, info.compress_size)
            raise Refused(f"rasio pemampatan {ratio}:1 mencurigakan (bom zip); tidak dibaca")
        try:
            with self.zip.open(info) as handle:
                chunks = []
                size = 0
                while True:  # the declared size may lie: the bound holds on what actually comes out
                    chunk = handle.read(ONE_MB)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > MAX_FILE_BYTES or size > MAX_RATIO * max(1, info.compress_size) + ONE_MB:
                        raise Refused("mengembang melebihi batas (bom zip); tidak dibaca")
                    self.budget.take(len(chunk))
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise Refused("anggota zip rusak atau memakai pemampatan yang tidak dikenal") from None
        return b"".join(chunks)

    def close(self) -> None:
        self.zip.close()


class FolderSource(Container):
    def __init__(self, path: Path, label: str) -> None:
        self.label = label
        self.root = path
        self.budget = Budget()
        self.files: list[str] = []
        for folder, dirs, files in os.walk(path, followlinks=False):
            dirs.sort()
            for file in sorted(files):
                full = Path(folder) / file
                self.files.append(full.relative_to(path).as_posix())
                if len(self.files) > MAX_ENTRIES:
                    raise Refused(f"folder berisi lebih dari {MAX_ENTRIES} berkas")

    def names(self) -> list[str]:
        return self.files

    def read(self, name: str) -> bytes:
        return read_file(self.root / name, self.budget)

    def where(self, name: str) -> str:
        return f"{self.label}/{name}"


def read_file(path: Path, budget: Budget | None = None) -> bytes:
    """A regular file's bytes, never through a symlink, never over the bound."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise Refused("tidak ada") from None
    except OSError as exc:
        raise Refused(f"tidak dapat dibaca ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "symlink" if stat.S_ISLNK(info.st_mode) else ("folder" if stat.S_ISDIR(info.st_mode) else "berkas khusus")
        raise Refused(f"bukan berkas biasa ({kind}); tidak dibaca")
    if info.st_size > MAX_FILE_BYTES:
        raise Refused(f"terlalu besar ({info.st_size // ONE_MB} MB, batas {MAX_FILE_BYTES // ONE_MB} MB)")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise Refused(f"tidak dapat dibaca ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise Refused(f"terlalu besar (batas {MAX_FILE_BYTES // ONE_MB} MB)")
    if budget is not None:
        budget.take(len(data))
    return data


def open_container(path: Path, label: str) -> Container | None:
    """A folder or a zip as a Container; None for a plain file."""
    if path.is_dir() and not path.is_symlink():
        return FolderSource(path, label)
    if path.suffix.lower() == ".zip":
        return ZipSource(path, label)
    return None
