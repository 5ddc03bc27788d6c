"""`pengaduan riwayat`, `pengaduan audit` and `pengaduan koreksi`: the audit trail from git."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from pengaduan.app import cases, privacy
from pengaduan.cli.common import Env, case_argument, format_option, pass_env, say, text_option
from pengaduan.core import ids, timeutil
from pengaduan.core.actions import describe
from pengaduan.errors import CaseNotFound
from pengaduan.i18n import AUDIT_PHASES, CHANGE_WORDS, action_label

if TYPE_CHECKING:  # app.history (and the audit rules) is imported by riwayat and audit only, not by koreksi
    from pengaduan.app.history import CaseEvent

PHASES = AUDIT_PHASES


def _signature_label(event: CaseEvent) -> str:
    if not event.signed:
        return "tidak ditandatangani"
    return "sah" if event.signature_problem is None else f"TIDAK SAH: {event.signature_problem}"


def _when(moment: Any) -> str:
    return timeutil.short_human(moment)


def _event_row(event: CaseEvent, with_diff: bool) -> dict[str, Any]:
    last = event.entries[-1] if event.entries else None
    row: dict[str, Any] = {
        "commit": event.commit,
        "waktu_commit": timeutil.to_text(event.time),
        "penulis": {"nama": event.author_name, "email": event.author_email},
        "subjek": event.subject,
        "perubahan": CHANGE_WORDS.get(event.status, event.status).lower(),
        "langkah": last.step if last else None,
        "aksi": last.action if last else None,
        "pelaksana": last.performer_role if last else None,
        "nama_pelaksana": last.performer_name if last else None,
        "catatan": last.note if last else None,
        "entri": [entry.to_dict() for entry in event.entries],
        "tanda_tangan": {"ada": event.signed, "sah": event.signed and event.signature_problem is None,
                         "masalah": event.signature_problem if event.signed else None},
    }  # fmt: skip
    if with_diff:
        row["diff"] = event.diff
    return row


@click.command("riwayat")
@case_argument
@format_option("teks", "json")
@click.option("--diff", "with_diff", is_flag=True, help="Tampilkan juga perubahan berkas YAML di tiap commit.")
@pass_env
def riwayat(env: Env, kasus: str, fmt: str, with_diff: bool) -> None:
    """Riwayat satu kasus dari git: tiap commit dengan penulis, waktu, langkah dan tanda tangannya."""
    store = env.desk()
    try:
        case_id = cases.resolve(store, kasus)
    except CaseNotFound:
        # A deleted case file still has its history: a full ID is looked up in git.
        case_id = ids.normalise(kasus)
        if not ids.is_valid(case_id):
            raise
    from pengaduan.app.history import case_history

    events = case_history(store, case_id, with_diff)
    if not events:
        raise CaseNotFound(f"kasus '{kasus}' tidak ada dalam riwayat store; lihat 'pengaduan daftar'")
    if fmt == "json":
        click.echo(json.dumps([_event_row(e, with_diff) for e in events], ensure_ascii=False, indent=2))
        return
    lines = [f"Riwayat kasus {case_id} ({cases.file_of(case_id)}): {len(events)} commit"]
    for event in events:
        lines += ["", f"commit {event.commit[:10]}  {_when(event.time)}  {event.author_name} <{event.author_email}>"]
        lines.append(f"  tanda tangan: {_signature_label(event)}")
        if event.status == "D":
            lines.append("  berkas kasus DIHAPUS")
        if event.status != "D" and not event.entries:
            lines.append("  berkas berubah tanpa entri riwayat baru")
        for entry in event.entries:
            who = entry.performer_role + (f" ({entry.performer_name})" if entry.performer_name else "")
            moment = entry.time.astimezone(store.tz)
            lines.append(
                f"  langkah {entry.step} {entry.action} — {action_label(entry.action)}; pelaksana {who}, "
                f"dicatat {entry.recorder}, {_when(moment)}"
            )
            if entry.changes and "kolom" in entry.changes:
                change = entry.changes
                values = "(data pribadi, tidak dicatat)"
                if "lama" in change:
                    values = f"{change.get('lama')!r} -> {change.get('baru')!r}"
                lines.append(f"    {change.get('kolom')}: {values}")
            elif entry.changes:
                lines.append(f"    {describe(entry)}")
            for label, value in (("jawaban", entry.answer), ("saluran", entry.channel), ("catatan", entry.note)):
                if value:
                    lines.append(f"    {label}: {value}")
        if with_diff and event.diff:
            lines += ["", *[f"    {line}" for line in event.diff.rstrip("\n").split("\n")]]
    say(*lines)


class _ProgressBar:
    """click's progress bar on stderr, one per phase; only ever made when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.phase = ""
        self.done = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.bar = click.progressbar(length=total, label=PHASES.get(phase, phase), file=sys.stderr)
            self.bar.__enter__()
            self.phase, self.done = phase, 0
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("audit")
@click.option("--sejak", metavar="REV", help="Periksa hanya commit sesudah REV (id commit, tag, HEAD~100...).")
@format_option("teks", "json")
@pass_env
@click.pass_context
def audit(ctx: click.Context, env: Env, sejak: str | None, fmt: str) -> None:
    """Periksa seluruh riwayat store (atau sejak REV) terhadap SOP, daftar petugas dan tanda tangan.

    Keluar dengan kode 0 bila bersih, 1 bila ada temuan (tiap temuan: commit, kasus, aturan).
    """
    from pengaduan.app.history import run_audit

    store = env.desk()
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        result = run_audit(store, sejak, bar)
    finally:
        if bar is not None:
            bar.close()
    if fmt == "json":
        data = {
            "commit_diperiksa": result.commits,
            "kasus_diperiksa": result.cases,
            "head": result.head,
            "temuan": [f.to_dict() for f in result.findings],
            "ringkasan": result.summary,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for finding in result.findings:
            say(f"{finding.commit[:10]}  {finding.case or '-':<14}  aturan {finding.rule}: {finding.message}")
        say(result.summary)
    ctx.exit(1 if result.findings else 0)


@click.command("koreksi")
@case_argument
@click.option(
    "--kolom", "--field", "kolom", required=True, metavar="KOLOM",
    help="Kolom: platform, akun, tautan, jenis, isi, waktu_unggah, waktu_terima, kategori, bidang, pelapor.nama, "
    "pelapor.kontak (nilai data pelapor tidak ditulis ke riwayat).",
)  # fmt: skip
@click.option("--nilai", required=True, metavar="NILAI", help="Nilai yang benar.")
@text_option("--alasan", "reason", "Mengapa dikoreksi (masuk ke riwayat).", required=True)
@pass_env
def koreksi(env: Env, kasus: str, kolom: str, nilai: str, alasan: str) -> None:
    """Koreksi satu kolom kasus (satu commit); nilai lama dan baru tetap di riwayat (data pelapor: hanya kolomnya)."""
    store = env.desk()
    actor = env.actor()
    case, commit = cases.correct(store, cases.resolve(store, kasus), kolom, nilai, alasan, actor)
    # Shown as this machine can read it: sealed values stay sealed in the file and the history.
    case = privacy.open_one(store, privacy.Keys(store), case, strict=False).case
    change = case.history[-1].changes or {}
    values = "data pribadi, nilainya tidak dicatat di riwayat"
    if "lama" in change:
        values = f"{change.get('lama')!r} -> {change.get('baru')!r}"
    say(f"{case.id}: kolom {kolom} dikoreksi ({values}) (commit {commit[:8]})")


def register(group: click.Group) -> None:
    """Add this module's commands to the main group."""
    for command in (riwayat, audit, koreksi):
        group.add_command(command)
