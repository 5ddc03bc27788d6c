"""`pengaduan sinkron`, `klon`, `konflik`: several machines share one store through a bare git remote
(file:// here; git daemon and ssh in tests/app/test_sync_transports.py).

Every test builds real clones and drives them through the real commands; attacks are made with
plain git, as a person (or an attacker) would type them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from pengaduan.app import conflicts
from pengaduan.app.context import Desk
from pengaduan.store import layout
from pengaduan.store.store import Store
from tests.conftest import ANI, ROSTER, at, free_port, git, ok, opened, run

REPO = Path(__file__).resolve().parents[2]
def receive(root: Path, clock: str, petugas: str = "ani") -> str:
    return ok(root, "terima", "--platform", "x", "--akun", "@warga", "--isi", "Mohon info", "--waktu", at(clock), "-q",
              "--tetap", petugas=petugas)  # fmt: skip (the same text many times on purpose)


def bare(path: Path) -> Path:
    """An empty bare repository as `git init --bare` makes it on a server: HEAD names master."""
    subprocess.run(["git", "-c", "init.defaultBranch=master", "init", "-q", "--bare", str(path)], check=True)
    return path


def machines(store: Store, tmp_path: Path, count: int = 3) -> list[Path]:
    """The fixture's store and count-1 more machines made with `pengaduan klon`, all on one bare remote."""
    remote = bare(tmp_path / "remote.git")
    git(store.root, "remote", "add", "origin", f"file://{remote}")
    ok(store.root, "sinkron")
    roots = [store.root]
    for n in range(1, count):
        root = tmp_path / f"mesin-{n}"
        ok(root, "klon", f"file://{remote}", str(root), petugas=None)
        roots.append(root)
    return roots


def commit_as(root: Path, message: str, author: tuple[str, str] = ANI, *options: str) -> None:
    name, email = author
    who = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-a", "-m", message, *options], env={**os.environ, **who},
                   check=True)  # fmt: skip


def audit(root: Path) -> tuple[int, set[int]]:
    result = run(root, "audit", "--format", "json", petugas=None)
    return result.exit_code, {f["aturan"] for f in json.loads(result.stdout)["temuan"]}


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def visible_steps(roots: list[Path]) -> set[tuple[str, str, str]]:
    """(case, action, time) of every history entry in any clone's cases or conflict records."""
    seen = set()
    for root in roots:
        desk = Desk(Store.open(root))
        for case in desk.store.load_all():
            seen.update((case.id, e.action, e.to_dict()["waktu"]) for e in case.history)
        for record in conflicts.all_conflicts(desk):
            seen.update((record.case_id, e["aksi"], e["waktu"]) for e in record.entries)
    return seen


def cli_process(root: Path, *args: str, petugas: str = "ani", env: dict[str, str] | None = None) -> subprocess.Popen:
    """The real `python -m pengaduan` in its own process (for kills and races)."""
    environ = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "pengaduan", "--store", str(root), "--petugas", petugas, *args],
        env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


# -- the ordinary day -----------------------------------------------------------------------------
def test_three_machines_exchange_cases_and_audit_clean(store, tmp_path):
    a, b, c = machines(store, tmp_path)
    ids = {receive(a, "09:00"), receive(b, "09:01", "bayu"), receive(c, "09:02", "bayu")}
    assert ok(a, "sinkron") == "sinkron dengan origin: 0 commit diterima, 1 commit dikirim"
    merged = ok(b, "sinkron", petugas="bayu")
    assert merged == "sinkron dengan origin: 1 commit diterima, 2 commit dikirim, digabung dengan commit merge"
    ok(c, "sinkron", petugas="bayu")
    for root in (a, b):
        ok(root, "sinkron")
    assert head(a) == head(b) == head(c)
    for root in (a, b, c):
        assert {row["id"] for row in json.loads(ok(root, "daftar", "--format", "json"))} == ids
        assert audit(root) == (0, set())


