"""Escalation reminders: run the configured shell command, and remember what was sent.

`pengaduan eskalasi --kirim` hands each reminder (a case, the step to take, who must take it
and a prepared message) to this machine's notification command (`pengaduan lokal
notifikasi.perintah`, never the shared store: anyone who can push could change that), through
environment variables only, so no text is ever pasted into a shell line. What was sent lives in
.git/pengaduan/ (notifikasi.json: the state per case and step; notifikasi.log: one JSON line per
attempt) -- never in a case file, never in a commit: a reminder is not an SOP step.

A reminder goes out once per case and step, again every `ulang_menit` working minutes while the
case stays overdue, and a failed one is retried on the next run until it goes through or the
case moves on. Runs are serialised by their own lock, so two cron runs never send twice, and
the store lock is never held while a (possibly slow) gateway runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pengaduan.core import timeutil
from pengaduan.core.calendar import Calendar
from pengaduan.errors import ConfigError, PengaduanError
from pengaduan.store import yamlio
from pengaduan.store.lock import store_lock

STATE = "notifikasi.json"
LOG = "notifikasi.log"
LOCK = "notifikasi.lock"
SENT = "terkirim"
FAILED = "gagal"
SAVE_SECONDS = 2.0


class NotifyError(PengaduanError):
    """One or more reminders could not be sent (they are retried on the next run)."""


@dataclass(frozen=True)
class Settings:
    command: str
    repeat_minutes: float
    timeout: float

    @classmethod
    def from_config(cls, shared: Any, command: str, timeout: Any) -> Settings:
        """The repeat interval from the shared `notifikasi` section; the command and its time limit from this machine."""
        if shared is None:
            shared = {}
        if not isinstance(shared, dict):
            raise ConfigError("pengaduan.yaml tidak sah: 'notifikasi' harus pemetaan (ulang_menit)")
        repeat = shared.get("ulang_menit", 60)
        if isinstance(repeat, bool) or not isinstance(repeat, (int, float)) or repeat <= 0:
            raise ConfigError("pengaduan.yaml tidak sah: notifikasi.ulang_menit harus angka lebih dari 0")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ConfigError("notifikasi.batas_detik mesin ini harus angka lebih dari 0; atur dengan 'pengaduan lokal'")
        return cls(str(command or "").strip(), float(repeat), float(timeout))


@dataclass(frozen=True)
class Notice:
    """One reminder: the case, the step the SOP says to take now, and who must take it."""

    case_id: str
    at_step: int  # the step the case rests at; the reminder is moot once the case moves on
    step: int
    role: str
    names: tuple[str, ...]
    contacts: tuple[str, ...]
    message: str
    command: str

    @property
    def key(self) -> str:
        return f"{self.case_id}/{self.step}"

    def environment(self, attempt: int) -> dict[str, str]:
        return {
            "PENGADUAN_KASUS": self.case_id,
            "PENGADUAN_LANGKAH": str(self.step),
            "PENGADUAN_PERAN": self.role,
            "PENGADUAN_NAMA": ", ".join(self.names),
            # Space-separated, so `$PENGADUAN_KONTAK` unquoted gives one argument per person.
            "PENGADUAN_KONTAK": " ".join(self.contacts),
            "PENGADUAN_PESAN": self.message,
            "PENGADUAN_PERINTAH": self.command,
            "PENGADUAN_KE": str(attempt),
        }


@dataclass(frozen=True)
class Outcome:
    notice: Notice
    sent: bool
    count: int  # how many times this reminder has now gone out
    error: str = ""


class Outbox:
    """The record of reminders under .git/pengaduan/, and the one place that runs the command."""

    def __init__(self, folder: Path, settings: Settings, calendar: Calendar, lock_seconds: float, cwd: Path) -> None:
        self.folder = folder
        self.settings = settings
        self.calendar = calendar
        self.lock_seconds = lock_seconds
        self.cwd = cwd

    def state(self) -> dict[str, dict[str, Any]]:
        path = self.folder / STATE
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            # Unreadable state is set aside, not trusted and not silently dropped.
            path.replace(path.with_suffix(".rusak"))
            return {}
        return data if isinstance(data, dict) else {}

    def deliver(self, notices: Iterable[Notice], moment: datetime, open_steps: dict[str, int]) -> list[Outcome]:
        """Send what is due as of `moment`; `open_steps` maps each open case to the step it rests at."""
        busy = f"pengingat sedang dikirim oleh proses lain lebih dari {self.lock_seconds:g} detik; jalankan lagi nanti"
        with store_lock(self.folder / LOCK, self.lock_seconds, busy):
            state = self.state()
            # A reminder for a case that has closed or moved to another step is no longer needed.
            for key in [k for k, v in state.items() if open_steps.get(v.get("kasus", "")) != v.get("langkah_saat_ini")]:
                del state[key]
            outcomes = []
            saved = time.monotonic()
            for notice in notices:
                entry = state.get(notice.key)
                if entry is not None and entry.get("status") == SENT and not self._repeat_due(entry, moment):
                    continue
                outcome = self._run(notice, entry, moment)
                state[notice.key] = self._entry(notice, entry, outcome, moment)
                self._log(notice, outcome, moment)
                outcomes.append(outcome)
                # The log has every attempt at once; the state is rewritten at most every
                # SAVE_SECONDS, so a run with thousands of reminders stays linear. A run killed
                # in between sends those few again next time: a reminder may repeat, never vanish.
                if time.monotonic() - saved >= SAVE_SECONDS:
                    self._save(state)
                    saved = time.monotonic()
            self._save(state)
            return outcomes

    def _repeat_due(self, entry: dict[str, Any], moment: datetime) -> bool:
        last = timeutil.from_text(entry["terakhir_terkirim"], self.calendar.tz)
        return self.calendar.working_minutes(last, moment) >= self.settings.repeat_minutes

    def _run(self, notice: Notice, entry: dict[str, Any] | None, moment: datetime) -> Outcome:
        count = int((entry or {}).get("jumlah_terkirim", 0))
        env = {**os.environ, **notice.environment(count + 1)}
        try:
            done = subprocess.run(
                self.settings.command,
                shell=True,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=self.settings.timeout,
            )
        except subprocess.TimeoutExpired:
            return Outcome(notice, False, count, f"lewat batas {self.settings.timeout:g} detik")
        except OSError as exc:
            return Outcome(notice, False, count, f"tidak bisa dijalankan: {exc.strerror or exc}")
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = f": {lines[-1]}" if lines else ""
            return Outcome(notice, False, count, f"keluar dengan kode {done.returncode}{detail}")
        return Outcome(notice, True, count + 1)

    def _entry(self, notice: Notice, old: dict[str, Any] | None, outcome: Outcome, moment: datetime) -> dict[str, Any]:
        entry = dict(old or {})
        entry.update(
            {
                "kasus": notice.case_id,
                "langkah": notice.step,
                "langkah_saat_ini": notice.at_step,
                "peran": notice.role,
                "nama": list(notice.names),
                "kontak": list(notice.contacts),
                "status": SENT if outcome.sent else FAILED,
                "jumlah_terkirim": outcome.count,
            }
        )
        if outcome.sent:
            entry["terakhir_terkirim"] = timeutil.to_text(moment)
            entry["pesan"] = notice.message
            entry.pop("galat", None)
            entry["gagal_beruntun"] = 0
        else:
            entry["galat"] = outcome.error
            entry["gagal_beruntun"] = int(entry.get("gagal_beruntun", 0)) + 1
        return entry

    def _save(self, state: dict[str, dict[str, Any]]) -> None:
        data = json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        yamlio.write_atomic(self.folder / STATE, data.encode("utf-8"))

    def _log(self, notice: Notice, outcome: Outcome, moment: datetime) -> None:
        line = {
            "waktu": timeutil.to_text(moment),
            "dijalankan": timeutil.to_text(timeutil.now(self.calendar.tz)),
            "kasus": notice.case_id,
            "langkah": notice.step,
            "peran": notice.role,
            "nama": list(notice.names),
            "kontak": list(notice.contacts),
            "status": SENT if outcome.sent else FAILED,
            "galat": outcome.error or None,
            "pesan": notice.message,
        }
        with open(self.folder / LOG, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
