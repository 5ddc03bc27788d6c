"""`pengaduan atur`: show and change the store's settings, each change one configuration commit."""

from __future__ import annotations

import json
from typing import Any

import click

from pengaduan.app import settings as use
from pengaduan.cli.base import Group
from pengaduan.cli.common import Env, format_option, pass_env, say
from pengaduan.core.settings import SETTINGS

SET_COMMAND = "_nilai"  # `atur KUNCI NILAI` goes here (not listed: it has no name of its own)


class SettingsGroup(Group):
    """`atur` alone shows the settings; `atur KUNCI NILAI` sets one; `atur libur ...` etc. are lists."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return SET_COMMAND, self.commands[SET_COMMAND], args
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in super().list_commands(ctx) if name != SET_COMMAND]


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@click.group("atur", cls=SettingsGroup, invoke_without_command=True)
@format_option("teks", "json")
@pass_env
@click.pass_context
def atur(ctx: click.Context, env: Env, fmt: str) -> None:
    """Tampilkan atau ubah pengaturan store (pengaduan.yaml); tiap perubahan satu commit konfigurasi.

    'pengaduan atur' menampilkan semuanya; 'pengaduan atur KUNCI NILAI' mengubah satu (mis. atur kota
    Semarang, atur kalender.mode 24/7). Hanya pengelola (sop.yaml pengelola) yang boleh mengubah;
    komentar di berkas tetap.
    """
    if ctx.invoked_subcommand is not None:
        return
    data = use.show(env.desk())
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    width = max(len(k) for k in SETTINGS)
    lines = [f"{key:<{width}}  {_shown(value)}" for key, value in data["nilai"].items()]
    holidays = [f"{item.get('tanggal')} {item.get('keterangan', '')}" if isinstance(item, dict) else str(item)
                for item in data["libur_tambahan"]]  # fmt: skip
    lines += ["", "libur tambahan: " + ("; ".join(holidays) or "-")]
    lines += ["bukan libur: " + (", ".join(map(str, data["bukan_libur"])) or "-")]
    lines += ["kategori: " + ("; ".join(f"{k} ({v})" for k, v in data["kategori"].items()) or "-")]
    lines += ["bidang: " + ("; ".join(f"{k} ({v})" for k, v in data["bidang"].items()) or "-")]
    lines += ["platform: " + (", ".join(data["platform"]) or "-")]
    actions = data["aksi_kasus"]
    missing = "belum ada; tambahkan dengan 'pengaduan atur sop perbarui'"
    lines += ["aksi kasus (sop.yaml): " + (", ".join(actions) if actions else missing)]
    say(*lines)


@atur.command(SET_COMMAND, hidden=True)
@click.argument("kunci")
@click.argument("nilai")
@pass_env
def set_value(env: Env, kunci: str, nilai: str) -> None:
    """Ubah satu pengaturan: KUNCI NILAI."""
    value, commit = use.set_value(env.desk(), kunci, nilai)
    say(f"{kunci.strip()} = {_shown(value)} (commit {commit[:8]})")


def _day_group(name: str, what: str) -> click.Group:
    @atur.group(name)
    def group() -> None:
        pass

    group.help = f"{what} (kalender.{'libur_tambahan' if name == 'libur' else 'bukan_libur'} di pengaduan.yaml)."

    @group.command("tambah")
    @click.argument("tanggal", metavar="TGL")
    @click.option("--keterangan", metavar="TEKS", help="Nama harinya (wajib untuk libur).")
    @pass_env
    def tambah(env: Env, tanggal: str, keterangan: str | None) -> None:
        """Tambah tanggal (YYYY-MM-DD); satu commit."""
        commit = use.day(env.desk(), name, "tambah", tanggal, keterangan)
        say(f"{name} {tanggal.strip()} ditambahkan (commit {commit[:8]})")

    @group.command("hapus")
    @click.argument("tanggal", metavar="TGL")
    @pass_env
    def hapus(env: Env, tanggal: str) -> None:
        """Hapus tanggal (YYYY-MM-DD); satu commit."""
        commit = use.day(env.desk(), name, "hapus", tanggal)
        say(f"{name} {tanggal.strip()} dihapus (commit {commit[:8]})")

    return group


libur = _day_group("libur", "Hari libur meja sendiri: libur daerah, cuti bersama yang belum ada di paket")
bukan_libur = _day_group("bukan-libur", "Tanggal yang tetap hari kerja walau tercantum sebagai libur")


def _coded_group(kind: str, what: str, named: bool) -> click.Group:
    @atur.group(kind)
    def group() -> None:
        pass

    group.help = what

    def command(verb: str, doc: str, needs_name: bool) -> None:
        def run(env: Env, kode: str, nama: str | None = None) -> None:
            commit = use.coded(env.desk(), kind, verb, kode, nama)
            word = {"tambah": "ditambahkan", "ubah": "diubah", "hapus": "dihapus"}[verb]
            say(f"{kind} {kode.strip()} {word} (commit {commit[:8]})")

        run.__doc__ = doc
        decorated = pass_env(run)
        if needs_name:
            decorated = click.option("--nama", required=True, metavar="TEKS", help="Nama yang tampil di laporan.")(decorated)
        group.command(verb)(click.argument("kode")(decorated))

    command("tambah", f"Tambah {kind} baru; satu commit.", named)
    if named:
        command("ubah", f"Ubah nama {kind}; satu commit.", True)
    command("hapus", f"Hapus {kind} yang tidak dipakai kasus mana pun; satu commit.", False)
    return group


kategori = _coded_group("kategori", "Kategori pengaduan (kode: nama).", True)
bidang = _coded_group("bidang", "Bidang dinas (kode: nama).", True)
platform = _coded_group("platform", "Platform media sosial yang diterima.", False)


@atur.group("sop")
def sop() -> None:
    """SOP store (sop.yaml)."""


@sop.command("perbarui")
@pass_env
def perbarui(env: Env) -> None:
    """Tambahkan aksi kasus (batal, buka-kembali, tunda, lanjutkan, rujuk) dari SOP bawaan ke sop.yaml store lama."""
    added, commit = use.update_sop(env.desk())
    say(f"sop.yaml: aksi_kasus ditambahkan ({', '.join(added)}) (commit {commit[:8]})")


def register(group: click.Group) -> None:
    group.add_command(atur)
