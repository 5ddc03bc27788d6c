"""`pengaduan audit` and `pengaduan koreksi`: a clean store audits clean, and each way of changing the
record behind the tool's back (with plain git commands) is found under the right rule.

One store with all four SOP paths is built per module through the real commands; each test
tampers with its own copy of it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from pengaduan.core import sealed
from pengaduan.store import layout
from pengaduan.store.keys import KeyStore
from pengaduan.store.store import Store
from tests.conftest import (
    ANI,
    ROSTER,
    assert_refused,
    at,
    audit,
    case_file,
    commit,
    commit_case,
    git,
    keygen,
    legal_next,
    message_for,
    ok,
    read,
    rules,
    run,
    run_with_terminal_stderr,
    write,
)


def receive(root: Path, clock: str, **extra: str) -> str:
    args = ["terima", "--platform", "instagram", "--akun", "@warga123", "--isi", "Mohon info", "--waktu", at(clock), "-q"]
    args.append("--tetap")  # the same text many times on purpose
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    return ok(root, *args)


def build_four_paths(root: Path) -> dict[str, str]:
    """A store with one case down each SOP path, every step through the real commands."""
    Store.create(root, roster=list(ROSTER))
    cases = {"admin": receive(root, "09:00"), "redaktur": receive(root, "10:00")}
    cases["eskalasi"], cases["bukan"] = receive(root, "13:00"), receive(root, "15:00")
    steps = [
        ("ani", "verifikasi", cases["admin"], "--kategori", "layanan", "--waktu", at("09:05")),
        ("ani", "respon", cases["admin"], "--isi", "Syaratnya KTP.", "--tuntas", "--waktu", at("09:08")),
        ("ani", "verifikasi", cases["redaktur"], "--waktu", at("10:04")),
        ("ani", "respon", cases["redaktur"], "--isi", "Kami teruskan.", "--waktu", at("10:07")),
        ("ani", "teruskan", cases["redaktur"], "--ke", "redaktur", "--via", "whatsapp", "--waktu", at("10:10")),
        ("rina", "jawab", cases["redaktur"], "--dari", "redaktur", "--isi", "Hubungi UPTD PPA.", "--waktu", at("10:18")),
        ("ani", "verifikasi", cases["eskalasi"], "--bidang", "phpa", "--waktu", at("13:03")),
        ("ani", "respon", cases["eskalasi"], "--isi", "Kami tindak lanjuti.", "--waktu", at("13:06")),
        ("ani", "teruskan", cases["eskalasi"], "--ke", "redaktur", "--waktu", at("13:10")),
        ("ani", "teruskan", cases["eskalasi"], "--ke", "pimred", "--waktu", at("13:25")),
        ("hendra", "koordinasi", cases["eskalasi"], "--dengan", "kabid", "--bidang", "phpa", "--waktu", at("13:30")),
        ("sri", "koordinasi", cases["eskalasi"], "--dengan", "kadin", "--waktu", at("13:40")),
        ("sri", "jawab", cases["eskalasi"], "--dari", "kabid", "--isi", "Tim menjangkau.", "--waktu", at("13:50")),
        ("hendra", "jawab", cases["eskalasi"], "--dari", "pimred", "--isi", "Sampaikan.", "--waktu", at("13:58")),
        ("ani", "selesai", cases["eskalasi"], "--isi", "Tim menjangkau hari ini.", "--waktu", at("14:02")),
        ("ani", "verifikasi", cases["bukan"], "--bukan-pengaduan", "--alasan", "spam promosi", "--waktu", at("15:04")),
    ]
    for who, *args in steps:
        ok(root, *args, petugas=who)
    return cases


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("audit") / "store"
    return root, build_four_paths(root)


@pytest.fixture
def copy(base, tmp_path) -> tuple[Path, dict[str, str]]:
    """This test's own copy of the four-path store, free to tamper with."""
    root, cases = base
    target = tmp_path / "store"
    shutil.copytree(root, target, symlinks=True)
    (target / ".git" / layout.PRIVATE / "audit.json").unlink(missing_ok=True)  # no audit mark from other tests
    return target, cases


