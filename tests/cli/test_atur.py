"""`pengaduan atur`: every key and every list, each one configuration commit by a manager, comments kept;
and the audit's word on a configuration commit made by hand, with and without its trailer."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import ANI, assert_refused, at, audit, commit, git

# key, value typed, value as pengaduan.yaml then holds it
KEYS = [
    ("instansi", "Dinas P3AP2KB Provinsi Jawa Tengah", "Dinas P3AP2KB Provinsi Jawa Tengah"),
    ("instansi_singkat", "DP3AP2KB Jateng", "DP3AP2KB Jateng"),
    ("kota", "Surakarta", "Surakarta"),
    ("zona_waktu", "Asia/Makassar", "Asia/Makassar"),
    ("batas_kunci_detik", "45", 45),
    ("batas.berkas_kb", "2048", 2048),
    ("batas.tunda_hari_kerja", "10", 10),
    ("tanda_tangan_commit", "true", True),
    ("toleransi_waktu_detik", "300", 300),
    ("kalender.mode", "24/7", "24/7"),
    ("kalender.libur_nasional", "false", False),
    ("kalender.jam_kerja.senin", "08:00-15:00,12:00-12:30", {"masuk": "08:00", "pulang": "15:00", "istirahat": "12:00-12:30"}),
    ("kalender.jam_kerja.sabtu", "08:00-12:00", {"masuk": "08:00", "pulang": "12:00"}),
    ("kalender.jam_kerja.jumat", "libur", "libur"),
    ("notifikasi.ulang_menit", "30", 30),
]


def config(store) -> dict:
    return yaml.safe_load((store.root / "pengaduan.yaml").read_text(encoding="utf-8"))


def get(data: dict, key: str):
    for part in key.split("."):
        data = data[part]
    return data


def ok(cli, *args, petugas="ani"):
    result = cli(*args, petugas=petugas)
    assert result.exit_code == 0, result.output
    return result.stdout


def one_config_commit(store, head: str, subject_part: str) -> None:
    assert git(store.root, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert git(store.root, "show", "--name-only", "--format=", "HEAD").split() == ["pengaduan.yaml"]
    body = git(store.root, "log", "-1", "--format=%B")
    assert subject_part in body.splitlines()[0]
    assert "Jenis: konfigurasi" in body and "SOP: 276/SOP/KBKIE/2024" in body
    assert git(store.root, "log", "-1", "--format=%ae").strip() == ANI[1]


COMMENTS = [
    "# Kalender kerja: standar waktu SOP dihitung dalam menit kerja menurut kalender ini.",
    "  # kerja = hanya jam kerja di hari kerja yang dihitung; 24/7 = setiap menit dihitung.",
    "  # Tanggal yang tetap hari kerja walau tercantum sebagai libur (mis. libur yang dipindah).",
    "# Batas menunggu kunci store (detik) saat beberapa proses berjalan bersamaan.",
]


@pytest.mark.parametrize("key,typed,stored", KEYS, ids=[k[0] for k in KEYS])
def test_every_key_is_one_commit_keeping_the_comments(store, cli, key, typed, stored):
    head = git(store.root, "rev-parse", "HEAD").strip()
    before = (store.root / "pengaduan.yaml").read_text(encoding="utf-8")
    out = ok(cli, "atur", key, typed)
    assert out.startswith(f"{key} = ")
    assert get(config(store), key) == stored
    one_config_commit(store, head, key)
    text = (store.root / "pengaduan.yaml").read_text(encoding="utf-8")
    for comment in COMMENTS:
        assert comment in before and comment in text
    assert len(text.splitlines()) - len(before.splitlines()) <= 3  # only the changed lines
    shown = json.loads(ok(cli, "atur", "--format", "json"))
    assert shown["nilai"][key] == stored
    code, findings, result = audit(store.root)
    assert (code, findings) == (0, []), result.output


def test_setting_shows_defaults_and_refuses_bad_values(store, cli, snapshot):
    text = ok(cli, "atur")
    assert "kota                       Semarang" in text
    assert "kategori: kekerasan-perempuan (Kekerasan terhadap perempuan);" in text
    before = snapshot()
    assert_refused(cli("atur", "warna", "merah"), "kunci 'warna' tidak dapat diatur")
    assert_refused(cli("atur", "notifikasi.perintah", "echo"), "milik tiap mesin", "pengaduan lokal")
    assert_refused(cli("atur", "kota", "Semarang"), "sudah 'Semarang'")
    assert_refused(cli("atur", "tanda_tangan_commit", "mungkin"), "harus true atau false")
    assert_refused(cli("atur", "tanda_tangan_commit", "false"), "sudah False")
    assert_refused(cli("atur", "batas.berkas_kb", "nol"), "harus bilangan bulat")
    assert_refused(cli("atur", "batas.tunda_hari_kerja", "0"), "harus 1 atau lebih")
    assert_refused(cli("atur", "kalender.mode", "libur"), "bukan pilihan; pilih salah satu: kerja, 24/7")
    assert_refused(cli("atur", "zona_waktu", "Mars/Olympus"), "zona waktu 'Mars/Olympus' tidak dikenal")
    assert_refused(cli("atur", "kalender.jam_kerja.senin", "16:00-08:00"), "pulang harus sesudah masuk")
    assert_refused(cli("atur", "kota", "Solo", petugas="rina"), "petugas 'rina' tidak boleh mengubah konfigurasi")
    assert snapshot() == before


def test_holidays_and_worked_days(store, cli, snapshot):
    head = git(store.root, "rev-parse", "HEAD").strip()
    ok(cli, "atur", "libur", "tambah", "2026-08-19", "--keterangan", "Hari jadi Provinsi Jawa Tengah")
    one_config_commit(store, head, "libur_tambahan")
    ok(cli, "atur", "libur", "tambah", "2026-01-02", "--keterangan", "Libur daerah")
    assert config(store)["kalender"]["libur_tambahan"] == [
        {"tanggal": "2026-01-02", "keterangan": "Libur daerah"},
        {"tanggal": "2026-08-19", "keterangan": "Hari jadi Provinsi Jawa Tengah"},
    ]
    kalender = json.loads(ok(cli, "kalender", "--tahun", "2026", "--format", "json"))
    row = next(r for r in kalender if r["tanggal"] == "2026-08-19")
    assert (row["keterangan"], row["sumber"], row["libur"]) == ("Hari jadi Provinsi Jawa Tengah", "konfigurasi", True)
    before = snapshot()
    assert_refused(cli("atur", "libur", "tambah", "2026-08-19", "--keterangan", "lagi"), "sudah ada")
    assert_refused(cli("atur", "libur", "tambah", "2026-08-20"), "--keterangan wajib")
    assert_refused(cli("atur", "libur", "tambah", "19-08-2026", "--keterangan", "x"), "bukan tanggal")
    assert_refused(cli("atur", "libur", "hapus", "2026-08-20"), "tidak ada di kalender.libur_tambahan")
    assert snapshot() == before
    ok(cli, "atur", "libur", "hapus", "2026-08-19")
    assert [d["tanggal"] for d in config(store)["kalender"]["libur_tambahan"]] == ["2026-01-02"]
    ok(cli, "atur", "bukan-libur", "tambah", "2026-12-24")
    assert config(store)["kalender"]["bukan_libur"] == ["2026-12-24"]
    ok(cli, "atur", "bukan-libur", "hapus", "2026-12-24")
    assert config(store)["kalender"]["bukan_libur"] == []
    code, findings, _ = audit(store.root)
    assert (code, findings) == (0, [])


@pytest.mark.parametrize("kind", ["kategori", "bidang"])
def test_coded_lists(store, cli, receive, snapshot, kind):
    ok(cli, "atur", kind, "tambah", "perundungan", "--nama", "Perundungan")
    assert config(store)[kind]["perundungan"] == "Perundungan"
    ok(cli, "atur", kind, "ubah", "perundungan", "--nama", "Perundungan di sekolah")
    assert config(store)[kind]["perundungan"] == "Perundungan di sekolah"
    case_id = receive("09:00")
    ok(cli, "verifikasi", case_id, f"--{kind}", "perundungan", "--waktu", at("09:05"))
    before = snapshot()
    assert_refused(cli("atur", kind, "hapus", "perundungan"), "masih dipakai 1 kali", case_id)
    assert_refused(cli("atur", kind, "tambah", "perundungan", "--nama", "X"), "sudah ada")
    assert_refused(cli("atur", kind, "tambah", "Bad Code", "--nama", "X"), "kode 'Bad Code' tidak sah")
    assert_refused(cli("atur", kind, "ubah", "tidak-ada", "--nama", "X"), "tidak ada")
    assert snapshot() == before
    ok(cli, "atur", kind, "tambah", "sementara", "--nama", "Sementara")
    ok(cli, "atur", kind, "hapus", "sementara")
    assert "sementara" not in config(store)[kind]
    code, findings, _ = audit(store.root)
    assert (code, findings) == (0, [])


def test_platforms(store, cli, receive, snapshot):
    ok(cli, "atur", "platform", "tambah", "whatsapp")
    assert config(store)["platform"][-1] == "whatsapp"
    text = (store.root / "pengaduan.yaml").read_text(encoding="utf-8")
    assert "  - whatsapp\n" in text  # the list keeps its indentation
    case_id = receive("09:00", platform="whatsapp")
    before = snapshot()
    assert_refused(cli("atur", "platform", "hapus", "whatsapp"), "masih dipakai", case_id)
    assert_refused(cli("atur", "platform", "tambah", "x"), "sudah ada")
    assert snapshot() == before
    ok(cli, "atur", "platform", "hapus", "threads")
    assert "threads" not in config(store)["platform"]
    assert_refused(cli("terima", "--platform", "threads", "--akun", "@a", "--isi", "x", "--waktu", at("10:00")),
                   "platform 'threads' tidak dikenal")  # fmt: skip


def test_a_hand_made_configuration_commit_with_and_without_its_trailer(store, cli):
    path = store.root / "pengaduan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kota: Semarang", "kota: Salatiga"), encoding="utf-8")
    commit(store.root, "Kota diganti")
    code, findings, _ = audit(store.root)
    assert code == 1
    assert [(f["aturan"], f["pesan"]) for f in findings] == [(4, "commit konfigurasi tanpa trailer Jenis: konfigurasi")]
    path.write_text(path.read_text(encoding="utf-8").replace("kota: Salatiga", "kota: Magelang"), encoding="utf-8")
    commit(store.root, "Kota diganti lagi\n\nJenis: konfigurasi\nSOP: 276/SOP/KBKIE/2024\n")
    code, findings, _ = audit(store.root)
    assert [f["pesan"] for f in findings] == ["commit konfigurasi tanpa trailer Jenis: konfigurasi"]  # only the first


def test_a_hand_made_configuration_commit_by_a_non_manager(store, cli):
    path = store.root / "pengaduan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kota: Semarang", "kota: Salatiga"), encoding="utf-8")
    commit(store.root, "Kota diganti", ("Rina Kartikasari", "rina@example.go.id"))
    code, findings, _ = audit(store.root)
    assert sorted((f["aturan"], f["pesan"][:40]) for f in findings) == [
        (4, "commit konfigurasi tanpa trailer Jenis: "),
        (5, "petugas 'rina' (redaktur) tidak boleh me"),
    ]


def test_every_settable_key_is_tested_here():
    from pengaduan.core.settings import SETTINGS

    tested = {k for k, _, _ in KEYS} | {f"kalender.jam_kerja.{d}" for d in ("selasa", "rabu", "kamis", "minggu")}
    assert tested == set(SETTINGS)
