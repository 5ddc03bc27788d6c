"""What the commands share: the store and petugas from the global options, and output helpers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from pengaduan.core import timeutil
from pengaduan.core.config import Staff
from pengaduan.store.store import Store


@dataclass
class Env:
    store_path: Path | None
    petugas: str | None
    _store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.store_path)
        return self._store

    def actor(self) -> Staff:
        return self.store().resolve_actor(self.petugas)

    def moment(self, text: str | None, option: str = "--waktu") -> datetime:
        store = self.store()
        return timeutil.parse_moment(text, store.tz, option) if text else store.now()


pass_env = click.make_pass_decorator(Env)


def waktu_option(func: Callable) -> Callable:
    return click.option(
        "--waktu",
        metavar="WAKTU",
        help="Kapan langkah ini sebenarnya terjadi (ISO 8601, WIB bila tanpa zona). Bawaan: sekarang.",
    )(func)


def catatan_option(func: Callable) -> Callable:
    return click.option("--catatan", metavar="TEKS", help="Catatan untuk riwayat kasus.")(func)


def emit(rows: list[dict[str, Any]], fmt: str) -> None:
    """Print rows as a tabulate table, JSON or CSV."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
        return
    from tabulate import tabulate

    if not rows:
        click.echo("(tidak ada kasus)")
        return
    keys = list(rows[0])
    table = [[row.get(k, "") for k in keys] for row in rows]
    click.echo(tabulate(table, headers=keys, tablefmt="simple"))
