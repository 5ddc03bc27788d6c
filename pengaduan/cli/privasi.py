"""`pengaduan hapus-data`, `pengaduan retensi` and `pengaduan migrasi`: personal data's end of life."""

from __future__ import annotations

import click

from pengaduan.app import cases, privacy
from pengaduan.cli.common import Env, pass_env
from pengaduan.core import secrecy, timeutil


@click.command("hapus-data")
@click.argument("kasus")
@click.option("--alasan", required=True, metavar="TEKS", help="Mengapa dihapus (permintaan pelapor, retensi...). Tercatat.")
@click.option("--dasar", metavar="TEKS", help="Dasar hukum, mis. 'UU 27/2022 Pasal 8'.")
@pass_env
def hapus_data(env: Env, kasus: str, alasan: str, dasar: str | None) -> None:
    """Hapus data pribadi satu kasus: satu commit mencatat peristiwanya, kuncinya dimusnahkan.

    Riwayat tidak ditulis ulang: langkah dan waktunya tetap; isinya tidak terbaca lagi oleh siapa pun
    (mesin berwenang lain memusnahkan kuncinya pada 'pengaduan sinkron' berikutnya).
    """
    desk = env.desk()
    case, commit = privacy.erase(desk, cases.resolve(desk, kasus), alasan, dasar, env.actor())
    entry = case.history[-1]
    click.echo(f"{case.id}: data pribadi dihapus {secrecy.long_date(entry.time, desk.tz)} (commit {commit[:8]}); "
               "kuncinya dimusnahkan di mesin ini — jalankan 'pengaduan sinkron' agar mesin lain ikut")  # fmt: skip


@click.command("retensi")
@click.option("--coba", is_flag=True, help="Tampilkan saja yang akan dihapus; tidak ada yang berubah.")
@pass_env
def retensi(env: Env, coba: bool) -> None:
    """Hapus data pribadi kasus yang sudah ditutup lebih lama dari retensi_bulan (pengaduan.yaml)."""
    desk = env.desk()
    due = privacy.expired(desk)
    months = desk.config.retention_months
    if not due:
        click.echo(f"tidak ada kasus yang ditutup lebih dari {months} bulan dengan data pribadi tersisa")
        return
    actor = None if coba else env.actor()
    for item in due:
        closed = f"{item.closed_at:%Y-%m-%d} {timeutil.clock_label(item.closed_at)}"
        if coba:
            click.echo(f"{item.case_id}  ditutup {closed}  akan dihapus")
            continue
        assert actor is not None
        _, commit = privacy.erase(desk, item.case_id, privacy.retention_reason(desk), "UU 27/2022 Pasal 43-44", actor)
        click.echo(f"{item.case_id}  ditutup {closed}  dihapus (commit {commit[:8]})")
    verb = "akan dihapus" if coba else "dihapus"
    click.echo(f"{len(due)} kasus {verb} (retensi {months} bulan)")




WARNING = """PERINGATAN — --tulis-ulang-riwayat menulis ulang SELURUH riwayat git store ini:
  * setiap commit mendapat id baru; setiap klon lain harus DIKLON ULANG (sinkron di klon lama ditolak);
  * 'pengaduan sinkron' berikutnya di mesin ini MENGGANTI cabang main di remote (force push);
  * salinan yang sudah diambil orang (klon, cadangan, remote sebelum gc-nya) tetap memegang teks polos lama.
Hentikan dulu pencatatan di semua mesin dan sinkronkan semuanya sebelum menjalankan ini."""


@click.command("migrasi")
@click.option("--tulis-ulang-riwayat", "rewrite", is_flag=True, help="Tulis ulang seluruh riwayat (git-filter-repo).")
@click.option("--ya", "confirmed", is_flag=True, help="Sudah membaca peringatan --tulis-ulang-riwayat.")
@pass_env
def migrasi(env: Env, rewrite: bool, confirmed: bool) -> None:
    """Ubah store schema 1 (data pribadi teks polos) menjadi schema 2 (terenkripsi) mulai commit ini."""
    from pengaduan.app import migrate

    desk = env.desk()
    actor = env.actor()
    if rewrite:
        click.echo(WARNING, err=True)
        migrate.require_choice(rewrite, confirmed)
        done = migrate.rewrite_history(desk, actor)
        old, record = (done.old_head or "-")[:10], (done.commit or "-")[:10]
        click.echo(f"{done.cases} kasus dimigrasi; riwayat ditulis ulang (dari {old}, catatan {record}): "
                   "tidak ada lagi versi teks polos di store ini")  # fmt: skip
        click.echo("jalankan 'pengaduan sinkron' untuk mengganti riwayat di remote, lalu klon ulang di setiap mesin lain")
        return
    done = migrate.migrate(desk, actor)
    if not done.cases:
        click.echo("semua kasus sudah schema 2; tidak ada yang dimigrasi")
        return
    click.echo(f"{done.cases} kasus dimigrasi ke schema 2 (commit {done.commit[:8] if done.commit else '-'})")
    click.echo(
        "PERHATIAN: commit SEBELUM ini masih memuat data pribadi sebagai teks polos — di store ini, di setiap klon dan "
        "di remote. Untuk membuangnya: 'pengaduan migrasi --tulis-ulang-riwayat --ya' (baca peringatannya dulu)"
    )


def register(group: click.Group) -> None:
    group.add_command(hapus_data)
    group.add_command(retensi)
    group.add_command(migrasi)
