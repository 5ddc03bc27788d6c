"""`core.actions`: undo, reopen, pause, resume and refer on every state they may and may not apply to.

The states are reached through the SOP's own transitions (core.workflow.apply); each action is
then taken through `apply_action`, and what the audit judges (`next_state`) must agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib.resources import files

import pytest
import yaml

from pengaduan.core import actions, sla, timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import load_config
from pengaduan.core.sop import load_sop
from pengaduan.core.workflow import Intake, Request, apply
from pengaduan.errors import InputError, PermissionDenied, SopError, TransitionError
from tests.conftest import ROSTER

TZ = timeutil.zone("Asia/Jakarta")
DATA = yaml.safe_load(files("pengaduan.data").joinpath("pengaduan.yaml").read_text("utf-8"))
SOP_DATA = yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_text("utf-8"))
SOP = load_sop(SOP_DATA)
CONFIG = load_config({**DATA, "petugas": [s.to_dict() for s in ROSTER]}, SOP)
ADMIN, REDAKTUR, PIMRED = ROSTER[0], ROSTER[2], ROSTER[3]
NOW = datetime(2030, 1, 1, tzinfo=TZ)
START = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
EXTRA = {
    "respon": {"answer": "Kami tindak lanjuti."},
    "respon_tuntas": {"answer": "Syaratnya KTP."},
    "jawab_redaktur": {"answer": "Hubungi UPTD PPA."},
    "jawab_kabid": {"answer": "Tim menjangkau."},
    "jawab_pimred": {"answer": "Sampaikan."},
    "bukan_pengaduan": {"reason": "spam"},
    "koordinasi_kabid": {"bidang": "phpa"},
}
# Every state a case can rest in, by the SOP actions that lead there.
PATHS = {
    "diterima": (),
    "diverifikasi": ("verifikasi",),
    "bukan_pengaduan": ("bukan_pengaduan",),
    "direspon": ("verifikasi", "respon"),
    "selesai_tuntas": ("verifikasi", "respon_tuntas"),
    "menunggu_redaktur": ("verifikasi", "respon", "teruskan_redaktur"),
    "selesai_redaktur": ("verifikasi", "respon", "teruskan_redaktur", "jawab_redaktur"),
    "menunggu_pimred": ("verifikasi", "respon", "teruskan_redaktur", "teruskan_pimred"),
    "koordinasi_kabid": ("verifikasi", "respon", "teruskan_redaktur", "teruskan_pimred", "koordinasi_kabid"),
}


def case_at(name: str) -> Case:
    """A case walked to a named state, one minute per step from START."""
    intake = Intake(platform="instagram", account="@warga", text="Mohon bantuan")
    case = apply(SOP, CONFIG, None, Request("terima", ADMIN, START, intake=intake), NOW, new_id="261102-AAAAAAA")
    for index, action in enumerate(PATHS[name], 1):
        note = "lebih awal" if action == "teruskan_pimred" else None
        request = Request(action, ADMIN, START + timedelta(minutes=index), note=note, **EXTRA.get(action, {}))
        case = apply(SOP, CONFIG, case, request, NOW)
    return case


def later(case: Case, minutes: int = 1) -> datetime:
    assert case.last is not None
    return case.last.time.astimezone(TZ) + timedelta(minutes=minutes)


def act(case: Case, action: str, actor=ADMIN, minutes: int = 1, **extra) -> Case:
    extra.setdefault("reason", "alasan")
    after = actions.apply_action(SOP, CONFIG, case, action, actor, later(case, minutes), NOW, **extra)
    # What the audit checks: the state it records is the one next_state gives.
    assert after.last is not None
    expected = actions.next_state(SOP, case, SOP.case_actions[action], extra.get("referral"))
    assert (after.last.step, after.last.status) == (expected.step, expected.status)
    return after


CLOSED = ("bukan_pengaduan", "selesai_tuntas", "selesai_redaktur")
OPEN = tuple(name for name in PATHS if name not in CLOSED)


# -- undo --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in PATHS if PATHS[n]])
def test_undo_returns_to_the_state_before_the_last_step(name):
    before = case_at(name)
    previous = case_at(next(n for n, p in PATHS.items() if p == PATHS[name][:-1]))
    after = act(before, "batal")
    assert (after.step, after.status) == (previous.step, previous.status)
    assert len(after.history) == len(before.history) + 1  # nothing rewritten
    assert after.history[-1].changes == {"dibatalkan": len(before.history), "aksi_dibatalkan": PATHS[name][-1]}
    assert [e.action for e in sla._steps(after, SOP)] == ["terima", *PATHS[name][:-1]]


def test_undo_refuses_step_1():
    with pytest.raises(TransitionError, match="langkah 1 .* tidak dapat dibatalkan.*--bukan-pengaduan"):
        act(case_at("diterima"), "batal")


def test_undo_then_redo_and_undo_twice():
    case = act(case_at("menunggu_redaktur"), "batal")
    assert (case.step, case.status) == (3, "direspon")
    redone = apply(SOP, CONFIG, case, Request("selesai", ADMIN, later(case)), NOW)  # the right step this time
    assert (redone.step, redone.status) == (11, "selesai")
    assert [e.action for e in sla._steps(redone, SOP)] == ["terima", "verifikasi", "respon", "selesai"]
    twice = act(act(case_at("direspon"), "batal"), "batal")  # respon, then verifikasi undone
    assert (twice.step, twice.status) == (1, "diterima")
    with pytest.raises(TransitionError, match="langkah 1"):
        act(twice, "batal")


def test_undo_skips_a_correction_and_keeps_it():
    from pengaduan.core.workflow import correct

    case = correct(case_at("direspon"), "account", "@benar", "salah ketik", ADMIN, later(case_at("direspon")))
    after = act(case, "batal")
    assert (after.step, after.status, after.account) == (2, "diverifikasi", "@benar")
    assert after.history[-1].changes["aksi_dibatalkan"] == "respon"


def test_undo_needs_a_reason_and_a_role():
    with pytest.raises(InputError, match="--alasan wajib"):
        act(case_at("direspon"), "batal", reason="  ")
    with pytest.raises(PermissionDenied, match="tidak boleh mencatat 'batal'; yang boleh: admin, pimred"):
        act(case_at("direspon"), "batal", actor=REDAKTUR)
    assert act(case_at("direspon"), "batal", actor=PIMRED).history[-1].performer_role == "pimred"


# -- reopen ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CLOSED)
def test_reopen_a_closed_case_to_the_step_the_sop_says(name):
    after = act(case_at(name), "buka_kembali")
    assert (after.step, after.status) == (2, "diverifikasi")


@pytest.mark.parametrize("name", OPEN)
def test_reopen_refuses_an_open_case(name):
    with pytest.raises(TransitionError, match="belum ditutup"):
        act(case_at(name), "buka_kembali")


def test_reopen_then_the_normal_path():
    case = act(case_at("selesai_tuntas"), "buka_kembali")
    case = apply(SOP, CONFIG, case, Request("respon", ADMIN, later(case), answer="Kami cek lagi."), NOW)
    case = apply(SOP, CONFIG, case, Request("selesai", ADMIN, later(case)), NOW)
    assert (case.step, case.status) == (11, "selesai")
    figures = sla.case_figures(case, SOP, TZ)
    assert figures.reopened == 1
    # Closed for a minute, then reopened: that minute stands still on the clock.
    assert figures.settle == (case.last.time - START).total_seconds() / 60 - 1


# -- pause and resume --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", OPEN)
def test_pause_then_resume_an_open_case(name):
    before = case_at(name)
    paused = act(before, "tunda")
    assert (paused.step, paused.status) == (before.step, "ditunda")
    resumed = act(paused, "lanjutkan", reason=None)
    assert (resumed.step, resumed.status) == (before.step, before.status)


@pytest.mark.parametrize("name", CLOSED)
def test_pause_refuses_a_closed_case(name):
    with pytest.raises(TransitionError, match="hanya untuk kasus terbuka"):
        act(case_at(name), "tunda")


def test_paused_case_takes_no_step_and_no_second_pause():
    paused = act(case_at("direspon"), "tunda")
    with pytest.raises(TransitionError, match="sedang ditunda.*lanjutkan"):
        apply(SOP, CONFIG, paused, Request("selesai", ADMIN, later(paused)), NOW)
    with pytest.raises(TransitionError, match="sedang ditunda"):
        act(paused, "tunda")
    with pytest.raises(TransitionError, match="sedang ditunda"):
        act(paused, "rujuk", referral="Polrestabes")


@pytest.mark.parametrize("name", [*OPEN, *CLOSED])
def test_resume_refuses_a_case_not_paused(name):
    with pytest.raises(TransitionError, match="tidak sedang ditunda"):
        act(case_at(name), "lanjutkan")


def test_undo_a_pause_and_a_resume():
    paused = act(case_at("direspon"), "tunda")
    assert act(paused, "batal").status == "direspon"
    resumed = act(paused, "lanjutkan")
    assert act(resumed, "batal").status == "ditunda"


# -- refer -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["diterima", "diverifikasi", "direspon"])
def test_refer_closes_the_case_with_the_body_recorded(name):
    after = act(case_at(name), "rujuk", referral="UPTD PPA Kota Semarang")
    assert (after.step, after.status) == (case_at(name).step, "dirujuk")
    assert after.history[-1].changes == {"dirujuk_ke": "UPTD PPA Kota Semarang"}
    assert after.status in SOP.final_statuses
    assert sla.path_of(after, SOP) == sla.PATH_REFERRED
    assert (act(after, "buka_kembali").step, act(after, "buka_kembali").status) == (2, "diverifikasi")


@pytest.mark.parametrize("name", ["menunggu_redaktur", "menunggu_pimred", "koordinasi_kabid"])
def test_refer_only_from_the_steps_the_sop_names(name):
    with pytest.raises(TransitionError, match="hanya dari langkah 1, 2, 3"):
        act(case_at(name), "rujuk", referral="Polrestabes")


@pytest.mark.parametrize("name", CLOSED)
def test_refer_refuses_a_closed_case(name):
    with pytest.raises(TransitionError, match="hanya untuk kasus terbuka"):
        act(case_at(name), "rujuk", referral="Polrestabes")


def test_refer_needs_the_body():
    with pytest.raises(InputError, match="--ke wajib"):
        act(case_at("diverifikasi"), "rujuk")


def test_time_never_goes_back():
    case = case_at("direspon")
    with pytest.raises(InputError, match="lebih awal dari entri terakhir"):
        act(case, "tunda", minutes=-5)


# -- the SOP data ------------------------------------------------------------------------------------
def test_an_sop_without_aksi_kasus_loads_and_says_how_to_add_them():
    old = {k: v for k, v in SOP_DATA.items() if k != "aksi_kasus"}
    sop = load_sop(old)
    assert sop.case_actions == {} and sop.final_statuses == ("selesai", "bukan_pengaduan", "duplikat")
    with pytest.raises(SopError, match="'tunda' belum ada di sop.yaml store ini.*pengaduan atur sop perbarui"):
        sop.case_action("tunda")


@pytest.mark.parametrize(
    "change,message",
    [
        ({"hapus": {"perintah": "hapus ID", "peran": ["admin"]}}, "'hapus' tidak dikenal"),
        ({"tunda": {"perintah": "jeda ID --alasan TEKS", "peran": ["admin"], "status": "ditunda"}}, "harus 'tunda ID'"),
        ({"tunda": {"perintah": "tunda ID", "peran": ["humas"], "status": "ditunda"}}, "peran 'humas' yang tidak dikenal"),
        ({"tunda": {"perintah": "tunda ID", "peran": ["admin"], "status": "direspon"}}, "sudah dipakai transisi"),
        ({"rujuk": {"perintah": "rujuk ID --ke INSTANSI", "peran": ["admin"], "status": "dirujuk", "dari": [99]}},
         "langkah 99"),
        ({"buka_kembali": {"perintah": "buka-kembali ID", "peran": ["admin"], "ke": 4, "status": "diverifikasi"}},
         "bukan keadaan terbuka"),
    ],
)  # fmt: skip
def test_bad_aksi_kasus_is_refused(change, message):
    data = {**SOP_DATA, "aksi_kasus": {**SOP_DATA["aksi_kasus"], **change}}
    with pytest.raises(SopError, match=message):
        load_sop(data)


def test_needs_come_from_perintah():
    data = {**SOP_DATA, "aksi_kasus": {**SOP_DATA["aksi_kasus"], "tunda": {"perintah": "tunda ID", "peran": ["admin"],
                                                                             "status": "ditunda"}}}  # fmt: skip
    sop = load_sop(data)
    case = actions.apply_action(sop, CONFIG, case_at("direspon"), "tunda", ADMIN, later(case_at("direspon")), NOW)
    assert case.status == "ditunda" and case.history[-1].note is None  # no --alasan needed by this SOP
