"""The store lock: one writer at a time, across processes, with a bounded wait."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pengaduan.errors import StoreError


@contextmanager
def store_lock(path: Path, seconds: float) -> Iterator[None]:
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=seconds)
    except Timeout:
        raise StoreError(
            f"store sedang dipakai proses lain lebih dari {seconds:g} detik (kunci {path}); tunggu sebentar "
            "lalu ulangi, atau naikkan 'batas_kunci_detik' di pengaduan.yaml"
        ) from None
    try:
        yield
    finally:
        lock.release()
