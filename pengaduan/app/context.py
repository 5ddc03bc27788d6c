"""What every use case runs in: the store, the tool's clock, the working calendar, who acts."""

from __future__ import annotations

import os
from datetime import datetime
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pengaduan.core import timeutil
from pengaduan.core.calendar import Calendar
from pengaduan.core.config import Config, Staff
from pengaduan.core.sop import Sop
from pengaduan.errors import ConfigError, PermissionDenied
from pengaduan.store.store import Store

ENV_ACTOR = "PENGADUAN_PETUGAS"
ENV_NOW = "PENGADUAN_SEKARANG"


class Desk:
    """One command's view of the desk: a store, its clock and calendar, and the acting petugas."""

    def __init__(self, store: Store, actor_code: str | None = None) -> None:
        self.store = store
        self.actor_code = actor_code

    @classmethod
    def open(cls, root: Path | None = None, actor_code: str | None = None) -> Desk:
        return cls(Store.open(root), actor_code)

    @classmethod
    def create(cls, root: Path | None = None, roster: list[Staff] | None = None) -> Desk:
        """A new store (a git repository with pengaduan.yaml and sop.yaml), as one commit."""
        return cls(Store.create(root, roster))

    @property
    def root(self) -> Path:
        return self.store.root

    # -- what the store says -----------------------------------------------------------------
    @property
    def config(self) -> Config:
        return self.store.config

    @property
    def sop(self) -> Sop:
        return self.store.sop

    @property
    def tz(self) -> ZoneInfo:
        return self.store.tz

    @cached_property
    def calendar(self) -> Calendar:
        """The working calendar of `kalender` in pengaduan.yaml (the package's default when absent)."""
        data = self.store.config.raw.get("kalender")
        if data is None:
            data = self.store.default_config().get("kalender")
        calendar = Calendar.from_config(data, self.tz)
        calendar.national_source = self.store.holiday_cache().get
        return calendar

    def forget_config(self) -> None:
        """After a configuration commit: what was derived from the old configuration is rebuilt."""
        self.store.forget_config()
        self.__dict__.pop("calendar", None)

    # -- the clock ---------------------------------------------------------------------------
    def now(self) -> datetime:
        # PENGADUAN_SEKARANG fixes "now" (ISO 8601): for tests and for replaying a day's commands;
        # commit times stay real, so the audit still sees when things were actually recorded.
        fixed = os.environ.get(ENV_NOW)
        if fixed:
            return timeutil.parse_moment(fixed, self.tz, ENV_NOW)
        return timeutil.now(self.tz)

    def recording_now(self) -> datetime:
        """'Now' for what gets recorded: the tool's clock, but never later than the real one, so a
        PENGADUAN_SEKARANG left set in a shell cannot date a step in the future."""
        return min(self.now(), timeutil.now(self.tz))

    def moment(self, text: str | None, option: str = "--waktu") -> datetime:
        """A moment typed on the command line (WIB when it has no zone), or now."""
        return timeutil.parse_moment(text, self.tz, option) if text else self.now()

    # -- who acts ----------------------------------------------------------------------------
    def actor(self) -> Staff:
        """The petugas running the command: --petugas, then PENGADUAN_PETUGAS, then git user.email."""
        staff = self._actor()
        if not staff.active:
            reason = f" ({staff.inactive_reason})" if staff.inactive_reason else ""
            raise PermissionDenied(
                f"petugas '{staff.code}' nonaktif{reason}; tidak dapat mencatat apa pun lagi. Pengelola dapat "
                f"mengaktifkannya kembali dengan 'pengaduan petugas aktif {staff.code}'"
            )
        return staff

    def _actor(self) -> Staff:
        config = self.store.config
        code = self.actor_code or os.environ.get(ENV_ACTOR)
        if code:
            staff = config.staff_by_code(code)
            if staff is None:
                known = ", ".join(s.code for s in config.staff) or "(belum ada)"
                raise ConfigError(
                    f"petugas '{code}' tidak ada di daftar petugas ({known}); tambahkan dengan "
                    "'pengaduan petugas tambah KODE --nama NAMA --peran PERAN'"
                )
            return staff
        email = self.store.git.config_value("user.email")  # the store's, else the user's global one
        if email:
            staff = config.staff_by_email(email)
            if staff is not None:
                return staff
        raise ConfigError(
            "petugas belum ditentukan; pakai --petugas KODE, atau set PENGADUAN_PETUGAS=KODE, atau samakan "
            "git config user.email dengan email petugas di 'pengaduan petugas daftar'"
        )


def holiday_package_version() -> str:
    """The installed `holidays` package's version (named in the calendar's warnings)."""
    from pengaduan.store.holiday_cache import package_version

    return package_version()
