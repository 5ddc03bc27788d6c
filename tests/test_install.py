"""The non-editable install carries its data; commands that make no PDF never import weasyprint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# What a build must not see from a working checkout: VCS data, caches, builds, the default store.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", "cases", "build", "dist", "*.egg-info", "__pycache__", ".*cache", ".benchmarks", ".venv"
)


def _env(pythonpath: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PENGADUAN_")}
    env["PYTHONPATH"] = str(pythonpath)
    env.update({"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"})
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """`pip install --no-deps --target` of a copy of the checkout (setuptools builds in the source folder)."""
    base = tmp_path_factory.mktemp("install")
    source, target = base / "src", base / "target"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        capture_output=True, text=True, cwd=base,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.rmtree(source)  # nothing may come from the source tree from here on
    return target


def _run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=_env(installed), timeout=120)


def test_installed_package_carries_its_data(installed, tmp_path):
    data = installed / "pengaduan" / "data"
    assert (data / "sop.yaml").is_file() and (data / "pengaduan.yaml").is_file()
    assert (data / "sop.yaml").read_bytes() == (REPO / "pengaduan" / "data" / "sop.yaml").read_bytes()

    found = _run(
        installed, tmp_path, "-c",
        "import json, pengaduan; from importlib.resources import files; "
        "print(json.dumps([pengaduan.__file__, str(files('pengaduan.data').joinpath('sop.yaml'))]))",
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    module, sop = map(Path, json.loads(found.stdout))
    assert module.is_relative_to(installed) and sop.is_relative_to(installed)
    assert not sop.is_relative_to(REPO)


def test_installed_package_makes_a_store_outside_the_checkout(installed, tmp_path):
    store = tmp_path / "kantor" / "cases"
    init = _run(installed, tmp_path, "-m", "pengaduan", "--store", str(store), "init")
    assert init.returncode == 0, init.stderr
    assert (store / "sop.yaml").read_bytes() == (installed / "pengaduan" / "data" / "sop.yaml").read_bytes()
    assert (store / "pengaduan.yaml").is_file()

    added = _run(installed, tmp_path, "-m", "pengaduan", "--store", str(store), "petugas", "tambah", "ani",
                 "--nama", "Ani Lestari", "--peran", "admin", "--email", "ani@example.go.id")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = _run(installed, tmp_path, "-m", "pengaduan", "--store", str(store), "petugas", "daftar", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [row["kode"] for row in json.loads(listed.stdout)] == ["ani"]

    # The console script the install wrote runs the same program.
    script = installed / "bin" / "pengaduan"
    assert script.is_file()
    listed = _run(installed, tmp_path, str(script), "--store", str(store), "petugas", "daftar", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[1].startswith("ani,Ani Lestari,admin,")


CHECK_IMPORTS = r"""
import json, sys
from pengaduan.cli import main

store = sys.argv[1]
runs = [
    ["init"],
    ["petugas", "tambah", "ani", "--nama", "Ani", "--peran", "admin"],
    ["--petugas", "ani", "terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "--waktu", "2026-11-02T09:00", "-q"],
    ["--petugas", "ani", "verifikasi", "2611", "--waktu", "2026-11-02T09:05"],
    ["lihat", "2611"],
    ["lihat", "2611", "--format", "json"],
    ["daftar"],
    ["petugas", "daftar"],
    ["lihat", "--help"],
    ["--help"],
]
codes = []
for args in runs:
    try:
        main(["--store", store, *args], prog_name="pengaduan")
    except SystemExit as exc:
        codes.append(exc.code)
heavy = sorted(m for m in sys.modules if m.split(".")[0] == "weasyprint")
print(json.dumps({"codes": codes, "heavy": heavy}), file=sys.stderr)
"""


def test_commands_without_pdf_never_import_weasyprint(tmp_path):
    done = _run(REPO, tmp_path, "-c", CHECK_IMPORTS, str(tmp_path / "store"))
    report = json.loads(done.stderr.splitlines()[-1])
    assert report["codes"] == [0] * 10, done.stderr
    assert report["heavy"] == []


def _shell_blocks(text: str) -> list[str]:
    import re

    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_readme_set_up_works_on_a_stock_python_and_ci_runs_its_test_command():
    """On Debian 12 / Ubuntu 24.04 pip refuses the system Python: the README's commands make and use a
    venv, name WeasyPrint's system packages (apt-get) before them, and .ci/run ends with the test command."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Mulai / Getting started")
    blocks = _shell_blocks(readme[start : readme.index("\n## ", start + 1)])
    apt, install, test = blocks[0], blocks[1], blocks[2]
    assert apt.startswith("apt-get install ") and {"python3-venv", "libpango-1.0-0", "libpangoft2-1.0-0"} <= set(apt.split())
    assert install == "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/pengaduan demo"
    assert test.startswith("python3 -m venv .venv && .venv/bin/pip install '.[test]' && ")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test, "the last line of .ci/run must be exactly the README's test command"
    assert not any(line.startswith("python3 -m pip install") for line in ci), "CI installs into the venv, as the README"
    assert ".venv/" in (REPO / ".gitignore").read_text(encoding="utf-8").split()
