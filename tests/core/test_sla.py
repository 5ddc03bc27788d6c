"""`core.sla`: step timings, case-level figures per path, and what an open case waits for."""

from __future__ import annotations

from datetime import datetime
from importlib.resources import files

import pytest
import yaml

from pengaduan.core import sla, timeutil
from pengaduan.core.calendar import Calendar
from pengaduan.core.case import Case
from pengaduan.core.config import Staff, load_config
from pengaduan.core.sop import load_sop
from pengaduan.core.workflow import Intake, Request, apply
from tests.conftest import ROSTER

TZ = timeutil.zone("Asia/Jakarta")
DATA = yaml.safe_load(files("pengaduan.data").joinpath("pengaduan.yaml").read_text("utf-8"))
SOP = load_sop(yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_text("utf-8")))
CONFIG = load_config({**DATA, "petugas": [s.to_dict() for s in ROSTER]})
OFFICE = Calendar.from_config(DATA["kalender"], TZ)
ADMIN = ROSTER[0]
NOW = datetime(2030, 1, 1, tzinfo=TZ)
EXTRA = {  # what some actions need besides a time
    "respon": {"answer": "Kami tindak lanjuti."},
    "respon_tuntas": {"answer": "Syaratnya KTP."},
    "jawab_redaktur": {"answer": "Hubungi UPTD PPA."},
    "jawab_kabid": {"answer": "Tim menjangkau."},
    "jawab_pimred": {"answer": "Sampaikan."},
    "bukan_pengaduan": {"note": "spam", "reason": "spam"},
    "koordinasi_kabid": {"bidang": "phpa"},
}


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def walk(received: str, *steps: tuple[str, str], posted: str | None = None, case_id: str = "261102-AAAAAAA") -> Case:
    """A case received at `received`, then each (action, time) recorded by the admin."""
    intake = Intake(platform="instagram", account="@warga", text="Mohon bantuan", posted_at=t(posted) if posted else None)
    case = apply(SOP, CONFIG, None, Request("terima", ADMIN, t(received), intake=intake), NOW, new_id=case_id)
    for action, when in steps:
        case = apply(SOP, CONFIG, case, Request(action, ADMIN, t(when), **EXTRA.get(action, {})), NOW)
    return case


FIRST = (("verifikasi", "2026-11-02 09:05"), ("respon", "2026-11-02 09:08"))
SILENT = (*FIRST, ("teruskan_redaktur", "2026-11-02 09:15"), ("teruskan_pimred", "2026-11-02 09:30"))


# -- step timings ------------------------------------------------------------------------------------
def test_steps_are_measured_in_working_minutes() -> None:
    case = walk("2026-11-02 11:50", ("verifikasi", "2026-11-02 13:05"), ("respon", "2026-11-02 13:09"))
    timings = sla.step_timings(case, SOP, TZ, OFFICE)
    assert [(x.step, x.minutes, x.met) for x in timings] == [(1, 0, True), (2, 15, False), (3, 4, True)]
    assert timings[1].wall_minutes == 75  # the lunch break is wall-clock time, not working time


def test_without_calendar_minutes_are_wall_clock() -> None:
    case = walk("2026-11-02 11:50", ("verifikasi", "2026-11-02 13:05"))
    assert [x.minutes for x in sla.step_timings(case, SOP, TZ)] == [0, 75]


def test_step_one_runs_from_posting_time_saturday_night() -> None:
    case = walk("2026-11-02 07:33", posted="2026-10-31 21:40")  # posted Saturday night
    (first,) = sla.step_timings(case, SOP, TZ, OFFICE)
    assert first.start == t("2026-10-31 21:40")
    assert first.minutes == pytest.approx(3)  # the clock started on Monday at 07.30
    assert first.met and first.wall_minutes > 2000


