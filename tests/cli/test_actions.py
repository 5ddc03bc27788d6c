"""`pengaduan batal / buka-kembali / tunda / lanjutkan / rujuk`: one commit each, audit clean after every one.

Also: an old store (sop.yaml without aksi_kasus) keeps working and auditing clean, refuses the
actions with how to add them, and gets them with `atur sop perbarui`; an undo never reaches into
a month whose report is final; `lihat` and `terlambat` show a paused case as paused.
"""

from __future__ import annotations

import json

from tests.conftest import assert_refused, at, audit, commit_case, git, message_for


def ok(cli, *args, petugas="ani"):
    result = cli(*args, petugas=petugas)
    assert result.exit_code == 0, result.output
    return result.stdout


def clean(store):
    code, findings, result = audit(store.root)
    assert (code, findings) == (0, []), result.output


def shown(cli, case_id):
    return json.loads(ok(cli, "lihat", case_id, "--format", "json"))


def test_each_action_is_one_commit_and_the_audit_stays_clean(store, cli, receive):
    case_id = receive("09:00")
    ok(cli, "verifikasi", case_id, "--waktu", at("09:05"))
    ok(cli, "respon", case_id, "--isi", "Kami cek", "--waktu", at("09:08"))
    ok(cli, "teruskan", case_id, "--ke", "redaktur", "--waktu", at("09:10"))
    steps = [
        (("batal", case_id, "--alasan", "salah teruskan", "--waktu", at("09:12")), "direspon", 3),
        (("tunda", case_id, "--alasan", "menunggu alamat", "--waktu", at("09:15")), "ditunda", 3),
        (("lanjutkan", case_id, "--waktu", at("10:15")), "direspon", 3),
        (("rujuk", case_id, "--ke", "UPTD PPA Kota Semarang", "--alasan", "kewenangan kota", "--waktu", at("10:20")),
         "dirujuk", 3),
        (("buka-kembali", case_id, "--alasan", "pelapor menulis lagi", "--waktu", at("11:00")), "diverifikasi", 2),
        (("respon", case_id, "--isi", "Kami tangani", "--tuntas", "--waktu", at("11:05")), "selesai", 3),
    ]  # fmt: skip
    for args, status, step in steps:
        head = git(store.root, "rev-parse", "HEAD").strip()
        out = ok(cli, *args)
        assert case_id in out
        assert git(store.root, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
        data = shown(cli, case_id)
        assert (data["status"], data["langkah"]) == (status, step), args
        clean(store)
    body = git(store.root, "log", "-1", "--format=%B", "HEAD~2")  # the rujuk commit
    assert "Aksi: rujuk" in body and "Langkah: 3" in body
    data = shown(cli, case_id)
    assert data["entri_dibatalkan"] == [4]
    referral = next(e for e in data["riwayat"] if e["aksi"] == "rujuk")
    assert (referral["perubahan"], referral["catatan"]) == ({"dirujuk_ke": "UPTD PPA Kota Semarang"}, "kewenangan kota")


def test_refusals_leave_the_store_as_it_was(store, cli, receive, snapshot):
    case_id = receive("09:00")
    before = snapshot()
    assert_refused(cli("batal", case_id, "--alasan", "x", "--waktu", at("09:01")), "langkah 1", "tidak dapat dibatalkan")
    assert_refused(cli("lanjutkan", case_id, "--waktu", at("09:01")), "tidak sedang ditunda")
    assert_refused(cli("buka-kembali", case_id, "--alasan", "x", "--waktu", at("09:01")), "belum ditutup")
    assert_refused(cli("tunda", case_id, "--waktu", at("09:01")), "--alasan wajib")
    assert_refused(cli("rujuk", case_id, "--alasan", "x", "--waktu", at("09:01")), "--ke wajib")
    assert_refused(cli("tunda", case_id, "--alasan", "x", "--waktu", at("09:01"), petugas="rina"),
                   "tidak boleh mencatat 'tunda'; yang boleh: admin")  # fmt: skip
    assert snapshot() == before
    ok(cli, "tunda", case_id, "--alasan", "menunggu", "--waktu", at("09:02"))
    paused = snapshot()
    assert_refused(cli("verifikasi", case_id, "--waktu", at("09:03")), "sedang ditunda", f"pengaduan lanjutkan {case_id}")
    assert snapshot() == paused


def test_a_paused_case_is_shown_paused_not_late(store, cli, receive):
    case_id = receive("09:00")
    ok(cli, "verifikasi", case_id, "--waktu", at("09:05"))
    ok(cli, "tunda", case_id, "--alasan", "menunggu alamat pelapor", "--waktu", at("09:06"))
    text = ok(cli, "lihat", case_id)
    assert "Ditunda sejak 2 Nov 2026 09.06 WIB (menunggu pelapor): jam SOP berhenti pada 1 dari 5 menit kerja" in text
    assert f"pengaduan lanjutkan {case_id}" in text
    rows = json.loads(ok(cli, "terlambat", "--pada", at("15:00"), "--format", "json"))
    assert rows == []  # a whole day paused is not late
    rows = json.loads(ok(cli, "terlambat", "--pada", at("10:00", "2026-11-10"), "--format", "json"))
    assert [(r["id"], r["keadaan"], r["ditunda_sejak"], r["batas_tunda"]) for r in rows] == [
        (case_id, "tunda-lama", at("09:06"), "2026-11-09")
    ]
    assert ok(cli, "atur", "batas.tunda_hari_kerja", "10")
    assert json.loads(ok(cli, "terlambat", "--pada", at("10:00", "2026-11-10"), "--format", "json")) == []
    listed = json.loads(ok(cli, "daftar", "--status", "ditunda", "--format", "json"))
    assert [r["id"] for r in listed] == [case_id]


def test_undo_refused_across_a_final_monthly_report(store, cli, receive):
    case_id = receive("09:00")
    ok(cli, "verifikasi", case_id, "--waktu", at("09:05"))
    day = "2026-11-28"
    ok(cli, "laporan", "bulanan", "susun", "--bulan", "2026-11", "--waktu", at("08:00", day), petugas="hendra")
    ok(cli, "laporan", "bulanan", "paraf", "--bulan", "2026-11", "--waktu", at("08:10", day), petugas="sri")
    ok(cli, "laporan", "bulanan", "periksa", "--bulan", "2026-11", "--waktu", at("08:20", day), petugas="hendra")
    assert_refused(cli("batal", case_id, "--alasan", "keliru", "--waktu", at("08:30", day)),
                   "laporan bulanan 2026-11 yang final", "--revisi")  # fmt: skip
    ok(cli, "laporan", "bulanan", "susun", "--bulan", "2026-11", "--revisi", "--waktu", at("08:40", day), petugas="hendra")
    ok(cli, "batal", case_id, "--alasan", "keliru", "--waktu", at("08:50", day))
    clean(store)


def _old_sop(text: str) -> str:
    """The store's sop.yaml as written before aksi_kasus existed."""
    start = text.index("# Actions on a case beyond the step table")
    end = text.index("# Paths a case takes")
    return text[:start] + text[end:]


def test_an_old_store_keeps_working_and_gets_the_actions_by_command(store, cli, receive, revise_sop):
    revise_sop(_old_sop)
    case_id = receive("09:00")
    ok(cli, "verifikasi", case_id, "--waktu", at("09:05"))
    clean(store)
    assert_refused(cli("tunda", case_id, "--alasan", "x", "--waktu", at("09:06")),
                   "'tunda' belum ada di sop.yaml store ini", "pengaduan atur sop perbarui")  # fmt: skip
    assert "belum ada; tambahkan dengan 'pengaduan atur sop perbarui'" in ok(cli, "atur")
    assert_refused(cli("atur", "sop", "perbarui", petugas="rina"), "tidak boleh mengubah konfigurasi")
    out = ok(cli, "atur", "sop", "perbarui")
    assert "batal, buka_kembali, tunda, lanjutkan, rujuk" in out
    text = (store.root / "sop.yaml").read_text(encoding="utf-8")
    assert "# Undo the case's last step" in text and "# Paths a case takes" in text  # comments kept, both sides
    assert git(store.root, "log", "-1", "--format=%B").count("Jenis: konfigurasi") == 1
    ok(cli, "tunda", case_id, "--alasan", "menunggu", "--waktu", at("09:06"))
    clean(store)
    assert_refused(cli("atur", "sop", "perbarui"), "sudah punya semua aksi_kasus")


def _by_hand(store, case_id, action, who, **changes):
    """A case action's entry written by hand (as plain git would commit it): (case data, message)."""
    from datetime import datetime

    from pengaduan.app import privacy
    from pengaduan.app.context import Desk
    from pengaduan.core.actions import apply_action
    from pengaduan.store.store import Store

    opened = Store.open(store.root)
    staff = opened.config.staff_by_code(who)
    before = opened.load_case(case_id)
    moment = datetime.fromisoformat(at("09:30"))
    after = apply_action(opened.sop, opened.config, before, action, staff, moment, moment, reason="alasan")
    desk = Desk(opened)
    after = privacy.prepare(desk, privacy.Keys(desk), before, after).case  # sealed as the tool seals it
    data = after.to_dict()
    data["riwayat"][-1].update(changes.pop("entry", {}))
    data.update(changes)
    return data, after


def test_hand_made_case_actions_are_judged_like_steps(store, cli, receive):
    case_id = receive("09:00")
    ok(cli, "verifikasi", case_id, "--waktu", at("09:05"))
    ok(cli, "respon", case_id, "--isi", "ok", "--waktu", at("09:08"))
    # An undo naming another entry than the last step, leaving the case where that would.
    data, after = _by_hand(store, case_id, "batal", "ani", entry={"perubahan": {"dibatalkan": 2}})
    commit_case(store.root, data, message_for(after))
    code, findings, _ = audit(store.root)
    assert code == 1 and [f["aturan"] for f in findings] == [2]
    assert "batal menyebut entri ke-2" in findings[0]["pesan"]


def test_hand_made_action_by_a_role_the_sop_does_not_name(store, cli, receive):
    case_id = receive("09:00")
    ok(cli, "verifikasi", case_id, "--waktu", at("09:05"))
    data, after = _by_hand(store, case_id, "tunda", "ani", entry={"pencatat": "rina", "pelaksana": "redaktur"})
    commit_case(store.root, data, message_for(after, Pelaksana="redaktur"), ("Rina Kartikasari", "rina@example.go.id"))
    code, findings, _ = audit(store.root)
    assert code == 1
    assert [f["pesan"] for f in findings] == [
        "petugas 'rina' (redaktur) tidak boleh mencatat 'tunda'; yang boleh: admin"
    ]


def test_hand_made_action_missing_from_the_sop_in_force(store, cli, receive, revise_sop):
    case_id = receive("09:00")
    ok(cli, "verifikasi", case_id, "--waktu", at("09:05"))
    data, after = _by_hand(store, case_id, "tunda", "ani")
    revise_sop(_old_sop)
    commit_case(store.root, data, message_for(after))
    code, findings, _ = audit(store.root)
    assert code == 1
    assert [f["pesan"] for f in findings] == [
        "aksi 'tunda' tidak ada di SOP 276/SOP/KBKIE/2024 yang berlaku (sop.yaml aksi_kasus)"
    ]
