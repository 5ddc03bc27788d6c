"""The desk's working surface (issue 14): antrean, cari, templat, long text, prompts, completion,
tables that fit the terminal, and the conventions every command shares.

Terminal behaviour (prompts, the editor, colour, the width of tables) is tested on a real
pseudo-terminal with the tool as a real process.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pengaduan.cli import main
from pengaduan.store import layout
from pengaduan.store.store import Store
from tests.conftest import REPO, at, git, ok, run

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def rows(cli, *args: str) -> list[dict]:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- a pseudo-terminal ---------------------------------------------------------------------------------
def on_tty(root: Path, *args: str, answers: tuple[tuple[str, str], ...] = (), cols: int = 100, env: dict | None = None,
           petugas: str | None = "ani", program: list[str] | None = None) -> tuple[int, str]:  # fmt: skip
    """Run `python3 -m pengaduan --store ROOT ARGS` (or `program` ARGS) with stdin/stdout/stderr on a
    pty `cols` wide; each (prompt, answer) is typed once the prompt has been printed. Returns (exit
    code, output)."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, cols, 0, 0))
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", "PAGER": "cat", **(env or {})}
    full_env.pop("COLUMNS", None)
    full_env.pop("LINES", None)
    head = ["--store", str(root)] + (["--petugas", petugas] if petugas else [])
    command = program if program is not None else [sys.executable, "-m", "pengaduan", *head]
    proc = subprocess.Popen([*command, *args], stdin=slave, stdout=slave, stderr=slave,
                            env=full_env, close_fds=True)  # fmt: skip
    os.close(slave)
    out, seen, pending = b"", 0, list(answers)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the process closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
                while pending and pending[0][0].encode() in out[seen:]:
                    seen = out.index(pending[0][0].encode(), seen) + 1
                    os.write(master, pending.pop(0)[1].encode() + b"\r")
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            raise AssertionError(f"no end on the terminal: {out.decode(errors='replace')}")
    finally:
        os.close(master)
    return proc.wait(timeout=30), out.decode("utf-8", "replace").replace("\r\n", "\n")


# -- antrean ---------------------------------------------------------------------------------------------
def test_antrean_soonest_deadline_first_in_working_time(cli, receive):
    late = receive("08:50")
    soon = receive("09:00")
    lunch = receive("11:55")
    found = rows(cli, "antrean", "--pada", at("09:07"))
    assert [r["id"] for r in found] == [late, soon]  # the 11:55 case is not received yet at 09:07
    assert [(r["langkah_ditunggu"], r["peran"], r["sisa_menit"], r["keadaan"]) for r in found] == [
        (2, "admin", -7.0, "terlambat 7 mnt"),
        (2, "admin", 3.0, "sisa 3 mnt"),
    ]
    assert found[0]["batas"] == at("09:00") and found[0]["terlambat"] is True
    assert found[0]["perintah"] == f"pengaduan verifikasi {late}" and found[0]["petugas"] == ["Ani Lestari", "Bayu Pratama"]
    assert found[0]["akun"] == "@wa***23"  # masked, as in the reports

    # Over the lunch break (12.00-13.00): 5 minutes before it, 2 after it.
    found = {r["id"]: r for r in rows(cli, "antrean", "--pada", at("13:02"))}
    assert (found[lunch]["sisa_menit"], found[lunch]["keadaan"], found[lunch]["batas"]) == (3.0, "sisa 3 mnt", at("13:05"))
    assert list(found)[-1] == lunch  # the others ran out hours before

    table = cli("antrean", "--pada", at("13:02")).stdout
    assert "2 Nov 2026 13.05 WIB" in table and "sisa 3 mnt" in table
    assert table.index(late) < table.index(soon) < table.index(lunch)


