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
from pengaduan.core.safetext import visible
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

    @property
    def opened_store(self) -> Store | None:
        """The store, when this command opened it (None otherwise: nothing to report about it)."""
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


def say(*lines: object, err: bool = False) -> None:
    """Print human output, one line per argument, each made safe for a terminal (`visible`):
    a value holding a newline or an escape sequence cannot forge or hide a line."""
    click.echo("\n".join(visible(line) for line in lines), err=err)


# First characters that make a spreadsheet read a cell as a formula (or as the start of one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a string it would read as a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def emit(rows: list[dict[str, Any]], fmt: str, headers: dict[str, str] | None = None) -> None:
    """Print rows as a tabulate table, JSON or CSV.

    JSON is exact (json.dumps escapes every control character). CSV keeps the values, except that
    a cell a spreadsheet would run as a formula starts with `'`. The table shows every control
    character as a visible escape.
    """
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
        click.echo(buffer.getvalue(), nl=False)
        return
    from tabulate import tabulate

    if not rows:
        click.echo("(tidak ada kasus)")
        return
    keys = list(headers or rows[0])
    table = [[_cell(row.get(k, "")) for k in keys] for row in rows]
    click.echo(tabulate(table, headers=[(headers or {}).get(k, k) for k in keys], tablefmt="simple"))


def _cell(value: Any) -> Any:
    return visible(value) if isinstance(value, str) else value
