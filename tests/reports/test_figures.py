"""Report figures as pure functions of cases: no store, no HTML (monthly), or a fixture store read once (daily)."""

from __future__ import annotations

from datetime import date, datetime
from importlib.resources import files

import pytest
import yaml

from pengaduan.app.context import Desk
from pengaduan.app.privacy import for_sharing
from pengaduan.core import timeutil
from pengaduan.core.calendar import Calendar
from pengaduan.core.config import load_config
from pengaduan.core.sop import load_sop
from pengaduan.core.workflow import Intake, Request, apply
from pengaduan.reports import charts, figures
from pengaduan.reports.daily import daily_figures, day_bounds
from pengaduan.reports.monthly import month_bounds, monthly_figures
from pengaduan.store import spans as index
from pengaduan.store.cache import BlobCache
from tests.conftest import ROSTER
from tests.reports.conftest import DAILY_EXPECTED, build_daily

SOP = load_sop(yaml.safe_load(files("pengaduan.data").joinpath("sop.yaml").read_text()))
CONFIG = load_config({**yaml.safe_load(files("pengaduan.data").joinpath("pengaduan.yaml").read_text()), "petugas": []})
TZ = timeutil.zone("Asia/Jakarta")
WALL = Calendar.always_open(TZ)  # every minute counts: durations below are plain clock arithmetic
STAFF = {s.code: s for s in ROSTER}
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=TZ)


def case(number: int, platform: str, steps: list[tuple[str, str]], kind: str = "komentar", **fields):
    """A case built by the pure workflow: steps are (action, 'MM-DD HH:MM' in 2026)."""
    current = None
    for action, when in steps:
        moment = datetime.fromisoformat(f"2026-{when}").replace(tzinfo=TZ)
        who = STAFF["rina"] if action == "jawab_redaktur" else STAFF["ani"]
        details = {"answer": "jawaban"} if SOP.transition(action).needs_answer else {}
        intake = Intake(platform=platform, account=f"@warga{number}", text=f"aduan {number}", kind=kind, **fields)
        if action == "koordinasi_kabid":
            details["bidang"] = "phpa"
        note = None
        if action == "bukan_pengaduan":  # the reason, as the note (and as the field newer code reads)
            note = details["reason"] = "spam"
        request = Request(action, who, moment, note=note, intake=intake if action == "terima" else None, **details)
        current = apply(SOP, CONFIG, current, request, NOW, f"x-{number}")
    return current


