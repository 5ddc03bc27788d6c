"""The one derived index (store/index.py): built from nothing, brought up to date from git, disposable;
and what a transition costs the repository (packed objects, git's own maintenance)."""

from __future__ import annotations

import base64
import json
import sqlite3
from datetime import datetime

import pytest

from pengaduan.app import cases
from pengaduan.app.context import Desk
from pengaduan.app.search import search_index as search
from pengaduan.core.case import Case, Entry
from pengaduan.core.search import fts_query, searchable_text
from pengaduan.core.workflow import Intake, Request
from pengaduan.errors import StoreError
from pengaduan.store import index, layout, yamlio
from pengaduan.store.store import Store
from tests.conftest import ROSTER, at, git

ANI = ROSTER[0]
HAND = ("-c", "user.name=Ani", "-c", "user.email=ani@example.go.id")


def _receive(store, clock: str, text: str = "Mohon info", account: str = "@warga") -> str:
    intake = Intake(platform="instagram", account=account, text=text)
    request = Request(action="terima", actor=ANI, at=datetime.fromisoformat(at(clock)), intake=intake)
    case, _ = cases.record(Desk(store), request)
    return case.id


def _rows(store) -> dict[str, tuple]:
    db = sqlite3.connect(store.private_dir() / index.FILE)
    try:
        return {row[0]: row[1:] for row in db.execute("SELECT id, blob, status, step, data FROM cases")}
    finally:
        db.close()


def _meta(store) -> dict[str, str]:
    db = sqlite3.connect(store.private_dir() / index.FILE)
    try:
        return dict(db.execute("SELECT key, value FROM meta"))
    finally:
        db.close()


def test_built_from_nothing_it_holds_every_case_at_head(store):
    ids = {_receive(store, f"09:{n:02d}") for n in range(3)}
    index.remove(store)
    with store.index() as found:
        assert found.commit == store.git.head()
        assert {c.id for c in found.cases()} == ids
    assert _meta(store)["commit"] == store.git.head()


def test_a_transition_updates_its_row_in_place(store):
    case_id = _receive(store, "09:00")
    with store.index():
        pass
    inode = (store.private_dir() / index.FILE).stat().st_ino
    request = Request(action="verifikasi", actor=ANI, at=datetime.fromisoformat(at("09:05")))
    cases.record(Desk(store), request, case_id)
    assert _meta(store)["commit"] == store.git.head()  # followed the commit, no reader needed
    assert (store.private_dir() / index.FILE).stat().st_ino == inode  # not rebuilt
    assert _rows(store)[case_id][1:3] == ("diverifikasi", 2)


def test_a_hand_made_commit_is_caught_up_from_diff_tree_not_rebuilt(store):
    first, second = _receive(store, "09:00"), _receive(store, "09:01")
    with store.index():
        pass
    inode = (store.private_dir() / index.FILE).stat().st_ino
    path = store.root / layout.case_path(second)
    path.write_text(path.read_text().replace("platform: instagram", "platform: facebook"))
    git(store.root, *HAND, "commit", "-q", "-am", "edit tangan")
    with store.index() as found:
        assert found.commit == store.git.head()
        platforms = {c.id: c.platform for c in found.cases()}
    assert platforms == {first: "instagram", second: "facebook"}
    assert (store.private_dir() / index.FILE).stat().st_ino == inode
    caught_up = _rows(store)
    index.remove(store)
    with store.index():
        pass
    assert _rows(store) == caught_up  # exactly what a rebuild gives


def test_a_deleted_case_file_leaves_the_index(store):
    first, second = _receive(store, "09:00"), _receive(store, "09:01")
    with store.index():
        pass
    git(store.root, *HAND, "rm", "-q", layout.case_path(first))
    git(store.root, *HAND, "commit", "-q", "-m", "hapus")
    with store.index() as found:
        assert [c.id for c in found.cases()] == [second]


@pytest.mark.parametrize("damage", ["garbage", "old-version", "unknown-commit"])
def test_a_damaged_or_foreign_index_is_rebuilt(store, damage):
    case_id = _receive(store, "09:00")
    with store.index():
        pass
    path = store.private_dir() / index.FILE
    if damage == "garbage":
        path.write_bytes(b"this is not sqlite" * 100)
    else:
        db = sqlite3.connect(path)
        key, value = ("version", "0") if damage == "old-version" else ("commit", "0" * 40)
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
        db.execute("DELETE FROM cases")  # so a kept row could not pass for a rebuilt one
        db.commit()
        db.close()
    with store.index() as found:
        assert [c.id for c in found.cases()] == [case_id]
    assert _meta(store)["version"] == index.VERSION


