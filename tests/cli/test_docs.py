"""Like sqlite-utils' test_docs: every command and subcommand has help text and is named in the README."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from pengaduan.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    """(full name, command) of every command, loading the lazily registered ones."""
    found: list[tuple[str, click.Command]] = []
    ctx = click.Context(main)

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, f"{prefix}{name} is listed but cannot be loaded"
            full = f"{prefix}{name}"
            found.append((full, command))
            if isinstance(command, click.Group):
                walk(command, full + " ")

    walk(main, "")
    return found


COMMANDS = _commands()


def test_every_command_is_found():
    names = {name for name, _ in COMMANDS}
    assert {"terima", "lihat", "laporan harian", "laporan bulanan susun", "petugas tambah", "audit"} <= names


@pytest.mark.parametrize("name,command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_command_has_help(name, command):
    assert (command.help or "").strip(), f"'pengaduan {name}' has no help text"


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_command_is_named_in_readme(name):
    assert re.search(rf"pengaduan(?:\s+--\S+(?: \S+)?)*\s+{re.escape(name)}\b", README), f"README never shows 'pengaduan {name}'"


# -- help that teaches (issue 14) ---------------------------------------------------------------------
def _help(*args: str) -> str:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [*args, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


SHOWN = [(name, command) for name, command in COMMANDS if not command.hidden]


@pytest.mark.parametrize("name,command", SHOWN, ids=[name for name, _ in SHOWN])
def test_command_help_has_examples_of_real_commands(name, command):
    """Every command's help ends with a `Contoh:` block; each example names that command, and every
    option it uses exists on the command or on `pengaduan` itself."""
    import shlex

    from pengaduan.cli.examples import EXAMPLES

    text = _help(*name.split())
    assert "\nContoh:\n" in text.replace("  Contoh:", "Contoh:"), f"'pengaduan {name} --help' has no Contoh: block"
    examples = EXAMPLES[name]
    global_opts = {opt for p in main.params for opt in p.opts}
    for line in examples:
        assert line in text
        words = shlex.split(line.split(" < ")[0].split(" > ")[0])
        assert words[0] == "pengaduan"
        rest = words[1:]
        while rest and rest[0].startswith("--") and rest[0] in global_opts:
            rest = rest[2:]  # a global option and its value
        # The command the example runs: the longest run of names that are (sub)commands.
        target, path = main, []
        while rest and isinstance(target, click.Group) and target.get_command(click.Context(target), rest[0]):
            target = target.get_command(click.Context(target), rest[0])
            path.append(rest.pop(0))
        assert " ".join(path).startswith(name), f"example {line!r} is not a 'pengaduan {name}' command"
        own = {opt for p in target.params for opt in (*p.opts, *p.secondary_opts)}
        used = {w.split("=")[0] for w in rest if w.startswith("-") and w != "-"}
        assert used <= own | {"-h"}, f"example {line!r} uses options 'pengaduan {' '.join(path)}' lacks: {used - own}"


@pytest.mark.parametrize("name", [name for name, _ in SHOWN])
def test_help_uses_indonesian_placeholders(name):
    text = _help(*name.split())
    english = re.findall(r"\b(TEXT|INTEGER|DIRECTORY|FILE|PATH|FLOAT|BOOLEAN|OPTIONS|COMMAND|ARGS)\b", text)
    assert not english, f"'pengaduan {name} --help' shows {english}"


def test_main_help_lists_commands_in_sop_sections():
    text = _help()
    headings = [line.rstrip(":") for line in text.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert headings[headings.index("Kasus") :][:5] == ["Kasus", "Laporan", "Jam SOP", "Audit", "Store"]
    kasus = text[text.index("\nKasus:") : text.index("\nLaporan:")]
    order = [line.split()[0] for line in kasus.splitlines()[1:] if line.startswith("  ")]
    steps = ["terima", "verifikasi", "respon", "teruskan", "koordinasi", "jawab", "selesai"]
    assert [n for n in order if n in steps] == steps
    assert order.index("selesai") < order.index("lihat") < order.index("antrean")


def test_choices_in_help_come_from_the_store(store):
    """`--bidang` lists the store's values with their names; a store that adds a platform shows it."""
    from pengaduan.store.store import Store

    text = " ".join(_help("--store", str(store.root), "daftar").split())
    assert "Pilihan: sekretariat, kgpp (Bidang Kesetaraan Gender" in text
    assert "uptd-ppa (UPTD Perlindungan Perempuan dan Anak)" in text
    assert "mastodon" not in text
    data = dict(store.config.raw, platform=[*store.config.platforms, "mastodon"])
    Store.open(store.root).save_config(data, "Platform baru", store.config.staff_by_code("ani"))
    assert "tiktok, youtube, threads, mastodon." in " ".join(_help("--store", str(store.root), "terima").split())