def test_antrean_across_a_weekend_and_a_holiday(cli, receive, store):
    friday = receive("16:25", day="2026-11-06")  # Friday closes 16.30: 5 minutes then, the rest on Monday
    found = {r["id"]: r for r in rows(cli, "antrean", "--pada", "2026-11-09T09:45")}
    assert found[friday]["batas"] == "2026-11-09T07:35:00+07:00"
    assert found[friday]["keadaan"] == "terlambat 2 jam 10 mnt" and found[friday]["sisa_menit"] == -130.0

    # Tuesday 10 November made a day off of the desk's own: Monday 15.55 + 10 working minutes = Wednesday 07.35.
    kalender = dict(store.config.raw["kalender"], libur_tambahan=[{"tanggal": "2026-11-10", "keterangan": "Libur daerah"}])
    Store.open(store.root).save_config(dict(store.config.raw, kalender=kalender), "Libur daerah", store.config.staff[0])
    monday = receive("15:55", day="2026-11-09")
    found = {r["id"]: r for r in rows(cli, "antrean", "--pada", "2026-11-11T07:32")}
    assert (found[monday]["keadaan"], found[monday]["batas"]) == ("sisa 3 mnt", "2026-11-11T07:35:00+07:00")
    table = cli("antrean", "--pada", "2026-11-11T07:32").stdout
    assert "11 Nov 2026 07.35 WIB" in table


def test_antrean_by_role_and_by_petugas(cli, receive):
    waiting = receive("09:00")
    forwarded = receive("09:01")
    for args in (("verifikasi", forwarded), ("respon", forwarded, "--isi", "Kami cek"),
                 ("teruskan", forwarded, "--ke", "redaktur")):  # fmt: skip
        assert cli(*args, "--waktu", at("09:05")).exit_code == 0
    assert [r["id"] for r in rows(cli, "antrean", "--pada", at("09:10"), "--peran", "redaktur")] == [forwarded]
    assert [r["id"] for r in rows(cli, "antrean", "--pada", at("09:10"), "--peran", "Redaktur")] == [forwarded]
    assert [r["id"] for r in rows(cli, "antrean", "--pada", at("09:10"), "--petugas", "rina")] == [forwarded]
    assert [r["id"] for r in rows(cli, "antrean", "--pada", at("09:10"), "--petugas", "bayu")] == [waiting]
    csv_rows = list(csv.DictReader(io.StringIO(cli("antrean", "--pada", at("09:10"), "--format", "csv").stdout)))
    assert csv_rows[0]["petugas"] == "Ani Lestari; Bayu Pratama"
    refused = cli("antrean", "--petugas", "zaki")
    assert refused.exit_code == 1 and "petugas 'zaki' tidak ada" in refused.stderr


def test_antrean_on_a_terminal_late_rows_stand_out_unless_no_color(store, receive):
    late = receive("08:00")
    code, out = on_tty(store.root, "antrean", "--pada", at("09:00"))
    assert code == 0
    line = next(line for line in out.splitlines() if late in line)
    assert "\x1b[31m" in line or "\x1b[1;31m" in line or "\x1b[31;1m" in line or "\x1b[1m\x1b[31m" in line
    code, out = on_tty(store.root, "antrean", "--pada", at("09:00"), env={"NO_COLOR": "1"})
    assert code == 0 and late in out and "\x1b[3" not in out


def test_antrean_watch_refreshes_until_stopped(store, receive):
    """--pantau draws the screen, waits, draws again (the loop is tested with its own clock, no sleeping)."""
    from pengaduan.cli.meja import watch

    drawn, waits = [], []
    screens = iter(["satu", "dua", "tiga"])
    runner = CliRunner()
    with runner.isolation():
        shown = watch(lambda: drawn.append(next(screens)) or drawn[-1], 30, rounds=3, sleep=waits.append)
    assert (shown, drawn, waits) == (3, ["satu", "dua", "tiga"], [30, 30])

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    with runner.isolation():
        assert watch(lambda: "x", 5, sleep=interrupted) == 1
    refused = run(store.root, "antrean", "--pantau", "5", "--format", "json")
    assert refused.exit_code == 2 and "--pantau hanya untuk --format tabel" in refused.stderr


# -- cari -------------------------------------------------------------------------------------------------
@pytest.fixture
def texts(cli, receive):
    ids = {
        "accent": receive("09:00", isi="Ada kekerasan terhadap PÉREMPUAN di desa kami", akun="@ibu_sari"),
        "plain": receive("09:01", isi="Tetangga sering memukul anaknya, perempuan itu diam saja", platform="facebook"),
        "other": receive("09:02", isi="Info jadwal posyandu bulan ini?"),
    }
    verified = cli("verifikasi", ids["plain"], "--kategori", "hak-anak", "--bidang", "phpa", "--waktu", at("09:05"))
    assert verified.exit_code == 0, verified.output
    return ids


