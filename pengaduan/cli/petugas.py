"""`pengaduan petugas`: the staff roster (who may record which steps)."""

from __future__ import annotations

import click

from pengaduan.app import staff as staff_use
from pengaduan.cli.common import Env, emit, format_option, pass_env, say


@click.group("petugas")
def petugas() -> None:
    """Daftar petugas: kode, nama, email dan peran."""


@petugas.command("tambah")
@click.argument("kode")
@click.option("--nama", required=True, help="Nama lengkap.")
@click.option(
    "--peran",
    required=True,
    help="Peran menurut SOP store (sop.yaml), mis. admin, redaktur, pimred, kabid, kadin; pisahkan dengan koma.",
)
@click.option("--email", help="Email (dipakai sebagai identitas commit).")
@click.option("--bidang", help="Bidang, untuk Kepala Bidang.")
@click.option("--telepon", help="Nomor WhatsApp/telepon untuk pengingat eskalasi.")
@click.option(
    "--kunci-ssh", metavar="KUNCI", help="Kunci publik SSH penanda tangan commit: baris berkas .pub, atau path berkas itu."
)
@click.option("--nip", metavar="NIP", help="NIP (18 angka; spasi boleh), untuk blok tanda tangan laporan.")
@click.option("--pangkat", metavar="TEKS", help="Pangkat/golongan, mis. 'Penata Tingkat I (III/d)'.")
@click.option("--jabatan", metavar="TEKS", help="Jabatan, mis. 'Kepala Bidang KBKIE'.")
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
    nip: str | None,
    pangkat: str | None,
    jabatan: str | None,
) -> None:
    """Tambah atau perbarui petugas (satu commit); yang tidak disebut tetap seperti sebelumnya."""
    staff, verb, commit = staff_use.add_or_update(
        env.desk(), kode, nama, peran, email, bidang, telepon, kunci_ssh, nip, pangkat, jabatan
    )
    say(f"petugas {staff.code} ({staff.name}; {', '.join(staff.roles)}) {verb} (commit {commit[:8]})")


@petugas.command("ubah")
@click.argument("kode")
@click.option("--nama", help="Nama lengkap.")
@click.option("--peran", help="Peran menurut SOP store, dipisah koma; menggantikan peran yang lama.")
@click.option("--email", help="Email (identitas commit).")
@click.option("--bidang", help="Bidang, untuk Kepala Bidang ('' untuk mengosongkan).")
@click.option("--telepon", help="Nomor WhatsApp/telepon untuk pengingat eskalasi.")
@click.option("--kunci-ssh", metavar="KUNCI", help="Kunci publik SSH: baris berkas .pub, atau path berkas itu.")
@click.option("--nip", metavar="NIP", help="NIP (18 angka; spasi boleh; '' untuk mengosongkan).")
@click.option("--pangkat", metavar="TEKS", help="Pangkat/golongan.")
@click.option("--jabatan", metavar="TEKS", help="Jabatan.")
@pass_env
def ubah(
    env: Env,
    kode: str,
    nama: str | None,
    peran: str | None,
    email: str | None,
    bidang: str | None,
    telepon: str | None,
    kunci_ssh: str | None,
    nip: str | None,
    pangkat: str | None,
    jabatan: str | None,
) -> None:
    """Ubah data petugas yang sudah ada: hanya yang disebut yang berubah (satu commit)."""
    staff, changed, commit = staff_use.update(
        env.desk(), kode, nama, peran, email, bidang, telepon, kunci_ssh, nip, pangkat, jabatan
    )
    say(f"petugas {staff.code} diubah: {', '.join(changed)} (commit {commit[:8]})")


@petugas.command("nonaktif")
@click.argument("kode")
@click.option("--alasan", required=True, metavar="TEKS", help="Mengapa dinonaktifkan (pindah tugas, cuti panjang...).")
@pass_env
def nonaktif(env: Env, kode: str, alasan: str) -> None:
    """Nonaktifkan petugas: tetap di daftar dan riwayat, tetapi tidak dapat mencatat lagi (satu commit)."""
    staff, commit = staff_use.set_active(env.desk(), kode, False, alasan)
    say(f"petugas {staff.code} ({staff.name}) dinonaktifkan (commit {commit[:8]})")


@petugas.command("aktif")
@click.argument("kode")
@pass_env
def aktif(env: Env, kode: str) -> None:
    """Aktifkan kembali petugas yang dinonaktifkan (satu commit)."""
    staff, commit = staff_use.set_active(env.desk(), kode, True)
    say(f"petugas {staff.code} ({staff.name}) aktif kembali (commit {commit[:8]})")


@petugas.command("daftar")
@format_option("tabel", "json", "csv")
@pass_env
def daftar(env: Env, fmt: str) -> None:
    """Tampilkan daftar petugas."""
    rows = [
        {"kode": s.code, "nama": s.name, "peran": ",".join(s.roles), "email": s.email, "bidang": s.bidang,
         "telepon": s.phone, "nip": s.nip, "pangkat": s.rank, "jabatan": s.position,
         "aktif": "ya" if s.active else f"tidak: {s.inactive_reason}".rstrip(": ")}  # fmt: skip
        for s in staff_use.roster(env.desk())
    ]
    emit(rows, fmt)


def register(group: click.Group) -> None:
    group.add_command(petugas)
