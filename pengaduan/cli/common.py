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
from pengaduan.core.sop import Sop
from pengaduan.errors import PengaduanError
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


class SopChoice(click.ParamType):
    """The value of an option that picks one of a command's SOP transitions (`teruskan --ke
    redaktur`). The valid values are those the store's sop.yaml gives that command's `perintah`,
    read when the command runs: a store whose SOP adds a transition needs no new code here."""

    name = "pilihan"

    def __init__(self, command: str, option: str) -> None:
        self.command = command
        self.option = option

    def _sop(self, ctx: click.Context | None) -> Sop:
        env = ctx.find_object(Env) if ctx is not None else None
        if env is None:
            raise click.UsageError("perintah ini perlu store")  # only when called outside `pengaduan`
        return env.store().sop

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        values = list(self._sop(ctx).choices(self.command, self.option))
        if value in values:
            return value
        self.fail(f"'{value}' bukan pilihan; pilih salah satu: {', '.join(values)}", param, ctx)

    def describe(self, ctx: click.Context | None) -> tuple[str, str] | None:
        """(metavar, help) from the store's SOP, e.g. ('[redaktur|pimred]', 'redaktur (langkah 4) atau
        pimred (langkah 6).'); None when no store can be read (help outside a store)."""
        try:
            choices = self._sop(ctx).choices(self.command, self.option)
        except (PengaduanError, click.UsageError):
            return None
        if not choices:
            return None
        named = [f"{value} (langkah {t.target})" for value, t in choices.items()]
        text = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} atau {named[-1]}"
        return f"[{'|'.join(choices)}]", f"{text}."


class SopChoiceOption(click.Option):
    """An option of type SopChoice whose help lists the store's values and the steps they record.

    `lead` opens that list ("Siapa yang menjawab:"); without a readable store the static help shows.
    """

    def __init__(self, *args: Any, lead: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lead = lead

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        described = self.type.describe(ctx) if isinstance(self.type, SopChoice) else None
        if record is None or described is None:
            return record
        metavar, text = described
        suffix = record[1][len(self.help or "") :]  # click's own: "  [wajib]"
        return f"{', '.join(self.opts)} {metavar}", f"{self.lead} {text}".strip() + suffix


def sop_choice_option(name: str, command: str, lead: str = "", **kwargs: Any) -> Callable:
    """`--name` taking one of the values the SOP's transitions of `command` give it (its `perintah`)."""
    option = name.lstrip("-")
    fallback = f"{lead} nilai menurut perintah '{command} ID --{option} ...' di sop.yaml store.".strip()
    return click.option(
        name,
        cls=SopChoiceOption,
        type=SopChoice(command, option),
        metavar=option.upper(),
        lead=lead,
        help=fallback[0].upper() + fallback[1:],
        **kwargs,
    )


def waktu_option(func: Callable) -> Callable:
    return click.option(
        "--waktu",
        metavar="WAKTU",
        help="Kapan langkah ini sebenarnya terjadi (ISO 8601, WIB bila tanpa zona). Bawaan: sekarang.",
    )(func)


def catatan_option(func: Callable) -> Callable:
    return click.option("--catatan", metavar="TEKS", help="Catatan untuk riwayat kasus.")(func)


def emit(rows: list[dict[str, Any]], fmt: str, headers: dict[str, str] | None = None) -> None:
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
    keys = list(headers or rows[0])
    table = [[row.get(k, "") for k in keys] for row in rows]
    click.echo(tabulate(table, headers=[(headers or {}).get(k, k) for k in keys], tablefmt="simple"))
