"""`pengaduan kop`: the letterhead (kop surat) printed on every report."""

from __future__ import annotations

from pathlib import Path

import click

from pengaduan.cli.common import Env, pass_env, say

FIELDS = (
    ("pemerintah", "Baris pemerintah, mis. 'PEMERINTAH PROVINSI JAWA TENGAH'."),
    ("instansi", "Nama instansi sebagaimana dicetak di kop."),
    ("alamat", "Alamat kantor (dengan kota dan kode pos)."),
    ("telepon", "Nomor telepon kantor."),
    ("faksimile", "Nomor faksimile (kosongkan dengan '')."),
    ("email", "Alamat email resmi."),
    ("laman", "Alamat laman resmi."),
)


@click.group("kop")
def kop() -> None:
    """Kop surat laporan: pemerintah, instansi, alamat, kontak dan logo (di pengaduan.yaml dan kop/)."""


@kop.command("lihat")
@pass_env
def lihat(env: Env) -> None:
    """Tampilkan kop surat; isian yang masih [kurung siku] belum diisi."""
    from pengaduan.app import kop as kop_use
    from pengaduan.core.config import KOP_KEYS

    desk = env.desk()
    current = kop_use.current(desk)
    for name, key in KOP_KEYS.items():
        value = getattr(current, name)
        say(f"{key:<11} {value or '-'}")
    if current.logo:
        found = kop_use.logo_at(desk, current, desk.store.git.head() or "HEAD")
        say(f"{'':<11} ({found.mime}, {len(found.data) // 1024} KB, diperiksa)" if found else "")
    missing = current.placeholders()
    if missing:
        say(f"belum diisi: {', '.join(missing)} (isi dengan 'pengaduan kop ubah --{missing[0]} ...')")


def _ubah(env: Env, logo: Path | None, tanpa_logo: bool, **values: str | None) -> None:
    from pengaduan.app import kop as kop_use

    given = {key: value for key, value in values.items() if value is not None}
    _, commit = kop_use.update(env.desk(), given, logo, tanpa_logo)
    if commit is None:
        say("kop surat tidak berubah; tidak ada commit")
    else:
        say(f"kop surat diperbarui (commit {commit[:8]})")


def _ubah_command() -> click.Command:
    command = pass_env(_ubah)
    for key, text in reversed(FIELDS):
        command = click.option(f"--{key}", metavar="TEKS", help=text)(command)
    command = click.option("--tanpa-logo", is_flag=True, help="Hapus logo dari kop.")(command)
    command = click.option(
        "--logo", type=click.Path(dir_okay=False, path_type=Path), metavar="BERKAS",
        help="Logo PNG atau SVG (paling besar 512 KB); disimpan di kop/ store.",
    )(command)  # fmt: skip
    command.__doc__ = "Ubah isian kop surat dan/atau logonya (satu commit konfigurasi); yang tidak disebut tetap."
    return kop.command("ubah")(command)


ubah = _ubah_command()


def register(group: click.Group) -> None:
    group.add_command(kop)
