"""Benchmark of the report redaction (issue 9): `privacy.scrub` over 1 MB of adversarial text.

Run by hand (not collected by pytest):

    python3 tests/bench/bench_redaction.py                 # every shape, in-process, ratio vs str.split
    python3 tests/bench/bench_redaction.py --old-kb 40     # also the old e-mail pattern on 40 KB (quadratic)
    python3 tests/bench/bench_redaction.py --shape ats --only scrub    # one run, for a whole-process pair:
    python3 tests/bench/bench_redaction.py --shape ats --only split    #   the same text, the linear yardstick

Every pattern over complaint text must be linear in the text. The yardstick is `str.split` over
the same text: one linear pass that scrub itself also makes. The figure is the ratio
scrub / split, taken pair by pair (A B A B ...), median of the pairs; a linear scrub stays at a
constant ratio as the text doubles (printed as the 2 MB / 1 MB growth), a quadratic one doubles
its ratio with every doubling (the old pattern took 10 s on 40 KB: hours on 1 MB).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

from pengaduan.core.case import Case, Reporter  # noqa: E402
from pengaduan.reports import privacy  # noqa: E402

MB = 1024 * 1024
# Shapes that make a backtracking pattern scan to the end of a run from every start.
SHAPES = {
    "run": lambda n: "a" * n,  # e-mail-ish characters, no '@'
    "digits": lambda n: "1" * n,  # a phone number that never ends
    "dots": lambda n: "a." * (n // 2),  # local part and domain alike
    "ats": lambda n: "a@" * (n // 2),  # an '@' every other character
    "at-dots": lambda n: "@" + "a." * (n // 2),  # one domain that goes on and on
    "mixed": lambda n: "x.y+z-" * (n // 6) + "@",  # the '@' only at the very end
    "mentions": lambda n: "@a." * (n // 3),
    "phones": lambda n: "0812 " * (n // 5),
}
CASE = Case(
    id="261102-AAAAAAA",
    status="",
    step=1,
    platform="instagram",
    account="Warga Banyumanik",
    text="",
    received_at="2026-11-02T09:00:00+07:00",
    reporter=Reporter(name="Ibu Rahmawati Susanti", contact="081234567890"),
)
OLD_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def clock(func, text: str) -> float:  # noqa: ANN001
    begin = time.perf_counter()
    func(text)
    return time.perf_counter() - begin


def scrub(text: str) -> None:
    privacy.scrub(text, CASE)


def split(text: str) -> None:
    text.split()


def ratio(text: str, pairs: int) -> tuple[float, float, float]:
    """(median scrub seconds, median split seconds, median of the pairwise ratios)."""
    a, b, r = [], [], []
    for _ in range(pairs):
        ta, tb = clock(scrub, text), clock(split, text)
        a.append(ta)
        b.append(tb)
        r.append(ta / tb)
    return statistics.median(a), statistics.median(b), statistics.median(r)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=1.0, help="Size of each adversarial text (MB).")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--shape", choices=sorted(SHAPES), help="Only this shape.")
    parser.add_argument("--only", choices=["scrub", "split"], help="One run of one side (for a whole-process pair).")
    parser.add_argument("--old-kb", type=int, default=0, help="Also time the old e-mail pattern on this many KB.")
    opts = parser.parse_args()
    size = int(opts.mb * MB)
    shapes = [opts.shape] if opts.shape else sorted(SHAPES)
    if opts.only:
        for name in shapes:
            (scrub if opts.only == "scrub" else split)(SHAPES[name](size))
        return
    print(f"{'shape':<9} {'scrub':>9} {'split':>9} {'ratio':>8} {'ratio at 2x size / 1x':>22}")
    for name in shapes:
        text = SHAPES[name](size)
        a, b, r = ratio(text, opts.pairs)
        _, _, r2 = ratio(SHAPES[name](2 * size), max(1, opts.pairs // 2))
        print(f"{name:<9} {a * 1000:7.1f}ms {b * 1000:7.1f}ms {r:7.1f}x {r2 / r:21.2f}x")
    if opts.old_kb:
        for name in shapes:
            text = SHAPES[name](opts.old_kb * 1024)
            seconds = clock(lambda t: OLD_EMAIL_RE.sub("", t), text)
            print(f"old e-mail pattern, {name}, {opts.old_kb} KB: {seconds:.2f} s")


if __name__ == "__main__":
    main()
