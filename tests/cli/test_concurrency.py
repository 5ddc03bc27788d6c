"""Several real processes writing to one store at once: each waits for the lock, none is lost.

The processes are `python -m pengaduan`, as the desk and cron run it. The store lock is an
advisory flock on .git/pengaduan/pengaduan.lock; the tests take the same lock from outside with
`fcntl.flock` to line the processes up behind it, or to make one wait in vain.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pengaduan.store import layout
from tests.conftest import at, git, opened

REPO = Path(__file__).resolve().parents[2]
WRITERS = 8


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PENGADUAN_PETUGAS", None)
    return env


def _command(store, petugas: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "pengaduan", "--store", str(store.root), "--petugas", petugas, *args]


@contextmanager
def held_lock(store) -> Iterator[Path]:
    path = store.private_dir() / layout.LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _holds_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, PermissionError):
        return False


def _wait_until_all_wait(procs: list[subprocess.Popen], path: Path, limit: float = 60.0) -> int:
    """Poll until every process has the lock file open (so it is waiting for it); returns how many do."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        waiting = [p for p in procs if p.poll() is None and _holds_open(p.pid, path)]
        if len(waiting) == len(procs) or any(p.poll() is not None for p in procs):
            return len(waiting)
        time.sleep(0.02)
    return -1


def test_eight_processes_record_eight_cases(store, receive):
    case_ids = [receive(f"09:0{i}", akun=f"@warga{i}") for i in range(WRITERS)]
    start = git(store.root, "rev-parse", "HEAD").strip()
    procs = []
    with held_lock(store) as lock_path:
        # Two admins at once, as on a busy morning: each process verifies a different case.
        for i, case_id in enumerate(case_ids):
            who = "ani" if i % 2 == 0 else "bayu"
            args = _command(store, who, "verifikasi", case_id, "--kategori", "layanan", "--waktu", at("09:30"))
            procs.append(subprocess.Popen(args, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        waiting = _wait_until_all_wait(procs, lock_path)
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert err == ""
    # Every process had reached the lock before it was released: they really contended for it.
    assert waiting == WRITERS

    commits = git(store.root, "rev-list", "--reverse", f"{start}..HEAD").split()
    assert len(commits) == WRITERS
    assert git(store.root, "rev-list", "--merges", "HEAD") == ""  # one straight line of history
    recorded = []
    for commit in commits:
        body = git(store.root, "log", "-1", "--format=%B", commit)
        case_id = re.search(r"^Kasus: (\S+)$", body, re.M).group(1)
        assert "Langkah: 2" in body.splitlines() and "Aksi: verifikasi" in body.splitlines()
        files = git(store.root, "diff-tree", "--no-commit-id", "--name-only", "-r", commit).split()
        assert files == [f"kasus/2026/11/{case_id}.yaml"]
        recorded.append(case_id)
    assert sorted(recorded) == sorted(case_ids)  # each case exactly once

    authors = git(store.root, "log", "--format=%ae", f"{start}..HEAD").split()
    assert sorted(authors) == sorted(["ani@example.go.id"] * 4 + ["bayu@example.go.id"] * 4)
    for case_id in case_ids:
        case = store.load_case(case_id)
        assert (case.step, case.status, case.category) == (2, "diverifikasi", "layanan")
        assert [e.step for e in case.history] == [1, 2]
    assert git(store.root, "status", "--porcelain") == ""
    fsck = subprocess.run(["git", "-C", str(store.root), "fsck", "--strict", "--no-dangling"], capture_output=True, text=True)
    assert fsck.returncode == 0 and fsck.stdout == "" and fsck.stderr == "", fsck.stdout + fsck.stderr


def test_eight_processes_receive_eight_new_cases(store):
    start = git(store.root, "rev-parse", "HEAD").strip()
    with held_lock(store) as lock_path:
        procs = [
            subprocess.Popen(
                _command(store, "ani" if i % 2 else "bayu", "terima", "--platform", "instagram", "--akun", f"@warga{i}",
                         "--isi", f"Pengaduan nomor {i}", "--waktu", at(f"10:0{i}"), "-q"),
                env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            for i in range(WRITERS)
        ]
        waiting = _wait_until_all_wait(procs, lock_path)
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * WRITERS, [err for _, err in outputs]
    assert waiting == WRITERS
    minted = [out.strip() for out, _ in outputs]
    assert len(set(minted)) == WRITERS

    commits = git(store.root, "rev-list", f"{start}..HEAD").split()
    assert len(commits) == WRITERS
    touched = [git(store.root, "diff-tree", "--no-commit-id", "--name-only", "-r", c).split() for c in commits]
    assert sorted(touched) == sorted([[f"kasus/2026/11/{case_id}.yaml"] for case_id in minted])
    accounts = sorted(opened(store, case_id).account for case_id in minted)
    assert accounts == [f"@warga{i}" for i in range(WRITERS)]
    assert git(store.root, "status", "--porcelain") == ""


def test_lock_wait_runs_out_with_a_clear_message(store, receive, snapshot):
    case_id = receive("09:00")
    config = store.root / layout.CONFIG
    text, count = re.subn(r"(?m)^batas_kunci_detik: .*$", "batas_kunci_detik: 0.3", config.read_text())
    assert count == 1
    config.write_text(text)
    git(store.root, "-c", "user.name=Ani", "-c", "user.email=ani@example.go.id", "commit", "-q", "-am", "kunci 0,3 detik")
    before = snapshot()
    with held_lock(store) as lock_path:
        done = subprocess.run(
            _command(store, "ani", "verifikasi", case_id, "--waktu", at("09:05")),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("galat: store sedang dipakai proses lain lebih dari 0.3 detik")
    assert str(lock_path) in lines[0] and "batas_kunci_detik" in lines[0]
    assert snapshot() == before
    # Once the lock is free the same command goes through.
    again = subprocess.run(
        _command(store, "ani", "verifikasi", case_id, "--waktu", at("09:05")), env=_env(), capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
