"""Hostile files in a store: each is refused at the door, named, and never takes the other cases down.

Every file here is committed by hand (as a careless edit or a hostile remote would), then the
lists, the reports, `lihat` and `audit` are run against it: the store stays exactly as it was,
the bad file is named with its rule, and every other case is still listed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pengaduan.errors import StoreError
from pengaduan.store import yamlio
from pengaduan.store.store import Store
from tests.conftest import DAY, git

HAND = ("-c", "user.name=Ani", "-c", "user.email=ani@example.go.id")
SKIPPED_EXIT = 3


def commit_all(store: Store, message: str = "edit tangan") -> None:
    git(store.root, "add", "-A")
    git(store.root, *HAND, "commit", "-q", "-m", message)


def case_file(store: Store, case_id: str) -> Path:
    return store.root / "kasus" / "20" f"{case_id[:2]}" / case_id[2:4] / f"{case_id}.yaml"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A `perubahan` block whose aliases expand to width**levels strings (9**9: 387 million)."""
    lines = ["  perubahan:", f"    l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"    l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def with_bomb(text: str) -> str:
    marker = "  aksi: terima\n"
    assert marker in text
    return text.replace(marker, marker + alias_bomb(), 1)


@pytest.fixture
def two_cases(receive):
    """A case that will be made hostile, and a good one that must stay listed."""
    return receive("09:00"), receive("09:05", akun="@warga_baik")


def check_lists_survive(cli, snapshot, bad_path: str, rule: str, good: str, bad: str) -> None:
    """daftar, terlambat and eskalasi: exit 3, one warning naming file and rule, the good case listed."""
    before = snapshot()
    for command in (("daftar", "--format", "json"), ("terlambat", "--format", "json"), ("eskalasi", "--format", "json")):
        result = cli(*command)
        assert result.exit_code == SKIPPED_EXIT, (command, result.output)
        warnings = result.stderr.splitlines()
        assert len(warnings) == 1, (command, result.stderr)
        assert warnings[0].startswith(f"peringatan: dilewati: berkas {bad_path}") or warnings[0].startswith(
            f"peringatan: dilewati: berkas kasus {bad_path}"
        ), warnings[0]
        assert rule in warnings[0], warnings[0]
        ids = [row["id"] for row in json.loads(result.stdout)]
        assert good in ids and bad not in ids, (command, ids)
    assert snapshot() == before


def audit_findings(cli) -> list[dict]:
    result = cli("audit", "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["temuan"]


# -- the loader itself ----------------------------------------------------------------------------------------


def test_the_loader_refuses_an_alias_bomb_before_composing_it():
    text = "isi: teks\nriwayat:\n- aksi: terima\n" + alias_bomb(levels=12)  # 9**12 if ever expanded
    started = time.perf_counter()
    with pytest.raises(Exception, match="anchor/alias YAML") as raised:
        yamlio.load_text(text, "kasus/2026/11/x.yaml")
    assert time.perf_counter() - started < 5  # expanding it would take hours and all memory
    assert "baris 5" in str(raised.value)  # the line of the first anchor


def test_the_loader_refuses_a_file_over_its_limit_before_parsing():
    with pytest.raises(Exception, match=r"terlalu besar \(3 KB, batas 2 KB"):
        yamlio.load_text("a: [" + "x" * 3000, "kasus/2026/11/x.yaml", limit=2048)  # also invalid YAML: never parsed


def test_a_value_yaml_cannot_build_is_a_one_line_refusal():
    with pytest.raises(StoreError, match=r"berkas kasus/2026/11/x.yaml rusak \(nilai tidak sah"):
        yamlio.load_text("waktu: 2026-13-45\n", "kasus/2026/11/x.yaml")


def test_an_ampersand_or_star_in_text_is_still_read():
    assert yamlio.load_text("isi: 'Anak & ibu * penting'\n", "x.yaml") == {"isi": "Anak & ibu * penting"}


@pytest.mark.parametrize("text", [
    "a: 1\nb: [1, 2.5, true, null, ~, 2026-11-28, 2026-11-28T10:00:00+07:00, '0x1F', 0x1F, 1_000, 0o17, .inf, 1:20]\n"
    "c:\n  d: 'x'\n  e: !!binary aGVsbG8=\n  f: !!str 12\n  g: yes\n",
    "<<: {a: 1}\nb: 2\n",  # a merge key
    "? [1, 2]\n: x\n",  # an unhashable key
    "!!set {a, b}\n", "- !!omap [a: 1]\n", "", "# only a comment\n", "a: !lokal x\n", "a: 1\na: 2\n",
    "a: 2026-13-45\n", "a: b: c\n", "[1, 2\n",
    # Two faults: PyYAML names the one of the outer mapping first (its keys and merges are built
    # before what its values nest), whichever comes first in the text (found by a differential fuzzer).
    "{a: {b: !!int abc}, [1]: x}\n", "a: !!int abc\n<<: 1\n", "a: [2026-13-45]\n? [1]\n: x\n",
    "- {a: !!binary '%'}\n- !!set {[1]: x}\n",
])  # fmt: skip
def test_the_short_loading_path_gives_what_pyyaml_gives_values_and_errors(text):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def outcome(load):
        try:
            return "ok", load()
        except Exception as exc:  # noqa: BLE001 - whatever PyYAML raises, the short path must raise too
            return "galat", type(exc).__name__, str(exc)

    assert outcome(lambda: yamlio._load(text.encode())) == outcome(lambda: yaml.load(text.encode(), Loader=loader))


DEEP = 50_000  # levels: libyaml's recursive composer overflows the C stack (a crash, not an error)


@pytest.mark.parametrize("text", [
    "a: " + "[" * DEEP + "]" * DEEP + "\n",  # flow sequences
    "a: " + "{b: " * DEEP + "c" + "}" * DEEP + "\n",  # flow mappings
    "- " * DEEP + "x\n",  # compact block sequences on one line
    "".join(" " * i + "k:\n" for i in range(300)) + " " * 300 + "v\n",  # block mappings by indentation
])  # fmt: skip
def test_the_loader_refuses_deep_nesting_before_composing_it(text):
    with pytest.raises(StoreError, match=r"^berkas kasus/2026/11/x.yaml baris \d+ bersarang lebih dari 256 tingkat"):
        yamlio.load_text(text, "kasus/2026/11/x.yaml")
    with pytest.raises(StoreError, match="bersarang lebih dari 256 tingkat"):
        yamlio.load_checked(text, "kasus/2026/11/x.yaml")  # the audit's chunked reader


# Shapes the cheap byte-level bound once took for shallow: line breaks Python's '^' does not know
# (lone CR, NEL, LINE/PARAGRAPH SEPARATOR), a byte order mark before the first '- ', the value
# indicator ': ' of a complex key, and UTF-16 input. Each crashed the reader (SIGSEGV) at 50,000
# levels, so each is loaded in a child process (CRLF and plain "? " keys were always caught: kept as controls).
_DEEP_SHAPES = {
    "cr": ("- a\r" + "- " * DEEP + "x\r").encode(),
    "crlf": ("- a\r\n" + "- " * DEEP + "x\r\n").encode(),
    "nel": ("- a\x85" + "- " * DEEP + "x\n").encode(),
    "line-separator": ("- a\u2028" + "- " * DEEP + "x\n").encode(),
    "paragraph-separator": ("- a\u2029" + "- " * DEEP + "x\n").encode(),
    "bom": ("\ufeff" + "- " * DEEP + "x\n").encode(),
    "complex-key-value": ("? a\n: " + "- " * DEEP + "x\n").encode(),
    "complex-keys": ("? " * DEEP + "x\n").encode(),
    "utf-16-le": ("\ufeff" + "- " * DEEP + "x\n").encode("utf-16-le"),
    "utf-16-be": ("\ufeff" + "- " * DEEP + "x\n").encode("utf-16-be"),
    "cr-indented": ("k:\r" + "".join(" " * i + "- k:\r" for i in range(0, 600, 2))).encode(),
}


# Each shape as bytes and as text; UTF-16 only as bytes (text input is UTF-8 by construction).
_DEEP_CASES = [(shape, kind) for shape in sorted(_DEEP_SHAPES) for kind in ("bytes", "text")
               if kind == "bytes" or not shape.startswith("utf-16")]  # fmt: skip


@pytest.mark.parametrize(("shape", "kind"), _DEEP_CASES)
def test_deep_nesting_the_cheap_bound_must_not_miss_is_refused(shape, kind, tmp_path):
    data = _DEEP_SHAPES[shape]
    (tmp_path / "deep.yaml").write_bytes(data)
    program = (
        "import sys\nfrom pathlib import Path\nfrom pengaduan.store import yamlio\n"
        f"data = Path({str(tmp_path / 'deep.yaml')!r}).read_bytes()\n"
        f"data = data if {kind == 'bytes'} else data.decode('utf-8')\n"
        "try:\n    yamlio.load_text(data, 'kasus/2026/11/x.yaml')\nexcept Exception as exc:\n"
        "    print(type(exc).__name__, exc)\nelse:\n    print('terbaca')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
    assert done.stdout.startswith("StoreError berkas kasus/2026/11/x.yaml baris "), done.stdout[:300]
    assert "bersarang lebih dari 256 tingkat" in done.stdout


@pytest.mark.parametrize("levels", [1, 200, 256])
def test_nesting_up_to_the_limit_is_read_whatever_its_shape(levels):
    flow = "a: " + "[" * (levels - 1) + "x" + "]" * (levels - 1) + "\n"  # the outer mapping is a level
    block = "".join(" " * i + "k:\n" for i in range(levels - 1)) + " " * (levels - 1) + "k: v\n"
    assert yamlio.load_text(flow, "x.yaml")["a"] is not None
    found = yamlio.load_text(block, "x.yaml")
    for _ in range(levels - 1):
        found = found["k"]
    assert found == {"k": "v"}


def test_a_deeply_nested_case_file_is_skipped_by_lists_and_named_by_lihat_and_audit(store, cli, snapshot, two_cases):
    bad, good = two_cases
    path = case_file(store, bad)
    marker = "  aksi: terima\n"
    text = path.read_text()
    path.write_text(text.replace(marker, marker + "  perubahan: " + "[" * DEEP + "]" * DEEP + "\n", 1))
    commit_all(store)
    relpath = path.relative_to(store.root).as_posix()
    env = {**os.environ, "PENGADUAN_STORE": str(store.root), "PENGADUAN_PETUGAS": "ani"}
    listed = subprocess.run([sys.executable, "-m", "pengaduan", "daftar", "--format", "json"], capture_output=True,
                            text=True, env=env, timeout=120)  # fmt: skip  (a real process: a crash is a crash)
    assert listed.returncode == SKIPPED_EXIT, listed.stderr
    assert "bersarang lebih dari 256 tingkat" in listed.stderr and good in listed.stdout and bad not in listed.stdout
    check_lists_survive(cli, snapshot, relpath, "bersarang lebih dari 256 tingkat", good, bad)
    result = cli("lihat", bad)
    assert result.exit_code == 1 and result.stderr.startswith(f"galat: berkas {relpath} baris ")
    findings = audit_findings(cli)
    assert any(f["kasus"] == bad and "bersarang" in f["pesan"] for f in findings), findings


# -- an alias bomb ---------------------------------------------------------------------------------------------


def test_an_alias_bomb_is_skipped_by_every_list_and_refused_by_lihat(store, cli, snapshot, two_cases):
    bad, good = two_cases
    path = case_file(store, bad)
    path.write_text(with_bomb(path.read_text()))
    commit_all(store)
    relpath = path.relative_to(store.root).as_posix()
    check_lists_survive(cli, snapshot, relpath, "anchor/alias YAML", good, bad)
    before = snapshot()
    result = cli("lihat", bad)
    assert result.exit_code == 1 and result.stderr.startswith(f"galat: berkas {relpath} baris ")
    assert "anchor/alias YAML" in result.stderr
    assert snapshot() == before
    findings = audit_findings(cli)
    assert any(f["kasus"] == bad and "anchor/alias YAML" in f["pesan"] for f in findings), findings


def test_eskalasi_with_an_alias_bomb_does_not_hold_the_lock_for_long(store, two_cases):
    """The issue's 91 s under the store lock: a real process, bounded by a timeout."""
    bad, good = two_cases
    path = case_file(store, bad)
    path.write_text(with_bomb(path.read_text()))
    commit_all(store)
    env = {**os.environ, "PENGADUAN_STORE": str(store.root), "PENGADUAN_PETUGAS": "ani"}
    done = subprocess.run(
        [sys.executable, "-m", "pengaduan", "eskalasi", "--format", "csv"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == SKIPPED_EXIT, done.stderr
    assert good in done.stdout and bad not in done.stdout


def test_a_report_is_made_for_the_other_cases(store, cli, snapshot, two_cases, tmp_path):
    bad, good = two_cases
    path = case_file(store, bad)
    path.write_text(with_bomb(path.read_text()))
    commit_all(store)
    before = snapshot()
    out = tmp_path / "laporan"
    result = cli("laporan", "harian", "--tanggal", DAY, "--format", "html", "--keluaran", str(out))
    assert result.exit_code == SKIPPED_EXIT, result.output
    assert len(result.stderr.splitlines()) == 1 and "anchor/alias YAML" in result.stderr
    html = next(out.rglob("*.html")).read_text()
    assert "@wa***ik" in html  # the good case's masked handle
    assert snapshot() == before


# -- an oversize file ------------------------------------------------------------------------------------------


def test_a_case_file_over_the_default_limit_is_skipped_unparsed(store, cli, snapshot, two_cases):
    bad, good = two_cases
    path = case_file(store, bad)
    text = path.read_text()
    path.write_text(text.replace("isi: sandi:", "isi: " + "x" * (1100 * 1024) + "sandi:", 1))  # (sealed, schema 2)
    commit_all(store)
    relpath = path.relative_to(store.root).as_posix()
    check_lists_survive(cli, snapshot, relpath, "terlalu besar", good, bad)
    result = cli("lihat", bad)
    assert result.exit_code == 1 and "terlalu besar" in result.stderr and "batas 1024 KB" in result.stderr
    findings = audit_findings(cli)
    assert any(f["aturan"] == 10 and f["kasus"] == bad and "lebih dari batas 1024 KB" in f["pesan"] for f in findings)


def test_the_limit_is_set_by_batas_berkas_kb(store, cli, snapshot, receive):
    good = receive("09:00")
    big = receive("09:05", isi="panjang " * 400)  # ~3 KB: within --isi's limit, over the store's 2 KB
    config = store.root / "pengaduan.yaml"
    config.write_text(config.read_text().replace("  berkas_kb: 1024\n", "  berkas_kb: 2\n"))
    commit_all(store, "batas kecil")
    relpath = case_file(store, big).relative_to(store.root).as_posix()
    check_lists_survive(cli, snapshot, relpath, "batas 2 KB", good, big)


def test_a_bad_limit_is_refused_with_its_key(store, cli):
    config = store.root / "pengaduan.yaml"
    config.write_text(config.read_text().replace("  berkas_kb: 1024\n", "  berkas_kb: banyak\n"))
    commit_all(store, "batas rusak")
    result = cli("daftar")
    assert result.exit_code == 1 and "'batas.berkas_kb' harus bilangan bulat" in result.stderr


# -- a symlink in kasus/ ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "other-case"])
def test_a_symlink_case_file_is_never_followed(store, cli, snapshot, two_cases, target):
    bad, good = two_cases
    path = case_file(store, bad)
    path.unlink()
    path.symlink_to(case_file(store, good) if target == "other-case" else target)
    commit_all(store)
    relpath = path.relative_to(store.root).as_posix()
    check_lists_survive(cli, snapshot, relpath, "bukan berkas biasa (symlink)", good, bad)
    before = snapshot()
    result = cli("lihat", bad)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"galat: berkas {relpath} bukan berkas biasa (symlink)"), result.stderr
    assert result.stdout == ""
    assert snapshot() == before
    findings = audit_findings(cli)
    assert any(f["aturan"] == 10 and "bukan berkas biasa (symlink)" in f["pesan"] for f in findings), findings


def test_a_symlinked_month_folder_is_refused_by_lihat_and_found_by_audit(store, cli, snapshot, receive, tmp_path):
    good = receive("09:00")
    elsewhere = tmp_path / "di-luar"
    elsewhere.mkdir()
    bad = "261201-ABCDEFG"
    (elsewhere / f"{bad}.yaml").write_text(case_file(store, good).read_text().replace(good, bad))
    (store.root / "kasus" / "2026" / "12").symlink_to(elsewhere)
    commit_all(store)
    before = snapshot()
    result = cli("lihat", bad)
    assert result.exit_code == 1 and "bukan folder biasa (symlink)" in result.stderr, result.output
    listed = cli("daftar", "--format", "json")
    assert [row["id"] for row in json.loads(listed.stdout)] == [good]
    assert snapshot() == before
    findings = audit_findings(cli)
    assert any(f["aturan"] == 10 and "kasus/2026/12 bukan berkas biasa (symlink)" in f["pesan"] for f in findings)


# -- a case file outside its month folder ------------------------------------------------------------------------


def test_a_case_file_in_the_wrong_month_folder_is_skipped_and_found(store, cli, snapshot, two_cases):
    bad, good = two_cases
    path = case_file(store, bad)
    wrong = store.root / "kasus" / "2026" / "10" / path.name
    wrong.parent.mkdir(parents=True)
    path.rename(wrong)
    commit_all(store, "pindah")
    relpath = wrong.relative_to(store.root).as_posix()
    check_lists_survive(cli, snapshot, relpath, f"tidak di folder bulannya (ID {bad} berarti", good, bad)
    findings = audit_findings(cli)
    assert any(
        f["aturan"] == 10 and f["kasus"] == bad and f"{relpath} tidak di folder bulannya (ID {bad} berarti" in f["pesan"]
        for f in findings
    ), findings


def test_a_file_holding_another_cases_id_is_skipped(store, cli, snapshot, two_cases):
    bad, good = two_cases
    path = case_file(store, bad)
    path.write_text(path.read_text().replace(f"id: {bad}", f"id: {good}"))
    commit_all(store)
    relpath = path.relative_to(store.root).as_posix()
    check_lists_survive(cli, snapshot, relpath, f"berisi kasus '{good}', bukan {bad}", good, bad)


def test_skipped_files_are_warned_about_even_when_the_command_fails_otherwise(store, cli, two_cases):
    """terlambat --exit-code keeps its own code 1 (something is overdue); the warning still comes."""
    bad, good = two_cases
    path = case_file(store, bad)
    path.write_text(with_bomb(path.read_text()))
    commit_all(store)
    result = cli("terlambat", "--exit-code")
    assert result.exit_code == 1
    assert good in result.stdout
    assert result.stderr.startswith("peringatan: dilewati: ") and len(result.stderr.splitlines()) == 1
