"""`pengaduan eskalasi [--kirim]`: what the SOP says to escalate, and reminders that are sent,
repeated, retried, and never touch a case."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from pengaduan.notify import outbox as notify
from pengaduan.store.store import Store
from tests.conftest import at, git

# Each reminder appends one line: case|step|role|names|contacts|attempt|message
LINE = (
    'printf "%s|%s|%s|%s|%s|%s|%s\\n" "$PENGADUAN_KASUS" "$PENGADUAN_LANGKAH" "$PENGADUAN_PERAN" "$PENGADUAN_NAMA" '
    '"$PENGADUAN_KONTAK" "$PENGADUAN_KE" "$PENGADUAN_PESAN"'
)


@pytest.fixture
def desk(cli, receive) -> dict[str, str]:
    """R waits on the Redaktur since 09.15; P waits on the Pimpinan Redaksi since 09.22; F is fresh."""
    ids = {"R": receive("09:00"), "P": receive("09:00")}
    steps = [
        ("verifikasi", "R", "09:05"),
        ("respon", "R", "09:08", "--isi", "Kami teruskan."),
        ("teruskan", "R", "09:15", "--ke", "redaktur"),
        ("verifikasi", "P", "09:03"),
        ("respon", "P", "09:06", "--isi", "Kami teruskan."),
        ("teruskan", "P", "09:10", "--ke", "redaktur"),
        ("teruskan", "P", "09:22", "--ke", "pimred"),
    ]
    for command, which, clock, *extra in steps:
        result = cli(command, ids[which], *extra, "--waktu", at(clock))
        assert result.exit_code == 0, result.output
    ids["F"] = receive("09:38")
    return ids


def configure(store: Store, command: str, every: int = 60) -> None:
    """The command and its time limit on this machine; the repeat interval in the shared store."""
    store.local().set("notifikasi.perintah", command)
    store.local().set("notifikasi.batas_detik", "30")
    if every != 60:
        data = dict(store.config.raw)
        data["notifikasi"] = {"ulang_menit": every}
        store.save_config(data, "Interval pengingat diatur", None)


def sent(path: Path) -> list[list[str]]:
    return [line.split("|") for line in path.read_text().splitlines()] if path.exists() else []


def state(store: Store) -> dict:
    return json.loads((store.private_dir() / notify.STATE).read_text())


def test_lists_what_the_sop_prescribes(cli, desk) -> None:
    result = cli("eskalasi", "--pada", at("09:40"), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["id"], r["langkah_ditunggu"], r["menit_terpakai"], r["menit_standar"]) for r in rows] == [
        (desk["R"], 5, 25, 10),
        (desk["P"], 7, 18, 10),
    ]
    redaktur, pimred = rows
    # The Redaktur gave no answer within step 5's standard: step 6, the admin forwards to the Pimpinan Redaksi.
    assert (redaktur["eskalasi_langkah"], redaktur["peran"], redaktur["petugas"]) == (6, "admin", ["Ani Lestari", "Bayu Pratama"])
    assert redaktur["perintah"] == f"pengaduan teruskan {desk['R']} --ke pimred"
    assert "langkah 6" in redaktur["pesan"] and "Redaktur" in redaktur["pesan"]
    assert (pimred["eskalasi_langkah"], pimred["peran"], pimred["petugas"]) == (7, "pimred", ["Hendra Wijayanto"])
    table = cli("eskalasi", "--pada", at("09:40")).stdout
    assert "L6 Admin Media Sosial" in table and desk["F"] not in table
    assert json.loads(cli("eskalasi", "--pada", at("09:24"), "--format", "json").stdout) == []


def test_kirim_runs_the_command_once_and_never_changes_a_case(store, cli, desk, snapshot, tmp_path) -> None:
    out = tmp_path / "sent.txt"
    configure(store, f"{LINE} >> {shlex.quote(str(out))}")
    before = snapshot()
    first = cli("eskalasi", "--kirim", "--pada", at("09:40"))
    assert first.exit_code == 0, first.output
    assert first.stdout.count("terkirim:") == 2
    for clock in ("09:40", "09:45", "09:48"):  # nothing new is overdue, and the hour has not passed
        again = cli("eskalasi", "--kirim", "--pada", at(clock))
        assert (again.exit_code, again.stdout) == (0, "")
    later = cli("eskalasi", "--kirim", "--pada", at("10:39"))  # F is overdue now; R and P's hour is not over
    assert later.stdout.splitlines() == [
        f"terkirim: {desk['F']} langkah 2 → Admin Media Sosial (Ani Lestari, Bayu Pratama), ke-1"
    ]
    lines = sent(out)[:2]
    assert [line[:6] for line in lines] == [
        [desk["R"], "6", "admin", "Ani Lestari, Bayu Pratama", "ani@example.go.id bayu@example.go.id", "1"],
        [desk["P"], "7", "pimred", "Hendra Wijayanto", "hendra@example.go.id", "1"],
    ]
    assert f"pengaduan teruskan {desk['R']} --ke pimred" in lines[0][6]
    assert snapshot() == before  # same HEAD, clean tree, same files
    assert git(store.root, "status", "--porcelain") == ""
    record = state(store)[f"{desk['R']}/6"]
    assert (record["status"], record["jumlah_terkirim"], record["terakhir_terkirim"]) == ("terkirim", 1, at("09:40"))
    assert len((store.private_dir() / notify.LOG).read_text().splitlines()) == 3


def test_kirim_repeats_after_the_interval_in_working_minutes(store, cli, desk, tmp_path) -> None:
    out = tmp_path / "sent.txt"
    configure(store, f"{LINE} >> {shlex.quote(str(out))}", every=30)
    counts = {}
    for clock in ("09:40", "10:09", "10:10", "11:50", "12:55", "13:20"):
        assert cli("eskalasi", "--kirim", "--pada", at(clock)).exit_code == 0
        counts[clock] = sum(1 for line in sent(out) if line[0] == desk["R"])
    # 11.50 -> 12.55 spans the lunch break: only 15 working minutes, so no reminder until 13.20
    assert counts == {"09:40": 1, "10:09": 1, "10:10": 2, "11:50": 3, "12:55": 3, "13:20": 4}
    assert [line[5] for line in sent(out) if line[0] == desk["R"]] == ["1", "2", "3", "4"]


def test_failed_notification_is_reported_and_retried(store, cli, desk, snapshot, tmp_path) -> None:
    out = tmp_path / "sent.txt"
    flags = tmp_path / "flags"
    flags.mkdir()
    # Fails the first time for each case (the gateway is down), works afterwards.
    command = (
        f'f={shlex.quote(str(flags))}/"$PENGADUAN_KASUS"; '
        f'if [ -e "$f" ]; then {LINE} >> {shlex.quote(str(out))}; else : > "$f"; echo "gateway mati" >&2; exit 3; fi'
    )
    configure(store, command)
    before = snapshot()
    failed = cli("eskalasi", "--kirim", "--pada", at("09:40"))
    assert failed.exit_code == 1
    assert f"gagal: {desk['R']} langkah 6" in failed.stderr and "keluar dengan kode 3: gateway mati" in failed.stderr
    assert "galat: 2 pengingat gagal dikirim" in failed.stderr
    assert sent(out) == []
    assert state(store)[f"{desk['R']}/6"]["status"] == "gagal"
    retry = cli("eskalasi", "--kirim", "--pada", at("09:41"))  # next run: retried without waiting for the interval
    assert retry.exit_code == 0, retry.output
    assert sorted(line[0] for line in sent(out)) == sorted([desk["R"], desk["P"]])
    assert cli("eskalasi", "--kirim", "--pada", at("09:42")).stdout == ""
    assert snapshot() == before


def test_a_case_that_moved_on_gets_the_reminder_of_its_new_step(store, cli, desk, tmp_path) -> None:
    out = tmp_path / "sent.txt"
    configure(store, f"{LINE} >> {shlex.quote(str(out))}")
    assert cli("eskalasi", "--kirim", "--pada", at("09:40")).exit_code == 0
    assert cli("teruskan", desk["R"], "--ke", "pimred", "--waktu", at("09:42")).exit_code == 0
    assert cli("eskalasi", "--kirim", "--pada", at("09:55")).exit_code == 0
    assert [line[:3] for line in sent(out) if line[0] == desk["R"]] == [[desk["R"], "6", "admin"], [desk["R"], "7", "pimred"]]
    assert f"{desk['R']}/6" not in state(store)


def test_kirim_needs_a_command(cli, desk) -> None:
    result = cli("eskalasi", "--kirim", "--pada", at("09:40"))
    assert result.exit_code == 1
    assert result.stderr.startswith("galat: perintah pengirim pengingat mesin ini belum diatur; atur dengan: pengaduan lokal")


def test_command_in_the_shared_store_is_never_run_and_said_once(store, cli, desk, tmp_path) -> None:
    """A store from before the command moved out: its notifikasi.perintah is shown, never run."""
    proof = tmp_path / "terbukti"
    data = dict(store.config.raw)
    data["notifikasi"] = {"perintah": f"touch {shlex.quote(str(proof))}", "ulang_menit": 60}
    store.save_config(data, "Perintah lama", None)
    first = cli("eskalasi", "--kirim", "--pada", at("09:40"))
    assert first.exit_code == 1 and not proof.exists()
    assert "TIDAK dijalankan" in first.stderr and "touch" in first.stderr and first.stderr.count("\n") == 1
    second = cli("eskalasi", "--kirim", "--pada", at("09:41"))
    assert second.exit_code == 1 and not proof.exists()
    assert "TIDAK dijalankan" not in second.stderr and "diabaikan" in second.stderr
    out = tmp_path / "sent.txt"
    assert cli("lokal", "notifikasi.perintah", f"{LINE} >> {shlex.quote(str(out))}").exit_code == 0
    third = cli("eskalasi", "--kirim", "--pada", at("09:42"))
    assert third.exit_code == 0, third.output
    assert len(sent(out)) == 2 and not proof.exists()
    assert "TIDAK dijalankan" not in third.stderr


def test_lokal_shows_and_sets_this_machines_settings_only(store, cli, snapshot) -> None:
    before = snapshot()
    assert "notifikasi.perintah = (belum diatur)" in cli("lokal").stdout
    assert cli("lokal", "notifikasi.batas_detik", "15").stdout.strip() == "notifikasi.batas_detik = 15 (mesin ini)"
    assert cli("lokal", "notifikasi.batas_detik").stdout.strip() == "15"
    refused = cli("lokal", "notifikasi.batas_detik", "nol")
    assert refused.exit_code == 1 and refused.stderr.startswith("galat: nilai notifikasi.batas_detik harus angka")
    unknown = cli("lokal", "notifikasi.perintahh", "x")
    assert unknown.exit_code == 1 and "kunci lokal 'notifikasi.perintahh' tidak dikenal" in unknown.stderr
    assert cli("lokal", "petugas.email", "ani@example.go.id").exit_code == 0
    assert git(store.root, "config", "--local", "user.email").strip() == "ani@example.go.id"
    assert cli("lokal", "notifikasi.batas_detik", "--hapus").exit_code == 0
    assert "notifikasi.batas_detik = (belum diatur; bawaan 60)" in cli("lokal").stdout
    assert snapshot()[:2] == before[:2]  # no commit, nothing to commit: none of it is in the shared store


def test_eskalasi_takes_the_store_lock(store, cli, desk) -> None:
    data = dict(store.config.raw)
    data["batas_kunci_detik"] = 0.2
    store.save_config(data, "Batas kunci pendek", None)
    with store.locked():  # an admin's transaction in progress
        result = cli("eskalasi", "--pada", at("09:40"))
    assert result.exit_code == 1
    assert "store sedang dipakai proses lain" in result.stderr
    assert cli("eskalasi", "--pada", at("09:40")).exit_code == 0


def test_overlapping_runs_never_send_twice(store, cli, desk, tmp_path) -> None:
    """A second cron run while the first still sends waits for the reminder lock, then gives up clearly."""
    from pengaduan.store.lock import store_lock

    out = tmp_path / "terkirim.txt"
    configure(store, f"{LINE} >> {shlex.quote(str(out))}")
    data = dict(store.config.raw)
    data["batas_kunci_detik"] = 0.2
    store.save_config(data, "Batas kunci pendek", None)
    with store_lock(store.private_dir() / notify.LOCK, 1):  # the first run, still sending
        result = cli("eskalasi", "--kirim", "--pada", at("09:40"))
    assert result.exit_code == 1
    assert result.stderr.startswith("galat: pengingat sedang dikirim oleh proses lain")
    assert sent(out) == []
    assert cli("eskalasi", "--kirim", "--pada", at("09:40")).exit_code == 0
    assert len(sent(out)) == 2
