"""Working with other machines: `sinkron`, `klon`, `konflik` and this machine's own `lokal` settings."""

from __future__ import annotations

from pathlib import Path

import click

from pengaduan.cli.common import Choice, Env, emit, pass_env, say, text_option
from pengaduan.errors import PengaduanError, StoreError

SHOWN_FINDINGS = 10


@click.command("sinkron")
@click.option("--remote", help="Nama remote git (bawaan: origin).")
@pass_env
def sinkron(env: Env, remote: str | None) -> None:
    """Ambil catatan admin lain dari remote git (sesudah diperiksa dengan aturan audit) dan kirim catatan mesin ini.

    Kasus yang diubah di kedua sisi memakai versi remote; langkah mesin ini yang kalah disimpan sebagai
    konflik (lihat 'pengaduan konflik'), dilaporkan sekali. Commit remote yang melanggar aturan tidak
    diambil; selama itu catatan mesin ini tidak dikirim (kode keluar 1).
    """
    from pengaduan.app.sync import sync

    desk = env.desk()
    try:
        actor = env.actor()
    except PengaduanError:
        actor = None  # a merge commit records no SOP step; the git identity is enough
    result = sync(desk, actor, remote)
    merged = ", digabung dengan commit merge" if result.merged else ""
    say(f"sinkron dengan {result.remote}: {result.received} commit diterima, {result.sent} commit dikirim{merged}")
    k = result.keys
    if k is not None and not k.skipped and (k.received or k.sent or k.destroyed or k.removed):
        say(
            f"kunci: {k.received} kunci kasus diterima, {k.sent} dikirim, {k.destroyed} dimusnahkan (kasus dihapus), "
            f"{k.removed} bungkus lama dibuang"
        )
    for note in result.notes:
        say(f"peringatan: {note}", err=True)
    for conflict_id in result.conflicts:
        case_id = conflict_id.split(".")[0]
        say(
            f"konflik: kasus {case_id} juga diubah di {result.remote}; versi {result.remote} dipakai, langkah mesin ini "
            f"disimpan sebagai konflik {conflict_id}. Terapkan lagi dengan 'pengaduan konflik terapkan {case_id}' atau "
            f"buang dengan 'pengaduan konflik buang {case_id} --alasan TEKS'",
            err=True,
        )
    if result.refused:
        for finding in result.refused[:SHOWN_FINDINGS]:
            case = f", kasus {finding.case}" if finding.case else ""
            say(f"ditolak: commit {finding.commit[:12]}{case}, aturan {finding.rule}: {finding.message}", err=True)
        more = len(result.refused) - SHOWN_FINDINGS
        if more > 0:
            say(f"ditolak: ... dan {more} temuan lagi (lihat 'pengaduan audit' di mesin pengirimnya)", err=True)
        commits_refused = len({f.commit for f in result.refused})
        waiting = f"; {result.waiting} commit mesin ini belum terkirim" if result.waiting else ""
        raise StoreError(
            f"sinkron menolak {commits_refused} commit dari {result.remote} yang melanggar aturan audit: tidak digabung, "
            f"store ini tidak memuatnya{waiting}. Remote perlu dibetulkan oleh pengelolanya (kembalikan cabang main ke "
            "commit sebelum yang ditolak); sesudah itu sinkron berjalan lagi dengan sendirinya"
        )


@click.command("klon")
@click.argument("url")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_env
def klon(env: Env, url: str, folder: Path | None) -> None:
    """Salin store dari remote ke mesin ini (cabang main), periksa riwayatnya, dan sebut yang masih perlu diatur."""
    from pengaduan.app.sync import clone
    from pengaduan.store.store import default_root

    result = clone(url, folder or env.store_path or default_root())
    say(f"store diklon ke {result.root}: {result.audit_summary}")
    if result.needs:
        say("yang masih perlu diatur di mesin ini:")
        for need in result.needs:
            say(f"  - {need}")
    if result.findings:
        for finding in result.findings[:SHOWN_FINDINGS]:
            say(f"temuan: commit {finding.commit[:12]}, aturan {finding.rule}: {finding.message}", err=True)
        raise StoreError(
            f"riwayat store yang diklon punya {len(result.findings)} temuan audit; periksa dengan 'pengaduan --store "
            f"{result.root} audit' sebelum dipakai"
        )


