"""`pengaduan demo`: a realistic store through all four SOP paths, made by the real store code."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pengaduan.cli import main
from tests.conftest import git


def test_demo_records_all_four_paths_and_audits_clean(tmp_path):
    runner = CliRunner()
    root = tmp_path / "demo"
    result = runner.invoke(main, ["--store", str(root), "demo"], env={"PENGADUAN_PETUGAS": "ani"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("demo: ")
    cases = json.loads(runner.invoke(main, ["--store", str(root), "daftar", "--format", "json"]).stdout)
    assert len(cases) >= 10
    paths = set()
    for row in cases:
        data = json.loads(runner.invoke(main, ["--store", str(root), "lihat", row["id"], "--format", "json"]).stdout)
        steps = tuple(e["langkah"] for e in data["riwayat"])
        if data["status"] == "bukan_pengaduan":
            paths.add("bukan")
        elif steps[-1] == 11 and 6 in steps:
            paths.add("eskalasi")
        elif steps[-1] == 5:
            paths.add("redaktur")
        elif data["status"] == "selesai" and steps == (1, 2, 3):
            paths.add("admin")
        if data["status"] == "selesai":
            assert all(e["pencatat"] for e in data["riwayat"])
    assert paths == {"bukan", "eskalasi", "redaktur", "admin"}
    met = [t["memenuhi"] for row in cases[:12] for t in json.loads(
        runner.invoke(main, ["--store", str(root), "lihat", row["id"], "--format", "json"]).stdout)["waktu_langkah"]]  # fmt: skip
    assert True in met and False in met  # some steps within the standard, some not
    authors = set(git(root, "log", "--format=%an").split("\n")) - {""}
    assert {"Ani Lestari", "Rina Kartikasari", "Hendra Wijayanto", "Sri Wahyuningsih"} <= authors
    audit = runner.invoke(main, ["--store", str(root), "audit"])
    assert audit.exit_code == 0, audit.output
    assert audit.stdout.strip().endswith("0 temuan")


def test_demo_refuses_a_store_that_is_not_a_demo(store, cli):
    result = cli("demo")
    assert result.exit_code == 1
    assert "bukan store demo" in result.stderr
