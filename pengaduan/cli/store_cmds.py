"""`pengaduan init` and `pengaduan demo`."""

from __future__ import annotations

import click

from pengaduan.app.context import Desk
from pengaduan.cli.common import Env, pass_env, say
from pengaduan.errors import PengaduanError


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


@click.command("sinkron")
@click.option("--remote", help="Nama remote git (bawaan: origin).")
@pass_env
def sinkron(env: Env, remote: str | None) -> None:
    """Ambil catatan admin lain dari remote git dan kirim catatan mesin ini (tanpa menulis ulang riwayat)."""
    from pengaduan.app.sync import sync

    store = env.desk()
    try:
        actor = env.actor()
    except PengaduanError:
        actor = None  # a merge commit records no SOP step; the git identity is enough
    result = sync(store, actor, remote)
    merged = ", digabung dengan commit merge" if result.merged else ""
    say(f"sinkron dengan {result.remote}: {result.received} commit diterima, {result.sent} commit dikirim{merged}")
    k = result.keys
    if k is not None and not k.skipped and (k.received or k.sent or k.destroyed or k.removed):
        say(
            f"kunci: {k.received} kunci kasus diterima, {k.sent} dikirim, {k.destroyed} dimusnahkan (kasus dihapus), "
            f"{k.removed} bungkus lama dibuang"
        )


def register(group: click.Group) -> None:
    group.add_command(init)
    group.add_command(demo)
    group.add_command(sinkron)
