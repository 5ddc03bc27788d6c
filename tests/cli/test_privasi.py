"""Privacy by design (issue 11): schema-2 sealing, machines and keys through sinkron, erasure,
retention, the anonim/rahasia flags and redaction in everything shared."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pengaduan.cli import main
from pengaduan.store import layout
from pengaduan.store.keys import KeyStore
from tests.conftest import at, git, ok, run

NAME = "Zzqx Testnama"
CONTACT = "081299887766"
NIK = "3374019876543210"
PHONE = "081377665544"
TEXT = f"Anak tetangga dipukul. NIK ibunya {NIK}, telepon saya {PHONE}, tolong."
SECRETS = (NAME, CONTACT, NIK, PHONE, "Zzqx", "Testnama", "@uji_warga")
PHRASE = "kuda-lumping-batik-solo"


def receive(root: Path, clock: str = "09:00", *extra: str, akun: str = "@uji_warga", isi: str = TEXT) -> str:
    # --tetap: these tests receive the same text from the same account on purpose (terima would
    # refuse a repeat within a day, having opened the sealed earlier ones to compare).
    args = ["terima", "--platform", "instagram", "--akun", akun, "--isi", isi, "--waktu", at(clock), "-q", "--tetap", *extra]
    return ok(root, *args).strip()


def all_objects(repo: Path) -> bytes:
    done = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch"], capture_output=True, check=True
    )
    return done.stdout


def leaked(data: bytes, secrets=SECRETS) -> list[str]:
    return [s for s in secrets if s.encode() in data]


def derived_files(root: Path) -> bytes:
    """Every derived file under .git/pengaduan/ (the key store excluded: it holds keys, not data)."""
    base = root / ".git" / layout.PRIVATE
    return b"".join(p.read_bytes() for p in base.rglob("*") if p.is_file() and "kunci" not in p.relative_to(base).parts)


def lihat(root: Path, case_id: str, **kw) -> dict:
    return json.loads(ok(root, "lihat", case_id, "--format", "json", **kw))


# -- machines sharing one remote -----------------------------------------------------------------
@pytest.fixture
def desk(store, tmp_path):
    """The store with this machine authorised (`kunci init`) and a bare remote it syncs to."""
    ok(store.root, "kunci", "init", "--nama", "mesin-a")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(store.root, "remote", "add", "origin", str(remote))
    ok(store.root, "sinkron")
    return store.root, remote


def clone(remote: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(remote), str(target)], check=True)
    return target


def authorise(a: Path, b: Path, name: str) -> None:
    """b asks (`kunci minta`), an admin on a lets it in, both sync."""
    out = ok(b, "kunci", "minta", "--nama", name)
    line = next(x.strip() for x in out.splitlines() if x.strip().startswith("pengaduan kunci izinkan"))
    ok(a, *line.split()[1:])
    ok(a, "sinkron")
    ok(b, "sinkron")


def keystore(root: Path) -> KeyStore:
    return KeyStore(root / ".git" / layout.PRIVATE)


# -- the tests -----------------------------------------------------------------------------------
def test_no_git_object_holds_personal_data_after_demo_and_a_scenario(tmp_path):
    root = tmp_path / "demo"
    result = CliRunner().invoke(main, ["--store", str(root), "demo"])
    assert result.exit_code == 0, result.output
    plain_id = receive(root, "09:00", "--nama-pelapor", NAME, "--kontak", CONTACT)
    secret_id = receive(root, "09:05", "--rahasia", "--nama-pelapor", NAME, akun="@uji_warga")
    ok(root, "verifikasi", plain_id, "--kategori", "kekerasan-anak", "--bidang", "uptd-ppa", "--waktu", at("09:10"),
       "--catatan", f"pelapor {NAME} minta ditelepon {PHONE}")  # fmt: skip
    ok(root, "respon", plain_id, "--isi", f"Kami hubungi {CONTACT}", "--waktu", at("09:15"))
    ok(root, "koreksi", secret_id, "--kolom", "isi", "--nilai", f"{TEXT} (dikoreksi)", "--alasan", f"tambah {NIK}")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(root, "remote", "add", "origin", str(remote))
    ok(root, "sinkron")
    ok(root, "daftar", "--format", "csv")  # fills the read cache
    ok(root, "laporan", "harian", "--tanggal", "2026-11-02", "--format", "html")
    ok(root, "sinkron")
    assert leaked(all_objects(root)) == []
    assert leaked(all_objects(remote)) == []
    assert leaked(derived_files(root)) == []
    # ...yet this machine, which holds the keys, reads everything.
    shown = lihat(root, plain_id)
    assert shown["pelapor"] == {"nama": NAME, "kontak": CONTACT} and shown["isi"] == TEXT
    assert shown["riwayat"][1]["catatan"] == f"pelapor {NAME} minta ditelepon {PHONE}"
    assert ok(root, "audit").strip().endswith("0 temuan")
    demo_names = [c for c in ok(root, "lihat", next(iter(_demo_pesan(root))), petugas=None).splitlines() if "Pelapor" in c]
    assert demo_names and "[terenkripsi]" not in demo_names[0]


def _demo_pesan(root: Path) -> list[str]:
    """IDs of the demo's direct messages (the ones with a reporter block)."""
    rows = json.loads(ok(root, "daftar", "--format", "json", petugas=None))
    return [r["id"] for r in rows if r["jenis"] == "pesan"]