def test_cari_folds_case_and_accents_and_needs_every_word(cli, texts):
    found = rows(cli, "cari", "perempuan")
    assert {r["id"] for r in found} == {texts["accent"], texts["plain"]}
    hit = next(r for r in found if r["id"] == texts["accent"])
    start, end = hit["sorotan"][0]
    assert hit["cuplikan"][start:end] == "PÉREMPUAN" and hit["bagian"] == "isi"
    assert [r["id"] for r in rows(cli, "cari", "PEREMPUAN", "pukul")] == []  # 'pukul' starts no word ('memukul')
    assert [r["id"] for r in rows(cli, "cari", "Perempuan", "memukul")] == [texts["plain"]]
    assert [r["id"] for r in rows(cli, "cari", "perempuan memuk")] == [texts["plain"]]  # one argument, two words
    assert [r["id"] for r in rows(cli, "cari", "ibu_sari")] == [texts["accent"]]  # the handle is searched
    table = cli("cari", "perempuan").stdout
    assert "«PÉREMPUAN»" in table and "«perempuan»" in table


def test_cari_best_match_first_and_filters(cli, texts):
    # 'kekerasan' twice in the text beats once.
    extra = cli("terima", "--platform", "x", "--akun", "@b", "--isi", "kekerasan, kekerasan lagi terhadap perempuan",
                "--waktu", at("09:10"), "-q").stdout.strip()  # fmt: skip
    assert [r["id"] for r in rows(cli, "cari", "kekerasan")][:2] == [extra, texts["accent"]]
    assert [r["id"] for r in rows(cli, "cari", "perempuan", "--platform", "Facebook")] == [texts["plain"]]
    assert [r["id"] for r in rows(cli, "cari", "perempuan", "--kategori", "hak-anak")] == [texts["plain"]]
    assert [r["id"] for r in rows(cli, "cari", "perempuan", "--bidang", "phpa", "--status", "diverifikasi")] == [texts["plain"]]
    assert [r["id"] for r in rows(cli, "cari", "perempuan", "--akun", "IBU_SARI")] == [texts["accent"]]
    assert rows(cli, "cari", "perempuan", "--sejak", "2026-11-03") == []
    assert len(rows(cli, "cari", "perempuan", "--sampai", "2026-11-02")) == 3
    assert cli("cari", "zzz").stdout.strip() == "(tidak ada kasus yang cocok)"


def test_cari_never_searches_or_prints_the_reporter_nor_a_rahasia_case(cli, receive):
    case_id = receive("09:00", isi="Mohon bantuan", nama_pelapor="Siti Rahayu", kontak="081234567890")
    assert rows(cli, "cari", "siti") == [] and rows(cli, "cari", "081234567890") == []
    out = cli("cari", "bantuan", "--format", "json").stdout
    assert case_id in out and "Siti" not in out and "0812" not in out
    secret = receive("09:01", isi="Mohon bantuan, anak saya dipukul")
    assert {r["id"] for r in rows(cli, "cari", "bantuan")} == {case_id, secret}
    # A sensitive category makes the case rahasia: its text and handle never appear in a list.
    assert cli("verifikasi", secret, "--kategori", "kekerasan-anak", "--waktu", at("09:05")).exit_code == 0
    assert [r["id"] for r in rows(cli, "cari", "bantuan")] == [case_id]


def _index_file(store: Store) -> bytes:
    folder = store.private_dir()
    return b"".join(p.read_bytes() for p in sorted(folder.glob("indeks.sqlite*")))