def test_first_sync_to_an_empty_server_repository_makes_plain_git_clone_work(store, tmp_path):
    machines(store, tmp_path, count=1)
    assert git(tmp_path / "remote.git", "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    subprocess.run(["git", "clone", "-q", str(tmp_path / "remote.git"), str(tmp_path / "biasa")], check=True)
    assert (tmp_path / "biasa" / layout.CONFIG).is_file()


def test_klon_takes_main_whatever_the_remote_head_and_says_what_is_missing(store, tmp_path):
    machines(store, tmp_path, count=1)
    data = dict(store.config.raw, tanda_tangan_commit=False)
    store.save_config(data, "tanpa perubahan", store.config.staff_by_code("ani"))
    ok(store.root, "sinkron")
    git(tmp_path / "remote.git", "symbolic-ref", "HEAD", "refs/heads/lain")  # a server whose HEAD names another branch
    result = run(tmp_path / "baru", "klon", f"file://{tmp_path / 'remote.git'}", str(tmp_path / "baru"), petugas=None)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"store diklon ke {tmp_path / 'baru'}: ") and lines[0].endswith(" 0 temuan")
    assert "lokal petugas.email EMAIL" in result.stdout and "ani <ani@example.go.id>" in result.stdout
    assert "lokal notifikasi.perintah" in result.stdout
    assert head(tmp_path / "baru") == head(store.root)
    again = run(tmp_path / "baru", "klon", f"file://{tmp_path / 'remote.git'}", str(tmp_path / "baru"), petugas=None)
    assert again.exit_code == 1 and "sudah ada dan tidak kosong" in again.stderr
    empty = bare(tmp_path / "kosong.git")
    refused = run(tmp_path / "x", "klon", f"file://{empty}", str(tmp_path / "x"), petugas=None)
    assert refused.exit_code == 1 and "tidak punya cabang main" in refused.stderr


def test_klon_makes_a_store_as_durable_as_init_and_periksa_finds_nothing(store, tmp_path):
    (b,) = machines(store, tmp_path, count=2)[1:]
    assert git(b, "config", "--local", "core.fsync").strip() == git(store.root, "config", "--local", "core.fsync").strip()
    assert git(b, "config", "--local", "core.fsyncMethod").strip() == "fsync"
    result = run(b, "periksa")
    assert result.exit_code == 0, result.output


# -- conflicts that never strand --------------------------------------------------------------------
def _shared_case(a: Path, b: Path) -> str:
    case_id = receive(a, "09:00")
    ok(a, "sinkron")
    ok(b, "sinkron", petugas="bayu")
    return case_id


def test_same_case_on_both_sides_parks_the_losing_steps_once_and_applies_them(store, tmp_path):
    a, b = machines(store, tmp_path, count=2)
    case_id = _shared_case(a, b)
    other = receive(b, "09:30", "bayu")  # B's other work must still go out
    ok(a, "koreksi", case_id, "--kolom", "akun", "--nilai", "@warga_smg", "--alasan", "salah ketik")
    ok(b, "verifikasi", case_id, "--kategori", "layanan", "--waktu", at("09:05"), petugas="bayu")
    ok(a, "sinkron")

    first = run(b, "sinkron", petugas="bayu")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("sinkron dengan origin: 1 commit diterima, 3 commit dikirim")
    assert first.stderr.count("konflik: kasus") == 1 and case_id in first.stderr
    again = run(b, "sinkron", petugas="bayu")  # cron five minutes later: nothing new to report
    assert (again.exit_code, again.stderr) == (0, "")
    ok(a, "sinkron")
    assert other in ok(a, "daftar")
    assert Store.open(b).load_case(case_id) == Store.open(a).load_case(case_id)
    case = opened(Store.open(a), case_id)  # A holds the case's key (B, never authorised, reads [terenkripsi])
    assert (case.step, case.account) == (1, "@warga_smg")  # the remote's version stands
    listed = ok(a, "konflik")  # the record is in the shared store: every machine sees it
    assert case_id in listed and "verifikasi (bayu" in listed
    for root in (a, b):
        assert audit(root) == (0, set())

    applied = ok(b, "konflik", "terapkan", case_id[7:11], petugas="bayu")
    assert applied.startswith(f"konflik {case_id}.") and "diterapkan" in applied
    case = Store.open(b).load_case(case_id)
    entry = case.history[-1]
    assert (case.step, case.category, entry.action, entry.recorder) == (2, "layanan", "verifikasi", "bayu")
    assert "semula dicatat 2 November 2026 09.05 WIB oleh bayu" in entry.note
    assert ok(b, "konflik") == "(tidak ada konflik terbuka)"
    assert "diterapkan" in ok(b, "konflik", "--semua")
    ok(b, "sinkron", petugas="bayu")
    ok(a, "sinkron")
    assert head(a) == head(b)
    for root in (a, b):
        assert audit(root) == (0, set())