def test_two_authorised_clones_share_keys_and_an_erasure_reaches_both(desk, tmp_path):
    a, remote = desk
    b = clone(remote, tmp_path / "b")
    authorise(a, b, "mesin-b")
    case_id = receive(a, "09:00", "--nama-pelapor", NAME, "--kontak", CONTACT)
    ok(a, "sinkron")
    ok(b, "sinkron", petugas="bayu")
    assert lihat(b, case_id, petugas="bayu")["pelapor"] == {"nama": NAME, "kontak": CONTACT}
    old_head = git(b, "rev-parse", "HEAD").strip()

    out = ok(a, "hapus-data", case_id, "--alasan", f"permintaan pelapor {CONTACT}", "--dasar", "UU 27/2022 Pasal 8")
    assert "data pribadi dihapus" in out
    ok(a, "sinkron")
    ok(b, "sinkron", petugas="bayu")
    for root in (a, b):
        shown = ok(root, "lihat", case_id)
        assert NAME not in shown and CONTACT not in shown and NIK not in shown
        label = re.search(r"\[dihapus \d+ \w+ \d{4}: permintaan pelapor \[kontak disamarkan\]\]", shown)
        assert label is not None, shown
        assert keystore(root).get(case_id) is None
        assert case_id in keystore(root).erased_ids()
        assert ok(root, "audit").strip().endswith("0 temuan")
        # Derived data keeps nothing of it; the erased wraps are gone from the key repository.
        assert leaked(derived_files(root)) == []
        key_objects = all_objects(root / ".git" / layout.PRIVATE / "kunci" / "ref.git")
        assert f"{case_id}/mesin-".encode() not in key_objects
    assert git(a, "merge-base", "--is-ancestor", old_head, "HEAD") == ""
    assert git(b, "merge-base", "--is-ancestor", old_head, "HEAD") == ""
    wraps = git(remote, "ls-tree", "-r", "--name-only", "refs/pengaduan/kunci").split()
    assert f"hapus/{case_id}" in wraps and not any(f"/{case_id}/" in w for w in wraps)
    # The steps and times stay: the case is still there, in lists and reports.
    assert case_id in ok(b, "daftar", "--format", "csv")
    assert ok(b, "lihat", case_id).startswith(f"Kasus {case_id} — Diterima (langkah 1)")