def test_step_six_runs_from_when_the_redaktur_is_silent() -> None:
    case = walk("2026-11-02 09:00", *SILENT)
    six = sla.step_timings(case, SOP, TZ, OFFICE)[-1]
    # forwarded to the Redaktur 09.15; silent from 09.25 (step 5's 10 minutes); forwarded up 09.30
    assert (six.step, six.start, six.minutes, six.met) == (6, t("2026-11-02 09:25"), 5, True)


# -- case-level figures -------------------------------------------------------------------------------
def test_case_figures_per_path() -> None:
    cases = {
        "admin": walk("2026-11-02 09:00", ("verifikasi", "2026-11-02 09:05"), ("respon_tuntas", "2026-11-02 09:08")),
        "redaktur": walk(
            "2026-11-02 15:50",
            ("verifikasi", "2026-11-02 15:55"),
            ("respon", "2026-11-02 15:58"),
            ("teruskan_redaktur", "2026-11-02 15:59"),
            ("jawab_redaktur", "2026-11-03 07:45"),
        ),
        "escalated": walk(
            "2026-11-02 09:00",
            *SILENT,
            ("koordinasi_kabid", "2026-11-02 09:40"),
            ("koordinasi_kadin", "2026-11-02 09:50"),
            ("jawab_kabid", "2026-11-02 10:00"),
            ("jawab_pimred", "2026-11-02 10:10"),
            ("selesai", "2026-11-02 10:15"),
        ),
        "spam": walk("2026-11-02 09:00", ("bukan_pengaduan", "2026-11-02 09:20")),
        "still_open": walk("2026-11-02 09:00", *FIRST),
    }
    figures = {name: sla.case_figures(case, SOP, TZ, OFFICE) for name, case in cases.items()}

    assert {name: f.path for name, f in figures.items()} == {
        "admin": "admin",
        "redaktur": "redaktur",
        "escalated": "eskalasi",
        "spam": "bukan_pengaduan",
        "still_open": "admin",
    }
    assert (figures["admin"].first_response, figures["admin"].settle, figures["admin"].settle_standard) == (8, 8, 20)
    assert figures["admin"].first_response_met and figures["admin"].settle_met
    # 15.50 -> 16.00 on Monday, then 07.30 -> 07.45 on Tuesday: the night does not count
    assert (figures["redaktur"].first_response, figures["redaktur"].settle, figures["redaktur"].settle_standard) == (8, 25, 40)
    # 5+10+5+10 +10 (Redaktur's silence) +10*5 +5
    assert (figures["escalated"].settle, figures["escalated"].settle_standard) == (75, 95)
    assert (figures["spam"].first_response, figures["spam"].settle, figures["spam"].settle_standard) == (None, 20, 15)
    assert figures["spam"].settle_met is False
    assert (figures["still_open"].first_response, figures["still_open"].settle) == (8, None)


# -- what an open case waits for -----------------------------------------------------------------------
def test_waiting_at_step_four_is_for_the_redaktur_then_step_six_by_the_admin() -> None:
    case = walk("2026-11-02 09:00", *FIRST, ("teruskan_redaktur", "2026-11-02 09:15"))
    close = sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-02 09:23"))
    assert (close.at_step, close.step, close.role, close.used, close.allowed) == (4, 5, "redaktur", 8, 10)
    assert close.close and not close.overdue and close.due == t("2026-11-02 09:25")
    late = sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-02 09:31"))
    assert late.overdue
    e = late.escalation
    assert (e.step, e.role, e.since, e.used, e.allowed) == (6, "admin", t("2026-11-02 09:25"), 6, 10)
    assert e.command == f"pengaduan teruskan {case.id} --ke pimred"


def test_waiting_after_escalation_names_the_next_step() -> None:
    case = walk("2026-11-02 09:00", *SILENT)
    w = sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-02 09:45"))
    assert (w.step, w.role, w.used, w.overdue) == (7, "pimred", 15, True)
    assert (w.escalation.step, w.escalation.role) == (7, "pimred")
    assert w.escalation.command.startswith(f"pengaduan koordinasi {case.id} --dengan kabid")


