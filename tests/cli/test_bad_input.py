"""Every bad input the foundation issue lists, through the CLI.

For each: a non-zero exit, exactly one line on stderr, in Indonesian, starting with "galat:",
no traceback, nothing on stdout, and the store exactly as before (same HEAD, same status, same
bytes in the work tree and the same index entries).
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import assert_refused, at, audit, git, run


@pytest.fixture
def refused(cli, snapshot, store):
    """Run the command, check the refusal and that the store did not change."""

    def run(*args: str, needles: tuple[str, ...] = (), petugas: str | None = "ani", env=None, exit_code=None) -> str:
        before = snapshot()
        result = cli(*args, petugas=petugas, env=env)
        message = assert_refused(result, *needles, store_root=store.root, exit_code=exit_code)
        assert snapshot() == before
        return message

    return run


# -- the SOP refuses ----------------------------------------------------------------------------------


def test_illegal_transition_names_step_and_allowed_actions(receive, refused):
    case_id = receive("09:00")
    message = refused("respon", case_id, "--isi", "Kami cek.", "--waktu", at("09:05"), exit_code=1)
    assert f"kasus {case_id} ada di langkah 1 (Diterima)" in message
    assert "Yang boleh: verifikasi ID; verifikasi ID --bukan-pengaduan --alasan TEKS" in message


def test_skipping_to_the_pimred_is_refused(cli, receive, refused):
    case_id = receive("09:00")
    cli("verifikasi", case_id, "--waktu", at("09:03"))
    cli("respon", case_id, "--isi", "Kami cek.", "--waktu", at("09:06"))
    refused("teruskan", case_id, "--ke", "pimred", "--waktu", at("09:10"), needles=("langkah 3", "teruskan ID --ke redaktur"))


def test_action_on_a_closed_case(cli, receive, refused):
    case_id = receive("09:00")
    assert cli("verifikasi", case_id, "--bukan-pengaduan", "--alasan", "spam", "--waktu", at("09:02")).exit_code == 0
    refused("respon", case_id, "--isi", "x", "--waktu", at("09:05"), needles=("sudah berstatus Bukan pengaduan (langkah 2)",))


# -- IDs ----------------------------------------------------------------------------------------------


def test_unknown_id(receive, refused):
    receive("09:00")
    refused("verifikasi", "ZZZZZZ", "--waktu", at("09:05"), needles=("kasus 'ZZZZZZ' tidak ditemukan",))


def test_unknown_id_for_reading(receive, refused):
    receive("09:00")
    refused("lihat", "261103", needles=("tidak ditemukan",))


def test_ambiguous_id_lists_the_matches(receive, refused):
    first, second = receive("09:00"), receive("09:01")
    message = refused("verifikasi", "261102", "--waktu", at("09:05"), needles=("cocok dengan 2 kasus",))
    assert ", ".join(sorted([first, second])) in message


# -- unknown values list the valid ones ------------------------------------------------------------------


def test_unknown_platform(refused):
    refused(
        "terima", "--platform", "myspace", "--akun", "@a", "--isi", "halo", "--waktu", at("09:00"),
        needles=("platform 'myspace' tidak dikenal", "instagram, facebook, x, tiktok, youtube, threads"),
    )  # fmt: skip


def test_unknown_kind(refused):
    refused(
        "terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "--jenis", "surat", "--waktu", at("09:00"),
        needles=("jenis 'surat' tidak dikenal", "komentar, pesan, mention"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("option", "needles"),
    [
        ("--bidang", ("bidang 'humas' tidak dikenal", "sekretariat, kgpp, phpa, kbkie, dalduk, uptd-ppa")),
        ("--kategori", ("kategori 'humas' tidak dikenal", "kekerasan-perempuan", "lainnya")),
    ],
)
def test_unknown_bidang_or_kategori(receive, refused, option, needles):
    case_id = receive("09:00")
    refused("verifikasi", case_id, option, "humas", "--waktu", at("09:05"), needles=needles)


def test_unknown_role_for_a_petugas(refused):
    refused(
        "petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "humas",
        needles=("peran 'humas' tidak dikenal", "admin, redaktur, pimred, kabid, kadin"),
    )  # fmt: skip


def test_unknown_role_to_forward_to(receive, refused):
    case_id = receive("09:00")
    refused("teruskan", case_id, "--ke", "kadin", exit_code=2, needles=("--ke", "'kadin' bukan pilihan", "redaktur, pimred"))


def test_unknown_status_in_a_list(refused):
    refused("daftar", "--status", "beres", needles=("status 'beres' tidak dikenal", "selesai", "bukan_pengaduan"))


# -- times -------------------------------------------------------------------------------------------------


def test_time_before_the_previous_step(receive, refused):
    case_id = receive("09:00")
    refused(
        "verifikasi", case_id, "--waktu", at("08:59"),
        needles=("--waktu 2026-11-02T08:59:00+07:00 lebih awal dari langkah sebelumnya (2026-11-02T09:00:00+07:00)",),
    )  # fmt: skip


def test_time_in_the_future(receive, refused):
    case_id = receive("09:00")
    refused("verifikasi", case_id, "--waktu", "2099-01-01T09:00", needles=("2099-01-01T09:00:00+07:00 ada di masa depan",))


def test_time_in_the_future_for_a_new_case(refused):
    refused("terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "--waktu", "2099-01-01T09:00", needles=("masa depan",))


def test_time_that_is_not_iso(receive, refused):
    case_id = receive("09:00")
    refused("verifikasi", case_id, "--waktu", "kemarin sore", needles=("--waktu 'kemarin sore' bukan waktu ISO 8601",))


# -- a case file broken by hand and committed ------------------------------------------------------------------


@pytest.fixture
def broken_case(store, receive):
    """A case whose file was edited by hand into invalid YAML (an unquoted '@' on line 6) and committed."""
    case_id = receive("09:00")
    path = store.root / "kasus" / "2026" / "11" / f"{case_id}.yaml"
    lines = path.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("akun:"))
    lines[number - 1] = "akun: @warga123"
    path.write_text("\n".join(lines) + "\n")
    git(store.root, "-c", "user.name=Ani", "-c", "user.email=ani@example.go.id", "commit", "-q", "-am", "edit tangan")
    return case_id, f"kasus/2026/11/{case_id}.yaml", number


@pytest.mark.parametrize("command", ["verifikasi", "lihat"])
def test_broken_case_file_names_file_and_line(broken_case, refused, command):
    case_id, relpath, line = broken_case
    args = {"verifikasi": ("verifikasi", case_id, "--waktu", at("09:05")), "lihat": ("lihat", case_id)}
    refused(*args[command], needles=(f"berkas {relpath} baris {line} rusak",))


def test_daftar_skips_a_broken_case_file_naming_file_and_line(broken_case, receive, cli, snapshot):
    case_id, relpath, line = broken_case
    other = receive("09:30")
    before = snapshot()
    result = cli("daftar", "--format", "csv")
    assert result.exit_code == 3
    assert other in result.stdout and case_id not in result.stdout
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"peringatan: dilewati: berkas {relpath} baris {line} rusak")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda text: "- hanya\n- daftar\n", "isinya bukan pemetaan YAML"),
        (lambda text: re.sub(r"(?m)^platform: .*\n", "", text), "kunci wajib hilang (platform)"),
        (lambda text: re.sub(r"(?m)^  waktu: .*\n", "", text), "riwayat ke-1: kunci wajib hilang (waktu)"),
        (lambda text: re.sub(r"(?m)^riwayat:\n(.|\n)*", "riwayat:\n- diterima\n", text), "riwayat ke-1 harus pemetaan"),
        (lambda text: re.sub(r"(?m)^pelapor:.*\n(  .*\n)*", "pelapor: Budi\n", text), "'pelapor' harus pemetaan"),
        # Keys the tool does not know would be dropped by its next write: refused, never lost.
        (lambda text: "catatan_internal: penting\n" + text, "kunci tidak dikenal (catatan_internal)"),
        (lambda text: text.replace("  aksi: terima\n", "  aksi: terima\n  lampiran: foto.jpg\n"),
         "riwayat ke-1: kunci tidak dikenal (lampiran)"),
        # Valid YAML of the wrong type.
        (lambda text: re.sub(r"(?m)^isi: .*$", "isi: [1, 2]", text), "'isi' harus teks"),
        (lambda text: re.sub(r"(?m)^langkah: 1$", "langkah: satu", text), "'langkah' harus bilangan bulat"),
        (lambda text: re.sub(r"(?m)^  waktu: '", "  waktu: 'x", text), "riwayat ke-1: 'waktu' bukan waktu ISO 8601"),
    ],
    ids=["list", "no-platform", "entry-without-time", "entry-not-mapping", "reporter-not-mapping", "unknown-key",
         "unknown-entry-key", "text-not-string", "step-not-int", "bad-time"],  # fmt: skip
)
def test_case_file_with_a_broken_structure_names_the_file(store, receive, refused, edit, problem):
    case_id = receive("09:00")
    relpath = f"kasus/2026/11/{case_id}.yaml"
    path = store.root / relpath
    edited = edit(path.read_text())
    assert edited != path.read_text()
    path.write_text(edited)
    git(store.root, "-c", "user.name=Ani", "-c", "user.email=ani@example.go.id", "commit", "-q", "-am", "edit tangan")
    for command in (("lihat", case_id), ("verifikasi", case_id, "--waktu", at("09:05"))):
        refused(*command, needles=(f"berkas kasus {relpath} tidak sah: {problem}",))
    assert path.read_text() == edited


# -- the store ----------------------------------------------------------------------------------------------------


def test_uncommitted_change_to_a_case(store, receive, refused):
    first, _second = receive("09:00"), receive("09:01")
    relpath = f"kasus/2026/11/{first}.yaml"
    path = store.root / relpath
    path.write_text(path.read_text().replace("platform: instagram", "platform: facebook"))
    refused("verifikasi", first, "--waktu", at("09:05"), needles=(f"berkas {relpath} punya perubahan yang belum di-commit",))
    assert "platform: facebook" in path.read_text()  # the hand edit is never overwritten


def test_untracked_file_is_left_alone(store, cli):
    (store.root / "catatan.txt").write_text("draf\n")
    result = cli("terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "--waktu", at("09:00"))
    assert result.exit_code == 0, result.output
    assert git(store.root, "status", "--porcelain") == "?? catatan.txt\n"


def test_staged_change(store, receive, refused):
    case_id = receive("09:00")
    (store.root / "baru.txt").write_text("x\n")
    git(store.root, "add", "baru.txt")
    refused("verifikasi", case_id, "--waktu", at("09:05"), needles=("belum di-commit (baru.txt)",))


def test_missing_store(cli, tmp_path):
    missing = tmp_path / "tidak-ada"
    result = cli("--store", str(missing), "terima", "--platform", "x", "--akun", "@a", "--isi", "halo")
    message = assert_refused(result, "store tidak ditemukan", "pengaduan init", store_root=missing)
    assert str(missing) in message
    assert not missing.exists()


def test_missing_store_from_the_environment(tmp_path):
    from click.testing import CliRunner

    from pengaduan.cli import main

    missing = tmp_path / "kosong"
    missing.mkdir()
    result = CliRunner().invoke(main, ["--petugas", "ani", "daftar"], env={"PENGADUAN_STORE": str(missing)})
    assert_refused(result, "store tidak ditemukan", store_root=missing)
    assert list(missing.iterdir()) == []


def test_init_refuses_an_existing_store(store, refused):
    refused("init", needles=("store sudah ada", "tidak ditimpa"))


def test_init_into_an_existing_empty_git_repository(tmp_path):
    from pengaduan.core.config import Staff
    from pengaduan.store.store import Store

    empty = tmp_path / "kosong"
    empty.mkdir()
    git(empty, "init", "-q", "-b", "master")
    result = run(empty, "init", petugas=None)
    assert result.exit_code == 0, result.output
    assert git(empty, "log", "--format=%s").strip() == "Store pengaduan dibuat"
    assert git(empty, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert git(empty, "status", "--porcelain") == ""
    Store.open(empty).save_config(
        Store.open(empty).config.with_staff(Staff("ani", "Ani", ("admin",), "ani@example.go.id")), "Petugas ani", None
    )
    assert audit(empty)[0] == 0


@pytest.mark.parametrize("what", ["berkas", "commit", "index"])
def test_init_refuses_a_git_repository_that_is_not_empty(tmp_path, what):
    folder = tmp_path / what
    folder.mkdir()
    git(folder, "init", "-q")
    (folder / "catatan.txt").write_text("punya orang lain\n", encoding="utf-8")
    if what != "berkas":
        git(folder, "add", "catatan.txt")
    if what == "commit":
        git(folder, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-m", "awal")
        (folder / "catatan.txt").unlink()
        git(folder, "rm", "-q", "--cached", "catatan.txt")
    if what == "index":
        (folder / "catatan.txt").unlink()
    before = sorted(p.name for p in folder.iterdir())
    result = run(folder, "init", petugas=None)
    expected = {"berkas": "berisi catatan.txt", "commit": "sudah punya commit", "index": "index-nya tidak kosong"}[what]
    assert_refused(result, "sudah repositori git yang tidak kosong", expected, "repositori git kosong", store_root=folder)
    assert sorted(p.name for p in folder.iterdir()) == before


# -- who runs the command --------------------------------------------------------------------------------------------


def test_unknown_petugas(refused):
    refused(
        "terima", "--platform", "x", "--akun", "@a", "--isi", "halo", petugas="joko",
        needles=("petugas 'joko' tidak ada di daftar petugas (ani, bayu, rina, hendra, sri, retno)", "petugas tambah"),
    )  # fmt: skip


def test_unknown_petugas_from_the_environment(refused):
    refused("terima", "--platform", "x", "--akun", "@a", "--isi", "halo", petugas=None,
            env={"PENGADUAN_PETUGAS": "joko"}, needles=("petugas 'joko'",))  # fmt: skip


def test_no_petugas_at_all(refused, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no repository around whose user.email could name someone
    env = {"PENGADUAN_PETUGAS": None, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    refused("terima", "--platform", "x", "--akun", "@a", "--isi", "halo", petugas=None, env=env,
            needles=("petugas belum ditentukan", "--petugas KODE", "PENGADUAN_PETUGAS"))  # fmt: skip


@pytest.mark.parametrize(
    ("who", "args", "step"),
    [
        ("rina", ("verifikasi", "{id}"), 2),
        ("hendra", ("verifikasi", "{id}", "--bukan-pengaduan", "--alasan", "spam"), 2),
        ("retno", ("verifikasi", "{id}"), 2),
        ("sri", ("terima", "--platform", "x", "--akun", "@a", "--isi", "halo"), 1),
    ],
)
def test_petugas_whose_role_may_not_record_the_step(receive, refused, who, args, step):
    case_id = receive("09:00")
    args = tuple(a.format(id=case_id) for a in args)
    refused(*args, "--waktu", at("09:05"), petugas=who, needles=(f"petugas '{who}'", f"tidak boleh mencatat langkah {step}"))


def test_redaktur_may_not_coordinate(cli, receive, refused):
    case_id = receive("13:00")
    for args, clock in [
        (("verifikasi", case_id), "13:03"),
        (("respon", case_id, "--isi", "Kami cek."), "13:06"),
        (("teruskan", case_id, "--ke", "redaktur"), "13:10"),
        (("teruskan", case_id, "--ke", "pimred"), "13:25"),
    ]:
        assert cli(*args, "--waktu", at(clock)).exit_code == 0
    refused("koordinasi", case_id, "--dengan", "kabid", "--bidang", "phpa", "--waktu", at("13:30"), petugas="rina",
            needles=("tidak boleh mencatat langkah 7", "yang boleh: admin, pimred"))  # fmt: skip


# -- missing details the SOP needs -------------------------------------------------------------------------------------


def test_not_a_complaint_needs_a_reason(receive, refused):
    case_id = receive("09:00")
    refused("verifikasi", case_id, "--bukan-pengaduan", "--waktu", at("09:05"), needles=("--alasan wajib",))
    # A note is not a reason: the SOP's closing needs the reason itself.
    refused("verifikasi", case_id, "--bukan-pengaduan", "--catatan", "lihat DM", "--waktu", at("09:05"),
            needles=("--alasan wajib",))  # fmt: skip


def test_empty_account(refused):
    refused("terima", "--platform", "x", "--akun", " ", "--isi", "halo", "--waktu", at("09:00"), needles=("--akun kosong",))


# -- click's own usage errors, in Indonesian -------------------------------------------------------------------------------


def test_unknown_option(receive, refused):
    case_id = receive("09:00")
    refused("verifikasi", case_id, "--kategorie", "x", exit_code=2, needles=("opsi --kategorie tidak dikenal", "--kategori"))


def test_missing_required_option(receive, refused):
    case_id = receive("09:00")
    refused("respon", case_id, exit_code=2, needles=("opsi --isi wajib diisi", "pengaduan respon --help"))


def test_missing_argument(refused):
    refused("verifikasi", exit_code=2, needles=("KASUS wajib diisi",))


def test_bad_choice(receive, refused):
    case_id = receive("09:00")
    needles = ("'kadin' bukan pilihan", "redaktur, kabid, pimred")
    refused("jawab", case_id, "--dari", "kadin", "--isi", "x", exit_code=2, needles=needles)


def test_option_without_its_value(refused):
    refused("terima", "--platform", exit_code=2, needles=("--platform perlu nilai",))


def test_unknown_command(refused):
    refused("hapus", exit_code=2, needles=("perintah 'hapus' tidak dikenal",))


def test_extra_argument(receive, refused):
    case_id = receive("09:00")
    refused("lihat", case_id, "lagi", exit_code=2, needles=("argumen berlebih",))


def test_flag_given_a_value(receive, refused):
    case_id = receive("09:00")
    refused("respon", case_id, "--isi", "x", "--tuntas=ya", exit_code=2, needles=("opsi --tuntas tidak memakai nilai",))


def test_store_that_is_a_file(cli, tmp_path):
    plain = tmp_path / "catatan.txt"
    plain.write_text("bukan store\n")
    result = cli("--store", str(plain), "daftar")
    assert_refused(result, "--store", "adalah berkas, bukan folder", store_root=plain, exit_code=2)
    assert plain.read_text() == "bukan store\n"


def test_number_option_given_words(refused):
    refused("demo", "--hari", "lima", exit_code=2, needles=("--hari", "'lima' bukan bilangan bulat"))


def test_broken_config_names_file_and_line(store, receive, refused):
    case_id = receive("09:00")
    config = store.root / "pengaduan.yaml"
    lines = config.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("kota:"))
    lines[number - 1] = "kota: Semarang: Jawa Tengah"
    config.write_text("\n".join(lines) + "\n")
    git(store.root, "-c", "user.name=Ani", "-c", "user.email=ani@example.go.id", "commit", "-q", "-am", "edit tangan")
    refused("verifikasi", case_id, "--waktu", at("09:05"), needles=(f"berkas pengaduan.yaml baris {number} rusak",))


# -- found in review: inputs that used to slip through ----------------------------------------------------------------


def test_empty_id_says_it_is_empty(refused):
    refused("verifikasi", "", "--waktu", at("09:05"), needles=("ID kasus kosong",))


def test_reason_without_closing_is_refused(receive, refused):
    case_id = receive("09:00")
    needles = ("--alasan hanya untuk --bukan-pengaduan",)
    refused("verifikasi", case_id, "--alasan", "spam", "--waktu", at("09:05"), needles=needles)


@pytest.mark.parametrize(
    "args",
    [
        ("terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "--waktu", "1900-01-01T09:00"),
        ("terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "--waktu", "0001-01-01T00:00+07:00"),
        ("terlambat", "--pada", "9999-12-31T23:59"),
        ("daftar", "--sejak", "1999-12-31"),
        ("laporan", "harian", "--tanggal", "0001-01-01"),
    ],
    ids=["1900", "year-1", "year-9999", "sejak-1999", "report-year-1"],
)
def test_years_outside_what_ids_can_hold_are_refused(refused, args):
    refused(*args, needles=("di luar rentang tahun 2000–2099",))


def test_month_outside_the_range_is_refused(refused):
    refused("laporan", "bulanan", "susun", "--bulan", "0000-01", petugas="hendra", needles=("di luar rentang tahun",))


def test_correcting_the_day_received_or_past_step_1_is_refused(receive, refused):
    case_id = receive("09:00")
    refused("koreksi", case_id, "--field", "waktu_terima", "--nilai", "2026-10-01T07:30", "--alasan", "salah",
            needles=("bukan hari yang sama dengan waktu_terima",))  # fmt: skip
    refused("koreksi", case_id, "--field", "waktu_terima", "--nilai", at("09:30"), "--alasan", "salah",
            needles=("sesudah langkah 1 dicatat",))  # fmt: skip


def test_output_lost_after_the_commit_says_it_is_recorded(store, tmp_path):
    """With stdout on a full disk the step is committed all the same: the message must say so, not invite a retry."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PENGADUAN_STORE": str(store.root), "PENGADUAN_PETUGAS": "ani"}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "pengaduan", "terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "-q",
             "--waktu", at("09:00")], stdout=full, stderr=subprocess.PIPE, env=env, text=True,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "sudah dicatat (commit" in done.stderr
    assert "jangan ulangi perintahnya" in done.stderr
    assert git(store.root, "rev-list", "--count", "HEAD").strip() == "2"


