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


def keluaran_berkas_option(func):  # noqa: ANN001, ANN201
    return click.option(
        "--keluaran", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="BERKAS",
        help="Berkas yang ditulis (tanpa commit ke store).",
    )(func)  # fmt: skip


def ekspor_format_option(func):  # noqa: ANN001, ANN201
    return format_option("xlsx", "csv", default="xlsx", help="xlsx (satu lembar per tabel) atau csv (tabel berurutan).")(func)


@laporan.group("harian", invoke_without_command=True)
@click.option("--tanggal", metavar="YYYY-MM-DD", help="Hari yang dilaporkan. Bawaan: hari ini (WIB).")
@format_option("html", "pdf", "semua", default="semua", help="Berkas yang dibuat: semua (HTML dan PDF), html atau pdf.")
@click.option(
    "--keluaran",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Tulis berkas ke folder ini saja (tanpa commit ke store; boleh oleh petugas aktif mana pun).",
)
@quiet_option
@click.pass_context
def harian(ctx: click.Context, tanggal: str | None, fmt: str, keluaran: Path | None, quiet: bool) -> None:
    """Langkah 12: buat laporan harian (laporan/harian/YYYY/MM/YYYY-MM-DD.html dan .pdf), satu commit.

    PDF-nya PDF/A-3b berisi catatan data dan angka laporan sebagai lampiran.
    'pengaduan laporan harian ekspor' menulis angkanya sebagai lembar kerja.
    """
    if ctx.invoked_subcommand is not None:
        return
    from pengaduan.app.reports import FORMATS, make_daily

    env = ctx.find_object(Env)
    assert env is not None, "the pengaduan group sets the Env"

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


@harian.command("ekspor")
@click.option("--tanggal", metavar="YYYY-MM-DD", help="Hari yang dilaporkan. Bawaan: hari ini (WIB).")
@ekspor_format_option
@keluaran_berkas_option
@pass_env
def harian_ekspor(env: Env, tanggal: str | None, fmt: str, keluaran: Path) -> None:
    """Angka laporan harian sebagai lembar kerja xlsx atau csv (tanpa commit)."""
    from pengaduan.app.reports import export_daily

    desk = env.desk()
    now = desk.now()
    day = timeutil.parse_day(tanggal, "--tanggal") if tanggal else now.date()
    path = export_daily(desk, day, fmt, keluaran, now)
    say(f"angka laporan harian {day.isoformat()} ditulis ke {path} ({fmt}; tanpa commit)")


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
@click.option("--nomor", metavar="TEKS", help="Nomor surat laporan (dicetak di bawah judul); tetap bila tidak disebut.")
@click.option("--revisi", is_flag=True, help="Susun ulang laporan yang sudah diparaf atau final sebagai revisi baru.")
@waktu_option
@catatan_option
@quiet_option
@pass_env
def susun(env: Env, bulan, kesimpulan, kesimpulan_berkas, rekomendasi, rekomendasi_berkas, nomor, revisi, waktu, catatan, quiet):  # noqa: ANN001, ANN201, E501
    """Langkah 13: Pimpinan Redaksi menyusun draf laporan bulanan (satu commit)."""
    from pengaduan.app.reports import draft_monthly

    conclusion = _text(kesimpulan, kesimpulan_berkas, "kesimpulan")
    recommendation = _text(rekomendasi, rekomendasi_berkas, "rekomendasi")
    store = env.desk()
    actor = env.actor()
    outcome = draft_monthly(store, actor, bulan, env.moment(waktu), conclusion, recommendation, revisi, catatan, nomor)
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