@pytest.fixture(scope="module")
def october():
    """Cases of October 2026 (and two of September), with a later step recorded in November."""
    return [
        case(1, "instagram", [("terima", "10-05 09:00"), ("verifikasi", "10-05 09:04"), ("respon_tuntas", "10-05 09:08")]),
        case(2, "facebook", [
            ("terima", "10-06 09:00"), ("verifikasi", "10-06 09:05"), ("respon", "10-06 09:10"),
            ("teruskan_redaktur", "10-06 09:15"), ("jawab_redaktur", "10-06 09:30"),
        ], kind="pesan"),
        case(3, "x", [
            ("terima", "10-13 10:00"), ("verifikasi", "10-13 10:05"), ("respon", "10-13 10:10"),
            ("teruskan_redaktur", "10-13 10:15"), ("teruskan_pimred", "10-13 10:40"),
            ("koordinasi_kabid", "10-13 10:45"), ("koordinasi_kadin", "10-13 10:50"),
            ("jawab_kabid", "10-13 11:00"), ("jawab_pimred", "10-13 11:10"), ("selesai", "10-13 11:15"),
        ]),
        case(4, "tiktok", [("terima", "10-20 09:00"), ("bukan_pengaduan", "10-20 09:02")]),
        case(5, "instagram", [("terima", "10-30 15:00"), ("verifikasi", "10-30 15:10"), ("respon", "11-02 08:00")]),
        case(6, "x", [("terima", "10-31 10:00")], kind="mention"),
        case(7, "instagram", [("terima", "09-29 09:00"), ("verifikasi", "09-29 09:03"), ("respon_tuntas", "09-29 09:05")]),
        case(8, "youtube", [("terima", "09-30 09:00"), ("verifikasi", "10-01 09:20"), ("respon_tuntas", "10-01 09:30")]),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def report(october):
    _, end = month_bounds(2026, 10, TZ)
    return monthly_figures(october, 2026, 10, end, SOP, CONFIG, TZ, WALL)


def test_monthly_totals_as_at_the_end_of_the_month(report):
    s = report.summary
    # Case 5's step 3 (2 November) is after the cutoff: it is still open at step 2 in October.
    assert (s.received, s.complaints, s.not_complaints, s.settled, s.open) == (6, 5, 1, 3, 2)
    assert s.first_response == 10  # cases 1, 2, 3: 8, 10 and 10 minutes
    assert s.settle_time == 30  # cases 1, 2, 3: 8, 30 and 75 minutes
    assert report.month_over


def test_monthly_breakdowns(report):
    assert dict(report.by_platform)["Instagram"] == 2  # cases 1 and 5 (case 7 is September)
    assert dict(report.by_platform)["TikTok"] == 1
    assert dict(report.by_kind) == {"Komentar": 4, "Pesan langsung": 1, "Mention": 1}
    assert dict(report.by_status) == {"Diverifikasi": 1, "Diterima": 1, "Selesai": 3, "Bukan pengaduan": 1}
    assert [(w.label, w.received, w.not_complaints) for w in report.by_week] == [
        ("Minggu I", 2, 0), ("Minggu II", 1, 0), ("Minggu III", 1, 1), ("Minggu IV", 0, 0), ("Minggu V", 2, 0)
    ]  # fmt: skip
    assert report.by_week[-1].last == date(2026, 10, 31)
    paths = {p.path: (p.count, p.settled, p.open) for p in report.by_path}
    assert paths == {"admin": (3, 1, 2), "redaktur": (1, 1, 0), "eskalasi": (1, 1, 0), "bukan_pengaduan": (1, 1, 0),
                     "dirujuk": (0, 0, 0), "duplikat": (0, 0, 0)}  # fmt: skip
    per_day = {d.day.day: (d.complaints, d.not_complaints) for d in report.per_day if d.total}
    assert per_day == {5: (1, 0), 6: (1, 0), 13: (1, 0), 20: (0, 1), 30: (1, 0), 31: (1, 0)}
    assert len(report.per_day) == 31


def test_monthly_steps_count_work_done_in_the_month(report):
    rows = {r.step: r for r in report.steps}
    assert rows[1].done == 6  # case 8 was received in September
    # Step 2: 4, 5, 5, 2, 10 minutes, and case 8 (received 30 Sep, verified 1 Oct after 1,460 minutes).
    assert rows[2].done == 6 and rows[2].median == 5 and rows[2].p90 == 1460 and rows[2].met == 5
    assert rows[3].done == 4
    assert rows[6].done == 1 and rows[6].median == 15  # from when the Redaktur's 10 minutes ran out
    assert rows[11].done == 1


def test_monthly_comparison_with_the_previous_month(report):
    p = report.previous
    assert (p.year, p.month, p.received, p.settled, p.open) == (2026, 9, 2, 1, 1)


@pytest.fixture(scope="module")
def daily_store(tmp_path_factory):
    return build_daily(tmp_path_factory.mktemp("daily") / "store", port=9)


def test_daily_figures_match_the_hand_count(daily_store):
    store, ids = daily_store
    _, end = day_bounds(date(2026, 11, 2), store.tz)
    shared = for_sharing(Desk(store), store.load_all())  # what a report may show of each case
    r = daily_figures(shared, date(2026, 11, 2), end, store.sop, store.config, store.tz, Desk(store).calendar)
    got = {key: (len(value) if isinstance(value := getattr(r, key), list) else value) for key in DAILY_EXPECTED}
    assert got == DAILY_EXPECTED
    assert dict(r.by_platform) == {"Instagram": 2, "Facebook": 1, "X": 1, "TikTok": 1, "YouTube": 0, "Threads": 0}
    assert [c.id for c in r.touched] == [ids[k] for k in "abcde"]
    e = next(c for c in r.touched if c.id == ids["e"])
    # The next morning's verification is not yet known at the end of the report day.
    assert (e.step, e.status, e.awaited, e.minutes) == (1, "Diterima", 2, 240)  # 11.00-16.00 less the lunch hour
    assert [c.id for c in r.overdue][0] == ids["old"]  # worst first
    a = next(c for c in r.touched if c.id == ids["a"])
    assert a.account == "@wa***23" and "0812" not in a.summary and a.minutes == 10
    steps = {row.step: (row.done, row.met) for row in r.steps}
    assert steps[1] == (5, 5) and steps[6] == (1, 1) and steps[8] == (0, 0)


def test_median_and_percentile():
    assert figures.median([]) is None
    assert figures.median([3, 1, 2]) == 2
    assert figures.median([4, 1, 2, 3]) == 2.5
    assert figures.percentile(list(range(1, 11)), 90) == 9
    assert figures.percentile([5], 90) == 5


def test_chart_scale_is_round():
    assert charts.nice_max(7) == (8, 2)
    assert charts.nice_max(300) == (300, 100)
    assert charts.nice_max(0) == (1, 1)


def test_span_index_reads_only_the_cases_a_day_needs(daily_store):
    store, ids = daily_store
    (store.private_dir() / index.FILE).unlink(missing_ok=True)
    next_day = date(2026, 11, 3)
    start, end = day_bounds(next_day, store.tz)
    first = {c.id for c in index.load_relevant(store, "HEAD", index.day_keep(start, end))}
    # A, B and D were closed on 2 November and not touched since; C and the old case are open; E was verified.
    assert first == {ids["c"], ids["old"], ids["e"]}
    again = {c.id for c in index.load_relevant(store, "HEAD", index.day_keep(start, end))}  # from the index now
    assert again == first
    spans = BlobCache(store.private_dir() / index.FILE)
    assert len(spans.get_many(b for _, b in store.git.ls_tree("HEAD", "kasus"))) == 6
    spans.close()
    day_start, day_end = day_bounds(date(2026, 11, 2), store.tz)
    args = (date(2026, 11, 2), day_end, store.sop, store.config, store.tz, Desk(store).calendar)
    relevant = index.load_relevant(store, "HEAD", index.day_keep(day_start, day_end))
    assert daily_figures(relevant, *args) == daily_figures(store.load_all(), *args)


def test_months_keep_drops_only_cases_without_entries_in_the_two_months(october):
    _, end = month_bounds(2026, 10, TZ)
    september, _ = month_bounds(2026, 9, TZ)
    keep = index.months_keep(september, end)
    august = case(9, "instagram", [("terima", "08-03 09:00"), ("verifikasi", "08-03 09:04")])  # open, untouched since
    kept = [c for c in [*october, august] if keep(index.span_of(c, SOP))]
    assert [c.id for c in kept] == [c.id for c in october]
    figures_all = monthly_figures([*october, august], 2026, 10, end, SOP, CONFIG, TZ, WALL)
    assert monthly_figures(kept, 2026, 10, end, SOP, CONFIG, TZ, WALL) == figures_all


def test_referred_reopened_paused_and_undone_are_counted_apart_in_the_month():
    from pengaduan.core.actions import apply_action

    ani = STAFF["ani"]

    def act(current, action, when, **extra):
        moment = datetime.fromisoformat(f"2026-{when}").replace(tzinfo=TZ)
        return apply_action(SOP, CONFIG, current, action, ani, moment, NOW, reason="alasan", **extra)

    referred = act(case(1, "instagram", [("terima", "10-05 09:00"), ("verifikasi", "10-05 09:04")]),
                   "rujuk", "10-05 09:10", referral="Polrestabes Semarang")  # fmt: skip
    reopened = act(case(2, "x", [("terima", "10-06 09:00"), ("verifikasi", "10-06 09:02"), ("respon_tuntas", "10-06 09:05")]),
                   "buka_kembali", "10-06 10:00")  # fmt: skip
    paused = act(act(case(3, "x", [("terima", "10-07 09:00"), ("verifikasi", "10-07 09:02")]), "tunda", "10-07 09:04"),
                 "lanjutkan", "10-07 11:04")  # fmt: skip
    undone = act(case(4, "x", [("terima", "10-08 09:00"), ("verifikasi", "10-08 09:02"), ("respon", "10-08 09:05")]),
                 "batal", "10-08 09:06")  # fmt: skip
    plain = case(5, "x", [("terima", "10-09 09:00"), ("verifikasi", "10-09 09:02"), ("respon_tuntas", "10-09 09:05")])
    end = datetime(2026, 10, 31, 23, 59, 59, tzinfo=TZ)
    report = monthly_figures([referred, reopened, paused, undone, plain], 2026, 10, end, SOP, CONFIG, TZ, WALL)
    s = report.summary
    assert (s.received, s.complaints, s.settled, s.open) == (5, 5, 1, 3)  # the referral is closed but not settled
    assert (s.referred, s.reopened, s.paused, s.paused_minutes, s.undone) == (1, 1, 1, 120, 1)
    paths = {p.path: (p.count, p.settled, p.open) for p in report.by_path}
    assert paths["dirujuk"] == (1, 1, 0)
    assert dict(report.by_status)["Dirujuk ke instansi lain"] == 1
    assert report.steps[2].done == 2  # step 3: cases 2 and 5; case 4's respon was undone
