"""`pengaduan completion bash|zsh|fish`: the shell's completion script, from click's own machinery.

The script calls `pengaduan` back with `_PENGADUAN_COMPLETE` set, so the standard click scripts
work; what they complete (case IDs, open ones first; platforms, statuses, categories, bidang,
petugas codes, template codes) comes from the store the command line names.
"""

from __future__ import annotations

import click

from pengaduan.cli.common import Choice

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_PENGADUAN_COMPLETE"


@click.command("completion")
@click.argument("shell", type=Choice(list(SHELLS)), metavar="[bash|zsh|fish]")
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Cetak skrip pelengkapan (tab completion) untuk bash, zsh atau fish.

    Pasang sekali per pengguna (lihat contoh), lalu buka shell baru: TAB melengkapi perintah,
    opsi, ID kasus (yang terbuka lebih dulu), platform, status, kategori, bidang, kode petugas
    dan kode templat dari store.
    """
    from click.shell_completion import get_completion_class

    root = ctx.find_root()
    cls = get_completion_class(shell)
    assert cls is not None  # every name of SHELLS is one of click's
    script = cls(root.command, {}, "pengaduan", COMPLETE_VAR).source()
    click.echo(script, nl=False)


def register(group: click.Group) -> None:
    group.add_command(completion)
