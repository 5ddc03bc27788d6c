"""Config writes that keep what the desk wrote, and the read cache's trust boundary."""

from __future__ import annotations

import re

import pytest
import yaml

from pengaduan.core.config import Staff
from pengaduan.errors import StoreError
from pengaduan.store import yamlio
from pengaduan.store.store import Store
from tests.conftest import git

HAND = ("-c", "user.name=Ani", "-c", "user.email=ani@example.go.id")


# -- yamlio.update_top_level -------------------------------------------------------------------------------


def test_only_the_changed_block_is_rewritten_and_comments_stay():
    text = (
        "# kepala\n"
        "notifikasi:\n  perintah: ''\n# catatan di dalam blok\n  ulang_menit: 60\n"
        "# dokumentasi platform\n"
        "platform:\n- x\n"
    )
    old = yaml.safe_load(text)
    new = {**old, "notifikasi": {"perintah": "echo", "ulang_menit": 60}}
    out = yamlio.update_top_level(text, old, new)
    assert yaml.safe_load(out) == new
    # Inside a block-style mapping only the changed key's line is rewritten: its comments stay too.
    assert out == text.replace("perintah: ''", "perintah: echo")
    assert out.count("ulang_menit") == 1  # no stale copy left behind the rewritten block


@pytest.mark.parametrize(
    "text",
    ['"notifikasi":\n  perintah: x\nb: 2\n', "notifikasi:\n  perintah: x\n  # c\n b: [\n"],
    ids=["quoted-key", "not-yaml-after-edit"],
)
def test_a_layout_it_does_not_understand_falls_back_to_a_full_dump(text):
    old = {"notifikasi": {"perintah": "x"}, "b": 2}
    new = {"notifikasi": {"perintah": "y"}, "b": 2}
    out = yamlio.update_top_level(text, old, new)
    assert yaml.safe_load(out) == new
    assert out.count("notifikasi") == 1


def test_a_roster_change_keeps_other_entries_and_unknown_keys_as_written(store: Store, cli):
    path = store.root / "pengaduan.yaml"
    name = "  nama: Rina Kartikasari\n"
    text = path.read_text(encoding="utf-8").replace(name, name + "  nip: '198001012005012001'\n")
    assert "nip:" in text
    path.write_text(text, encoding="utf-8")
    git(store.root, *HAND, "commit", "-q", "-am", "NIP Rina", "--trailer", "Jenis: konfigurasi")
    assert cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "redaktur").exit_code == 0
    assert cli("petugas", "tambah", "rina", "--nama", "Rina K.", "--peran", "redaktur").exit_code == 0
    roster = yaml.safe_load(path.read_text(encoding="utf-8"))["petugas"]
    assert [p["kode"] for p in roster] == ["ani", "bayu", "rina", "hendra", "sri", "retno", "dewi"]
    rina = next(p for p in roster if p["kode"] == "rina")
    assert (rina["nama"], rina["nip"]) == ("Rina K.", "198001012005012001")


def test_a_config_changed_by_another_process_meanwhile_is_not_overwritten(store: Store):
    other = Store(store.root)
    stale = store.config.with_staff(Staff("eko", "Eko", ("admin",)))
    other.save_config(other.config.with_staff(Staff("dewi", "Dewi", ("redaktur",))), "Petugas dewi", None)
    with pytest.raises(StoreError, match="diubah proses lain"):
        store.save_config(stale, "Petugas eko", None)
    codes = [p["kode"] for p in yaml.safe_load((store.root / "pengaduan.yaml").read_text())["petugas"]]
    assert "dewi" in codes and "eko" not in codes


# -- the read cache ------------------------------------------------------------------------------------------


def _break_case(store: Store, case_id: str, also_at: str | None = None) -> str:
    relpath = f"kasus/2026/11/{case_id}.yaml"
    path = store.root / relpath
    broken = re.sub(r"(?m)^langkah: 1$", "langkah: '1'", path.read_text())
    path.write_text(broken)
    if also_at:  # the same bytes at a path that is not a case: the same git blob
        (store.root / also_at).write_text(broken)
        git(store.root, "add", also_at)
    git(store.root, *HAND, "commit", "-q", "-am", "edit tangan")
    return relpath


def test_same_content_outside_kasus_does_not_smuggle_a_broken_case_into_the_cache(store, cli, receive):
    case_id = receive("09:00")
    relpath = _break_case(store, case_id, also_at=f"kasus/2026/11/{case_id}.yaml.orig")
    for _ in range(2):
        result = cli("daftar")
        assert result.exit_code == 3
        assert result.stderr.startswith(
            f"peringatan: dilewati: berkas kasus {relpath} tidak sah: 'langkah' harus bilangan bulat"
        )


def test_good_cases_are_cached_while_one_is_broken(store, cli, receive):
    import sqlite3

    good, bad = receive("09:00"), receive("09:01")
    _break_case(store, bad)
    assert cli("daftar").exit_code == 3
    db = sqlite3.connect(store.root / ".git" / "pengaduan" / "cache.sqlite")
    cached = [row[0] for row in db.execute("SELECT id FROM blobs_v2")]
    assert cached == [git(store.root, "rev-parse", f"HEAD:kasus/2026/11/{good}.yaml").strip()]


def test_an_unwritable_cache_only_costs_speed(store, cli, receive):
    case_id = receive("09:00")
    cache = store.root / ".git" / "pengaduan" / "cache.sqlite"
    cache.unlink(missing_ok=True)
    cache.mkdir()  # sqlite cannot open it: not writable, not a database file either
    result = cli("daftar", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert case_id in result.stdout
    assert cache.is_dir()  # left as it was
