"""Click classes that speak Indonesian: errors as one line, help texts and choices."""

from __future__ import annotations

import sys

import click
from click import exceptions as ce

from pengaduan.cli.errors import SKIPPED_EXIT, USAGE_EXIT, handle, undecodable_argument
from pengaduan.core.safetext import visible
from pengaduan.i18n import HELP_SECTIONS, HELP_TEXTS

SECTIONS = HELP_SECTIONS


class Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[OPSI]").replace("COMMAND", "PERINTAH").replace("[ARGS]", "[ARGUMEN]")
        super().write_usage(prog, args, prefix or "Pemakaian: ")

    def section(self, name: str):
        return super().section(SECTIONS.get(name, name))

    def write_dl(self, rows, *args, **kwargs) -> None:
        rows = [
            (term, HELP_TEXTS.get(text, text).replace("[default: ", "[bawaan: ").replace("[required]", "[wajib]"))
            for term, text in rows
        ]
        super().write_dl(rows, *args, **kwargs)


class Context(click.Context):
    formatter_class = Formatter


def use_indonesian_help(command: click.Command) -> None:
    """Give a command and all its subcommands the Indonesian help formatter."""
    command.context_class = Context
    for sub in getattr(command, "commands", {}).values():
        use_indonesian_help(sub)


class Group(click.Group):
    """A click group whose errors come out as one Indonesian line (also under CliRunner).

    Its commands are imported only when named (`lazy`: command name -> module whose
    `register(group)` adds it), so `pengaduan lihat` does not pay for the reports' or the
    audit's imports.
    """

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy:
            import importlib

            importlib.import_module(self.lazy[name]).register(self)
            for command in self.commands.values():
                use_indonesian_help(command)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; then warn, one line each, of the case files it had to skip.

        A command that skipped something and would otherwise succeed exits with SKIPPED_EXIT (3);
        one that fails for another reason keeps that code (the warnings are printed all the same).
        """
        try:
            result = super().invoke(ctx)
        except ce.Exit as exc:
            if _warn_skipped(ctx) and exc.exit_code == 0:
                raise ce.Exit(SKIPPED_EXIT) from None
            raise
        except BaseException:
            _warn_skipped(ctx)
            raise
        if _warn_skipped(ctx):
            raise ce.Exit(SKIPPED_EXIT)
        return result

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        bad = undecodable_argument(sys.argv[1:] if args is None else args)
        if bad is not None:
            click.echo(f"galat: {bad}", err=True)
            sys.exit(USAGE_EXIT)
        code = handle(super().main, args, prog_name, complete_var, **extra)
        sys.stdout.flush()
        sys.exit(code)


def _warn_skipped(ctx: click.Context) -> bool:
    """Print the case files the command's store skipped, one line each on stderr; True when any."""
    skipped = ctx.obj.skipped() if hasattr(ctx.obj, "skipped") else None
    if not skipped:
        return False
    sys.stdout.flush()
    for message in skipped.values():
        click.echo(f"peringatan: dilewati: {visible(message)}", err=True)
    return True


class Choice(click.Choice):
    """click.Choice with an Indonesian refusal that lists the valid values."""

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        self.fail(f"'{value}' bukan pilihan; pilih salah satu: {', '.join(map(str, self.choices))}", param, ctx)
