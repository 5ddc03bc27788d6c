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


def register(group: click.Group) -> None:
    group.add_command(hapus_data)
    group.add_command(retensi)