def test_help_outside_a_store_still_works(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = _help("--store", str(tmp_path / "nothing"), "daftar")
    assert "--platform PLATFORM" in text and "Contoh:" in text


# -- the static command table (start-up, issue 12) -----------------------------------------------------
def test_command_table_names_every_command_with_its_own_help():
    """cli/app.py's COMMANDS gives `pengaduan --help` and name completion each command's module and
    one-line help without importing it: it must say what the command itself says, at every width."""
    from pengaduan.cli.app import COMMANDS

    ctx = click.Context(main)
    top = {name: command for name, command in COMMANDS_BY_NAME.items() if " " not in name}
    assert set(COMMANDS) == set(top)
    for name, (module, _summary) in COMMANDS.items():
        assert top[name].callback is not None and top[name].callback.__module__ == f"pengaduan.cli.{module}"
        for limit in (20, 45, 72, 1000):
            assert main.summary_of(ctx, name, limit) == top[name].get_short_help_str(limit), (name, limit)


def test_table_help_is_what_the_loaded_commands_show(tmp_path):
    """`pengaduan --help` in a fresh process (nothing loaded: the table speaks) equals the help of a
    process that loaded every command first."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo), "COLUMNS": "90"}
    load_all = (
        "import click; from pengaduan.cli import main; ctx = click.Context(main); "
        "[main.get_command(ctx, n) for n in main.list_commands(ctx)]; "
        "assert len(main.commands) == len(main.lazy); main(['--help'], prog_name='pengaduan')"
    )
    shown = [
        subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
        for args in (["-m", "pengaduan", "--help"], ["-c", load_all])
    ]
    assert "verifikasi" in shown[0] and "completion" in shown[0]
    assert shown[0] == shown[1]


# What a command imports (a fresh process; sys.modules when it exits): the start-up every command pays.
HEAVY = ("git", "gitdb", "jinja2", "weasyprint", "babel", "holidays", "tabulate", "openpyxl", "pyhanko", "PIL", "fontTools")
_DUMP = (
    "import atexit, json, sys\n"
    "out = sys.argv.pop(1)\n"
    "atexit.register(lambda: open(out, 'w').write(json.dumps(sorted(sys.modules))))\n"
    "from pengaduan.cli import run\n"
    "run()\n"
)


def _imported(root: Path, *args: str) -> set[str]:
    import json
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    out = root.parent / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(repo)}
    done = subprocess.run([sys.executable, "-c", _DUMP, str(out), "--store", str(root), "--petugas", "ani", *args],
                          cwd=root, env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    # Less what the interpreter loads before any of our code (a site's .pth files may load tempfile).
    bare = subprocess.run([sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"], env=env,
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    return set(json.loads(out.read_text())) - set(json.loads(bare)) | {"__main__"}


def test_versi_and_help_import_no_command_and_no_store(store):
    from pengaduan.cli.app import COMMANDS

    command_modules = {f"pengaduan.cli.{module}" for module, _help in COMMANDS.values()}
    for args in (["--versi"], ["--help"]):
        loaded = _imported(store.root, *args)
        assert not {m for m in loaded if m.startswith(("pengaduan.store", "pengaduan.app"))}, args
        assert not loaded & command_modules, args
        assert "yaml" not in loaded, args


def test_lihat_and_a_transition_import_none_of_the_heavy_libraries(store, receive):
    case_id = receive()
    # The first reader builds the index and the first SLA figure fills the holiday cache (the
    # `holidays` package, once per year and machine): after that neither is imported again.
    assert "holidays" in _imported(store.root, "lihat", case_id)
    correct = ["koreksi", case_id, "--kolom", "akun", "--nilai", "@baru", "--alasan", "salah"]
    for args, module in ((["lihat", case_id], "tampil"), (["verifikasi", case_id], "kasus"), (correct, "audit")):
        loaded = _imported(store.root, *args)
        assert f"pengaduan.cli.{module}" in loaded and "pengaduan.cli.laporan" not in loaded, args
        assert not {m for m in loaded if m.split(".")[0] in HEAVY}, (args, sorted(m for m in loaded if m.split(".")[0] in HEAVY))
        assert "yaml.cyaml" in loaded, args
        assert not {"tempfile", "csv", "pengaduan.app.history", "pengaduan.core.audit"} & loaded, args


COMMANDS_BY_NAME = dict(COMMANDS)