@bulanan.command("periksa")
@bulan_option
@click.option(
    "--tanpa-tanda-tangan", "unsigned", is_flag=True,
    help="Jangan tanda tangani PDF secara elektronik walau sertifikat (PENGADUAN_P12) tersedia di mesin ini.",
)  # fmt: skip
@waktu_option
@catatan_option
@quiet_option
@pass_env
def periksa(env: Env, bulan: str, unsigned: bool, waktu: str | None, catatan: str | None, quiet: bool) -> None:
    """Langkah 14-15: Pimpinan Redaksi memeriksa laporan yang sudah diparaf; laporan final (satu commit).

    Bila mesin ini punya sertifikat penanda tangan (berkas PKCS#12 di PENGADUAN_P12, frasa
    sandinya di PENGADUAN_P12_FRASA), PDF final ditandatangani secara elektronik (PAdES).
    """
    from pengaduan.app.reports import check_monthly

    outcome = check_monthly(env.desk(), env.actor(), bulan, env.moment(waktu), catatan, sign=not unsigned)
    done = "diperiksa, final; SOP selesai" + ("; PDF ditandatangani secara elektronik" if outcome.signed else "")
    _report(outcome, bulan, done, quiet)


@bulanan.command("lihat")
@bulan_option
@pass_env
def lihat(env: Env, bulan: str) -> None:
    """Status laporan bulanan dan riwayat peristiwanya (siapa, peran, kapan).

    Untuk laporan final: memeriksa tanda tangan elektronik PDF-nya (tanpa jaringan) dan bahwa
    berkasnya sama dengan yang dicatat; keluar dengan kode 2 bila tidak.
    """
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
    if rec.number:
        say(f"  nomor surat: {rec.number}")
    if rec.status == "final":
        _show_signature(env, rec)


def _show_signature(env: Env, rec) -> None:  # noqa: ANN001
    """The final PDF's electronic signature, checked now (offline); exit 2 when it fails."""
    from pengaduan.app.reports import check_monthly_pdf

    check = check_monthly_pdf(env.desk(), rec)
    if not check.present:
        say(f"  {check.path}: berkas tidak ada")
        raise SystemExit(2)
    verdict = check.verdict
    record_note = "cocok dengan catatan" if check.matches_record else "TIDAK cocok dengan catatan (berkas berubah sejak dicatat)"
    if not verdict.signed:
        say(f"  tanda tangan elektronik: tidak ada; {check.path} {record_note}")
        if not check.matches_record or rec.signature:
            raise SystemExit(2)
        return
    if verdict.problem:
        say(f"  tanda tangan elektronik: RUSAK — {verdict.problem}; {check.path} {record_note}")
        raise SystemExit(2)
    when = timeutil.to_text(verdict.signed_at.astimezone(env.desk().tz)) if verdict.signed_at else "-"
    if verdict.ok:
        state = "SAH (isi utuh sejak ditandatangani)"
    elif not verdict.whole and verdict.intact and verdict.valid:
        state = "TIDAK SAH: ada tambahan sesudah ditandatangani"
    else:
        state = "TIDAK SAH: isi berubah sesudah ditandatangani"
    trust = (
        "sertifikat dipercaya mesin ini"
        if verdict.trusted
        else "sertifikat belum dipercaya mesin ini (akar tidak dikenal; set PENGADUAN_AKAR_TTD ke sertifikat akar penerbit)"
    )
    say(f"  tanda tangan elektronik: {state}; oleh {verdict.signer}; pada {when}; {trust}")
    say(f"  {check.path} {record_note}")
    if check.unsigned_matches is False:
        say("  isi sebelum tanda tangan TIDAK sama dengan dokumen yang dicatat")
    if not verdict.ok or not check.matches_record or check.unsigned_matches is False:
        raise SystemExit(2)


@bulanan.command("ekspor")
@bulan_option
@ekspor_format_option
@keluaran_berkas_option
@pass_env
def bulanan_ekspor(env: Env, bulan: str, fmt: str, keluaran: Path) -> None:
    """Angka laporan bulanan sebagai lembar kerja xlsx atau csv (tanpa commit).

    Bila laporan bulan itu sudah disusun: angka laporannya (data dan keadaan per saat disusun);
    bila belum: bulan itu sebagaimana adanya sekarang.
    """
    from pengaduan.app.reports import export_monthly

    path = export_monthly(env.desk(), bulan, fmt, keluaran)
    say(f"angka laporan bulanan {bulan} ditulis ke {path} ({fmt}; tanpa commit)")


def register(group: click.Group) -> None:
    group.add_command(laporan)