def test_waiting_at_step_three_allows_the_longer_way_on() -> None:
    w = sla.waiting(walk("2026-11-02 09:00", *FIRST), SOP, TZ, OFFICE, t("2026-11-02 09:16"))
    assert (w.step, w.allowed, w.close) == (4, 10, True)  # forward to the Redaktur (10), not answer (5)


def test_thresholds_are_75_percent_and_strictly_past_the_standard() -> None:
    case = walk("2026-11-02 09:00")  # waits for step 2 (10 minutes)
    states = {}
    for minute in ("09:07", "09:07:30", "09:10", "09:10:30"):
        w = sla.waiting(case, SOP, TZ, OFFICE, datetime.fromisoformat(f"2026-11-02T{minute}").replace(tzinfo=TZ))
        states[minute] = (w.close, w.overdue)
    assert states == {
        "09:07": (False, False),
        "09:07:30": (True, False),
        "09:10": (True, False),  # exactly the standard is still within it
        "09:10:30": (False, True),
    }


def test_waiting_is_evaluated_on_the_history_as_of_the_moment() -> None:
    case = walk("2026-11-02 09:00", *FIRST)
    assert sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-02 08:59")) is None  # not received yet
    before = sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-02 09:04"))
    assert (before.at_step, before.step, before.used) == (1, 2, 4)
    closed = walk("2026-11-02 09:00", ("verifikasi", "2026-11-02 09:05"), ("respon_tuntas", "2026-11-02 09:08"))
    assert sla.waiting(closed, SOP, TZ, OFFICE, t("2026-11-03 09:00")) is None


def test_saturday_night_case_is_not_late_until_monday() -> None:
    case = walk("2026-10-31 21:40")
    assert sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-02 07:29")).used == 0
    w = sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-02 07:41"))
    assert (w.used, w.overdue, w.due) == (11, True, t("2026-11-02 07:40"))


def test_late_list_is_worst_first_and_leaves_out_the_rest() -> None:
    moment = t("2026-11-02 10:00")
    cases = [
        walk("2026-11-02 09:52", case_id="261102-CLOSE00"),  # 8 of 10: close
        walk("2026-11-02 09:55", case_id="261102-FRESH00"),  # 5 of 10: left out
        walk("2026-11-02 09:30", ("verifikasi", "2026-11-02 09:35"), case_id="261102-WORST00"),  # 25 of 5
        walk("2026-11-02 09:40", case_id="261102-LATE000"),  # 20 of 10
        walk(
            "2026-11-02 09:00",
            ("verifikasi", "2026-11-02 09:05"),
            ("respon_tuntas", "2026-11-02 09:08"),
            case_id="261102-DONE000",
        ),
    ]
    late = sla.late_list(cases, SOP, TZ, OFFICE, moment)
    assert [(w.case.id, w.overdue) for w in late] == [
        ("261102-WORST00", True),
        ("261102-LATE000", True),
        ("261102-CLOSE00", False),
    ]
    assert [w.case.id for w in sla.escalations(cases, SOP, TZ, OFFICE, moment)] == ["261102-WORST00", "261102-LATE000"]


def test_responsible_is_the_kabid_of_the_case_bidang() -> None:
    other = Staff("dewi", "Dewi Anggraeni", ("kabid",), "dewi@example.go.id", "kbkie")
    config = load_config({**DATA, "petugas": [s.to_dict() for s in (*ROSTER, other)]})
    case = walk("2026-11-02 09:00", *SILENT, ("koordinasi_kabid", "2026-11-02 09:40"))  # bidang phpa
    assert [s.code for s in sla.responsible(config, "kabid", case)] == ["sri"]
    assert [s.code for s in sla.responsible(config, "kabid", walk("2026-11-02 09:00"))] == ["sri", "dewi"]
    assert [s.code for s in sla.responsible(config, "admin", case)] == ["ani", "bayu"]


