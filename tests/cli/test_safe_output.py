"""Hostile text through the CLI: refused where a field must be one line, shown escaped everywhere else.

Text from social media reaches the terminal through lihat, daftar, riwayat, terlambat and the
error lines; none of it may act on the terminal (escape sequences, C1 controls, NUL, bidi
overrides) or forge an output line. JSON keeps it exact; CSV guards cells a spreadsheet would run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from pengaduan.core.safetext import visible, visible_block
from tests.conftest import at, git

ESC = "\x1b"
# What a hostile post could carry: an OSC window title, a screen clear, a C1 CSI, NUL, DEL, an RTL override.
HOSTILE = f"tolong {ESC}]0;diretas\x07{ESC}[2J bantu\x9b31m kami\x00 segera\x7f \u202etxt.exe"
SHOWN = "tolong \\x1b]0;diretas\\x07\\x1b[2J bantu\\x9b31m kami\\x00 segera\\x7f ⟨U+202E⟩txt.exe"
# Characters that must never reach a terminal raw.
RAW = [ESC, "\x07", "\x9b", "\x00", "\x7f", "\u202e", "\u2066", "\u200f"]


def assert_clean(text: str) -> None:
    for ch in RAW:
        assert ch not in text, f"raw {ch!r} in output"


# -- the pure function ---------------------------------------------------------------------------------------


def test_visible_escapes_every_class_and_keeps_ordinary_text():
    assert visible(HOSTILE) == SHOWN
    assert visible("baris\nbaru\tdan\rcr") == "baris\\x0abaru\\x09dan\\x0dcr"
    assert visible_block("dua\nbaris\tok\r") == "dua\nbaris\tok\\x0d"
    assert visible("\u2066isolat\u2069 \u200ftanda\u200e \u202aemb\u202c") == (
        "⟨U+2066⟩isolat⟨U+2069⟩ ⟨U+200F⟩tanda⟨U+200E⟩ ⟨U+202A⟩emb⟨U+202C⟩"
    )
    assert visible("bukan utf-8: \udcff") == "bukan utf-8: \\xff"
    plain = "Ibu Rahma — عائشة · 你好 · café @warga_smg"
    assert visible(plain) == plain


# -- lihat, daftar, riwayat ------------------------------------------------------------------------------------


@pytest.fixture
def hostile_case(cli, receive):
    case_id = receive("09:00", isi=HOSTILE, akun="@warga\u202egnp.exe", catatan=f"catatan {ESC}[31mmerah")
    result = cli("verifikasi", case_id, "--waktu", at("09:05"), "--catatan", f"cek\x9b2J {ESC}]52;c;cGF5bG9hZA==\x07")
    assert result.exit_code == 0, result.output
    return case_id


def test_lihat_shows_every_control_as_an_escape(cli, hostile_case):
    result = cli("lihat", hostile_case)
    assert result.exit_code == 0, result.output
    assert_clean(result.stdout)
    assert f"    {SHOWN}" in result.stdout.splitlines()
    assert "  Akun     : @warga⟨U+202E⟩gnp.exe" in result.stdout.splitlines()
    assert "      catatan: catatan \\x1b[31mmerah" in result.stdout.splitlines()
    assert "      catatan: cek\\x9b2J \\x1b]52;c;cGF5bG9hZA==\\x07" in result.stdout.splitlines()


def test_lihat_json_keeps_the_text_exact(cli, hostile_case):
    result = cli("lihat", hostile_case, "--format", "json")
    data = json.loads(result.stdout)
    assert data["isi"] == HOSTILE
    assert data["akun"] == "@warga\u202egnp.exe"
    assert ESC not in result.stdout  # json.dumps writes \u001b


def test_a_newline_in_the_text_cannot_forge_a_line(cli, receive):
    """isi keeps its own lines, each indented; a lone CR (which would overwrite a line) is escaped."""
    case_id = receive("09:00", isi="baris satu\nRiwayat:\n  2026-11-02 09.00 L11 Selesai\rpalsu")
    lines = cli("lihat", case_id).stdout.splitlines()
    assert "    Riwayat:" in lines and "Riwayat:" in lines  # the forged one is indented, the real one is not
    assert "      2026-11-02 09.00 L11 Selesai\\x0dpalsu" in lines


def test_daftar_table_escapes_and_json_is_exact(cli, hostile_case):
    table = cli("daftar")
    assert table.exit_code == 0
    assert_clean(table.stdout)
    assert "\\x1b]0;diretas" in table.stdout
    rows = json.loads(cli("daftar", "--format", "json").stdout)
    assert rows[0]["ringkasan"] == HOSTILE


def test_riwayat_escapes_notes_and_the_diff(cli, hostile_case):
    result = cli("riwayat", hostile_case, "--diff")
    assert result.exit_code == 0, result.output
    assert_clean(result.stdout)
    assert "    catatan: cek\\x9b2J \\x1b]52;c;cGF5bG9hZA==\\x07" in result.stdout.splitlines()


def test_terlambat_and_eskalasi_tables_escape_names_from_the_roster(store, cli, receive):
    """Names come from pengaduan.yaml, which a remote can change: shown escaped too."""
    config = store.root / "pengaduan.yaml"
    config.write_text(config.read_text().replace("nama: Ani Lestari", 'nama: "Ani \\e[5mLestari\\u202e"'))
    git(store.root, "-c", "user.name=Ani", "-c", "user.email=ani@example.go.id", "commit", "-q", "-am", "nama")
    receive("09:00")
    for command in ("terlambat", "eskalasi"):
        result = cli(command)
        assert result.exit_code == 0, result.output
        assert_clean(result.stdout)
        assert "Ani \\x1b[5mLestari⟨U+202E⟩" in result.stdout, result.stdout


def test_an_error_line_echoing_input_is_escaped(cli):
    result = cli("daftar", "--platform", f"{ESC}[2Jx\ny")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("galat: ")
    assert result.stderr.startswith("galat: platform '\\x1b[2Jx\\x0ay' tidak dikenal; pilih salah satu: ")
    assert_clean(result.stderr)


# -- single-line fields refuse newlines and controls -----------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--akun", "@warga\nKasus 261102-XXXXXXX selesai", "--akun berisi baris baru"),
        ("--akun", f"@warga{ESC}[2J", "--akun berisi karakter kendali \\x1b"),
        ("--akun", "@warga\x85", "--akun berisi karakter kendali \\x85"),
        ("--tautan", "https://x.test/a\r\nb", "--tautan berisi baris baru"),
        ("--nama-pelapor", "Ibu\tR", "--nama-pelapor berisi karakter kendali \\x09"),
        ("--akun", "@" + "a" * 300, "--akun terlalu panjang (301 karakter, maks. 256)"),
        ("--isi", "x" * (64 * 1024 + 1), "--isi terlalu panjang (65537 byte, maks. 64 KB)"),
        ("--catatan", "x" * (8 * 1024 + 1), "--catatan terlalu panjang (8193 byte, maks. 8 KB)"),
    ],
    ids=["akun-newline", "akun-escape", "akun-c1", "tautan-crlf", "nama-tab", "akun-long", "isi-64k", "catatan-8k"],
)
def test_terima_refuses_bad_text_and_changes_nothing(cli, snapshot, option, value, problem):
    args = {"--platform": "x", "--akun": "@warga", "--isi": "halo", "--waktu": at("09:00"), option: value}
    before = snapshot()
    result = cli("terima", *[part for pair in args.items() for part in pair])
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"galat: {problem}"), result.stderr
    assert snapshot() == before


def test_answers_and_koreksi_follow_the_same_rules(cli, snapshot, receive):
    case_id = receive("09:00")
    cli("verifikasi", case_id, "--waktu", at("09:05"))
    before = snapshot()
    long_answer = cli("respon", case_id, "--isi", "y" * (64 * 1024 + 1), "--waktu", at("09:06"))
    assert long_answer.exit_code == 1 and long_answer.stderr.startswith("galat: --isi terlalu panjang")
    fixed = cli("koreksi", case_id, "--kolom", "akun", "--nilai", "@a\n@b", "--alasan", "salah ketik")
    assert fixed.exit_code == 1 and fixed.stderr.startswith("galat: --nilai berisi baris baru"), fixed.stderr
    assert snapshot() == before
    assert cli("respon", case_id, "--isi", "y" * (64 * 1024), "--waktu", at("09:06")).exit_code == 0  # the limit itself


def test_a_petugas_code_or_name_with_a_newline_is_refused(cli, snapshot):
    before = snapshot()
    for args in (("dewi\n", "--nama", "Dewi"), ("dewi", "--nama", "Dewi\nadmin")):
        result = cli("petugas", "tambah", *args, "--peran", "redaktur")
        assert result.exit_code == 1 and result.stderr.startswith("galat: "), result.output
    assert snapshot() == before


# -- CSV ------------------------------------------------------------------------------------------------------


# (Texts the redaction leaves alone: a phone number or an @handle would be masked before the guard.)
@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x.test\",\"klik\")", "+1 812 3456", "-1+1", "@ SUM(A1:A2)"])
def test_csv_cells_a_spreadsheet_would_run_start_with_a_quote(cli, receive, text):
    receive("09:00", isi=text)
    result = cli("daftar", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["ringkasan"] == "'" + text
    assert json.loads(cli("daftar", "--format", "json").stdout)[0]["ringkasan"] == text


def test_ordinary_csv_cells_are_unchanged(cli, receive):
    case_id = receive("09:00", isi="Mohon info 'layanan' = cepat")
    rows = list(csv.DictReader(io.StringIO(cli("daftar", "--format", "csv").stdout)))
    assert (rows[0]["id"], rows[0]["ringkasan"]) == (case_id, "Mohon info 'layanan' = cepat")


# -- arguments that are not UTF-8 -----------------------------------------------------------------------------


def test_an_argument_that_is_not_utf8_is_a_usage_error(store, snapshot):
    env = {**os.environ, "PENGADUAN_STORE": str(store.root), "PENGADUAN_PETUGAS": "ani", "LC_ALL": "C.UTF-8"}
    before = snapshot()
    done = subprocess.run(
        [sys.executable, "-m", "pengaduan", "terima", "--platform", "x", "--akun", b"@warga\xff\xfe", "--isi", "halo"],
        capture_output=True, env=env,
    )  # fmt: skip
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("galat: argumen ke-5 ('@warga\\xff\\xfe') bukan teks UTF-8")
    assert "internal" not in stderr and "Traceback" not in stderr
    assert done.stdout == b""
    assert snapshot() == before