def test_a_never_authorised_clone_works_and_shows_encrypted(desk, tmp_path):
    a, remote = desk
    case_id = receive(a, "09:00", "--nama-pelapor", NAME)
    ok(a, "sinkron")
    c = clone(remote, tmp_path / "c")
    shown = ok(c, "lihat", case_id)
    assert "[terenkripsi]" in shown and NAME not in shown and "kunci minta" in shown
    # It records steps (sealing the answer to the case's public key), lists, reports, audits...
    ok(c, "verifikasi", case_id, "--kategori", "layanan", "--waktu", at("09:05"))
    ok(c, "respon", case_id, "--isi", f"Kami telepon {PHONE}", "--waktu", at("09:10"))
    assert case_id in ok(c, "daftar")
    assert "[terenkripsi]" in ok(c, "daftar", "--format", "json")
    ok(c, "laporan", "harian", "--tanggal", "2026-11-02", "--format", "html", "--keluaran", str(tmp_path / "lap"))
    assert ok(c, "audit").strip().endswith("0 temuan")
    # ...and receives a new complaint whose data only the authorised machines can read.
    new_id = receive(c, "09:20", "--nama-pelapor", "Cici Wati", isi="dari mesin c")
    assert "[terenkripsi]" in ok(c, "lihat", new_id)
    assert keystore(c).get(new_id) is None
    ok(c, "sinkron")
    ok(a, "sinkron")
    assert lihat(a, new_id)["pelapor"]["nama"] == "Cici Wati"
    assert lihat(a, case_id)["riwayat"][-1]["jawaban"] == f"Kami telepon {PHONE}"
    assert ok(a, "audit").strip().endswith("0 temuan")


def test_tampered_or_moved_ciphertext_does_not_open_and_is_an_audit_finding(store):
    ok(store.root, "kunci", "init")
    one, two = receive(store.root, "09:00", isi="isi satu"), receive(store.root, "09:01", isi="isi dua")
    path_one, path_two = (store.root / layout.case_path(i) for i in (one, two))
    sealed_two = yaml.safe_load(path_two.read_text())["isi"]
    data = yaml.safe_load(path_one.read_text())
    original = data["isi"]

    def commit_isi(value: str) -> None:
        path_one.write_text(path_one.read_text().replace(f"isi: {data['isi']}", f"isi: {value}"))
        data["isi"] = value
        git(store.root, "-c", "user.name=Ani", "-c", "user.email=ani@example.go.id", "commit", "-qam", "ubah")

    commit_isi(sealed_two)  # moved from another case
    result = run(store.root, "lihat", one)
    assert result.exit_code == 1
    assert f"kasus {one}: kolom isi tidak dapat dibuka dengan kunci kasus ini" in result.stderr
    assert "dipindah dari kasus atau kolom lain" in result.stderr
    findings = json.loads(run(store.root, "audit", "--format", "json").stdout)["temuan"]
    assert {3, 12} <= {f["aturan"] for f in findings}  # an intake field changed without koreksi, and it does not open
    assert any(f["aturan"] == 12 and "tidak dapat dibuka" in f["pesan"] for f in findings)

    flipped = original[:-6] + ("A" if original[-6] != "A" else "B") + original[-5:]
    commit_isi(flipped)  # edited
    result = run(store.root, "lihat", one)
    assert result.exit_code == 1 and "tidak dapat dibuka" in result.stderr
    findings = json.loads(run(store.root, "audit", "--format", "json").stdout)["temuan"]
    assert sum(1 for f in findings if f["aturan"] == 12) == 2
    # Lists keep working: the broken value reads as a placeholder.
    assert "[rusak" in ok(store.root, "daftar", "--format", "json")


def test_anonim_keeps_no_name_and_masks_the_handle_everywhere(store):
    refused = run(store.root, "terima", "--platform", "x", "--akun", "@uji_warga", "--isi", "x", "--anonim",
                  "--nama-pelapor", NAME, "--waktu", at("09:00"))  # fmt: skip
    assert refused.exit_code == 1 and "nama dan kontaknya tidak disimpan" in refused.stderr
    case_id = receive(store.root, "09:00", "--anonim")
    shown = ok(store.root, "lihat", case_id)
    assert "@uji_warga" not in shown and "@uj***99" not in shown and "@uj***ga" in shown
    assert "anonim (nama dan kontak tidak disimpan)" in shown
    assert lihat(store.root, case_id)["akun"] == "@uj***ga"
    # Made anonymous at verification: the reporter block is dropped from then on.
    other = receive(store.root, "09:01", "--nama-pelapor", NAME)
    ok(store.root, "verifikasi", other, "--anonim", "--waktu", at("09:05"))
    data = yaml.safe_load((store.root / layout.case_path(other)).read_text())
    assert data["anonim"] is True and data["pelapor"] is None
    assert NAME not in ok(store.root, "lihat", other)
    assert ok(store.root, "audit").strip().endswith("0 temuan")


