"""`pengaduan init` and `pengaduan demo`."""

from __future__ import annotations

import click

from pengaduan.app.context import Desk
from pengaduan.cli.common import Env, pass_env, say


@click.command("init")
@pass_env
def init(env: Env) -> None:
    """Buat store baru (repositori git dengan pengaduan.yaml dan sop.yaml)."""
    store = Desk.create(env.store_path)
    say(f"store dibuat di {store.root}")
    say("langkah berikutnya: pengaduan petugas tambah KODE --nama NAMA --peran admin --email EMAIL")


@click.command("demo")
@click.option("--hari", default=5, show_default=True, help="Berapa hari ke belakang diisi.")
@pass_env
def demo(env: Env, hari: int) -> None:
    """Isi store (dibuat bila belum ada) dengan contoh pengaduan yang realistis, lewat keempat jalur SOP."""
    from pengaduan.app.demo import run_demo

    summary = run_demo(env.store_path, days=hari)
    for line in summary:
        say(line)


def register(group: click.Group) -> None:
    group.add_command(init)
    group.add_command(demo)
