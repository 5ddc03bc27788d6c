"""`pengaduan laporan`: the daily report (step 12) and the monthly report (steps 13-15)."""

from __future__ import annotations

from pathlib import Path

import click

from pengaduan.cli.common import Env, format_option, pass_env, say, waktu_option
from pengaduan.cli.common import catatan_option as common_catatan_option
from pengaduan.core import timeutil
from pengaduan.errors import InputError

TEXT_FILE = click.Path(dir_okay=False, path_type=Path)


def quiet_option(func):  # noqa: ANN001, ANN201
    return click.option("-q", "--diam", "quiet", is_flag=True, help="Tidak mencetak apa pun bila berhasil (untuk cron).")(func)


catatan_option = common_catatan_option(help="Catatan pada peristiwa laporan ini (disimpan di catatannya).")


def bulan_option(func):  # noqa: ANN001, ANN201
    return click.option("--bulan", required=True, metavar="YYYY-MM", help="Bulan laporan, mis. 2026-11.")(func)


def _text(value: str | None, path: Path | None, option: str) -> str | None:
    """Text given on the command line, or read from a file; None when neither was given."""
    if value is not None and path is not None:
        raise InputError(f"pakai --{option} atau --{option}-berkas, jangan keduanya")
    if path is None:
        return value
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "bukan teks UTF-8"
        raise InputError(f"--{option}-berkas {path} tidak dapat dibaca ({reason}); periksa nama berkasnya") from None


@click.group("laporan")
def laporan() -> None:
    """Laporan harian (langkah 12) dan laporan bulanan (langkah 13-15), HTML dan PDF."""


@laporan.command("harian")
@click.option("--tanggal", metavar="YYYY-MM-DD", help="Hari yang dilaporkan. Bawaan: hari ini (WIB).")
@format_option("html", "pdf", "semua", default="semua", help="Berkas yang dibuat: semua (HTML dan PDF), html atau pdf.")
@click.option(
    "--keluaran",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Tulis berkas ke folder ini saja (tanpa commit ke store).",
)
@quiet_option
@pass_env
def harian(env: Env, tanggal: str | None, fmt: str, keluaran: Path | None, quiet: bool) -> None:
    """Langkah 12: buat laporan harian (laporan/harian/YYYY/MM/YYYY-MM-DD.html dan .pdf), satu commit."""
    from pengaduan.app.reports import FORMATS, make_daily

    store = env.desk()
    actor = env.actor()
    now = store.now()
    day = timeutil.parse_day(tanggal, "--tanggal") if tanggal else now.date()
    outcome = make_daily(store, actor, day, FORMATS[fmt], keluaran, now)
    if quiet:
        return
    files = ", ".join(outcome.files)
    if keluaran is not None:
        state = "ditulis" if outcome.changed else "tidak berubah"
        say(f"laporan harian {day.isoformat()}: {files} ({state}; tanpa commit)")
    elif outcome.changed:
        removed = f"; dihapus karena usang: {', '.join(outcome.removed)}" if outcome.removed else ""
        say(f"laporan harian {day.isoformat()}: {files}{removed} (commit {outcome.commit[:8] if outcome.commit else '-'})")
    else:
        say(f"laporan harian {day.isoformat()} tidak berubah: {files}; tidak ada commit")


@laporan.group("bulanan")
def bulanan() -> None:
    """Laporan bulanan: susun (Pimpinan Redaksi), paraf (Kepala Bidang), periksa (Pimpinan Redaksi)."""


def _report(outcome, month: str, done: str, quiet: bool) -> None:  # noqa: ANN001
    if quiet:
        return
    files = ", ".join(outcome.files)
    if outcome.changed:
        say(f"laporan bulanan {month}: {done} — {files} (commit {outcome.commit[:8] if outcome.commit else '-'})")
    else:
        say(f"laporan bulanan {month} tidak berubah ({files}); tidak ada commit")


@bulanan.command("susun")
@bulan_option
@click.option("--kesimpulan", metavar="TEKS", help="Bagian Kesimpulan (paragraf dipisah baris kosong).")
@click.option("--kesimpulan-berkas", type=TEXT_FILE, metavar="BERKAS", help="Kesimpulan dari berkas teks (UTF-8).")
@click.option("--rekomendasi", metavar="TEKS", help="Bagian Rekomendasi.")
@click.option("--rekomendasi-berkas", type=TEXT_FILE, metavar="BERKAS", help="Rekomendasi dari berkas teks (UTF-8).")
@click.option("--revisi", is_flag=True, help="Susun ulang laporan yang sudah diparaf atau final sebagai revisi baru.")
@waktu_option
@catatan_option
@quiet_option
@pass_env
def susun(env: Env, bulan, kesimpulan, kesimpulan_berkas, rekomendasi, rekomendasi_berkas, revisi, waktu, catatan, quiet):  # noqa: ANN001, ANN201
    """Langkah 13: Pimpinan Redaksi menyusun draf laporan bulanan (satu commit)."""
    from pengaduan.app.reports import draft_monthly

    conclusion = _text(kesimpulan, kesimpulan_berkas, "kesimpulan")
    recommendation = _text(rekomendasi, rekomendasi_berkas, "rekomendasi")
    store = env.desk()
    actor = env.actor()
    outcome = draft_monthly(store, actor, bulan, env.moment(waktu), conclusion, recommendation, revisi, catatan)
    _report(outcome, bulan, "draf disusun, menunggu paraf Kepala Bidang", quiet)


def _sign_off_command(name: str, action: str, done: str, doc: str) -> click.Command:
    """`paraf` and `periksa`: the same options, a different step of the report's life."""

    def command(env: Env, bulan: str, waktu: str | None, catatan: str | None, quiet: bool) -> None:
        from pengaduan.app import reports as publish

        outcome = getattr(publish, action)(env.desk(), env.actor(), bulan, env.moment(waktu), catatan)
        _report(outcome, bulan, done, quiet)

    command.__doc__ = doc
    return bulanan.command(name)(bulan_option(waktu_option(catatan_option(quiet_option(pass_env(command))))))


paraf = _sign_off_command(
    "paraf",
    "initial_monthly",
    "diparaf, menunggu pemeriksaan Pimpinan Redaksi",
    "Langkah 14: Kepala Bidang memaraf draf laporan bulanan (satu commit).",
)
periksa = _sign_off_command(
    "periksa",
    "check_monthly",
    "diperiksa, final; SOP selesai",
    "Langkah 14-15: Pimpinan Redaksi memeriksa laporan yang sudah diparaf; laporan final (satu commit).",
)


@bulanan.command("lihat")
@bulan_option
@pass_env
def lihat(env: Env, bulan: str) -> None:
    """Status laporan bulanan dan riwayat peristiwanya (siapa, peran, kapan)."""
    from pengaduan.app.reports import load_record, parse_month
    from pengaduan.core.monthly_report import STATUS_LABELS

    year, month = parse_month(bulan)
    rec = load_record(env.desk(), year, month)
    if rec is None:
        say(f"laporan bulanan {bulan} belum disusun")
        return
    say(f"laporan bulanan {rec.month}: {STATUS_LABELS.get(rec.status, rec.status)}, revisi {rec.revision}")
    for e in rec.events:
        note = f" — {e.note}" if e.note else ""
        say(f"  r{e.revision} langkah {e.step} {e.action:<8} {e.time}  {e.name} ({e.role}){note}")
    for rel in sorted(rec.files):
        say(f"  {rel}")


def register(group: click.Group) -> None:
    group.add_command(laporan)
