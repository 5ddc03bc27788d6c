"""The commands of the SOP's case steps 1-11: each records one step as one commit."""

from __future__ import annotations

from typing import Any

import click

from pengaduan.app import cases
from pengaduan.cli.base import Choice
from pengaduan.cli.common import Env, catatan_option, pass_env, say, sop_choice_option, waktu_option
from pengaduan.core.case import Case
from pengaduan.core.workflow import Intake, Request
from pengaduan.errors import InputError, PengaduanError
from pengaduan.i18n import action_label, status_label

VIA = ("telepon", "sms", "whatsapp")


def _record(
    env: Env,
    picked: tuple[str, dict[str, Any]],
    case_id: str | None,
    waktu: str | None,
    catatan: str | None,
    quiet: bool = False,
    *,
    answer: str | None = None,
    channel: str | None = None,
    performer_name: str | None = None,
    intake: Intake | None = None,
    category: str | None = None,
    bidang: str | None = None,
    reason: str | None = None,
    anonymous: bool = False,
    confidential: bool = False,
    duplicate_of: str | None = None,
) -> Case:
    desk = env.desk()
    actor = desk.actor()
    full_id = cases.resolve(desk, case_id) if case_id is not None else None
    # The action is the SOP transition this command and its picking options name (sop.yaml `perintah`).
    action = desk.sop.select(*picked).action
    request = Request(
        action=action,
        actor=actor,
        at=env.moment(waktu),
        note=catatan,
        channel=channel,
        answer=answer,
        performer_name=performer_name,
        intake=intake,
        category=category,
        bidang=bidang,
        reason=reason,
        anonymous=anonymous,
        confidential=confidential,
        duplicate_of=cases.resolve(desk, duplicate_of) if duplicate_of else None,
    )
    case, commit = cases.record(desk, request, full_id)
    entry = case.history[-1]
    line = case.id if quiet else (
        f"{case.id}: {action_label(entry.action)} — langkah {entry.step}, status {status_label(case.status)} "
        f"(commit {commit[:8]})"
    )
    try:
        say(line)
    except OSError as exc:
        # The step is committed: a caller that retries on failure must not record it twice.
        raise PengaduanError(
            f"{case.id} sudah dicatat (commit {commit[:8]}), tetapi keluarannya gagal ditulis "
            f"({exc.strerror or exc}); jangan ulangi perintahnya, periksa dengan 'pengaduan lihat {case.id}'"
        ) from None
    return case


def _join(*parts: str | None) -> str | None:
    text = " — ".join(p.strip() for p in parts if p and p.strip())
    return text or None


@click.command("terima")
@click.option("--platform", required=True, help="Platform media sosial (lihat pengaduan.yaml).")
@click.option("--akun", required=True, help="Akun pengirim, mis. @warga_semarang.")
@click.option("--isi", required=True, help="Isi komentar atau pesan.")
@click.option("--tautan", help="Tautan ke unggahan/komentar.")
@click.option("--jenis", default="komentar", show_default=True, help="komentar, pesan atau mention.")
@click.option("--nama-pelapor", help="Nama pelapor (data pribadi, tidak tampil di laporan).")
@click.option("--kontak", help="Kontak pelapor (data pribadi, tidak tampil di laporan).")
@click.option("--waktu-unggah", metavar="WAKTU", help="Kapan diunggah pelapor (ISO 8601), bila diketahui.")
@click.option("--anonim", is_flag=True, help="Pelapor tidak ingin disebut: nama/kontak tidak disimpan, akun selalu tersamar.")
@click.option("--rahasia", is_flag=True, help="Isi tidak pernah tampil di laporan, ekspor atau pengingat.")
@waktu_option
@catatan_option
@click.option("-q", "--diam", "quiet", is_flag=True, help="Cetak ID saja.")
@click.option("--tetap", is_flag=True, help="Catat juga bila akun yang sama mengirim isi yang sama dalam sehari.")
@pass_env
def terima(
    env: Env, platform, akun, isi, tautan, jenis, nama_pelapor, kontak, waktu_unggah, anonim, rahasia, waktu, catatan, quiet,
    tetap,
):
    """Langkah 1: terima pengaduan dari media sosial; mencetak ID baru.

    Data pribadi (akun, tautan, isi, nama dan kontak pelapor, jawaban, catatan) disimpan terenkripsi.
    Bila akun yang sama sudah mengirim isi yang sama dalam sehari, pengaduan ditolak (ulangi dengan
    --tetap bila memang baru); kemungkinan duplikat dari kanal lain diberi peringatan.
    """
    from pengaduan.app import duplicates

    intake = Intake(
        platform=platform,
        account=akun,
        text=isi,
        link=tautan,
        kind=jenis,
        reporter_name=nama_pelapor,
        reporter_contact=kontak,
        posted_at=env.moment(waktu_unggah, "--waktu-unggah") if waktu_unggah else None,
        anonymous=anonim,
        confidential=rahasia,
    )
    repeats, likely = duplicates.check_intake(env.desk(), intake, env.moment(waktu))
    if repeats and not tetap:
        shown = ", ".join(c.id for c in repeats)
        raise InputError(
            f"akun {akun.strip()} sudah mengirim isi yang sama dalam sehari (kasus {shown}); tidak dicatat dua kali. "
            "Bila ini memang pengaduan baru, ulangi dengan --tetap"
        )
    case = _record(env, ("terima", {}), None, waktu, catatan, quiet, intake=intake)
    for pair in likely:
        say(
            f"peringatan: {case.id} kemungkinan duplikat {pair.other_id} ({', '.join(pair.reasons)}); bila benar: "
            f"pengaduan verifikasi {case.id} --duplikat-dari {pair.other_id}",
            err=True,
        )


