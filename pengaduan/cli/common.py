"""What the commands share: the store and petugas from the global options, and output helpers."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable
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
            if sys.stderr.isatty():
                self._desk.store.progress = progress_bar
        return self._desk

    def skipped(self) -> dict[str, str]:
        """Case files this command's store left out (path -> why); empty when it opened no store."""
        return self._desk.store.skipped if self._desk is not None else {}

    def actor(self) -> Staff:
        return self.desk().actor()

    def moment(self, text: str | None, option: str = "--waktu") -> datetime:
        return self.desk().moment(text, option)


pass_env = click.make_pass_decorator(Env)

PHASES = {"indeks": "membangun indeks kasus"}


def progress_bar(phase: str, done: int, total: int) -> None:
    """One self-rewriting stderr line for a terminal (the index being built from nothing)."""
    width = 30
    filled = width * done // total if total else width
    line = f"\r{PHASES.get(phase, phase)} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
    sys.stderr.write(line + ("\n" if done >= total else ""))
    sys.stderr.flush()


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


semua_option = click.option(
    "--semua", is_flag=True, help="Di terminal, tampilkan semua baris tabel (bawaan: satu layar, lalu jumlah sisanya)."
)
# Rows encoded per chunk: the C encoder's speed, never the whole list in memory.
CHUNK = 2000


def emit(rows: Iterable[dict[str, Any]], fmt: str, everything: bool = True) -> None:
    """Print rows (streamed) as a table, JSON or CSV.

    JSON is exact (json.dumps escapes every control character): compact, one row a line, through
    the C encoder; indented only for a terminal. CSV keeps the values, except that a cell a
    spreadsheet would run as a formula starts with `'`. The table shows every control character
    as a visible escape; on a terminal, without `everything`, it stops at one screen and says
    how many rows it left out.
    """
    if fmt == "json":
        _emit_json(rows)
        return
    if fmt == "csv":
        _emit_csv(rows)
        return
    tty = sys.stdout.isatty()
    limit = None if everything or not tty else max(10, _screen_lines() - 5)
    shown: list[dict[str, Any]] = []
    left = 0
    for row in rows:
        if limit is not None and len(shown) >= limit:
            left += 1
        else:
            shown.append(row)
    if not shown:
        click.echo("(tidak ada kasus)")
        return
    click.echo("\n".join(table_lines(shown)))
    if left:
        click.echo(f"... dan {left} baris lagi; tampilkan semua dengan --semua, atau pakai --format csv/json", err=True)


def _emit_json(rows: Iterable[dict[str, Any]]) -> None:
    if sys.stdout.isatty():
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
        return
    out = click.get_text_stream("stdout")
    first = True
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal first
        if chunk:
            text = json.dumps(chunk, ensure_ascii=False)[1:-1].replace('}, {"', '},\n{"')
            out.write(("[\n" if first else ",\n") + text)
            first = False
            chunk.clear()

    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    flush()
    out.write("[]\n" if first else "\n]\n")
    out.flush()


def _emit_csv(rows: Iterable[dict[str, Any]]) -> None:
    out = click.get_text_stream("stdout")
    buffer = io.StringIO()
    writer: csv.DictWriter | None = None
    for count, row in enumerate(rows, start=1):
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        if count % CHUNK == 0:
            out.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue())
    out.flush()


def table_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Rows as a plain text table (tabulate's "simple" layout: numbers right-aligned, text left),
    every string made safe for a terminal; linear in the rows (tabulate is ~9 s for 100,000)."""
    keys = list(rows[0])
    cells = [[_text(row.get(k, "")) for k in keys] for row in rows]
    numeric = [all(isinstance(row.get(k), (int, float)) and not isinstance(row.get(k), bool) for row in rows) for k in keys]
    widths = [max(len(k), *(len(line[i]) for line in cells)) for i, k in enumerate(keys)]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    return [line(keys), "  ".join("-" * w for w in widths), *(line(c) for c in cells)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return visible(value) if isinstance(value, str) else str(value)


def _screen_lines() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).lines
    except (OSError, ValueError):
        return 40
