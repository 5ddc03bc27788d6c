"""`pengaduan kunci ...`: this machine's key pair, the authorised machines, and key backups."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pengaduan.app import keys
from pengaduan.cli.common import Env, pass_env
from pengaduan.errors import InputError


def _phrase(confirm: bool) -> str:
    """The backup passphrase: PENGADUAN_FRASA, else asked on the terminal (never echoed)."""
    import os

    given = os.environ.get(keys.ENV_PHRASE)
    if given:
        return given
    try:
        return click.prompt("Frasa sandi", hide_input=True, confirmation_prompt="Ulangi frasa sandi" if confirm else False)
    except click.exceptions.Abort:
        raise
    except Exception:  # no terminal (cron): say how to pass it
        raise InputError(f"frasa sandi tidak dapat ditanyakan; isi {keys.ENV_PHRASE}") from None


@click.group("kunci")
def kunci() -> None:
    """Kunci mesin dan kunci kasus: siapa yang boleh membaca data pribadi, dan cadangannya."""


@kunci.command("init")
@click.option("--nama", help="Nama mesin ini (bawaan: nama host).")
@pass_env
def init(env: Env, nama: str | None) -> None:
    """Mesin pertama: buat pasangan kunci mesin ini dan jadikan mesin berwenang (satu commit konfigurasi)."""
    info, wrapped = keys.init(env.desk(), env.actor(), nama)
    click.echo(f"mesin {info.name} berwenang; sidik jari kunci: {info.fingerprint}")
    click.echo(f"{wrapped} kunci kasus dibungkus untuk mesin ini; cadangkan dengan 'pengaduan kunci ekspor BERKAS'")


@kunci.command("minta")
@click.option("--nama", help="Nama mesin ini (bawaan: nama host).")
@pass_env
def minta(env: Env, nama: str | None) -> None:
    """Mesin baru: buat pasangan kunci dan cetak permintaan izin untuk admin di mesin berwenang."""
    info = keys.request(env.desk(), nama)
    if info.authorised:
        click.echo(f"mesin {info.name} sudah berwenang (sidik jari {info.fingerprint})")
        return
    click.echo(f"mesin {info.name}, sidik jari kunci: {info.fingerprint}")
    click.echo("Kirim baris ini ke admin di mesin berwenang, dan bacakan sidik jarinya lewat telepon untuk dicocokkan:")
    click.echo(f"  pengaduan kunci izinkan {info.name} --kunci-publik {info.public_key}")
    click.echo("Sesudah admin menjalankannya dan 'pengaduan sinkron', jalankan 'pengaduan sinkron' di sini.")


@kunci.command("izinkan")
@click.argument("mesin")
@click.option("--kunci-publik", required=True, metavar="BASE64", help="Kunci publik dari 'pengaduan kunci minta' di mesin itu.")
@pass_env
def izinkan(env: Env, mesin: str, kunci_publik: str) -> None:
    """Izinkan mesin lain memegang kunci kasus (admin, di mesin berwenang)."""
    import base64

    from pengaduan.core import sealed

    entry, wrapped = keys.authorise(env.desk(), env.actor(), mesin, kunci_publik)
    fingerprint = sealed.fingerprint(base64.b64decode(entry.public_key))
    click.echo(f"mesin {entry.name} diizinkan (sidik jari {fingerprint}: cocokkan dengan yang dibacakan dari mesin itu)")
    click.echo(f"{wrapped} kunci kasus dibungkus untuknya; jalankan 'pengaduan sinkron' di sini, lalu di mesin {entry.name}")


@kunci.command("cabut")
@click.argument("mesin")
@pass_env
def cabut(env: Env, mesin: str) -> None:
    """Cabut izin sebuah mesin: kunci kasus baru tidak lagi dibungkus untuknya."""
    found = keys.revoke(env.desk(), env.actor(), mesin)
    click.echo(f"mesin {found.name} dicabut: kunci kasus baru tidak dibungkus untuknya, bungkusnya hilang dari ref kunci")
    click.echo(
        "sesudah 'pengaduan sinkron'. Kunci yang SUDAH dipegangnya (kasus sampai sekarang) tetap ada padanya: hapus "
        "folder .git/pengaduan/kunci di mesin itu, atau anggap data kasus itu bocor bila mesinnya hilang"
    )


@kunci.command("ekspor")
@click.argument("berkas", type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def ekspor(env: Env, berkas: Path) -> None:
    """Cadangkan kunci mesin dan semua kunci kasus ke BERKAS, dikunci frasa sandi (scrypt)."""
    count = keys.export(env.desk(), berkas, _phrase(confirm=True))
    click.echo(f"{count} kunci kasus dan kunci mesin dicadangkan ke {berkas} (mode 0600); simpan terpisah dari mesin ini")


@kunci.command("impor")
@click.argument("berkas", type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def impor(env: Env, berkas: Path) -> None:
    """Pulihkan kunci dari cadangan 'kunci ekspor' (kasus yang sudah dihapus tidak dipulihkan)."""
    done = keys.import_backup(env.desk(), berkas, _phrase(confirm=False))
    click.echo(f"{done.keys} kunci kasus dipulihkan, {done.skipped_erased} dilewati (data kasusnya sudah dihapus); "
               f"kunci mesin: {done.identity}")  # fmt: skip


@kunci.command("status")
@click.option("--format", "fmt", type=click.Choice(["teks", "json"]), default="teks", show_default=True)
@pass_env
def status(env: Env, fmt: str) -> None:
    """Mesin ini, izinnya, dan berapa kunci kasus yang dipegangnya."""
    data = keys.status(env.desk())
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"mesin: {data['mesin'] or '(belum punya kunci: pengaduan kunci init / kunci minta)'}")
    if data["sidik_jari"]:
        click.echo(f"sidik jari: {data['sidik_jari']}")
    click.echo(f"berwenang: {'ya' if data['berwenang'] else 'tidak'}")
    click.echo(f"kunci kasus: {data['kunci_kasus']}; menunggu dikirim: {data['menunggu_dikirim']}; dihapus: {data['dihapus']}")
    names = [str(n) for n in data["mesin_berwenang"]]  # type: ignore[attr-defined]
    click.echo(f"mesin berwenang: {', '.join(names) or '(belum ada)'}")


def register(group: click.Group) -> None:
    group.add_command(kunci)
