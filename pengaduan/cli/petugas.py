"""`pengaduan petugas`: the staff roster (who may record which steps)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from pengaduan.cli.base import Choice
from pengaduan.cli.common import Env, emit, pass_env, say
from pengaduan.core.config import MANAGER_ROLES, Staff, check_code, parse_roles
from pengaduan.core.safetext import check_line
from pengaduan.errors import PermissionDenied


@click.group("petugas")
def petugas() -> None:
    """Daftar petugas: kode, nama, email dan peran."""


@petugas.command("tambah")
@click.argument("kode")
@click.option("--nama", required=True, help="Nama lengkap.")
@click.option("--peran", required=True, help="admin, redaktur, pimred, kabid, kadin (pisahkan dengan koma).")
@click.option("--email", help="Email (dipakai sebagai identitas commit).")
@click.option("--bidang", help="Bidang, untuk Kepala Bidang.")
@click.option("--telepon", help="Nomor WhatsApp/telepon untuk pengingat eskalasi.")
@click.option(
    "--kunci-ssh", metavar="KUNCI", help="Kunci publik SSH penanda tangan commit: baris berkas .pub, atau path berkas itu."
)
@pass_env
def tambah(
    env: Env,
    kode: str,
    nama: str,
    peran: str,
    email: str | None,
    bidang: str | None,
    telepon: str | None,
    kunci_ssh: str | None,
) -> None:
    """Tambah atau perbarui petugas (satu commit); yang tidak disebut tetap seperti sebelumnya."""
    for option, value in (("--nama", nama), ("--email", email), ("--bidang", bidang), ("--telepon", telepon)):
        if value is not None:
            check_line(value, option)
    store = env.store()
    config = store.config
    if bidang:
        config.check_choice(bidang, "bidang")
    previous = config.staff_by_code(check_code(kode)) or Staff(kode, nama, ())
    changes: dict[str, str] = {}
    if kunci_ssh is not None:
        key_file = Path(kunci_ssh).expanduser()
        changes["ssh_key"] = key_file.read_text(encoding="utf-8").strip() if key_file.is_file() else kunci_ssh.strip()
    for name, value in (("email", email), ("bidang", bidang), ("phone", telepon)):
        if value is not None:
            changes[name] = value.strip()
    staff = replace(previous, name=nama.strip(), roles=parse_roles(peran), **changes)
    author = None
    if any(set(s.roles) & set(MANAGER_ROLES) for s in config.staff):
        # Once the roster has someone who manages it, only they may change it.
        author = env.actor()
        if not set(author.roles) & set(MANAGER_ROLES):
            raise PermissionDenied(
                f"petugas '{author.code}' tidak boleh mengubah daftar petugas; minta {', '.join(MANAGER_ROLES)}"
            )
    verb = "diperbarui" if config.staff_by_code(staff.code) else "ditambahkan"
    commit = store.save_config(config.with_staff(staff), f"Petugas {staff.code} {verb}", author)
    say(f"petugas {staff.code} ({staff.name}; {', '.join(staff.roles)}) {verb} (commit {commit[:8]})")


@petugas.command("daftar")
@click.option("--format", "fmt", type=Choice(["tabel", "json", "csv"]), default="tabel", show_default=True)
@pass_env
def daftar(env: Env, fmt: str) -> None:
    """Tampilkan daftar petugas."""
    rows = [
        {"kode": s.code, "nama": s.name, "peran": ",".join(s.roles), "email": s.email, "bidang": s.bidang,
         "telepon": s.phone}  # fmt: skip
        for s in env.store().config.staff
    ]
    emit(rows, fmt)


def register(group: click.Group) -> None:
    group.add_command(petugas)