def test_rahasia_and_sensitive_categories_never_leave_the_machine(store, tmp_path, monkeypatch):
    marked = receive(store.root, "09:00", "--rahasia", isi="rahasia: korban di rumah kuning")
    sensitive = receive(store.root, "09:01", isi="tpks: pelaku guru les")
    plain = receive(store.root, "09:02", akun="@warga_biasa", isi=f"jalan rusak, hubungi {PHONE} atau korban@mail.example.com")
    ok(store.root, "verifikasi", sensitive, "--kategori", "tpks", "--waktu", at("09:05"))
    assert lihat(store.root, sensitive)["rahasia"] is True
    hidden = ("rumah kuning", "pelaku guru", "@uji_warga", "@uj***ga", PHONE, "korban@mail")
    for fmt in ("csv", "json"):
        listed = ok(store.root, "daftar", "--format", fmt)
        assert [h for h in hidden if h in listed] == []
        assert listed.count("[rahasia]") == 2 and "[nomor disamarkan]" in listed and "[email disamarkan]" in listed
    out = tmp_path / "lap"
    ok(store.root, "laporan", "harian", "--tanggal", "2026-11-02", "--format", "html", "--keluaran", str(out))
    html = "".join(p.read_text() for p in out.rglob("*.html"))
    assert [h for h in hidden if h in html] == [] and "[rahasia]" in html
    assert marked in html and sensitive in html and plain in html  # IDs, steps and times stay
    # Reminders carry no text at all.
    log = tmp_path / "pesan.txt"
    ok(store.root, "lokal", "notifikasi.perintah", f"printenv >> {log}")
    monkeypatch.setenv("PENGADUAN_SEKARANG", "2026-11-02T15:00:00+07:00")
    run(store.root, "eskalasi", "--kirim")
    sent = log.read_text()
    assert "PENGADUAN_PESAN" in sent and [h for h in hidden if h in sent] == []


def test_koreksi_of_an_encrypted_field_keeps_both_values_encrypted(store):
    case_id = receive(store.root, "09:00", isi=f"nama saya {NAME}")
    ok(store.root, "koreksi", case_id, "--kolom", "isi", "--nilai", "nama disamarkan pelapor", "--alasan", "hapus nama")
    text = (store.root / layout.case_path(case_id)).read_text()
    assert NAME not in text and "nama disamarkan pelapor" not in text
    change = lihat(store.root, case_id)["riwayat"][-1]["perubahan"]
    assert change == {"kolom": "isi", "lama": f"nama saya {NAME}", "baru": "nama disamarkan pelapor"}
    assert ok(store.root, "audit").strip().endswith("0 temuan")


def test_erasure_needs_an_eraser_happens_once_and_refuses_later_corrections(store, snapshot):
    case_id = receive(store.root, "09:00", "--nama-pelapor", NAME)
    before = snapshot()
    refused = run(store.root, "hapus-data", case_id, "--alasan", "minta", petugas="rina")
    assert refused.exit_code == 1 and "tidak boleh menghapus data pribadi" in refused.stderr
    assert snapshot() == before
    ok(store.root, "hapus-data", case_id, "--alasan", "permintaan pelapor")
    again = run(store.root, "hapus-data", case_id, "--alasan", "lagi")
    assert again.exit_code == 1 and "sudah dihapus" in again.stderr
    fix = run(store.root, "koreksi", case_id, "--kolom", "isi", "--nilai", "x", "--alasan", "y")
    assert fix.exit_code == 1 and "sudah dihapus" in fix.stderr
    # Steps go on; their text is not kept.
    ok(store.root, "verifikasi", case_id, "--catatan", f"telepon {PHONE}")
    shown = lihat(store.root, case_id)
    assert shown["riwayat"][-1]["catatan"] == "[data dihapus]" and PHONE not in json.dumps(shown)
    assert PHONE not in (store.root / layout.case_path(case_id)).read_text()
    assert ok(store.root, "audit").strip().endswith("0 temuan")


