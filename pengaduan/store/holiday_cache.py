"""National holidays and cuti bersama per year, cached under .git/pengaduan/ so each command need
not rebuild them.

The `holidays` package takes ~200 ms to compute a year of Indonesian holidays (lunar and
Islamic dates), more than the rest of `pengaduan lihat`. The cache is derived data: keyed by
the installed package's file stamps (and this file's own format), so an upgrade of
`holidays` rebuilds it, and deleting the file loses nothing but time. A year whose cached entry
does not read back as expected is simply computed again.
"""

from __future__ import annotations

import importlib.util
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from pengaduan.core.calendar import Holiday, national_holidays
from pengaduan.store.yamlio import write_atomic

# Bump when the cached shape changes (2: each day holds nama, cuti_bersama, perkiraan).
FORMAT = 2
MAX_DAYS_PER_YEAR = 366
MAX_NAME = 500


def package_version() -> str:
    """The installed `holidays` version ('0.109'), or '' when its metadata cannot be read (for messages)."""
    import importlib.metadata  # ~7 ms: not on the path of every command

    try:
        return importlib.metadata.version("holidays")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _package_stamp() -> str:
    """Which installed package the cache was built from: its files' stamps, read without importing it
    (an upgrade rewrites both __init__.py and version.py)."""
    spec = importlib.util.find_spec("holidays")
    origin = spec.origin if spec and spec.origin else ""
    stamps = []
    for path in (origin, os.path.join(os.path.dirname(origin), "version.py")):
        try:
            stamps.append(str(os.stat(path).st_mtime_ns))
        except OSError:
            stamps.append("-")
    return f"{FORMAT}:{origin}:{':'.join(stamps)}"


def _decode(found: Any) -> dict[date, Holiday] | None:
    """A cached year back as holidays, or None when it is not what this module writes."""
    if not isinstance(found, dict) or len(found) > MAX_DAYS_PER_YEAR:
        return None
    out = {}
    for key, item in found.items():
        if not isinstance(item, dict):
            return None
        name, cuti, estimated = item.get("nama"), item.get("cuti_bersama"), item.get("perkiraan")
        if not isinstance(name, str) or len(name) > MAX_NAME or not isinstance(cuti, bool) or not isinstance(estimated, bool):
            return None
        try:
            day = date.fromisoformat(key)
        except (TypeError, ValueError):
            return None
        out[day] = Holiday(name, cuti, estimated)
    return out


class HolidayCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: str | None = None

    def get(self, year: int) -> dict[date, Holiday]:
        stamp = self._stamp = self._stamp or _package_stamp()
        data = self._read()
        if data.get("paket") != stamp:
            data = {"paket": stamp, "tahun": {}}
        days = _decode(data["tahun"].get(str(year)))
        if days is not None:
            return days
        days = national_holidays(year)
        data["tahun"][str(year)] = {
            d.isoformat(): {"nama": h.name, "cuti_bersama": h.cuti_bersama, "perkiraan": h.estimated}
            for d, h in sorted(days.items())
        }
        try:
            write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
        except OSError:
            pass  # a read-only store still works, only slower
        return days

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) and isinstance(data.get("tahun"), dict) else {}