# -- a paused case: the clock stands still -----------------------------------------------------------
def pause(case: Case, when: str) -> Case:
    from pengaduan.core.actions import apply_action

    return apply_action(SOP, CONFIG, case, "tunda", ADMIN, t(when), NOW, reason="menunggu alamat pelapor")


def resume(case: Case, when: str) -> Case:
    from pengaduan.core.actions import apply_action

    return apply_action(SOP, CONFIG, case, "lanjutkan", ADMIN, t(when), NOW)


def test_pause_across_a_weekend_stops_the_clock() -> None:
    # Verified Friday 6 Nov 15:50; paused 15:53 (waiting for the reporter) until Monday 9 Nov 10:00.
    verified = walk("2026-11-06 15:45", ("verifikasi", "2026-11-06 15:50"))
    case = resume(pause(verified, "2026-11-06 15:53"), "2026-11-09 10:00")
    wait = sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-09 10:01"))
    assert wait is not None and not wait.paused
    assert wait.since == t("2026-11-06 15:50")
    assert wait.used == 4  # 3 working minutes on Friday, 1 on Monday: the pause is not counted
    assert wait.due == t("2026-11-09 10:02")  # step 3's 5 minutes: 3 before the pause, 2 after it
    unpaused = sla.waiting(verified, SOP, TZ, OFFICE, t("2026-11-09 10:01"))
    assert unpaused is not None and unpaused.used == 40 + 151  # Friday to 16.30, Monday from 07.30
    case = apply(SOP, CONFIG, case, Request("respon", ADMIN, t("2026-11-09 10:02"), answer="Baik."), NOW)
    timing = sla.step_timings(case, SOP, TZ, OFFICE)[-1]
    assert (timing.step, timing.minutes, timing.met) == (3, 5, True)
    figures = sla.case_figures(case, SOP, TZ, OFFICE)
    assert figures.paused == 37 + 150  # Friday 15.53-16.30 and Monday 07.30-10.00, in working minutes
    assert figures.first_response == 5 + 5  # received 15.45: 5 to verify, 5 more to respond (pause left out)


def test_a_paused_case_is_never_late_until_the_pause_is_too_long() -> None:
    case = pause(walk("2026-11-02 09:00", ("verifikasi", "2026-11-02 09:05")), "2026-11-02 09:06")
    wait = sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-06 15:00"), pause_limit_days=5)
    assert wait is not None and wait.paused and not wait.overdue and not wait.close
    assert wait.used == 1 and wait.paused_since == t("2026-11-02 09:06")
    assert wait.pause_limit == datetime(2026, 11, 9).date()  # the fifth working day after Monday 2 Nov
    assert not wait.pause_too_long
    assert sla.late_list([case], SOP, TZ, OFFICE, t("2026-11-09 16:00"), 5) == []
    late = sla.late_list([case], SOP, TZ, OFFICE, t("2026-11-10 07:31"), 5)
    assert [(w.case.id, w.pause_too_long, w.overdue) for w in late] == [(case.id, True, False)]
    assert sla.escalations([case], SOP, TZ, OFFICE, t("2026-11-30 10:00")) == []  # nobody is chased while paused


def test_an_undone_step_no_longer_counts() -> None:
    from pengaduan.core.actions import apply_action

    case = walk("2026-11-02 09:00", *FIRST, ("teruskan_redaktur", "2026-11-02 09:15"))
    case = apply_action(SOP, CONFIG, case, "batal", ADMIN, t("2026-11-02 09:20"), NOW, reason="salah teruskan")
    assert [x.step for x in sla.step_timings(case, SOP, TZ, OFFICE)] == [1, 2, 3]
    wait = sla.waiting(case, SOP, TZ, OFFICE, t("2026-11-02 09:21"))
    assert wait is not None and (wait.at_step, wait.step, wait.since) == (3, 4, t("2026-11-02 09:08"))
    assert sla.case_figures(case, SOP, TZ, OFFICE).undone == 1
