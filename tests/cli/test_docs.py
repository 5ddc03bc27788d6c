"""Like sqlite-utils' test_docs: every command and subcommand has help text and is named in the README."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from pengaduan.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    """(full name, command) of every command, loading the lazily registered ones."""
    found: list[tuple[str, click.Command]] = []
    ctx = click.Context(main)

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, f"{prefix}{name} is listed but cannot be loaded"
            full = f"{prefix}{name}"
            found.append((full, command))
            if isinstance(command, click.Group):
                walk(command, full + " ")

    walk(main, "")
    return found


COMMANDS = _commands()


def test_every_command_is_found():
    names = {name for name, _ in COMMANDS}
    assert {"terima", "lihat", "laporan harian", "laporan bulanan susun", "petugas tambah", "audit"} <= names


@pytest.mark.parametrize("name,command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_command_has_help(name, command):
    assert (command.help or "").strip(), f"'pengaduan {name}' has no help text"


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_command_is_named_in_readme(name):
    assert re.search(rf"pengaduan(?:\s+--\S+(?: \S+)?)*\s+{re.escape(name)}\b", README), f"README never shows 'pengaduan {name}'"
