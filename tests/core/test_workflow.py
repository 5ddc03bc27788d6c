"""`core.workflow.apply` as a pure function: which transitions, by whom, at what time."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib.resources import files

import pytest
import yaml

from pengaduan.core import timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import Config, Staff, load_config
from pengaduan.core.sop import Sop, load_sop
from pengaduan.core.workflow import Intake, Request, allowed_commands, apply
from pengaduan.errors import InputError, PermissionDenied, SopError, TransitionError
from tests.conftest import ROSTER

TZ = timeutil.zone("Asia/Jakarta")
SOP: Sop = load_sop(yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_bytes()))
NOW = datetime(2026, 11, 2, 18, 0, tzinfo=TZ)
CASE_ID = "261102-ABCDEFG"


def make_config(roster: list[Staff] = ROSTER) -> Config:
    data = yaml.safe_load(files("pengaduan.data").joinpath("pengaduan.yaml").read_bytes())
    data["petugas"] = [s.to_dict() for s in roster]
    return load_config(data)


CONFIG = make_config()
STAFF = {s.code: s for s in ROSTER}


def t(clock: str) -> datetime:
    hour, minute = map(int, clock.split(":"))
    return datetime(2026, 11, 2, hour, minute, tzinfo=TZ)


def step(case: Case | None, action: str, who: str = "ani", clock: str = "09:00", config: Config = CONFIG, **kw) -> Case:
    request = Request(action=action, actor=STAFF.get(who) or config.staff_by_code(who), at=t(clock), **kw)
    return apply(SOP, config, case, request, NOW, new_id=CASE_ID if case is None else None)


def received(clock: str = "09:00", **fields) -> Case:
    fields = {"platform": "instagram", "account": "@warga", "text": "Mohon info layanan", **fields}
    return step(None, "terima", clock=clock, intake=Intake(**fields))


def at_step(number: int) -> Case:
    """A case walked by the admin down the longest path until it rests at `number`."""
    path = [
        ("verifikasi", {}),
        ("respon", {"answer": "Kami cek."}),
        ("teruskan_redaktur", {}),
        ("teruskan_pimred", {"note": "Redaktur menolak menjawab"}),  # early: the reason is written down
        ("koordinasi_kabid", {"bidang": "phpa"}),
        ("koordinasi_kadin", {}),
        ("jawab_kabid", {"answer": "Jawaban kabid."}),
        ("jawab_pimred", {"answer": "Jawaban pimred."}),
    ]
    case = received("09:00")
    minute = 0
    while case.step != number:
        action, kw = path.pop(0)
        minute += 5
        case = step(case, action, clock=f"09:{minute:02d}", **kw)
    return case


# -- allowed and refused transitions ---------------------------------------------------------


def test_receive_makes_a_new_case():
    case = received("09:00", kind="pesan", link="https://instagram.com/p/1", reporter_name="Siti", reporter_contact="0812")
    assert (case.id, case.step, case.status) == (CASE_ID, 1, "diterima")
    assert (case.platform, case.account, case.kind, case.link) == ("instagram", "@warga", "pesan", "https://instagram.com/p/1")
    assert (case.reporter.name, case.reporter.contact) == ("Siti", "0812")
    assert timeutil.to_stored(case.received_at) == "2026-11-02T09:00:00+07:00"
    (entry,) = case.history
    assert (entry.step, entry.action, entry.performer_role, entry.performer_name, entry.recorder) == (
        1, "terima", "admin", "Ani Lestari", "ani",
    )  # fmt: skip


def test_apply_is_pure():
    case = received()
    after = step(case, "verifikasi", clock="09:05", category="layanan")
    assert (case.step, case.status, len(case.history), case.category) == (1, "diterima", 1, None)
    assert (after.step, after.status, len(after.history), after.category) == (2, "diverifikasi", 2, "layanan")


@pytest.mark.parametrize(
    ("actions", "steps", "status"),
    [
        (["verifikasi", "respon_tuntas"], [1, 2, 3], "selesai"),
        (["verifikasi", "respon", "selesai"], [1, 2, 3, 11], "selesai"),
        (["verifikasi", "respon", "teruskan_redaktur", "jawab_redaktur"], [1, 2, 3, 4, 5], "selesai"),
        (
            ["verifikasi", "respon", "teruskan_redaktur", "teruskan_pimred", "koordinasi_kabid", "koordinasi_kadin",
             "jawab_kabid", "jawab_pimred", "selesai"],
            [1, 2, 3, 4, 6, 7, 8, 9, 10, 11],
            "selesai",
        ),  # fmt: skip
        (["bukan_pengaduan"], [1, 2], "bukan_pengaduan"),
    ],
)
def test_the_four_paths(actions, steps, status):
    case = received("09:00")
    for minute, action in enumerate(actions, start=1):
        details = {"bidang": "phpa", "reason": "spam"}
        case = step(case, action, clock=f"09:{minute:02d}", answer="Jawaban.", note="spam", **details)
    assert [e.step for e in case.history] == steps
    assert case.status == status
    assert allowed_commands(SOP, case) == []


def test_refused_transition_names_current_step_and_allowed_actions():
    case = received()
    with pytest.raises(TransitionError) as info:
        step(case, "respon", clock="09:05", answer="x")
    message = str(info.value)
    assert "langkah 1 (Diterima)" in message
    assert "'respon ID --isi TEKS' tidak boleh sekarang" in message
    assert "Yang boleh: verifikasi ID; verifikasi ID --bukan-pengaduan --alasan TEKS" in message


def test_skipping_a_step_is_refused():
    case = at_step(3)
    with pytest.raises(TransitionError, match="langkah 3"):
        step(case, "teruskan_pimred", clock="10:00")  # step 6 comes only after step 4
    with pytest.raises(TransitionError, match="langkah 3"):
        step(case, "jawab_redaktur", clock="10:00", answer="x")


def test_closed_case_refuses_every_action():
    case = step(received(), "bukan_pengaduan", clock="09:02", note="spam", reason="spam")
    for action in ("verifikasi", "respon", "selesai", "terima"):
        with pytest.raises(TransitionError, match="sudah berstatus Bukan pengaduan \\(langkah 2\\)"):
            step(case, action, clock="09:10", answer="x")


def test_receiving_an_existing_case_again_is_refused():
    with pytest.raises(TransitionError, match="langkah 1"):
        step(received(), "terima", clock="09:05", intake=Intake(platform="x", account="@a", text="t"))


def test_action_on_a_missing_case_is_a_transition_error():
    with pytest.raises(TransitionError, match="perlu kasus yang sudah diterima"):
        step(None, "verifikasi", clock="09:05")


def test_unknown_action():
    with pytest.raises(SopError, match="aksi 'hapus' tidak ada"):
        step(received(), "hapus", clock="09:05")


# -- who may record what -----------------------------------------------------------------------


def test_admin_records_every_step_with_the_sop_role_as_performer():
    case = at_step(10)
    case = step(case, "selesai", clock="09:50", answer="Sudah disampaikan.")
    assert [e.performer_role for e in case.history] == [
        "admin", "admin", "admin", "admin", "admin", "pimred", "kabid", "kabid", "pimred", "admin",
    ]  # fmt: skip
    assert {e.recorder for e in case.history} == {"ani"}


def test_redaktur_records_step_5_but_not_step_7():
    at4 = at_step(4)
    done = step(at4, "jawab_redaktur", who="rina", clock="10:00", answer="Hubungi UPTD PPA.")
    assert (done.step, done.status, done.history[-1].recorder) == (5, "selesai", "rina")

    at6 = at_step(6)
    with pytest.raises(PermissionDenied) as info:
        step(at6, "koordinasi_kabid", who="rina", clock="10:00", bidang="phpa")
    message = str(info.value)
    assert "'rina' (redaktur) tidak boleh mencatat langkah 7" in message
    assert "yang boleh: admin, pimred" in message


@pytest.mark.parametrize(
    ("who", "rest_at", "action", "allowed"),
    [
        ("hendra", 6, "koordinasi_kabid", True),
        ("hendra", 9, "jawab_pimred", True),
        ("hendra", 1, "verifikasi", False),
        ("sri", 7, "koordinasi_kadin", True),
        ("sri", 8, "jawab_kabid", True),
        ("sri", 9, "jawab_pimred", False),
        ("retno", 7, "koordinasi_kadin", False),  # the SOP's step 8 is the Kepala Bidang's
        ("rina", 3, "teruskan_redaktur", False),
        ("bayu", 8, "jawab_kabid", True),  # the second admin, like the first
    ],
)
def test_roles_record_only_their_steps(who, rest_at, action, allowed):
    case = at_step(rest_at)
    kw = {"answer": "Jawaban.", "bidang": "phpa"}
    if allowed:
        assert step(case, action, who=who, clock="11:00", **kw).history[-1].recorder == who
    else:
        with pytest.raises(PermissionDenied, match=f"'{who}'"):
            step(case, action, who=who, clock="11:00", **kw)


def test_refusal_comes_before_any_field_check():
    # A petugas who may not record the step learns that first, not that --isi is missing.
    with pytest.raises(PermissionDenied):
        step(at_step(2), "respon", who="hendra", clock="10:00")


# -- performer names ------------------------------------------------------------------------------


def test_performer_is_the_actor_when_the_actor_has_the_role():
    entry = step(at_step(6), "koordinasi_kabid", who="hendra", clock="10:00", bidang="phpa").history[-1]
    assert (entry.performer_role, entry.performer_name, entry.recorder) == ("pimred", "Hendra Wijayanto", "hendra")


def test_performer_is_the_only_holder_of_the_role():
    entry = step(at_step(6), "koordinasi_kabid", clock="10:00", bidang="phpa").history[-1]
    assert (entry.performer_role, entry.performer_name, entry.recorder) == ("pimred", "Hendra Wijayanto", "ani")


def test_performer_named_by_the_recorder_wins_over_the_roster():
    entry = step(
        at_step(6), "koordinasi_kabid", clock="10:00", bidang="phpa", performer_name="Dewi Anggraini"
    ).history[-1]
    assert entry.performer_name == "Dewi Anggraini"


def test_performer_unknown_when_several_hold_the_role():
    config = make_config([*ROSTER, Staff("dewi", "Dewi Anggraini", ("pimred",), "dewi@example.go.id")])
    entry = step(at_step(6), "koordinasi_kabid", clock="10:00", config=config, bidang="phpa").history[-1]
    assert (entry.performer_role, entry.performer_name) == ("pimred", None)


# -- time rules ------------------------------------------------------------------------------------


def test_future_time_is_refused():
    with pytest.raises(InputError, match="masa depan"):
        apply(SOP, CONFIG, received(), Request("verifikasi", STAFF["ani"], NOW + timedelta(minutes=1)), NOW)


def test_time_now_is_accepted():
    assert apply(SOP, CONFIG, received(), Request("verifikasi", STAFF["ani"], NOW), NOW).step == 2


def test_time_before_the_previous_step_is_refused():
    case = step(received("09:00"), "verifikasi", clock="09:10")
    with pytest.raises(InputError) as info:
        step(case, "respon", clock="09:09", answer="x")
    assert "lebih awal dari langkah sebelumnya (2026-11-02T09:10:00+07:00)" in str(info.value)


def test_time_equal_to_the_previous_step_is_accepted():
    case = step(received("09:00"), "verifikasi", clock="09:00")
    assert case.history[-1].time == case.history[0].time


def test_posting_time_after_receipt_is_refused():
    with pytest.raises(InputError, match="--waktu-unggah"):
        received("09:00", posted_at=t("09:30"))


def test_posting_time_before_receipt_is_kept():
    assert timeutil.to_stored(received("09:00", posted_at=t("08:40")).posted_at) == "2026-11-02T08:40:00+07:00"


def test_times_in_another_zone_are_compared_as_moments():
    case = received("09:00")  # 02:00 UTC
    utc = timeutil.parse_moment("2026-11-02T01:59:00Z", TZ)
    with pytest.raises(InputError, match="lebih awal"):
        apply(SOP, CONFIG, case, Request("verifikasi", STAFF["ani"], utc), NOW)


# -- fields ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"platform": "myspace"}, "platform 'myspace' tidak dikenal; pilih salah satu: instagram, facebook, x, tiktok"),
        ({"kind": "surat"}, "jenis 'surat' tidak dikenal; pilih salah satu: komentar, pesan, mention"),
        ({"account": "  "}, "--akun kosong"),
        ({"text": ""}, "--isi kosong"),
    ],
)
def test_bad_intake_fields(fields, expected):
    with pytest.raises(InputError) as info:
        received(**fields)
    assert expected in str(info.value)


def test_unknown_category_and_bidang_list_the_valid_ones():
    with pytest.raises(InputError, match="kategori 'umum' tidak dikenal; pilih salah satu: kekerasan-perempuan, "):
        step(received(), "verifikasi", clock="09:05", category="umum")
    with pytest.raises(InputError, match="bidang 'humas' tidak dikenal; pilih salah satu: sekretariat, kgpp, phpa"):
        step(received(), "verifikasi", clock="09:05", bidang="humas")


def test_required_details():
    with pytest.raises(InputError, match="--alasan wajib"):
        step(received(), "bukan_pengaduan", clock="09:05")
    with pytest.raises(InputError, match="--isi wajib"):
        step(at_step(2), "respon", clock="10:00", answer="  ")
    with pytest.raises(InputError, match="--bidang wajib"):
        step(at_step(6), "koordinasi_kabid", clock="10:00")


def test_bidang_given_at_coordination_is_kept_on_the_case():
    case = step(at_step(6), "koordinasi_kabid", clock="10:00", bidang="kgpp")
    assert case.bidang == "kgpp"


def test_entry_carries_channel_answer_and_note():
    case = step(at_step(3), "teruskan_redaktur", clock="10:00", channel="whatsapp", note="  mendesak ")
    case = step(case, "jawab_redaktur", clock="10:05", answer=" Hubungi UPTD PPA. ")
    forwarded, answered = case.history[-2:]
    assert (forwarded.channel, forwarded.note) == ("whatsapp", "mendesak")
    assert answered.answer == "Hubungi UPTD PPA."



def test_forwarding_to_pimred_before_the_redaktur_had_the_standard_needs_a_reason():
    """Step 6 applies when the Redaktur gives no answer: before step 5's 10 minutes have passed
    the admin may still forward, but must write down why."""
    case = at_step(4)  # forwarded to the Redaktur at 09:15
    with pytest.raises(InputError, match=r"Redaktur baru ditunggu 5 dari 10 menit kerja .*tulis alasannya dengan --catatan"):
        step(case, "teruskan_pimred", clock="09:20")
    assert step(case, "teruskan_pimred", clock="09:20", note="Redaktur cuti").step == 6
    assert step(case, "teruskan_pimred", clock="09:25").step == 6  # the silence is a fact: no reason needed


def test_the_wait_for_the_redaktur_counts_working_minutes():
    """25 wall-clock minutes, but the desk's Monday ended at 09.18: only 3 working minutes waited."""
    from pengaduan.core.calendar import Calendar

    short_day = {"mode": "kerja", "libur_nasional": False, "jam_kerja": {"senin": {"masuk": "08:00", "pulang": "09:18"}}}
    calendar = Calendar.from_config(short_day, TZ)
    case = at_step(4)  # forwarded to the Redaktur at 09:15
    request = Request(action="teruskan_pimred", actor=STAFF["ani"], at=t("09:40"))
    with pytest.raises(InputError, match="3 dari 10 menit kerja"):
        apply(SOP, CONFIG, case, request, NOW, calendar=calendar)
    assert apply(SOP, CONFIG, case, request, NOW).step == 6  # wall-clock: 25 minutes
