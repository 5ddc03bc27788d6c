"""Where things live inside a store."""

from __future__ import annotations

from pathlib import PurePosixPath

from pengaduan.core import ids

CONFIG = "pengaduan.yaml"
SOP = "sop.yaml"
CASES = "kasus"
REPORTS = "laporan"
# Derived data (cache, lock, audit marks) lives under .git so it is never committed.
PRIVATE = "pengaduan"
LOCK = "pengaduan.lock"


def case_path(case_id: str) -> str:
    """kasus/YYYY/MM/<ID>.yaml: the folder is the month received, which the ID carries."""
    return str(PurePosixPath(CASES, "20" + case_id[:2], case_id[2:4], f"{case_id}.yaml"))


def case_id_of(path: str) -> str | None:
    p = PurePosixPath(path)
    if p.parts[:1] == (CASES,) and p.suffix == ".yaml" and len(p.parts) == 4:
        return p.stem
    return None


# Tree entry modes of regular files; anything else under kasus/ (symlink, submodule) is refused.
REGULAR_MODES = ("100644", "100755")
MODE_NAMES = {"120000": "symlink", "160000": "submodule git", "040000": "folder"}


def entry_problem(mode: str, path: str) -> str | None:
    """Why a tree entry at a case path cannot be a case file (None when it can).

    It must be a regular file, named by a valid ID, in the folder of the ID's month.
    """
    if mode not in REGULAR_MODES:
        return f"bukan berkas biasa ({MODE_NAMES.get(mode, 'mode ' + mode)})"
    case_id = PurePosixPath(path).stem
    if not ids.is_valid(case_id):
        return "nama berkasnya bukan ID kasus (YYMMDD-XXXXXXX.yaml)"
    expected = case_path(case_id)
    if path != expected:
        return f"tidak di folder bulannya (ID {case_id} berarti {expected})"
    return None
