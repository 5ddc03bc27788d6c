"""`pengaduan lihat` and `pengaduan daftar`: reading cases, never changing them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import click

from pengaduan.app import cases, privacy
from pengaduan.app.context import Desk
from pengaduan.cli.common import Env, case_argument, case_filter_options, emit, format_option, pass_env, say
from pengaduan.core import sla, timeutil
from pengaduan.core.actions import describe, undone_indexes
from pengaduan.core.case import Case
from pengaduan.core.workflow import allowed_commands, case_action_commands
from pengaduan.i18n import KIND_LABELS, status_label


def _minutes(value: float) -> str:
    return f"{value:.0f} mnt" if value < 120 else f"{timeutil.decimal_comma(value / 60)} jam"


def _timeline(store: Desk, case: Case) -> list[dict[str, Any]]:
    return [
        {
            "langkah": t.step,
            "aksi": t.action,
            "mulai": timeutil.to_text(t.start),
            "selesai": timeutil.to_text(t.end),
            "menit": round(t.wall_minutes, 1),
            "menit_kerja": round(t.minutes, 1),
            "standar_menit": t.standard,
            "memenuhi": t.met,
        }
        for t in sla.step_timings(case, store.sop, store.tz, store.calendar)
    ]


def _waiting_row(store: Desk, wait: sla.Waiting) -> dict[str, Any]:
    return {
        "langkah": wait.step,
        "pelaksana": store.sop.roles.get(wait.role, wait.role),
        "menit_terpakai": round(wait.used, 1),
        "menit_standar": wait.allowed,
        "batas": timeutil.short_human(wait.due),
        "terlambat": wait.overdue,
    }


def case_json(desk: Desk, case: Case, state: str | None = None) -> dict[str, Any]:
    """A case as `lihat --format json` (and every step command's `--format json`) prints it: opened
    as this machine can read it (pass the state of an already opened case)."""
    from pengaduan.app.duplicates import duplicated_by

    if state is None:
        opened = privacy.open_one(desk, privacy.Keys(desk), case, strict=False)
        case, state = opened.case, opened.state
    wait = sla.waiting(case, desk.sop, desk.tz, desk.calendar, desk.now(), desk.config.pause_limit_days)
    data = case.to_dict()
    data["data_pribadi"] = state
    data["duplikatnya"] = duplicated_by(desk, case.id)
    data["waktu_langkah"] = _timeline(desk, case)
    data["aksi_berikut"] = allowed_commands(desk.sop, case)
    data["aksi_lain"] = case_action_commands(desk.sop, case)
    if wait:
        row = _waiting_row(desk, wait)
        row["batas"] = timeutil.to_text(wait.due)
        data["menunggu"] = row
    else:
        data["menunggu"] = None
    data["ditunda_sejak"] = timeutil.to_text(wait.paused_since.astimezone(desk.tz)) if wait and wait.paused_since else None
    data["entri_dibatalkan"] = sorted(i + 1 for i in undone_indexes(case.history))
    return data


def _summary(text: str, width: int = 48) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@click.command("lihat")
@case_argument
@format_option("teks", "json")
@pass_env
def lihat(env: Env, kasus: str, fmt: str) -> None:
    """Semua tentang satu kasus, dengan lini waktu tiap langkah terhadap standar SOP."""
    store = env.desk()
    opened = privacy.open_one(store, privacy.Keys(store), cases.find(store, kasus))
    if fmt == "json":
        click.echo(json.dumps(case_json(store, opened.case, opened.state), ensure_ascii=False, indent=2))
        return
    case = opened.case
    timeline = _timeline(store, case)
    wait = sla.waiting(case, store.sop, store.tz, store.calendar, store.now(), store.config.pause_limit_days)
    from pengaduan.app.duplicates import duplicated_by

    repeated_by = duplicated_by(store, case.id)
    tz = store.tz
    received = case.received_at.astimezone(tz)
    lines = [
        f"Kasus {case.id} — {status_label(case.status)} (langkah {case.step})",
        f"  Platform : {case.platform} ({KIND_LABELS.get(case.kind, case.kind)})",
        f"  Akun     : {case.account}",
    ]
    if case.link:
        lines.append(f"  Tautan   : {case.link}")
    if case.posted_at:
        posted = case.posted_at.astimezone(tz)
        lines.append(f"  Diunggah : {timeutil.short_human(posted)}")
    lines.append(f"  Diterima : {timeutil.short_human(received)}")
    if case.category:
        lines.append(f"  Kategori : {store.config.categories.get(case.category, case.category)}")
    if case.bidang:
        lines.append(f"  Bidang   : {store.config.bidang.get(case.bidang, case.bidang)}")
    flags = [label for on, label in ((case.anonymous, "anonim"), (case.confidential, "rahasia")) if on]
    if flags:
        lines.append(f"  Sifat    : {', '.join(flags)}")
    if case.duplicate_of:
        lines.append(f"  Duplikat dari: {case.duplicate_of}")
    if repeated_by:
        lines.append(f"  Duplikatnya  : {', '.join(repeated_by)}")
    if case.anonymous:
        lines.append("  Pelapor  : anonim (nama dan kontak tidak disimpan)")
    elif case.reporter.name or case.reporter.contact:
        lines.append(f"  Pelapor  : {case.reporter.name or '-'} / {case.reporter.contact or '-'}")
    # Split on line feeds only: every other control character is shown escaped, never acted on.
    lines += ["  Isi      :", *[f"    {line}" for line in case.text.replace("\r\n", "\n").split("\n")], "", "Riwayat:"]
    by_step = {t["selesai"] + str(t["langkah"]): t for t in timeline}
    undone = undone_indexes(case.history)
    for index, entry in enumerate(case.history):
        when = entry.time.astimezone(tz)
        who = f"{store.sop.roles.get(entry.performer_role, entry.performer_role)}"
        if entry.performer_name:
            who += f" ({entry.performer_name})"
        t = None if index in undone else by_step.get(timeutil.to_text(when) + str(entry.step))
        timing = "  [DIBATALKAN]" if index in undone else ""
        if t is not None and entry.action in store.sop.step_actions:
            mark = "memenuhi" if t["memenuhi"] else "MELEWATI"
            timing = f"  [{_minutes(t['menit'])}; kerja {_minutes(t['menit_kerja'])} / standar {t['standar_menit']} mnt: {mark}]"
        lines.append(
            f"  {timeutil.short_human(when)} L{entry.step:<2} {describe(entry)} — {who}, "
            f"dicatat {entry.recorder}{timing}"
        )
        for label, value in (("jawaban", entry.answer), ("saluran", entry.channel), ("catatan", entry.note)):
            if value:
                lines.append(f"      {label}: {value}")
    if opened.state == "terenkripsi":
        lines += ["", "Mesin ini tidak memegang kunci kasus ini: data pribadinya [terenkripsi]. Minta izin dengan "
                  "'pengaduan kunci minta' (lalu admin: 'pengaduan kunci izinkan')."]  # fmt: skip
    allowed = allowed_commands(store.sop, case)
    if allowed:
        lines += ["", "Aksi berikut: " + "; ".join(allowed)]
    others = case_action_commands(store.sop, case)
    if others:
        lines += ([] if allowed else [""]) + ["Aksi lain: " + "; ".join(others)]
    if wait and wait.paused_since is not None:
        since = wait.paused_since.astimezone(store.tz)
        lines.append(
            f"Ditunda sejak {timeutil.short_human(since)} (menunggu pelapor): jam SOP berhenti pada "
            f"{wait.used:.0f} dari {wait.allowed} menit kerja langkah {wait.step}; lanjutkan dengan "
            f"'pengaduan lanjutkan {case.id}'" + (" — TUNDA TERLALU LAMA" if wait.pause_too_long else "")
        )
    elif wait:
        row = _waiting_row(store, wait)
        state = "TERLAMBAT" if wait.overdue else ("hampir habis" if wait.close else "dalam standar")
        lines.append(
            f"Menunggu langkah {row['langkah']} ({row['pelaksana']}): {row['menit_terpakai']:.0f} dari "
            f"{row['menit_standar']} menit kerja terpakai, batas {row['batas']} — {state} "
            f"({timeutil.left_words(wait.used, wait.allowed)})"
        )
    say(*lines)


@click.command("daftar")
@case_filter_options
@format_option("tabel", "json", "csv")
@pass_env
def daftar(env: Env, status, platform, bidang, kategori, akun, sejak, sampai, fmt):
    """Daftar kasus, disaring menurut status, platform, bidang, kategori, akun dan tanggal diterima."""
    store = env.desk()
    since = timeutil.parse_day(sejak, "--sejak") if sejak else None
    until = timeutil.parse_day(sampai, "--sampai") if sampai else None
    where = cases.list_filter(store, status, platform, bidang, kategori, since, until)
    found = cases.rows(store, where)  # streamed from the index, the text and handle as lists may show them
    if akun:
        # --akun matches the handle as this machine reads it (never a `rahasia` case's, which is not shown).
        from pengaduan.app.search import same_account

        found = (row for row in found if row.account and same_account(akun, row.account))
    emit(list_rows(store, found, fmt), fmt)


def list_rows(desk: Desk, found: Iterable[cases.Row], fmt: str) -> Iterator[dict[str, Any]]:
    """The rows of a case list as `emit` prints them (daftar, and the other lists of cases)."""
    from pengaduan.reports.privacy import mask_handle

    table = fmt == "tabel"
    tz = desk.tz
    for row in found:
        yield {
            "id": row.id,
            "diterima": timeutil.short_human(row.moment(tz)) if table else row.received_text,
            "platform": row.platform,
            "akun": row.masked if row.masked is not None else mask_handle(row.account) if row.account else "",
            "jenis": row.kind,
            "status": row.status,
            "langkah": row.step,
            "bidang": row.bidang or "",
            "kategori": row.category or "",
            "ringkasan": _summary(row.text) if table else row.text,
        }


def register(group: click.Group) -> None:
    group.add_command(lihat)
    group.add_command(daftar)