def test_cari_finds_sealed_words_through_keyed_tokens_and_the_index_keeps_no_word(cli, receive, store):
    sealed_one = receive("09:00", isi="Anak tetangga dipukuli ayah tirinya di Gunungpati", akun="@warga_gunung")
    other = receive("09:01", isi="Jadwal posyandu bulan ini?")
    assert "sandi:" in git(store.root, "show", f"HEAD:{layout.case_path(sealed_one)}")
    assert [r["id"] for r in rows(cli, "cari", "GUNUNGPATI")] == [sealed_one]
    assert [r["id"] for r in rows(cli, "cari", "dipuk", "tiri")] == [sealed_one]  # word starts, every word
    assert [r["id"] for r in rows(cli, "cari", "gunungpatinya")] == []  # longer than any word: checked on the case
    assert [r["id"] for r in rows(cli, "cari", "posyandu")] == [other]
    data = _index_file(store)
    with store.index() as found:
        tokens = found.db.execute("SELECT count(*) FROM tokens").fetchone()[0]
    assert tokens > 0
    for plain in ("Gunungpati", "gunungpati", "gunung", "dipukuli", "tirinya", "warga_gunung", "posyandu"):
        assert plain.encode() not in data, plain


def test_cari_no_longer_finds_erased_text(cli, receive, store):
    gone = receive("09:00", isi="Rumah aman di Banyumanik penuh")
    kept = receive("09:01", isi="Layanan di Banyumanik tutup")
    assert {r["id"] for r in rows(cli, "cari", "banyumanik")} == {gone, kept}
    erased = cli("hapus-data", gone, "--alasan", "permintaan pelapor")
    assert erased.exit_code == 0, erased.output
    assert [r["id"] for r in rows(cli, "cari", "banyumanik")] == [kept]
    with store.index() as found:
        left = found.db.execute(
            "SELECT count(*) FROM tokens JOIN cases c ON c.n = tokens.n WHERE c.id = ?", (gone,)
        ).fetchone()[0]
    assert left == 0


