"""One transaction = one commit, or nothing at all; and the IDs the store hands out."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from pengaduan.app.cases import record
from pengaduan.app.context import Desk
from pengaduan.core import ids, timeutil
from pengaduan.core.workflow import Intake, Request
from pengaduan.errors import CaseNotFound, GitError, StoreError
from pengaduan.store import layout
from pengaduan.store.git import Git
from tests.conftest import ROSTER, at, git

ANI = ROSTER[0]


class Boom(RuntimeError):
    pass


@pytest.fixture
def break_commit(monkeypatch):
    """Call it to make the commit step fail after git has written the tree (the middle of a commit)."""
    calls: list[str] = []

    def commit_files(self: Git, parent: str, files: dict, *args, **kwargs) -> str:
        for entry in files.values():  # what fast-import writes first: the blobs, then the trees
            if entry is not None:
                self.write_blob(entry[1])
        calls.append(self.write_tree())  # git's index already holds the new entry here
        raise Boom("commit gagal")

    def install() -> list[str]:
        monkeypatch.setattr(Git, "commit_files", commit_files)
        return calls

    return install


def _request(action: str, clock: str, **kw) -> Request:
    return Request(action=action, actor=ANI, at=datetime.fromisoformat(at(clock)), **kw)


def _receive(store, clock: str = "09:00") -> str:
    intake = Intake(platform="instagram", account="@warga", text="Mohon info")
    case, _ = record(Desk(store), _request("terima", clock, intake=intake))
    return case.id


# -- failure in the middle --------------------------------------------------------------------


def test_failed_commit_on_an_existing_case_leaves_everything_as_before(store, snapshot, break_commit):
    case_id = _receive(store)
    calls = break_commit()
    before = snapshot()
    file_before = (store.root / layout.case_path(case_id)).read_bytes()
    with pytest.raises(Boom):
        record(Desk(store), _request("verifikasi", "09:05"), case_id)
    assert calls, "the failure must come after git wrote the tree"
    assert snapshot() == before
    assert (store.root / layout.case_path(case_id)).read_bytes() == file_before
    assert git(store.root, "status", "--porcelain") == ""


def test_failed_commit_on_a_new_case_leaves_no_file_and_no_folder(store, snapshot, break_commit):
    calls = break_commit()
    before = snapshot()
    with pytest.raises(Boom):
        _receive(store)
    assert calls
    assert snapshot() == before
    assert not (store.root / layout.CASES).exists()  # the month folders made for it are gone too
    assert git(store.root, "ls-files", layout.CASES) == ""


def test_failed_commit_on_a_new_case_in_a_month_that_has_cases(store, snapshot, monkeypatch):
    first = _receive(store, "09:00")
    before = snapshot()
    def commit_files(*args, **kwargs):
        raise Boom("x")

    monkeypatch.setattr(Git, "commit_files", commit_files)
    with pytest.raises(Boom):
        _receive(store, "09:30")
    assert snapshot() == before
    assert [p.name for p in (store.root / "kasus/2026/11").iterdir()] == [f"{first}.yaml"]


def test_git_error_inside_commit_is_rolled_back_and_reported(store, snapshot, monkeypatch):
    case_id = _receive(store)
    before = snapshot()
    real_run = Git._run

    def run(self, *args, **kwargs):
        if args[0] == "fast-import":  # git refuses what it is given: nothing is written
            return real_run(self, "fast-import", "--no-such-option", **kwargs)
        return real_run(self, *args, **kwargs)

    monkeypatch.setattr(Git, "_run", run)
    with pytest.raises(GitError, match="git fast-import gagal"):
        record(Desk(store), _request("verifikasi", "09:05"), case_id)
    assert snapshot() == before


def test_interrupt_inside_a_transaction_is_rolled_back(store, snapshot):
    before = snapshot()
    with pytest.raises(KeyboardInterrupt), store.transaction("x", ANI) as txn:
        txn.write("kasus/2026/11/261102-ABCDEFG.yaml", b"id: x\n")
        txn.write(layout.CONFIG, b"rusak: [\n")
        raise KeyboardInterrupt
    assert snapshot() == before


def test_lock_is_released_after_a_failure(store, break_commit, monkeypatch):
    case_id = _receive(store)
    break_commit()
    with pytest.raises(Boom):
        record(Desk(store), _request("verifikasi", "09:05"), case_id)
    monkeypatch.undo()
    case, commit = record(Desk(store), _request("verifikasi", "09:05"), case_id)
    assert case.step == 2 and git(store.root, "rev-parse", "HEAD").strip() == commit


def test_transaction_without_writes_makes_no_commit(store):
    head = git(store.root, "rev-parse", "HEAD")
    with store.transaction("kosong", ANI) as txn:
        pass
    assert txn.commit is None
    assert git(store.root, "rev-parse", "HEAD") == head


def test_one_transaction_is_one_commit_with_its_files(store):
    head = git(store.root, "rev-parse", "HEAD").strip()
    with store.transaction("Dua berkas\n", ANI) as txn:
        txn.write("laporan/a.txt", b"a\n")
        txn.write("laporan/b.txt", b"b\n")
    assert git(store.root, "rev-parse", "HEAD^").strip() == head
    assert git(store.root, "show", "--name-only", "--format=", "HEAD").split() == ["laporan/a.txt", "laporan/b.txt"]
    assert git(store.root, "log", "-1", "--format=%an <%ae>").strip() == "Ani Lestari <ani@example.go.id>"
    assert git(store.root, "status", "--porcelain") == ""


def test_staged_changes_stop_a_transaction_before_any_write(store, snapshot):
    (store.root / "catatan.txt").write_text("draf\n")
    git(store.root, "add", "catatan.txt")
    before = snapshot()
    with pytest.raises(StoreError, match=r"belum di-commit \(catatan.txt\)"):
        _receive(store)
    assert snapshot() == before


def test_a_staged_change_is_seen_even_right_after_a_transition(store, snapshot):
    """The cheap check (git's index as our last commit left it) never hides a later `git add`."""
    case_id = _receive(store)
    path = store.root / layout.case_path(case_id)
    path.write_text(path.read_text() + "# catatan tangan\n")
    git(store.root, "add", str(path))
    with pytest.raises(StoreError, match="belum di-commit"):
        _receive(store, "09:30")


def test_a_hand_edit_of_the_file_a_step_writes_stops_it(store, snapshot):
    case_id = _receive(store)
    path = store.root / layout.case_path(case_id)
    path.write_text(path.read_text().replace("platform: instagram", "platform: facebook"))
    before = snapshot()
    with pytest.raises(StoreError, match=rf"berkas {layout.case_path(case_id)} punya perubahan yang belum di-commit"):
        record(Desk(store), _request("verifikasi", "09:05"), case_id)
    assert snapshot() == before
    assert "platform: facebook" in path.read_text()


def test_other_uncommitted_files_neither_stop_a_step_nor_enter_its_commit(store):
    """A transition no longer scans the store: a draft beside it stays the user's, uncommitted."""
    first = _receive(store)
    other = store.root / layout.case_path(first)
    other.write_text(other.read_text().replace("platform: instagram", "platform: facebook"))
    (store.root / "catatan.txt").write_text("draf\n")
    second = _receive(store, "09:30")
    assert git(store.root, "show", "--name-only", "--format=", "HEAD").split() == [layout.case_path(second)]
    assert sorted(git(store.root, "status", "--porcelain").splitlines()) == [
        f" M {layout.case_path(first)}",
        "?? catatan.txt",
    ]
    assert "platform: facebook" in other.read_text()


# -- how many git processes (start-up, issue 12) ---------------------------------------------------
# A transition is cat-file (one --batch for HEAD, the settings and the case), update-index and
# fast-import; `gc --auto` is started in the background once the lock is released (not waited for,
# so not counted here). Only when git's index was changed by another git since our last commit
# does a `diff-index --cached` check it first.
TRANSITION_GIT = ("cat-file", "update-index", "fast-import")


def _git_runs(tmp_path, root, *args: str) -> list[str]:
    """Run the tool as a real process with a `git` first on PATH that logs each run, then execs
    the real git; the git subcommands it ran (the background `gc --auto` left out)."""
    import os
    import shutil
    import stat
    import subprocess
    import sys

    from tests.conftest import REPO

    real = shutil.which("git")
    assert real
    folder = tmp_path / "logged-git"
    folder.mkdir(exist_ok=True)
    log = folder / "runs.log"
    log.write_text("")
    wrapper = folder / "git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "pengaduan", "--store", str(root), "--petugas", "ani", *args],
                          capture_output=True, text=True, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    runs = []
    for line in log.read_text().splitlines():
        words = [w for w in line.split() if not w.startswith("-c") and "=" not in w]
        if words[:1] != ["gc"]:
            runs.append(words[0])
    return runs


def test_a_transition_runs_three_git_processes(store, tmp_path):
    """Once the index is built (the first reader builds it) and git's index is as our last commit left it."""
    _git_runs(tmp_path, store.root, "terima", "--platform", "instagram", "--akun", "@warga", "--isi", "Mohon info")
    case_id = store.case_ids()[0]
    second = _git_runs(tmp_path, store.root, "terima", "--platform", "tiktok", "--akun", "@lain", "--isi", "Jalan rusak")
    assert sorted(second) == sorted(TRANSITION_GIT)
    for args in (["verifikasi", case_id], ["koreksi", case_id, "--kolom", "akun", "--nilai", "@warga2", "--alasan", "salah"]):
        assert sorted(_git_runs(tmp_path, store.root, *args)) == sorted(TRANSITION_GIT), args
    assert git(store.root, "status", "--porcelain") == ""


def test_after_another_git_changed_the_index_a_transition_checks_it_once(store, tmp_path):
    case_id = _git_runs(tmp_path, store.root, "terima", "--platform", "instagram", "--akun", "@w", "--isi", "x") and (
        store.case_ids()[0]
    )
    git(store.root, "update-index", "--refresh")  # another git rewrites the index (same entries)
    git(store.root, "commit", "-q", "--allow-empty", "-m", "kosong")
    runs = _git_runs(tmp_path, store.root, "verifikasi", case_id)
    assert sorted(runs) == sorted([*TRANSITION_GIT, "diff-index"])


def test_lihat_runs_one_git_process(store, tmp_path):
    _git_runs(tmp_path, store.root, "terima", "--platform", "instagram", "--akun", "@warga", "--isi", "Mohon info")
    assert _git_runs(tmp_path, store.root, "lihat", store.case_ids()[0]) == ["cat-file"]


# -- IDs ----------------------------------------------------------------------------------------------


def test_id_format():
    case_id = ids.new_id(date(2026, 11, 2))
    assert len(case_id) <= 20
    assert re.fullmatch(r"261102-[0-9A-HJKMNP-TV-Z]{7}", case_id)
    assert ids.is_valid(case_id)
    assert not set(case_id[7:]) & set("ILOU")  # no letters that read like digits or each other


def test_ids_are_unique_over_many_draws():
    # 35 random bits: 2,000 draws collide with probability ~6e-5.
    drawn = [ids.new_id(date(2026, 11, 2)) for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    assert len({i[7] for i in drawn}) == 32  # every symbol of the alphabet turns up in the first place


def test_normalise_what_people_type():
    assert ids.normalise(" 261102-abc0l ") == "261102-ABC01"
    assert ids.normalise("261102-o1") == "261102-01"


def test_store_redraws_an_id_that_exists(store, monkeypatch):
    first = _receive(store)
    queue = [first, first, "261102-NEWCASE"]
    monkeypatch.setattr(ids, "new_id", lambda day: queue.pop(0))
    assert _receive(store, "09:10") == "261102-NEWCASE"
    assert queue == []
    assert timeutil.to_stored(store.load_case(first).received_at) == at("09:00")  # the first case is untouched


@pytest.fixture
def three_cases(store, monkeypatch):
    minted = iter(["261102-AB12345", "261102-AB67890", "261031-XY00000"])
    monkeypatch.setattr(ids, "new_id", lambda day: next(minted))
    _receive(store, "09:00")
    _receive(store, "09:05")
    intake = Intake(platform="x", account="@a", text="t")
    record(Desk(store), Request("terima", ANI, datetime.fromisoformat("2026-10-31T09:00:00+07:00"), intake=intake))
    return store


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("261102-AB12345", "261102-AB12345"),
        ("261102-ab6", "261102-AB67890"),  # prefix of the whole ID, any case
        ("2610", "261031-XY00000"),  # the month alone
        ("AB1", "261102-AB12345"),  # prefix of the random part
        ("xy", "261031-XY00000"),
        ("XY0O", "261031-XY00000"),  # the letter O typed for a zero
    ],
)
def test_prefix_resolution(three_cases, typed, expected):
    assert three_cases.resolve_id(typed) == expected


