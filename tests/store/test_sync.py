"""`pengaduan sinkron`: two admins on two clones share one store through a bare git remote."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner

from pengaduan.cli import main
from tests.conftest import at, git


def _run(root: Path, *args: str, petugas: str = "ani"):
    return CliRunner().invoke(main, ["--store", str(root), "--petugas", petugas, *args])


def _clones(store, tmp_path: Path) -> tuple[Path, Path]:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(store.root, "remote", "add", "origin", str(remote))
    assert _run(store.root, "sinkron").exit_code == 0
    other = tmp_path / "mesin-bayu"
    subprocess.run(["git", "clone", "-q", str(remote), str(other)], check=True)
    return store.root, other


def _ids(root: Path) -> list[str]:
    return sorted(row["id"] for row in json.loads(_run(root, "daftar", "--format", "json").stdout))


def test_two_machines_exchange_cases_and_audit_clean(store, tmp_path):
    mine, theirs = _clones(store, tmp_path)
    first = _run(mine, "terima", "--platform", "x", "--akun", "@a", "--isi", "satu", "--waktu", at("09:00"), "-q")
    second = _run(theirs, "terima", "--platform", "x", "--akun", "@b", "--isi", "dua", "--waktu", at("09:01"), "-q",
                  petugas="bayu")  # fmt: skip
    assert first.exit_code == 0 and second.exit_code == 0

    result = _run(mine, "sinkron")
    assert result.stdout.strip() == "sinkron dengan origin: 0 commit diterima, 1 commit dikirim"
    result = _run(theirs, "sinkron", petugas="bayu")
    assert result.exit_code == 0, result.output
    assert "1 commit diterima" in result.stdout and "digabung" in result.stdout
    assert _run(mine, "sinkron").stdout.strip().startswith("sinkron dengan origin: 2 commit diterima")

    both = sorted([first.stdout.strip(), second.stdout.strip()])
    assert _ids(mine) == _ids(theirs) == both
    assert git(mine, "rev-parse", "HEAD") == git(theirs, "rev-parse", "HEAD")
    for root in (mine, theirs):
        audit = _run(root, "audit")
        assert audit.exit_code == 0, audit.output


def test_same_case_changed_on_both_machines_is_refused_and_nothing_changes(store, tmp_path):
    mine, theirs = _clones(store, tmp_path)
    case_id = _run(mine, "terima", "--platform", "x", "--akun", "@a", "--isi", "satu", "--waktu", at("09:00"), "-q")
    case_id = case_id.stdout.strip()
    assert _run(mine, "sinkron").exit_code == 0
    assert _run(theirs, "sinkron", petugas="bayu").exit_code == 0
    assert _run(mine, "verifikasi", case_id, "--waktu", at("09:05")).exit_code == 0
    assert _run(theirs, "verifikasi", case_id, "--bukan-pengaduan", "--alasan", "spam", "--waktu", at("09:06"),
                petugas="bayu").exit_code == 0  # fmt: skip
    assert _run(mine, "sinkron").exit_code == 0

    head = git(theirs, "rev-parse", "HEAD")
    result = _run(theirs, "sinkron", petugas="bayu")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"galat: sinkron dibatalkan: {case_id} diubah di sini dan di origin")
    assert git(theirs, "rev-parse", "HEAD") == head
    assert git(theirs, "status", "--porcelain") == ""


def test_sync_without_remote_says_how_to_add_one(cli, snapshot):
    before = snapshot()
    result = cli("sinkron")
    assert result.exit_code == 1
    assert "remote add origin" in result.stderr
    assert snapshot() == before


def test_unreachable_remote_is_one_line_and_changes_nothing(store, cli, snapshot, tmp_path):
    git(store.root, "remote", "add", "origin", str(tmp_path / "tidak-ada.git"))
    before = snapshot()
    result = cli("sinkron")
    assert result.exit_code == 1
    assert result.stderr.startswith("galat: git fetch origin gagal:")
    assert result.stderr.count("\n") == 1
    assert snapshot() == before
