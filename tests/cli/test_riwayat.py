"""`pengaduan riwayat ID`: one case's history read back from git, commit by commit."""

from __future__ import annotations

import json
from datetime import datetime

from pengaduan.store import layout
from tests.conftest import ANI, assert_refused, at, commit, git, keygen


def _redaktur_case(cli, receive) -> str:
    case_id = receive("10:00")
    for args, who in [
        (("verifikasi", case_id, "--waktu", at("10:04")), "ani"),
        (("respon", case_id, "--isi", "Kami teruskan.", "--waktu", at("10:07")), "ani"),
        (
            ("teruskan", case_id, "--ke", "redaktur", "--via", "whatsapp", "--catatan", "lewat grup", "--waktu", at("10:10")),
            "ani",
        ),
        (("jawab", case_id, "--dari", "redaktur", "--isi", "Hubungi UPTD PPA.", "--waktu", at("10:18")), "rina"),
    ]:
        result = cli(*args, petugas=who)
        assert result.exit_code == 0, result.output
    return case_id


def test_json_lists_every_commit_with_who_when_and_what(store, cli, receive):
    case_id = _redaktur_case(cli, receive)
    result = cli("riwayat", case_id, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    shas = git(store.root, "log", "--reverse", "--format=%H", "--", layout.case_path(case_id)).split()
    assert [r["commit"] for r in rows] == shas
    assert [(r["langkah"], r["aksi"]) for r in rows] == [
        (1, "terima"), (2, "verifikasi"), (3, "respon"), (4, "teruskan_redaktur"), (5, "jawab_redaktur"),
    ]  # fmt: skip
    assert [r["penulis"]["email"] for r in rows] == [ANI[1]] * 4 + ["rina@example.go.id"]
    assert rows[3]["catatan"] == "lewat grup" and rows[4]["pelaksana"] == "admin"
    assert rows[0]["perubahan"] == "dibuat" and rows[1]["perubahan"] == "diubah"
    assert all(r["tanda_tangan"] == {"ada": False, "sah": False, "masalah": None} for r in rows)
    committed = git(store.root, "log", "-1", "--format=%cI", shas[0]).strip()
    assert datetime.fromisoformat(rows[0]["waktu_commit"]) == datetime.fromisoformat(committed)
    assert "diff" not in rows[0]


def test_text_shows_short_ids_authors_steps_and_signature_state(store, cli, receive):
    case_id = _redaktur_case(cli, receive)
    result = cli("riwayat", case_id[7:11])  # a prefix of the random part is enough
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"Riwayat kasus {case_id} ({layout.case_path(case_id)}): 5 commit")
    first = git(store.root, "log", "--reverse", "--format=%H", "--", layout.case_path(case_id)).split()[0]
    assert f"commit {first[:10]}" in out
    assert "Rina Kartikasari <rina@example.go.id>" in out
    assert (
        "langkah 4 teruskan_redaktur — diteruskan ke Redaktur; pelaksana admin (Ani Lestari), dicatat ani, 2 Nov 2026 10.10 WIB"
        in out
    )
    assert "catatan: lewat grup" in out and "jawaban: Hubungi UPTD PPA." in out
    assert out.count("tanda tangan: tidak ditandatangani") == 5


def test_diff_shows_the_yaml_change(store, cli, receive):
    case_id = _redaktur_case(cli, receive)
    rows = json.loads(cli("riwayat", case_id, "--format", "json", "--diff").stdout)
    assert rows[0]["diff"].startswith(f"--- /dev/null\n+++ b/{layout.case_path(case_id)}\n")
    assert "-status: diverifikasi\n-langkah: 2\n+status: direspon\n+langkah: 3\n" in rows[2]["diff"]
    assert "+- langkah: 5\n" in rows[4]["diff"]
    text = cli("riwayat", case_id, "--diff").stdout
    assert "    +  aksi: jawab_redaktur" in text


def test_tampering_and_deletion_show_in_the_history(store, cli, receive):
    case_id = receive("09:00")
    path = store.root / layout.case_path(case_id)
    path.write_text(path.read_text(encoding="utf-8").replace("platform: instagram", "platform: facebook"), encoding="utf-8")
    commit(store.root, "ganti akun")
    git(store.root, "rm", "-q", layout.case_path(case_id))
    commit(store.root, "hapus")
    result = cli("riwayat", case_id)  # the file is gone: the full ID is looked up in git
    assert result.exit_code == 0, result.output
    assert "3 commit" in result.stdout.splitlines()[0]
    assert "berkas berubah tanpa entri riwayat baru" in result.stdout
    assert "berkas kasus DIHAPUS" in result.stdout


def test_signatures_valid_and_foreign(store, cli, signed, tmp_path):
    case_id = signed("terima", "--platform", "x", "--akun", "@a", "--isi", "Halo", "--waktu", at("09:00"), "-q")
    git(store.root, "config", "user.signingkey", str(keygen(tmp_path / "asing")))
    signed("verifikasi", case_id, "--waktu", at("09:05"))
    rows = json.loads(cli("riwayat", case_id, "--format", "json").stdout)
    assert rows[0]["tanda_tangan"] == {"ada": True, "sah": True, "masalah": None}
    assert rows[1]["tanda_tangan"]["ada"] and not rows[1]["tanda_tangan"]["sah"]
    assert "bukan milik penulis 'ani'" in rows[1]["tanda_tangan"]["masalah"]
    text = cli("riwayat", case_id).stdout
    assert "tanda tangan: sah" in text and "tanda tangan: TIDAK SAH: kunci penanda tangan SHA256:" in text


def test_unknown_case_is_refused(store, cli, receive):
    receive("09:00")
    assert_refused(cli("riwayat", "ZZZZZZZ"), "tidak ditemukan", store_root=store.root)
    assert_refused(cli("riwayat", "261102-ZZZZZZZ"), "tidak ada dalam riwayat store", store_root=store.root)