@click.command("verifikasi")
@click.argument("kasus")
@click.option("--kategori", help="Kategori pengaduan (lihat pengaduan.yaml).")
@click.option("--bidang", help="Bidang terkait (lihat pengaduan.yaml).")
@click.option("--bukan-pengaduan", is_flag=True, help="Tutup: pesan ini bukan pengaduan.")
@click.option("--alasan", help="Alasan bukan pengaduan (wajib dengan --bukan-pengaduan).")
@click.option("--anonim", is_flag=True, help="Pelapor minta tidak disebut: nama/kontak dibuang, akun selalu tersamar.")
@click.option("--rahasia", is_flag=True, help="Jadikan kasus rahasia (kategori sensitif otomatis rahasia).")
@click.option("--duplikat-dari", "duplikat_dari", metavar="KASUS", help="Tutup: pengaduan ini mengulang kasus KASUS.")
@waktu_option
@catatan_option
@pass_env
def verifikasi(env: Env, kasus, kategori, bidang, bukan_pengaduan, alasan, anonim, rahasia, duplikat_dari, waktu, catatan):
    """Langkah 2: verifikasi pesan/komentar; tindak lanjuti, atau tutup sebagai bukan pengaduan atau duplikat."""
    if alasan and not bukan_pengaduan:
        raise InputError("--alasan hanya untuk --bukan-pengaduan; catatan verifikasi ditulis dengan --catatan")
    picked = ("verifikasi", {"bukan-pengaduan": bukan_pengaduan, "duplikat-dari": duplikat_dari})
    note = _join(alasan, f"duplikat dari {duplikat_dari.strip()}" if duplikat_dari else None, catatan)
    _record(
        env, picked, kasus, waktu, note, category=kategori, bidang=bidang, reason=alasan, duplicate_of=duplikat_dari,
        anonymous=anonim, confidential=rahasia,
    )  # fmt: skip


@click.command("respon")
@click.argument("kasus")
@click.option("--isi", required=True, help="Respon yang diberikan kepada pelapor.")
@click.option("--tuntas", is_flag=True, help="Respon admin ini menuntaskan kasus (status selesai).")
@waktu_option
@catatan_option
@pass_env
def respon(env: Env, kasus, isi, tuntas, waktu, catatan):
    """Langkah 3: beri respon kepada pelapor."""
    _record(env, ("respon", {"tuntas": tuntas}), kasus, waktu, catatan, answer=isi)


@click.command("teruskan")
@click.argument("kasus")
@sop_choice_option("--ke", "teruskan", required=True)
@click.option("--via", type=Choice(list(VIA)), help="Saluran: telepon, sms atau whatsapp.")
@click.option("--oleh", help="Nama yang menerima terusan, bila bukan satu-satunya di daftar petugas.")
@waktu_option
@catatan_option
@pass_env
def teruskan(env: Env, kasus, ke, via, oleh, waktu, catatan):
    """Langkah 4/6: teruskan laporan ke Redaktur, atau ke Pimpinan Redaksi bila Redaktur tidak menjawab."""
    _record(env, ("teruskan", {"ke": ke}), kasus, waktu, _join(catatan, f"kepada {oleh}" if oleh else None), channel=via)


@click.command("koordinasi")
@click.argument("kasus")
@sop_choice_option("--dengan", "koordinasi", required=True)
@click.option("--bidang", help="Bidang terkait (wajib untuk --dengan kabid).")
@click.option("--oleh", help="Nama pelaksana langkah ini, bila dicatat oleh orang lain.")
@waktu_option
@catatan_option
@pass_env
def koordinasi(env: Env, kasus, dengan, bidang, oleh, waktu, catatan):
    """Langkah 7/8: Pimpinan Redaksi koordinasi dengan Kepala Bidang; Kepala Bidang dengan Kepala Dinas."""
    _record(env, ("koordinasi", {"dengan": dengan}), kasus, waktu, catatan, performer_name=oleh, bidang=bidang)


