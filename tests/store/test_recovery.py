"""A killed command never leaves the store half changed: the next locked command finishes or undoes it.

Each test SIGKILLs a real `python3 -m pengaduan` process at a named point of its transition
(the PENGADUAN_UJI_MATI_DI test hook), then runs the next ordinary command and checks that it
succeeds without help, that the store is exactly as before or exactly as after, and that
`git fsck --strict`, `audit` and `periksa` find nothing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time

import pytest

from pengaduan.store import layout, recovery
from tests.conftest import KILL_POINTS, REPO, at, git, tool

KILLED = -signal.SIGKILL
# Up to commit-made the branch has not moved: the step is undone. After update-ref it is recorded.
RECORDED = {"ref-updated"}


def _head(root) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def _committed(root, path: str) -> str | None:
    done = subprocess.run(["git", "-C", str(root), "show", f"HEAD:{path}"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def _next_command(root) -> None:
    """An ordinary command after the crash: it must succeed without any help."""
    result = tool(root, "terima", "--platform", "x", "--akun", "@berikut", "--isi", "kasus berikut", "--waktu", at("11:00"), "-q")
    assert result.returncode == 0, result.stderr
    assert "galat" not in result.stderr


def _outcome(root, before: str) -> str:
    """'before' or 'after': whether the killed command's commit is there (the next command's commit on top)."""
    parent = git(root, "rev-parse", "HEAD^").strip()
    if parent == before:
        return "before"
    assert git(root, "rev-parse", "HEAD^^").strip() == before, "exactly one commit of the killed command, or none"
    return "after"


@pytest.mark.parametrize("point", KILL_POINTS)
def test_transition_killed_at_each_point(store, receive, sound, point):
    case_id = receive("09:00")
    path = layout.case_path(case_id)
    before, text_before = _head(store.root), _committed(store.root, path)
    killed = tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"), kill_at=point)
    assert killed.returncode == KILLED

    shown = json.loads(tool(store.root, "lihat", case_id, "--format", "json").stdout)
    assert shown["status"] == ("diverifikasi" if point in RECORDED else "diterima")  # never the uncommitted half
    _next_command(store.root)
    assert _outcome(store.root, before) == ("after" if point in RECORDED else "before")
    if point not in RECORDED:
        assert git(store.root, "show", f"{before}:{path}") == text_before == _committed(store.root, path)
        again = tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"))
        assert again.returncode == 0, again.stderr
    sound()


@pytest.mark.parametrize("point", ["temp-written", "renamed", "before-update-ref"])
def test_new_case_killed_leaves_no_file_or_folder(store, sound, point):
    before = _head(store.root)
    killed = tool(store.root, "terima", "--platform", "x", "--akun", "@a", "--isi", "baru", "--waktu", at("09:00"), kill_at=point)
    assert killed.returncode == KILLED
    _next_command(store.root)
    assert _outcome(store.root, before) == "before"
    assert len(git(store.root, "ls-files", layout.CASES).split()) == 1
    sound()


@pytest.mark.parametrize("point", ["temp-written", "renamed", "index-updated", "commit-made", "ref-updated"])
def test_temp_file_and_intent_of_the_kill_are_gone_after_the_next_command(store, receive, point):
    case_id = receive("09:00")
    folder = store.root / layout.case_path(case_id)
    assert tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"), kill_at=point).returncode == KILLED
    assert (store.root / ".git/pengaduan/transaksi.json").exists()
    _next_command(store.root)
    assert not list(folder.parent.glob(".*.tmp"))
    assert not (store.root / ".git/pengaduan/transaksi.json").exists()


def _report_kill(store, sound, args: list[str], petugas: str, point: str, base: str) -> None:
    before = _head(store.root)
    killed = tool(store.root, *args, petugas=petugas, kill_at=point)
    assert killed.returncode == KILLED, killed.stderr
    _next_command(store.root)
    outcome = _outcome(store.root, before)
    assert outcome == ("after" if point in RECORDED else "before")
    committed = git(store.root, "ls-files", base).split()
    assert bool(committed) == (outcome == "after")
    assert not list((store.root / layout.REPORTS).rglob(".*.tmp")) if (store.root / layout.REPORTS).exists() else True
    sound()
    again = tool(store.root, *args, petugas=petugas)  # the report is made (again, or unchanged) without help
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
@pytest.mark.parametrize("point", [*KILL_POINTS, "renamed#2"])
def test_daily_report_killed_at_each_point(store, receive, sound, point):
    receive("09:00")
    args = ["laporan", "harian", "--tanggal", "2026-11-02", "--format", "html"]
    _report_kill(store, sound, args, "ani", point, "laporan/harian")


@pytest.mark.slow
@pytest.mark.parametrize("point", [*KILL_POINTS, "temp-written#3"])
def test_monthly_report_killed_at_each_point(store, receive, sound, point):
    receive("09:00")
    args = ["laporan", "bulanan", "susun", "--bulan", "2026-11", "--kesimpulan", "Baik.", "--waktu", at("12:00", "2026-11-27")]
    _report_kill(store, sound, args, "hendra", point, "laporan/bulanan")


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_roster_change_killed_at_each_point(store, sound, point):
    before = _head(store.root)
    args = ["petugas", "tambah", "dewi", "--nama", "Dewi Anggraini", "--peran", "admin", "--email", "dewi@example.go.id"]
    assert tool(store.root, *args, kill_at=point).returncode == KILLED
    listed = tool(store.root, "petugas", "daftar").stdout  # a reader that takes no lock: only what is committed
    assert ("Dewi Anggraini" in listed) == (point in RECORDED)
    _next_command(store.root)
    outcome = _outcome(store.root, before)
    assert outcome == ("after" if point in RECORDED else "before")
    assert ("kode: dewi" in (_committed(store.root, layout.CONFIG) or "")) == (outcome == "after")
    sound()


def _clones(store, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(store.root, "remote", "add", "origin", str(remote))
    assert tool(store.root, "sinkron").returncode == 0
    other = tmp_path / "mesin-bayu"
    subprocess.run(["git", "clone", "-q", str(remote), str(other)], check=True)
    return store.root, other


# A sinkron killed at each of its own steps (fetch, check, tree, merge, push) is tested with the
# sync itself, in tests/cli/test_sinkron.py: it merges through `git merge-tree`, never leaving a
# MERGE_HEAD or conflict markers in the work tree.


def test_merge_left_by_hand_is_refused_with_the_file_and_the_fix(store, receive, tmp_path):
    case_id = receive("09:00")
    git(store.root, "checkout", "-q", "-b", "lain")
    path = store.root / layout.case_path(case_id)
    path.write_text(path.read_text().replace("platform: instagram", "platform: x"))  # (akun is sealed)
    git(store.root, "commit", "-qam", "lain")
    git(store.root, "checkout", "-q", "main")
    path.write_text(path.read_text().replace("platform: instagram", "platform: facebook"))
    git(store.root, "commit", "-qam", "utama")
    subprocess.run(["git", "-C", str(store.root), "merge", "-q", "lain"], capture_output=True)
    assert (store.root / ".git/MERGE_HEAD").exists()
    result = tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "MERGE_HEAD" in lines[0] and "merge --abort" in lines[0]
    assert (store.root / ".git/MERGE_HEAD").exists()  # a merge the tool did not start is not thrown away


def test_bytes_that_are_neither_before_nor_after_are_refused_naming_the_file(store, receive, snapshot):
    case_id = receive("09:00")
    assert tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"), kill_at="renamed").returncode == KILLED
    path = store.root / layout.case_path(case_id)
    path.write_text(path.read_text() + "# disunting tangan\n")
    before = snapshot()
    result = tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"))
    assert result.returncode == 1
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and layout.case_path(case_id) in line and "periksa --perbaiki" in line
    assert snapshot() == before  # nothing guessed
    git(store.root, "checkout", "HEAD", "--", layout.case_path(case_id))
    assert tool(store.root, "periksa", "--perbaiki").returncode == 0
    assert tool(store.root, "verifikasi", case_id, "--waktu", at("09:05")).returncode == 0


@pytest.mark.slow
def test_randomised_kills_never_leave_the_store_half_changed(store, receive, sound):
    """50 kills of the whole process group at random moments (seeded), each followed by a normal command.

    A moment is a seeded fraction of how long a whole command takes now: the command that follows
    a kill (started like the killed ones, in its own session, which Linux schedules as one group)
    is timed whenever it has nothing to recover (recovering waits for a dead git's lock to prove
    stale), and the median of the last five such runs is the span. A machine that gets busier or
    idler thus never pushes the moments past the commands' ends. (Timed once, at the start, a
    slow first run on a loaded machine made most moments fall after the command had finished:
    too few kills in the rounds allowed.)
    """
    rng = random.Random(9)
    ids = [receive(f"09:{n:02d}") for n in range(3)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PENGADUAN_UJI_MATI_DI", None)
    base = [sys.executable, "-m", "pengaduan", "--store", str(store.root), "--petugas", "ani"]
    journal = store.root / ".git/pengaduan/transaksi.json"
    leftovers = [journal, *(store.root / ".git" / name for name in recovery.GIT_LOCKS)]

    def start(n: int) -> subprocess.Popen:
        args = ["terima", "--platform", "x", "--akun", f"@acak{n}", "--isi", "acak", "--waktu", at("10:00"), "-q"]
        if n % 3 == 1:
            args = ["koreksi", ids[n % len(ids)], "--kolom", "akun", "--nilai", f"@koreksi{n}", "--alasan", "uji"]
        return subprocess.Popen([*base, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)  # fmt: skip

    def timed(proc: subprocess.Popen, begin: float) -> float:
        _, err = proc.communicate()
        assert proc.returncode == 0, err
        return time.monotonic() - begin

    spans = [timed(start(0), time.monotonic())]  # whole commands: kills land anywhere in one, the commit at its end
    kills = n = 0
    while kills < 50 and n < 150:  # a command that finishes before its moment is not a kill: go on
        n += 1
        before = _head(store.root)
        proc = start(n)
        time.sleep(rng.uniform(0.2, 1.0) * statistics.median(spans[-5:]))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        if proc.returncode == KILLED:
            kills += 1
        else:  # it ended before its moment: then it succeeded
            assert proc.returncode == 0, err
        after_kill = _head(store.root)
        assert after_kill == before or git(store.root, "rev-parse", f"{after_kill}^").strip() == before
        plain = not any(path.exists() for path in leftovers)  # nothing for the next command to recover
        begin = time.monotonic()
        nxt = subprocess.Popen([*base, "terima", "--platform", "x", "--akun", "@lanjut", "--isi", "lanjut", "--waktu",
                                at("10:30"), "-q", "--tetap"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)  # fmt: skip
        took = timed(nxt, begin)  # it succeeds without help
        if plain:
            spans.append(took)
        assert git(store.root, "rev-parse", "HEAD^").strip() == after_kill  # recovery moved no commit
        assert git(store.root, "status", "--porcelain", "--untracked-files=all") == ""
        assert not journal.exists()
    assert kills >= 50
    sound()


# -- git's own lock (.git/index.lock) --------------------------------------------------------------


def _hold_open(path, seconds: float) -> subprocess.Popen:
    """A live process that creates `path` and keeps it open (as a running git does), then removes it."""
    code = (
        "import os, sys, time; p = sys.argv[1]; fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY); "
        "print('ok', flush=True); time.sleep(float(sys.argv[2])); os.unlink(p); os.close(fd)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ok"
    return proc


def test_index_lock_held_by_a_live_process_is_waited_for(store, receive):
    case_id = receive("09:00")
    holder = _hold_open(store.root / ".git/index.lock", 1.0)
    result = tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"))
    holder.wait()
    assert result.returncode == 0, result.stderr
    assert json.loads(tool(store.root, "lihat", case_id, "--format", "json").stdout)["status"] == "diverifikasi"


def test_index_lock_held_too_long_is_named_and_never_called_removable(store, receive, snapshot):
    case_id = receive("09:00")
    config = store.root / layout.CONFIG
    config.write_text(config.read_text().replace("batas_kunci_detik: 30", "batas_kunci_detik: 1"))
    git(store.root, "commit", "-qam", "batas kunci 1 detik")
    lock = store.root / ".git/index.lock"
    holder = _hold_open(lock, 8.0)
    try:
        result = tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"))
    finally:
        holder.kill()
        holder.wait()
        lock.unlink(missing_ok=True)
    assert result.returncode == 1
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and str(lock) in line and f"PID {holder.pid}" in line
    assert "manually" not in line and "hapus" not in line and "perbaiki" not in line


def test_stale_index_lock_is_cleared_by_the_next_command(store, receive):
    case_id = receive("09:00")
    lock = store.root / ".git/index.lock"
    lock.write_bytes(b"")  # left by a killed git: nobody has it open
    old = time.time() - 60
    os.utime(lock, (old, old))
    result = tool(store.root, "verifikasi", case_id, "--waktu", at("09:05"))
    assert result.returncode == 0, result.stderr
    assert not lock.exists()


def test_stale_index_lock_seen_by_a_reader_is_named_as_stale(store):
    """A git call outside the store lock that meets a dead lock says so, naming the file, not git's English."""
    from pengaduan.errors import GitError

    lock = store.root / ".git/index.lock"
    lock.write_bytes(b"")
    old = time.time() - 120
    os.utime(lock, (old, old))
    store.git.lock_seconds = 0.5
    with pytest.raises(GitError) as caught:
        store.git.set_index({"x.txt": None})
    message = caught.value.message
    assert str(lock) in message and "tertinggal" in message and "periksa --perbaiki" in message
    assert "manually" not in message


@pytest.mark.slow
def test_git_status_loop_beside_twenty_transitions_records_them_all(store, receive):
    ids = [receive(f"09:{n:02d}") for n in range(4)]
    loop = subprocess.Popen(
        ["sh", "-c", f"while :; do git -C '{store.root}' status --porcelain >/dev/null 2>&1; done"], start_new_session=True
    )
    before = int(git(store.root, "rev-list", "--count", "HEAD"))
    failures = []
    try:
        for n in range(20):
            if n < 4:
                args = ["verifikasi", ids[n], "--waktu", at("10:00")]
            else:
                args = ["terima", "--platform", "x", "--akun", f"@s{n}", "--isi", "status", "--waktu", at("10:00"), "-q"]
            result = tool(store.root, *args)
            if result.returncode != 0:
                failures.append(result.stderr)
    finally:
        os.killpg(loop.pid, signal.SIGKILL)
        loop.wait()
    assert failures == []
    assert int(git(store.root, "rev-list", "--count", "HEAD")) == before + 20
    assert git(store.root, "status", "--porcelain") == ""
