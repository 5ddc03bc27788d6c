"""The desk's working surface: `antrean` (what to do next, soonest deadline first) and `cari`."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import click

from pengaduan.app import queue as desk_queue
from pengaduan.app import search as desk_search
from pengaduan.app.context import Desk
from pengaduan.cli.common import (
    Env,
    case_filter_options,
    colour,
    complete_staff,
    config_option,
    config_values,
    emit,
    format_option,
    option_value,
    page,
    pass_env,
    table_text,
    terminal_width,
)
from pengaduan.cli.jam import _warn_window, pada_option
from pengaduan.core import timeutil
from pengaduan.i18n import platform_label, status_label
from pengaduan.reports.privacy import mask_handle

MIN_WATCH, MAX_WATCH = 2, 3600
MARK_OPEN, MARK_CLOSE = "«", "»"


# -- antrean ------------------------------------------------------------------------------------------
def _queue_row(desk: Desk, item: desk_queue.Item, fmt: str) -> dict[str, Any]:
    w, case = item.wait, item.case
    who = f"{item.role_name} ({', '.join(item.names) or 'belum ada di daftar petugas'})"
    category = desk.config.categories.get(case.category, case.category) if case.category else ""
    if fmt == "tabel":
        return {
            "id": case.id,
            "platform": platform_label(case.platform),
            "akun": item.account,
            "kategori": category or "-",
            "langkah": f"{w.at_step} → {w.step}",
            "menunggu": who,
            "waktu": item.words,
            "batas": timeutil.short_human(w.due),
            "perintah": w.command,
        }
    return {
        "id": case.id,
        "platform": case.platform,
        "akun": item.account,
        "kategori": case.category or "",
        "bidang": case.bidang or "",
        "status": w.status,
        "langkah_saat_ini": w.at_step,
        "langkah_ditunggu": w.step,
        "kegiatan": desk.sop.steps[w.step].activity,
        "peran": w.role,
        "nama_peran": item.role_name,
        "petugas": list(item.names) if fmt == "json" else "; ".join(item.names),
        "kode_petugas": list(item.codes) if fmt == "json" else "; ".join(item.codes),
        "sejak": timeutil.to_text(w.since),
        "batas": timeutil.to_text(w.due),
        "sisa_menit": round(item.left, 1),
        "terlambat": w.overdue,
        "keadaan": item.words,
        "perintah": w.command,
    }


def render_queue(desk: Desk, moment, role: str | None, staff: str | None, fmt: str) -> tuple[list[dict[str, Any]], list[bool]]:  # noqa: ANN001
    items = desk_queue.queue(desk, moment, role, staff)
    _warn_window(desk, [i.wait for i in items], moment)
    return [_queue_row(desk, i, fmt) for i in items], [i.wait.overdue for i in items]


def watch(render: Callable[[], str], seconds: int, rounds: int | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    """Show `render()` full screen every `seconds` until Ctrl-C (or `rounds` times); returns the rounds shown."""
    shown = 0
    try:
        while rounds is None or shown < rounds:
            text = render()
            click.clear()
            click.echo(text)
            shown += 1
            if rounds is not None and shown >= rounds:
                break
            sleep(seconds)
    except KeyboardInterrupt:
        pass
    return shown


@click.command("antrean")
@config_option("--peran", "peran", "Hanya yang harus dikerjakan peran ini.")
@click.option("--petugas", "staff", metavar="KODE", shell_complete=complete_staff,
              help="Hanya yang harus dikerjakan petugas ini (perannya, dan bidangnya bila kasus berbidang).")  # fmt: skip
@pada_option
@format_option("tabel", "json", "csv")
@click.option("--pantau", type=click.IntRange(MIN_WATCH, MAX_WATCH), metavar="DETIK",
              help=f"Layar penuh, diperbarui tiap DETIK detik ({MIN_WATCH}–{MAX_WATCH}); Ctrl-C berhenti.")  # fmt: skip
@pass_env
def antrean(env: Env, peran: str | None, staff: str | None, pada: str | None, fmt: str, pantau: int | None) -> None:
    """Semua kasus terbuka, batas waktu terdekat dulu: langkah yang ditunggu, siapa yang harus
    bertindak, sisa atau lewatnya waktu kerja, dan perintah berikutnya.

    Waktu dihitung dalam menit kerja menurut kalender store (jam kerja, akhir pekan dan hari libur
    tidak dihitung). Di terminal, baris yang terlambat berwarna merah (kecuali NO_COLOR diset).
    """
    desk = env.desk()
    if pantau is None:
        moment = env.moment(pada, "--pada")
        rows, late = render_queue(desk, moment, peran, staff, fmt)
        emit(rows, fmt, empty="(tidak ada kasus terbuka)", late=lambda i: late[i])
        return
    if fmt != "tabel":
        raise click.UsageError("--pantau hanya untuk --format tabel")

    def screen() -> str:
        moment = env.moment(pada, "--pada")
        rows, late = render_queue(desk, moment, peran, staff, "tabel")
        head = f"Antrean per {timeutil.short_human(moment)} — {len(rows)} kasus terbuka, {sum(late)} terlambat " \
               f"(diperbarui tiap {pantau} detik; Ctrl-C berhenti)"  # fmt: skip
        body = table_text(rows, terminal_width() or 100, lambda i: late[i]) if rows else "(tidak ada kasus terbuka)"
        return head + "\n\n" + body

    watch(screen, pantau)


# -- cari ------------------------------------------------------------------------------------------------
def marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The snippet with «» around each match."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], MARK_OPEN, text[start:end], MARK_CLOSE]
        last = end
    out.append(text[last:])
    return "".join(out)


_MARKED_RE = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}\n]*)(?:{MARK_CLOSE}|(?=…|\n|$))")


def highlight(table: str) -> str:
    """On a colour terminal, «word» becomes the word in bold yellow."""
    if not colour():
        return table
    return _MARKED_RE.sub(lambda m: click.style(m.group(1), fg="yellow", bold=True), table)


@click.command("cari")
@click.argument("kata", nargs=-1, required=True)
@case_filter_options
@format_option("tabel", "json", "csv")
@pass_env
def cari(env: Env, kata: tuple[str, ...], status, platform, bidang, kategori, akun, sejak, sampai, fmt: str) -> None:
    """Cari kata di isi pengaduan, jawaban, catatan dan akun; paling cocok dulu, kata yang cocok disorot.

    Huruf besar/kecil dan tanda aksen tidak dibedakan ('perempuan' menemukan 'Pérempuan'); setiap
    KATA harus ada, dan cocok dengan awal kata ('pukul' menemukan 'pukulan'). Nama dan kontak
    pelapor tidak pernah dicari.
    """
    desk = env.desk()
    filters = desk_search.Filters(
        status=status,
        platform=platform,
        bidang=bidang,
        category=kategori,
        account=akun,
        since=timeutil.parse_day(sejak, "--sejak") if sejak else None,
        until=timeutil.parse_day(sampai, "--sampai") if sampai else None,
    )
    notes: list[str] = []
    hits = desk_search.search(desk, kata, filters, notes)
    for note in notes:
        click.echo(f"catatan: {note}", err=True)
    tz = desk.tz
    statuses = config_values(desk, "status")
    rows: list[dict[str, Any]] = []
    for hit in hits:
        case = hit.case
        received = case.received_at.astimezone(tz)
        if fmt == "tabel":
            rows.append({
                "id": case.id,
                "diterima": timeutil.short_human(received),
                "platform": platform_label(case.platform),
                "akun": mask_handle(case.account),
                "status": statuses.get(case.status, status_label(case.status)),
                "di": hit.part,
                "cuplikan": marked(hit.snippet, hit.spans),
            })  # fmt: skip
        else:
            rows.append({
                "id": case.id,
                "skor": round(hit.score, 2),
                "diterima": timeutil.to_text(received),
                "platform": case.platform,
                "akun": mask_handle(case.account),
                "status": case.status,
                "kategori": case.category or "",
                "bidang": case.bidang or "",
                "bagian": hit.part,
                "cuplikan": hit.snippet,
                "sorotan": [list(s) for s in hit.spans] if fmt == "json" else "; ".join(f"{a}-{b}" for a, b in hit.spans),
            })  # fmt: skip
    if fmt != "tabel" or not rows:
        emit(rows, fmt, empty="(tidak ada kasus yang cocok)")
        return
    page(highlight(table_text(rows, None if option_value("lebar", False) else terminal_width())))


def register(group: click.Group) -> None:
    group.add_command(antrean)
    group.add_command(cari)
