"""`pengaduan impor`, `duplikat`, `verifikasi --duplikat-dari` and `terima --tetap` on a real store."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pengaduan.store.store import Store
from tests.conftest import ROSTER, at, git, run_with_terminal_stderr

SAMPLES = Path(__file__).resolve().parents[1] / "importers" / "samples"
IG = SAMPLES / "instagram"


def configure(store: Store, **values) -> None:
    data = dict(Store.open(store.root).config.raw, **values)
    store.save_config(data, "Atur impor", ROSTER[0])
    store.forget_config()


def impor(cli, *args: str):
    return cli("impor", *args, "--format-keluaran", "json")


def done(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def commits(store: Store) -> int:
    return int(git(store.root, "rev-list", "--count", "HEAD").strip())


def audit_clean(cli) -> None:
    result = cli("audit", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["temuan"] == []


def test_instagram_export_makes_one_case_per_conversation_and_attaches_follow_ups(store, cli):
    before = commits(store)
    out = done(impor(cli, str(IG)))
    # Siti (3 messages: 1 case + 2 attached), Budi and Dewi (group DM: a case each); the desk's own
    # replies (named by the export's profile file) are never complaints.
    assert len(out["dibuat"]) == 3 and len(out["dilampirkan"]) == 2
    assert out["balasan_sendiri"] == 2 and out["galat"] == [] and out["dilewati"] == 0
    assert commits(store) == before + 5  # one commit per case version
    assert git(store.root, "status", "--porcelain") == ""  # index and work tree match the new HEAD
    siti = next(c for c in out["dibuat"] if c["id"] == out["dilampirkan"][0]["id"])
    data = json.loads(cli("lihat", siti["id"], "--format", "json").stdout)
    assert data["akun"] == "Siti Aminah 🌸" and data["pelapor"]["nama"] == "Siti Aminah 🌸"
    assert data["isi"] == "Selamat malam min, saya mau melapor dugaan KDRT di rumah tetangga saya 😢"
    assert data["jenis"] == "pesan" and data["waktu_unggah"] == "2026-11-01T20:00:00+07:00"
    assert [e["aksi"] for e in data["riwayat"]] == ["terima", "pesan_lanjutan", "pesan_lanjutan"]
    assert (data["langkah"], data["status"]) == (1, "diterima")  # attaching never moves the step
    assert data["riwayat"][2]["catatan"] == "[diunggah 2026-11-01 20.40 WIB] [lampiran tanpa teks: foto]"
    assert all(e["sumber"].startswith("instagram:") for e in data["riwayat"]) and data["utas"].startswith("instagram:")
    audit_clean(cli)


def test_each_commit_carries_the_usual_trailers(store, cli):
    out = done(impor(cli, str(IG)))
    for sha in out["commit"]:
        message = git(store.root, "log", "-1", "--format=%B", sha)
        assert "Kasus: " in message and "Langkah: 1" in message and "SOP: 276/SOP/KBKIE/2024" in message
        assert ("Aksi: terima" in message) != ("Aksi: pesan_lanjutan" in message)
        assert git(store.root, "log", "-1", "--format=%ae", sha).strip() == "ani@example.go.id"
        files = git(store.root, "show", "--name-only", "--format=", sha).split()
        assert len(files) == 1 and files[0].startswith("kasus/")


def test_reimport_adds_nothing_and_an_overlapping_export_only_the_new(store, cli):
    done(impor(cli, str(IG)))
    head = git(store.root, "rev-parse", "HEAD")
    again = done(impor(cli, str(IG)))
    assert (again["dibuat"], again["dilampirkan"], again["dilewati"], again["balasan_sendiri"]) == ([], [], 5, 2)
    assert git(store.root, "rev-parse", "HEAD") == head
    newer = done(impor(cli, str(SAMPLES / "instagram-baru")))
    # Siti's thread again, with one more message: the old ones skipped, the new one attached.
    assert newer["dibuat"] == [] and len(newer["dilampirkan"]) == 1 and newer["dilewati"] == 3
    audit_clean(cli)


def test_text_summary_is_one_line(store, cli):
    result = cli("impor", str(IG))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "impor: dibuat 3 kasus, dilampirkan 2 pesan lanjutan, dilewati 0 sudah diimpor, 2 balasan akun sendiri, "
        "ditandai 0 kemungkinan duplikat dari 3 berkas"
    ]


def test_progress_bar_only_on_a_terminal(store):
    run, shown = run_with_terminal_stderr(store.root, "impor", str(IG))
    assert run.returncode == 0
    assert len(run.stdout.decode().splitlines()) == 1
    assert b"Menulis commit" in shown and b"5/5" in shown


def test_coba_changes_nothing_and_says_what_would_be_made(store, cli, snapshot):
    before = snapshot()
    result = cli("impor", str(IG), "--coba")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert sum(line.startswith("akan dibuat ") for line in lines) == 3
    assert sum(line.startswith("akan dilampirkan ke ") for line in lines) == 2
    assert lines[-1].startswith("coba (store tidak diubah): akan dibuat 3 kasus")
    assert snapshot() == before


def test_a_failing_row_in_the_middle_leaves_the_store_unchanged(store, cli, snapshot, tmp_path):
    table = tmp_path / "masuk.csv"
    table.write_text(
        "platform,akun,isi,waktu_unggah\n"
        "instagram,@warga1,Jalan rusak di depan sekolah,2026-11-02T08:00:00+07:00\n"
        "friendster,@warga2,Platform yang tidak ada,2026-11-02T08:01:00+07:00\n"
        "instagram,@warga3,Lampu jalan mati sebulan,2026-11-02 08:02\n"
        "instagram,@warga4,Tanggal rusak,kemarin\n",
        encoding="utf-8",
    )
    before = snapshot()
    result = cli("impor", str(table))
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[0] == f"galat: {table}:5: waktu_unggah 'kemarin' tidak dapat dibaca (bentuk: ISO 8601, contoh " + (
        "2026-11-02T09:14:00+07:00)"
    )
    assert errors[1].startswith(f"galat: {table}:3: platform 'friendster' tidak dikenal")
    assert errors[-1] == "galat: 2 masalah; tidak ada yang diimpor, store tidak diubah"
    assert snapshot() == before


def test_hostile_text_goes_through_the_limits_and_is_shown_escaped(store, cli, snapshot, tmp_path):
    path = tmp_path / "message_1.json"
    path.write_text(json.dumps({"participants": [{"name": "x"}], "messages": [
        {"sender_name": "Nama\u001b]0;judul\u0007\nBaris palsu", "timestamp_ms": 1793538000000, "content": "halo"},
        {"sender_name": "Banjir", "timestamp_ms": 1793538000001, "content": "x" * (70 * 1024)},
    ]}))  # fmt: skip
    before = snapshot()
    result = cli("impor", str(path), "--format", "messenger")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"galat: {path}:1: akun berisi karakter kendali \\x1b")
    assert lines[1].startswith(f"galat: {path}:2: isi terlalu panjang")
    assert snapshot() == before


def test_duplicates_across_instagram_and_facebook_are_flagged_listed_and_closed(store, cli):
    done(impor(cli, str(IG)))
    out = done(impor(cli, str(SAMPLES / "messenger")))
    (made,) = out["dibuat"]
    flags = [d for d in out["duplikat"] if d["id"] == made["id"]]
    assert len(flags) == 1 and set(flags[0]["alasan"]) == {"akun sama", "isi mirip"}
    original = flags[0]["dengan"]
    listed = json.loads(cli("duplikat", "--format", "json").stdout)
    assert [(r["kasus"], r["kemungkinan_duplikat_dari"]) for r in listed] == [(made["id"], original)]
    result = cli("verifikasi", made["id"], "--duplikat-dari", original)
    assert result.exit_code == 0, result.output
    closed = json.loads(cli("lihat", made["id"], "--format", "json").stdout)
    assert (closed["status"], closed["duplikat_dari"]) == ("duplikat", original)
    assert json.loads(cli("lihat", original, "--format", "json").stdout)["duplikatnya"] == [made["id"]]
    assert f"Duplikatnya  : {made['id']}" in cli("lihat", original).stdout
    assert json.loads(cli("duplikat", "--format", "json").stdout) == []  # linked: no longer listed
    audit_clean(cli)


def test_duplikat_dari_must_name_another_existing_case(store, cli, receive):
    case_id = receive("09:00")
    refused = cli("verifikasi", case_id, "--duplikat-dari", case_id)
    assert refused.exit_code == 1 and "kasus ini sendiri" in refused.stderr
    missing = cli("verifikasi", case_id, "--duplikat-dari", "261102-ZZZZZZZ")
    assert missing.exit_code == 1 and "tidak ditemukan" in missing.stderr


def test_configured_own_accounts_and_since(store, cli):
    configure(store, akun_sendiri={"tiktok": ["@DP3AP2KB_Jateng"], "x": ["9999"]})
    out = done(impor(cli, str(SAMPLES / "tiktok"), str(SAMPLES / "x"), "--sejak", "2026-11-02"))
    assert out["balasan_sendiri"] == 2 and out["galat"] == []
    assert len(out["dibuat"]) == 3 and len(out["dilampirkan"]) == 2  # TikTok 1+1, X 1+1, X group 1
    audit_clean(cli)


def test_every_other_format_imports_and_audits_clean(store, cli):
    tables = (str(SAMPLES / "table" / "pengaduan.csv"), str(SAMPLES / "table" / "pengaduan.json"))
    out = done(impor(cli, str(SAMPLES / "meta"), *tables))
    kinds = sorted((c["platform"], c["jenis"]) for c in out["dibuat"])
    assert ("instagram", "mention") in kinds and ("facebook", "komentar") in kinds and ("x", "mention") in kinds
    assert out["balasan_sendiri"] == 3  # the IG reply, the page's echo, the IG graph reply
    mapped = done(impor(cli, str(SAMPLES / "table" / "lain.csv"), "--pemetaan", str(SAMPLES / "table" / "pemetaan.yaml")))
    assert [c["platform"] for c in mapped["dibuat"]] == ["tiktok"]
    audit_clean(cli)


def test_an_sop_without_aksi_tetap_still_imports_but_refuses_to_attach(store, cli, revise_sop, snapshot):
    def drop(text: str) -> str:
        start = text.index("aksi_tetap:")
        end = text.index("# Paths a case takes")
        return text[:start] + text[end:]

    revise_sop(drop)
    before = snapshot()
    result = cli("impor", str(IG))
    assert result.exit_code == 1
    attach = [line for line in result.stderr.splitlines() if "pesan_lanjutan" in line]
    assert len(attach) == 2 and all("tidak punya aksi 'pesan_lanjutan' (aksi_tetap" in line for line in attach)
    assert all("pengaduan atur sop perbarui" in line for line in attach)
    assert snapshot() == before
    only_new = done(impor(cli, str(SAMPLES / "messenger")))  # nothing to attach: works as before
    assert len(only_new["dibuat"]) == 1
    audit_clean(cli)
    updated = cli("atur", "sop", "perbarui")
    assert updated.exit_code == 0, updated.output
    assert len(done(impor(cli, str(IG)))["dilampirkan"]) == 2
    audit_clean(cli)


def test_signed_stores_are_refused_in_one_line(store, cli, signed, snapshot):
    before = snapshot()
    result = cli("impor", str(IG))
    assert result.exit_code == 1 and "tanda_tangan_commit" in result.stderr
    assert snapshot() == before


def test_store_moved_meanwhile_is_refused(store, cli, monkeypatch):
    from pengaduan.app import intake

    original = intake.run

    def racing(desk, *args, **kwargs):
        load_all = desk.store.load_all

        def load_then_commit(*a, **k):
            found = load_all(*a, **k)
            subprocess.run(["git", "-C", str(store.root), "commit", "-q", "--allow-empty", "-m", "x"], check=True)
            return found

        monkeypatch.setattr(desk.store, "load_all", load_then_commit)
        return original(desk, *args, **kwargs)

    monkeypatch.setattr(intake, "run", racing)
    result = cli("impor", str(IG))
    assert result.exit_code == 1 and "store berubah oleh proses lain" in result.stderr
    assert not (store.root / "kasus").exists()


def test_terima_refuses_the_same_account_and_text_within_a_day_unless_tetap(store, cli):
    args = ["terima", "--platform", "instagram", "--akun", "@warga_x", "--isi", "Mohon info layanan konseling"]
    first = cli(*args, "--waktu", at("09:00"), "-q")
    assert first.exit_code == 0
    again = cli(*args, "--waktu", at("11:00"), "-q")
    assert again.exit_code == 1 and "--tetap" in again.stderr and first.stdout.strip() in again.stderr
    kept = cli(*args, "--waktu", at("11:00"), "-q", "--tetap")
    assert kept.exit_code == 0
    other_day = cli(*args, "--waktu", at("11:00", "2026-11-04"), "-q")
    assert other_day.exit_code == 0


def test_terima_warns_of_a_likely_duplicate_from_another_channel(store, cli):
    first = cli("terima", "--platform", "instagram", "--akun", "@warga_x", "--isi", "Tolong, ada KDRT di rumah nomor 5",
                "--waktu", at("09:00"), "-q")  # fmt: skip
    second = cli("terima", "--platform", "facebook", "--jenis", "pesan", "--akun", "Warga X", "--isi",
                 "tolong ada KDRT di rumah nomor 5!!", "--waktu", at("09:30"), "-q")  # fmt: skip
    assert second.exit_code == 0
    assert f"kemungkinan duplikat {first.stdout.strip()} (isi mirip)" in second.stderr


@pytest.mark.parametrize("name", ["impor", "duplikat", "tarik"])
def test_help_is_indonesian(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0 and "Opsi" in result.stdout


def test_audit_flags_an_attached_message_on_a_closed_case(store, cli, receive):
    from tests.conftest import audit as run_audit
    from tests.conftest import commit_case, legal_next, message_for, read, rules, write

    case_id = receive("09:00")
    closed = legal_next(store.root, case_id, "bukan_pengaduan", "ani", "09:05", reason="spam", note="spam")
    commit_case(store.root, closed, message_for(closed))
    data = read(store.root, case_id)
    data["riwayat"].append({**data["riwayat"][-1], "aksi": "pesan_lanjutan", "pelaksana": "pelapor", "catatan": "lagi"})
    write(store.root, case_id, data)
    entry = data["riwayat"][-1]
    message = (f"{case_id}: x\n\nKasus: {case_id}\nLangkah: {entry['langkah']}\nAksi: pesan_lanjutan\nPelaksana: pelapor\n"
               f"Waktu: {entry['waktu']}\nSOP: 276/SOP/KBKIE/2024\n")  # fmt: skip
    commit_case(store.root, data, message)
    code, findings, _ = run_audit(store.root)
    assert code != 0 and 2 in rules(findings)
    assert any("sudah berstatus akhir" in f["pesan"] for f in findings)


def test_imported_personal_data_is_ciphertext_in_every_git_object(store, cli):
    """Imported cases are sealed as `terima` seals them (case schema 2): the senders' names and
    their messages, follow-ups included, appear in no git object, and this machine still reads them."""
    out = done(impor(cli, str(IG)))
    assert out["dibuat"] and out["dilampirkan"]
    objects = subprocess.run(
        ["git", "-C", str(store.root), "cat-file", "--batch-all-objects", "--batch"], capture_output=True, check=True
    ).stdout
    for secret in ("Siti Aminah", "KDRT di rumah tetangga", "Budi"):
        assert secret.encode() not in objects, secret
    siti = out["dilampirkan"][0]["id"]
    data = json.loads(cli("lihat", siti, "--format", "json").stdout)
    assert data["pelapor"]["nama"] == "Siti Aminah 🌸"
    assert len(data["riwayat"]) == 3  # received + two follow-ups, all readable here
    audit_clean(cli)