def test_terapkan_killed_between_its_steps_is_finished_by_the_next_without_doubles(store, tmp_path):
    a, b = machines(store, tmp_path, count=2)
    case_id = _shared_case(a, b)
    ok(a, "koreksi", case_id, "--kolom", "akun", "--nilai", "@warga_smg", "--alasan", "salah ketik")
    ok(b, "verifikasi", case_id, "--waktu", at("09:05"), petugas="bayu")
    ok(b, "respon", case_id, "--isi", "Kami bantu", "--waktu", at("09:08"), petugas="bayu")
    ok(a, "sinkron")
    ok(b, "sinkron", petugas="bayu")
    killed = cli_process(b, "konflik", "terapkan", case_id, petugas="bayu", env={"PENGADUAN_UJI_MATI_DI": "konflik:langkah"})
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert [e.action for e in Store.open(b).load_case(case_id).history][-1] == "verifikasi"
    ok(b, "konflik", "terapkan", case_id, petugas="bayu")
    actions = [e.action for e in Store.open(b).load_case(case_id).history]
    assert actions == ["terima", "koreksi", "verifikasi", "respon"]
    assert ok(b, "konflik") == "(tidak ada konflik terbuka)"
    assert audit(b) == (0, set())


def test_steps_the_sop_no_longer_allows_are_refused_then_dropped_with_a_reason(store, tmp_path):
    a, b = machines(store, tmp_path, count=2)
    case_id = _shared_case(a, b)
    ok(a, "verifikasi", case_id, "--waktu", at("09:05"))
    ok(b, "verifikasi", case_id, "--bukan-pengaduan", "--alasan", "spam", "--waktu", at("09:06"), petugas="bayu")
    ok(a, "sinkron")
    ok(b, "sinkron", petugas="bayu")
    before = head(b)
    refused = run(b, "konflik", "terapkan", case_id, petugas="bayu")
    assert refused.exit_code == 1 and "tidak dapat diterapkan" in refused.stderr and "konflik buang" in refused.stderr
    assert head(b) == before
    missing = run(b, "konflik", "buang", case_id, "--alasan", "  ", petugas="bayu")
    assert missing.exit_code == 1 and "--alasan wajib" in missing.stderr
    assert "dibuang" in ok(b, "konflik", "buang", case_id, "--alasan", "sudah diverifikasi Ani", petugas="bayu")
    record = next(c for c in conflicts.all_conflicts(Desk(Store.open(b))) if c.case_id == case_id)
    assert (record.status, record.raw["alasan"], record.raw["diselesaikan_oleh"]) == ("dibuang", "sudah diverifikasi Ani", "bayu")
    assert record.entries[0]["aksi"] == "bukan_pengaduan"  # kept, closed
    assert audit(b) == (0, set())
    none = run(b, "konflik", "buang", case_id, "--alasan", "lagi", petugas="bayu")
    assert none.exit_code == 1 and "tidak ada konflik terbuka" in none.stderr


def test_conflict_records_are_only_ever_closed(store, tmp_path):
    a, b = machines(store, tmp_path, count=2)
    case_id = _shared_case(a, b)
    ok(a, "verifikasi", case_id, "--waktu", at("09:05"))
    ok(b, "verifikasi", case_id, "--bukan-pengaduan", "--alasan", "spam", "--waktu", at("09:06"), petugas="bayu")
    ok(a, "sinkron")
    ok(b, "sinkron", petugas="bayu")
    (path,) = (b / layout.CONFLICTS).iterdir()
    data = yaml.safe_load(path.read_text())
    data["langkah"] = data["langkah"][:0] + [dict(data["langkah"][0], catatan="diubah")]
    data["status"] = "dibuang"
    data["alasan"] = "rapikan"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    commit_as(b, "rapikan konflik", ANI, "--trailer", "Jenis: konflik")
    assert audit(b)[1] == {3}  # the parked steps themselves were changed
    git(b, "reset", "-q", "--hard", "HEAD~1")
    (b / ".git" / "pengaduan" / "audit.json").unlink()
    git(b, "rm", "-q", str(path.relative_to(b)))
    commit_as(b, "hapus konflik", ANI, "--trailer", "Jenis: konflik")
    assert audit(b)[1] == {1}  # a record is never deleted