def test_retensi_erases_cases_closed_longer_than_the_retention(store, monkeypatch):
    closed = receive(store.root, "09:00", "--nama-pelapor", NAME)
    ok(store.root, "verifikasi", closed, "--bukan-pengaduan", "--alasan", "spam", "--waktu", at("09:05"))
    still_open = receive(store.root, "09:10", "--nama-pelapor", NAME)
    monkeypatch.setenv("PENGADUAN_SEKARANG", "2028-12-01T10:00:00+07:00")  # 25 months on; retensi_bulan: 24
    head = git(store.root, "rev-parse", "HEAD")
    listed = ok(store.root, "retensi", "--coba")
    assert f"{closed}  ditutup 2026-11-02 09.05 WIB  akan dihapus" in listed and still_open not in listed
    assert git(store.root, "rev-parse", "HEAD") == head
    done = ok(store.root, "retensi")
    assert "1 kasus dihapus (retensi 24 bulan)" in done
    assert "[dihapus" in lihat(store.root, closed)["isi"] and lihat(store.root, still_open)["isi"] == TEXT
    assert "tidak ada kasus" in ok(store.root, "retensi")
    assert ok(store.root, "audit").strip().endswith("0 temuan")


def test_export_and_import_restore_keys_but_never_an_erased_one(store, tmp_path):
    ok(store.root, "kunci", "init", "--nama", "mesin-a")
    kept, erased = receive(store.root, "09:00", "--nama-pelapor", NAME), receive(store.root, "09:01")
    backup = tmp_path / "cadangan.kunci"
    env = {"PENGADUAN_FRASA": PHRASE}
    assert "2 kunci kasus" in ok(store.root, "kunci", "ekspor", str(backup), env=env)
    assert backup.stat().st_mode & 0o777 == 0o600 and PHRASE.encode() not in backup.read_bytes()
    ok(store.root, "hapus-data", erased, "--alasan", "permintaan")
    folder = store.root / ".git" / layout.PRIVATE / "kunci"
    for name in ("kunci.sqlite", "mesin.json", "mesin.kunci"):
        (folder / name).unlink()
    assert "[terenkripsi]" in ok(store.root, "lihat", kept)
    wrong = run(store.root, "kunci", "impor", str(backup), env={"PENGADUAN_FRASA": "salah sekali frasanya"})
    assert wrong.exit_code == 1 and "frasa sandi salah" in wrong.stderr
    out = ok(store.root, "kunci", "impor", str(backup), env=env)
    assert "1 kunci kasus dipulihkan, 1 dilewati" in out and "kunci mesin: dipulihkan" in out
    assert lihat(store.root, kept)["pelapor"]["nama"] == NAME
    assert keystore(store.root).get(erased) is None
    assert (folder / "mesin.kunci").stat().st_mode & 0o777 == 0o600


def test_a_revoked_machine_gets_no_new_keys(desk, tmp_path):
    a, remote = desk
    b = clone(remote, tmp_path / "b")
    authorise(a, b, "mesin-b")
    before = receive(a, "09:00", "--nama-pelapor", NAME)
    ok(a, "sinkron")
    ok(b, "sinkron")
    assert "tetap ada padanya" in ok(a, "kunci", "cabut", "mesin-b")
    after = receive(a, "09:10", "--nama-pelapor", "Baru Sekali")
    ok(a, "sinkron")
    ok(b, "sinkron")
    wraps = git(remote, "ls-tree", "-r", "--name-only", "refs/pengaduan/kunci").split()
    assert not any(w.endswith("/mesin-b") for w in wraps)
    assert "[terenkripsi]" in ok(b, "lihat", after)
    assert lihat(b, before)["pelapor"]["nama"] == NAME  # honestly: what it already had, it keeps
    status = json.loads(ok(b, "kunci", "status", "--format", "json"))
    assert status["berwenang"] is False and status["mesin_berwenang"] == ["mesin-a"]


