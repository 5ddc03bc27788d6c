"""`pengaduan petugas`: the staff roster (who may record which steps)."""

from __future__ import annotations

import click

from pengaduan.cli.base import Choice
from pengaduan.cli.common import Env, emit, pass_env
from pengaduan.core.config import Staff, check_code, parse_roles
from pengaduan.errors import PermissionDenied

MANAGERS = ("admin", "pimred", "kadin")


@click.group("petugas")
def petugas() -> None:
    """Daftar petugas: kode, nama, email dan peran."""


@petugas.command("tambah")
@click.argument("kode")
@click.option("--nama", required=True, help="Nama lengkap.")
@click.option("--peran", required=True, help="admin, redaktur, pimred, kabid, kadin (pisahkan dengan koma).")
@click.option("--email", default="", help="Email (dipakai sebagai identitas commit).")
@click.option("--bidang", default="", help="Bidang, untuk Kepala Bidang.")
@pass_env
def tambah(env: Env, kode: str, nama: str, peran: str, email: str, bidang: str) -> None:
    """Tambah atau perbarui petugas (satu commit)."""
    store = env.store()
    config = store.config
    staff = Staff(code=check_code(kode), name=nama.strip(), roles=parse_roles(peran), email=email.strip(), bidang=bidang)
    if bidang:
        config.check_choice(bidang, "bidang")
    author = None
    if any(set(s.roles) & set(MANAGERS) for s in config.staff):
        # Once the roster has someone who manages it, only they may change it.
        author = env.actor()
        if not set(author.roles) & set(MANAGERS):
            raise PermissionDenied(f"petugas '{author.code}' tidak boleh mengubah daftar petugas; minta admin atau pimred")
    verb = "diperbarui" if config.staff_by_code(staff.code) else "ditambahkan"
    commit = store.save_config(config.with_staff(staff), f"Petugas {staff.code} {verb}", author)
    click.echo(f"petugas {staff.code} ({staff.name}; {', '.join(staff.roles)}) {verb} (commit {commit[:8]})")


@petugas.command("daftar")
@click.option("--format", "fmt", type=Choice(["tabel", "json", "csv"]), default="tabel", show_default=True)
@pass_env
def daftar(env: Env, fmt: str) -> None:
    """Tampilkan daftar petugas."""
    rows = [
        {"kode": s.code, "nama": s.name, "peran": ",".join(s.roles), "email": s.email, "bidang": s.bidang}
        for s in env.store().config.staff
    ]
    emit(rows, fmt)


def register(group: click.Group) -> None:
    group.add_command(petugas)