def test_cari_without_the_keys_says_so_in_one_line(cli, receive, store):
    receive("09:00", isi="Kekerasan di sekolah Tembalang")
    before = cli("cari", "tembalang", "--format", "json")
    assert before.exit_code == 0 and len(json.loads(before.stdout)) == 1 and before.stderr == ""
    (store.private_dir() / "kunci" / "kunci.sqlite").unlink()  # this machine holds no case key
    for words in (("tembalang",), ("te",)):  # through the tokens, and a term too short for them
        result = cli("cari", *words, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == []
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("catatan: 1 kasus terenkripsi tidak ikut dicari"), result.stderr


def test_daftar_by_account_and_category_with_a_masked_column(cli, texts):
    found = rows(cli, "daftar", "--akun", "ibu_sari")
    assert [(r["id"], r["akun"]) for r in found] == [(texts["accent"], "@ib***ri")]
    assert [r["id"] for r in rows(cli, "daftar", "--kategori", "hak-anak")] == [texts["plain"]]
    assert "@ib***ri" in cli("daftar").stdout and "@ibu_sari" not in cli("daftar").stdout


# -- templat ----------------------------------------------------------------------------------------------
def test_init_ships_canned_answers_and_the_referral_waits_for_its_hotline(cli, receive, store):
    listed = {r["kode"]: r for r in rows(cli, "templat", "daftar")}
    assert set(listed) == {"terima-kasih", "mohon-keterangan", "diteruskan-bidang", "rujuk-uptd-ppa"}
    assert listed["rujuk-uptd-ppa"]["perlu_diisi"] == ["[nomor layanan UPTD PPA]"]
    assert all(not r["perlu_diisi"] for code, r in listed.items() if code != "rujuk-uptd-ppa")
    case_id = receive("09:00")
    cli("verifikasi", case_id, "--waktu", at("09:01"))
    refused = cli("respon", case_id, "--templat", "rujuk-uptd-ppa", "--waktu", at("09:02"))
    assert refused.exit_code == 1 and "[nomor layanan UPTD PPA]" in refused.stderr
    assert "templat tambah rujuk-uptd-ppa" in refused.stderr
    assert json.loads(cli("lihat", case_id, "--format", "json").stdout)["status"] == "diverifikasi"  # nothing recorded


def test_every_placeholder_is_filled_from_the_case(cli, receive, store):
    body = "Akun {akun}; ID {id}; bidang {bidang}; kategori {kategori}; instansi {instansi}; tanggal {tanggal}; {{kurung}}"
    added = cli("templat", "tambah", "uji", "--judul", "Uji isian", "--isi", body)
    assert added.exit_code == 0 and "templat uji ditambahkan" in added.stdout
    case_id = receive("09:00", akun="@warga_smg")
    cli("verifikasi", case_id, "--kategori", "kekerasan-anak", "--bidang", "uptd-ppa", "--waktu", at("09:01"))
    result = cli("respon", case_id, "--templat", "uji", "--waktu", at("09:02"))
    assert result.exit_code == 0, result.output
    expected = (
        f"Akun @warga_smg; ID {case_id}; bidang UPTD Perlindungan Perempuan dan Anak; kategori Kekerasan terhadap anak; "
        f"instansi {store.config.agency_short}; tanggal 2 November 2026; {{kurung}}"
    )
    assert f"  {expected}" in result.stdout.splitlines()  # the final text is shown
    case = json.loads(cli("lihat", case_id, "--format", "json").stdout)
    assert case["riwayat"][-1]["jawaban"] == expected
    preview = cli("templat", "lihat", "uji", "--kasus", case_id).stdout
    assert "ID " + case_id in preview
    # jawab and selesai take templates too; --isi and --templat together are refused.
    both = cli("jawab", case_id, "--dari", "redaktur", "--isi", "x", "--templat", "uji")
    assert both.exit_code == 1 and "--isi atau --templat" in both.stderr


def test_template_commands_are_configuration_commits_by_managers(cli, store, sound):
    head = git(store.root, "rev-parse", "HEAD").strip()
    assert cli("templat", "tambah", "salam", "--judul", "Salam", "--isi", "Salam {akun}").exit_code == 0
    message = git(store.root, "log", "-1", "--format=%an%n%B")
    assert message.startswith("Ani Lestari\nTemplat salam ditambahkan") and "Jenis: konfigurasi" in message
    assert git(store.root, "diff", "--name-only", head, "HEAD").split() == ["templat/salam.yaml"]
    unchanged = cli("templat", "tambah", "salam", "--judul", "Salam", "--isi", "Salam {akun}")
    assert "tidak berubah" in unchanged.stdout
    replaced = cli("templat", "tambah", "salam", "--judul", "Salam", "--isi", "Halo {akun}")
    assert replaced.stdout.startswith("templat salam diganti")
    assert cli("templat", "hapus", "salam").exit_code == 0 and not (store.root / "templat/salam.yaml").exists()
    assert git(store.root, "rev-list", "--count", f"{head}..HEAD").strip() == "3"
    sound()  # audit and periksa clean
    refused = cli("templat", "tambah", "x", "--judul", "X", "--isi", "X", petugas="rina")
    assert refused.exit_code == 1 and "tidak boleh mengubah templat jawaban" in refused.stderr
    unknown = cli("templat", "tambah", "x", "--judul", "X", "--isi", "Halo {nama}")
    assert unknown.exit_code == 1 and "{nama}" in unknown.stderr and "{akun}" in unknown.stderr


def test_audit_and_sinkron_judge_template_commits(store, tmp_path):
    """A template commit by a manager is taken by sinkron; one without the configuration trailer, or by
    a redaktur, is an audit finding and is not taken."""
    from tests.conftest import commit

    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(store.root, "remote", "add", "origin", f"file://{remote}")
    ok(store.root, "sinkron")
    other = tmp_path / "mesin-2"
    ok(other, "klon", f"file://{remote}", str(other), petugas=None)
    ok(store.root, "templat", "tambah", "salam", "--judul", "Salam", "--isi", "Salam {akun}")
    ok(store.root, "sinkron")
    ok(other, "sinkron", petugas="bayu")
    assert "salam" in ok(other, "templat", "daftar", petugas="bayu")

    (store.root / "templat" / "liar.yaml").write_text("kode: liar\njudul: Liar\nisi: Liar\n", encoding="utf-8")
    git(store.root, "add", "templat/liar.yaml")
    rina = ("Rina Kartikasari", "rina@example.go.id")
    commit(store.root, "Templat liar\n\nJenis: konfigurasi\nSOP: 276/SOP/KBKIE/2024\n", rina)
    result = run(store.root, "audit", petugas=None)
    assert result.exit_code == 1 and "tidak boleh mengubah konfigurasi" in result.stdout
    git(store.root, "push", "-q", "origin", "HEAD:main")
    refused = run(other, "sinkron", petugas="bayu")
    assert refused.exit_code == 1 and "liar" not in ok(other, "templat", "daftar", petugas="bayu")


# -- long text -------------------------------------------------------------------------------------------
def test_text_from_stdin_and_from_a_file(cli, receive, store, tmp_path):
    long = "Baris pertama\n\nBaris ketiga — panjang " + "x" * 200_000
    runner = CliRunner()
    args = ["--store", str(store.root), "--petugas", "ani", "terima", "--platform", "x", "--akun", "@a", "--isi", "-",
            "--waktu", at("09:00"), "-q"]  # fmt: skip
    too_big = runner.invoke(main, args, input=long)
    assert too_big.exit_code == 1 and "lebih besar dari 64 KB" in too_big.stderr
    piped = runner.invoke(main, args, input="Dari stdin\nbaris dua\n")
    assert piped.exit_code == 0, piped.output
    case = json.loads(cli("lihat", piped.stdout.strip(), "--format", "json").stdout)
    assert case["isi"] == "Dari stdin\nbaris dua"  # the pipe's final newline is not part of the text
    answer = tmp_path / "jawaban.txt"
    answer.write_text("Jawaban dari berkas\nbaris dua\n", encoding="utf-8")
    case_id = piped.stdout.strip()
    cli("verifikasi", case_id, "--waktu", at("09:01"))
    step = ["respon", case_id, "--isi-berkas", str(answer), "--catatan", "-", "--waktu", at("09:02")]
    recorded = runner.invoke(main, ["--store", str(store.root), "--petugas", "ani", *step], input="catatan dari stdin")
    assert recorded.exit_code == 0, recorded.output
    entry = json.loads(cli("lihat", case_id, "--format", "json").stdout)["riwayat"][-1]
    assert (entry["jawaban"], entry["catatan"]) == ("Jawaban dari berkas\nbaris dua", "catatan dari stdin")
    both = cli("respon", case_id, "--isi", "a", "--isi-berkas", str(answer))
    assert both.exit_code == 1 and "--isi atau --isi-berkas" in both.stderr
    missing = cli("respon", case_id, "--isi-berkas", str(tmp_path / "tidak-ada.txt"))
    assert missing.exit_code == 1 and "tidak dapat dibaca" in missing.stderr
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    bad = cli("respon", case_id, "--isi-berkas", str(tmp_path / "latin1.txt"))
    assert bad.exit_code == 1 and "bukan teks UTF-8" in bad.stderr


def test_missing_text_without_a_terminal_is_refused(cli, receive):
    case_id = receive("09:00")
    cli("verifikasi", case_id, "--waktu", at("09:01"))
    result = cli("respon", case_id)
    assert result.exit_code == 2 and "opsi --isi wajib diisi" in result.stderr


def test_missing_text_on_a_terminal_opens_the_editor(store, receive, tmp_path):
    case_id = receive("09:00")
    ok(store.root, "verifikasi", case_id, "--waktu", at("09:01"))
    seen = tmp_path / "template-seen.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(f"#!/bin/sh\ncp \"$1\" {seen}\nprintf 'Jawaban dari editor\\n# komentar dibuang\\nbaris dua\\n' > \"$1\"\n")
    editor.chmod(0o755)
    code, out = on_tty(store.root, "respon", case_id, "--waktu", at("09:02"), env={"EDITOR": str(editor), "VISUAL": ""})
    assert code == 0, out
    assert seen.read_text().count("\n# ") >= 2 and "Respon yang diberikan kepada pelapor" in seen.read_text()
    entry = json.loads(ok(store.root, "lihat", case_id, "--format", "json"))["riwayat"][-1]
    assert entry["jawaban"] == "Jawaban dari editor\nbaris dua"

    empty = tmp_path / "empty.sh"
    empty.write_text("#!/bin/sh\nprintf '# hanya komentar\\n' > \"$1\"\n")
    empty.chmod(0o755)
    other = receive("09:10")
    ok(store.root, "verifikasi", other, "--waktu", at("09:11"))
    code, out = on_tty(store.root, "respon", other, "--waktu", at("09:12"), env={"EDITOR": str(empty), "VISUAL": ""})
    assert code == 1 and "--isi kosong; tidak ada yang dicatat" in out


def test_missing_options_are_asked_for_on_a_terminal(store):
    code, out = on_tty(store.root, "terima", "--akun", "@warga", "--isi", "Halo", "--waktu", at("09:00"), "-q",
                       answers=(("--platform", "Instagram"),))  # fmt: skip
    assert code == 0, out
    assert "--platform (Pilihan: instagram" in out
    case_id = out.strip().splitlines()[-1]
    assert json.loads(ok(store.root, "lihat", case_id, "--format", "json"))["platform"] == "instagram"


# -- completion -------------------------------------------------------------------------------------------
def complete(root: Path, line: str) -> list[str]:
    """What bash completion offers for the last word of `line` (click's bash_complete protocol)."""
    words = line.split(" ")
    env = {"_PENGADUAN_COMPLETE": "bash_complete", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1),
           "PENGADUAN_STORE": str(root)}  # fmt: skip
    result = CliRunner().invoke(main, [], env=env, prog_name="pengaduan", catch_exceptions=False)
    return [item.split(",", 1)[1] for item in result.stdout.splitlines() if item.startswith("plain,")]