def test_only_a_manager_on_an_authorised_machine_lets_machines_in(desk, tmp_path):
    a, remote = desk
    b = clone(remote, tmp_path / "b")
    line = next(x.strip() for x in ok(b, "kunci", "minta").splitlines() if "kunci izinkan" in x)
    refused = run(a, *line.split()[1:], petugas="rina")
    assert refused.exit_code == 1 and "tidak boleh mengizinkan mesin" in refused.stderr
    from_b = run(b, *line.split()[1:])
    assert from_b.exit_code == 1 and "bukan mesin berwenang" in from_b.stderr
    second = run(b, "kunci", "init")
    assert second.exit_code == 1 and "kunci minta" in second.stderr
    bad = run(a, "kunci", "izinkan", "x", "--kunci-publik", "bukan-kunci")
    assert bad.exit_code == 1 and "32 byte X25519" in bad.stderr


def test_the_first_minutes_of_a_new_store_leave_no_personal_data_in_git(tmp_path):
    """init, a roster, `kunci init`, one complaint -- as real processes, as a desk starts."""
    import os
    import sys

    root = tmp_path / "baru"
    env = {**os.environ, "PENGADUAN_STORE": str(root), "PENGADUAN_PETUGAS": "ani"}

    def tool(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "pengaduan", *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    tool("init")
    tool("petugas", "tambah", "ani", "--nama", "Ani Lestari", "--peran", "admin", "--email", "ani@example.go.id")
    tool("kunci", "init")
    case_id = tool("terima", "-q", "--platform", "instagram", "--akun", "@uji", "--nama-pelapor", NAME, "--kontak", CONTACT,
                   "--isi", "uji").strip()  # fmt: skip
    assert leaked(all_objects(root), (NAME, CONTACT, "@uji")) == []
    assert f"Pelapor  : {NAME} / {CONTACT}" in tool("lihat", case_id)


# -- migration from schema 1 ---------------------------------------------------------------------
def _old_receive(store, clock: str, name: str) -> str:
    """A complaint as the tool before schema 2 recorded it: a plain-text schema-1 file."""
    from dataclasses import replace
    from datetime import datetime

    from pengaduan.app.context import Desk
    from pengaduan.core import ids
    from pengaduan.core.workflow import Intake, Request, apply
    from pengaduan.store import commits

    desk = Desk(store)
    actor = desk.config.staff_by_code("ani")
    moment = datetime.fromisoformat(at(clock))
    intake = Intake(platform="instagram", account="@uji_warga", text=TEXT, reporter_name=name, reporter_contact=CONTACT)
    with store.transaction("", actor) as txn:
        request = Request("terima", actor, moment, intake=intake)
        case = apply(desk.sop, desk.config, None, request, desk.now(), ids.new_id(moment.date()))
        case = replace(case, schema=1)
        txn.message = commits.case_step(case, desk.sop.number)
        txn.write_yaml(layout.case_path(case.id), case.to_dict())
    return case.id


def test_migrasi_seals_from_that_commit_on_and_says_the_history_still_holds_plain_text(store):
    first = _old_receive(store, "09:00", NAME)
    ok(store.root, "verifikasi", first, "--kategori", "kekerasan-anak", "--catatan", f"hubungi {PHONE}", "--waktu", at("09:05"))
    second = _old_receive(store, "09:10", "Orang Kedua")
    ok(store.root, "koreksi", second, "--kolom", "akun", "--nilai", "@kedua_x", "--alasan", "salah ketik")
    assert yaml.safe_load((store.root / layout.case_path(first)).read_text())["schema"] == 1
    out = ok(store.root, "migrasi")
    assert "2 kasus dimigrasi ke schema 2" in out and "masih memuat data pribadi sebagai teks polos" in out
    for case_id in (first, second):
        text = (store.root / layout.case_path(case_id)).read_text()
        assert leaked(text.encode(), (NAME, CONTACT, NIK, PHONE, "@kedua_x", "Orang Kedua")) == []
    assert NAME.encode() in all_objects(store.root)  # the commits before still hold it, as said
    shown = lihat(store.root, first)
    assert shown["pelapor"] == {"nama": NAME, "kontak": CONTACT} and shown["rahasia"] is True
    assert shown["riwayat"][1]["catatan"] == f"hubungi {PHONE}"
    assert lihat(store.root, second)["riwayat"][-1]["perubahan"]["baru"] == "@kedua_x"
    assert ok(store.root, "audit").strip().endswith("0 temuan")
    assert "tidak ada yang dimigrasi" in ok(store.root, "migrasi")
    new = receive(store.root, "09:30")  # and the desk goes on
    assert ok(store.root, "hapus-data", first, "--alasan", "permintaan") and new


def test_migrasi_rewriting_the_history_leaves_no_plain_text_and_old_clones_must_reclone(store, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(store.root, "remote", "add", "origin", str(remote))
    first = _old_receive(store, "09:00", NAME)
    ok(store.root, "verifikasi", first, "--kategori", "layanan", "--catatan", f"hubungi {PHONE}", "--waktu", at("09:05"))
    ok(store.root, "sinkron")
    stale = clone(remote, tmp_path / "lama")
    refused = run(store.root, "migrasi", "--tulis-ulang-riwayat")
    assert refused.exit_code == 1 and "PERINGATAN" in refused.stderr and "--ya" in refused.stderr
    out = ok(store.root, "migrasi", "--tulis-ulang-riwayat", "--ya")
    assert "riwayat ditulis ulang" in out
    assert leaked(all_objects(store.root), (NAME, CONTACT, NIK, PHONE)) == []
    assert lihat(store.root, first)["pelapor"]["nama"] == NAME
    assert ok(store.root, "audit").strip().endswith("0 temuan")
    assert "Jenis: tulis-ulang" in git(store.root, "log", "-1", "--format=%B")
    ok(store.root, "sinkron")  # replaces the remote's branch (with a lease on the old one)
    assert git(remote, "rev-parse", "main") == git(store.root, "rev-parse", "HEAD")
    git(remote, "gc", "-q", "--prune=now")  # the server's own gc: until then it keeps the old objects
    assert leaked(all_objects(remote), (NAME, CONTACT, NIK, PHONE)) == []
    refused = run(stale, "sinkron")
    assert refused.exit_code == 1 and "klon ulang" in refused.stderr
    fresh = clone(remote, tmp_path / "baru")
    assert ok(fresh, "audit").strip().endswith("0 temuan")


def test_cases_received_before_any_machine_was_named_reach_the_authorised_one(store, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(store.root, "remote", "add", "origin", str(remote))
    ok(store.root, "sinkron")
    other = clone(remote, tmp_path / "lain")
    early = receive(other, "09:00", "--nama-pelapor", NAME)  # no machine named yet: it keeps the key
    ok(other, "sinkron")
    ok(store.root, "kunci", "init", "--nama", "mesin-a")
    ok(store.root, "sinkron")
    ok(other, "sinkron")  # wraps what it holds for the authorised machine
    ok(store.root, "sinkron")
    assert lihat(store.root, early)["pelapor"]["nama"] == NAME


def test_koreksi_turns_a_privacy_flag_on_never_off_and_the_audit_stays_clean(store):
    case_id = receive(store.root, "09:00", "--nama-pelapor", NAME)
    assert json.loads(ok(store.root, "lihat", case_id, "--format", "json"))["pelapor"]["nama"] == NAME
    ok(store.root, "koreksi", case_id, "--kolom", "rahasia", "--nilai", "ya", "--alasan", "korban anak, baru diketahui")
    ok(store.root, "koreksi", case_id, "--kolom", "anonim", "--nilai", "ya", "--alasan", "pelapor minta tidak disebut")
    data = json.loads(ok(store.root, "lihat", case_id, "--format", "json"))
    assert data["rahasia"] is True and data["anonim"] is True
    assert not (data.get("pelapor") or {}).get("nama")  # made anonymous: the reporter block is gone
    refused = run(store.root, "koreksi", case_id, "--kolom", "rahasia", "--nilai", "tidak", "--alasan", "salah")
    assert refused.exit_code != 0 and "hanya dapat dinyalakan" in refused.stderr
    again = run(store.root, "koreksi", case_id, "--kolom", "anonim", "--nilai", "ya", "--alasan", "lagi")
    assert again.exit_code != 0 and "sudah anonim" in again.stderr
    result = run(store.root, "audit", "--format", "json", petugas=None)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["temuan"] == []
