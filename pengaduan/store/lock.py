"""The store lock: one writer at a time, across processes, with a bounded wait.

An advisory `flock` on a file under .git/pengaduan/. The kernel drops it when the process
ends, however it ends, so a crashed command never leaves the store locked. (filelock would do
the same job, but its import costs more than the rest of a transition's start-up; this lock
sits on the hot path of every command that writes.)
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pengaduan.errors import StoreError

POLL_SECONDS = 0.02


@contextmanager
def store_lock(path: Path, seconds: float, busy: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path`; after `seconds` of waiting raise StoreError (`busy` or the store's message)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        busy
                        or f"store sedang dipakai proses lain lebih dari {seconds:g} detik (kunci {path}); tunggu "
                        "sebentar lalu ulangi, atau naikkan 'batas_kunci_detik' di pengaduan.yaml"
                    ) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- git's own lock files (.git/index.lock, .git/refs/heads/main.lock) ---------------------------
# git makes them with O_EXCL and keeps them open while it holds them; they carry no pid. One that
# no process has open and that stays put for a while is left over from a git that was killed.
STALE_SECONDS = 2.0


def holders(path: Path) -> list[int]:
    """Pids of the processes (that this user may inspect) with `path` open."""
    target = str(path)
    found = []
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if not entry.name.isdigit():
            continue
        try:
            fds = os.scandir(f"/proc/{entry.name}/fd")
        except OSError:
            continue
        with fds:
            for fd in fds:
                try:
                    if os.readlink(fd.path) == target:
                        found.append(int(entry.name))
                        break
                except OSError:
                    continue
    return found


def all_visible() -> bool:
    """True when every process's open files can be inspected (so `holders` misses no one)."""
    if not os.path.isdir("/proc"):
        return False
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and not os.access(f"/proc/{entry.name}/fd", os.R_OK | os.X_OK):
            if os.path.exists(f"/proc/{entry.name}"):  # not merely gone meanwhile
                return False
    return True


def age(path: Path) -> float | None:
    """Seconds since the lock file was made, or None when it is gone."""
    try:
        return max(0.0, time.time() - path.stat().st_mtime)
    except FileNotFoundError:
        return None


def is_stale(path: Path, min_age: float = STALE_SECONDS) -> bool:
    """True when the lock file exists, is older than `min_age` seconds and no process has it open."""
    seconds = age(path)
    return seconds is not None and seconds >= min_age and not holders(path)


def wait_gone_or_stale(path: Path, seconds: float, min_age: float = STALE_SECONDS) -> bool:
    """Wait (bounded) until the lock file is gone (False) or proves stale (True); False also on timeout."""
    deadline = time.monotonic() + seconds
    delay = POLL_SECONDS
    while True:
        if age(path) is None:
            return False
        if is_stale(path, min_age):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
