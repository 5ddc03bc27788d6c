"""`pengaduan terlambat` and `pengaduan eskalasi`: keeping the desk ahead of the SOP's clock.

Both ask app.escalate, which evaluates every case with `core.sla` as of now or `--pada`.
Neither ever changes a case: `eskalasi --kirim` only runs the configured notification command
and records what it sent under .git/pengaduan/.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from pengaduan.app import escalate
from pengaduan.app.context import Desk
from pengaduan.app.escalate import People
from pengaduan.cli.common import Env, emit, pass_env, say
from pengaduan.cli.common import format_option as common_format_option
from pengaduan.cli.kalender import warn_clock
from pengaduan.core import sla, timeutil

STATE_OVERDUE = "terlambat"
STATE_CLOSE = "hampir"
STATE_PAUSED_LONG = "tunda-lama"  # paused (waiting for the reporter) longer than batas.tunda_hari_kerja

pada_option = click.option(
    "--pada",
    metavar="WAKTU",
    help="Nilai keadaan pada saat ini (ISO 8601, lampau atau mendatang; WIB bila tanpa zona). Bawaan: sekarang.",
)
format_option = common_format_option("tabel", "json", "csv")


def _day(day: date) -> str:
    return f"{day.day} {timeutil.SHORT_MONTHS[day.month - 1]} {day.year}"


def _label(moment: datetime) -> str:
    return timeutil.short_human(moment)


def _warn_window(store: Desk, items: list[sla.Waiting], moment: datetime) -> None:
    """Warn (one stderr line) when the days off the listed clocks ran over are not known for sure.

    The window runs from the earliest clock start shown to the latest of the moment and the
    deadlines shown; with nothing listed, it is the moment's day.
    """
    start = min([moment, *(w.since for w in items)])
    end = max([moment, *(w.due for w in items)])
    warn_clock(store.calendar, start.astimezone(store.tz).date(), end.astimezone(store.tz).date())


def _flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CSV cells hold no lists."""
    return [{k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()} for row in rows]


def _late_row(store: Desk, people: People, w: sla.Waiting, fmt: str) -> dict[str, Any]:
    names = [s.name for s in people(w.role, w.case)]
    role = store.sop.roles.get(w.role, w.role)
    state = STATE_PAUSED_LONG if w.paused else (STATE_OVERDUE if w.overdue else STATE_CLOSE)
    if fmt == "tabel":
        waiting_for = f"{role} ({', '.join(names) or 'belum ada di daftar petugas'})"
        if w.paused_since is not None:
            waiting_for = f"pelapor (ditunda sejak {_label(w.paused_since.astimezone(store.tz))})"
        return {
            "id": w.case.id,
            "langkah": f"{w.at_step} → {w.step}",
            "menunggu": waiting_for,
            "waktu": timeutil.left_words(w.used, w.allowed),
            "standar": f"{w.allowed} mnt",
            "keadaan": state.upper() if w.overdue else state,
            "batas": _day(w.pause_limit) if w.pause_limit is not None else _label(w.due),
        }
    paused = {
        "ditunda_sejak": timeutil.to_text(w.paused_since.astimezone(store.tz)) if w.paused_since else None,
        "batas_tunda": w.pause_limit.isoformat() if w.pause_limit else None,
    }
    return {
        "id": w.case.id,
        "status": w.status,
        "langkah_saat_ini": w.at_step,
        "langkah_ditunggu": w.step,
        "peran": w.role,
        "nama_peran": role,
        "petugas": names,
        "menit_terpakai": round(w.used, 1),
        "menit_standar": w.allowed,
        "persen": round(w.share * 100),
        "keadaan": state,
        "sejak": timeutil.to_text(w.since),
        "batas": timeutil.to_text(w.due),
        "perintah": w.command,
        **paused,
    }


