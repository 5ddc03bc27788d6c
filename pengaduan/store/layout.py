"""Where things live inside a store."""

from __future__ import annotations

from pathlib import PurePosixPath

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


# Conflicts parked by `sinkron`: the local steps that lost, one file per parked conflict.
CONFLICTS = "konflik"


def conflict_path(conflict_id: str) -> str:
    """konflik/<CASE-ID>.<TOKEN>.yaml: the case the steps belong to, then what makes the file unique."""
    return str(PurePosixPath(CONFLICTS, f"{conflict_id}.yaml"))


def conflict_id_of(path: str) -> str | None:
    p = PurePosixPath(path)
    if p.parts[:1] == (CONFLICTS,) and p.suffix == ".yaml" and len(p.parts) == 2:
        return p.stem
    return None