def _damage_rows(store, damage: str) -> None:
    path = store.private_dir() / index.FILE
    if damage == "pages":  # every page but the schema's overwritten: the tables cannot be read
        data = bytearray(path.read_bytes())
        page = int.from_bytes(data[16:18], "big")
        data[page:] = b"\xff" * (len(data) - page)
        path.write_bytes(bytes(data))
        return
    value = {"not-utf8": "CAST(x'7b22ff22' AS TEXT)", "not-json": "'{\"schema\":'", "bad-status": "CAST(x'64ff' AS TEXT)",
             "not-a-case": "'{\"id\": 5}'", "a-list": "'[]'"}
    column = "status" if damage == "bad-status" else "data"
    db = sqlite3.connect(path)
    db.execute(f"UPDATE cases SET {column} = {value[damage]}")
    db.commit()
    db.close()


# (damage, command, refused?): a file SQLite cannot read is rebuilt when opened; a row whose columns
# no longer decode is found only when a command reads them, and that command says so in one line.
_DAMAGES = [
    ("pages", ("daftar",), False), ("pages", ("terlambat",), False), ("pages", ("lihat", "ID"), False),
    ("not-utf8", ("terlambat",), True), ("not-utf8", ("eskalasi",), True), ("not-utf8", ("antrean",), True),
    ("not-json", ("terlambat",), True), ("not-json", ("eskalasi",), True), ("not-json", ("antrean",), True),
    ("bad-status", ("daftar",), True), ("not-a-case", ("terlambat",), True), ("not-a-case", ("cari", "info"), True),
    ("a-list", ("antrean",), True),
]  # fmt: skip


@pytest.mark.parametrize(("damage", "command", "refused"), _DAMAGES)
def test_a_damaged_index_is_rebuilt_or_refused_in_one_line(store, cli, snapshot, damage, command, refused):
    case_id = _receive(store, "09:00", text="Mohon info layanan")
    assert cli("daftar").exit_code == 0
    _damage_rows(store, damage)
    before = snapshot()
    args = [case_id if a == "ID" else a for a in command]
    first = cli(*args)
    if refused:  # one line, nothing changed, the file dropped so the next command builds it again
        assert first.exit_code == 1, first.output
        assert first.stderr.splitlines() == [
            f"galat: indeks turunan .git/pengaduan/{index.FILE} rusak saat dibaca (data turunan, dibangun ulang dari "
            "store); ulangi perintahnya"
        ], first.output
        assert not (store.private_dir() / index.FILE).exists()
    else:
        assert first.exit_code == 0, first.output
    assert snapshot() == before
    again = cli(*args)
    assert again.exit_code == 0, again.output
    if command[0] == "daftar":
        assert case_id in again.stdout


def test_an_index_changed_while_it_is_read_is_one_store_error(store):
    _receive(store, "09:00")
    _receive(store, "09:01")
    with store.index() as found:
        path = store.private_dir() / index.FILE
        with path.open("r+b") as handle:  # rebuilt or cut short by another command meanwhile
            handle.truncate(4096)
        with pytest.raises(StoreError, match=r"^indeks turunan .* saat dibaca .*; ulangi perintahnya$"):
            list(found.cases())
    with store.index() as found:
        assert len(list(found.cases())) == 2


def test_a_fault_of_the_code_reading_a_sound_row_is_not_taken_for_damage(store, monkeypatch):
    _receive(store, "09:00")

    def broken(data):
        raise TypeError("a fault of from_checked itself")

    monkeypatch.setattr(Case, "from_checked", broken)
    with store.index() as found, pytest.raises(TypeError, match="from_checked itself"):
        list(found.cases())


def test_a_programming_error_in_an_index_query_is_not_taken_for_damage(store):
    _receive(store, "09:00")
    with store.index() as found, pytest.raises(sqlite3.OperationalError, match="no such column"):
        list(found.cases("no_such_column = 1"))