@click.command("terlambat")
@pada_option
@format_option
@click.option("--exit-code", "exit_code", is_flag=True, help="Keluar dengan kode 1 bila ada kasus yang terlambat (untuk cron).")
@pass_env
def terlambat(env: Env, pada: str | None, fmt: str, exit_code: bool) -> None:
    """Kasus terbuka yang langkah berikutnya terlambat atau hampir (≥ 75 % standar), terburuk dulu.

    Kasus yang ditunda (menunggu pelapor) tidak terlambat: jamnya berhenti. Yang ditunda lebih lama
    dari batas.tunda_hari_kerja hari kerja tampil sesudahnya dengan keadaan tunda-lama.
    """
    store = env.desk()
    moment = env.moment(pada, "--pada")
    items = escalate.late(store, moment)
    people = People(store)
    rows = [_late_row(store, people, w, fmt) for w in items]
    _warn_window(store, items, moment)
    emit(_flat(rows) if fmt == "csv" else rows, fmt)
    if exit_code and any(w.overdue for w in items):
        raise click.exceptions.Exit(1)


def _escalation_row(store: Desk, people: People, w: sla.Waiting, fmt: str) -> dict[str, Any]:
    e = w.escalation
    names = [s.name for s in people(e.role, w.case)]
    role = store.sop.roles.get(e.role, e.role)
    if fmt == "tabel":
        return {
            "id": w.case.id,
            "menunggu": f"L{w.step} {store.sop.roles.get(w.role, w.role)}",
            "waktu": timeutil.left_words(w.used, w.allowed),
            "eskalasi": f"L{e.step} {role}",
            "petugas": ", ".join(names) or "-",
            "perintah": e.command,
        }
    return {
        "id": w.case.id,
        "langkah_saat_ini": w.at_step,
        "langkah_ditunggu": w.step,
        "peran_ditunggu": w.role,
        "menit_terpakai": round(w.used, 1),
        "menit_standar": w.allowed,
        "sejak": timeutil.to_text(w.since),
        "eskalasi_langkah": e.step,
        "eskalasi_kegiatan": store.sop.steps[e.step].activity,
        "peran": e.role,
        "nama_peran": role,
        "petugas": names,
        "perintah": e.command,
        "pesan": escalate.message(store, w, names),
    }


@click.command("eskalasi")
@pada_option
@click.option(
    "--kirim", is_flag=True, help="Jalankan perintah notifikasi mesin ini ('pengaduan lokal') untuk tiap kasus eskalasi."
)
@format_option
@pass_env
def eskalasi(env: Env, pada: str | None, kirim: bool, fmt: str) -> None:
    """Kasus yang menurut SOP perlu eskalasi, dengan langkah yang harus diambil dan siapa yang bertindak.

    Redaktur yang tidak menjawab melewati standar langkah 5 berarti langkah 6 (admin meneruskan ke
    Pimpinan Redaksi); langkah lain yang lewat standar menyebut langkah berikutnya menurut SOP.
    Dengan --kirim, pengingat dikirim sekali per kasus dan langkah, diulang tiap
    notifikasi.ulang_menit menit kerja selama masih terlambat; yang gagal dicoba lagi pada jalan
    berikutnya. Tidak ada yang dicatat di kasus: admin tetap mencatat langkahnya sendiri.
    """
    desk = env.desk()
    moment = env.moment(pada, "--pada")
    settings = None
    if kirim:
        settings, notes = escalate.notification_settings(desk)
        for note in notes:
            click.echo(f"peringatan: {note}", err=True)
    found = escalate.escalations(desk, moment)
    _warn_window(desk, found.items, moment)
    if settings is None:
        people = People(desk)
        rows = [_escalation_row(desk, people, w, fmt) for w in found.items]
        emit(_flat(rows) if fmt == "csv" else rows, fmt)
        return
    failed = 0
    for outcome in escalate.send(desk, settings, found, moment):
        n = outcome.notice
        who = f"{desk.sop.roles.get(n.role, n.role)} ({', '.join(n.names) or '-'})"
        if outcome.sent:
            say(f"terkirim: {n.case_id} langkah {n.step} → {who}, ke-{outcome.count}")
        else:
            failed += 1
            say(f"gagal: {n.case_id} langkah {n.step} → {who}: {outcome.error}", err=True)
    if failed:
        raise escalate.failure(desk, failed)


def register(group: click.Group) -> None:
    """Add this module's commands to the main group."""
    group.add_command(terlambat)
    group.add_command(eskalasi)
