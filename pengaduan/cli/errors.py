"""Turning every failure into one Indonesian line on stderr and a non-zero exit code."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import click
from click import exceptions as ce

from pengaduan.core.safetext import visible
from pengaduan.errors import PengaduanError

USAGE_EXIT = 2
# The command did its work but left out case files it could not read (each named on stderr).
SKIPPED_EXIT = 3
# Options of the `pengaduan` group itself, which people also type after the command name.
GLOBAL_OPTIONS = ("--petugas", "--store")

# click's own refusals for its built-in types (INT, FLOAT, Path, BOOL), in Indonesian.
_TYPE_MESSAGES = [
    (re.compile(r"^'(.*)' is not a valid integer\.$"), "'{0}' bukan bilangan bulat"),
    (re.compile(r"^'(.*)' is not a valid float\.$"), "'{0}' bukan angka"),
    (re.compile(r"^'(.*)' is not a valid boolean\.$"), "'{0}' bukan ya/tidak"),
    (re.compile(r"^(?:File|Directory|Path) '(.*)' is a file\.$"), "'{0}' adalah berkas, bukan folder"),
    (re.compile(r"^(?:File|Directory|Path) '(.*)' is a directory\.$"), "'{0}' adalah folder, bukan berkas"),
    (re.compile(r"^(?:File|Directory|Path) '(.*)' does not exist\.$"), "'{0}' tidak ada"),
]


class UnknownCommand(ce.UsageError):
    """A command name the group does not know; its message is already Indonesian (with a suggestion)."""


def _type_message(text: str) -> str:
    for pattern, indonesian in _TYPE_MESSAGES:
        match = pattern.match(text)
        if match:
            return indonesian.format(match.group(1))
    return text


def _hint(ctx: click.Context | None) -> str:
    path = ctx.command_path if ctx is not None else "pengaduan"
    return f"lihat '{path} --help'"


def usage_message(exc: ce.UsageError) -> str:
    """Click's usage errors in Indonesian (its own texts are English)."""
    ctx = exc.ctx
    if isinstance(exc, ce.NoSuchOption) and exc.option_name in GLOBAL_OPTIONS and ctx is not None and ctx.parent:
        where = ctx.command_path.split(" ", 1)[-1]
        return (
            f"{exc.option_name} adalah opsi global: tulis sebelum nama perintah, "
            f"contoh: pengaduan {exc.option_name} NILAI {where} ..."
        )
    if isinstance(exc, ce.NoSuchOption):
        extra = f"; mungkin maksud Anda: {', '.join(sorted(exc.possibilities))}" if exc.possibilities else ""
        return f"opsi {exc.option_name} tidak dikenal{extra}; {_hint(ctx)}"
    if isinstance(exc, ce.MissingParameter):
        param = exc.param
        name = "/".join(param.opts) if param is not None and param.opts else (exc.param_hint or "nilai")
        if isinstance(param, click.Argument):
            return f"{param.human_readable_name} wajib diisi; {_hint(ctx)}"
        return f"opsi {name} wajib diisi; {_hint(ctx)}"
    if isinstance(exc, ce.BadParameter):
        hint = exc.param_hint or (exc.param.opts[0] if exc.param is not None and exc.param.opts else "nilai")
        if isinstance(hint, (list, tuple)):
            hint = "/".join(hint)
        return f"nilai {hint} tidak sah: {_type_message(exc.message)}; {_hint(ctx)}"
    if isinstance(exc, UnknownCommand):
        return f"{exc.message}; {_hint(ctx)}"
    if isinstance(exc, ce.NoSuchCommand) or exc.message.startswith("No such command"):
        # A subcommand's group is click's own: the name as typed (shown safe), and what it may have meant.
        name = exc.message.split("'")[1] if "'" in exc.message else exc.message
        close: list[str] = []
        if ctx is not None and isinstance(ctx.command, click.Group):
            import difflib

            close = difflib.get_close_matches(name, ctx.command.list_commands(ctx), n=3, cutoff=0.6)
        hint = f"; mungkin maksud Anda: {', '.join(close)}" if close else ""
        return f"perintah '{visible(name)}' tidak dikenal{hint}; {_hint(ctx)}"
    if exc.message.startswith("Got unexpected extra argument"):
        extra = exc.message.split("(", 1)[-1].rstrip(")")
        return f"argumen berlebih: {extra}; {_hint(ctx)}"
    if isinstance(exc, ce.BadOptionUsage):  # click: "Option '--x' requires an argument." / "does not take a value."
        if "does not take a value" in exc.message:
            return f"opsi {exc.option_name} tidak memakai nilai; {_hint(ctx)}"
        if "requires" in exc.message:
            return f"opsi {exc.option_name} perlu nilai; {_hint(ctx)}"
    return f"perintah tidak sah ({exc.message}); {_hint(ctx)}"


def undecodable_argument(args: Sequence[object] | None) -> str | None:
    """The message for the first argument that was not valid UTF-8 (None when all are).

    Python keeps such bytes as lone surrogates (surrogateescape); written to a case file or a
    terminal they would fail later with an encoding error, so they are refused at the door.
    """
    for number, arg in enumerate(args or (), start=1):
        if isinstance(arg, str) and any("\ud800" <= ch <= "\udfff" for ch in arg):
            return (
                f"argumen ke-{number} ('{visible(arg)}') bukan teks UTF-8 yang sah; ketik ulang dengan pengodean "
                "UTF-8 (periksa LANG/LC_ALL terminal)"
            )
    return None


def _say(message: str) -> None:
    """One error line on stderr, every control character of it shown escaped."""
    click.echo(f"galat: {visible(message)}", err=True)


def handle(callable_, *args, **kwargs) -> int:
    """Run click's main without its own error printing; return the exit code."""
    try:
        result = callable_(*args, standalone_mode=False, **kwargs)
        # In this mode click returns the code of a command's ctx.exit(n) instead of raising Exit.
        return result if type(result) is int else 0
    except ce.NoArgsIsHelpError as exc:
        exc.show()
        return 0
    except ce.Exit as exc:
        return exc.exit_code
    except ce.UsageError as exc:
        _say(usage_message(exc))
        return USAGE_EXIT
    except PengaduanError as exc:
        _say(exc.message)
        return exc.exit_code
    except (ce.Abort, KeyboardInterrupt):
        click.echo("galat: dibatalkan; tidak ada yang berubah di store", err=True)
        return 130
    except ce.ClickException as exc:
        _say(exc.format_message())
        return exc.exit_code
    except BrokenPipeError:
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        _say(f"sistem berkas menolak{where}: {exc.strerror or exc}; periksa izin dan ruang disk")
        return 1
    except Exception as exc:  # the last net: one line, the traceback only on request
        if os.environ.get("PENGADUAN_DEBUG"):
            import traceback

            traceback.print_exc()
        click.echo(
            f"galat internal: {type(exc).__name__}: {visible(exc)}; store tidak diubah. Jalankan ulang dengan "
            "PENGADUAN_DEBUG=1 untuk rincian dan laporkan ke pengembang",
            err=True,
        )
        return 70