@pytest.mark.parametrize("stop", ["close", "missing"])
def test_a_blob_read_stopped_early_ends_its_git_process(store, stop):
    """The cat-file of `read_blobs` is ended when its reader stops with answers still unread (more
    than a pipe holds): it used to be waited for while it blocked writing them, for ever."""
    import subprocess
    import threading

    blobs = [
        subprocess.run(["git", "-C", str(store.root), "hash-object", "-w", "--stdin"], input=f"{i}\n".encode() * 4000,
                       capture_output=True, check=True).stdout.decode().strip()
        for i in range(40)
    ]  # fmt: skip
    wanted = [blobs[0], "0" * 40, *blobs[1:]] if stop == "missing" else blobs
    outcome: list[object] = []

    def read() -> None:
        reader = store.git.read_blobs(wanted)
        try:
            next(reader)
            if stop == "close":
                reader.close()
            else:
                next(reader)
        except Exception as exc:  # noqa: BLE001 - the missing blob's GitError is the expected end
            outcome.append(exc)
        outcome.append("ended")

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "read_blobs waited for a git process blocked on its unread answers"
    assert outcome[-1] == "ended"
    if stop == "missing":
        assert "tidak ditemukan" in str(outcome[0])


def test_a_changed_sop_rebuilds_the_rows_that_depend_on_it(store, revise_sop):
    case_id = _receive(store, "09:00")
    with store.index():
        pass
    inode = (store.private_dir() / index.FILE).stat().st_ino
    revise_sop(lambda text: text.replace("waktu_menit: 5", "waktu_menit: 6", 1))
    with Store(store.root).index() as found:
        assert found.commit == store.git.head()
        assert [c.id for c in found.cases()] == [case_id]
    assert (store.private_dir() / index.FILE).stat().st_ino != inode


