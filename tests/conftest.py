"""Shared fixtures: a fresh real git store in tmp_path with a roster, and a CLI runner on it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from pengaduan.app import privacy
from pengaduan.app.context import Desk
from pengaduan.cli import main
from pengaduan.core import timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import Staff
from pengaduan.core.workflow import Request, apply
from pengaduan.store import layout, yamlio
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


def opened(store: Store, case_id: str) -> Case:
    """A case as this machine reads it: sealed values opened with its key store (case schema 2)."""
    from pengaduan.app.context import Desk
    from pengaduan.app.privacy import Keys, open_one

    desk = Desk(store)
    return open_one(desk, Keys(desk), store.load_case(case_id)).case


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
    """Record step 1 and return the new ID (with --tetap: tests receive the same text many times)."""

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
            "--tetap",
        ]
        for key, value in extra.items():
            args += [f"--{key.replace('_', '-')}", value]
        result = cli(*args)
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    return make


@pytest.fixture
def revise_sop(store: Store) -> Callable[[Callable[[str], str]], str]:
    """Revise the store's sop.yaml as a manager would by hand: edit its text, then one configuration
    commit by Ani (an admin, so a manager) with the trailers the audit expects. Returns the commit."""

    def revise(edit: Callable[[str], str]) -> str:
        path = store.root / "sop.yaml"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        ani = ROSTER[0]
        who = {"GIT_AUTHOR_NAME": ani.name, "GIT_AUTHOR_EMAIL": ani.email}
        who |= {"GIT_COMMITTER_NAME": ani.name, "GIT_COMMITTER_EMAIL": ani.email}
        message = "Revisi SOP\n\nJenis: konfigurasi\nSOP: 276/SOP/KBKIE/2024\n"
        subprocess.run(["git", "-C", str(store.root), "commit", "-q", "-a", "-m", message], env={**os.environ, **who}, check=True)
        return git(store.root, "rev-parse", "HEAD").strip()

    return revise


# -- the CLI on a store by path, and its refusals ----------------------------------------------------
# Words of the English texts click, PyYAML and Python would print if a message slipped through.
ENGLISH = {"error", "usage", "invalid", "expected", "missing", "such", "option", "not", "the", "found", "must", "did"}


def assert_refused(result, *needles: str, store_root=None, exit_code: int | None = None) -> str:
    """The one-line Indonesian refusal; returns the message after 'galat: '."""
    assert result.exit_code != 0, result.output
    if exit_code is not None:
        assert result.exit_code == exit_code, result.stderr
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("galat: "), lines[0]
    message = lines[0][len("galat: ") :]
    text = message.replace(str(store_root), "") if store_root is not None else message
    words = set(re.findall(r"[a-z]+", text.lower()))
    assert not words & ENGLISH, f"English in: {message}"
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


SOP_NUMBER = "276/SOP/KBKIE/2024"
ANI = ("Ani Lestari", "ani@example.go.id")


def run(root: Path, *args: str, petugas: str | None = "ani", env: dict[str, str] | None = None) -> Result:
    head = ["--store", str(root)] + (["--petugas", petugas] if petugas else [])
    return CliRunner().invoke(main, [*head, *args], env=env, catch_exceptions=False)


def ok(root: Path, *args: str, petugas: str | None = "ani", env: dict[str, str] | None = None) -> str:
    result = run(root, *args, petugas=petugas, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()



# -- hand-made commits, as a person with plain git would make them (for the audit's tests) -----------
def case_file(root: Path, case_id: str) -> Path:
    return root / layout.case_path(case_id)


def read(root: Path, case_id: str) -> dict:
    return yaml.safe_load(case_file(root, case_id).read_text(encoding="utf-8"))


def write(root: Path, case_id: str, data: dict) -> None:
    case_file(root, case_id).write_text(yamlio.dump(data), encoding="utf-8")


def commit(root: Path, message: str, author: tuple[str, str] = ANI, *options: str) -> None:
    """`git commit -a` as a person would type it, with their identity."""
    name, email = author
    who = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-a", "-m", message, *options], env={**os.environ, **who}, check=True)


def legal_next(root: Path, case_id: str, action: str, actor: str, clock: str, **request) -> Case:
    """The case as the tool would write it after this action (to commit it by hand)."""
    store = Store.open(root)
    staff = store.config.staff_by_code(actor)
    moment = datetime.fromisoformat(at(clock))
    desk, before = Desk(store), store.load_case(case_id)
    after = apply(store.sop, store.config, before, Request(action, staff, moment, **request), desk.now())
    return privacy.prepare(desk, privacy.Keys(desk), before, after).case  # sealed as the tool seals it


def message_for(case: Case, **lies: str) -> str:
    """A commit message with the tool's trailers for the case's last entry; `lies` replace some of them."""
    entry = case.history[-1]
    values = {"Kasus": case.id, "Langkah": str(entry.step), "Aksi": entry.action, "Pelaksana": entry.performer_role}
    values.update({"Waktu": timeutil.to_stored(entry.time), "SOP": SOP_NUMBER})
    values.update(lies)
    return f"{case.id}: langkah {entry.step}\n\n" + "\n".join(f"{k}: {v}" for k, v in values.items()) + "\n"


def commit_case(root: Path, case: Case | dict, message: str, author: tuple[str, str] = ANI, *options: str) -> None:
    data = case.to_dict() if isinstance(case, Case) else case
    write(root, data["id"], data)
    commit(root, message, author, *options)


def audit(root: Path, *args: str) -> tuple[int, list[dict], Result]:
    result = run(root, "audit", "--format", "json", *args, petugas=None)
    return result.exit_code, json.loads(result.stdout)["temuan"], result


def rules(findings: list[dict]) -> set[int]:
    return {f["aturan"] for f in findings}


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True)
    return path


@pytest.fixture
def signed(store, cli, tmp_path) -> Callable[..., str]:
    """A store that requires signed commits, ani's SSH key in the roster and in git's config."""
    key = keygen(tmp_path / "ani")
    git(store.root, "config", "gpg.format", "ssh")
    git(store.root, "config", "user.signingkey", str(key))
    result = cli("petugas", "tambah", "ani", "--nama", "Ani Lestari", "--peran", "admin", "--email", ANI[1],
                 "--kunci-ssh", f"{key}.pub")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = dict(Store.open(store.root).config.raw, tanda_tangan_commit=True)
    store.save_config(data, "Commit wajib bertanda tangan", store.config.staff_by_code("ani"))

    def step(*args: str) -> str:
        result = cli(*args)
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    return step




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
REPO = Path(__file__).resolve().parents[1]
# The named points of a transition where the crash tests SIGKILL the tool (pengaduan/store/killpoint.py).
# One `git fast-import` writes the objects and moves the branch: "before-update-ref" is just before
# it, "ref-updated" just after. (A signed commit, made by write-tree and commit-tree, also passes
# "tree-written" and "commit-made" between the two.)
KILL_POINTS = ("temp-written", "renamed", "index-updated", "before-update-ref", "ref-updated")


def tool(
    root: Path, *args: str, petugas: str | None = "ani", kill_at: str | None = None, **popen: object
) -> subprocess.CompletedProcess:
    """Run `python3 -m pengaduan --store ROOT [--petugas P] ARGS` as a real process (killed at `kill_at`)."""
    import os
    import sys

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PENGADUAN_UJI_MATI_DI", None)
    if kill_at:
        env["PENGADUAN_UJI_MATI_DI"] = kill_at
    head = ["--store", str(root)] + (["--petugas", petugas] if petugas else [])
    return subprocess.run(
        [sys.executable, "-m", "pengaduan", *head, *args], capture_output=True, text=True, env=env, **popen
    )


@pytest.fixture
def sound(store: Store) -> Callable[[Path | None], None]:
    """Assert a store is sound: clean work tree, no intent or temp file, fsck --strict, audit and periksa clean."""

    def check(root: Path | None = None) -> None:
        root = root or store.root
        assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
        assert not (root / ".git" / "pengaduan" / "transaksi.json").exists()
        assert not (root / ".git" / "MERGE_HEAD").exists()
        subprocess.run(["git", "-C", str(root), "fsck", "--strict", "--no-progress"], check=True, capture_output=True)
        runner = CliRunner()
        for command in ("audit", "periksa"):
            result = runner.invoke(main, ["--store", str(root), command])
            assert result.exit_code == 0, result.output

    return check


def run_with_terminal_stderr(root: Path, *args: str, petugas: str = "ani") -> tuple[subprocess.CompletedProcess, bytes]:
    """Run the tool as a real process whose stderr is a terminal (a pty), stdout a pipe; returns
    the process and what the terminal showed (progress bars draw only on a terminal)."""
    import pty
    import select
    import sys

    repo = Path(__file__).resolve().parents[1]
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pengaduan", "--store", str(root), "--petugas", petugas, *args],
            cwd=repo, stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "PYTHONPATH": str(repo)}, timeout=60,
        )  # fmt: skip
        os.close(follower)
        shown = b""
        while select.select([leader], [], [], 0.2)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    return done, shown
