"""The `pengaduan` command group and its global options."""

from __future__ import annotations

from pathlib import Path

import click

from pengaduan import __version__
from pengaduan.cli.base import Group, use_indonesian_help
from pengaduan.cli.common import Env, complete_staff

# Named, so messages say "pengaduan ..." however the group is invoked (console script, -m, CliRunner).
# Which module holds each command (imported on first use).
COMMANDS = {
    **dict.fromkeys(("init", "demo"), "store_cmds"),
    **dict.fromkeys(("sinkron", "klon", "konflik", "lokal"), "bersama"),
    "petugas": "petugas",
    "atur": "atur",
    "kop": "kop",
    **dict.fromkeys(("terima", "verifikasi", "respon", "teruskan", "koordinasi", "jawab", "selesai"), "kasus"),
    **dict.fromkeys(("batal", "buka-kembali", "tunda", "lanjutkan", "rujuk"), "kasus"),
    **dict.fromkeys(("lihat", "daftar"), "tampil"),
    **dict.fromkeys(("terlambat", "eskalasi"), "jam"),
    "kalender": "kalender",
    "laporan": "laporan",
    **dict.fromkeys(("riwayat", "audit", "koreksi"), "audit"),
    "kunci": "kunci",
    **dict.fromkeys(("hapus-data", "retensi", "migrasi"), "privasi"),
    "periksa": "periksa",
    **dict.fromkeys(("antrean", "cari"), "meja"),
    "templat": "templat",
    "completion": "completion",
    **dict.fromkeys(("impor", "duplikat", "tarik"), "impor"),
}

# How `pengaduan --help` groups the commands, each section in the SOP's order (a command in no
# section is listed last, under "Lainnya"). Names not (yet) in COMMANDS are skipped.
SECTIONS = [
    ("Kasus", ["terima", "impor", "tarik", "verifikasi", "duplikat", "respon", "teruskan", "koordinasi", "jawab",
               "selesai", "tunda", "lanjutkan", "rujuk", "batal", "buka-kembali", "lihat", "daftar", "antrean", "cari",
               "templat"]),
    ("Laporan", ["laporan", "kop"]),
    ("Jam SOP", ["terlambat", "eskalasi", "kalender"]),
    ("Audit", ["riwayat", "audit", "koreksi", "periksa", "hapus-data", "retensi"]),
    ("Store", ["init", "demo", "petugas", "atur", "sinkron", "klon", "konflik", "lokal", "kunci", "migrasi",
               "completion"]),
]  # fmt: skip


# Named, so messages say "pengaduan ..." however the group is invoked (console script, -m, CliRunner).
@click.group(
    "pengaduan",
    cls=Group,
    lazy={name: f"pengaduan.cli.{module}" for name, module in COMMANDS.items()},
    sections=SECTIONS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PENGADUAN_STORE",
    metavar="FOLDER",
    help="Folder store (bawaan: ./cases, atau PENGADUAN_STORE).",
)
@click.option(
    "--petugas", metavar="KODE", shell_complete=complete_staff,
    help="Kode petugas yang menjalankan perintah (atau PENGADUAN_PETUGAS).",
)  # fmt: skip
@click.version_option(
    __version__, "--versi", "--version", prog_name="pengaduan", message="%(prog)s %(version)s",
    help="Tampilkan versi lalu keluar.",
)
@click.pass_context
def main(ctx: click.Context, store_path: Path | None, petugas: str | None) -> None:
    """Pengaduan masyarakat melalui media sosial, menurut SOP 276/SOP/KBKIE/2024.

    Setiap kasus adalah berkas YAML dalam repositori git (store); setiap langkah SOP adalah satu
    commit, sehingga 'git log' adalah jejak auditnya.
    """
    ctx.obj = Env(store_path=store_path, petugas=petugas)


use_indonesian_help(main)
