"""`pengaduan impor`, `pengaduan duplikat` and `pengaduan tarik meta`: intake in bulk."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from pengaduan.app import duplicates as dup_use
from pengaduan.app import intake
from pengaduan.cli.common import Choice, Env, emit, format_option, pass_env, say
from pengaduan.core import timeutil
from pengaduan.importers import FORMATS

SHOWN_FLAGS = 20  # duplicate warnings printed one by one; past this, one line says how many more


class Bar:
    """A progress bar on stderr when it is a terminal; nothing otherwise (the summary says it all)."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty()
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.on or not total:
            return
        step = (phase, done * 100 // total)
        if step == getattr(self, "_last", None) and done != total:
            return  # redraw once per percent, not once per commit
        self._last = step
        width = 30
        filled = width * done // total
        label = {"memeriksa": "Memeriksa", "menulis": "Menulis commit"}.get(phase, phase)
        sys.stderr.write(f"\r{label:<15} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def end(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _summary(out: intake.Outcome, dry_run: bool) -> str:
    verb = "akan dibuat" if dry_run else "dibuat"
    parts = [
        f"{verb} {len(out.made)} kasus",
        f"{'akan dilampirkan' if dry_run else 'dilampirkan'} {len(out.attached)} pesan lanjutan",
        f"dilewati {out.skipped} sudah diimpor",
        f"{out.own} balasan akun sendiri",
    ]
    if out.earlier:
        parts.append(f"{out.earlier} sebelum --sejak")
    parts.append(f"ditandai {len(out.flagged)} kemungkinan duplikat")
    head = "coba (store tidak diubah)" if dry_run else "impor"
    return f"{head}: " + ", ".join(parts) + f" dari {out.files} berkas"


def _flag_lines(out: intake.Outcome) -> list[str]:
    lines = []
    for planned in out.flagged:
        for likely in planned.duplicates:
            lines.append(
                f"peringatan: {planned.case.id} ({planned.message.origin}) kemungkinan duplikat {likely.other_id} "
                f"({', '.join(likely.reasons)}); periksa, lalu 'pengaduan verifikasi {planned.case.id} --duplikat-dari "
                f"{likely.other_id}' bila benar"
            )
    if len(lines) > SHOWN_FLAGS:
        lines = lines[:SHOWN_FLAGS] + [f"peringatan: dan {len(lines) - SHOWN_FLAGS} lagi; lihat 'pengaduan duplikat'"]
    return lines


def _json(out: intake.Outcome, dry_run: bool) -> dict[str, Any]:
    return {
        "coba": dry_run,
        "berkas": out.files,
        "dibuat": [
            {"id": p.case.id, "asal": p.message.origin, "platform": p.case.platform, "jenis": p.case.kind}
            for p in out.made
        ],
        "dilampirkan": [{"id": p.case.id, "asal": p.message.origin} for p in out.attached],
        "dilewati": out.skipped,
        "balasan_sendiri": out.own,
        "sebelum_sejak": out.earlier,
        "duplikat": [
            {"id": p.case.id, "dengan": d.other_id, "alasan": list(d.reasons)} for p in out.flagged for d in p.duplicates
        ],
        "commit": out.commits,
        "galat": out.problems,
    }


@click.command("impor")
@click.argument("sumber", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "source_format", type=Choice(list(FORMATS)), default="auto", show_default=True,
    help="Bentuk sumber: auto (dikenali sendiri), instagram, messenger, meta (webhook/Graph API), x, tiktok, csv, json.",
)  # fmt: skip
@click.option("--pemetaan", type=click.Path(path_type=Path), help="Berkas YAML pemetaan kolom CSV/JSON ke kolom kasus.")
@click.option("--coba", is_flag=True, help="Periksa semuanya dan tampilkan yang akan dibuat, tanpa mengubah store.")
@click.option("--sejak", metavar="TGL", help="Hanya pesan yang diunggah pada/sesudah tanggal ini (YYYY-MM-DD).")
@format_option("teks", "json", name="--format-keluaran")
@pass_env
def impor(env: Env, sumber, source_format, pemetaan, coba, sejak, fmt):
    """Impor pengaduan dari ekspor platform (berkas, folder atau .zip), payload Meta, atau CSV/JSON.

    Setiap pesan warga menjadi kasus langkah 1; pesan berikutnya dari orang yang sama di percakapan
    yang sama (selama kasusnya terbuka) dilampirkan ke kasus itu tanpa memindah langkahnya. Pesan
    yang sudah pernah diimpor dilewati. Semua diperiksa dulu: satu masalah saja, tidak ada yang ditulis.
    """
    desk = env.desk()
    since = timeutil.parse_day(sejak, "--sejak") if sejak else None
    bar = Bar()
    try:
        out = intake.run(desk, list(sumber), source_format, pemetaan, since, dry_run=coba, progress=bar)
    finally:
        bar.end()
    _report(out, coba, fmt)


def _report(out: intake.Outcome, dry_run: bool, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(_json(out, dry_run), ensure_ascii=False, indent=1))
    elif not out.problems:
        if dry_run:
            for planned in out.planned:
                text = " ".join(planned.case.text.split())
                text = text if len(text) <= 60 else text[:59] + "…"
                if planned.kind == intake.NEW:
                    say(f"akan dibuat {planned.case.id}: {planned.case.platform} {planned.case.account} — {text} "
                        f"({planned.message.origin})")  # fmt: skip
                else:
                    say(f"akan dilampirkan ke {planned.case.id}: {text} ({planned.message.origin})")
        say(_summary(out, dry_run))
    for line in _flag_lines(out) if not out.problems and fmt != "json" else []:
        say(line, err=True)
    if out.problems:
        for problem in out.problems:
            say(f"galat: {problem}", err=True)
        say(f"galat: {len(out.problems)} masalah; tidak ada yang diimpor, store tidak diubah", err=True)
        raise click.exceptions.Exit(1)


@click.command("duplikat")
@format_option("tabel", "json", "csv")
@pass_env
def duplikat(env: Env, fmt):
    """Daftar kemungkinan duplikat (akun sama, atau isi mirip, dalam 'duplikat_hari' hari) yang masih terbuka."""
    desk = env.desk()
    tz = desk.tz
    rows = []
    for pair, case, other in dup_use.open_pairs(desk):
        rows.append(
            {
                "kasus": case.id,
                "kemungkinan_duplikat_dari": other.id,
                "alasan": ", ".join(pair.reasons),
                "platform": f"{case.platform} / {other.platform}",
                "diterima": f"{case.received_at.astimezone(tz):%Y-%m-%d %H.%M}" if fmt == "tabel" else timeutil.to_text(
                    case.received_at.astimezone(tz)
                ),
                "status": f"{case.status} / {other.status}",
            }
        )
    if not rows and fmt == "tabel":
        say("(tidak ada kemungkinan duplikat yang terbuka)")
        return
    emit(rows, fmt)


@click.group("tarik")
def tarik() -> None:
    """Tarik pesan dan komentar baru langsung dari platform."""


@tarik.command("meta")
@click.option("--coba", is_flag=True, help="Tarik dan periksa, tampilkan yang akan dibuat, tanpa mengubah store.")
@format_option("teks", "json", name="--format-keluaran")
@pass_env
def tarik_meta(env: Env, coba, fmt):
    """Komentar Instagram dan Facebook serta percakapan Halaman lewat Graph API, diimpor seperti 'impor'.

    Token akses dibaca dari mesin ini (PENGADUAN_META_TOKEN), tidak pernah dari store. Tempat berhenti
    diingat di .git/pengaduan/, jadi tarikan berikutnya hanya membaca yang baru.
    """
    from pengaduan.app import meta_pull

    desk = env.desk()
    bar = Bar()
    try:
        out = meta_pull.run(desk, dry_run=coba, progress=bar)
    finally:
        bar.end()
    _report(out, coba, fmt)


def register(group: click.Group) -> None:
    group.add_command(impor)
    group.add_command(duplikat)
    group.add_command(tarik)