def test_completion_script_and_values(cli, receive, store):
    script = cli("completion", "bash").stdout
    assert "_PENGADUAN_COMPLETE" in script and "complete -o nosort -F" in script
    assert "compdef" in cli("completion", "zsh").stdout
    assert "complete --no-files --command pengaduan" in cli("completion", "fish").stdout
    closed = receive("08:00")
    cli("verifikasi", closed, "--bukan-pengaduan", "--alasan", "spam", "--waktu", at("08:01"))
    later = receive("09:00")
    sooner = receive("08:30")
    assert complete(store.root, "pengaduan lihat 2611") == [sooner, later, closed]  # open first, soonest deadline first
    assert complete(store.root, "pengaduan terima --platform ti") == ["tiktok"]
    assert complete(store.root, "pengaduan daftar --status sel") == ["selesai"]
    assert complete(store.root, "pengaduan verifikasi X --kategori kekerasan-") == ["kekerasan-perempuan", "kekerasan-anak"]
    assert complete(store.root, "pengaduan daftar --bidang u") == ["uptd-ppa"]
    assert complete(store.root, "pengaduan --petugas r") == ["rina", "retno"]
    assert complete(store.root, "pengaduan antrean --peran pim") == ["pimred"]
    assert complete(store.root, "pengaduan respon X --templat ter") == ["terima-kasih"]
    assert complete(store.root, "pengaduan templat lihat ru") == ["rujuk-uptd-ppa"]
    assert "antrean" in complete(store.root, "pengaduan an")


