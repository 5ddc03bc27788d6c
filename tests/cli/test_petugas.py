"""`pengaduan petugas tambah` / `petugas daftar`: the roster, changed by one config commit each."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from pengaduan.cli import main
from tests.conftest import assert_refused, at, git


def _roster(cli) -> dict[str, dict]:
    result = cli("petugas", "daftar", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["kode"]: row for row in json.loads(result.stdout)}


def test_add_is_one_config_commit(store, cli):
    head = git(store.root, "rev-parse", "HEAD").strip()
    result = cli("petugas", "tambah", "dewi", "--nama", "Dewi Anggraini", "--peran", "redaktur", "--email", "dewi@example.go.id")
    assert result.exit_code == 0, result.output
    assert "petugas dewi (Dewi Anggraini; redaktur) ditambahkan" in result.stdout

    assert git(store.root, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert git(store.root, "show", "--name-only", "--format=", "HEAD").split() == ["pengaduan.yaml"]
    body = git(store.root, "log", "-1", "--format=%B").splitlines()
    assert body[0] == "Petugas dewi ditambahkan"
    assert "Jenis: konfigurasi" in body and "SOP: 276/SOP/KBKIE/2024" in body
    assert git(store.root, "log", "-1", "--format=%an <%ae>").strip() == "Ani Lestari <ani@example.go.id>"
    assert git(store.root, "status", "--porcelain") == ""

    roster = _roster(cli)
    assert roster["dewi"] == {
        "kode": "dewi", "nama": "Dewi Anggraini", "peran": "redaktur", "email": "dewi@example.go.id", "bidang": "",
        "telepon": "", "nip": "", "pangkat": "", "jabatan": "",
    }  # fmt: skip
    assert len(roster) == 7


def test_new_petugas_can_work_at_once(store, cli, receive):
    assert cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin,redaktur").exit_code == 0
    assert _roster(cli)["dewi"]["peran"] == "admin,redaktur"
    result = cli("terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "--waktu", at("09:00"), "-q", petugas="dewi")
    assert result.exit_code == 0, result.output
    assert git(store.root, "log", "-1", "--format=%an").strip() == "Dewi"


def test_update_replaces_the_entry(store, cli):
    assert cli("petugas", "tambah", "sri", "--nama", "Sri W.", "--peran", "kabid", "--bidang", "kgpp").exit_code == 0
    assert git(store.root, "log", "-1", "--format=%s").strip() == "Petugas sri diperbarui"
    roster = _roster(cli)
    assert (roster["sri"]["nama"], roster["sri"]["bidang"]) == ("Sri W.", "kgpp")
    assert len(roster) == 6


def test_pimred_may_manage_the_roster(store, cli):
    assert cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin", petugas="hendra").exit_code == 0
    assert git(store.root, "log", "-1", "--format=%an").strip() == "Hendra Wijayanto"


def test_non_manager_is_refused(cli, snapshot):
    before = snapshot()
    for who in ("rina", "sri"):
        result = cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin", petugas=who)
        assert_refused(result, f"petugas '{who}' tidak boleh mengubah daftar petugas")
    assert snapshot() == before


def test_invalid_role_lists_the_valid_roles(cli, snapshot):
    before = snapshot()
    result = cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin,humas")
    assert_refused(result, "peran 'humas' tidak dikenal; pilih dari: admin, redaktur, pimred, kabid, kadin")
    assert snapshot() == before


def test_invalid_code_and_bidang(cli, snapshot):
    before = snapshot()
    assert_refused(cli("petugas", "tambah", "Dewi A", "--nama", "Dewi", "--peran", "admin"), "kode petugas 'Dewi A' tidak sah")
    assert_refused(
        cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "kabid", "--bidang", "humas"),
        "bidang 'humas' tidak dikenal",
    )
    assert_refused(cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", " , "), "--peran kosong")
    assert snapshot() == before


def test_update_keeps_what_it_does_not_restate(cli):
    assert cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "redaktur", "--email", "dewi@example.go.id",
               "--telepon", "0812555").exit_code == 0  # fmt: skip
    assert cli("petugas", "tambah", "dewi", "--nama", "Dewi Anggraini", "--peran", "redaktur,admin").exit_code == 0
    row = _roster(cli)["dewi"]
    assert (row["nama"], row["peran"], row["email"], row["telepon"]) == (
        "Dewi Anggraini", "redaktur,admin", "dewi@example.go.id", "0812555"
    )  # fmt: skip


def test_daftar_formats(cli):
    table = cli("petugas", "daftar")
    assert table.exit_code == 0
    header = ["kode", "nama", "peran", "email", "bidang", "telepon", "nip", "pangkat", "jabatan"]
    assert table.stdout.splitlines()[0].split() == header
    assert "Hendra Wijayanto" in table.stdout
    rows = list(csv.DictReader(io.StringIO(cli("petugas", "daftar", "--format", "csv").stdout)))
    assert [r["kode"] for r in rows] == ["ani", "bayu", "rina", "hendra", "sri", "retno"]
    assert rows[4]["bidang"] == "phpa"


def test_first_petugas_of_a_new_store(tmp_path, monkeypatch):
    """A store made by `init` has nobody on the roster: the first manager may be added by anyone."""
    monkeypatch.chdir(tmp_path)
    env = {"PENGADUAN_PETUGAS": None, "PENGADUAN_STORE": None, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--store", "baru", *args], env=env)

    assert run("init").exit_code == 0
    assert run("petugas", "daftar", "--format", "json").stdout.strip() == "[]"
    first = run("petugas", "tambah", "ani", "--nama", "Ani", "--peran", "admin", "--email", "ani@example.go.id")
    assert first.exit_code == 0, first.output
    # From now on the roster has a manager, so whoever changes it must say who they are.
    assert_refused(run("petugas", "tambah", "rina", "--nama", "Rina", "--peran", "redaktur"), "petugas belum ditentukan")
    assert run("--petugas", "ani", "petugas", "tambah", "rina", "--nama", "Rina", "--peran", "redaktur").exit_code == 0
    assert git(tmp_path / "baru", "rev-list", "--count", "HEAD").strip() == "3"  # init + two roster commits


def test_roster_change_keeps_the_comments_of_the_config(store, cli):
    """pengaduan.yaml documents its settings in comments: a roster change rewrites only `petugas`."""
    path = store.root / "pengaduan.yaml"
    before = path.read_text(encoding="utf-8")
    assert cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "redaktur").exit_code == 0
    after = path.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 5
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert before.split("petugas:")[0] == after.split("petugas:")[0]
    assert "kode: dewi" in after


def test_nip_rank_and_position_for_the_signature_blocks(store, cli, snapshot):
    added = cli(
        "petugas", "tambah", "hendra", "--nama", "Hendra Wijayanto", "--peran", "pimred",
        "--nip", "19780512 200501 1 004", "--pangkat", "Penata Tingkat I (III/d)", "--jabatan", "Kepala Sub Bagian Umum",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    row = _roster(cli)["hendra"]
    assert (row["nip"], row["pangkat"], row["jabatan"]) == (
        "197805122005011004", "Penata Tingkat I (III/d)", "Kepala Sub Bagian Umum"
    )  # fmt: skip
    # Not restated: kept; the email and the rest of the entry too.
    assert cli("petugas", "tambah", "hendra", "--nama", "Hendra W.", "--peran", "pimred").exit_code == 0
    assert _roster(cli)["hendra"]["nip"] == "197805122005011004"
    assert _roster(cli)["hendra"]["email"] == "hendra@example.go.id"

    before = snapshot()
    for bad in ("1978051220050110", "19780512200501100A", "197805122005011004000"):
        refused = cli("petugas", "tambah", "hendra", "--nama", "Hendra", "--peran", "pimred", "--nip", bad)
        assert refused.exit_code == 1
        assert refused.stderr.startswith("galat: --nip") and "18 angka" in refused.stderr
    assert snapshot() == before


def test_a_role_added_to_the_sop_is_accepted_and_the_audit_stays_clean(store, cli, revise_sop):
    """Roster roles are the SOP's: one commit adding `humas` to sop.yaml is all the tool needs."""
    assert_refused(cli("petugas", "tambah", "x", "--nama", "X", "--peran", "humas"), "peran 'humas' tidak dikenal")
    revise_sop(lambda text: text.replace("  kadin: Kepala DP3AP2KB Jawa Tengah\n",
                                         "  kadin: Kepala DP3AP2KB Jawa Tengah\n  humas: Hubungan Masyarakat\n"))  # fmt: skip
    head = git(store.root, "rev-parse", "HEAD").strip()

    result = cli("petugas", "tambah", "x", "--nama", "X", "--peran", "humas")
    assert result.exit_code == 0, result.output
    assert "petugas x (X; humas) ditambahkan" in result.stdout
    assert git(store.root, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert _roster(cli)["x"]["peran"] == "humas"
    # The petugas is known to the tool; humas performs no case step, so the SOP refuses them one.
    refusal = cli("terima", "--platform", "x", "--akun", "@a", "--isi", "halo", "--waktu", at("09:00"), petugas="x")
    assert_refused(refusal, "petugas 'x' (humas) tidak boleh mencatat langkah 1")

    audit = cli("audit", "--format", "json", petugas=None)
    assert audit.exit_code == 0, audit.output
    assert json.loads(audit.stdout)["temuan"] == []
    # Still: a role the SOP does not name is refused, and the list shows the new one.
    unknown = cli("petugas", "tambah", "y", "--nama", "Y", "--peran", "tamu")
    assert_refused(unknown, "pilih dari: admin, redaktur, pimred, kabid, kadin, humas")


def test_managers_come_from_the_sop(store, cli, revise_sop):
    """`pengelola` in sop.yaml decides who may change the roster: here the Redaktur becomes one."""
    assert_refused(cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin", petugas="rina"),
                   "petugas 'rina' tidak boleh mengubah daftar petugas; minta admin, pimred, kadin")  # fmt: skip
    revise_sop(lambda text: text.replace("pengelola: [admin, pimred, kadin]", "pengelola: [admin, pimred, kadin, redaktur]"))
    assert cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin", petugas="rina").exit_code == 0
    audit = cli("audit", "--format", "json", petugas=None)
    assert (audit.exit_code, json.loads(audit.stdout)["temuan"]) == (0, [])
