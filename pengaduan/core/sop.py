"""The SOP as data: roles, case steps with their time standards, transitions and end states.

Everything the workflow knows about steps, roles and minutes comes from a definition loaded
here (the package's `data/sop.yaml`, copied into each store at init).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pengaduan.errors import InputError, SopError

START = 0
# Who may erase personal data when sop.yaml does not say (`penghapus_data`).
ERASERS = ("admin", "pimred", "kadin")
# The paths `langkah_jalur` may name (the reports count and label cases by them).
PATH_KEYS = ("redaktur", "eskalasi")
CASE_ARGUMENT = "ID"  # how `perintah` writes the case a command acts on
_COMMAND_RE = re.compile(r"^[a-z][a-z0-9_-]*$")  # (an action name when `perintah` is absent)
_OPTION_RE = re.compile(r"^--([a-z][a-z0-9-]*)$")
_VALUE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # a fixed value: picks the transition
_PLACEHOLDER_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")  # a value the desk fills in: the action needs it


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
    command: str  # how the desk types it (`perintah`), e.g. "teruskan ID --ke redaktur"
    needs_answer: bool = False  # the entry must carry the answer given (jawaban)
    # Read from `command`: its command name, the options that pick this transition among that
    # command's others (a fixed value, or True for a flag), and the options the action needs.
    name: str = ""
    picks: tuple[tuple[str, str | bool], ...] = ()
    needs: tuple[str, ...] = ()

    def pick(self, option: str) -> str | bool:
        """The value of `option` that picks this transition (False: the option is not given)."""
        return dict(self.picks).get(option, False)


# Actions on a case beyond the SOP's step table (sop.yaml `aksi_kasus`; SOP.md "Beyond the
# SOP's table"), each with the command the CLI gives it. The tool knows what each does; the SOP
# says who may take it, from which steps or statuses, and what it needs (its `perintah`).
UNDO = "batal"
REOPEN = "buka_kembali"
PAUSE = "tunda"
RESUME = "lanjutkan"
REFER = "rujuk"
CASE_ACTION_COMMANDS: dict[str, str] = {
    UNDO: "batal",
    REOPEN: "buka-kembali",
    PAUSE: "tunda",
    RESUME: "lanjutkan",
    REFER: "rujuk",
}


@dataclass(frozen=True)
class CaseAction:
    """An action on a case outside the step table: undo, reopen, pause, resume, refer.

    Its history entry leaves the case at a step and status the action decides: undo returns
    to the state before the undone entry; reopen to `target`/`status`; pause holds the case in
    `status` (its clock stopped); resume returns to the status before the pause; refer closes
    the case in `status`.
    """

    action: str
    command: str  # `perintah`, e.g. "rujuk ID --ke INSTANSI --alasan TEKS"
    roles: tuple[str, ...]
    sources: tuple[int, ...] | None = None  # the steps it applies from (None: any open step)
    source_statuses: tuple[str, ...] | None = None  # reopen: the closed statuses it reopens (None: all)
    target: int | None = None  # reopen: the step the case returns to
    status: str | None = None  # reopen: the status it returns to; pause: held; refer: closing
    name: str = ""
    picks: tuple[tuple[str, str | bool], ...] = ()
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class StillAction:
    """An action that records something on an open case without moving it (`aksi_tetap`): the
    entry keeps the case's step and status. `performer` is the role whose act it records (the
    reporter, for a later message), `roles` who may record it."""

    action: str
    performer: str
    roles: tuple[str, ...]


# Recorded corrections never move a case either; who may record them is `pengoreksi`.
CORRECTION = "koreksi"


@dataclass(frozen=True)
class ReportAction:
    """A report action (its commits' `Aksi` trailer), the report step it records and who may do it."""

    action: str
    step: int
    roles: tuple[str, ...]


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
    external_roles: tuple[str, ...] = ()  # roles that never run the tool (the reporter)
    managers: tuple[str, ...] = ()  # may change the roster and the configuration
    correctors: tuple[str, ...] = ()  # may record a correction of an intake field
    path_steps: dict[str, int] = field(default_factory=dict)  # path -> the step that puts a case on it
    report_actions: dict[str, ReportAction] = field(default_factory=dict)
    case_actions: dict[str, CaseAction] = field(default_factory=dict)
    still: dict[str, StillAction] = field(default_factory=dict)  # `aksi_tetap`

    @property
    def hold_status(self) -> str | None:
        """The status of a paused case (`aksi_kasus.tunda.status`): no SOP step while in it."""
        pause = self.case_actions.get(PAUSE)
        return pause.status if pause is not None else None

    @cached_property
    def step_actions(self) -> frozenset[str]:
        """The actions of the step table's transitions (the entries the SOP clock measures)."""
        return frozenset(t.action for t in self.transitions)

    def case_action(self, action: str) -> CaseAction:
        """A case action of this SOP, or why it is not available (an sop.yaml from before it)."""
        found = self.case_actions.get(action)
        if found is None:
            raise SopError(
                f"aksi '{CASE_ACTION_COMMANDS.get(action, action)}' belum ada di sop.yaml store ini (SOP {self.number} "
                "ditulis sebelum aksi itu ada); tambahkan dengan 'pengaduan atur sop perbarui'"
            )
        return found

    def may_take(self, roles: Iterable[str], action: CaseAction) -> bool:
        return bool(set(roles) & set(action.roles))

    @property
    def still_actions(self) -> tuple[str, ...]:
        """Actions whose entries never move a case: corrections and the `aksi_tetap`."""
        return (CORRECTION, *self.still)

    def moves(self, action: str) -> bool:
        """Whether an entry with this action is a step of the table (not a correction, a case
        action or an `aksi_tetap`)."""
        return action in self.step_actions

    @property
    def staff_roles(self) -> tuple[str, ...]:
        """The roles a petugas in the roster may hold: every role but those outside the desk."""
        return tuple(r for r in self.roles if r not in self.external_roles)

    def manages(self, roles: Iterable[str]) -> bool:
        """Whether someone with these roles may change the roster and the configuration."""
        return bool(set(roles) & set(self.managers))

    def corrects(self, roles: Iterable[str]) -> bool:
        """Whether someone with these roles may record a correction of an intake field."""
        return bool(set(roles) & set(self.correctors))

    @property
    def escalation_step(self) -> int | None:
        """The step that escalates a case to the top of the desk (`langkah_jalur.eskalasi`)."""
        return self.path_steps.get("eskalasi")

    def choices(self, command: str, option: str) -> dict[str, Transition]:
        """The values `--option` of `command` takes, each with the transition it picks (in SOP order)."""
        out: dict[str, Transition] = {}
        for t in self.transitions:
            value = t.pick(option)
            if t.name == command and isinstance(value, str):
                out.setdefault(value, t)
        return out

    def select(self, command: str, given: dict[str, str | bool | None]) -> Transition:
        """The transition `command` records with these options (absent flags: False).

        An option is compared as the transition's `perintah` writes it: a picking one by its
        value; one with a placeholder (`--duplikat-dari KASUS`) by whether it was given at all, so
        giving it picks the transition that needs it.
        """
        wanted = {k: (False if v is None else v) for k, v in given.items()}

        def matches(t: Transition, option: str, value: str | bool) -> bool:
            if option in t.needs:
                return value is not False
            return t.pick(option) == value

        found = [t for t in self.transitions if t.name == command and all(matches(t, k, v) for k, v in wanted.items())]
        if len(found) != 1:  # load_sop keeps a command's transitions apart, so only when none matches
            typed = " ".join(f"--{k}" if v is True else f"--{k} {v}" for k, v in wanted.items() if v is not False)
            shown = f"{command} {typed}".strip()
            known = "; ".join(t.command for t in self.transitions if t.name == command) or "tidak ada"
            raise InputError(f"'{shown}' tidak ada di SOP {self.number}; yang ada: {known}")
        return found[0]

    def transition(self, action: str) -> Transition:
        for item in self.transitions:
            if item.action == action:
                return item
        raise SopError(f"aksi '{action}' tidak ada di SOP {self.number}")

    def allowed_from(self, step: int, status: str | None = None) -> list[Transition]:
        """The transitions the SOP allows from the last recorded step (none once final or paused)."""
        if status in self.final_statuses or (status is not None and status == self.hold_status):
            return []
        return [t for t in self.transitions if step in t.sources]

    def recorders(self, step: Step) -> tuple[str, ...]:
        """The roles that may record this step (sorted): its pelaksana and pencatat, and for a case
        step also the general recorders. The one place this is decided."""
        return _recorders(step, self.general_recorders if step.number in self.steps else ())

    def may_record(self, roles: Iterable[str], step: Step) -> bool:
        return bool(set(roles) & set(self.recorders(step)))

    def report_action(self, action: str) -> ReportAction:
        found = self.report_actions.get(action)
        if found is None:
            raise SopError(f"aksi laporan '{action}' tidak ada di SOP {self.number} (aksi_laporan)")
        return found

    @property
    def silence_steps(self) -> dict[int, int]:
        """Steps that apply on silence -> the step whose standard must run out first (SOP 6 -> 5)."""
        return {n: s.after_silence for n, s in self.steps.items() if s.after_silence is not None}

    def step(self, number: int) -> Step:
        found = self.steps.get(number) or self.report_steps.get(number)
        if found is None:
            raise SopError(f"langkah {number} tidak ada di SOP {self.number}")
        return found


def _recorders(step: Step, general: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(sorted({step.actor, *step.recorders, *general}))


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


def _optional_int(value: object, what: str) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
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


def _command_line(text: str, action: str) -> tuple[str, tuple[tuple[str, str | bool], ...], tuple[str, ...]]:
    """`perintah` read as the CLI reads it: (command name, picking options, needed options)."""
    example = "contoh: 'teruskan ID --ke redaktur' atau 'verifikasi ID --bukan-pengaduan --alasan TEKS'"
    words = text.split()
    if not words or not _COMMAND_RE.match(words[0]):
        raise SopError(f"definisi SOP tidak sah: perintah transisi '{action}' harus diawali nama perintah; {example}")
    rest = words[1:]
    if rest and rest[0] == CASE_ARGUMENT:
        rest = rest[1:]
    picks: dict[str, str | bool] = {}
    needs: list[str] = []
    while rest:
        match = _OPTION_RE.match(rest[0])
        if match is None:
            raise SopError(
                f"definisi SOP tidak sah: perintah transisi '{action}' ({text}): '{rest[0]}' bukan opsi --nama; {example}"
            )
        option = match.group(1)
        if option in picks or option in needs:
            raise SopError(f"definisi SOP tidak sah: perintah transisi '{action}' menyebut --{option} dua kali")
        value = rest[1] if len(rest) > 1 and not rest[1].startswith("--") else None
        rest = rest[2:] if value is not None else rest[1:]
        if value is None:
            picks[option] = True
        elif _PLACEHOLDER_RE.match(value):
            needs.append(option)
        elif _VALUE_RE.match(value):
            picks[option] = value
        else:
            raise SopError(
                f"definisi SOP tidak sah: perintah transisi '{action}': nilai '{value}' untuk --{option} harus huruf kecil "
                "(pilihan tetap, mis. redaktur) atau HURUF BESAR (diisi petugas, mis. TEKS)"
            )
    return words[0], tuple(picks.items()), tuple(needs)


def _roles_list(
    data: dict[str, Any], key: str, roles: dict[str, str], example: str, external: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """A list of known roles under `key` (none outside the desk when `external` is given)."""
    value = _sequence(data.get(key), f"'{key}'", example)
    for role in value:
        if not isinstance(role, str) or role not in roles:
            raise SopError(
                f"definisi SOP tidak sah: {key} menyebut peran '{role}' yang tidak dikenal (peran yang ada: {', '.join(roles)})"
            )
        if role in external:
            raise SopError(f"definisi SOP tidak sah: {key} menyebut '{role}', peran di luar petugas (peran_luar)")
    return value


def _path_steps(value: Any, steps: dict[int, Step]) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SopError("definisi SOP tidak sah: 'langkah_jalur' harus pemetaan jalur -> nomor langkah, contoh: {eskalasi: 6}")
    out: dict[str, int] = {}
    for path, number in value.items():
        if path not in PATH_KEYS:
            raise SopError(
                f"definisi SOP tidak sah: langkah_jalur menyebut jalur '{path}' yang tidak dikenal ({', '.join(PATH_KEYS)})"
            )
        if not _is_int(number) or number not in steps:
            raise SopError(f"definisi SOP tidak sah: langkah_jalur '{path}' menyebut langkah {number!r} yang tidak ada")
        out[str(path)] = number
    return out


def _report_actions(
    value: Any, report_steps: dict[int, Step], roles: dict[str, str], external: tuple[str, ...]
) -> dict[str, ReportAction]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SopError(
            "definisi SOP tidak sah: 'aksi_laporan' harus pemetaan aksi -> {langkah: N}, contoh: {laporan_harian: {langkah: 12}}"
        )
    out: dict[str, ReportAction] = {}
    for action, item in value.items():
        where = f"aksi_laporan '{action}'"
        if not isinstance(item, dict):
            raise SopError(f"definisi SOP tidak sah: {where} harus pemetaan, contoh: {{langkah: 12}}")
        number = _require(item, "langkah", where)
        step = report_steps.get(number) if _is_int(number) else None
        if step is None:
            raise SopError(
                f"definisi SOP tidak sah: {where} menyebut langkah {number!r} yang bukan langkah_laporan "
                f"({', '.join(map(str, report_steps)) or 'tidak ada'})"
            )
        allowed = _roles_list(item, "peran", roles, "[kabid]", external) or _recorders(step)
        out[str(action)] = ReportAction(str(action), number, tuple(dict.fromkeys(allowed)))
    return out


def _case_actions(
    value: Any, steps: dict[int, Step], roles: dict[str, str], external: tuple[str, ...]
) -> dict[str, CaseAction]:
    """`aksi_kasus`: optional; an SOP without it (written before these actions) has none of them."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SopError("definisi SOP tidak sah: 'aksi_kasus' harus pemetaan aksi -> {perintah, peran, ...}")
    out: dict[str, CaseAction] = {}
    for action, item in value.items():
        where = f"aksi_kasus '{action}'"
        if action not in CASE_ACTION_COMMANDS:
            raise SopError(
                f"definisi SOP tidak sah: {where} tidak dikenal; yang dikenal: {', '.join(CASE_ACTION_COMMANDS)}"
            )
        if not isinstance(item, dict):
            raise SopError(f"definisi SOP tidak sah: {where} harus pemetaan, contoh: {{perintah: ..., peran: [admin]}}")
        command = str(item.get("perintah") or CASE_ACTION_COMMANDS[action])
        name, picks, needs = _command_line(command, action)
        if name != CASE_ACTION_COMMANDS[action] or picks:
            raise SopError(
                f"definisi SOP tidak sah: perintah {where} harus '{CASE_ACTION_COMMANDS[action]} ID' dengan opsi berisi "
                f"HURUF BESAR saja (yang diisi petugas), bukan '{command}'"
            )
        allowed = _roles_list(item, "peran", roles, "[admin]", external)
        if not allowed:
            raise SopError(f"definisi SOP tidak sah: {where} perlu 'peran' (siapa yang boleh), contoh: [admin]")
        sources = item.get("dari")
        if sources is not None:
            sources = _sequence(sources, f"'dari' {where}", "[1, 2, 3]")
            for number in sources:
                if not _is_int(number) or number not in steps:
                    raise SopError(f"definisi SOP tidak sah: {where} berasal dari langkah {number!r} yang tidak ada")
        statuses = item.get("dari_status")
        if statuses is not None:
            statuses = tuple(str(s) for s in _sequence(statuses, f"'dari_status' {where}", "[selesai]"))
        target = _optional_int(item.get("ke"), f"'ke' {where}")
        status = item.get("status")
        if action in (REOPEN, PAUSE, REFER) and not status:
            raise SopError(f"definisi SOP tidak sah: {where} perlu 'status'")
        if action == REOPEN and (target is None or target not in steps):
            raise SopError(f"definisi SOP tidak sah: {where} perlu 'ke': langkah tempat kasus kembali, contoh: 2")
        out[str(action)] = CaseAction(
            action=str(action),
            command=command,
            roles=allowed,
            sources=sources,
            source_statuses=statuses,
            target=target,
            status=str(status) if status else None,
            name=name,
            picks=picks,
            needs=needs,
        )
    return out


# What SOP 276's files said before these facts were data (the tool's constants until then): a
# store's sop.yaml, or an old commit of it, written before any of these keys existed means exactly
# this, so existing stores and their audited history keep their meaning. A file that has any of
# them is of the new kind and must have every required one.
LEGACY_DEFAULTS: dict[str, Any] = {
    "peran_luar": ["pelapor"],
    "pengelola": ["admin", "pimred", "kadin"],
    "pengoreksi": ["admin", "pimred"],
    "langkah_jalur": {"redaktur": 4, "eskalasi": 6},
    "aksi_laporan": {
        "laporan_harian": {"langkah": 12},
        "susun": {"langkah": 13},
        "paraf": {"langkah": 14, "peran": ["kabid"]},
        "periksa": {"langkah": 15},
    },
}


def _with_legacy_defaults(data: dict[str, Any], roles: dict[str, Any]) -> dict[str, Any]:
    """An SOP written before LEGACY_DEFAULTS' keys existed, with them filled as the tool then had them."""
    if any(key in data for key in LEGACY_DEFAULTS):
        return data
    steps = {item.get("nomor") for item in data.get("langkah") or [] if isinstance(item, dict)}
    report_steps = {item.get("nomor") for item in data.get("langkah_laporan") or [] if isinstance(item, dict)}
    filled = dict(data)
    for key in ("peran_luar", "pengelola", "pengoreksi"):
        if key not in filled:
            filled[key] = [role for role in LEGACY_DEFAULTS[key] if role in roles]
    if "langkah_jalur" not in filled:
        filled["langkah_jalur"] = {k: n for k, n in LEGACY_DEFAULTS["langkah_jalur"].items() if n in steps}
    if "aksi_laporan" not in filled:
        filled["aksi_laporan"] = {
            action: {**item, "peran": [r for r in item.get("peran", []) if r in roles]} if "peran" in item else dict(item)
            for action, item in LEGACY_DEFAULTS["aksi_laporan"].items()
            if item["langkah"] in report_steps
        }
    return filled


def _still_actions(
    value: Any, roles: dict[str, str], external: tuple[str, ...], taken: set[str]
) -> dict[str, StillAction]:
    """`aksi_tetap`: action -> {pelaksana: ROLE, peran: [ROLES]}; absent in an older sop.yaml (none then)."""
    if value is None:
        return {}
    example = "{pesan_lanjutan: {pelaksana: pelapor, peran: [admin]}}"
    if not isinstance(value, dict):
        raise SopError(f"definisi SOP tidak sah: 'aksi_tetap' harus pemetaan aksi -> {{pelaksana, peran}}, contoh: {example}")
    out: dict[str, StillAction] = {}
    for action, item in value.items():
        where = f"aksi_tetap '{action}'"
        if not isinstance(item, dict):
            raise SopError(f"definisi SOP tidak sah: {where} harus pemetaan, contoh: {example}")
        named = isinstance(action, str) and _COMMAND_RE.match(action) is not None
        if not named or action in taken or action == CORRECTION or action in CASE_ACTION_COMMANDS:
            raise SopError(f"definisi SOP tidak sah: {where}: nama aksi tidak sah atau sudah dipakai transisi/koreksi")
        performer = str(_require(item, "pelaksana", where))
        if performer not in roles:
            raise SopError(f"definisi SOP tidak sah: {where} menyebut pelaksana '{performer}' yang tidak dikenal")
        allowed = _roles_list(item, "peran", roles, "[admin]", external)
        if not allowed:
            raise SopError(f"definisi SOP tidak sah: {where} perlu 'peran' yang boleh mencatatnya, contoh: [admin]")
        out[action] = StillAction(action, performer, allowed)
    return out


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
    data = _with_legacy_defaults(data, roles)
    external = _roles_list(data, "peran_luar", roles, "[pelapor]")
    if all(role in external for role in roles):
        raise SopError("definisi SOP tidak sah: semua peran ada di peran_luar; tidak ada peran untuk petugas")
    # Required once written: without them nobody (or everybody) could change the store's setup.
    _require(data, "pengelola", "definisi SOP")
    _require(data, "pengoreksi", "definisi SOP")
    managers = _roles_list(data, "pengelola", roles, "[admin, pimred, kadin]", external)
    correctors = _roles_list(data, "pengoreksi", roles, "[admin, pimred]", external)
    if not managers:
        raise SopError("definisi SOP tidak sah: 'pengelola' harus menyebut sedikitnya satu peran, contoh: [admin, pimred, kadin]")

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
        command = str(item.get("perintah") or action)
        name, picks, needs = _command_line(command, action)
        transitions.append(
            Transition(
                action=action,
                sources=sources,
                target=target,
                status=str(_require(item, "status", f"{where} ({action})")),
                command=command,
                needs_answer=_flag(item.get("wajib_jawaban", False), f"wajib_jawaban transisi '{action}'"),
                name=name,
                picks=picks,
                needs=needs,
            )
        )
    for index, first in enumerate(transitions):
        for other in transitions[index + 1 :]:
            if first.name == other.name and dict(first.picks) == dict(other.picks) and set(first.needs) == set(other.needs):
                raise SopError(
                    f"definisi SOP tidak sah: transisi '{first.action}' dan '{other.action}' diketik sama "
                    f"('{first.command}' / '{other.command}'); bedakan dengan opsi berisi pilihan, mis. --ke redaktur"
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
        external_roles=external,
        managers=managers,
        correctors=correctors,
        path_steps=_path_steps(data.get("langkah_jalur"), steps),
        report_actions=_report_actions(data.get("aksi_laporan"), report_steps, roles, external),
        case_actions=_case_actions(data.get("aksi_kasus"), steps, roles, external),
        still=_still_actions(data.get("aksi_tetap"), roles, external, seen_actions),
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
    _check_case_actions(sop)
    return sop


def _check_case_actions(sop: Sop) -> None:
    """Case actions fit the step table: their commands and statuses are their own, and a
    referral's status closes a case (it joins the end states)."""
    commands = {t.name for t in sop.transitions}
    statuses = {t.status for t in sop.transitions}
    for item in sop.case_actions.values():
        if item.name in commands:
            raise SopError(f"definisi SOP tidak sah: perintah aksi_kasus '{item.action}' sama dengan perintah transisi")
        if item.action in (PAUSE, REFER) and item.status in statuses:
            raise SopError(
                f"definisi SOP tidak sah: status '{item.status}' aksi_kasus '{item.action}' sudah dipakai transisi; "
                "beri status sendiri"
            )
    pause, refer = sop.case_actions.get(PAUSE), sop.case_actions.get(REFER)
    if pause is not None and refer is not None and pause.status == refer.status:
        raise SopError("definisi SOP tidak sah: status tunda dan rujuk harus berbeda")
    if refer is not None and refer.status not in sop.final_statuses:
        sop.final_statuses = (*sop.final_statuses, str(refer.status))
    reopen = sop.case_actions.get(REOPEN)
    if reopen is not None:
        for status in reopen.source_statuses or ():
            if status not in sop.final_statuses:
                raise SopError(
                    f"definisi SOP tidak sah: aksi_kasus buka_kembali dari_status '{status}' bukan status akhir "
                    f"({', '.join(sop.final_statuses)})"
                )
        if not any((t.target, t.status) == (reopen.target, reopen.status) for t in sop.transitions) or (
            reopen.status in sop.final_statuses
        ):
            raise SopError(
                f"definisi SOP tidak sah: aksi_kasus buka_kembali kembali ke langkah {reopen.target} status "
                f"'{reopen.status}', yang bukan keadaan terbuka hasil transisi mana pun"
            )


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
