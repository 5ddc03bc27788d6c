"""`pengaduan templat`: the desk's canned answers, shared through the store (one commit each)."""

from __future__ import annotations

import click

from pengaduan.app import cases, templates
from pengaduan.cli.common import Env, complete_case, complete_template, emit, format_option, pass_env, say, text_option
from pengaduan.core.templates import PLACEHOLDERS

PLACEHOLDER_HELP = ", ".join("{" + k + "}" for k in PLACEHOLDERS)


@click.group("templat", invoke_without_command=True)
@click.pass_context
def templat(ctx: click.Context) -> None:
    """Templat jawaban bersama: teks baku untuk respon dan jawaban (satu commit per perubahan).

    Isian yang diisi dari kasus saat dipakai: {akun} {id} {bidang} {kategori} {instansi}
    {tanggal}. Nilai dalam [kurung siku] harus diisi meja sendiri sebelum templat dipakai.
    Tanpa subperintah: sama dengan 'templat daftar'.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(daftar)


@templat.command("tambah")
@click.argument("kode", shell_complete=complete_template)
@click.option("--judul", required=True, metavar="TEKS", help="Judul singkat templat.")
@text_option("--isi", "answer", f"Teks templat; isian: {PLACEHOLDER_HELP}.", required=True)
@pass_env
def tambah(env: Env, kode: str, judul: str, isi: str) -> None:
    """Tambah templat jawaban, atau ganti yang sudah ada dengan kode yang sama (satu commit)."""
    template, commit, replaced = templates.add(env.desk(), kode, judul, isi)
    if commit is None:
        say(f"templat {template.code} tidak berubah; tidak ada commit")
        return
    say(f"templat {template.code} {'diganti' if replaced else 'ditambahkan'} (commit {commit[:8]})")
    if template.to_fill:
        say(f"peringatan: masih perlu diisi sebelum dipakai: {', '.join(template.to_fill)}", err=True)


@templat.command("daftar")
@format_option("tabel", "json", "csv")
@pass_env
def daftar(env: Env, fmt: str = "tabel") -> None:
    """Daftar templat jawaban di store."""
    rows = [
        {
            "kode": t.code,
            "judul": t.title,
            "perlu_diisi": ", ".join(t.to_fill) if fmt != "json" else t.to_fill,
            **({"isi": t.body} if fmt != "tabel" else {}),
        }
        for t in templates.all_templates(env.desk())
    ]
    emit(rows, fmt, empty="(belum ada templat; tambah dengan 'pengaduan templat tambah KODE --judul ... --isi ...')")


@templat.command("lihat")
@click.argument("kode", shell_complete=complete_template)
@click.option("--kasus", metavar="ID", shell_complete=complete_case, help="Tampilkan teksnya sesudah diisi untuk kasus ini.")
@pass_env
def lihat(env: Env, kode: str, kasus: str | None) -> None:
    """Satu templat jawaban; dengan --kasus, teks jadinya untuk kasus itu."""
    desk = env.desk()
    template = templates.get(desk, kode)
    say(f"Templat {template.code} — {template.title}")
    if kasus:
        text = templates.filled(desk, kode, cases.find(desk, kasus))
        say("  Teks untuk kasus " + cases.resolve(desk, kasus) + ":", *[f"    {line}" for line in text.split("\n")])
        return
    say(*[f"    {line}" for line in template.body.split("\n")])
    if template.to_fill:
        say(f"  Perlu diisi sebelum dipakai: {', '.join(template.to_fill)}")


@templat.command("hapus")
@click.argument("kode", shell_complete=complete_template)
@pass_env
def hapus(env: Env, kode: str) -> None:
    """Hapus templat jawaban (satu commit; riwayat git tetap menyimpannya)."""
    commit = templates.remove(env.desk(), kode)
    say(f"templat {kode} dihapus (commit {commit[:8]})")


def register(group: click.Group) -> None:
    group.add_command(templat)
