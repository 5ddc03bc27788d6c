"""The desk's queue (`antrean`): every open case, soonest deadline first, with who must act.

The cases come from `_open_cases`, the one place that reads them: today every case at HEAD
(`store.load_all()`); when the derived index (store/index.py) lands it can hand over only the
open ones without changing anything else here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pengaduan.app.context import Desk
from pengaduan.app.escalate import People
from pengaduan.core import sla, timeutil
from pengaduan.core.case import Case
from pengaduan.errors import InputError
from pengaduan.reports.privacy import mask_handle


@dataclass(frozen=True)
class Item:
    """One open case in the queue, as of a moment."""

    wait: sla.Waiting
    account: str  # masked ('@wa***23')
    role_name: str
    names: tuple[str, ...]
    codes: tuple[str, ...]

    @property
    def case(self) -> Case:
        return self.wait.case

    @property
    def left(self) -> float:
        """Working minutes left before the deadline (negative: overdue by that much)."""
        return self.wait.allowed - self.wait.used

    @property
    def words(self) -> str:
        if self.wait.paused_since is not None:
            since = timeutil.short_human(self.wait.paused_since)
            return f"ditunda sejak {since}" + (" (terlalu lama)" if self.wait.pause_too_long else "")
        return timeutil.left_words(self.wait.used, self.wait.allowed)


def _account(case: Case) -> str:
    return "" if case.confidential else mask_handle(case.account)


def _open_cases(desk: Desk) -> Iterable[Case]:
    """Every case that may be open (the index can narrow this to the open ones)."""
    finals = desk.sop.final_statuses
    return [c for c in desk.store.load_all() if c.status not in finals]


def queue(desk: Desk, moment: datetime, role: str | None = None, staff_code: str | None = None) -> list[Item]:
    """Open cases as of `moment`, soonest deadline first (then the longest waiting, then the ID);
    paused ones (waiting for the reporter) last.

    `role`: only what that role must do; `staff_code`: only what that petugas must do (their
    roles, and for a role split by bidang, their bidang's cases).
    """
    sop, config = desk.sop, desk.config
    if role is not None and role not in sop.roles:
        raise InputError(f"peran '{role}' tidak dikenal; pilih salah satu: {', '.join(sop.roles)}")
    person = None
    if staff_code is not None:
        person = config.staff_by_code(staff_code)
        if person is None:
            known = ", ".join(s.code for s in config.staff) or "(belum ada)"
            raise InputError(f"petugas '{staff_code}' tidak ada di daftar petugas ({known})")
    from pengaduan.app import privacy

    people = People(desk)
    items = []
    candidates = list(_open_cases(desk))
    # The handle as a list may show it: opened where the key is here, masked; a `rahasia` case's never.
    shown = {c.id: c for c in privacy.for_sharing(desk, candidates)}
    for case in candidates:
        wait = sla.waiting(case, sop, desk.tz, desk.calendar, moment, config.pause_limit_days)
        if wait is None:
            continue
        if role is not None and wait.role != role:
            continue
        staff = people(wait.role, case)
        if person is not None and person.code not in {s.code for s in staff}:
            continue
        items.append(
            Item(
                wait=wait,
                account=_account(shown[case.id]),
                role_name=sop.roles.get(wait.role, wait.role),
                names=tuple(s.name for s in staff),
                codes=tuple(s.code for s in staff),
            )
        )
    # A paused case waits for the reporter, its clock standing still: after every running one.
    items.sort(key=lambda i: (i.wait.paused, i.wait.due, -i.wait.used, i.case.id))
    return items


def completion_ids(desk: Desk, prefix: str = "") -> list[tuple[str, str]]:
    """(ID, what it waits for) for shell completion: open cases first (soonest deadline first),
    then the closed ones, newest first."""
    moment = desk.now()
    open_items = [i for i in queue(desk, moment) if i.case.id.startswith(prefix)]
    shown = {i.case.id for i in open_items}
    rows = [(i.case.id, f"{i.words}: langkah {i.wait.step} ({i.role_name})") for i in open_items]
    closed = sorted((cid for cid in desk.store.case_ids() if cid.startswith(prefix) and cid not in shown), reverse=True)
    return rows + [(cid, "") for cid in closed]
