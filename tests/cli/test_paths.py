"""The four paths of the SOP, end to end through the CLI, one commit per step."""

from __future__ import annotations

import json

from tests.conftest import at, git


def _log(store) -> list[tuple[str, str, str]]:
    """(author name, author email, subject) of each commit, oldest first."""
    out = git(store.root, "log", "--reverse", "--format=%an%x09%ae%x09%s")
    return [tuple(line.split("\t")) for line in out.splitlines()]


def _case(cli, case_id: str) -> dict:
    result = cli("lihat", case_id, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_admin_answers(store, cli, receive):
    before = len(_log(store))
    case_id = receive("09:00")
    assert cli("verifikasi", case_id, "--kategori", "layanan", "--bidang", "kgpp", "--waktu", at("09:05")).exit_code == 0
    assert cli("respon", case_id, "--isi", "Syaratnya KTP dan KK.", "--tuntas", "--waktu", at("09:08")).exit_code == 0
    data = _case(cli, case_id)
    assert (data["status"], data["langkah"]) == ("selesai", 3)
    assert [e["langkah"] for e in data["riwayat"]] == [1, 2, 3]
    log = _log(store)
    assert len(log) - before == 3
    assert all(name == "Ani Lestari" and email == "ani@example.go.id" for name, email, _ in log[before:])


def test_admin_answers_then_reporter_receives(store, cli, receive):
    case_id = receive("09:00")
    cli("verifikasi", case_id, "--waktu", at("09:05"))
    cli("respon", case_id, "--isi", "Kami cek dulu.", "--waktu", at("09:08"))
    assert cli("selesai", case_id, "--isi", "Sudah kami kirim.", "--waktu", at("09:12")).exit_code == 0
    data = _case(cli, case_id)
    assert [e["langkah"] for e in data["riwayat"]] == [1, 2, 3, 11]
    assert data["status"] == "selesai"


def test_redaktur_answers(store, cli, receive):
    before = len(_log(store))
    case_id = receive("10:00")
    cli("verifikasi", case_id, "--waktu", at("10:04"))
    cli("respon", case_id, "--isi", "Kami teruskan.", "--waktu", at("10:07"))
    assert cli("teruskan", case_id, "--ke", "redaktur", "--via", "whatsapp", "--waktu", at("10:10")).exit_code == 0
    result = cli("jawab", case_id, "--dari", "redaktur", "--isi", "Hubungi UPTD PPA.", "--waktu", at("10:18"), petugas="rina")
    assert result.exit_code == 0, result.output
    data = _case(cli, case_id)
    assert (data["status"], data["langkah"]) == ("selesai", 5)
    assert [e["langkah"] for e in data["riwayat"]] == [1, 2, 3, 4, 5]
    assert data["riwayat"][3]["saluran"] == "whatsapp"
    authors = [name for name, _, _ in _log(store)[before:]]
    assert authors == ["Ani Lestari"] * 4 + ["Rina Kartikasari"]


def test_redaktur_silent_escalates_to_kadin(store, cli, receive):
    before = len(_log(store))
    case_id = receive("13:00")
    steps = [
        (("verifikasi", case_id, "--bidang", "phpa"), "ani", "13:03"),
        (("respon", case_id, "--isi", "Kami tindak lanjuti."), "ani", "13:06"),
        (("teruskan", case_id, "--ke", "redaktur"), "ani", "13:10"),
        (("teruskan", case_id, "--ke", "pimred", "--via", "telepon"), "ani", "13:25"),
        (("koordinasi", case_id, "--dengan", "kabid", "--bidang", "phpa"), "hendra", "13:30"),
        (("koordinasi", case_id, "--dengan", "kadin"), "sri", "13:40"),
        (("jawab", case_id, "--dari", "kabid", "--isi", "Tim menjangkau lokasi."), "sri", "13:50"),
        (("jawab", case_id, "--dari", "pimred", "--isi", "Sampaikan ke pelapor."), "hendra", "13:58"),
        (("selesai", case_id, "--isi", "Tim kami menjangkau lokasi hari ini."), "ani", "14:02"),
    ]
    for args, who, clock in steps:
        result = cli(*args, "--waktu", at(clock), petugas=who)
        assert result.exit_code == 0, result.output
    data = _case(cli, case_id)
    assert [e["langkah"] for e in data["riwayat"]] == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11]
    assert (data["status"], data["bidang"]) == ("selesai", "phpa")
    assert [e["pelaksana"] for e in data["riwayat"]][4:8] == ["admin", "pimred", "kabid", "kabid"]
    log = _log(store)[before:]
    assert len(log) == 10
    assert [name for name, _, _ in log] == ["Ani Lestari"] * 5 + ["Hendra Wijayanto"] + ["Sri Wahyuningsih"] * 2 + [
        "Hendra Wijayanto",
        "Ani Lestari",
    ]


def test_not_a_complaint(store, cli, receive):
    case_id = receive("11:00", platform="tiktok")
    result = cli("verifikasi", case_id, "--bukan-pengaduan", "--alasan", "spam promosi", "--waktu", at("11:03"))
    assert result.exit_code == 0, result.output
    data = _case(cli, case_id)
    assert (data["status"], data["langkah"]) == ("bukan_pengaduan", 2)
    assert data["riwayat"][-1]["catatan"] == "spam promosi"
    assert data["aksi_berikut"] == []
    assert data["menunggu"] is None


def test_commit_trailers_and_single_file(store, cli, receive):
    case_id = receive("09:00")
    cli("verifikasi", case_id, "--waktu", at("09:04"))
    body = git(store.root, "log", "-1", "--format=%B")
    assert body.startswith(f"{case_id}: diverifikasi (langkah 2)")
    for trailer in (f"Kasus: {case_id}", "Langkah: 2", "Aksi: verifikasi", "Pelaksana: admin", "SOP: 276/SOP/KBKIE/2024"):
        assert trailer in body.splitlines()
    files = git(store.root, "show", "--name-only", "--format=", "HEAD").split()
    assert files == [f"kasus/2026/11/{case_id}.yaml"]
    assert git(store.root, "status", "--porcelain") == ""


def test_forward_choices_come_from_the_stores_sop(store, cli, receive, revise_sop):
    """`teruskan --ke` takes the values sop.yaml's perintah give it: renamed there, renamed here."""
    case_id = receive("09:00")
    cli("verifikasi", case_id, "--waktu", at("09:05"))
    cli("respon", case_id, "--isi", "Kami cek dulu.", "--waktu", at("09:08"))
    assert cli("teruskan", case_id, "--ke", "redaktur", "--waktu", at("09:10")).exit_code == 0
    revise_sop(lambda text: text.replace("perintah: teruskan ID --ke pimred", "perintah: teruskan ID --ke pimpinan"))

    help_text = cli("teruskan", "--help").stdout
    assert "--ke [redaktur|pimpinan]" in help_text and "pimpinan (langkah 6)" in help_text
    refused = cli("teruskan", case_id, "--ke", "pimred", "--waktu", at("09:25"))
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "'pimred' bukan pilihan; pilih salah satu: redaktur, pimpinan" in refused.stderr
    result = cli("teruskan", case_id, "--ke", "pimpinan", "--waktu", at("09:25"), "--catatan", "belum dijawab")
    assert result.exit_code == 0, result.output
    assert _case(cli, case_id)["riwayat"][-1]["aksi"] == "teruskan_pimred"
    audit = cli("audit", "--format", "json", petugas=None)
    assert (audit.exit_code, json.loads(audit.stdout)["temuan"]) == (0, [])
