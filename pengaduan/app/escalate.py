"""The SOP clock's use cases: what is late, what the SOP escalates, and sending the reminders.

Both read every case in one batch and evaluate them with `core.sla` as of a moment. Neither
ever changes a case: sending only runs the notification command and records what it sent
under .git/pengaduan/ (notify.outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pengaduan.app.context import Desk
from pengaduan.core import sla, timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import Staff
from pengaduan.errors import ConfigError
from pengaduan.notify import outbox


class People:
    """Who must act, per role and bidang, looked up once per run (lists can hold many cases)."""

    def __init__(self, desk: Desk) -> None:
        self.config = desk.config
        self.found: dict[tuple[str, str | None], list[Staff]] = {}

    def __call__(self, role: str, case: Case) -> list[Staff]:
        key = (role, case.bidang)
        if key not in self.found:
            self.found[key] = sla.responsible(self.config, role, case)
        return self.found[key]


def waiting_cases(desk: Desk, moment: datetime) -> list[Case]:
    """The cases that may wait for a step at `moment`, from the index: received by then and not
    closed by then (a closed store of 100,000 has a few hundred), never every case."""
    with desk.store.index() as index:
        return list(index.waiting_candidates(moment))


def waiting(desk: Desk, moment: datetime) -> list[sla.Waiting]:
    """Every case waiting for a step at `moment`, with its deadline, soonest deadline first (antrean)."""
    calendar = desk.calendar
    found = [w for c in waiting_cases(desk, moment) if (w := sla.waiting(c, desk.sop, desk.tz, calendar, moment))]
    return sorted(found, key=lambda w: (w.due, w.case.id))


def late(desk: Desk, moment: datetime) -> list[sla.Waiting]:
    """Open cases whose awaited step is late or close to it, worst first."""
    return sla.late_list(
        waiting_cases(desk, moment), desk.sop, desk.tz, desk.calendar, moment, desk.config.pause_limit_days
    )


@dataclass(frozen=True)
class Escalations:
    items: list[sla.Waiting]
    cases: list[Case]
    open_steps: dict[str, int]  # every case not in a final status -> the step it rests at


def escalations(desk: Desk, moment: datetime) -> Escalations:
    """What the SOP escalates as of `moment`, read under the store lock (a consistent view)."""
    with desk.store.locked(), desk.store.index() as index:
        cases = list(index.waiting_candidates(moment))
        open_steps = index.open_steps()
    return Escalations(sla.escalations(cases, desk.sop, desk.tz, desk.calendar, moment), cases, open_steps)


def message(desk: Desk, w: sla.Waiting, names: list[str]) -> str:
    """The Indonesian reminder text: the facts, the SOP's prescribed step, and how to record it."""
    sop = desk.sop
    roles = sop.roles
    e = w.escalation
    since = timeutil.short_human(w.since.astimezone(desk.tz))
    text = (
        f"Pengaduan {w.case.id} menunggu langkah {w.step} dari {roles.get(w.role, w.role)} sejak {since}: "
        f"{w.used:.0f} menit kerja, standar {w.allowed} menit."
    )
    if e.step != w.step:
        text += f" Menurut SOP berlaku langkah {e.step}: {sop.steps[e.step].activity}"
    else:
        text += f" Langkah {e.step}: {sop.steps[e.step].activity}"
    text += f" Yang harus bertindak: {roles.get(e.role, e.role)}"
    text += f" ({', '.join(names)})." if names else "."
    if e.command:
        text += f" Catat dengan: {e.command}"
    return text


EXAMPLE_COMMAND = 'printf \'%s\\n\' "$PENGADUAN_PESAN" | mail -s "Pengaduan $PENGADUAN_KASUS" $PENGADUAN_KONTAK'
MIGRATION_MARK = "migrasi-notifikasi.json"


def notification_settings(desk: Desk) -> tuple[outbox.Settings, list[str]]:
    """What `eskalasi --kirim` runs: this machine's command, never one from pengaduan.yaml.

    A store written before the command moved out may still carry `notifikasi.perintah`: it is
    never run; the first run on each machine says so at length (with the command, shown
    safely, and how to keep it if it is the desk's own), later runs briefly.
    """
    local = desk.store.local()
    shared = desk.config.raw.get("notifikasi")
    old = str(shared.get("perintah") or "").strip() if isinstance(shared, dict) else ""
    settings = outbox.Settings.from_config(shared, local.get("notifikasi.perintah") or "", local.get("notifikasi.batas_detik"))
    notes = []
    first_time = bool(old) and _first_notice(desk, old)
    if old and first_time:
        notes.append(
            "notifikasi.perintah di pengaduan.yaml TIDAK dijalankan (perintah dari store bersama dapat diubah siapa pun "
            f"yang bisa push): {_shown(old)}. Bila itu memang perintah meja ini, pasang di mesin ini dengan "
            "'pengaduan lokal notifikasi.perintah PERINTAH', lalu hapus kuncinya dari pengaduan.yaml"
        )
    if not settings.command:
        if old and not first_time:
            notes.append("notifikasi.perintah di pengaduan.yaml diabaikan; lihat 'pengaduan lokal'")
        raise ConfigError(
            " ; ".join(notes + ["perintah pengirim pengingat mesin ini belum diatur; atur dengan: pengaduan lokal "
                                f"notifikasi.perintah '{EXAMPLE_COMMAND}'"])  # fmt: skip
        )
    return settings, notes


def _first_notice(desk: Desk, command: str) -> bool:
    """True the first time this machine meets this command in pengaduan.yaml (then remembered)."""
    import hashlib
    import json

    from pengaduan.store import yamlio

    path = desk.store.private_dir() / MIGRATION_MARK
    digest = hashlib.sha256(command.encode("utf-8")).hexdigest()
    try:
        seen = json.loads(path.read_text(encoding="utf-8")).get("dilihat", [])
    except (OSError, ValueError, AttributeError):
        seen = []
    if digest in seen:
        return False
    yamlio.write_atomic(path, json.dumps({"dilihat": [*seen, digest]}).encode())
    return True


def _shown(text: str, limit: int = 200) -> str:
    """A command from a file, printable on one line: control characters replaced, length bounded."""
    safe = "".join(ch if ch.isprintable() else "?" for ch in text)
    return "'" + safe[:limit] + ("…" if len(safe) > limit else "") + "'"


def _notice(desk: Desk, people: People, w: sla.Waiting) -> outbox.Notice:
    e = w.escalation
    staff = people(e.role, w.case)
    names = [s.name for s in staff]
    return outbox.Notice(
        case_id=w.case.id,
        at_step=w.at_step,
        step=e.step,
        role=e.role,
        names=tuple(names),
        contacts=tuple(c for c in (s.phone or s.email for s in staff) if c),
        message=message(desk, w, names),
        command=e.command,
    )


def send(desk: Desk, settings: outbox.Settings, found: Escalations, moment: datetime) -> list[outbox.Outcome]:
    """Hand each due reminder to the notification command (once per case and step, then repeated)."""
    store = desk.store
    people = People(desk)
    box = outbox.Outbox(store.private_dir(), settings, desk.calendar, desk.config.lock_seconds, store.root)
    return box.deliver([_notice(desk, people, w) for w in found.items], moment, found.open_steps)


def failure(desk: Desk, failed: int) -> outbox.NotifyError:
    return outbox.NotifyError(
        f"{failed} pengingat gagal dikirim; tercatat di {desk.store.private_dir() / outbox.STATE} "
        "dan dicoba lagi pada jalan berikutnya"
    )
