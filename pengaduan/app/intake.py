"""Use case: complaints from where they arrive — platform exports, saved payloads, tables.

`run` reads every source (pengaduan.importers), then decides for each message, against what
the store has committed: already imported (its source key is in a case file: skipped), the
desk's own reply (skipped), a later message of a conversation whose case is still open
(attached as an `aksi_tetap` entry that does not move the SOP step), or a new complaint
(received through step 1, the same way `terima` builds it: app.cases.make with an Intake).
Everything is validated first; a single problem anywhere means nothing is written. A real run
then writes one commit per case version through `git fast-import` and moves the branch once
(Store.commit_many).

Source keys live in the case files: each history entry made from a platform message carries
its key (`sumber`), each imported case its conversation (`utas`), so every clone knows what
has been imported, and a re-import adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from pengaduan import importers
from pengaduan.app import cases as case_use
from pengaduan.app import duplicates, privacy
from pengaduan.app.context import Desk
from pengaduan.core import timeutil
from pengaduan.core.case import SEALED_FIELDS, Case
from pengaduan.core.config import Config, own_key
from pengaduan.core.duplicates import Finder, Likely
from pengaduan.core.safetext import TEXT_FIELDS
from pengaduan.core.workflow import Intake, Request, attach
from pengaduan.errors import PengaduanError, PermissionDenied
from pengaduan.importers.base import MAX_PROBLEMS, Message
from pengaduan.store import commits, layout, yamlio
from pengaduan.store.store import BulkCommit

FOLLOW_UP = "pesan_lanjutan"  # the sop.yaml `aksi_tetap` that attaches a later message
NEW = "baru"
ATTACHED = "lampiran"
NOTE = "diimpor dari data platform (pengaduan impor)"

# Phases reported to a progress callback: (phase, done, total).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Planned:
    """One commit the import makes: a new case, or a later message attached to one."""

    kind: str  # NEW or ATTACHED
    case: Case  # the case as this commit leaves it
    message: Message
    duplicates: tuple[Likely, ...] = ()


@dataclass
class Outcome:
    planned: list[Planned] = field(default_factory=list)
    skipped: int = 0  # already imported (source key known)
    own: int = 0  # the desk's own messages
    earlier: int = 0  # before --sejak
    problems: list[str] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)
    files: int = 0
    written: bool = False

    @property
    def made(self) -> list[Planned]:
        return [p for p in self.planned if p.kind == NEW]

    @property
    def attached(self) -> list[Planned]:
        return [p for p in self.planned if p.kind == ATTACHED]

    @property
    def flagged(self) -> list[Planned]:
        return [p for p in self.planned if p.duplicates]


def run(
    desk: Desk,
    paths: Sequence[Path],
    fmt: str = "auto",
    mapping: Path | None = None,
    since: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch: importers.Batch | None = None,
) -> Outcome:
    """Import these sources (or an already read `batch`); with `dry_run`, only say what would be made."""
    config, sop, tz = desk.config, desk.sop, desk.tz
    actor = desk.actor()
    first = sop.select("terima", {})
    step = sop.steps[first.target]
    if not sop.may_record(actor.roles, step):
        raise PermissionDenied(
            f"petugas '{actor.code}' ({', '.join(actor.roles)}) tidak boleh mencatat langkah {step.number} "
            f"({sop.roles[step.actor]}); yang boleh mengimpor: {', '.join(sop.recorders(step))}"
        )
    zone = timeutil.zone(config.import_zone) if config.import_zone else tz
    if batch is None:
        batch = importers.read(paths, fmt, mapping, zone)
    out = Outcome(files=batch.files, problems=[str(p) for p in batch.problems])
    own_ids = {k: set(v) for k, v in batch.own.items()}
    for key, platform in (("instagram_id", "instagram"), ("halaman_id", "facebook")):
        if config.meta_ids.get(key):
            own_ids.setdefault(platform, set()).add(config.meta_ids[key])

    head = desk.store.git.head()
    existing = desk.store.load_all()
    known = {e.source for c in existing for e in c.history if e.source}
    open_threads: dict[str, Case] = {}
    for case in sorted(existing, key=lambda c: c.received_at):
        if case.thread and case.status not in sop.final_statuses:
            open_threads[case.thread] = case
    finder = Finder(config.duplicate_days)
    finder.extend(duplicates.readable(desk, existing))
    taken = {c.id for c in existing}
    now = desk.recording_now()

    order = sorted(enumerate(batch.messages), key=lambda p: (p[1].posted_at or now, p[0]))
    for number, (_, message) in enumerate(order, start=1):
        if progress is not None and number % 500 == 0:
            progress("memeriksa", number, len(order))
        if message.source in known:
            out.skipped += 1
            continue
        known.add(message.source)
        if message.own or _is_own(config, own_ids, message):
            out.own += 1
            continue
        posted = message.posted_at.astimezone(tz) if message.posted_at is not None else None
        if since is not None and posted is not None and posted.date() < since:
            out.earlier += 1
            continue
        if posted is not None and posted > now:
            out.problems.append(f"{message.origin}: waktu pesan {timeutil.to_text(posted)} ada di masa depan")
            continue
        try:
            open_case = open_threads.get(message.thread) if message.thread else None
            if open_case is not None:
                after = attach(sop, open_case, FOLLOW_UP, _follow_up(message, posted), actor, now, now, tz, message.source)
                out.planned.append(Planned(ATTACHED, after, message))
            else:
                request = Request(first.action, actor, now, note=NOTE, intake=_intake(message, posted))
                after = case_use.make(desk, request, None, case_use.new_case_id(desk, request, taken))
                taken.add(after.id)
                likely = tuple(finder.likely(after))
                finder.add(after)
                out.planned.append(Planned(NEW, after, message, likely))
        except PengaduanError as exc:
            out.problems.append(f"{message.origin}: {_plain(exc.message)}")
            continue
        if message.thread:
            open_threads[message.thread] = after
    if len(out.problems) > MAX_PROBLEMS:
        more = len(out.problems) - MAX_PROBLEMS
        out.problems = out.problems[:MAX_PROBLEMS] + [f"(dan {more} masalah lain; perbaiki yang di atas lalu ulangi)"]
    if out.problems or dry_run or not out.planned:
        return out

    # Every version is sealed as `terima` seals it (case schema 2): built on the sealed version
    # before it, so what was already sealed keeps its exact text and only the new is sealed.
    keys = privacy.Keys(desk)
    stored = {c.id: c for c in existing}
    written: dict[str, Case] = {}
    made: list[privacy.Prepared] = []
    items = []
    try:
        for planned in out.planned:
            case = planned.case
            before = written.get(case.id) or stored.get(case.id)
            if before is not None:  # a follow-up: the intake and earlier entries as already sealed
                case = replace(
                    case,
                    **{name: getattr(before, name) for name in SEALED_FIELDS},
                    reporter=before.reporter,
                    schema=before.schema,
                    public_key=before.public_key,
                    history=before.history + case.history[len(before.history) :],
                )
            prepared = privacy.prepare(desk, keys, before, case)
            if prepared.new_key is not None:
                privacy.keep_new_key(keys, prepared)
                made.append(prepared)
            written[case.id] = prepared.case
            data = prepared.case.to_dict()
            items.append(
                BulkCommit(
                    path=layout.case_path(case.id),
                    data=yamlio.dump(data).encode("utf-8"),
                    message=commits.case_step(prepared.case, sop.number),
                    raw=data,
                )
            )
        total = len(items)
        report = (lambda n: progress("menulis", n, total)) if progress is not None else None
        out.commits = desk.store.commit_many(items, actor, expect_head=head, progress=report)
    except BaseException:
        for prepared in made:  # no case was made: its key goes too
            privacy.drop_new_key(keys, prepared)
        raise
    out.written = True
    return out


def _is_own(config: Config, own_ids: dict[str, set[str]], message: Message) -> bool:
    names = (message.handle, message.sender_name, message.sender_id, message.account)
    if config.is_own_account(message.platform, *names):
        return True
    ids = own_ids.get(message.platform, set())
    return any(own_key(n) in ids for n in names if n)


def _intake(message: Message, posted: datetime | None) -> Intake:
    return Intake(
        platform=message.platform,
        account=message.account,
        text=message.text,
        kind=message.kind,
        link=message.link,
        posted_at=posted,
        reporter_name=message.sender_name,
        reporter_contact=message.contact,
        thread=message.thread,
        source=message.source,
    )


def _follow_up(message: Message, posted: datetime | None) -> str:
    when = f"{posted:%Y-%m-%d} {timeutil.clock_label(posted)}" if posted is not None else "waktu tidak diketahui"
    return f"[diunggah {when}] {message.text}"


def _plain(message: str) -> str:
    """A refusal worded for typed options, reworded for a field of an imported row."""
    for name, (option, _, _) in TEXT_FIELDS.items():
        if name in ("account", "text", "link", "reporter_name", "reporter_contact"):
            message = message.replace(f"{option} ", f"{option[2:]} ")
    return message.replace("--waktu-unggah", "waktu_unggah").replace("--nama-pelapor", "nama pelapor")
