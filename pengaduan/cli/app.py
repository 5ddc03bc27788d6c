"""The `pengaduan` command group and its global options."""

from __future__ import annotations

from pathlib import Path

import click

from pengaduan import __version__
from pengaduan.cli.base import Group, use_indonesian_help
from pengaduan.cli.common import Env, complete_staff

# Each command: the module that holds it (imported on first use; its `register(group)` adds it) and
# its one-line help, so `pengaduan --help` and completing a command name import no command module.
# tests/cli/test_help.py checks this table against the commands themselves.
COMMANDS: dict[str, tuple[str, str]] = {
    "terima": ("kasus", "Langkah 1: terima pengaduan dari media sosial; mencetak ID baru."),
    "impor": ("impor", "Impor pengaduan dari ekspor platform (berkas, folder atau .zip), payload Meta, atau CSV/JSON."),
    "tarik": ("impor", "Tarik pesan dan komentar baru langsung dari platform."),
    "verifikasi": ("kasus",
               "Langkah 2: verifikasi pesan/komentar; tindak lanjuti, atau tutup sebagai bukan pengaduan atau "
               "duplikat."),
    "duplikat": ("impor",
               "Daftar kemungkinan duplikat (akun sama, atau isi mirip, dalam 'duplikat_hari' hari) yang masih "
               "terbuka."),
    "respon": ("kasus", "Langkah 3: beri respon kepada pelapor (teks sendiri, atau dari templat jawaban)."),
    "teruskan": ("kasus", "Langkah 4/6: teruskan laporan ke Redaktur, atau ke Pimpinan Redaksi bila Redaktur tidak menjawab."),
    "koordinasi": ("kasus", "Langkah 7/8: Pimpinan Redaksi koordinasi dengan Kepala Bidang; Kepala Bidang dengan Kepala Dinas."),
    "jawab": ("kasus", "Langkah 5/9/10: jawaban Redaktur (menuntaskan kasus), Kepala Bidang, atau Pimpinan Redaksi."),
    "selesai": ("kasus", "Langkah 11: pelapor menerima jawaban dari admin; kasus selesai."),
    "tunda": ("kasus", "Tunda kasus selama menunggu pelapor (informasi tambahan, alamat): jam SOP berhenti sampai dilanjutkan."),
    "lanjutkan": ("kasus", "Lanjutkan kasus yang ditunda: jam SOP berjalan lagi dari tempat ia berhenti."),
    "rujuk": ("kasus", "Rujuk kasus yang bukan kewenangan dinas ke instansi lain; kasus ditutup dengan status dirujuk."),
    "batal": ("kasus", "Batalkan langkah terakhir kasus yang tercatat keliru, sebagai entri baru (riwayat menyimpan keduanya)."),
    "buka-kembali": ("kasus",
               "Buka kembali kasus yang sudah ditutup (pelapor menulis lagi): kembali ke langkah menurut sop.yaml."),
    "lihat": ("tampil", "Semua tentang satu kasus, dengan lini waktu tiap langkah terhadap standar SOP."),
    "daftar": ("tampil", "Daftar kasus, disaring menurut status, platform, bidang, kategori, akun dan tanggal diterima."),
    "antrean": ("meja",
               "Semua kasus terbuka, batas waktu terdekat dulu: langkah yang ditunggu, siapa yang harus bertindak, "
               "sisa atau lewatnya waktu kerja, dan perintah berikutnya."),
    "cari": ("meja", "Cari kata di isi pengaduan, jawaban, catatan dan akun; paling cocok dulu, kata yang cocok disorot."),
    "templat": ("templat", "Templat jawaban bersama: teks baku untuk respon dan jawaban (satu commit per perubahan)."),
    "laporan": ("laporan", "Laporan harian (langkah 12) dan laporan bulanan (langkah 13-15), HTML dan PDF."),
    "kop": ("kop", "Kop surat laporan: pemerintah, instansi, alamat, kontak dan logo (di pengaduan.yaml dan kop/)."),
    "terlambat": ("jam", "Kasus terbuka yang langkah berikutnya terlambat atau hampir (≥ 75 % standar), terburuk dulu."),
    "eskalasi": ("jam", "Kasus yang menurut SOP perlu eskalasi, dengan langkah yang harus diambil dan siapa yang bertindak."),
    "kalender": ("kalender",
               "Hari libur setahun menurut kalender kerja: libur nasional dan cuti bersama dari paket holidays, "
               "ditambah libur_tambahan dan dikurangi bukan_libur dari pengaduan.yaml."),
    "riwayat": ("audit", "Riwayat satu kasus dari git: tiap commit dengan penulis, waktu, langkah dan tanda tangannya."),
    "audit": ("audit", "Periksa seluruh riwayat store (atau sejak REV) terhadap SOP, daftar petugas dan tanda tangan."),
    "koreksi": ("audit",
               "Koreksi satu kolom kasus (satu commit); nilai lama dan baru tetap di riwayat (data pelapor: hanya "
               "kolomnya)."),
    "periksa": ("periksa",
               "Periksa kesehatan store: git fsck, berkas kasus di HEAD, sisa transaksi atau sinkron yang terputus, "
               "data turunan."),
    "hapus-data": ("privasi", "Hapus data pribadi satu kasus: satu commit mencatat peristiwanya, kuncinya dimusnahkan."),
    "retensi": ("privasi", "Hapus data pribadi kasus yang sudah ditutup lebih lama dari retensi_bulan (pengaduan.yaml)."),
    "init": ("store_cmds", "Buat store baru (repositori git dengan pengaduan.yaml dan sop.yaml)."),
    "demo": ("store_cmds", "Isi store (dibuat bila belum ada) dengan contoh pengaduan yang realistis, lewat keempat jalur SOP."),
    "petugas": ("petugas", "Daftar petugas: kode, nama, email dan peran."),
    "atur": ("atur", "Tampilkan atau ubah pengaturan store (pengaduan.yaml); tiap perubahan satu commit konfigurasi."),
    "sinkron": ("bersama",
               "Ambil catatan admin lain dari remote git (sesudah diperiksa dengan aturan audit) dan kirim catatan "
               "mesin ini."),
    "klon": ("bersama",
               "Salin store dari remote ke mesin ini (cabang main), periksa riwayatnya, dan sebut yang masih perlu "
               "diatur."),
    "konflik": ("bersama", "Langkah mesin ini yang kalah saat sinkron (kasus yang juga diubah di remote)."),
    "lokal": ("bersama", "Pengaturan mesin ini saja (tidak pernah dikirim lewat sinkron): tampilkan, atau atur KUNCI NILAI."),
    "kunci": ("kunci", "Kunci mesin dan kunci kasus: siapa yang boleh membaca data pribadi, dan cadangannya."),
    "migrasi": ("privasi", "Ubah store schema 1 (data pribadi teks polos) menjadi schema 2 (terenkripsi) mulai commit ini."),
    "completion": ("completion", "Cetak skrip pelengkapan (tab completion) untuk bash, zsh atau fish."),
}  # fmt: skip

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
    lazy={name: f"pengaduan.cli.{module}" for name, (module, _help) in COMMANDS.items()},
    summaries={name: summary for name, (_module, summary) in COMMANDS.items()},
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
