"""`pengaduan periksa [--perbaiki] [--format teks|json]`: the store's health, for cron beside audit."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from datetime import date

from pengaduan.core.ids import new_id
from pengaduan.store import layout
from tests.conftest import at, git, tool


def _commit_by_hand(root, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def test_clean_store_exits_zero(cli, receive):
    receive("09:00")
    result = cli("periksa")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().startswith("store sehat: 1 berkas kasus")


def test_json_lists_findings_and_exit_one(store, cli, receive):
    case_id = receive("09:00")
    wrong = store.root / "kasus/2026/10" / f"{case_id}.yaml"
    wrong.parent.mkdir(parents=True)
    git(store.root, "mv", layout.case_path(case_id), str(wrong.relative_to(store.root)))
    git(store.root, "commit", "-qm", "pindah")
    result = cli("periksa", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(f["jenis"], f["berkas"]) for f in data["temuan"]] == [("kasus", f"kasus/2026/10/{case_id}.yaml")]
    assert "folder bulannya" in data["temuan"][0]["pesan"] and data["temuan"][0]["bisa_diperbaiki"] is False
    assert data["head"] == git(store.root, "rev-parse", "HEAD").strip()


def test_case_rules_symlink_id_mismatch_and_size(store, cli, receive):
    first = receive("09:00")
    second = receive("09:30")
    (store.root / "kasus/2026/11/261102-ZZZZZZZ.yaml").symlink_to("/etc/passwd")
    path = store.root / layout.case_path(second)
    path.write_text(path.read_text().replace(f"id: {second}", f"id: {first}"))
    big = store.root / "kasus/2026/11/261102-BBBBBBB.yaml"
    big.write_text("id: 261102-BBBBBBB\nisi: " + "x" * (1024 * 1024 + 10) + "\n")
    _commit_by_hand(store.root, "rusak")
    before = git(store.root, "rev-parse", "HEAD")
    result = cli("periksa", "--perbaiki")
    assert result.exit_code == 1
    out = result.stdout
    assert "261102-ZZZZZZZ.yaml: bukan berkas biasa (symlink)" in out
    assert f"{layout.case_path(second)}: id di dalam berkas ({first})" in out
    assert "261102-BBBBBBB.yaml: terlalu besar" in out
    assert git(store.root, "rev-parse", "HEAD") == before  # case files are never changed by --perbaiki


def test_interrupted_transaction_is_reported_then_repaired(store, cli, receive):
    case_id = receive("09:00")
    killed = tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"), kill_at="index-updated")
    assert killed.returncode < 0
    result = cli("periksa")
    assert result.exit_code == 1
    assert "transaksi" in result.stdout and "terputus" in result.stdout and layout.case_path(case_id) in result.stdout
    assert "belum_commit" in result.stdout  # the half-written file, as git sees it
    fixed = cli("periksa", "--perbaiki")
    assert fixed.exit_code == 0, fixed.output
    assert f"diperbaiki: transaksi yang terputus dibatalkan (belum tercatat): {layout.case_path(case_id)}" in fixed.stdout
    assert git(store.root, "status", "--porcelain") == ""


def test_stale_git_lock_and_leftover_temp_file_are_removed(store, cli, receive):
    case_id = receive("09:00")
    lock = store.root / ".git/index.lock"
    lock.write_bytes(b"")
    old = time.time() - 60
    os.utime(lock, (old, old))
    temp = (store.root / layout.case_path(case_id)).parent / f".{case_id}.yaml.abcd1234.tmp"
    temp.write_text("setengah")
    result = cli("periksa")
    assert result.exit_code == 1
    assert "kunci" in result.stdout and str(lock) in result.stdout and "sementara" in result.stdout
    fixed = cli("periksa", "--perbaiki")
    assert fixed.exit_code == 0, fixed.output
    assert not lock.exists() and not temp.exists()


def test_wrong_cache_entry_is_found_and_dropped(store, cli, receive):
    case_id = receive("09:00")
    assert cli("daftar").exit_code == 0  # fills the cache
    cache = store.root / ".git/pengaduan/cache.sqlite"
    db = sqlite3.connect(cache)
    blob = git(store.root, "rev-parse", f"HEAD:{layout.case_path(case_id)}").strip()
    (data,) = db.execute("SELECT data FROM blobs_v2 WHERE id = ?", (blob,)).fetchone()
    forged = data.replace('"platform": "instagram"', '"platform": "palsu"')  # (akun is sealed: schema 2)
    assert forged != data
    db.execute("UPDATE blobs_v2 SET data = ? WHERE id = ?", (forged, blob))
    db.commit()
    db.close()
    result = cli("periksa")
    assert result.exit_code == 1 and "cache.sqlite" in result.stdout and "turunan" in result.stdout
    fixed = cli("periksa", "--perbaiki")
    assert fixed.exit_code == 0 and "cache.sqlite" in fixed.stdout
    assert not cache.exists() or blob not in cache.read_bytes().decode("latin-1")
    assert cli("daftar").exit_code == 0  # rebuilt from the blob itself
    db = sqlite3.connect(cache)
    (data,) = db.execute("SELECT data FROM blobs_v2 WHERE id = ?", (blob,)).fetchone()
    db.close()
    assert '"platform": "instagram"' in data and "palsu" not in data


def test_fsync_settings_are_set_by_init_and_restored_by_perbaiki(store, cli):
    assert git(store.root, "config", "core.fsync").strip() == "committed,index"
    git(store.root, "config", "--unset", "core.fsync")
    result = cli("periksa")
    assert result.exit_code == 1 and "core.fsync" in result.stdout
    assert cli("periksa", "--perbaiki").exit_code == 0
    assert git(store.root, "config", "core.fsync").strip() == "committed,index"


def test_leftover_merge_is_reported_and_aborted(store, cli, receive):
    case_id = receive("09:00")
    path = store.root / layout.case_path(case_id)
    git(store.root, "checkout", "-q", "-b", "lain")
    path.write_text(path.read_text().replace("platform: instagram", "platform: x"))  # (akun is sealed)
    git(store.root, "commit", "-qam", "lain")
    git(store.root, "checkout", "-q", "main")
    path.write_text(path.read_text().replace("platform: instagram", "platform: facebook"))
    git(store.root, "commit", "-qam", "utama")
    head = git(store.root, "rev-parse", "HEAD")
    subprocess.run(["git", "-C", str(store.root), "merge", "-q", "lain"], capture_output=True)  # conflicts
    assert (store.root / ".git/MERGE_HEAD").exists()
    result = cli("periksa")
    assert result.exit_code == 1 and "MERGE_HEAD" in result.stdout
    fixed = cli("periksa", "--perbaiki")
    assert fixed.exit_code == 0, fixed.output
    assert not (store.root / ".git/MERGE_HEAD").exists() and git(store.root, "rev-parse", "HEAD") == head


# -- readers read what is committed ------------------------------------------------------------------


def test_lihat_shows_the_commit_not_an_uncommitted_half_step(store, cli, receive):
    case_id = receive("09:00")
    path = store.root / layout.case_path(case_id)
    path.write_text(path.read_text().replace("status: diterima", "status: diverifikasi"))
    shown = json.loads(cli("lihat", case_id, "--format", "json").stdout)
    assert shown["status"] == "diterima"
    history = cli("riwayat", case_id)
    assert history.exit_code == 0 and "1 commit" in history.stdout


def test_a_committed_symlink_is_refused_by_lihat_and_skipped_by_daftar(store, cli, receive):
    real = receive("09:00")
    link_id = new_id(date(2026, 11, 2))
    (store.root / layout.case_path(link_id)).symlink_to("/etc/hostname")
    _commit_by_hand(store.root, "tautan")
    hostname = open("/etc/hostname").read().strip()
    shown = cli("lihat", link_id)
    assert shown.exit_code == 1
    assert f"{link_id}.yaml bukan berkas biasa" in shown.stderr and hostname not in shown.stdout
    listed = cli("daftar")
    assert listed.exit_code != 0 and f"{link_id}.yaml" in listed.stderr
    assert real in listed.stdout and hostname not in listed.stdout
