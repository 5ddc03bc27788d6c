"""Use cases around duplicates: the check `terima` makes before recording, the list `duplikat`
shows, and the links `lihat` shows both ways (core.duplicates decides what is alike)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pengaduan.app.context import Desk
from pengaduan.core.case import Case
from pengaduan.core.duplicates import Finder, Likely, pairs
from pengaduan.core.workflow import Intake

PROVISIONAL = "(baru)"


def readable(desk: Desk, cases: list[Case]) -> list[Case]:
    """The cases with their handle and text opened where this machine holds the key (schema 2
    seals both): what is alike is judged on the words, in memory only, never written anywhere."""
    from pengaduan.app import privacy
    from pengaduan.core import secrecy

    held = privacy.Keys(desk).store.load_all()
    out = []
    for case in cases:
        key = held.get(case.id) if case.schema >= 2 and case.erasure is None else None
        out.append(secrecy.open_case(case, key, desk.tz, strict=False, entries=False).case if key else case)
    return out


def recent(desk: Desk, around: datetime, days: int) -> list[Case]:
    """Committed cases received within `days` of `around` (plus a day), read from their month folders only."""
    tz = desk.tz
    first = (around - timedelta(days=days + 1)).astimezone(tz).date()
    last = (around + timedelta(days=days + 1)).astimezone(tz).date()
    low, high = f"{first:%y%m%d}", f"{last:%y%m%d}"
    out: list[Case] = []
    # A best-effort look around: a broken neighbour must not make receiving a new complaint fail
    # (the lists and the audit report it), so what this read skips is not kept as the command's.
    skipped = dict(desk.store.skipped)
    # The index answers by the day the ID carries.
    with desk.store.index() as index:
        out.extend(index.cases("substr(id, 1, 6) BETWEEN ? AND ?", (low, high)))
    desk.store.skipped = skipped
    return readable(desk, out)


def check_intake(desk: Desk, intake: Intake, at: datetime) -> tuple[list[Case], list[Likely]]:
    """For a complaint about to be received by hand: the cases it repeats exactly (same account,
    platform and text within a day), and the likely duplicates across channels."""
    config = desk.config
    provisional = Case(
        id=PROVISIONAL,
        status="",
        step=0,
        platform=intake.platform,
        account=(intake.account or "").strip(),
        text=(intake.text or "").strip(),
        received_at=at,
        kind=intake.kind,
        posted_at=intake.posted_at,
    )
    finder = Finder(config.duplicate_days)
    finder.extend(recent(desk, at, max(config.duplicate_days, 1)))
    repeats = finder.repeats(provisional)
    likely = [p for p in finder.likely(provisional) if p.other_id not in {c.id for c in repeats}]
    return repeats, likely


def open_pairs(desk: Desk) -> list[tuple[Likely, Case, Case]]:
    """Likely-duplicate pairs with at least one case still open and not already linked as duplicates."""
    cases = readable(desk, desk.store.load_all())
    by_id = {c.id: c for c in cases}
    finals = desk.sop.final_statuses
    out = []
    for pair in pairs(cases, desk.config.duplicate_days):
        case, other = by_id[pair.case_id], by_id[pair.other_id]
        if case.status in finals and other.status in finals:
            continue
        if case.duplicate_of == other.id or other.duplicate_of == case.id:
            continue
        out.append((pair, case, other))
    return out


def duplicated_by(desk: Desk, case_id: str) -> list[str]:
    """The cases closed as duplicates of this one, as committed: one lookup in the index's
    `duplicate_of` column (no scan of the rows, no git process reading every blob)."""
    with desk.store.index() as index:
        named = index.cases("duplicate_of = ? AND id != ?", (case_id, case_id))
        return sorted(c.id for c in named if c.duplicate_of == case_id)