def commit_count(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


# -- clean ------------------------------------------------------------------------------------------
def test_four_paths_audit_clean_with_summary(copy):
    root, _ = copy
    result = run(root, "audit", petugas=None)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{commit_count(root)} commit, 4 kasus diperiksa, 0 temuan"]
    assert result.stderr == ""  # no progress bar without a terminal (cron)


def test_json_report_counts_commits_and_cases(copy):
    root, _ = copy
    code, findings, result = audit(root)
    data = json.loads(result.stdout)
    assert (code, findings) == (0, [])
    assert (data["commit_diperiksa"], data["kasus_diperiksa"]) == (commit_count(root), 4)
    assert data["head"] == git(root, "rev-parse", "HEAD").strip()


def test_sejak_checks_only_later_commits(copy):
    root, cases = copy
    write(root, cases["admin"], {**read(root, cases["admin"]), "akun": "@lain"})
    commit(root, "akun diganti")
    code, findings, result = audit(root, "--sejak", "HEAD~2")
    assert code == 1 and rules(findings) >= {3}
    assert json.loads(result.stdout)["commit_diperiksa"] == 2


# -- the rules, one by one --------------------------------------------------------------------------
def test_old_entry_edited_with_plain_git_is_rule_3(copy):
    root, cases = copy
    data = read(root, cases["redaktur"])
    data["riwayat"][2]["jawaban"] = "Jawaban yang dipoles belakangan."
    write(root, cases["redaktur"], data)
    commit(root, "perbaiki jawaban")
    code, findings, _ = audit(root)
    assert code == 1
    edited = [f for f in findings if f["aturan"] == 3]
    assert len(edited) == 1 and edited[0]["kasus"] == cases["redaktur"]
    assert "entri riwayat ke-3 (langkah 3) diubah" in edited[0]["pesan"]
    assert edited[0]["commit"] == git(root, "rev-parse", "HEAD").strip()


def test_entry_changed_only_in_type_is_rule_3(copy):
    """A number written as text parses to a different value: still an edit of the old entry."""
    root, cases = copy
    text = case_file(root, cases["bukan"]).read_text(encoding="utf-8").replace("- langkah: 1\n", "- langkah: '1'\n", 1)
    case_file(root, cases["bukan"]).write_text(text, encoding="utf-8")
    commit(root, "format")
    assert 3 in rules(audit(root)[1])


def test_intake_field_changed_without_correction_is_rule_3(copy):
    root, cases = copy
    write(root, cases["admin"], {**read(root, cases["admin"]), "isi": "Isi yang diganti diam-diam"})
    commit(root, "ganti isi")
    findings = audit(root)[1]
    assert any(f["aturan"] == 3 and "kolom penerimaan 'isi'" in f["pesan"] for f in findings)


def test_illegal_transition_committed_by_hand_is_rule_2(copy):
    root, cases = copy
    case_id = receive(root, "16:00")
    before = Store.open(root).load_case(case_id)
    entry = replace(before.history[-1], step=11, action="selesai", status="selesai", time=datetime.fromisoformat(at("16:05")))
    after = before.with_entry(entry)  # from step 1 straight to 11: the SOP allows only step 2
    commit_case(root, after, message_for(after))
    code, findings, _ = audit(root)
    assert code == 1
    assert rules(findings) == {2}
    assert "transisi tidak sah" in findings[0]["pesan"] and findings[0]["kasus"] == case_id


def test_case_file_deleted_is_rule_7(copy):
    root, cases = copy
    git(root, "rm", "-q", layout.case_path(cases["bukan"]))
    commit(root, "hapus spam")
    findings = audit(root)[1]
    assert [(f["aturan"], f["kasus"]) for f in findings] == [(7, cases["bukan"])]
    assert findings[0]["pesan"] == f"berkas kasus {layout.case_path(cases['bukan'])} dihapus"


def test_case_file_renamed_is_rule_7(copy):
    root, cases = copy
    old = layout.case_path(cases["bukan"])
    (root / old).parent.with_name("12").mkdir()
    git(root, "mv", old, old.replace("/11/", "/12/"))
    commit(root, "pindah")
    findings = [f for f in audit(root)[1] if f["aturan"] == 7]
    assert any("dipindah/diganti nama" in f["pesan"] for f in findings)


def test_commit_touching_two_case_files_is_rule_1(copy):
    root, _ = copy
    first, second = receive(root, "16:00"), receive(root, "16:01")
    one = legal_next(root, first, "verifikasi", "ani", "16:10")
    two = legal_next(root, second, "verifikasi", "ani", "16:11")
    write(root, second, two.to_dict())
    commit_case(root, one, message_for(one))
    findings = audit(root)[1]
    assert any(f["aturan"] == 1 and "mengubah 2" in f["pesan"] for f in findings)


def hand_verified(root: Path, author: tuple[str, str] = ANI, lies: dict | None = None, **entry) -> list[dict]:
    """Receive a case, commit its verification by hand (its entry altered by `entry`); the audit's findings."""
    case_id = receive(root, "16:00")
    after = legal_next(root, case_id, "verifikasi", "ani", "16:10")
    if entry:
        after = replace(after, history=(*after.history[:-1], replace(after.history[-1], **entry)))
    commit_case(root, after, message_for(after, **(lies or {})), author)
    return audit(root)[1]


def test_trailers_that_lie_are_rule_4(copy):
    findings = hand_verified(copy[0], lies={"Langkah": "3", "Aksi": "respon"})
    assert rules(findings) == {4}
    assert {f["pesan"].split(":")[0] for f in findings} == {"trailer Langkah", "trailer Aksi"}


def test_trailer_naming_another_case_is_rule_4(copy):
    root, cases = copy
    findings = hand_verified(root, lies={"Kasus": cases["admin"]})
    assert rules(findings) == {4} and findings[0]["pesan"].startswith(f"trailer Kasus: {cases['admin']}")


def test_author_not_in_roster_is_rule_5(copy):
    findings = hand_verified(copy[0], ("Mallory", "mallory@example.com"))
    assert rules(findings) == {5}
    assert "Mallory <mallory@example.com> tidak ada di daftar petugas" in findings[0]["pesan"]


def test_role_that_may_not_record_the_step_is_rule_5(copy):
    findings = hand_verified(copy[0], ("Rina Kartikasari", "rina@example.go.id"), recorder="rina")  # a redaktur
    assert rules(findings) == {5}
    assert "petugas 'rina' (redaktur) tidak boleh mencatat langkah 2" in findings[0]["pesan"]


def test_time_running_backwards_is_rule_6(copy):
    findings = hand_verified(copy[0], time=datetime.fromisoformat(at("15:50")))  # received at 16:00
    assert rules(findings) == {6}
    assert "waktu mundur" in findings[0]["pesan"]


def test_entry_later_than_its_commit_is_rule_6(copy):
    future = (datetime.now().astimezone() + timedelta(days=2)).replace(microsecond=0)
    findings = hand_verified(copy[0], time=future)
    assert rules(findings) == {6}
    assert "sesudah waktu commit-nya" in findings[0]["pesan"]


def test_unknown_commit_kind_and_stray_files_are_rule_1(copy):
    root, _ = copy
    (root / "catatan.txt").write_text("bukan berkas store\n", encoding="utf-8")
    git(root, "add", "catatan.txt")
    commit(root, "catatan\n\nJenis: lain-lain")
    messages = [f["pesan"] for f in audit(root)[1] if f["aturan"] == 1]
    assert any("Jenis 'lain-lain' tidak dikenal" in m for m in messages)


# -- rule 8: history rewritten after an audit --------------------------------------------------------
def test_amend_after_audit_is_rule_8(copy):
    root, _ = copy
    assert audit(root)[0] == 0
    head = git(root, "rev-parse", "HEAD").strip()
    body = git(root, "log", "-1", "--format=%B")
    commit(root, body.replace(":", ": ", 1), ANI, "--amend", "--allow-empty")
    code, findings, _ = audit(root)
    assert code == 1 and rules(findings) == {8}
    assert findings[0]["commit"] == head and "bukan lagi leluhur HEAD" in findings[0]["pesan"]


def test_reset_after_audit_is_rule_8_until_the_mark_is_removed(copy):
    root, _ = copy
    assert audit(root)[0] == 0
    git(root, "reset", "-q", "--hard", "HEAD~1")
    assert rules(audit(root)[1]) == {8}
    assert rules(audit(root)[1]) == {8}  # the mark stays: running again does not clear it
    (root / ".git" / layout.PRIVATE / "audit.json").unlink()
    assert audit(root)[0] == 0


def test_reset_hiding_a_finding_is_still_rule_8(copy):
    """The mark advances past findings too, so dropping the evidence afterwards shows."""
    root, cases = copy
    write(root, cases["admin"], {**read(root, cases["admin"]), "akun": "@lain"})
    commit(root, "akun diganti")
    assert rules(audit(root)[1]) >= {3}
    git(root, "reset", "-q", "--hard", "HEAD~1")
    assert rules(audit(root)[1]) == {8}


def test_new_commits_after_audit_are_not_a_rewrite(copy):
    root, _ = copy
    assert audit(root)[0] == 0
    receive(root, "16:00")
    assert audit(root)[0] == 0


# -- koreksi ----------------------------------------------------------------------------------------
def test_correction_is_one_commit_and_audits_clean(copy):
    root, cases = copy
    head = commit_count(root)
    out = ok(root, "koreksi", cases["admin"], "--field", "akun", "--nilai", "@warga_123", "--alasan", "salah ketik")
    assert out.startswith(f"{cases['admin']}: kolom akun dikoreksi ('@warga123' -> '@warga_123')")
    assert commit_count(root) == head + 1
    before = yaml.safe_load(git(root, "show", f"HEAD~1:{layout.case_path(cases['admin'])}"))
    data = read(root, cases["admin"])
    # In the file both values stay sealed: the old one is the field's own sealed text, copied.
    assert data["akun"].startswith("sandi:") and "warga_123" not in case_file(root, cases["admin"]).read_text()
    assert data["riwayat"][-1]["aksi"] == "koreksi"
    assert data["riwayat"][-1]["perubahan"] == {"kolom": "akun", "lama": before["akun"], "baru": data["akun"]}
    assert data["riwayat"][-1]["catatan"].startswith("sandi:")
    shown = json.loads(ok(root, "lihat", cases["admin"], "--format", "json"))
    assert shown["akun"] == "@warga_123"
    assert shown["riwayat"][-1]["perubahan"] == {"kolom": "akun", "lama": "@warga123", "baru": "@warga_123"}
    assert shown["riwayat"][-1]["catatan"] == "salah ketik"
    trailers = git(root, "log", "-1", "--format=%(trailers:only,unfold)").split("\n")
    assert f"Kasus: {cases['admin']}" in trailers and "Aksi: koreksi" in trailers and "Langkah: 3" in trailers
    assert audit(root)[0] == 0


def test_correction_of_a_time_and_with_kolom_option(copy):
    root, cases = copy
    ok(root, "koreksi", cases["bukan"], "--kolom", "waktu_terima", "--nilai", "2026-11-02T14:59", "--alasan", "jam salah")
    assert read(root, cases["bukan"])["waktu_terima"] == "2026-11-02T14:59:00+07:00"
    assert audit(root)[0] == 0


def test_correction_whose_record_lies_is_rule_3(copy):
    root, cases = copy
    ok(root, "koreksi", cases["admin"], "--field", "akun", "--nilai", "@warga_123", "--alasan", "salah ketik")
    data = read(root, cases["admin"])
    data["akun"] = "@orang_lain"  # the file says one thing, the correction entry another
    git(root, "reset", "-q", "--soft", "HEAD~1")
    write(root, cases["admin"], data)
    commit(root, git(root, "log", "-1", "--format=%B", "ORIG_HEAD"))
    findings = audit(root)[1]
    assert any(f["aturan"] == 3 and "koreksi kolom 'akun' tidak sesuai" in f["pesan"] for f in findings)


@pytest.mark.parametrize(
    ("args", "petugas", "needle"),
    [
        (("--field", "status", "--nilai", "selesai", "--alasan", "x"), "ani", "kolom 'status' tidak dapat dikoreksi"),
        (("--field", "akun", "--nilai", "@x", "--alasan", " "), "ani", "--alasan wajib"),
        (("--field", "akun", "--nilai", "@warga123", "--alasan", "x"), "ani", "sama dengan yang tercatat"),
        (("--field", "platform", "--nilai", "friendster", "--alasan", "x"), "ani", "platform 'friendster' tidak dikenal"),
        (("--field", "akun", "--nilai", "@x", "--alasan", "x"), "rina", "tidak boleh mencatat koreksi"),
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(copy, args, petugas, needle):
    root, cases = copy
    head = git(root, "rev-parse", "HEAD")
    result = run(root, "koreksi", cases["admin"], *args, petugas=petugas)
    assert_refused(result, needle, store_root=root)
    assert git(root, "rev-parse", "HEAD") == head and git(root, "status", "--porcelain") == ""


# Every field a person types, a value to correct it to, and how the case file then holds it.
CORRECTABLE = [
    ("platform", "facebook", "facebook"),
    ("akun", "@warga_123", "@warga_123"),
    ("tautan", "https://instagram.com/p/abc", "https://instagram.com/p/abc"),
    ("jenis", "pesan", "pesan"),
    ("isi", "Mohon info layanan KDRT di Semarang", "Mohon info layanan KDRT di Semarang"),
    ("waktu_unggah", "2026-11-02T08:30", "2026-11-02T08:30:00+07:00"),
    ("waktu_terima", "2026-11-02T08:59", "2026-11-02T08:59:00+07:00"),
    ("kategori", "kekerasan-anak", "kekerasan-anak"),
    ("bidang", "phpa", "phpa"),
]


@pytest.mark.parametrize(("field", "typed", "stored"), CORRECTABLE, ids=[c[0] for c in CORRECTABLE])
def test_every_typed_field_can_be_corrected(copy, field, typed, stored):
    root, cases = copy
    before = read(root, cases["admin"])
    ok(root, "koreksi", cases["admin"], "--kolom", field, "--nilai", typed, "--alasan", "salah catat")
    data = read(root, cases["admin"])
    assert data["riwayat"][-1]["perubahan"] == {"kolom": field, "lama": before[field], "baru": data[field]}
    if field in ("akun", "tautan", "isi"):  # sealed in the file (schema 2): read where the key is
        assert stored not in case_file(root, cases["admin"]).read_text()
        shown = json.loads(ok(root, "lihat", cases["admin"], "--format", "json"))
        assert shown[field] == stored and shown["riwayat"][-1]["perubahan"]["baru"] == stored
    else:
        assert data[field] == stored
    assert (data["status"], data["langkah"]) == (before["status"], before["langkah"])
    assert audit(root)[0] == 0


@pytest.mark.parametrize("key", ["nama", "kontak"])
def test_the_reporters_data_is_corrected_without_its_values_in_the_history(copy, key):
    root, cases = copy
    out = ok(root, "koreksi", cases["admin"], "--kolom", f"pelapor.{key}", "--nilai", "Ibu Sari 0812", "--alasan", "salah")
    assert "data pribadi, nilainya tidak dicatat di riwayat" in out
    data = read(root, cases["admin"])
    assert "Ibu Sari" not in case_file(root, cases["admin"]).read_text()  # the block is sealed again as a whole
    assert json.loads(ok(root, "lihat", cases["admin"], "--format", "json"))["pelapor"][key] == "Ibu Sari 0812"
    assert data["riwayat"][-1]["perubahan"] == {"kolom": f"pelapor.{key}"}
    assert "Ibu Sari" not in yaml.safe_dump(data["riwayat"])
    assert audit(root)[0] == 0
    shown = ok(root, "riwayat", cases["admin"])
    assert f"pelapor.{key}: (data pribadi, tidak dicatat)" in shown


def test_kategori_and_the_reporter_changed_by_hand_are_rule_3(copy):
    root, _ = copy
    case_id = receive(root, "16:00", nama_pelapor="Ibu Rahma")
    # A real step that may set kategori, with the reporter's name changed besides it.
    case = legal_next(root, case_id, "verifikasi", "ani", "16:05", category="kb")
    data = case.to_dict()
    key = KeyStore(root / ".git" / layout.PRIVATE).get(case_id)
    assert key is not None
    data["pelapor"] = sealed.seal_json(key, case_id, "pelapor", {"nama": "Orang Lain", "kontak": None})  # sealed, as schema 2
    commit_case(root, data, message_for(case))
    findings = [f["pesan"] for f in audit(root)[1]]
    assert findings == ["data pelapor diubah tanpa koreksi tercatat (kolom pelapor.nama, pelapor.kontak)"]
    # kategori changed in a commit whose only entry is a correction of another field.
    ok(root, "koreksi", case_id, "--kolom", "akun", "--nilai", "@lagi", "--alasan", "x")
    data = read(root, case_id)
    data["kategori"] = "informasi"
    git(root, "reset", "-q", "--soft", "HEAD~1")
    write(root, case_id, data)
    commit(root, git(root, "log", "-1", "--format=%B", "ORIG_HEAD"))
    findings = [f["pesan"] for f in audit(root)[1]]
    assert findings[1:] == ["kolom 'kategori' diubah tanpa koreksi atau langkah SOP yang mengisinya ('kb' -> 'informasi')"]


# -- rule 9: signatures ------------------------------------------------------------------------------
def test_signed_commits_audit_clean(store, signed):
    case_id = signed("terima", "--platform", "x", "--akun", "@a", "--isi", "Halo", "--waktu", at("09:00"), "-q")
    signed("verifikasi", case_id, "--waktu", at("09:05"))
    assert "gpgsig" in git(store.root, "cat-file", "commit", "HEAD")
    assert "-----BEGIN SSH SIGNATURE-----" in git(store.root, "cat-file", "commit", "HEAD")
    roster = yaml.safe_load((store.root / layout.CONFIG).read_text(encoding="utf-8"))["petugas"]
    assert next(s for s in roster if s["kode"] == "ani")["kunci_ssh"].startswith("ssh-ed25519 ")
    code, findings, _ = audit(store.root)
    assert (code, findings) == (0, [])


def test_updating_a_staff_member_keeps_their_key(store, cli, signed):
    result = cli("petugas", "tambah", "ani", "--nama", "Ani L.", "--peran", "admin", "--email", ANI[1])
    assert result.exit_code == 0, result.output
    assert Store.open(store.root).config.staff_by_code("ani").ssh_key.startswith("ssh-ed25519 ")
    assert audit(store.root)[0] == 0


def test_unsigned_commit_where_signing_is_required_is_rule_9(store, signed):
    case_id = signed("terima", "--platform", "x", "--akun", "@a", "--isi", "Halo", "--waktu", at("09:00"), "-q")
    after = legal_next(store.root, case_id, "verifikasi", "ani", "09:05")
    commit_case(store.root, after, message_for(after), ANI, "--no-gpg-sign")
    code, findings, _ = audit(store.root)
    assert code == 1 and rules(findings) == {9}
    assert findings[0]["pesan"].startswith("commit tidak ditandatangani")


def test_signature_by_a_key_not_in_the_roster_is_rule_9(store, signed, tmp_path):
    case_id = signed("terima", "--platform", "x", "--akun", "@a", "--isi", "Halo", "--waktu", at("09:00"), "-q")
    git(store.root, "config", "user.signingkey", str(keygen(tmp_path / "asing")))
    signed("verifikasi", case_id, "--waktu", at("09:05"))
    code, findings, _ = audit(store.root)
    assert code == 1 and rules(findings) == {9}
    assert "bukan milik penulis 'ani'" in findings[0]["pesan"]
    assert findings[0]["commit"] == git(store.root, "rev-parse", "HEAD").strip()


def test_signature_by_another_staff_members_key_is_rule_9(store, cli, signed, tmp_path):
    bayu_key = keygen(tmp_path / "bayu")
    result = cli("petugas", "tambah", "bayu", "--nama", "Bayu Pratama", "--peran", "admin", "--email", "bayu@example.go.id",
                 "--kunci-ssh", bayu_key.with_suffix(".pub").read_text())  # fmt: skip
    assert result.exit_code == 0, result.output
    git(store.root, "config", "user.signingkey", str(bayu_key))
    signed("terima", "--platform", "x", "--akun", "@a", "--isi", "Halo", "--waktu", at("09:00"), "-q")  # author: ani
    findings = audit(store.root)[1]
    assert rules(findings) == {9} and len(findings) == 1


def test_tool_refuses_to_commit_when_it_may_not_sign(store, cli, signed, snapshot, tmp_path):
    git(store.root, "config", "user.signingkey", str(tmp_path / "kunci-hilang"))
    before = snapshot()
    result = cli("terima", "--platform", "x", "--akun", "@a", "--isi", "Halo", "--waktu", at("09:00"))
    assert_refused(result, "commit wajib ditandatangani", store_root=store.root)
    assert snapshot() == before


def test_progress_bar_only_on_a_terminal(copy):
    """A terminal on stderr gets the progress bar; the summary on stdout stays one clean line."""
    root, _ = copy
    done, shown = run_with_terminal_stderr(root, "audit")
    assert done.returncode == 0
    assert done.stdout.decode().splitlines() == [f"{commit_count(root)} commit, 4 kasus diperiksa, 0 temuan"]
    assert b"Memeriksa commit" in shown and b"100%" in shown


@pytest.fixture
def gnupg(tmp_path, monkeypatch):
    """An OpenPGP key for ani in a keyring of its own; its agent is stopped afterwards."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    subprocess.run(
        ["gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key", f"{ANI[0]} <{ANI[1]}>", "ed25519", "sign", "never"],
        check=True, capture_output=True,
    )  # fmt: skip
    listing = subprocess.run(["gpg", "--list-keys", "--with-colons"], check=True, capture_output=True, text=True).stdout
    yield next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr"))
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False)


def test_openpgp_signatures_are_checked_against_kunci_gpg(gnupg, store, cli):  # the key first: git sees GNUPGHOME
    git(store.root, "config", "user.signingkey", gnupg)
    config = Store.open(store.root).config
    ani = replace(config.staff_by_code("ani"), gpg_key=gnupg)
    store.save_config(dict(config.with_staff(ani), tanda_tangan_commit=True), "Tanda tangan OpenPGP", ani)
    assert cli("terima", "--platform", "x", "--akun", "@a", "--isi", "Halo", "--waktu", at("09:00")).exit_code == 0
    assert "-----BEGIN PGP SIGNATURE-----" in git(store.root, "cat-file", "commit", "HEAD")
    assert audit(store.root)[0] == 0
    config = Store.open(store.root).config  # the roster now names another key as ani's
    store.save_config(config.with_staff(replace(ani, gpg_key="AB" * 20)), "Kunci ani diganti", ani)
    assert cli("terima", "--platform", "x", "--akun", "@b", "--isi", "Halo", "--waktu", at("09:01")).exit_code == 0
    findings = audit(store.root)[1]
    assert rules(findings) == {9} and len(findings) == 1
    assert f"kunci penanda tangan {gnupg} bukan milik penulis 'ani'" in findings[0]["pesan"]
