"""National holidays per year, cached under .git/pengaduan/ so each command need not rebuild them.

The `holidays` package takes ~200 ms to compute a year of Indonesian holidays (lunar and
Islamic dates), more than the rest of `pengaduan lihat`. The cache is derived data: keyed by
the installed package's file stamp, so an upgrade of `holidays` rebuilds it, and deleting the
file loses nothing but time.
"""

from __future__ import annotations

import importlib.util
import json
import os
from datetime import date
from pathlib import Path

from pengaduan.core.calendar import national_holidays
from pengaduan.store.yamlio import write_atomic


def _package_stamp() -> str:
    spec = importlib.util.find_spec("holidays")
    origin = spec.origin if spec and spec.origin else ""
    try:
        return f"{origin}:{os.stat(origin).st_mtime_ns}"
    except OSError:
        return origin


class HolidayCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: str | None = None

    def get(self, year: int) -> dict[date, str]:
        stamp = self._stamp = self._stamp or _package_stamp()
        data = self._read()
        if data.get("paket") != stamp:
            data = {"paket": stamp, "tahun": {}}
        found = data["tahun"].get(str(year))
        if found is None:
            days = national_holidays(year)
            data["tahun"][str(year)] = {d.isoformat(): name for d, name in sorted(days.items())}
            try:
                write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
            except OSError:
                pass  # a read-only store still works, only slower
            return days
        return {date.fromisoformat(d): name for d, name in found.items()}

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) and isinstance(data.get("tahun"), dict) else {}
