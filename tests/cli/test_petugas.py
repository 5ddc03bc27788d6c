"""`pengaduan petugas tambah` / `petugas daftar`: the roster, changed by one config commit each."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import yaml
from click.testing import CliRunner

from pengaduan.cli import main
from pengaduan.store import yamlio
from tests.conftest import assert_refused, at, audit, commit, commit_case, git, legal_next, message_for


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
        "telepon": "", "nip": "", "pangkat": "", "jabatan": "", "aktif": "ya",
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
    header = ["kode", "nama", "peran", "email", "bidang", "telepon", "nip", "pangkat", "jabatan", "aktif"]
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


# -- petugas ubah / nonaktif / aktif, checked fields, the managers guard ----------------------------------
def test_ubah_changes_only_what_is_given(store, cli):
    head = git(store.root, "rev-parse", "HEAD").strip()
    result = cli("petugas", "ubah", "rina", "--telepon", "0812-3456-7890")
    assert result.exit_code == 0, result.output
    assert "petugas rina diubah: telepon" in result.stdout
    assert git(store.root, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert "Jenis: konfigurasi" in git(store.root, "log", "-1", "--format=%B")
    row = _roster(cli)["rina"]
    assert (row["nama"], row["peran"], row["email"], row["telepon"]) == (
        "Rina Kartikasari", "redaktur", "rina@example.go.id", "081234567890"
    )  # fmt: skip
    assert cli("petugas", "ubah", "rina", "--nama", "Rina K.", "--peran", "redaktur,admin", "--bidang", "kgpp").exit_code == 0
    row = _roster(cli)["rina"]
    assert (row["nama"], row["peran"], row["bidang"], row["telepon"]) == ("Rina K.", "redaktur,admin", "kgpp", "081234567890")


def test_ubah_refusals(cli, snapshot):
    before = snapshot()
    assert_refused(cli("petugas", "ubah", "dewi", "--nama", "Dewi"), "petugas 'dewi' tidak ada", "petugas tambah")
    assert_refused(cli("petugas", "ubah", "rina"), "tidak ada yang diubah")
    assert_refused(cli("petugas", "ubah", "rina", "--email", "rina@example.go.id"), "sudah seperti itu")
    assert_refused(cli("petugas", "ubah", "rina", "--email", "rina@"), "--email 'rina@' bukan alamat email")
    assert_refused(cli("petugas", "ubah", "rina", "--email", "rina kartika@contoh.go.id"), "bukan alamat email")
    assert_refused(cli("petugas", "ubah", "rina", "--telepon", "0812abc"), "--telepon '0812abc' bukan nomor telepon")
    assert_refused(cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin", "--email", "dewi.at.x"),
                   "bukan alamat email")  # fmt: skip
    assert_refused(cli("petugas", "ubah", "rina", "--nama", "  "), "--nama kosong")
    assert_refused(cli("petugas", "ubah", "rina", "--kunci-ssh", "bukan kunci"), "bukan kunci publik OpenSSH")
    assert_refused(cli("petugas", "ubah", "rina", "--telepon", "0812555", petugas="sri"), "tidak boleh mengubah daftar petugas")
    assert snapshot() == before


def test_a_deactivated_petugas_stays_but_can_no_longer_act(store, cli, receive):
    case_id = receive("09:00")
    result = cli("petugas", "nonaktif", "bayu", "--alasan", "pindah tugas")
    assert result.exit_code == 0, result.output
    roster = _roster(cli)
    assert roster["bayu"]["aktif"] == "tidak: pindah tugas" and len(roster) == 6
    refused = cli("verifikasi", case_id, "--waktu", at("09:05"), petugas="bayu")
    assert_refused(refused, "petugas 'bayu' nonaktif (pindah tugas)", "petugas aktif bayu")
    assert_refused(cli("petugas", "nonaktif", "bayu", "--alasan", "lagi"), "sudah nonaktif")
    assert_refused(cli("petugas", "nonaktif", "rina", "--alasan", " "), "--alasan wajib")
    assert cli("petugas", "aktif", "bayu").exit_code == 0
    assert _roster(cli)["bayu"]["aktif"] == "ya"
    assert cli("verifikasi", case_id, "--waktu", at("09:05"), petugas="bayu").exit_code == 0
    assert_refused(cli("petugas", "aktif", "bayu"), "sudah aktif")
    code, findings, result = audit(store.root)
    assert (code, findings) == (0, []), result.output


def test_the_last_active_holder_of_a_managing_role_is_kept(store, cli, snapshot):
    assert cli("petugas", "nonaktif", "bayu", "--alasan", "cuti panjang").exit_code == 0  # ani is still admin
    before = snapshot()
    guard = "tanpa petugas aktif berperan admin (Admin Media Sosial)"
    assert_refused(cli("petugas", "nonaktif", "ani", "--alasan", "pensiun"), guard, "penggantinya dulu")
    assert_refused(cli("petugas", "ubah", "ani", "--peran", "redaktur"), guard)
    assert_refused(cli("petugas", "tambah", "ani", "--nama", "Ani Lestari", "--peran", "redaktur"), guard)
    assert_refused(cli("petugas", "ubah", "hendra", "--peran", "redaktur", petugas="hendra"), "berperan pimred")
    assert_refused(cli("petugas", "nonaktif", "retno", "--alasan", "purna tugas"), "berperan kadin")
    assert snapshot() == before
    # With a successor added first, the change is allowed.
    assert cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin", "--email", "dewi@example.go.id").exit_code == 0
    assert cli("petugas", "nonaktif", "ani", "--alasan", "pensiun", petugas="dewi").exit_code == 0
    code, findings, result = audit(store.root)
    assert (code, findings) == (0, []), result.output


def test_a_hand_made_roster_commit_leaving_no_manager_is_found(store, cli):
    path = store.root / "pengaduan.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["petugas"]:  # both admins deactivated by hand, in a commit that looks right
        if entry["kode"] in ("ani", "bayu"):
            entry["aktif"] = False
    path.write_text(yamlio.dump(data), encoding="utf-8")
    commit(store.root, "Admin dinonaktifkan\n\nJenis: konfigurasi\nSOP: 276/SOP/KBKIE/2024\n")
    code, findings, _ = audit(store.root)
    assert code == 1
    assert [(f["aturan"], f["pesan"]) for f in findings] == [
        (5, "daftar petugas sesudah commit ini tidak punya petugas aktif berperan admin (pengelola di sop.yaml); "
            "tidak ada lagi yang sah mengelola peran itu"),
    ]  # fmt: skip


def test_a_commit_by_a_deactivated_petugas_is_found(store, cli, receive):
    case_id = receive("09:00")
    assert cli("petugas", "nonaktif", "bayu", "--alasan", "pindah tugas").exit_code == 0
    data = legal_next(store.root, case_id, "verifikasi", "ani", "09:05")
    entry = data.history[-1]
    hand = replace(data, history=(*data.history[:-1], replace(entry, recorder="bayu", performer_name="Bayu Pratama")))
    commit_case(store.root, hand, message_for(hand), ("Bayu Pratama", "bayu@example.go.id"))
    code, findings, _ = audit(store.root)
    assert [(f["aturan"], f["pesan"]) for f in findings] == [
        (5, "petugas 'bayu' nonaktif (pindah tugas) di daftar petugas yang berlaku; tidak boleh mencatat")
    ]