def test_daftar_filters_and_formats_through_the_index(store, cli, receive):
    first, second = receive("09:00"), receive("09:01")
    assert cli("verifikasi", second, "--waktu", at("09:05")).exit_code == 0
    result = cli("daftar", "--status", "diverifikasi", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.stdout)] == [second]
    open_ids = [row["id"] for row in json.loads(cli("daftar", "--status", "terbuka", "--format", "json").stdout)]
    assert open_ids == [first, second]
    assert json.loads(cli("daftar", "--sejak", "2026-11-03", "--format", "json").stdout) == []
    csv_lines = cli("daftar", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,diterima,platform") and len(csv_lines) == 3


@pytest.mark.parametrize("chunk", [2, 3, 2000])
def test_json_and_csv_stream_in_chunks_as_one_valid_document(store, cli, monkeypatch, chunk):
    from pengaduan.cli import common

    monkeypatch.setattr(common, "CHUNK", chunk)
    case = _receive(store, "09:00")
    for n in range(3):
        _receive(store, f"10:{n:02d}")
    out = cli("daftar", "--format", "json").stdout
    rows = json.loads(out)
    assert len(rows) == 4 and rows[0]["id"] == case
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 6  # compact: one row a line
    csv_lines = cli("daftar", "--format", "csv").stdout.splitlines()
    assert len(csv_lines) == 5 and csv_lines[1].startswith(case)


def _listed(cli) -> dict[str, dict]:
    result = cli("daftar", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in json.loads(result.stdout)}


def _shared(store) -> dict[str, tuple]:
    with store.index() as found:
        query = "SELECT id, blob, box_keyed, box FROM cases WHERE box IS NOT NULL"
        return {row[0]: row[1:] for row in found.db.execute(query)}


def test_a_listing_keeps_each_row_sealed_and_a_changed_case_gets_a_new_one(store, cli, receive):
    first = receive("09:00", isi="Jalan rusak di Kelurahan Sendangmulyo, hubungi 081234567890", akun="@warga_sendang")
    second = receive("09:01", isi="Lampu padam di Tembalang")
    listed = _listed(cli)
    assert listed[first]["ringkasan"] == "Jalan rusak di Kelurahan Sendangmulyo, hubungi [nomor disamarkan]"
    kept = _shared(store)
    assert set(kept) == {first, second} and all(keyed == 1 for _b, keyed, _box in kept.values())
    data = _index_bytes(store)
    for plain in ("Sendangmulyo", "warga_sendang", "Tembalang", "081234567890"):
        assert plain.encode() not in data, plain
    assert _listed(cli) == listed and _shared(store) == kept  # read back, not made again
    assert cli("verifikasi", first, "--kategori", "lainnya", "--waktu", at("09:05")).exit_code == 0
    again = _listed(cli)
    assert again[first]["status"] == "diverifikasi" and again[first]["ringkasan"] == listed[first]["ringkasan"]
    now = _shared(store)
    assert now[second] == kept[second] and now[first][0] != kept[first][0]  # only the changed case's row
    erased = cli("hapus-data", first, "--alasan", "permintaan pelapor")
    assert erased.exit_code == 0, erased.output
    after = _listed(cli)
    assert after[first]["ringkasan"].startswith("[dihapus") and "Sendangmulyo" not in json.dumps(after)
    assert b"Sendangmulyo" not in _index_bytes(store)


def test_a_row_sealed_without_its_key_opens_once_the_key_is_here_and_another_secret_starts_again(store, cli, receive):
    from pengaduan.store.keys import KeyStore

    case_id = receive("09:00", isi="Mohon bantuan untuk anak kami")
    keys = KeyStore(store.private_dir())
    key = keys.get(case_id)
    assert key is not None
    keys.discard(case_id)  # as on a machine that has not received the key yet
    assert _listed(cli)[case_id]["ringkasan"] == "[terenkripsi]"
    assert _shared(store)[case_id][1] == 0
    keys.put(case_id, key)  # a sinkron brings it
    assert _listed(cli)[case_id]["ringkasan"] == "Mohon bantuan untuk anak kami"
    assert _shared(store)[case_id][1] == 1
    before = _shared(store)[case_id]
    keys.set_state("indeks", base64.b64encode(b"k" * 32).decode())  # a key store from elsewhere
    assert _listed(cli)[case_id]["ringkasan"] == "Mohon bantuan untuk anak kami"
    assert _shared(store)[case_id][2] != before[2]
    keys.close()


def _plain_case(store, clock: str, text: str) -> str:
    """A schema-1 case (plain text: stores not yet migrated) committed by hand."""
    received = datetime.fromisoformat(at(clock))
    entry = Entry(1, "terima", "diterima", "admin", "Ani Lestari", "ani", received)
    case = Case(f"261102-{'P' * 6}{clock[-1]}", "diterima", 1, "instagram", "@warga", text, received, history=(entry,),
                schema=1)  # fmt: skip
    path = store.root / layout.case_path(case.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yamlio.dump(case.to_dict()))
    git(store.root, "add", str(path))
    git(store.root, *HAND, "commit", "-q", "-m", "kasus lama")
    return case.id


def test_search_ignores_accents_and_case_and_matches_word_starts(store):
    wanted = _plain_case(store, "09:01", "Jalan RUSÁK di Kecamatan Tembalang")
    _plain_case(store, "09:02", "Lampu jalan padam")
    desk = Desk(store)
    assert [r.id for r in search(desk, "rusak")] == [wanted]
    assert [r.id for r in search(desk, "tembal")] == [wanted]  # the start of a word
    assert [r.id for r in search(desk, "JALAN rusak")] == [wanted]  # every word must appear
    assert len(list(search(desk, "jalan"))) == 2
    assert list(search(desk, 'rusak" OR "lampu')) == list(search(desk, "rusak OR lampu"))  # operators are words


def test_search_never_finds_sealed_text_but_finds_what_is_readable(store):
    sealed_one = _receive(store, "09:00", text="Jalan rusak di Tembalang")
    desk = Desk(store)
    assert list(search(desk, "tembalang")) == []  # schema 2: the text is sealed in the file
    assert [r.id for r in search(desk, "INSTAGRAM")] == [sealed_one]
    assert [r.id for r in search(desk, sealed_one[7:11])] == [sealed_one]  # the ID


def test_search_with_a_filter(store):
    first = _receive(store, "09:00")
    _receive(store, "09:01")
    desk = Desk(store)
    request = Request(action="verifikasi", actor=ANI, at=datetime.fromisoformat(at("09:05")))
    cases.record(desk, request, first)
    where = cases.list_filter(desk, status="diverifikasi")
    assert [r.id for r in search(desk, "instagram", where)] == [first]


def _index_bytes(store) -> bytes:
    folder = store.private_dir()
    return b"".join(p.read_bytes() for p in sorted(folder.glob(index.FILE + "*")))


def test_no_plaintext_of_a_confidential_case_in_the_index_and_none_after_erasure(store, cli):
    secret = "korban tinggal di rumah kuning dekat pasar"
    reporter = ("--nama-pelapor", "Siti Rahayu", "--kontak", "0812-3456-7890")
    result = cli("terima", "--platform", "instagram", "--akun", "@korban_rahasia", "--isi", secret, "--rahasia",
                 *reporter, "--waktu", at("09:00"), "-q", "--tetap")  # fmt: skip
    assert result.exit_code == 0, result.output
    case_id = result.stdout.strip()
    listed = cli("daftar", "--format", "json")
    assert listed.exit_code == 0 and "[rahasia]" in listed.stdout and "rumah kuning" not in listed.stdout
    data = _index_bytes(store)
    for plain in ("rumah kuning", "korban_rahasia", "Siti Rahayu", "3456-7890"):
        assert plain.encode() not in data
    with store.index() as found:
        (sealed_text,) = [r[0] for r in found.db.execute("SELECT text FROM cases WHERE id = ?", (case_id,))]
    assert sealed_text.startswith("sandi:")  # kept only as the file keeps it
    erased = cli("hapus-data", case_id, "--alasan", "permintaan pelapor")
    assert erased.exit_code == 0, erased.output
    assert cli("daftar", "--format", "json").exit_code == 0
    data = _index_bytes(store)
    for plain in ("rumah kuning", "korban_rahasia", "Siti Rahayu", "3456-7890"):
        assert plain.encode() not in data
    with store.index() as found:
        private = found.db.execute("SELECT private FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
        words = [r[0] for r in found.db.execute("SELECT body FROM search JOIN cases c ON c.n = search.rowid WHERE c.id = ?",
                                                (case_id,))]  # fmt: skip
    assert private == 1 and all("@" not in w and "sandi:" not in w for w in words)


def test_searchable_text_never_takes_a_sealed_value():
    entry = Entry(1, "terima", "diterima", "admin", "Ani", "ani", datetime.fromisoformat(at("09:00")), note="sandi:1:AAAA")
    case = Case(
        "261102-ABCDEFG", "diterima", 1, "instagram", "sandi:1:QUJD", "sandi:1:REVG", datetime.fromisoformat(at("09:00")),
        history=(entry,),
    )  # fmt: skip
    text = searchable_text(case)
    assert "sandi:" not in text
    assert "261102-ABCDEFG" in text and "instagram" in text


def test_fts_query_quotes_every_word():
    assert fts_query("jalan  rusák") == '"jalan"* "rusák"*'
    assert fts_query(" * - ") is None


def test_completion_by_id_and_by_its_random_part(store):
    case_id = _receive(store, "09:00")
    desk = Desk(store)
    assert cases.complete_ids(desk, case_id[:4]) == [case_id]
    assert cases.complete_ids(desk, case_id[7:10].lower()) == [case_id]
    assert cases.complete_ids(desk, "ZZZZZZZ") == []


def test_report_at_an_older_commit_overlays_only_what_changed(store):
    first = _receive(store, "09:00")
    older = store.git.head()
    second = _receive(store, "09:30")
    with store.index() as found:
        assert {c.id for c in found.cases_at(older, lambda s: True, "1", ())} == {first}
        assert {c.id for c in found.cases_at("HEAD", lambda s: True, "1", ())} == {first, second}


# -- what transitions leave in the repository ------------------------------------------------------


def test_a_transition_writes_no_loose_object(store):
    _receive(store, "09:00")
    loose, _packs = store.git.loose_objects()
    before = loose
    _receive(store, "09:01")
    assert store.git.loose_objects()[0] == before


@pytest.mark.slow
def test_a_thousand_transitions_stay_within_gits_own_packing_thresholds(store):
    """Every transition is one small pack (fast-import); git's `gc --auto`, started in the
    background after each write, folds them together once they pass gc.autoPackLimit."""
    git(store.root, "config", "gc.autoPackLimit", "20")
    auto = 6700  # git's default gc.auto (loose objects)
    desk = Desk(store)
    ids = [_receive(store, "09:00")]
    started = 0
    for n in range(1000):
        request = Request(action="terima", actor=ANI, at=datetime.fromisoformat(at("10:00")),
                          intake=Intake(platform="instagram", account=f"@w{n}", text=f"aduan {n}"))  # fmt: skip
        cases.record(desk, request)
        if store.git.maintenance is not None:
            started += 1
            store.git.maintenance.wait()  # serialised here only so the end state is deterministic
    loose, packs = store.git.loose_objects()
    assert started == 1000
    assert loose <= auto
    assert packs <= 20 + 1
    assert int(git(store.root, "rev-list", "--count", "HEAD")) >= 1001
    assert git(store.root, "status", "--porcelain") == ""
    with store.index() as found:
        assert found.count() == 1001 and ids[0] in {c.id for c in found.cases("id = ?", (ids[0],))}
