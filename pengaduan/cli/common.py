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
from pengaduan.core.safetext import visible
from pengaduan.core.sop import Sop
from pengaduan.errors import PengaduanError


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

    def skipped(self) -> dict[str, str]:
        """Case files this command's store left out (path -> why); empty when it opened no store."""
        return self._desk.store.skipped if self._desk is not None else {}

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


def format_option(
    *choices: str, default: str | None = None, help: str | None = None, name: str = "--format"
) -> Callable[[Callable], Callable]:
    """The one output-format option (the default: the first choice unless named). A command whose
    `--format` names something else (`impor`: the source's format) gives its own `name`."""
    from pengaduan.cli.base import Choice

    text = help or "Bentuk keluaran: " + ", ".join(f"{c} ({FORMAT_HELP.get(c, c)})" for c in choices) + "."
    return click.option(
        name, "fmt", type=Choice(list(choices)), default=default or choices[0], show_default=True, help=text
    )


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
        return env.desk().sop

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


def catatan_option(func: Callable | None = None, *, help: str = "Catatan untuk riwayat kasus.") -> Callable:
    """The one --catatan option (a report command words its help differently)."""
    option = click.option("--catatan", metavar="TEKS", help=help)
    return option(func) if func is not None else option


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


def emit(rows: list[dict[str, Any]], fmt: str) -> None:
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
    keys = list(rows[0])
    table = [[_cell(row.get(k, "")) for k in keys] for row in rows]
    click.echo(tabulate(table, headers=keys, tablefmt="simple"))


def _cell(value: Any) -> Any:
    return visible(value) if isinstance(value, str) else value
