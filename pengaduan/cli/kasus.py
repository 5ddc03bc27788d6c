"""The commands of the SOP's case steps 1-11: each records one step as one commit."""

from __future__ import annotations

import json
from typing import Any

import click

from pengaduan.app import cases
from pengaduan.cli.base import Choice
from pengaduan.cli.common import (
    Env,
    case_argument,
    catatan_option,
    complete_case,
    complete_template,
    config_option,
    pass_env,
    say,
    sop_choice_option,
    step_output,
    text_option,
    waktu_option,
)
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
    fmt: str = "teks",
    answer: str | None = None,
    template: str | None = None,
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
    at = env.moment(waktu)
    if template is not None:
        if answer is not None:
            raise InputError("pakai --isi atau --templat, tidak keduanya")
        assert full_id is not None
        from pengaduan.app import privacy, templates

        # The placeholders are filled from the case as this machine reads it ({akun}: the handle).
        readable = privacy.open_one(desk, privacy.Keys(desk), cases.find(desk, full_id), strict=False).case
        answer = templates.filled(desk, template, readable, at)
    request = Request(
        action=action,
        actor=actor,
        at=at,
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
    lines = [case.id] if quiet else [
        f"{case.id}: {action_label(entry.action)} — langkah {entry.step}, status {status_label(case.status)} "
        f"(commit {commit[:8]})"
    ]
    if template is not None and not quiet:
        lines += [f"Teks dari templat {template} yang dicatat:", *[f"  {line}" for line in (answer or "").split("\n")]]
    try:
        if fmt == "json" and not quiet:
            from pengaduan.cli.tampil import case_json

            click.echo(json.dumps(case_json(desk, case), ensure_ascii=False, indent=2))
        else:
            say(*lines)
    except OSError as exc:
        # The step is committed: a caller that retries on failure must not record it twice.
        raise PengaduanError(
            f"{case.id} sudah dicatat (commit {commit[:8]}), tetapi keluarannya gagal ditulis "
            f"({exc.strerror or exc}); jangan ulangi perintahnya, periksa dengan 'pengaduan lihat {case.id}'"
        ) from None
    return case


def _no_template(kwargs: dict[str, Any]) -> bool:
    return not kwargs.get("templat")


templat_option = click.option(
    "--templat", metavar="KODE", shell_complete=complete_template,
    help="Isi dari templat jawaban ini (isian {akun}, {id}, ... diisi dari kasus); lihat 'pengaduan templat daftar'.",
)  # fmt: skip


def _join(*parts: str | None) -> str | None:
    text = " — ".join(p.strip() for p in parts if p and p.strip())
    return text or None


@click.command("terima")
@config_option("--platform", "platform", "Platform media sosial.", required=True)
@click.option("--akun", required=True, metavar="AKUN", help="Akun pengirim, mis. @warga_semarang.")
@text_option("--isi", "text", "Isi komentar atau pesan.", required=True)
@click.option("--tautan", metavar="URL", help="Tautan ke unggahan/komentar.")
@config_option("--jenis", "jenis", "Jenis pesan.", default="komentar", show_default=True)
@click.option("--nama-pelapor", metavar="TEKS", help="Nama pelapor (data pribadi, tidak tampil di laporan).")
@click.option("--kontak", metavar="TEKS", help="Kontak pelapor (data pribadi, tidak tampil di laporan).")
@click.option("--waktu-unggah", metavar="WAKTU", help="Kapan diunggah pelapor (ISO 8601), bila diketahui.")
@click.option("--anonim", is_flag=True, help="Pelapor tidak ingin disebut: nama/kontak tidak disimpan, akun selalu tersamar.")
@click.option("--rahasia", is_flag=True, help="Isi tidak pernah tampil di laporan, ekspor atau pengingat.")
@waktu_option
@catatan_option
@click.option("--tetap", is_flag=True, help="Catat juga bila akun yang sama mengirim isi yang sama dalam sehari.")
@step_output
@pass_env
def terima(
    env: Env, platform, akun, isi, tautan, jenis, nama_pelapor, kontak, waktu_unggah, anonim, rahasia, waktu, catatan, tetap,
    quiet, fmt,
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
    case = _record(env, ("terima", {}), None, waktu, catatan, quiet, fmt=fmt, intake=intake)
    for pair in likely:
        say(
            f"peringatan: {case.id} kemungkinan duplikat {pair.other_id} ({', '.join(pair.reasons)}); bila benar: "
            f"pengaduan verifikasi {case.id} --duplikat-dari {pair.other_id}",
            err=True,
        )


@click.command("verifikasi")
@case_argument
@config_option("--kategori", "kategori", "Kategori pengaduan.")
@config_option("--bidang", "bidang", "Bidang terkait.")
@click.option("--bukan-pengaduan", is_flag=True, help="Tutup: pesan ini bukan pengaduan.")
@text_option("--alasan", "reason", "Alasan bukan pengaduan (wajib dengan --bukan-pengaduan).",
             required=lambda kw: bool(kw.get("bukan_pengaduan")))  # fmt: skip
@click.option("--anonim", is_flag=True, help="Pelapor minta tidak disebut: nama/kontak dibuang, akun selalu tersamar.")
@click.option("--rahasia", is_flag=True, help="Jadikan kasus rahasia (kategori sensitif otomatis rahasia).")
@click.option("--duplikat-dari", "duplikat_dari", metavar="KASUS", shell_complete=complete_case,
              help="Tutup: pengaduan ini mengulang kasus KASUS.")  # fmt: skip
@waktu_option
@catatan_option
@step_output
@pass_env
def verifikasi(
    env: Env, kasus, kategori, bidang, bukan_pengaduan, alasan, anonim, rahasia, duplikat_dari, waktu, catatan, quiet, fmt
):
    """Langkah 2: verifikasi pesan/komentar; tindak lanjuti, atau tutup sebagai bukan pengaduan atau duplikat."""
    if alasan and not bukan_pengaduan:
        raise InputError("--alasan hanya untuk --bukan-pengaduan; catatan verifikasi ditulis dengan --catatan")
    picked = ("verifikasi", {"bukan-pengaduan": bukan_pengaduan, "duplikat-dari": duplikat_dari})
    note = _join(alasan, f"duplikat dari {duplikat_dari.strip()}" if duplikat_dari else None, catatan)
    _record(
        env, picked, kasus, waktu, note, quiet, fmt=fmt, category=kategori, bidang=bidang, reason=alasan,
        duplicate_of=duplikat_dari, anonymous=anonim, confidential=rahasia,
    )  # fmt: skip


@click.command("respon")
@case_argument
@text_option("--isi", "answer", "Respon yang diberikan kepada pelapor (wajib, kecuali dengan --templat).",
             required=_no_template)  # fmt: skip
@templat_option
@click.option("--tuntas", is_flag=True, help="Respon admin ini menuntaskan kasus (status selesai).")
@waktu_option
@catatan_option
@step_output
@pass_env
def respon(env: Env, kasus, isi, templat, tuntas, waktu, catatan, quiet, fmt):
    """Langkah 3: beri respon kepada pelapor (teks sendiri, atau dari templat jawaban)."""
    _record(env, ("respon", {"tuntas": tuntas}), kasus, waktu, catatan, quiet, fmt=fmt, answer=isi, template=templat)


@click.command("teruskan")
@case_argument
@sop_choice_option("--ke", "teruskan", required=True)
@click.option("--via", type=Choice(list(VIA)), help="Saluran: telepon, sms atau whatsapp.")
@click.option("--oleh", metavar="NAMA", help="Nama yang menerima terusan, bila bukan satu-satunya di daftar petugas.")
@waktu_option
@catatan_option
@step_output
@pass_env
def teruskan(env: Env, kasus, ke, via, oleh, waktu, catatan, quiet, fmt):
    """Langkah 4/6: teruskan laporan ke Redaktur, atau ke Pimpinan Redaksi bila Redaktur tidak menjawab."""
    note = _join(catatan, f"kepada {oleh}" if oleh else None)
    _record(env, ("teruskan", {"ke": ke}), kasus, waktu, note, quiet, fmt=fmt, channel=via)


@click.command("koordinasi")
@case_argument
@sop_choice_option("--dengan", "koordinasi", required=True)
@config_option("--bidang", "bidang", "Bidang terkait (wajib untuk --dengan kabid).")
@click.option("--oleh", metavar="NAMA", help="Nama pelaksana langkah ini, bila dicatat oleh orang lain.")
@waktu_option
@catatan_option
@step_output
@pass_env
def koordinasi(env: Env, kasus, dengan, bidang, oleh, waktu, catatan, quiet, fmt):
    """Langkah 7/8: Pimpinan Redaksi koordinasi dengan Kepala Bidang; Kepala Bidang dengan Kepala Dinas."""
    _record(env, ("koordinasi", {"dengan": dengan}), kasus, waktu, catatan, quiet, fmt=fmt, performer_name=oleh,
            bidang=bidang)  # fmt: skip


@click.command("jawab")
@case_argument
@sop_choice_option("--dari", "jawab", lead="Siapa yang menjawab:", required=True)
@text_option("--isi", "answer", "Isi jawaban (wajib, kecuali dengan --templat).", required=_no_template)
@templat_option
@click.option("--via", type=Choice(list(VIA)), help="Saluran: telepon, sms atau whatsapp.")
@click.option("--oleh", metavar="NAMA", help="Nama pelaksana langkah ini, bila dicatat oleh orang lain.")
@waktu_option
@catatan_option
@step_output
@pass_env
def jawab(env: Env, kasus, dari, isi, templat, via, oleh, waktu, catatan, quiet, fmt):
    """Langkah 5/9/10: jawaban Redaktur (menuntaskan kasus), Kepala Bidang, atau Pimpinan Redaksi."""
    _record(env, ("jawab", {"dari": dari}), kasus, waktu, catatan, quiet, fmt=fmt, answer=isi, template=templat,
            channel=via, performer_name=oleh)  # fmt: skip


@click.command("selesai")
@case_argument
@text_option("--isi", "answer", "Jawaban yang disampaikan kepada pelapor.")
@templat_option
@waktu_option
@catatan_option
@step_output
@pass_env
def selesai(env: Env, kasus, isi, templat, waktu, catatan, quiet, fmt):
    """Langkah 11: pelapor menerima jawaban dari admin; kasus selesai."""
    _record(env, ("selesai", {}), kasus, waktu, catatan, quiet, fmt=fmt, answer=isi, template=templat)


# -- case actions beyond the step table (sop.yaml aksi_kasus) -------------------------------------
def _act(
    env: Env,
    case_id: str,
    action: str,
    waktu: str | None,
    reason: str | None = None,
    referral: str | None = None,
    quiet: bool = False,
    fmt: str = "teks",
) -> None:
    from pengaduan.core.actions import describe

    desk = env.desk()
    actor = desk.actor()
    case, commit = cases.act(desk, cases.resolve(desk, case_id), action, actor, env.moment(waktu), reason, referral)
    entry = case.history[-1]
    if quiet:
        say(case.id)
    elif fmt == "json":
        from pengaduan.cli.tampil import case_json

        click.echo(json.dumps(case_json(desk, case), ensure_ascii=False, indent=2))
    else:
        say(f"{case.id}: {describe(entry)} — langkah {case.step}, status {status_label(case.status)} (commit {commit[:8]})")


def alasan_option(func: Any) -> Any:
    """--alasan of a case action (TEKS, '-' for stdin, or --alasan-berkas), and the step output options."""
    text = text_option("--alasan", "reason", "Alasannya (masuk ke riwayat; wajib bila sop.yaml memintanya).")
    return text(step_output(func))


@click.command("batal")
@case_argument
@alasan_option
@waktu_option
@pass_env
def batal(env: Env, kasus, alasan, waktu, quiet, fmt):
    """Batalkan langkah terakhir kasus yang tercatat keliru, sebagai entri baru (riwayat menyimpan keduanya).

    Kasus kembali ke keadaan sebelum langkah itu; langkah yang dibatalkan tidak dihitung lagi di jam
    SOP maupun laporan. Bukan untuk langkah 1 (tutup dengan verifikasi --bukan-pengaduan), dan tidak
    untuk langkah yang sudah masuk laporan bulanan final.
    """
    _act(env, kasus, "batal", waktu, alasan, quiet=quiet, fmt=fmt)


@click.command("buka-kembali")
@case_argument
@alasan_option
@waktu_option
@pass_env
def buka_kembali(env: Env, kasus, alasan, waktu, quiet, fmt):
    """Buka kembali kasus yang sudah ditutup (pelapor menulis lagi): kembali ke langkah menurut sop.yaml."""
    _act(env, kasus, "buka_kembali", waktu, alasan, quiet=quiet, fmt=fmt)


@click.command("tunda")
@case_argument
@alasan_option
@waktu_option
@pass_env
def tunda(env: Env, kasus, alasan, waktu, quiet, fmt):
    """Tunda kasus selama menunggu pelapor (informasi tambahan, alamat): jam SOP berhenti sampai dilanjutkan."""
    _act(env, kasus, "tunda", waktu, alasan, quiet=quiet, fmt=fmt)


@click.command("lanjutkan")
@case_argument
@alasan_option
@waktu_option
@pass_env
def lanjutkan(env: Env, kasus, alasan, waktu, quiet, fmt):
    """Lanjutkan kasus yang ditunda: jam SOP berjalan lagi dari tempat ia berhenti."""
    _act(env, kasus, "lanjutkan", waktu, alasan, quiet=quiet, fmt=fmt)


@click.command("rujuk")
@case_argument
@click.option("--ke", "ke", metavar="INSTANSI", help="Instansi tujuan, mis. 'UPTD PPA Kota Semarang' atau 'Polrestabes'.")
@alasan_option
@waktu_option
@pass_env
def rujuk(env: Env, kasus, ke, alasan, waktu, quiet, fmt):
    """Rujuk kasus yang bukan kewenangan dinas ke instansi lain; kasus ditutup dengan status dirujuk."""
    _act(env, kasus, "rujuk", waktu, alasan, ke, quiet=quiet, fmt=fmt)


def register(group: click.Group) -> None:
    steps = (terima, verifikasi, respon, teruskan, koordinasi, jawab, selesai)
    for command in (*steps, batal, buka_kembali, tunda, lanjutkan, rujuk):
        group.add_command(command)
