"""Benchmark of the reports (issue 3): the daily report of a busy day, the monthly report of a big month.

Run by hand (not collected by pytest):

    python3 tests/bench/bench_reports.py [--runs 3] [--month-cases 5000] [--day-cases 300]

It builds one store quickly: cases are made by the pure workflow (the same `apply` the store
uses), written straight into kasus/ and committed with one `git add` + `git commit` through the
store's Git class. November 2026 holds --month-cases cases, of which --day-cases are received and
handled on Wednesday 18 November (so that day touches that many cases); October holds 4,000 for
the comparison. About 8 % of the cases stay open, but only from the busy day on (and a dozen
stragglers before it): a desk closes its cases, so the busy day's overdue list is a few dozen.

Then it times, each as a whole `python -m pengaduan` process (median of --runs):
- `laporan harian --format html` and `--format semua` for 18 November (written with --keluaran
  to a fresh folder, so every run renders);
- `laporan bulanan susun` for November (a new --kesimpulan each run, so every run renders and
  commits the HTML and the PDF);
and, in one process, the parts: reading the cases (cold and warm cache), figures, HTML, PDF.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run from a checkout without installing
sys.path.insert(0, str(REPO / "tests" / "bench"))  # bench_store's timer

from bench_store import timed  # noqa: E402

from pengaduan.app.context import Desk  # noqa: E402
from pengaduan.core.config import Staff  # noqa: E402
from pengaduan.core.ids import ALPHABET  # noqa: E402
from pengaduan.core.workflow import Intake, Request, apply  # noqa: E402
from pengaduan.store import layout, yamlio  # noqa: E402
from pengaduan.store.store import Store  # noqa: E402

ROSTER = [
    Staff("ani", "Ani Lestari", ("admin",), "ani@example.go.id"),
    Staff("rina", "Rina Kartikasari", ("redaktur",), "rina@example.go.id"),
    Staff("hendra", "Hendra Wijayanto", ("pimred",), "hendra@example.go.id"),
    Staff("sri", "Sri Wahyuningsih", ("kabid",), "sri@example.go.id", "phpa"),
]
BUSY_DAY = date(2026, 11, 18)
PLATFORMS = ["instagram", "facebook", "x", "tiktok", "youtube", "threads"]
KINDS = ["komentar", "pesan", "mention"]
CATEGORIES = ["kekerasan-perempuan", "kekerasan-anak", "hak-anak", "kb", "kependudukan", "layanan", "informasi"]
BIDANG = ["kgpp", "phpa", "kbkie", "dalduk", "uptd-ppa"]
TEXTS = [
    "Min, syarat pendaftaran konseling keluarga di PUSPAGA apa saja ya? Sudah telepon tidak diangkat.",
    "Tetangga saya sering memukul anaknya sampai terdengar menangis tiap malam. Harus lapor ke mana?",
    "Jadwal pelayanan KB gratis di Kabupaten Demak bulan ini kapan ya?",
    "Data penerima bantuan keluarga berisiko stunting di desa kami tidak sesuai kenyataan.",
    "Saya korban KDRT, apakah ada rumah aman di Semarang? Tolong segera.",
]
# (share, path): the steps after 'terima', as (action, minutes after the previous step).
PATHS = [
    (0.45, [("verifikasi", 4), ("respon_tuntas", 4)]),
    (0.05, [("verifikasi", 4), ("respon", 3), ("selesai", 6)]),
    (0.22, [("verifikasi", 5), ("respon", 4), ("teruskan_redaktur", 5), ("jawab_redaktur", 8)]),
    (0.08, [("verifikasi", 3), ("respon", 4), ("teruskan_redaktur", 4), ("teruskan_pimred", 14), ("koordinasi_kabid", 6),
            ("koordinasi_kadin", 9), ("jawab_kabid", 12), ("jawab_pimred", 7), ("selesai", 4)]),
    (0.12, [("bukan_pengaduan", 3)]),
    (0.05, [("verifikasi", 6)]),
    (0.03, []),
]  # fmt: skip
OPEN_PATHS = [PATHS[-2][1], PATHS[-1][1]]
STRAGGLERS = 12  # older cases still open on the busy day


def make_case(store: Store, rng: random.Random, number: int, received: datetime, now: datetime, may_stay_open: bool):
    staff = {s.code: s for s in ROSTER}
    roll, path = rng.random(), PATHS[-1][1]
    for share, steps in PATHS:
        if roll < share:
            path = steps
            break
        roll -= share
    if path in OPEN_PATHS and not may_stay_open:
        path = PATHS[0][1]  # a desk closes its cases: only recent ones (and a few stragglers) stay open
    intake = Intake(
        platform=rng.choice(PLATFORMS),
        kind=rng.choice(KINDS),
        account=f"@warga{number:05d}",
        text=rng.choice(TEXTS),
        reporter_name=f"Pelapor {number}",
        reporter_contact=f"0812{number:08d}",
    )
    case_id = f"{received:%y%m%d}-" + "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(7))
    case = apply(store.sop, store.config, None, Request("terima", staff["ani"], received, intake=intake), now, case_id)
    moment = received
    for action, minutes in path:
        moment += timedelta(minutes=minutes + rng.random() * minutes)
        who = {"jawab_redaktur": "rina", "koordinasi_kabid": "hendra"}.get(action, "ani")
        details: dict[str, str] = {}
        if action in ("respon", "respon_tuntas", "jawab_redaktur", "jawab_kabid", "jawab_pimred"):
            details["answer"] = "Terima kasih, sudah kami tindak lanjuti."
        if action == "verifikasi":
            details.update(category=rng.choice(CATEGORIES), bidang=rng.choice(BIDANG))
        if action == "koordinasi_kabid":
            details["bidang"] = "phpa"
        note = None
        if action == "bukan_pengaduan":  # the reason, as the note (and as the field newer code reads)
            note = details["reason"] = "spam"
        case = apply(store.sop, store.config, case, Request(action, staff[who], moment, note=note, **details), now)
    return case


def working_moment(rng: random.Random, day: date, tz) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=tz) + timedelta(minutes=rng.randrange(0, 7 * 60))


def build(root: Path, month_cases: int, day_cases: int, october: int) -> Store:
    store = Store.create(root, roster=ROSTER)
    tz, rng = store.tz, random.Random(276)
    now = Desk(store).now()
    # 1-28 November: the benchmark must not record steps in the future of today's clock.
    november = [date(2026, 11, d) for d in range(1, 29) if date(2026, 11, d) != BUSY_DAY]
    days = [BUSY_DAY] * day_cases + [rng.choice(november) for _ in range(month_cases - day_cases)]
    days += [date(2026, 10, rng.randrange(1, 32)) for _ in range(october)]
    stragglers = set(rng.sample(range(day_cases, len(days)), STRAGGLERS))
    for number, day in enumerate(days):
        may_stay_open = day >= BUSY_DAY or number in stragglers
        case = make_case(store, rng, number, working_moment(rng, day, tz), now, may_stay_open)
        yamlio.write_atomic(root / layout.case_path(case.id), yamlio.dump(case.to_dict()).encode("utf-8"))
    subprocess.run(["git", "-C", str(store.root), "add", "--", layout.CASES], check=True)
    who = ["-c", "user.name=Ani Lestari", "-c", "user.email=ani@example.go.id"]
    subprocess.run(["git", "-C", str(store.root), *who, "commit", "-q", "-m", f"impor {len(days)} kasus (benchmark)"], check=True)
    return store


def parts(store: Store) -> list[tuple[str, float, float]]:
    from pengaduan.app.reports import relevant_cases
    from pengaduan.core.monthly_report import MonthlyRecord, draft
    from pengaduan.reports.daily import daily_figures, day_bounds
    from pengaduan.reports.monthly import month_bounds, monthly_figures
    from pengaduan.reports.pdf import html_to_pdf
    from pengaduan.reports.render import Letterhead, render_daily, render_monthly
    from pengaduan.store import index

    out: list[tuple[str, float, float]] = []

    def clock(label: str, func):  # noqa: ANN001, ANN202
        begin, cpu = time.perf_counter(), time.process_time()
        value = func()
        out.append((label, time.perf_counter() - begin, time.process_time() - cpu))
        return value

    index.remove(store)
    desk = Desk(store)
    clock("read all cases, index built from nothing", store.load_all)
    clock("read all cases, index warm", store.load_all)
    start, end = day_bounds(BUSY_DAY, store.tz)
    day = index.day_keep(start, end)
    cases = clock("read the day's cases, index warm", lambda: relevant_cases(desk, "HEAD", day))
    head = Letterhead.of(store.config, store.sop)
    actor = store.config.staff_by_code("ani")
    sop, config, tz, calendar = store.sop, store.config, store.tz, Desk(store).calendar
    report = clock("daily: figures", lambda: daily_figures(cases, BUSY_DAY, end, sop, config, tz, calendar))
    html = clock("daily: HTML", lambda: render_daily(report, head, store.sop, actor, calendar))
    clock("daily: PDF (first, with weasyprint import)", lambda: html_to_pdf(html, end))
    clock("daily: PDF (again)", lambda: html_to_pdf(html, end))
    _, month_end = month_bounds(2026, 11, store.tz)
    october, _ = month_bounds(2026, 10, store.tz)
    keep = index.months_keep(october, month_end)
    cases = clock("read the months' cases, index", lambda: relevant_cases(desk, "HEAD", keep))
    monthly = clock("monthly: figures", lambda: monthly_figures(cases, 2026, 11, month_end, sop, config, tz, calendar))
    pimred = store.config.staff_by_code("hendra")
    revision, event, _ = draft(None, "2026-11", pimred, Desk(store).now(), store.sop, store.tz)
    record = MonthlyRecord("2026-11", "draf", revision, month_end.isoformat(), "HEAD", "x", "Kesimpulan.", "", events=(event,))
    page = clock("monthly: HTML", lambda: render_monthly(monthly, record, head, store.sop, store.tz, calendar))
    clock("monthly: PDF", lambda: html_to_pdf(page, month_end))
    print(
        f"daily report of {BUSY_DAY}: {len(report.touched)} cases touched, {len(report.overdue)} overdue, "
        f"{report.open_end} open, "
        f"{len(html) / 1024:.0f} KiB of HTML"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month-cases", type=int, default=5000)
    parser.add_argument("--day-cases", type=int, default=300)
    parser.add_argument("--october", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", type=Path, help="Keep the benchmark store here (built when missing, reused after).")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = opts.store or Path(tmp) / "store"
        begin = time.perf_counter()
        if (root / layout.CONFIG).is_file():
            store = Store.open(root)
            print(f"store reused: {root}")
        else:
            store = build(root, opts.month_cases, opts.day_cases, opts.october)
            total = opts.month_cases + opts.october
            print(f"store of {total} cases built in {time.perf_counter() - begin:.1f} s")
        print(f"  {'in one process':46} {'wall s':>7} {'cpu s':>7}")
        for label, seconds, cpu in parts(store):
            print(f"  {label:46} {seconds:7.2f} {cpu:7.2f}")
        env = {"PATH": "/usr/bin:/bin", "PENGADUAN_STORE": str(root), "PYTHONPATH": str(REPO)}
        tool = [sys.executable, "-m", "pengaduan"]
        day = BUSY_DAY.isoformat()
        results = []
        for fmt in ("html", "semua"):
            runs = [
                timed([*tool, "--petugas", "ani", "laporan", "harian", "--tanggal", day, "--format", fmt, "-q",
                       "--keluaran", str(Path(tmp) / f"out-{fmt}-{i}")], Path(tmp), env)
                for i in range(opts.runs)
            ]  # fmt: skip
            results.append((f"pengaduan laporan harian --format {fmt}", runs))
        runs = [
            timed([*tool, "--petugas", "hendra", "laporan", "bulanan", "susun", "--bulan", "2026-11", "-q",
                   "--kesimpulan", f"Kesimpulan ke-{i}."], Path(tmp), env)
            for i in range(opts.runs)
        ]  # fmt: skip
        results.append(("pengaduan laporan bulanan susun (HTML+PDF, commit)", runs))
        print(f"{'whole command (median of ' + str(opts.runs) + ' processes)':56} {'s':>6}")
        for label, runs in results:
            print(f"  {label:54} {statistics.median(runs):6.2f}")
        print(f"(python {sys.version.split()[0]}, {os.cpu_count()} cpu)")


if __name__ == "__main__":
    main()