# -- tables, conventions ------------------------------------------------------------------------------------
@pytest.mark.parametrize("cols", [80, 100])
def test_tables_fit_the_terminal(store, receive, cols):
    for n in range(3):
        receive(f"09:0{n}", isi="Keluhan panjang sekali tentang layanan " * 5, akun=f"@akun_yang_cukup_panjang_{n}")
    code, out = on_tty(store.root, "daftar", cols=cols)
    assert code == 0, out
    lines = [ANSI.sub("", line) for line in out.splitlines() if line.strip()]
    assert max(len(line) for line in lines) <= cols, "\n".join(lines)
    assert any("…" in line for line in lines)
    code, out = on_tty(store.root, "daftar", "--lebar", cols=cols)
    assert max(len(ANSI.sub("", line)) for line in out.splitlines()) > cols


# A table command as the tool builds every one (format_option + emit), over N generated rows: the
# terminal's row limit needs more rows than a test can receive case by case.
TABLE_PROGRAM = """
import sys, click
from pengaduan.cli.common import emit, format_option

@click.command()
@format_option("tabel", "json", "csv")
def main(fmt):
    emit(({"id": f"ID-{n:05d}", "isi": "baris " + "x" * (n % 7)} for n in range(int(sys.argv[1]))), fmt)

main(sys.argv[2:])
"""