@click.command("jawab")
@click.argument("kasus")
@sop_choice_option("--dari", "jawab", lead="Siapa yang menjawab:", required=True)
@click.option("--isi", required=True, help="Isi jawaban.")
@click.option("--via", type=Choice(list(VIA)), help="Saluran: telepon, sms atau whatsapp.")
@click.option("--oleh", help="Nama pelaksana langkah ini, bila dicatat oleh orang lain.")
@waktu_option
@catatan_option
@pass_env
def jawab(env: Env, kasus, dari, isi, via, oleh, waktu, catatan):
    """Langkah 5/9/10: jawaban Redaktur (menuntaskan kasus), Kepala Bidang, atau Pimpinan Redaksi."""
    _record(env, ("jawab", {"dari": dari}), kasus, waktu, catatan, answer=isi, channel=via, performer_name=oleh)


@click.command("selesai")
@click.argument("kasus")
@click.option("--isi", help="Jawaban yang disampaikan kepada pelapor.")
@waktu_option
@catatan_option
@pass_env
def selesai(env: Env, kasus, isi, waktu, catatan):
    """Langkah 11: pelapor menerima jawaban dari admin; kasus selesai."""
    _record(env, ("selesai", {}), kasus, waktu, catatan, answer=isi)


# -- case actions beyond the step table (sop.yaml aksi_kasus) -------------------------------------
def _act(env: Env, case_id: str, action: str, waktu: str | None, reason: str | None = None, referral: str | None = None) -> None:
    from pengaduan.core.actions import describe

    desk = env.desk()
    actor = desk.actor()
    case, commit = cases.act(desk, cases.resolve(desk, case_id), action, actor, env.moment(waktu), reason, referral)
    entry = case.history[-1]
    say(
        f"{case.id}: {describe(entry)} — langkah {case.step}, status {status_label(case.status)} (commit {commit[:8]})"
    )


alasan_option = click.option("--alasan", metavar="TEKS", help="Alasannya (masuk ke riwayat; wajib bila sop.yaml memintanya).")


@click.command("batal")
@click.argument("kasus")
@alasan_option
@waktu_option
@pass_env
def batal(env: Env, kasus, alasan, waktu):
    """Batalkan langkah terakhir kasus yang tercatat keliru, sebagai entri baru (riwayat menyimpan keduanya).

    Kasus kembali ke keadaan sebelum langkah itu; langkah yang dibatalkan tidak dihitung lagi di jam
    SOP maupun laporan. Bukan untuk langkah 1 (tutup dengan verifikasi --bukan-pengaduan), dan tidak
    untuk langkah yang sudah masuk laporan bulanan final.
    """
    _act(env, kasus, "batal", waktu, alasan)


@click.command("buka-kembali")
@click.argument("kasus")
@alasan_option
@waktu_option
@pass_env
def buka_kembali(env: Env, kasus, alasan, waktu):
    """Buka kembali kasus yang sudah ditutup (pelapor menulis lagi): kembali ke langkah menurut sop.yaml."""
    _act(env, kasus, "buka_kembali", waktu, alasan)


@click.command("tunda")
@click.argument("kasus")
@alasan_option
@waktu_option
@pass_env
def tunda(env: Env, kasus, alasan, waktu):
    """Tunda kasus selama menunggu pelapor (informasi tambahan, alamat): jam SOP berhenti sampai dilanjutkan."""
    _act(env, kasus, "tunda", waktu, alasan)


@click.command("lanjutkan")
@click.argument("kasus")
@alasan_option
@waktu_option
@pass_env
def lanjutkan(env: Env, kasus, alasan, waktu):
    """Lanjutkan kasus yang ditunda: jam SOP berjalan lagi dari tempat ia berhenti."""
    _act(env, kasus, "lanjutkan", waktu, alasan)


@click.command("rujuk")
@click.argument("kasus")
@click.option("--ke", "ke", metavar="INSTANSI", help="Instansi tujuan, mis. 'UPTD PPA Kota Semarang' atau 'Polrestabes'.")
@alasan_option
@waktu_option
@pass_env
def rujuk(env: Env, kasus, ke, alasan, waktu):
    """Rujuk kasus yang bukan kewenangan dinas ke instansi lain; kasus ditutup dengan status dirujuk."""
    _act(env, kasus, "rujuk", waktu, alasan, ke)


def register(group: click.Group) -> None:
    steps = (terima, verifikasi, respon, teruskan, koordinasi, jawab, selesai)
    for command in (*steps, batal, buka_kembali, tunda, lanjutkan, rujuk):
        group.add_command(command)
