"""`pengaduan terlambat`: open cases past or close to their standard, worst first, as of --pada.

The cases are recorded once for the module (every test only reads them).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from pengaduan.cli import main
from pengaduan.store.store import Store
from tests.conftest import ROSTER, at

Cli = Callable[..., Result]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, dict[str, str]]:
    """A store with cases resting at different steps on Monday 2 November 2026, and a CLI on it."""
    store = Store.create(tmp_path_factory.mktemp("terlambat") / "store", roster=list(ROSTER))
    runner = CliRunner()

    def cli(*args: str, petugas: str = "ani") -> Result:
        return runner.invoke(main, ["--store", str(store.root), "--petugas", petugas, *args], catch_exceptions=False)

    def receive(when: str) -> str:
        args = ("--platform", "instagram", "--akun", "@warga", "--isi", "Mohon bantuan", "--waktu", when, "-q", "--tetap")
        result = cli("terima", *args)
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    def record(*args: str) -> None:
        result = cli(*args)
        assert result.exit_code == 0, result.output

    ids = {
        "saturday": receive("2026-10-31T21:40:00+07:00"),  # its clock starts on Monday 07.30; closed 07.48
        "verify": receive(at("09:52")),  # waits for step 2 (10 minutes)
        "respond": receive(at("09:30")),  # waits for step 3 (5 minutes)
        "redaktur": receive(at("09:00")),  # waits on the Redaktur (step 5, 10 minutes)
        "done": receive(at("09:00")),
    }
    record("verifikasi", ids["saturday"], "--waktu", at("07:45"))
    record("respon", ids["saturday"], "--isi", "Baik, kami bantu.", "--tuntas", "--waktu", at("07:48"))
    record("verifikasi", ids["respond"], "--waktu", at("09:40"))
    record("verifikasi", ids["redaktur"], "--waktu", at("09:41"))
    record("respon", ids["redaktur"], "--isi", "Kami teruskan.", "--waktu", at("09:42"))
    record("teruskan", ids["redaktur"], "--ke", "redaktur", "--waktu", at("09:43"))
    record("verifikasi", ids["done"], "--waktu", at("09:05"))
    record("respon", ids["done"], "--isi", "Syaratnya KTP.", "--tuntas", "--waktu", at("09:08"))
    return cli, ids


def rows(cli: Cli, pada: str, *extra: str) -> list[dict]:
    result = cli("terlambat", "--pada", pada, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_worst_first_with_step_role_and_minutes(desk) -> None:
    cli, ids = desk
    found = rows(cli, at("10:00"))
    # redaktur: 17 of 10 (forwarded 09.43); respond: 20 of 5 (verified 09.40); verify: 8 of 10
    assert [(r["id"], r["langkah_ditunggu"], r["menit_terpakai"], r["menit_standar"], r["keadaan"]) for r in found] == [
        (ids["respond"], 3, 20, 5, "terlambat"),
        (ids["redaktur"], 5, 17, 10, "terlambat"),
        (ids["verify"], 2, 8, 10, "hampir"),
    ]
    redaktur = found[1]
    assert (redaktur["peran"], redaktur["petugas"], redaktur["langkah_saat_ini"]) == ("redaktur", ["Rina Kartikasari"], 4)
    assert redaktur["batas"] == at("09:53")
    assert found[2]["petugas"] == ["Ani Lestari", "Bayu Pratama"]
    assert found[2]["perintah"] == f"pengaduan verifikasi {ids['verify']}"


def test_thresholds_move_with_pada(desk) -> None:
    cli, ids = desk
    states = {}
    for clock in ("09:59", "09:59:30", "10:02", "10:02:30"):
        found = {r["id"]: r["keadaan"] for r in rows(cli, f"2026-11-02T{clock}+07:00")}
        states[clock] = found.get(ids["verify"])
    # received 09.52, standard 10 minutes: 75 % at 09.59.30, past it after 10.02
    assert states == {"09:59": None, "09:59:30": "hampir", "10:02": "hampir", "10:02:30": "terlambat"}


def test_saturday_night_complaint_waits_for_monday(desk) -> None:
    cli, ids = desk
    assert ids["saturday"] not in {r["id"] for r in rows(cli, "2026-11-02T07:36")}  # 6 of 10 minutes
    found = {r["id"]: r for r in rows(cli, "2026-11-02T07:41")}
    assert (found[ids["saturday"]]["menit_terpakai"], found[ids["saturday"]]["keadaan"]) == (11, "terlambat")
    assert found[ids["saturday"]]["batas"] == "2026-11-02T07:40:00+07:00"


def test_past_moment_sees_the_cases_as_they_were(desk) -> None:
    cli, ids = desk
    found = {r["id"]: r for r in rows(cli, at("09:39"))}
    # at 09.39 both cases still waited for step 2 (today they rest at steps 2 and 4); 'verify'
    # was not received yet and 'done' was already closed
    assert (found[ids["respond"]]["langkah_ditunggu"], found[ids["respond"]]["menit_terpakai"]) == (2, 9)
    assert (found[ids["redaktur"]]["langkah_saat_ini"], found[ids["redaktur"]]["keadaan"]) == (1, "terlambat")
    assert set(found) == {ids["respond"], ids["redaktur"]}


def test_exit_code_only_when_something_is_overdue(desk) -> None:
    cli, _ = desk
    assert cli("terlambat", "--pada", at("09:44"), "--exit-code").exit_code == 0
    late = cli("terlambat", "--pada", at("10:00"), "--exit-code")
    assert late.exit_code == 1 and "TERLAMBAT" in late.stdout
    assert cli("terlambat", "--pada", at("10:00")).exit_code == 0


def test_table_and_csv(desk) -> None:
    cli, ids = desk
    table = cli("terlambat", "--pada", at("10:00")).stdout
    assert table.index(ids["respond"]) < table.index(ids["redaktur"]) < table.index(ids["verify"])
    assert "Redaktur (Rina Kartikasari)" in table and "terlambat 7 mnt" in table  # 17 of 10 working minutes
    result = cli("terlambat", "--pada", at("10:00"), "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in parsed] == [ids["respond"], ids["redaktur"], ids["verify"]]
    assert parsed[2]["petugas"] == "Ani Lestari; Bayu Pratama"


def test_nothing_late(desk) -> None:
    cli, _ = desk
    assert rows(cli, "2026-10-30T10:00") == []
    assert "tidak ada kasus" in cli("terlambat", "--pada", "2026-10-30T10:00").stdout


def test_bad_pada_is_one_line(desk) -> None:
    cli, _ = desk
    result = cli("terlambat", "--pada", "kemarin")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "galat: --pada 'kemarin' bukan waktu ISO 8601; contoh: 2026-11-28T09:14 atau 2026-11-28T09:14+07:00"
    )


def test_calendar_comes_from_the_store_config(store, cli, receive) -> None:
    case_id = receive("21:40", day="2026-10-31")  # Saturday night
    assert rows(cli, "2026-10-31T21:52") == []  # office hours: the clock has not started
    data = dict(store.config.raw)
    data["kalender"] = {**data["kalender"], "mode": "24/7"}
    store.save_config(data, "Meja dijaga 24/7", None)
    found = rows(cli, "2026-10-31T21:52")
    assert [(r["id"], r["menit_terpakai"], r["keadaan"]) for r in found] == [(case_id, 12, "terlambat")]