@click.group("konflik", invoke_without_command=True)
@click.option("--semua", is_flag=True, help="Tampilkan juga konflik yang sudah diterapkan atau dibuang.")
@click.option("--format", "fmt", type=Choice(["tabel", "json", "csv"]), default="tabel", show_default=True)
@click.pass_context
def konflik(ctx: click.Context, semua: bool, fmt: str) -> None:
    """Langkah mesin ini yang kalah saat sinkron (kasus yang juga diubah di remote)."""
    if ctx.invoked_subcommand is not None:
        return
    from pengaduan.app import conflicts

    env: Env = ctx.obj
    rows = []
    for record in conflicts.all_conflicts(env.desk()):
        if not semua and not record.open:
            continue
        rows.append(
            {
                "id": record.id,
                "kasus": record.case_id,
                "status": record.status,
                "dicatat": record.recorded,
                "langkah": ", ".join(_step_text(e) for e in record.entries),
                "remote": record.remote,
            }
        )
    if not rows and fmt == "tabel":
        say("(tidak ada konflik terbuka)" if not semua else "(tidak ada konflik)")
        return
    emit(rows, fmt)


@konflik.command("terapkan")
@click.argument("id_")
@pass_env
def terapkan(env: Env, id_: str) -> None:
    """Catat lagi langkah-langkah konflik ID di atas keadaan kasus sekarang (satu commit per langkah)."""
    from pengaduan.app import conflicts

    desk = env.desk()
    for applied in conflicts.apply(desk, id_, desk.actor()):
        shown = ", ".join(c[:8] for c in applied.commits) or "tidak ada langkah baru"
        say(f"konflik {applied.conflict_id} diterapkan: {shown}; ditutup (commit {applied.closing_commit[:8]})")


@konflik.command("buang")
@click.argument("id_")
@text_option("--alasan", "reason", "Mengapa langkah-langkah itu tidak diterapkan.", required=True)
@pass_env
def buang(env: Env, id_: str, alasan: str) -> None:
    """Tutup konflik ID tanpa menerapkan langkahnya; alasannya dicatat (catatan konflik tetap disimpan)."""
    from pengaduan.app import conflicts

    desk = env.desk()
    for conflict_id, commit in conflicts.drop(desk, id_, alasan, desk.actor()):
        say(f"konflik {conflict_id} dibuang (commit {commit[:8]})")


@click.command("lokal")
@click.argument("kunci", required=False)
@click.argument("nilai", required=False)
@click.option("--hapus", is_flag=True, help="Hapus pengaturan KUNCI dari mesin ini.")
@pass_env
def lokal(env: Env, kunci: str | None, nilai: str | None, hapus: bool) -> None:
    """Pengaturan mesin ini saja (tidak pernah dikirim lewat sinkron): tampilkan, atau atur KUNCI NILAI.

    Kunci: notifikasi.perintah, notifikasi.batas_detik, tanda_tangan.kunci, tanda_tangan.format,
    petugas.email, petugas.nama, laporan.sertifikat, laporan.akar.
    """
    from pengaduan.store.local import KEYS

    settings = env.desk().store.local()
    if hapus:
        if not kunci or nilai is not None:
            raise PengaduanError("--hapus perlu tepat satu KUNCI, contoh: pengaduan lokal notifikasi.perintah --hapus")
        settings.unset(kunci)
        say(f"{kunci} dihapus dari mesin ini")
        return
    if kunci is None:
        for name, value, is_set in settings.items():
            shown = _shown(value) if is_set else f"(belum diatur{'; bawaan ' + str(value) if value is not None else ''})"
            say(f"{name} = {shown}")
        return
    if nilai is None:
        value = settings.get(kunci)
        say(_shown(value) if settings.is_set(kunci) else f"(belum diatur) — {KEYS[kunci].help}")
        return
    value = settings.set(kunci, nilai)
    say(f"{kunci} = {_shown(value)} (mesin ini)")


def _step_text(entry: dict) -> str:
    return f"{entry.get('langkah')} {entry.get('aksi')} ({entry.get('pencatat')}, {entry.get('waktu')})"


def _shown(value: object) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in str(value))


def register(group: click.Group) -> None:
    for command in (sinkron, klon, konflik, lokal):
        group.add_command(command)
