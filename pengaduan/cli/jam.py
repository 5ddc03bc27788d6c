"""`pengaduan terlambat` and `pengaduan eskalasi`: keeping the desk ahead of the SOP's clock.

Both read every case in one batch (`Store.load_all`) and evaluate them with `core.sla` as of
now or `--pada`. Neither ever changes a case: `eskalasi --kirim` only runs the configured
notification command and records what it sent under .git/pengaduan/.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from pengaduan.cli.base import Choice
from pengaduan.cli.common import Env, emit, pass_env, say
from pengaduan.core import sla, timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import Staff
from pengaduan.errors import ConfigError
from pengaduan.store import notify
from pengaduan.store.store import Store

STATE_OVERDUE = "terlambat"
STATE_CLOSE = "hampir"

pada_option = click.option(
    "--pada",
    metavar="WAKTU",
    help="Nilai keadaan pada saat ini (ISO 8601, lampau atau mendatang; WIB bila tanpa zona). Bawaan: sekarang.",
)
format_option = click.option("--format", "fmt", type=Choice(["tabel", "json", "csv"]), default="tabel", show_default=True)


def _label(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H.%M}"


class _People:
    """Who must act, per role and bidang, looked up once per run (lists can hold many cases)."""

    def __init__(self, store: Store) -> None:
        self.config = store.config
        self.found: dict[tuple[str, str | None], list[Staff]] = {}

    def __call__(self, role: str, case: Case) -> list[Staff]:
        key = (role, case.bidang)
        if key not in self.found:
            self.found[key] = sla.responsible(self.config, role, case)
        return self.found[key]


def _flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CSV cells hold no lists."""
    return [{k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()} for row in rows]


def _late_row(store: Store, people: _People, w: sla.Waiting, fmt: str) -> dict[str, Any]:
    names = [s.name for s in people(w.role, w.case)]
    role = store.sop.roles.get(w.role, w.role)
    state = STATE_OVERDUE if w.overdue else STATE_CLOSE
    if fmt == "tabel":
        return {
            "id": w.case.id,
            "langkah": f"{w.at_step} → {w.step}",
            "menunggu": f"{role} ({', '.join(names) or 'belum ada di daftar petugas'})",
            "terpakai": f"{w.used:.0f}/{w.allowed} mnt",
            "persen": f"{w.share * 100:.0f}%",
            "keadaan": state.upper() if w.overdue else state,
            "batas": _label(w.due),
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
    }


@click.command("terlambat")
@pada_option
@format_option
@click.option("--exit-code", "exit_code", is_flag=True, help="Keluar dengan kode 1 bila ada kasus yang terlambat (untuk cron).")
@pass_env
def terlambat(env: Env, pada: str | None, fmt: str, exit_code: bool) -> None:
    """Kasus terbuka yang langkah berikutnya terlambat atau hampir (≥ 75 % standar), terburuk dulu."""
    store = env.store()
    moment = env.moment(pada, "--pada")
    items = sla.late_list(store.load_all(), store.sop, store.tz, store.calendar, moment)
    people = _People(store)
    rows = [_late_row(store, people, w, fmt) for w in items]
    emit(_flat(rows) if fmt == "csv" else rows, fmt)
    if exit_code and any(w.overdue for w in items):
        raise click.exceptions.Exit(1)


def _message(store: Store, w: sla.Waiting, names: list[str]) -> str:
    """The Indonesian reminder text: the facts, the SOP's prescribed step, and how to record it."""
    roles = store.sop.roles
    e = w.escalation
    since = f"{w.since:%d-%m-%Y %H.%M} WIB"
    text = (
        f"Pengaduan {w.case.id} menunggu langkah {w.step} dari {roles.get(w.role, w.role)} sejak {since}: "
        f"{w.used:.0f} menit kerja, standar {w.allowed} menit."
    )
    if e.step != w.step:
        text += f" Menurut SOP berlaku langkah {e.step}: {store.sop.steps[e.step].activity}"
    else:
        text += f" Langkah {e.step}: {store.sop.steps[e.step].activity}"
    text += f" Yang harus bertindak: {roles.get(e.role, e.role)}"
    text += f" ({', '.join(names)})." if names else "."
    if e.command:
        text += f" Catat dengan: {e.command}"
    return text


def _escalation_row(store: Store, people: _People, w: sla.Waiting, fmt: str) -> dict[str, Any]:
    e = w.escalation
    names = [s.name for s in people(e.role, w.case)]
    role = store.sop.roles.get(e.role, e.role)
    if fmt == "tabel":
        return {
            "id": w.case.id,
            "menunggu": f"L{w.step} {store.sop.roles.get(w.role, w.role)}",
            "terpakai": f"{w.used:.0f}/{w.allowed} mnt",
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
        "pesan": _message(store, w, names),
    }


def _notice(store: Store, people: _People, w: sla.Waiting) -> notify.Notice:
    e = w.escalation
    staff = people(e.role, w.case)
    names = [s.name for s in staff]
    return notify.Notice(
        case_id=w.case.id,
        at_step=w.at_step,
        step=e.step,
        role=e.role,
        names=tuple(names),
        contacts=tuple(c for c in (s.phone or s.email for s in staff) if c),
        message=_message(store, w, names),
        command=e.command,
    )


@click.command("eskalasi")
@pada_option
@click.option(
    "--kirim", is_flag=True, help="Jalankan perintah notifikasi dari pengaduan.yaml untuk tiap kasus yang perlu eskalasi."
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
    store = env.store()
    moment = env.moment(pada, "--pada")
    settings = notify.Settings.from_config(store.config.raw.get("notifikasi")) if kirim else None
    if settings is not None and not settings.command:
        raise ConfigError(
            "notifikasi.perintah di pengaduan.yaml masih kosong; isi perintah shell pengirim pengingat, contoh: "
            'printf \'%s\\n\' "$PENGADUAN_PESAN" | mail -s "Pengaduan $PENGADUAN_KASUS" $PENGADUAN_KONTAK'
        )
    with store.locked():  # a consistent view beside admins who are recording steps right now
        cases = store.load_all()
    items = sla.escalations(cases, store.sop, store.tz, store.calendar, moment)
    people = _People(store)
    if settings is None:
        rows = [_escalation_row(store, people, w, fmt) for w in items]
        emit(_flat(rows) if fmt == "csv" else rows, fmt)
        return
    finals = store.sop.final_statuses
    outbox = notify.Outbox(store.private_dir(), settings, store.calendar, store.config.lock_seconds, store.root)
    outcomes = outbox.deliver(
        [_notice(store, people, w) for w in items],
        moment,
        {c.id: c.step for c in cases if c.status not in finals},
    )
    failed = []
    for outcome in outcomes:
        n = outcome.notice
        who = f"{store.sop.roles.get(n.role, n.role)} ({', '.join(n.names) or '-'})"
        if outcome.sent:
            say(f"terkirim: {n.case_id} langkah {n.step} → {who}, ke-{outcome.count}")
        else:
            failed.append(outcome)
            say(f"gagal: {n.case_id} langkah {n.step} → {who}: {outcome.error}", err=True)
    if failed:
        raise notify.NotifyError(
            f"{len(failed)} pengingat gagal dikirim; tercatat di {store.private_dir() / notify.STATE} "
            "dan dicoba lagi pada jalan berikutnya"
        )


def register(group: click.Group) -> None:
    """Add this module's commands to the main group."""
    group.add_command(terlambat)
    group.add_command(eskalasi)
