"""The SOP as data: roles, case steps with their time standards, transitions and end states.

Everything the workflow knows about steps, roles and minutes comes from a definition loaded
here (the package's `data/sop.yaml`, copied into each store at init).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pengaduan.errors import SopError

START = 0
# Who may erase personal data when sop.yaml does not say (`penghapus_data`).
ERASERS = ("admin", "pimred", "kadin")


@dataclass(frozen=True)
class Step:
    number: int
    actor: str
    activity: str
    minutes: int
    equipment: str = ""
    output: str = ""
    recorders: tuple[str, ...] = ()
    after_silence: int | None = None  # applies once this other step's standard ran out without it


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[int, ...]
    target: int
    status: str
    command: str
    needs_answer: bool = False  # the entry must carry the answer given (jawaban)


@dataclass
class Sop:
    number: str
    name: str
    agency: str
    roles: dict[str, str]
    general_recorders: tuple[str, ...]
    steps: dict[int, Step]
    transitions: list[Transition]
    final_statuses: tuple[str, ...]
    report_steps: dict[int, Step] = field(default_factory=dict)
    first_response_steps: tuple[int, ...] = ()
    # Roles that may erase a case's personal data (`pengaduan hapus-data`, `retensi`).
    erasers: tuple[str, ...] = ERASERS

    def transition(self, action: str) -> Transition:
        for item in self.transitions:
            if item.action == action:
                return item
        raise SopError(f"aksi '{action}' tidak ada di SOP {self.number}")

    def allowed_from(self, step: int, status: str | None = None) -> list[Transition]:
        """The transitions the SOP allows from the last recorded step (none once final)."""
        if status in self.final_statuses:
            return []
        return [t for t in self.transitions if step in t.sources]

    def may_record(self, roles: tuple[str, ...] | list[str], step: Step) -> bool:
        allowed = {step.actor, *step.recorders, *self.general_recorders}
        return any(role in allowed for role in roles)

    @property
    def silence_steps(self) -> dict[int, int]:
        """Steps that apply on silence -> the step whose standard must run out first (SOP 6 -> 5)."""
        return {n: s.after_silence for n, s in self.steps.items() if s.after_silence is not None}

    def step(self, number: int) -> Step:
        found = self.steps.get(number) or self.report_steps.get(number)
        if found is None:
            raise SopError(f"langkah {number} tidak ada di SOP {self.number}")
        return found


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in (None, ""):
        raise SopError(f"definisi SOP tidak sah: '{key}' wajib ada di {where}")
    return data[key]


def _sequence(value: Any, what: str, example: str) -> tuple[Any, ...]:
    """A YAML list as a tuple; anything else (a scalar, a mapping) is refused with a clear message."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SopError(f"definisi SOP tidak sah: {what} harus berupa daftar, contoh: {example}")
    return tuple(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_int(value: Any, what: str) -> int | None:
    if value is None or _is_int(value):
        return value
    raise SopError(f"definisi SOP tidak sah: {what} harus nomor langkah (bilangan bulat), bukan {value!r}")


def _flag(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    raise SopError(f"definisi SOP tidak sah: {what} harus true atau false, bukan {value!r}")


def _step(item: Any, roles: dict[str, str], where: str) -> Step:
    if not isinstance(item, dict):
        raise SopError(f"definisi SOP tidak sah: {where} harus berupa pemetaan")
    number = _require(item, "nomor", where)
    actor = _require(item, "pelaksana", f"{where} (langkah {number})")
    minutes = _require(item, "waktu_menit", f"{where} (langkah {number})")
    if not isinstance(number, int) or number <= 0:
        raise SopError(f"definisi SOP tidak sah: nomor langkah '{number}' harus bilangan bulat positif")
    if not isinstance(minutes, int) or minutes <= 0:
        raise SopError(f"definisi SOP tidak sah: waktu_menit langkah {number} harus bilangan bulat positif")
    recorders = _sequence(item.get("pencatat"), f"'pencatat' langkah {number}", "[redaktur]")
    for role in (actor, *recorders):
        if role not in roles:
            raise SopError(
                f"definisi SOP tidak sah: langkah {number} menyebut peran '{role}' yang tidak dikenal "
                f"(peran yang ada: {', '.join(roles)})"
            )
    return Step(
        number=number,
        actor=actor,
        activity=str(item.get("kegiatan", "")).strip(),
        minutes=minutes,
        equipment=str(item.get("kelengkapan", "") or ""),
        output=str(item.get("keluaran", "") or ""),
        recorders=recorders,
        after_silence=_optional_int(item.get("sesudah_diam"), f"sesudah_diam langkah {number}"),
    )


def load_sop(data: Any) -> Sop:
    """Build and validate an SOP from its parsed YAML; raise SopError with the first problem."""
    if not isinstance(data, dict):
        raise SopError("definisi SOP tidak sah: isi berkas harus berupa pemetaan YAML")
    roles = _require(data, "peran", "definisi SOP")
    if not isinstance(roles, dict):
        raise SopError("definisi SOP tidak sah: 'peran' harus pemetaan kode -> nama")
    general = _sequence(data.get("pencatat_umum"), "'pencatat_umum'", "[admin]")
    for role in general:
        if role not in roles:
            raise SopError(f"definisi SOP tidak sah: pencatat_umum menyebut peran '{role}' yang tidak dikenal")

    steps: dict[int, Step] = {}
    for index, item in enumerate(_sequence(_require(data, "langkah", "definisi SOP"), "'langkah'", "[{nomor: 1, ...}]")):
        step = _step(item, roles, f"langkah ke-{index + 1}")
        if step.number in steps:
            raise SopError(f"definisi SOP tidak sah: nomor langkah {step.number} ganda")
        steps[step.number] = step
    report_steps: dict[int, Step] = {}
    for index, item in enumerate(_sequence(data.get("langkah_laporan"), "'langkah_laporan'", "[{nomor: 12, ...}]")):
        step = _step(item, roles, f"langkah_laporan ke-{index + 1}")
        if step.number in steps or step.number in report_steps:
            raise SopError(f"definisi SOP tidak sah: nomor langkah {step.number} ganda")
        report_steps[step.number] = step

    finals = _sequence(_require(data, "status_akhir", "definisi SOP"), "'status_akhir'", "[selesai, bukan_pengaduan]")
    transitions: list[Transition] = []
    seen_actions: set[str] = set()
    for index, item in enumerate(_sequence(_require(data, "transisi", "definisi SOP"), "'transisi'", "[{aksi: terima, ...}]")):
        where = f"transisi ke-{index + 1}"
        if not isinstance(item, dict):
            raise SopError(f"definisi SOP tidak sah: {where} harus berupa pemetaan")
        action = str(_require(item, "aksi", where))
        if action in seen_actions:
            raise SopError(f"definisi SOP tidak sah: aksi '{action}' ganda")
        seen_actions.add(action)
        sources = _sequence(_require(item, "dari", f"{where} ({action})"), f"'dari' di {where} ({action})", "[1]")
        target = _require(item, "ke", f"{where} ({action})")
        if target not in steps:
            raise SopError(f"definisi SOP tidak sah: transisi '{action}' menuju langkah {target} yang tidak ada")
        for source in sources:
            if source != START and source not in steps:
                raise SopError(f"definisi SOP tidak sah: transisi '{action}' berasal dari langkah {source} yang tidak ada")
        transitions.append(
            Transition(
                action=action,
                sources=sources,
                target=target,
                status=str(_require(item, "status", f"{where} ({action})")),
                command=str(item.get("perintah") or action),
                needs_answer=_flag(item.get("wajib_jawaban", False), f"wajib_jawaban transisi '{action}'"),
            )
        )
    sop = Sop(
        number=str(_require(data, "nomor", "definisi SOP")),
        name=str(data.get("nama", "")),
        agency=" ".join(str(data.get("instansi", "")).split()),
        roles={str(k): str(v) for k, v in roles.items()},
        general_recorders=general,
        steps=steps,
        transitions=transitions,
        final_statuses=finals,
        report_steps=report_steps,
        first_response_steps=_sequence(data.get("respon_pertama"), "'respon_pertama'", "[1, 2, 3]"),
        erasers=_sequence(data.get("penghapus_data"), "'penghapus_data'", "[admin, pimred, kadin]") or ERASERS,
    )
    for role in sop.erasers:
        if role not in roles:
            raise SopError(f"definisi SOP tidak sah: penghapus_data menyebut peran '{role}' yang tidak dikenal")
    for step in steps.values():
        if step.after_silence is not None and step.after_silence not in steps:
            raise SopError(
                f"definisi SOP tidak sah: sesudah_diam langkah {step.number} menyebut langkah {step.after_silence} "
                "yang tidak ada"
            )
    for number in sop.first_response_steps:
        if not _is_int(number) or number not in steps:
            raise SopError(f"definisi SOP tidak sah: respon_pertama menyebut langkah {number} yang tidak ada")
    _check_reachability(sop)
    return sop


def _check_reachability(sop: Sop) -> None:
    """Every end state and every case step must be reachable from a new complaint."""
    if not any(START in t.sources for t in sop.transitions):
        raise SopError("definisi SOP tidak sah: tidak ada transisi dari langkah 0 (pengaduan baru)")
    open_steps: set[int] = set()  # steps a case can rest at while still open
    targets: set[int] = set()
    statuses: set[str] = set()
    frontier = [START]
    while frontier:
        current = frontier.pop()
        for t in sop.transitions:
            if current not in t.sources:
                continue
            targets.add(t.target)
            statuses.add(t.status)
            if t.status not in sop.final_statuses and t.target not in open_steps:
                open_steps.add(t.target)
                frontier.append(t.target)
    for final in sop.final_statuses:
        if final not in statuses:
            raise SopError(f"definisi SOP tidak sah: status akhir '{final}' tidak dapat dicapai")
    unreached = sorted(set(sop.steps) - targets)
    if unreached:
        raise SopError(f"definisi SOP tidak sah: langkah {', '.join(map(str, unreached))} tidak dapat dicapai")
    for number in sorted(open_steps):
        if not any(number in t.sources for t in sop.transitions):
            raise SopError(f"definisi SOP tidak sah: dari langkah {number} tidak ada jalan ke status akhir")