@pytest.mark.parametrize("typed", ["AB", "261102", "261102-ab"])
def test_ambiguous_prefix_lists_the_matches(three_cases, typed):
    with pytest.raises(CaseNotFound) as info:
        three_cases.resolve_id(typed)
    assert "cocok dengan 2 kasus: 261102-AB12345, 261102-AB67890" in str(info.value)


@pytest.mark.parametrize("typed", ["ZZ", "261103", "2612", "261102-AB9", "", "  "])
def test_unknown_prefix(three_cases, typed):
    with pytest.raises(CaseNotFound):
        three_cases.resolve_id(typed)


def test_written_files_follow_the_umask(store, receive):
    """Atomic writes go through a temp file, but the result is as readable as a plain write."""
    import os
    import stat

    case_id = receive("09:00")
    mode = stat.S_IMODE(os.stat(store.root / "kasus" / "2026" / "11" / f"{case_id}.yaml").st_mode)
    mask = os.umask(0)
    os.umask(mask)
    assert mode == 0o666 & ~mask


def test_store_made_in_a_folder_with_files_stays_clean(tmp_path):
    """The default store lives in cases/, where the code repository keeps a README.md."""
    from pengaduan.core import timeutil
    from pengaduan.core.config import Staff
    from pengaduan.core.workflow import Intake, Request
    from pengaduan.store.store import Store
    from tests.conftest import at, git

    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "README.md").write_text("# cases/\n")
    store = Store.create(folder, roster=[Staff("ani", "Ani", ("admin",), "ani@example.go.id")])
    assert git(folder, "status", "--porcelain") == ""
    intake = Intake(platform="x", account="@a", text="halo")
    moment = timeutil.parse_moment(at("09:00"), store.tz)
    case, _ = record(Desk(store), Request("terima", store.config.staff[0], moment, intake=intake))
    files = [f for f in git(folder, "ls-files").split() if not f.startswith("templat/")]  # init's canned answers
    assert files == [".gitattributes", f"kasus/2026/11/{case.id}.yaml", "pengaduan.yaml", "sop.yaml"]
    assert (folder / "README.md").read_text() == "# cases/\n"


def test_init_refuses_a_folder_that_already_holds_case_data(tmp_path):
    """Stray case files must not be silently ignored by a new store's git."""
    import pytest

    from pengaduan.errors import StoreError
    from pengaduan.store.store import Store

    folder = tmp_path / "cases"
    (folder / "kasus" / "2026" / "11").mkdir(parents=True)
    with pytest.raises(StoreError, match="sudah berisi kasus/"):
        Store.create(folder)
    assert not (folder / ".git").exists()