# -- attacks: refused by sinkron, found by audit -----------------------------------------------------
def _refused(result: Result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("galat: sinkron menolak")
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_pushed_notification_command_is_refused_but_the_good_commits_before_it_are_taken(store, tmp_path):
    a, b, c = machines(store, tmp_path)
    good = receive(b, "09:10", "bayu")
    config = yaml.safe_load((b / layout.CONFIG).read_text())
    config["notifikasi"] = {"perintah": "id > $HOME/terbukti-$PENGADUAN_KASUS", "ulang_menit": 60}
    (b / layout.CONFIG).write_text(yaml.safe_dump(config, allow_unicode=True))
    commit_as(b, "Notifikasi", ANI, "--trailer", "Jenis: konfigurasi")  # a forged admin author
    git(b, "push", "-q", "origin", "main")
    mine = receive(c, "09:20", "bayu")
    before = head(c)

    result = run(c, "sinkron", petugas="bayu")
    _refused(result, "aturan 11", "notifikasi.perintah", "2 commit mesin ini belum terkirim")  # its case, the merge
    assert result.stdout.startswith("sinkron dengan origin: 1 commit diterima, 0 commit dikirim")
    assert git(c, "merge-base", "--is-ancestor", before, "HEAD") == "" and good in ok(c, "daftar")
    assert "perintah" not in yaml.safe_load((c / layout.CONFIG).read_text())["notifikasi"]
    assert mine not in git(tmp_path / "remote.git", "log", "--format=%s", "main")
    assert audit(b)[1] == {11}
    assert run(c, "sinkron", petugas="bayu").exit_code == 1  # still refused until the remote is put right


def _divergent(a: Path, b: Path) -> tuple[str, str]:
    """A advanced case X and received Y and sent both; B advanced X too (not yet sent)."""
    x = _shared_case(a, b)
    ok(a, "verifikasi", x, "--waktu", at("09:05"))
    y = receive(a, "09:07")
    ok(a, "sinkron")
    ok(b, "verifikasi", x, "--bukan-pengaduan", "--alasan", "spam", "--waktu", at("09:06"), petugas="bayu")
    return x, y


def test_merge_s_ours_is_refused_and_found(store, tmp_path):
    a, b, c = machines(store, tmp_path)
    ok(c, "sinkron", petugas="bayu")
    _divergent(a, b)
    git(b, "fetch", "-q", "origin")
    subprocess.run(["git", "-C", str(b), "-c", "user.name=Bayu", "-c", "user.email=bayu@example.go.id", "merge", "-q",
                    "-s", "ours", "-m", "gabung", "origin/main"], check=True)  # fmt: skip
    git(b, "push", "-q", "origin", "main")
    before = head(c)
    _refused(run(c, "sinkron", petugas="bayu"), "aturan 7", "aturan 3", "membuang berkas kasus", "memundurkan kasus")
    assert head(c) != before  # the good commits (A's) are taken, the merge that drops them is not
    assert audit(b)[1] == {3, 7}
    assert audit(c) == (0, set())


def test_checkout_theirs_is_refused_and_found(store, tmp_path):
    a, b, c = machines(store, tmp_path)
    x, _ = _divergent(a, b)
    who = ["-c", "user.name=Bayu", "-c", "user.email=bayu@example.go.id"]
    pulled = subprocess.run(["git", "-C", str(b), *who, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
                            capture_output=True)  # fmt: skip
    assert pulled.returncode != 0  # the conflict "selesaikan dengan git" used to send people to
    git(b, "checkout", "--theirs", layout.case_path(x))
    git(b, "add", layout.case_path(x))
    subprocess.run(["git", "-C", str(b), *who, "commit", "-q", "--no-edit"], check=True)
    git(b, "push", "-q", "origin", "main")
    _refused(run(c, "sinkron", petugas="bayu"), "aturan 3", x)
    assert audit(b)[1] == {3}


def test_reset_hard_is_refused_here_and_a_forced_push_of_it_is_undone_elsewhere(store, tmp_path):
    a, b = machines(store, tmp_path, count=2)
    x = _shared_case(a, b)
    ok(b, "verifikasi", x, "--waktu", at("09:05"), petugas="bayu")
    ok(b, "sinkron", petugas="bayu")
    ok(a, "sinkron")
    git(b, "reset", "-q", "--hard", "HEAD~1")  # the old way out of a stranded desk
    remote_before = git(tmp_path / "remote.git", "rev-parse", "main").strip()
    result = run(b, "sinkron", petugas="bayu")
    assert result.exit_code == 1 and "sinkron ditolak (aturan 8)" in result.stderr and "merge" in result.stderr
    assert git(tmp_path / "remote.git", "rev-parse", "main").strip() == remote_before
    assert audit(b)[1] == {8}

    git(b, "push", "-q", "--force", "origin", "HEAD:main")  # and the rewrite pushed over the remote
    healed = run(a, "sinkron")
    assert healed.exit_code == 0, healed.output
    assert "ditulis ulang" in healed.stderr
    assert git(tmp_path / "remote.git", "merge-base", "--is-ancestor", remote_before, "main") == ""
    assert audit(a) == (0, set())
    git(b, "merge", "-q", "--ff-only", remote_before)  # what the refusal said to do
    assert run(b, "sinkron", petugas="bayu").exit_code == 0
    assert audit(b) == (0, set())


def test_forged_sop_allowing_jawab_from_step_1_is_refused_and_does_not_count(store, tmp_path):
    a, b = machines(store, tmp_path, count=2)
    x = _shared_case(a, b)
    sop = yaml.safe_load((b / layout.SOP).read_text())
    for item in sop["transisi"]:
        if item["aksi"] == "jawab_redaktur":
            item["dari"] = [1, 4]
    (b / layout.SOP).write_text(yaml.safe_dump(sop, allow_unicode=True, sort_keys=False))
    commit_as(b, "SOP direvisi", ("Admin", "admin@dinas.example"), "--trailer", "Jenis: konfigurasi")
    subprocess.run([sys.executable, "-m", "pengaduan", "--store", str(b), "--petugas", "rina", "jawab", x, "--dari",
                    "redaktur", "--isi", "Sudah", "--waktu", at("09:10")], env={**os.environ, "PYTHONPATH": str(REPO)},
                   check=True, capture_output=True)  # fmt: skip
    git(b, "push", "-q", "origin", "main")
    result = run(a, "sinkron")
    _refused(result, "aturan 5", "aturan 2")
    assert audit(b)[1] == {2, 5}  # the jump is judged by the SOP that was in force: the forged one never counted
    assert Store.open(a).load_case(x).step == 1


def test_unsigned_commit_on_a_signing_store_is_refused_and_found(store, tmp_path):
    key = tmp_path / "ani-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    ok(store.root, "lokal", "tanda_tangan.format", "ssh")
    ok(store.root, "lokal", "tanda_tangan.kunci", str(key))
    ok(store.root, "petugas", "tambah", "ani", "--nama", "Ani Lestari", "--peran", "admin", "--email", ANI[1],
       "--kunci-ssh", f"{key}.pub")  # fmt: skip
    store.forget_config()
    signing = dict(store.config.raw, tanda_tangan_commit=True)
    store.save_config(signing, "Wajib bertanda tangan", store.config.staff_by_code("ani"))
    a, b = machines(store, tmp_path, count=2)
    ok(b, "lokal", "tanda_tangan.format", "ssh", petugas=None)
    ok(b, "lokal", "tanda_tangan.kunci", str(key), petugas=None)
    x = _shared_case(a, b)
    case_file = b / layout.case_path(x)
    text = case_file.read_text()
    git(b, "config", "commit.gpgsign", "false")
    case_file.write_text(text.replace("platform: x", "platform: facebook"))  # (akun is sealed)
    commit_as(b, "ubah akun", ANI)  # unsigned, as Ani, straight with git
    git(b, "push", "-q", "origin", "main")
    _refused(run(a, "sinkron"), "aturan 9")
    assert 9 in audit(b)[1]
    assert audit(a) == (0, set())


# -- failures said in Indonesian ---------------------------------------------------------------------
def test_sync_without_remote_says_how_to_add_one(cli, snapshot):
    before = snapshot()
    result = cli("sinkron")
    assert result.exit_code == 1 and "remote add origin" in result.stderr
    assert snapshot() == before


@pytest.mark.parametrize(
    "url, needle",
    [
        ("file:///tidak/ada.git", "repositori remote origin tidak ditemukan"),
        ("git://127.0.0.1:{port}/x.git", "server remote origin tidak dapat dihubungi"),
    ],
)
def test_unreachable_remote_is_one_indonesian_line_and_changes_nothing(store, cli, snapshot, url, needle):
    git(store.root, "remote", "add", "origin", url.format(port=free_port()))
    before = snapshot()
    result = cli("sinkron")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"galat: {needle}") and result.stderr.count("\n") == 1
    assert "'" not in result.stderr.split(";")[0] and "tanpa keterangan" not in result.stderr and "fatal" not in result.stderr
    assert snapshot() == before


def test_push_refused_by_the_server_is_said_in_indonesian(store, tmp_path):
    (a,) = machines(store, tmp_path, count=1)
    hook = tmp_path / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'dilarang push hari ini' >&2\nexit 1\n")
    hook.chmod(0o755)
    receive(a, "09:00")
    result = run(a, "sinkron")
    assert result.exit_code == 1
    assert result.stderr.startswith("galat: remote origin menolak push:") and "pre-receive hook declined" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_remote_that_keeps_moving_is_said_in_indonesian(store, tmp_path):
    (a,) = machines(store, tmp_path, count=1)
    racing = tmp_path / "lain.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(tmp_path / "remote.git"), str(racing)], check=True)
    other = tmp_path / "lain"
    subprocess.run(["git", "clone", "-q", str(racing), str(other)], check=True)
    (other / "x").write_text("x")
    git(other, "add", "x")
    commit_as(other, "lain")
    git(other, "push", "-q", "origin", "main")
    git(a, "remote", "set-url", "--push", "origin", f"file://{racing}")  # every push meets a branch that moved on
    receive(a, "09:00")
    result = run(a, "sinkron")
    assert result.exit_code == 1
    assert result.stderr.startswith("galat: remote origin terus berubah selama sinkron") and result.stderr.count("\n") == 1


# -- kill -9 at every step ---------------------------------------------------------------------------
POINTS = ["sinkron:ambil", "sinkron:periksa", "sinkron:pohon", "sinkron:gabung", "sinkron:niat", "sinkron:ref",
          "sinkron:berkas", "sinkron:kirim"]  # fmt: skip


@pytest.fixture(scope="module")
def diverged(tmp_path_factory):
    """Two machines on one remote: A sent a new case and a step on X; B has its own case and a step on X."""
    base = tmp_path_factory.mktemp("mati")
    store = Store.create(base / "store", roster=list(ROSTER))
    os.environ["PENGADUAN_SEKARANG"] = "2026-11-28T10:00:00+07:00"
    try:
        a, b = machines(store, base, count=2)
        _divergent(a, b)
        receive(b, "09:40", "bayu")
    finally:
        del os.environ["PENGADUAN_SEKARANG"]
    return base


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS)
def test_sinkron_killed_at_each_step_is_finished_by_the_next(diverged, tmp_path, point):
    shutil.copytree(diverged, tmp_path / "w", symlinks=True)
    base = tmp_path / "w"
    a, b = base / "store", base / "mesin-1"
    for root in (a, b):
        git(root, "remote", "set-url", "origin", f"file://{base / 'remote.git'}")
    steps = visible_steps([a, b])
    killed = cli_process(b, "sinkron", petugas="bayu", env={"PENGADUAN_UJI_MATI_DI": point})
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL, point
    again = cli_process(b, "sinkron", petugas="bayu")
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err.decode()
    assert git(b, "status", "--porcelain") == ""
    ok(a, "sinkron")
    ok(b, "sinkron", petugas="bayu")
    assert head(a) == head(b) == git(base / "remote.git", "rev-parse", "main").strip()
    assert steps <= visible_steps([a, b])
    for root in (a, b):
        assert audit(root) == (0, set())


