"""Click classes that speak Indonesian: errors as one line, help texts and choices."""

from __future__ import annotations

import sys

import click
from click import exceptions as ce

from pengaduan.cli.errors import SKIPPED_EXIT, USAGE_EXIT, UnknownCommand, handle, undecodable_argument
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


def use_indonesian_help(command: click.Command, path: str = "") -> None:
    """Give a command and all its subcommands the Indonesian help: the formatter, Indonesian
    placeholders (TEKS, ANGKA, FOLDER, BERKAS), the `Contoh:` block of cli/examples.py, and on a
    terminal a prompt for each missing required option."""
    from pengaduan.cli.common import ask_when_missing
    from pengaduan.cli.examples import epilog

    command.context_class = Context
    if path and not command.epilog:
        command.epilog = epilog(path)
    for param in command.params:
        if param.metavar is None and isinstance(param, click.Option) and not param.is_flag:
            param.metavar = placeholder(param.type)
        if isinstance(param, click.Option):
            ask_when_missing(param)
    for name, sub in getattr(command, "commands", {}).items():
        use_indonesian_help(sub, f"{path} {name}".strip())


def placeholder(kind: click.ParamType) -> str | None:
    """The Indonesian word a help shows for a value of this type (click's own are English)."""
    if isinstance(kind, click.Choice):
        return "[" + "|".join(map(str, kind.choices)) + "]"
    if isinstance(kind, click.Path):
        return "FOLDER" if not kind.file_okay else ("BERKAS" if not kind.dir_okay else "JALUR")
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return "ANGKA"
    if isinstance(kind, click.File):
        return "BERKAS"
    if kind is click.STRING or isinstance(kind, click.types.StringParamType):
        return "TEKS"
    return None


class Group(click.Group):
    """A click group whose errors come out as one Indonesian line (also under CliRunner).

    Its commands are imported only when named (`lazy`: command name -> module whose
    `register(group)` adds it), so `pengaduan lihat` does not pay for the reports' or the
    audit's imports; `summaries` (command name -> its one-line help) lets the group's help and
    the completion of a command name list them without importing any.
    """

    def __init__(
        self,
        *args,
        lazy: dict[str, str] | None = None,
        summaries: dict[str, str] | None = None,
        sections: list[tuple[str, list[str]]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})
        self.summaries = dict(summaries or {})
        self.sections = list(sections or [])

    def summary_of(self, ctx: click.Context, name: str, limit: int) -> str | None:
        """A command's one-line help as its own `get_short_help_str(limit)` gives it; None: no such
        (visible) command. Read from `summaries` while the command's module is not imported."""
        if name not in self.commands and name in self.lazy and name in self.summaries:
            # click's own shortening, through its public API (click.utils' helper is deprecated in 8.5)
            return click.Command(name, help=self.summaries[name]).get_short_help_str(limit)
        command = self.get_command(ctx, name)
        if command is None or command.hidden:
            return None
        return command.get_short_help_str(limit)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list:
        """Command names (with their help) from `summaries`, without importing their modules."""
        from click.shell_completion import CompletionItem

        results = []
        for name in self.list_commands(ctx):
            if name.startswith(incomplete):
                text = self.summary_of(ctx, name, 45)
                if text is not None:
                    results.append(CompletionItem(name, help=text))
        return results + click.Command.shell_complete(self, ctx, incomplete)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands in the SOP's order, section by section; any not in a section last, by name."""
        names = {*super().list_commands(ctx), *self.lazy}
        ordered = [name for _, members in self.sections for name in members if name in names]
        return ordered + sorted(names - set(ordered))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy:
            import importlib

            importlib.import_module(self.lazy[name]).register(self)
            for added, command in self.commands.items():
                if command.context_class is not Context:
                    use_indonesian_help(command, added)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """A mistyped command name gets 'mungkin maksud Anda: daftar'."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            hint = f"; mungkin maksud Anda: {', '.join(close)}" if close else ""
            raise UnknownCommand(f"perintah '{visible(name)}' tidak dikenal{hint}", ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands in sections (Kasus, Laporan, Jam SOP, Audit, Store), in the SOP's order."""
        if not self.sections:
            return super().format_commands(ctx, formatter)
        listed = self.list_commands(ctx)
        groups = [(title, [n for n in members if n in listed]) for title, members in self.sections]
        placed = {n for _, members in groups for n in members}
        groups.append(("Lainnya", [n for n in listed if n not in placed]))
        width = max(len(n) for n in listed) if listed else 10
        for title, members in groups:
            rows = []
            for name in members:
                text = self.summary_of(ctx, name, formatter.width - 6 - width)
                if text is not None:
                    rows.append((name, text))
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        return None

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
