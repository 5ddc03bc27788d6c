"""The command line: thin click commands that parse, call the use cases in app/, and print."""

from __future__ import annotations

from pengaduan.cli.app import main


def run() -> None:
    main(prog_name="pengaduan")


__all__ = ["main", "run"]