def test_a_broken_case_is_never_cached_as_good(store, receive, cli):
    """Lists trust what their cache holds; a file that fails the checks must be skipped on every run."""
    case_id = receive("09:00")
    relpath = f"kasus/2026/11/{case_id}.yaml"
    path = store.root / relpath
    path.write_text(re.sub(r"(?m)^isi: .*$", "isi: [1, 2]", path.read_text()))
    git(store.root, "-c", "user.name=Ani", "-c", "user.email=ani@example.go.id", "commit", "-q", "-am", "edit tangan")
    for _ in range(2):
        result = cli("daftar")
        assert result.exit_code == 3
        assert result.stderr.startswith(f"peringatan: dilewati: berkas kasus {relpath} tidak sah: 'isi' harus teks")


def test_a_clock_set_ahead_cannot_date_a_step_in_the_future(refused):
    """PENGADUAN_SEKARANG moves the tool's clock for reading; what is recorded stays within the real one."""
    refused("terima", "--platform", "x", "--akun", "@a", "--isi", "halo",
            env={"PENGADUAN_SEKARANG": "2099-01-01T09:00:00+07:00"}, needles=("ada di masa depan",))  # fmt: skip


def test_a_global_option_after_the_command_says_where_it_goes(refused):
    message = refused("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "redaktur", "--petugas", "ani")
    assert message == (
        "--petugas adalah opsi global: tulis sebelum nama perintah, contoh: pengaduan --petugas NILAI petugas tambah ..."
    )


@pytest.mark.parametrize(("args", "meant"), [
    (["petugas", "tambahh"], "tambah"), (["laporan", "harain"], "harian"), (["templat", "hps"], "hapus"),
    (["kunci", "izinkn"], "izinkan"), (["laporan", "bulanan", "buat"], None),
])  # fmt: skip
def test_a_mistyped_subcommand_is_named_with_what_it_may_have_meant(args, meant):
    from click.testing import CliRunner

    from pengaduan.cli import main

    result = CliRunner().invoke(main, args)
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert lines[0].startswith(f"galat: perintah '{args[-1]}' tidak dikenal"), lines[0]
    if meant is None:
        assert "mungkin maksud Anda" not in lines[0]
    else:
        assert f"mungkin maksud Anda: {meant}" in lines[0]
    assert lines[0].endswith(f"lihat 'pengaduan {' '.join(args[:-1])} --help'")