def test_a_long_table_on_a_terminal_shows_the_first_rows_and_says_how_many_more(tmp_path):
    from pengaduan.cli.common import SCREEN_ROWS

    program = [sys.executable, "-c", TABLE_PROGRAM]
    code, out = on_tty(tmp_path, str(SCREEN_ROWS + 250), "--tanpa-pager", program=program)
    lines = out.splitlines()
    assert code == 0, out[-500:]
    shown = [line for line in lines if line.startswith("ID-")]
    assert len(shown) == SCREEN_ROWS and shown[-1].startswith(f"ID-{SCREEN_ROWS - 1:05d}")
    assert lines[-1].startswith("… 250 baris lagi tidak ditampilkan") and "--semua" in lines[-1]
    code, out = on_tty(tmp_path, str(SCREEN_ROWS + 250), "--tanpa-pager", "--semua", program=program)
    assert code == 0 and sum(line.startswith("ID-") for line in out.splitlines()) == SCREEN_ROWS + 250
    assert "tidak ditampilkan" not in out


def test_a_piped_table_is_never_cut_and_keeps_tabulates_layout():
    import tabulate

    count = 1500  # more than a terminal shows
    piped = subprocess.run([sys.executable, "-c", TABLE_PROGRAM, str(count)], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(REPO)}, check=True).stdout  # fmt: skip
    expected = [[f"ID-{n:05d}", "baris " + "x" * (n % 7)] for n in range(count)]
    tabulate.MIN_PADDING = 0
    try:
        layout = tabulate.tabulate(expected, headers=["id", "isi"], tablefmt="simple", disable_numparse=True)
    finally:
        tabulate.MIN_PADDING = 2
    assert piped == layout + "\n"


def test_table_cells_are_padded_by_terminal_columns_not_characters():
    from pengaduan.cli.common import table_text

    text = table_text([{"id": "A", "isi": "漢字", "x": "1"}, {"id": "B", "isi": "ab", "x": "2"}], None)
    head, rule, wide, narrow = text.splitlines()
    assert rule == "--  ----  -"
    assert wide == "A   漢字  1" and narrow == "B   ab    2"  # two CJK characters fill four columns


def test_the_narrow_shortcut_measures_what_the_character_rules_measure():
    import unicodedata

    from pengaduan.cli.common import _NARROW, display_width

    narrow = [chr(c) for c in range(0x20, 0x2100) if _NARROW.fullmatch(chr(c))]
    assert len(narrow) > 1000 and "…" in narrow and "é" in narrow
    for char in narrow:  # each one column: what the per-character rules below the shortcut would give
        assert not unicodedata.combining(char) and unicodedata.category(char) not in ("Mn", "Me", "Cf"), hex(ord(char))
        assert unicodedata.east_asian_width(char) not in ("W", "F"), hex(ord(char))
    assert display_width("Jalan rusak…") == 12 and display_width("e\u0301") == 1 and display_width("漢…") == 3


def test_conventions(cli, receive, store):
    version = CliRunner().invoke(main, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("pengaduan ")
    typo = cli("dafter")
    assert typo.exit_code == 2 and "mungkin maksud Anda: daftar" in typo.stderr
    case_id = receive("09:00", platform="Instagram")
    assert cli("verifikasi", case_id, "--kategori", "Kekerasan terhadap anak", "--waktu", at("09:01")).exit_code == 0
    done = cli("respon", case_id, "--isi", "Selesai kami tangani", "--tuntas", "--waktu", at("09:02"), "--format", "json")
    shown = json.loads(cli("lihat", case_id, "--format", "json").stdout)
    assert json.loads(done.stdout) == shown and shown["status"] == "selesai" and shown["kategori"] == "kekerasan-anak"
    assert [r["id"] for r in rows(cli, "daftar", "--status", "Selesai", "--platform", "INSTAGRAM")] == [case_id]
    other = cli("terima", "--platform", "x", "--akun", "@b", "--isi", "Halo", "--waktu", at("09:05"), "-q")
    assert re.fullmatch(r"\d{6}-[0-9A-Z]{7}\n", other.stdout)
    semi = cli("daftar", "--format", "csv", "--pemisah", ";").stdout
    assert semi.splitlines()[0].startswith("id;diterima;platform;akun;")
    assert "2026-11-02T09:00:00+07:00" in semi  # ISO 8601 in CSV
    text = cli("lihat", case_id).stdout
    assert "Diterima : 2 Nov 2026 09.00 WIB" in text
    bad = cli("daftar", "--pemisah", ";;")
    assert bad.exit_code == 2 and "pemisah harus satu karakter" in bad.stderr
