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
