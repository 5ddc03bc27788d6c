"""What the commands share: the store and petugas from the global options, and output helpers."""

from __future__ import annotations

import io
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pengaduan.core.safetext import visible
from pengaduan.errors import InputError, PengaduanError

if TYPE_CHECKING:  # imported where a store is opened: `pengaduan --versi` and `--help` need none of it
    from pengaduan.app.context import Desk
    from pengaduan.core.config import Staff
    from pengaduan.core.sop import Sop


@dataclass
class Env:
    """The global options, and the desk they open (once, on first use)."""

    store_path: Path | None
    petugas: str | None
    _desk: Desk | None = None

    def desk(self) -> Desk:
        if self._desk is None:
            from pengaduan.app.context import Desk

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


class Choice(click.Choice):
    """click.Choice with an Indonesian refusal that lists the valid values."""

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        wanted = str(value).casefold()
        for choice in self.choices:
            if str(choice).casefold() == wanted:
                return choice
        self.fail(f"'{value}' bukan pilihan; pilih salah satu: {', '.join(map(str, self.choices))}", param, ctx)


PHASES = {"indeks": "membangun indeks kasus"}


def progress_bar(phase: str, done: int, total: int) -> None:
    """One self-rewriting stderr line for a terminal (the index being built from nothing)."""
    import sys

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
    `--format` names something else (`impor`: the source's format) gives its own `name`.

    A command with a table also gets `--lebar` (every column in full), `--semua` (every row on a
    terminal) and `--tanpa-pager`; one
    with CSV gets `--pemisah` (';' for spreadsheets set to Indonesian). `emit` reads them.
    """
    text = help or "Bentuk keluaran: " + ", ".join(f"{c} ({FORMAT_HELP.get(c, c)})" for c in choices) + "."
    decorators = [
        click.option(
            name, "fmt", type=Choice(list(choices)), default=default or choices[0], show_default=True, help=text
        )
    ]
    if "tabel" in choices or "teks" in choices:
        decorators.append(
            click.option("--tanpa-pager", is_flag=True, expose_value=False, callback=_remember,
                         help="Jangan tampilkan keluaran panjang lewat pager (less) di terminal.")  # fmt: skip
        )
    if "tabel" in choices:
        decorators.append(
            click.option("--lebar", is_flag=True, expose_value=False, callback=_remember,
                         help="Tampilkan setiap kolom utuh, walau lebih lebar dari terminal.")  # fmt: skip
        )
        decorators.append(
            click.option("--semua", is_flag=True, expose_value=False, callback=_remember,
                         help=f"Tampilkan semua baris tabel di terminal (tanpa ini: {SCREEN_ROWS:,} baris pertama; "
                              "keluaran yang disalurkan ke program atau berkas selalu utuh).".replace(",", "."))  # fmt: skip
        )
    if "csv" in choices:
        decorators.append(
            click.option("--pemisah", default=",", show_default=True, metavar="KARAKTER", expose_value=False,
                         callback=_remember_separator,
                         help="Pemisah kolom CSV, mis. ';' untuk lembar kerja berbahasa Indonesia.")  # fmt: skip
        )

    def decorate(func: Callable) -> Callable:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return decorate


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta[f"pengaduan.{param.name}"] = value
    return value


def _remember_separator(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value == "\\t":
        value = "\t"
    if not isinstance(value, str) or len(value) != 1 or value in ('"', "\n", "\r"):
        raise click.BadParameter("pemisah harus satu karakter, mis. ';' atau ','", ctx=ctx, param=param)
    return _remember(ctx, param, value)


def option_value(name: str, default: Any) -> Any:
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if f"pengaduan.{name}" in ctx.meta:
            return ctx.meta[f"pengaduan.{name}"]
        ctx = ctx.parent
    return default


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
    """The one --catatan option (TEKS, '-' for stdin, or --catatan-berkas; a report command words its help differently)."""
    option = text_option("--catatan", "note", help)
    return option(func) if func is not None else option


def step_output(func: Callable) -> Callable:
    """`--format teks|json` and `-q` of a step command: a line, the case as `lihat --format json`, or the ID."""
    func = click.option("-q", "--diam", "quiet", is_flag=True, help="Cetak ID kasus saja.")(func)
    return click.option(
        "--format", "fmt", type=Choice(["teks", "json"]), default="teks", show_default=True,
        help="Bentuk keluaran: teks (satu baris), atau json (kasus sesudah langkah ini, seperti 'lihat --format json').",
    )(func)  # fmt: skip


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


# Rows encoded per chunk: the C encoder's speed, never the whole list in memory.
CHUNK = 2000


def emit(
    rows: Iterable[dict[str, Any]], fmt: str, empty: str = "(tidak ada kasus)", late: Callable[[int], bool] | None = None
) -> None:
    """Print rows as a table, JSON or CSV; JSON and CSV stream (rows may be a generator).

    JSON is exact (json.dumps escapes every control character): compact, one row a line, through
    the C encoder (indented only for a terminal). CSV keeps the values, except that a cell a
    spreadsheet would run as a formula starts with `'`; its separator is `--pemisah`.
    The table shows every control character as a visible escape, fits the terminal's width
    (the widest columns cut with '…'; `--lebar` keeps them whole) and goes through a pager on a
    terminal when longer than the screen (`--tanpa-pager`). `late(i)`: row i stands out (red).
    """
    if fmt == "json":
        _emit_json(rows)
        return
    if fmt == "csv":
        _emit_csv(rows)
        return
    _emit_table(rows, empty, late)


# Rows a terminal shows without --semua: a desk reads a screenful or a few hundred, a script pipes
# everything (piped output is never cut) — and 100,000 rows would only fill the pager and memory.
SCREEN_ROWS = 1000


def _emit_table(rows: Iterable[dict[str, Any]], empty: str, late: Callable[[int], bool] | None) -> None:
    screen = terminal_width()  # None: not a terminal
    limit = None if screen is None or option_value("semua", False) else SCREEN_ROWS
    keys: list[str] = []
    cells: list[tuple[str, ...]] = []
    hidden = 0
    for row in rows:
        if not keys:
            keys = list(row)
        if limit is not None and len(cells) >= limit:
            hidden += 1  # counted, never kept: the note says how many the terminal did not show
            continue
        cells.append(tuple(_text(row.get(k)) for k in keys))
    if not cells:
        click.echo(empty)
        return
    lines: Iterable[str] = table_lines(keys, cells, None if option_value("lebar", False) else screen, late)
    if hidden:
        note = f"… {hidden} baris lagi tidak ditampilkan; tampilkan semuanya dengan --semua, atau saring daftarnya"
        lines = itertools.chain(lines, [note])
    page_lines(lines, len(cells) + 2 + (1 if hidden else 0))


def _emit_json(rows: Iterable[dict[str, Any]]) -> None:
    if sys.stdout.isatty():
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
        return
    out = sys.stdout  # what click.echo writes to (CliRunner swaps it too)
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
    import csv

    out = sys.stdout  # what click.echo writes to (CliRunner swaps it too)
    buffer = io.StringIO()
    writer: csv.DictWriter | None = None
    for count, row in enumerate(rows, start=1):
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n", delimiter=option_value("pemisah", ","))
            writer.writeheader()
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        if count % CHUNK == 0:
            out.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue())
    out.flush()


def terminal_width() -> int | None:
    """The width tables fit on a terminal (COLUMNS first, as shells set it); None for piped output,
    so a script or a file reading the table gets every column whole."""
    import shutil
    import sys

    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return max(40, shutil.get_terminal_size((100, 24)).columns)


# Columns a table never cuts: the ID is what a person copies into the next command.
WHOLE_COLUMNS = ("id", "kode")


def table_text(rows: list[dict[str, Any]], width: int | None, late: Callable[[int], bool] | None = None) -> str:
    """The rows as a plain table no wider than `width` (None: as wide as its content)."""
    keys = list(rows[0])
    return "\n".join(table_lines(keys, [tuple(_text(row.get(k)) for k in keys) for row in rows], width, late))


def table_lines(
    keys: list[str], cells: list[tuple[str, ...]], width: int | None, late: Callable[[int], bool] | None = None
) -> Iterator[str]:
    """A plain table, line by line: headers, a rule, one line a row, columns two spaces apart, no
    trailing blanks (the layout tabulate's "simple" format gave, without its copies of every cell).
    `width`: cut the widest columns with '…' until it fits (never the ID); None keeps every cell whole."""
    widths = [display_width(k) for k in keys]
    for row in cells:
        for i, value in enumerate(row):
            size = len(value) if value.isascii() else display_width(value)
            if size > widths[i]:
                widths[i] = size
    cut = width is not None and sum(widths) + 2 * (len(keys) - 1) > width
    if cut:
        widths = _fit(keys, widths, width or 0)
    red = late is not None and colour()

    def line(values: Iterable[str]) -> str:
        parts = []
        for value, size in zip(values, widths, strict=True):
            if cut:
                value = _shorten(value, size)
            shown = len(value) if value.isascii() else display_width(value)
            parts.append(value + " " * (size - shown))
        return "  ".join(parts).rstrip()

    yield line(keys)
    yield "  ".join("-" * size for size in widths)
    for i, row in enumerate(cells):
        text = line(row)
        yield click.style(text, fg="red", bold=True) if red and late is not None and late(i) else text


def _fit(keys: list[str], widths: list[int], width: int) -> list[int]:
    """Narrow the widest columns (never below 5 characters; never the ID) until the table fits."""
    widths = list(widths)
    floors = [w if k in WHOLE_COLUMNS else min(5, w) for k, w in zip(keys, widths, strict=True)]
    excess = sum(widths) + 2 * (len(keys) - 1) - width
    while excess > 0:
        shrinkable = [i for i in range(len(keys)) if widths[i] > floors[i]]
        if not shrinkable:
            break  # nothing left to cut: the table cannot be narrower
        column = max(shrinkable, key=lambda i: widths[i])
        widths[column] -= 1
        excess -= 1
    return widths


# Characters one column wide with nothing combining or invisible among them (Latin, Greek, Cyrillic,
# the dashes, quotes and '…' of General Punctuation): text made only of them is as wide as it is long.
_NARROW = re.compile(
    "[\\x20-\\x7e\\u00a0-\\u00ac\\u00ae-\\u02ff\\u0370-\\u0377\\u037a-\\u037f\\u0384-\\u038a\\u038c\\u038e-\\u03a1"
    "\\u03a3-\\u0482\\u048a-\\u052f\\u2010-\\u2027\\u2030-\\u205e]*"
)


def display_width(text: str) -> int:
    """Columns a terminal gives the text: East Asian wide characters and emoji two, combining
    marks none (stdlib only, so the same table on every machine)."""
    if text.isascii() or _NARROW.fullmatch(text):
        return len(text)
    import unicodedata

    size = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        size += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return size


def _shorten(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    kept, size = [], 0
    for char in text:
        step = display_width(char)
        if size + step > width - 1:
            break
        kept.append(char)
        size += step
    return "".join(kept) + "…"


def page(text: str) -> None:
    """Print text; on a terminal, through a pager when it is longer than the screen (not with --tanpa-pager)."""
    page_lines([text], text.count("\n") + 1)


def page_lines(lines: Iterable[str], count: int) -> None:
    """Print `count` lines as they come; through the pager as `page` does, never joined into one string."""
    import shutil

    if interactive() and not option_value("tanpa_pager", False):
        height = shutil.get_terminal_size((100, 24)).lines
        if count > height - 1:
            click.echo_via_pager(line + "\n" for line in lines)
            return
    out = sys.stdout  # what click.echo writes to (CliRunner swaps it too)
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= CHUNK:
            out.write("\n".join(chunk) + "\n")
            chunk.clear()
    if chunk:
        out.write("\n".join(chunk) + "\n")
    out.flush()


def _text(value: Any) -> str:
    """A cell as the table shows it: nothing for None, every control character visible."""
    if value is None:
        return ""
    return visible(value) if isinstance(value, str) else str(value)


# -- the terminal -----------------------------------------------------------------------------------
def interactive() -> bool:
    """A person at a terminal (stdin and stdout both a TTY): only then are missing values asked for."""
    import sys

    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def colour() -> bool:
    """Colour on stdout: a terminal, and NO_COLOR (https://no-color.org) not set."""
    import os
    import sys

    if os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _desk_of(ctx: click.Context | None) -> Desk | None:
    """The desk of the running command, or (in help and shell completion, where the group's own
    callback has not run) one opened from the global options; None when no store can be read."""
    if ctx is None:
        return None
    env = ctx.find_object(Env)
    try:
        if env is None:
            root = ctx.find_root()
            env = Env(store_path=root.params.get("store_path"), petugas=root.params.get("petugas"))
            root.obj = env if root.obj is None else root.obj
        return env.desk()
    except PengaduanError:
        return None
    except Exception:  # help and completion never fail for a store that cannot be read
        return None


# -- choices from the store's configuration ------------------------------------------------------------
CONFIG_KINDS = ("platform", "jenis", "bidang", "kategori", "status", "peran")
OPEN_STATUS = "terbuka"


def config_values(desk: Desk, kind: str) -> dict[str, str]:
    """The valid values of one kind of choice (code -> the label the tool prints), from the store."""
    from pengaduan.i18n import KIND_LABELS, platform_label, status_label

    config, sop = desk.config, desk.sop
    if kind == "platform":
        return {p: platform_label(p) for p in config.platforms}
    if kind == "jenis":
        return {k: KIND_LABELS.get(k, k) for k in config.kinds}
    if kind == "bidang":
        return dict(config.bidang)
    if kind == "kategori":
        return dict(config.categories)
    if kind == "peran":
        return {r: n for r, n in sop.roles.items() if r not in sop.external_roles}
    if kind == "status":
        statuses = sorted({t.status for t in sop.transitions} | {a.status for a in sop.case_actions.values() if a.status})
        return {**{s: status_label(s) for s in statuses}, OPEN_STATUS: "semua yang belum selesai"}
    raise ValueError(kind)


def pick(values: dict[str, str], typed: str) -> str | None:
    """The code `typed` names: a code or a label, in any case ('Instagram', 'Selesai'); None if neither."""
    if typed in values:
        return typed
    wanted = " ".join(typed.split()).casefold()
    for code, label in values.items():
        if code.casefold() == wanted or label.casefold() == wanted:
            return code
    return None


class ConfigChoice(click.ParamType):
    """A value from the store's configuration (platform, jenis, bidang, kategori, status, peran):
    case-insensitive, a code or the label the tool prints; help and completion list the values."""

    name = "pilihan"

    def __init__(self, kind: str) -> None:
        assert kind in CONFIG_KINDS
        self.kind = kind

    def values(self, ctx: click.Context | None) -> dict[str, str] | None:
        desk = _desk_of(ctx)
        if desk is None:
            return None
        try:
            return config_values(desk, self.kind)
        except PengaduanError:
            return None

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        env = ctx.find_object(Env) if ctx is not None else None
        # Inside a command a store that cannot be opened is the message; elsewhere (help) the value stands.
        values = config_values(env.desk(), self.kind) if env is not None else self.values(ctx)
        if values is None:
            return str(value)
        code = pick(values, str(value))
        if code is None:
            # The store's own refusal (as core's Config.check_choice words it), exit code 1.
            raise InputError(f"{self.kind} '{value}' tidak dikenal; pilih salah satu: {', '.join(values)}")
        return code

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
        from click.shell_completion import CompletionItem

        values = self.values(ctx) or {}
        low = incomplete.casefold()
        return [CompletionItem(code, help=label) for code, label in values.items() if code.casefold().startswith(low)]

    def describe(self, ctx: click.Context | None) -> str | None:
        values = self.values(ctx)
        if not values:
            return None
        return "Pilihan: " + ", ".join(code if label.casefold() == code.casefold() else f"{code} ({label})"
                                        for code, label in values.items()) + "."


class ConfigChoiceOption(click.Option):
    """An option whose help ends with the store's valid values (the static help without a store)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None or not isinstance(self.type, ConfigChoice):
            return record
        listed = self.type.describe(ctx)
        if listed is None:
            return record
        return record[0], f"{record[1]} {listed}".strip()


def config_option(name: str, kind: str, help: str, **kwargs: Any) -> Callable:
    """`--platform`, `--bidang`, ...: a value from the store's configuration."""
    kwargs.setdefault("metavar", kind.upper())
    return click.option(name, cls=ConfigChoiceOption, type=ConfigChoice(kind), help=help, **kwargs)


def case_filter_options(func: Callable) -> Callable:
    """The filters a list of cases takes (daftar, cari): status, platform, bidang, kategori, akun,
    the days received; the command gets them as status, platform, bidang, kategori, akun, sejak, sampai."""
    decorators = [
        config_option("--status", "status", f"Status kasus, atau '{OPEN_STATUS}' untuk semua yang belum selesai."),
        config_option("--platform", "platform", "Platform media sosial."),
        config_option("--bidang", "bidang", "Bidang terkait."),
        config_option("--kategori", "kategori", "Kategori pengaduan."),
        click.option("--akun", metavar="AKUN",
                     help="Hanya kasus dari akun ini (huruf besar/kecil sama, '@' boleh tidak ditulis)."),  # fmt: skip
        click.option("--sejak", metavar="TGL", help="Diterima pada/sesudah tanggal ini (YYYY-MM-DD)."),
        click.option("--sampai", metavar="TGL", help="Diterima pada/sebelum tanggal ini (YYYY-MM-DD)."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


# -- long text: '-' for stdin, a --...-berkas twin, the editor on a terminal -------------------------
EDITOR_NOTE = "# Baris yang diawali '#' diabaikan. Simpan lalu tutup editor untuk mencatat; kosongkan untuk batal."


def _read_bounded(stream: Any, limit: int, option: str) -> str:
    raw = stream.read(limit + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    if len(raw) > limit:
        raise InputError(f"{option} lebih besar dari {limit // 1024} KB; persingkat teksnya")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{option} bukan teks UTF-8 yang sah; simpan ulang berkasnya sebagai UTF-8") from None


def read_text_source(value: str | None, path: Path | None, option: str, limit: int) -> str | None:
    """The text of a text option: as typed, '-' read from stdin, or the --...-berkas file's content."""
    import sys

    if value is not None and path is not None:
        raise InputError(f"pakai {option} atau {option}-berkas, tidak keduanya")
    if path is not None:
        try:
            with open(path, "rb") as handle:
                return _strip_final_newline(_read_bounded(handle, limit, f"{option}-berkas {path}"))
        except OSError as exc:
            raise InputError(
                f"{option}-berkas {path} tidak dapat dibaca ({exc.strerror or exc}); periksa nama berkasnya"
            ) from None
    if value == "-":
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        return _strip_final_newline(_read_bounded(stream, limit, f"{option} - (stdin)"))
    return value


def _strip_final_newline(text: str) -> str:
    """A file or a pipe ends with a newline that is not part of the text."""
    return text[:-1] if text.endswith("\n") else text


def edit_text(option: str, context_lines: list[str]) -> str:
    """Open $EDITOR (click.edit) on a commented template; the text without its comment lines."""
    header = [f"# {option}: {line}" if i == 0 else f"# {line}" for i, line in enumerate(context_lines)] or [f"# {option}"]
    template = "\n\n" + "\n".join([*header, EDITOR_NOTE]) + "\n"
    written = click.edit(template, extension=".txt", require_save=True)
    if written is None:
        raise InputError(f"{option} tidak disimpan di editor; tidak ada yang dicatat")
    text = "\n".join(line for line in written.split("\n") if not line.startswith("#")).strip("\n")
    if not text.strip():
        raise InputError(f"{option} kosong; tidak ada yang dicatat")
    return text


def _limit_of(field: str) -> int:
    from pengaduan.core.safetext import TEXT_FIELDS

    return TEXT_FIELDS[field][2] if field in TEXT_FIELDS else 64 * 1024


def text_option(
    name: str,
    field: str,
    help: str,
    required: bool | Callable[[dict[str, Any]], bool] = False,
    editor_lines: list[str] | None = None,
) -> Callable[[Callable], Callable]:
    """A long text option (`--isi`, `--catatan`, `--alasan`): TEKS, '-' for stdin, or a `NAME-berkas
    BERKAS` twin; when required and missing, the editor opens on a terminal, else the usual refusal.

    `field` names its rule in core.safetext.TEXT_FIELDS (the limits there still apply when the
    step is checked); `required` may depend on the other options (a template replaces --isi).
    """
    import functools

    param = name.lstrip("-").replace("-", "_")
    twin = f"{param}_berkas"

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            text = read_text_source(kwargs.get(param), kwargs.pop(twin, None), name, _limit_of(field))
            needed = required(kwargs) if callable(required) else required
            if text is None and needed:
                ctx = click.get_current_context()
                if not interactive():
                    option = next(p for p in ctx.command.params if p.name == param)
                    raise click.MissingParameter(ctx=ctx, param=option)
                text = edit_text(name, [help, *(editor_lines or [])])
            kwargs[param] = text
            return func(*args, **kwargs)

        wrapper = click.option(
            f"{name}-berkas", twin, metavar="BERKAS", type=click.Path(dir_okay=False, path_type=Path),
            help=f"Baca {name} dari berkas teks UTF-8 ini.",
        )(wrapper)
        suffix = " Wajib." if required is True else ""
        return click.option(name, param, metavar="TEKS", help=f"{help} '-' membaca stdin.{suffix}")(wrapper)

    return decorate


# -- asking for missing required options on a terminal -------------------------------------------------
def _ask_consume_value(option: click.Option, ctx: click.Context, opts: Any) -> tuple[Any, Any]:
    """click's own consume_value; then, on a terminal, a missing required value is asked for (on stderr)."""
    from click.core import ParameterSource

    value, source = type(option).consume_value(option, ctx, opts)
    missing = value is None or option.value_is_missing(value)
    if missing and not ctx.resilient_parsing and interactive():
        listed = option.type.describe(ctx) if isinstance(option.type, ConfigChoice) else None
        if isinstance(option.type, SopChoice):
            described = option.type.describe(ctx)
            listed = described[1] if described else None
        value = click.prompt(option.opts[0] + (f" ({listed})" if listed else ""), err=True, type=str)
        source = ParameterSource.PROMPT
    return value, source


def ask_when_missing(option: click.Option) -> None:
    """Make a required option ask for its value on a terminal (the instance's consume_value wraps click's)."""
    import types

    if not option.required or option.is_flag or "consume_value" in vars(option):
        return
    option.consume_value = types.MethodType(_ask_consume_value, option)  # type: ignore[method-assign]


# -- shell completion (click's own machinery: _PENGADUAN_COMPLETE) ---------------------------------------
def _items(values: list[tuple[str, str]], incomplete: str) -> list:
    from click.shell_completion import CompletionItem

    low = incomplete.casefold()
    return [CompletionItem(value, help=label or None) for value, label in values if value.casefold().startswith(low)]


def complete_case(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Case IDs, the open ones first (soonest deadline first), then the others (newest first)."""
    desk = _desk_of(ctx)
    if desk is None:
        return []
    from pengaduan.app.queue import completion_ids

    try:
        return _items(completion_ids(desk, incomplete.upper()), incomplete)
    except PengaduanError:
        return []


def complete_staff(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    desk = _desk_of(ctx)
    if desk is None:
        return []
    return _items([(s.code, f"{s.name} ({', '.join(s.roles)})") for s in desk.config.staff], incomplete)


def complete_template(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    desk = _desk_of(ctx)
    if desk is None:
        return []
    from pengaduan.app import templates

    try:
        return _items([(t.code, t.title) for t in templates.all_templates(desk)], incomplete)
    except PengaduanError:
        return _items([(code, "") for code in templates.codes(desk)], incomplete)


def case_argument(func: Callable | None = None, **kwargs: Any) -> Callable:
    """The KASUS argument of a command (an ID or a unique prefix), completed from the store."""
    decorator = click.argument("kasus", shell_complete=complete_case, **kwargs)
    return decorator(func) if func is not None else decorator