def test_two_syncs_of_one_clone_at_once_both_finish(store, tmp_path):
    a, b = machines(store, tmp_path, count=2)
    receive(a, "09:00")
    receive(b, "09:01", "bayu")
    ok(a, "sinkron")
    procs = [cli_process(b, "sinkron", petugas="bayu") for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    assert git(b, "status", "--porcelain") == ""
    ok(a, "sinkron")
    assert head(a) == head(b)
    assert audit(b) == (0, set())


# -- the two recoveries together: a killed sinkron then a transition, a killed transition then a sinkron --
def _copy(diverged: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(diverged, tmp_path / "w", symlinks=True)
    base = tmp_path / "w"
    for root in (base / "store", base / "mesin-1"):
        git(root, "remote", "set-url", "origin", f"file://{base / 'remote.git'}")
    return base / "store", base / "mesin-1"


def _killed(root: Path, *args: str, point: str, petugas: str = "bayu") -> None:
    proc = cli_process(root, *args, petugas=petugas, env={"PENGADUAN_UJI_MATI_DI": point})
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, point


def _converge(a: Path, b: Path, steps: set) -> None:
    ok(b, "sinkron", petugas="bayu")
    ok(a, "sinkron")
    ok(b, "sinkron", petugas="bayu")
    assert head(a) == head(b)
    assert steps <= visible_steps([a, b])
    for root in (a, b):
        assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
        assert not (root / ".git/pengaduan/sinkron-niat.json").exists()
        assert not (root / ".git/pengaduan/transaksi.json").exists()
        assert audit(root) == (0, set())
        assert run(root, "periksa").exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize("point", ["sinkron:niat", "sinkron:ref", "sinkron:berkas"])
def test_sinkron_killed_then_a_transition_records_on_the_finished_sync(diverged, tmp_path, point):
    a, b = _copy(diverged, tmp_path)
    steps = visible_steps([a, b])
    before = head(b)
    _killed(b, "sinkron", point=point)
    moved = head(b)  # the merge when the branch had moved, else where it was
    assert (moved == before) == (point == "sinkron:niat")
    new = receive(b, "10:00", "bayu")  # an ordinary transition: it finishes the move first, then commits on it
    assert git(b, "rev-parse", "HEAD^").strip() == moved
    assert git(b, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(b, "diff", "--quiet", moved, "HEAD^", "--") == ""  # the moved-to tree, whole, under the new step
    assert git(b, "ls-tree", "--name-only", "HEAD", layout.case_path(new)).strip() == layout.case_path(new)
    _converge(a, b, steps)


@pytest.mark.slow
def test_sinkron_killed_after_the_branch_moved_is_named_and_finished_by_periksa(diverged, tmp_path):
    a, b = _copy(diverged, tmp_path)
    steps = visible_steps([a, b])
    _killed(b, "sinkron", point="sinkron:ref")
    found = json.loads(run(b, "periksa", "--format", "json").stdout)
    sync = [f for f in found["temuan"] if f["berkas"].endswith("sinkron-niat.json")]
    assert len(sync) == 1 and sync[0]["bisa_diperbaiki"] and "sinkron terputus" in sync[0]["pesan"]
    fixed = run(b, "periksa", "--perbaiki")
    assert fixed.exit_code == 0, fixed.output
    assert "sinkron yang terputus diselesaikan" in fixed.stdout
    assert git(b, "status", "--porcelain", "--untracked-files=all") == ""
    _converge(a, b, steps)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["renamed", "index-updated", "ref-updated"])
def test_transition_killed_then_sinkron_finishes_or_undoes_it_before_merging(diverged, tmp_path, point):
    a, b = _copy(diverged, tmp_path)
    steps = visible_steps([a, b])
    before = head(b)
    _killed(b, "terima", "--platform", "x", "--akun", "@mati", "--isi", "dibunuh", "--waktu", at("10:00"), "-q", point=point)
    result = run(b, "sinkron", petugas="bayu")
    assert result.exit_code == 0, result.output
    assert "transaksi yang terputus" in result.stderr  # said, as a note
    recorded = git(b, "rev-list", "--first-parent", f"{before}..HEAD^1").split()
    assert len(recorded) == (1 if point == "ref-updated" else 0)  # exactly the killed step, or nothing of it
    pushed = git(b, "rev-parse", "origin/main").strip()
    assert pushed == head(b)
    _converge(a, b, steps)
