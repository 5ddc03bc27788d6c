"""Where things live inside a store."""

from __future__ import annotations

from pengaduan.core import ids

CONFIG = "pengaduan.yaml"
SOP = "sop.yaml"
CASES = "kasus"
REPORTS = "laporan"
# Derived data (cache, lock, audit marks) lives under .git so it is never committed.
PRIVATE = "pengaduan"
LOCK = "pengaduan.lock"


# Plain string work in these two: they run once per case file on every list (pathlib costs
# several microseconds a path, seconds at 100,000 cases).
def case_path(case_id: str) -> str:
    """kasus/YYYY/MM/<ID>.yaml: the folder is the month received, which the ID carries."""
    return f"{CASES}/20{case_id[:2]}/{case_id[2:4]}/{case_id}.yaml"


def case_id_of(path: str) -> str | None:
    """The ID a case file's path names (kasus/*/*/<ID>.yaml), or None for any other path."""
    parts = path.split("/")
    if len(parts) == 4 and parts[0] == CASES and parts[3].endswith(".yaml") and len(parts[3]) > 5 and all(parts):
        return parts[3][:-5]
    return None


# Tree entry modes of regular files; anything else under kasus/ (symlink, submodule) is refused.
# (core/audit.py holds the same two for its rule 10: core cannot import the store.)
REGULAR_MODES = ("100644", "100755")
MODE_NAMES = {"120000": "symlink", "160000": "submodule git", "040000": "folder"}


def entry_problem(mode: str, path: str) -> str | None:
    """Why a tree entry at a case path cannot be a case file (None when it can).

    It must be a regular file, named by a valid ID, in the folder of the ID's month.
    """
    if mode not in REGULAR_MODES:
        return f"bukan berkas biasa ({MODE_NAMES.get(mode, 'mode ' + mode)})"
    return ids.path_problem(path, path[path.rfind("/") + 1 : -5])


# Conflicts parked by `sinkron`: the local steps that lost, one file per parked conflict.
CONFLICTS = "konflik"


def conflict_path(conflict_id: str) -> str:
    """konflik/<CASE-ID>.<TOKEN>.yaml: the case the steps belong to, then what makes the file unique."""
    return f"{CONFLICTS}/{conflict_id}.yaml"


def conflict_id_of(path: str) -> str | None:
    name = path[len(CONFLICTS) + 1 :]
    if path.startswith(CONFLICTS + "/") and name.endswith(".yaml") and "/" not in name and len(name) > 5:
        return name[:-5]
    return None
