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

from pengaduan.app.context import Desk
from pengaduan.core.config import Staff


@dataclass
class Env:
    """The global options, and the desk they open (once, on first use)."""

    store_path: Path | None
    petugas: str | None
    _desk: Desk | None = None

    def desk(self) -> Desk:
        if self._desk is None:
            self._desk = Desk.open(self.store_path, self.petugas)
        return self._desk

    def actor(self) -> Staff:
        return self.desk().actor()

    def moment(self, text: str | None, option: str = "--waktu") -> datetime:
        return self.desk().moment(text, option)


pass_env = click.make_pass_decorator(Env)


FORMAT_HELP = {
    "tabel": "tabel untuk dibaca",
    "teks": "teks untuk dibaca",
    "json": "JSON untuk program",
    "csv": "CSV untuk lembar kerja",
    "html": "HTML",
    "pdf": "PDF",
    "semua": "HTML dan PDF",
}


def format_option(*choices: str, default: str | None = None, help: str | None = None) -> Callable[[Callable], Callable]:
    """The one --format option (the default: the first choice unless named)."""
    from pengaduan.cli.base import Choice

    text = help or "Bentuk keluaran: " + ", ".join(f"{c} ({FORMAT_HELP.get(c, c)})" for c in choices) + "."
    return click.option(
        "--format", "fmt", type=Choice(list(choices)), default=default or choices[0], show_default=True, help=text
    )


def waktu_option(func: Callable) -> Callable:
    return click.option(
        "--waktu",
        metavar="WAKTU",
        help="Kapan langkah ini sebenarnya terjadi (ISO 8601, WIB bila tanpa zona). Bawaan: sekarang.",
    )(func)


def catatan_option(func: Callable | None = None, *, help: str = "Catatan untuk riwayat kasus.") -> Callable:
    """The one --catatan option (a report command words its help differently)."""
    option = click.option("--catatan", metavar="TEKS", help=help)
    return option(func) if func is not None else option


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
