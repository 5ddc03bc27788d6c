"""Shared fixtures: a fresh real git store in tmp_path with a roster, and a CLI runner on it."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pengaduan.cli import main
from pengaduan.core.config import Staff
from pengaduan.store.store import Store

ROSTER = [
    Staff("ani", "Ani Lestari", ("admin",), "ani@example.go.id"),
    Staff("bayu", "Bayu Pratama", ("admin",), "bayu@example.go.id"),
    Staff("rina", "Rina Kartikasari", ("redaktur",), "rina@example.go.id"),
    Staff("hendra", "Hendra Wijayanto", ("pimred",), "hendra@example.go.id"),
    Staff("sri", "Sri Wahyuningsih", ("kabid",), "sri@example.go.id", "phpa"),
    Staff("retno", "Retno Sudewi", ("kadin",), "retno@example.go.id"),
]

# A Monday in November 2026 (WIB), inside working hours; tests record steps from here on.
DAY = "2026-11-02"
# The tool's clock in tests: fixed (through the tool's own PENGADUAN_SEKARANG), so no result
# depends on when the suite runs. Saturday 28 November 2026, 10.00 WIB.
NOW = "2026-11-28T10:00:00+07:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PENGADUAN_SEKARANG", NOW)
    return NOW


def at(clock: str, day: str = DAY) -> str:
    """'09:14' -> '2026-11-02T09:14:00+07:00'."""
    return f"{day}T{clock}:00+07:00"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.create(tmp_path / "store", roster=list(ROSTER))


@pytest.fixture
def cli(store: Store) -> Callable[..., Result]:
    """Run `pengaduan --store S --petugas P ARGS...` in-process; returns click's Result."""
    runner = CliRunner()

    def invoke(*args: str, petugas: str | None = "ani", env: dict[str, str] | None = None) -> Result:
        head = ["--store", str(store.root)] + (["--petugas", petugas] if petugas else [])
        return runner.invoke(main, [*head, *args], env=env, catch_exceptions=False)

    return invoke


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def snapshot(store: Store) -> Callable[[], tuple[str, str, str]]:
    """(HEAD, `git status`, digest of every work-tree file and index entry): equal means unchanged.

    Index entries are compared as `git ls-files --stage` lists them (mode, blob, path): the raw
    index file also holds stat caches that any `git status` may refresh.
    """

    def take() -> tuple[str, str, str]:
        digest = hashlib.sha256()
        for path in sorted(p for p in store.root.rglob("*") if p.is_file() and ".git" not in p.parts):
            digest.update(str(path.relative_to(store.root)).encode() + b"\0" + path.read_bytes())
        digest.update(git(store.root, "ls-files", "--stage").encode())
        return git(store.root, "rev-parse", "HEAD"), git(store.root, "status", "--porcelain"), digest.hexdigest()

    return take


@pytest.fixture
def receive(cli: Callable[..., Result]) -> Callable[..., str]:
    """Record step 1 and return the new ID."""

    def make(clock: str = "09:00", day: str = DAY, platform: str = "instagram", **extra: str) -> str:
        args = [
            "terima",
            "--platform",
            platform,
            "--akun",
            extra.pop("akun", "@warga123"),
            "--isi",
            extra.pop("isi", "Mohon info layanan pengaduan KDRT"),
            "--waktu",
            at(clock, day),
            "-q",
        ]
        for key, value in extra.items():
            args += [f"--{key.replace('_', '-')}", value]
        result = cli(*args)
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    return make


# -- servers on 127.0.0.1 for the sync tests (started and stopped by the test) -----------------------
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, what: str) -> None:
    import socket
    import time

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} ended at start-up: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)  # a server starting up: readiness, not the tool's clock
    raise RuntimeError(f"{what} did not listen on port {port}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def git_daemon(tmp_path: Path):
    """`git daemon` serving tmp_path/daemon on a free port of 127.0.0.1 (push enabled); yields (base folder, URL prefix)."""
    base = tmp_path / "daemon"
    base.mkdir()
    port = free_port()
    proc = subprocess.Popen(
        ["git", "daemon", "--export-all", f"--base-path={base}", "--reuseaddr", "--listen=127.0.0.1", f"--port={port}",
         "--enable=receive-pack", str(base)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait_for_port(port, proc, "git daemon")
        yield base, f"git://127.0.0.1:{port}"
    finally:
        _stop(proc)


SSHD = "/usr/sbin/sshd"


@pytest.fixture
def sshd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """openssh-server on a free port of 127.0.0.1 with a throwaway host key and user key; yields (folder, URL prefix).

    GIT_SSH_COMMAND is set so git (and the tool) log in with the user key only.
    """
    import getpass
    import os
    import shutil

    binary = SSHD if os.path.exists(SSHD) else shutil.which("sshd")
    if not binary:
        pytest.skip("sshd (openssh-server) is not installed; .ci/run installs it when run as root")
    home = tmp_path / "ssh"
    home.mkdir()
    for name in ("host", "user"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(home / name)], check=True)
    (home / "authorized_keys").write_bytes((home / "user.pub").read_bytes())
    port = free_port()
    config = home / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {home / 'host'}\nPidFile {home / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {home / 'authorized_keys'}\nStrictModes no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nUseDNS no\nPermitRootLogin yes\nLogLevel ERROR\n"
    )
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory when run as root
    proc = subprocess.Popen([binary, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_port(port, proc, "sshd")
        monkeypatch.setenv(
            "GIT_SSH_COMMAND",
            f"ssh -i {home / 'user'} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no "
            f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p {port}",
        )
        yield home, f"ssh://{getpass.getuser()}@127.0.0.1:{port}"
    finally:
        _stop(proc)
