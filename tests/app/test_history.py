"""store/history.py: the history read in a fixed number of git processes, with the SOP and roster as
each commit had them, merges, report and configuration commits, and git's own traps (replace refs,
odd commit messages)."""

from __future__ import annotations

import gc
import subprocess
from dataclasses import replace

import pytest
import yaml

from pengaduan.app import history
from pengaduan.app.context import Desk
from pengaduan.core import audit as audit_rules
from pengaduan.errors import PengaduanError
from pengaduan.store import layout, yamlio
from pengaduan.store.store import Store
from tests.conftest import ANI, at, audit, commit, commit_case, git, legal_next, message_for, ok, rules, run

RINA = ("Rina Kartikasari", "rina@example.go.id")


def _git_processes(monkeypatch) -> list[list[str]]:
    """Record every process started from now on (subprocess.run goes through Popen too)."""
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(args, *a, **k):
        started.append(list(args))
        return real_popen(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", popen)
    return started


def test_git_processes_do_not_grow_with_commits(store, receive, cli, monkeypatch):
    counts = []
    for batch in range(2):
        for minute in range(6 * batch, 6 * batch + 6):  # 6, then 12 more commits
            case_id = receive(f"09:{minute:02d}")
            assert cli("verifikasi", case_id, "--waktu", at(f"09:{minute:02d}")).exit_code == 0
        history.mark_path(store).unlink(missing_ok=True)  # the rewrite check only runs once there is a mark
        started = _git_processes(monkeypatch)
        result = history.run_audit(Desk.open(store.root))
        monkeypatch.undo()
        assert result.findings == []
        counts.append((result.commits, len(started), sum(1 for p in started if "log" in p)))
    (small, small_procs, small_logs), (large, large_procs, large_logs) = counts
    assert large > small + 10
    assert small_procs == large_procs and small_logs == large_logs == 2  # changes + signatures


def test_roster_as_it_was_at_each_commit(store, cli, receive):
    case_id = receive("09:00")
    assert cli("verifikasi", case_id, "--waktu", at("09:05"), petugas="bayu").exit_code == 0
    data = dict(store.config.raw)
    data["petugas"] = [s for s in data["petugas"] if s["kode"] != "bayu"]
    store.save_config(data, "Petugas bayu keluar", store.config.staff_by_code("ani"))
    assert audit(store.root)[0] == 0  # bayu's earlier commit was made while he was on the roster
    after = legal_next(store.root, case_id, "respon", "ani", "09:10", answer="Baik.")
    after = replace(after, history=(*after.history[:-1], replace(after.history[-1], recorder="bayu")))
    commit_case(store.root, after, message_for(after), ("Bayu Pratama", "bayu@example.go.id"))
    findings = audit(store.root)[1]
    assert rules(findings) == {5}
    assert "tidak ada di daftar petugas yang berlaku" in findings[0]["pesan"]


def test_sop_as_it_was_at_each_commit(store, cli, receive):
    early = receive("09:00")
    assert cli("verifikasi", early, "--waktu", at("09:01")).exit_code == 0
    assert cli("respon", early, "--isi", "Beres.", "--tuntas", "--waktu", at("09:02")).exit_code == 0
    late = receive("09:03")
    assert cli("verifikasi", late, "--waktu", at("09:04")).exit_code == 0
    after = legal_next(store.root, late, "respon_tuntas", "ani", "09:06", answer="Beres.")  # legal until the revision
    sop = yaml.safe_load((store.root / layout.SOP).read_text(encoding="utf-8"))
    sop["transisi"] = [t for t in sop["transisi"] if t["aksi"] != "respon_tuntas"]  # the revision drops it
    (store.root / layout.SOP).write_text(yamlio.dump(sop), encoding="utf-8")
    commit(store.root, "Revisi SOP\n\nJenis: konfigurasi\nSOP: 276/SOP/KBKIE/2024")
    assert audit(store.root)[0] == 0  # the early respon_tuntas was legal under the SOP then in force
    commit_case(store.root, after, message_for(after))
    findings = audit(store.root)[1]
    assert rules(findings) == {2}
    assert "aksi 'respon_tuntas'" in findings[0]["pesan"]


def test_sejak_starts_from_the_state_at_that_commit(store, cli, receive):
    result = cli("petugas", "tambah", "dewi", "--nama", "Dewi", "--peran", "admin", "--email", "dewi@example.go.id")
    assert result.exit_code == 0, result.output
    receive("09:00")
    case_id = receive("09:01")
    assert cli("verifikasi", case_id, "--waktu", at("09:02"), petugas="dewi").exit_code == 0
    # dewi is on the roster only from a commit before the range: the range must start from that state
    code, findings, result = audit(store.root, "--sejak", "HEAD~1")
    assert (code, findings) == (0, [])
    assert "1 commit, 1 kasus diperiksa, 0 temuan" in result.stdout


def test_bootstrap_roster_then_only_managers_change_configuration(tmp_path):
    root = tmp_path / "store"
    assert run(root, "init", petugas=None).exit_code == 0
    ok(root, "petugas", "tambah", "ani", "--nama", "Ani Lestari", "--peran", "admin", "--email", ANI[1])
    ok(root, "petugas", "tambah", "rina", "--nama", "Rina Kartikasari", "--peran", "redaktur", "--email", RINA[1])
    assert audit(root)[0] == 0  # the first roster entries are added by someone not yet on it
    config = yaml.safe_load((root / layout.CONFIG).read_text(encoding="utf-8"))
    config["kota"] = "Solo"
    (root / layout.CONFIG).write_text(yamlio.dump(config), encoding="utf-8")
    commit(root, "Ganti kota\n\nJenis: konfigurasi", RINA)
    findings = audit(root)[1]
    assert rules(findings) == {5}
    assert "tidak boleh mengubah konfigurasi" in findings[0]["pesan"]


def _report_commit(root, relpath: str, message: str, author=ANI) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<html>laporan</html>\n", encoding="utf-8")
    git(root, "add", relpath)
    commit(root, message, author)


def test_report_commits_by_convention(store, receive):
    case_id = receive("09:00")
    daily = "Laporan harian 2026-11-02\n\nJenis: laporan\nLangkah: 12\nAksi: laporan_harian\n"
    _report_commit(store.root, "laporan/harian/2026/11/2026-11-02.html", daily)
    assert audit(store.root)[0] == 0
    _report_commit(store.root, "laporan/harian/2026/11/2026-11-03.html", daily.replace("Langkah: 12", "Langkah: 3"))
    assert rules(audit(store.root)[1]) == {4}
    _report_commit(store.root, "laporan/harian/2026/11/2026-11-04.html", daily, RINA)  # a redaktur: step 12 is the admin's
    assert rules(audit(store.root)[1]) == {4, 5}
    path = store.root / layout.case_path(case_id)
    path.write_text(path.read_text(encoding="utf-8") + "# catatan\n", encoding="utf-8")
    _report_commit(store.root, "laporan/harian/2026/11/2026-11-05.html", daily)
    assert any(f["aturan"] == 1 and "mengubah berkas kasus" in f["pesan"] for f in audit(store.root)[1])


def test_merges_of_clean_branches_audit_clean_and_own_changes_are_rule_1(store, cli, receive):
    one, two, three = receive("09:00"), receive("09:01"), receive("09:02")
    git(store.root, "checkout", "-q", "-b", "kantor2")
    after = legal_next(store.root, one, "verifikasi", "ani", "09:05")
    commit_case(store.root, after, message_for(after))
    git(store.root, "checkout", "-q", "main")
    assert cli("verifikasi", two, "--waktu", at("09:06")).exit_code == 0
    git(store.root, "merge", "-q", "--no-edit", "kantor2")
    assert audit(store.root)[0] == 0
    git(store.root, "checkout", "-q", "-b", "kantor3")
    after = legal_next(store.root, one, "respon", "ani", "09:07", answer="Baik.")
    commit_case(store.root, after, message_for(after))
    git(store.root, "checkout", "-q", "main")
    git(store.root, "merge", "-q", "--no-ff", "--no-commit", "kantor3")
    path = store.root / layout.case_path(three)
    path.write_text(path.read_text(encoding="utf-8").replace("platform: instagram", "platform: facebook"), encoding="utf-8")
    commit(store.root, "Merge kantor3")
    findings = audit(store.root)[1]
    assert [(f["aturan"], f["pesan"]) for f in findings] == [
        (1, f"commit gabungan (merge) mengubah {layout.case_path(three)} sendiri, bukan lewat commit pencatatan")
    ]


def test_replace_refs_cannot_hide_a_tampered_file(store, receive):
    case_id = receive("09:00")
    relpath = layout.case_path(case_id)
    original = git(store.root, "rev-parse", f"HEAD:{relpath}").strip()
    path = store.root / relpath
    path.write_text(path.read_text(encoding="utf-8").replace("platform: instagram", "platform: facebook"), encoding="utf-8")
    commit(store.root, "ubah isi")
    tampered = git(store.root, "rev-parse", f"HEAD:{relpath}").strip()
    git(store.root, "replace", tampered, original)  # plain `git show` now displays the original text
    assert "platform: instagram" in git(store.root, "show", f"HEAD:{relpath}")
    assert 3 in rules(audit(store.root)[1])


def test_odd_commit_messages_do_not_confuse_the_parser(store, receive):
    case_id = receive("09:00")
    after = legal_next(store.root, case_id, "verifikasi", "ani", "09:05")
    trick = ":100644 100644 " + "0" * 40 + " " + "1" * 40 + " D\n\x1eC\nkasus/2026/11/palsu.yaml"
    message = message_for(after).replace("\n\n", f"\n\n{trick}\n\n", 1)
    commit_case(store.root, after, message)
    head = git(store.root, "rev-parse", "HEAD").strip()
    entries = Store.open(store.root).git.log()
    last = entries[-1]
    assert last.sha == head and [c.path for c in last.changes] == [layout.case_path(case_id)]
    assert trick in last.message
    assert audit(store.root)[0] == 0


CASE_TEXT = """schema: 1
id: 261102-ABCDEFG
status: direspon
langkah: 3
isi: 'Baris satu

  baris dua: masih isi'
pelapor:
  nama: null
  kontak: '0812'
riwayat:
- langkah: 1
  aksi: terima
  waktu: '2026-11-02T09:00:00+07:00'
- langkah: 2
  aksi: verifikasi
  catatan: |-
    blok
    - bukan entri
"""


def test_chunked_yaml_reads_store_files_piece_by_piece():
    chunked = history.ChunkedYaml()
    keys, entries = chunked.split(CASE_TEXT.encode())
    assert len(keys) == 6 and len(entries) == 2
    assert chunked.load(CASE_TEXT.encode(), "kasus/x.yaml") == yaml.safe_load(CASE_TEXT)
    # A later version shares its earlier entries: the very same parsed objects are reused.
    later = CASE_TEXT.replace("langkah: 3", "langkah: 4") + "- langkah: 4\n  aksi: teruskan_redaktur\n"
    first, second = chunked.load(CASE_TEXT.encode(), "x"), chunked.load(later.encode(), "x")
    assert first["riwayat"][0] is second["riwayat"][0] and second == yaml.safe_load(later)


@pytest.mark.parametrize(
    "text",
    [
        CASE_TEXT.replace("pelapor:\n", "pelapor: &p\n").replace("- langkah: 2", "- *p\n- langkah: 2"),  # alias
        CASE_TEXT + "kategori: sesudah riwayat\n",  # a key after the history
        "# komentar\n" + CASE_TEXT,
        CASE_TEXT.replace("- langkah: 1\n  aksi: terima", "- &a {langkah: 1, aksi: terima}").replace(
            "- langkah: 2", "- langkah: *a\n  x: 2"
        ),  # an anchor in one entry used in the next
        CASE_TEXT.replace("riwayat:\n", "riwayat: [\n").replace("  catatan: |-\n    blok\n    - bukan entri\n", "]\n"),
        "isi: 'terbuka\nkategori: ditutup'\n",  # a quoted value running over a line that looks like a key
        CASE_TEXT.replace("id: 261102-ABCDEFG", "id: 261102-ABCDEFG\nid: 261102-ZZZZZZZ"),  # duplicate keys
    ],
)
def test_chunked_yaml_reads_anything_else_as_a_yaml_reader_does(text):
    try:
        expected = yamlio.load_text(text, "kasus/x.yaml")
    except PengaduanError as exc:
        with pytest.raises(PengaduanError) as raised:
            history.ChunkedYaml().load(text.encode(), "kasus/x.yaml")
        assert raised.value.message == exc.message
        return
    assert history.ChunkedYaml().load(text.encode(), "kasus/x.yaml") == expected


def test_a_submodule_at_a_case_path_is_a_finding_not_a_crash(store, receive):
    case_id = receive("09:00")
    relpath = layout.case_path(case_id)
    (store.root / relpath).unlink()
    git(store.root, "update-index", "--cacheinfo", f"160000,{'1' * 40},{relpath}")
    git(store.root, "commit", "-q", "-m", "submodule")  # without -a: the index holds the submodule entry
    code, findings, _ = audit(store.root)
    assert code == 1
    assert any(f["aturan"] == 10 and "bukan berkas biasa (submodule git)" in f["pesan"] for f in findings), findings


# -- streamed, not held (issue 12: the audit of 441,000 commits in bounded memory) ----------------
def _live(kind: type) -> int:
    return sum(1 for o in gc.get_objects() if type(o) is kind)


def _busy_history(store, cli, receive, cases: int) -> None:
    """`cases` cases received then verified: 2 commits each, every version read later as a "before"."""
    ids = [receive(f"09:{minute:02d}") for minute in range(cases)]
    for minute, case_id in enumerate(ids):
        assert cli("verifikasi", case_id, "--waktu", at(f"10:{minute:02d}")).exit_code == 0


def test_the_audit_holds_a_window_of_commits_not_the_history(store, cli, receive, monkeypatch):
    """The audit reads the history as a stream: at no point does it hold more than a window of
    commits, however long the history (a reader that loads every commit first holds them all)."""
    monkeypatch.setattr(history, "WINDOW", 3)
    real = audit_rules.check_commit
    seen: list[int] = []

    def counting(commit, memo=None, opener=None):
        seen.append(_live(audit_rules.Commit))
        return real(commit, memo, opener)

    monkeypatch.setattr(audit_rules, "check_commit", counting)
    peaks = []
    for cases in (6, 24):  # then 4 times the history
        _busy_history(store, cli, receive, cases)
        history.mark_path(store).unlink(missing_ok=True)
        seen.clear()
        result = history.run_audit(Desk.open(store.root))
        assert result.findings == [] and len(seen) == result.commits
        peaks.append(max(seen))
    assert result.commits > 4 * 12
    assert peaks[0] == peaks[1] <= 2  # the commit being checked (and at most one just built)


def test_read_history_is_lazy_and_bounded(store, cli, receive, monkeypatch):
    """Nothing is read until the stream is iterated, and then one window ahead of the consumer."""
    _busy_history(store, cli, receive, 12)
    monkeypatch.setattr(history, "WINDOW", 4)
    read: list[int] = []
    real = history._Files._parse

    def parse(self, blob, got, source):
        read.append(1)
        return real(self, blob, got, source)

    monkeypatch.setattr(history._Files, "_parse", parse)
    stream = history.read_history(Store.open(store.root))
    assert read == []  # building the reader read nothing
    first = next(stream.commits)
    assert first.parents == () and len(read) <= 2 * 4 + 2  # a window's blobs (and the setup), not the history's
    rest = list(stream.commits)
    assert len(rest) + 1 == stream.total and len(read) > 2 * 4 + 2


def test_tiny_caches_find_exactly_what_large_ones_find(store, cli, receive, monkeypatch):
    """Every cache of the reader evicting at once, and git read one first-parent commit per segment
    (each version read again as a "before", merges' parents kept only as long as a later commit
    names them), changes no finding."""
    one, two, three = receive("09:00"), receive("09:01"), receive("09:02")
    git(store.root, "checkout", "-q", "-b", "kantor2")
    after = legal_next(store.root, one, "verifikasi", "ani", "09:05")
    commit_case(store.root, after, message_for(after))
    after = legal_next(store.root, one, "respon", "ani", "09:07", answer="Baik.")
    commit_case(store.root, after, message_for(after))
    git(store.root, "checkout", "-q", "main")
    assert cli("verifikasi", two, "--waktu", at("09:06")).exit_code == 0
    data = dict(store.config.raw, kota="Solo")
    (store.root / layout.CONFIG).write_text(yamlio.dump(data), encoding="utf-8")
    commit(store.root, "Ganti kota\n\nJenis: konfigurasi", RINA)  # not a manager: does not count
    git(store.root, "merge", "-q", "--no-edit", "kantor2")
    path = store.root / layout.case_path(three)
    path.write_text(path.read_text(encoding="utf-8").replace("platform: instagram", "platform: facebook"), encoding="utf-8")
    commit(store.root, "ubah isi")
    assert cli("verifikasi", three, "--waktu", at("09:20")).exit_code == 0

    def findings(*args: str) -> list[dict]:
        history.mark_path(store).unlink(missing_ok=True)
        return audit(store.root, *args)[1]

    large = findings(), findings("--sejak", "HEAD~4")
    for name in ("WINDOW", "SEGMENT", "FILE_CACHE", "CHUNK_CACHE", "SETUP_CACHE", "CASE_MEMO"):
        monkeypatch.setattr(history, name, 1)
    tiny = findings(), findings("--sejak", "HEAD~4")
    assert tiny == large
    assert rules(large[0]) >= {3, 5} and large[1]
