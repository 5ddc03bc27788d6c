"""`lihat` and `daftar`: reading cases back, with filters and formats."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import at


def test_lihat_text_shows_timeline_against_standard(cli, receive):
    case_id = receive("09:00", waktu_unggah=at("08:58"))
    cli("verifikasi", case_id, "--waktu", at("09:04"))
    cli("respon", case_id, "--isi", "Terima kasih, kami cek.", "--waktu", at("09:30"))
    out = cli("lihat", case_id).stdout
    assert f"Kasus {case_id} — Direspon (langkah 3)" in out
    lines = out.splitlines()
    step1 = next(line for line in lines if " L1 " in line)
    step3 = next(line for line in lines if " L3 " in line)
    assert "2 mnt" in step1 and "standar 5 mnt: memenuhi" in step1
    assert "26 mnt" in step3 and "standar 5 mnt: MELEWATI" in step3
    assert "jawaban: Terima kasih, kami cek." in out
    assert "Aksi berikut: teruskan ID --ke redaktur; selesai ID" in out
    # Monday 09.30 + 10 working minutes (step 4's standard); long past now, so late.
    assert "Menunggu langkah 4 (Admin Media Sosial): " in out
    assert "batas 2 Nov 2026 09.40 WIB — TERLAMBAT" in out


def test_lihat_json_fields(cli, receive):
    case_id = receive("09:00", nama_pelapor="Ibu Rahma", kontak="08123")
    data = json.loads(cli("lihat", case_id, "--format", "json").stdout)
    assert (data["id"], data["status"], data["langkah"]) == (case_id, "diterima", 1)
    assert data["riwayat"][0]["aksi"] == "terima"
    assert data["riwayat"][0]["waktu"] == at("09:00")
    assert data["pelapor"] == {"nama": "Ibu Rahma", "kontak": "08123"}
    assert data["aksi_berikut"] == [
        "verifikasi ID", "verifikasi ID --bukan-pengaduan --alasan TEKS", "verifikasi ID --duplikat-dari KASUS"
    ]
    assert data["menunggu"]["langkah"] == 2 and data["menunggu"]["menit_standar"] == 10
    assert data["menunggu"]["terlambat"] is True


def test_lihat_accepts_prefix_of_random_part(cli, receive):
    case_id = receive("09:00")
    random_part = case_id.split("-")[1]
    result = cli("lihat", random_part[:5].lower())
    assert result.exit_code == 0
    assert case_id in result.stdout


def test_daftar_filters_and_formats(cli, receive):
    first = receive("09:00", platform="instagram")
    second = receive("10:00", platform="facebook", day="2026-11-03")
    third = receive("11:00", platform="instagram", day="2026-11-04")
    cli("verifikasi", third, "--bukan-pengaduan", "--alasan", "spam", "--waktu", at("11:05", "2026-11-04"))

    rows = json.loads(cli("daftar", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [first, second, third]

    rows = json.loads(cli("daftar", "--platform", "instagram", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [first, third]

    rows = json.loads(cli("daftar", "--status", "terbuka", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [first, second]

    rows = json.loads(cli("daftar", "--sejak", "2026-11-03", "--sampai", "2026-11-03", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [second]

    parsed = list(csv.DictReader(io.StringIO(cli("daftar", "--status", "bukan_pengaduan", "--format", "csv").stdout)))
    assert [(r["id"], r["status"]) for r in parsed] == [(third, "bukan_pengaduan")]

    table = cli("daftar").stdout
    assert table.splitlines()[0].split()[:3] == ["id", "diterima", "platform"]
    assert first in table and second in table


def test_daftar_rejects_unknown_status(cli, snapshot):
    before = snapshot()
    result = cli("daftar", "--status", "hilang")
    assert result.exit_code == 1
    assert result.stderr.startswith("galat: status 'hilang' tidak dikenal; pilih salah satu:")
    assert snapshot() == before


def test_waiting_time_is_counted_to_the_tools_clock(cli, receive, fixed_clock):
    """Received Friday 16.00; the tool's clock says Saturday 10.00: 30 working minutes have passed."""
    case_id = receive("16:00", day="2026-11-27")
    out = cli("lihat", case_id).stdout
    assert "Menunggu langkah 2 (Admin Media Sosial): 30 dari 10 menit kerja terpakai, batas 27 Nov 2026 16.10 WIB" in out
    later = cli("lihat", case_id, env={"PENGADUAN_SEKARANG": "2026-11-27T16:05:00+07:00"}).stdout
    assert "5 dari 10 menit kerja terpakai" in later and "dalam standar" in later
