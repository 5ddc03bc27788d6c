"""Shared fixtures: a fresh real git store in tmp_path with a roster, and a CLI runner on it."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pengaduan.cli import main
from pengaduan.core.case import Case
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
