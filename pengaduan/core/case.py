"""A complaint's record: intake fields, current state, reporter block and append-only history."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from pengaduan.core.timeutil import from_stored, to_stored
from pengaduan.errors import StoreError
from pengaduan.i18n import CASE_KEYS, ENTRY_KEYS, OPTIONAL_CASE_KEYS, REPORTER_KEYS

# Schema 2: personal data is sealed (core.sealed); schema 1 (plain text) is still read, for
# stores not yet migrated and for the history before `pengaduan migrasi`.
SCHEMA = 2
SCHEMAS = (1, 2)
# Fields whose values schema 2 keeps sealed: intake fields, and the text of history entries.
SEALED_FIELDS = ("account", "link", "text")
SEALED_ENTRY_FIELDS = ("answer", "note")
# Actions that record something about the case itself, not a step: they never move it.
ERASURE = "hapus_data"
SCHEMA2_ONLY = ("anonymous", "confidential", "public_key")
# Fields fixed at step 1; changed later only through a recorded correction.
INTAKE_FIELDS = ("platform", "account", "link", "kind", "text", "posted_at", "received_at")


@dataclass(frozen=True)
class Entry:
    """One history entry (riwayat): a step the SOP knows, who did it and when."""

    step: int
    action: str
    status: str
    performer_role: str
    performer_name: str | None
    recorder: str
    time: datetime
    channel: str | None = None
    answer: str | None = None
    note: str | None = None
    changes: dict[str, Any] | None = None
    # The source key of the platform message this entry recorded (`pengaduan impor`): the
    # platform and a digest of its message id (or thread, time, sender and text).
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key in ENTRY_KEYS.items():
            value = getattr(self, name)
            if value is not None or name in ("performer_name",):
                out[key] = to_stored(value) if name == "time" else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """An entry from YAML data whose keys and types are checked (the time is ISO 8601 text)."""
        kwargs = {_ENTRY_NAMES[k]: v for k, v in data.items() if k in _ENTRY_NAMES}
        kwargs["time"] = _parse_time(kwargs["time"])
        return cls(**kwargs)


@dataclass(frozen=True)
class Reporter:
    """Personal data of the reporter, kept apart so it can be erased or encrypted alone."""

    name: str | None = None
    contact: str | None = None
    sealed: str | None = None  # schema 2: the block as one sealed value (core.sealed)

    def to_dict(self) -> dict[str, Any] | str | None:
        if self.sealed is not None:
            return self.sealed
        return {key: getattr(self, name) for name, key in REPORTER_KEYS.items()}

    @property
    def empty(self) -> bool:
        return self.sealed is None and not self.name and not self.contact


@dataclass(frozen=True)
class Case:
    id: str
    status: str
    step: int
    platform: str
    account: str
    text: str
    received_at: datetime
    kind: str = "komentar"
    link: str | None = None
    posted_at: datetime | None = None
    category: str | None = None
    bidang: str | None = None
    anonymous: bool = False  # the reporter asked not to be named (LAPOR! "anonim")
    confidential: bool = False  # never in reports, exports or reminders (LAPOR! "rahasia")
    public_key: str | None = None  # schema 2: the public half of the case's data key (core.sealed)
    # The conversation this case is (`pengaduan impor`): platform and a digest of thread and sender.
    thread: str | None = None
    duplicate_of: str | None = None  # closed as a duplicate of this case (`verifikasi --duplikat-dari`)
    reporter: Reporter = field(default_factory=Reporter)
    history: tuple[Entry, ...] = ()
    schema: int = SCHEMA

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key in CASE_KEYS.items():
            value = getattr(self, name)
            if name in SCHEMA2_ONLY and self.schema < 2:
                continue  # schema 1 files never had these keys
            if name == "reporter":
                value = value.to_dict() if self.schema < 2 or not value.empty else None
            elif name == "history":
                value = [entry.to_dict() for entry in value]
            elif name in _TIME_FIELDS and value is not None:
                value = to_stored(value)
            elif value is None and key in OPTIONAL_CASE_KEYS:
                continue
            out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: Any, source: str = "") -> Case:
        if not isinstance(data, dict):
            raise StoreError(
                f"berkas kasus {source} tidak sah: isinya bukan pemetaan YAML; pulihkan dengan 'git checkout -- {source}'"
            )
        missing = _missing_keys(cls, CASE_KEYS, data)
        if missing:
            raise _broken(source, f"kunci wajib hilang ({missing})")
        _check_keys(data, CASE_KEYS, source, "")
        _check_types(data, CASE_TYPES, source, "")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in _CASE_NAMES:
                continue
            name = _CASE_NAMES[key]
            if name == "reporter" and isinstance(value, str) and data.get("schema") != 1 and value.startswith("sandi:"):
                value = Reporter(sealed=value)
            elif name == "reporter":
                if value is not None and not isinstance(value, dict):
                    raise _broken(source, f"'{key}' harus pemetaan (nama, kontak) atau data terenkripsi")
                _check_keys(value or {}, REPORTER_KEYS, source, f"{key}: ")
                _check_types(value or {}, {k: (str, None) for k in REPORTER_KEYS.values()}, source, f"{key}: ")
                value = Reporter(**{n: (value or {}).get(k) for n, k in REPORTER_KEYS.items()})
            elif name == "history":
                if value is not None and not isinstance(value, list):
                    raise _broken(source, f"'{key}' harus daftar")
                value = tuple(_entry(item, index, source) for index, item in enumerate(value or [], start=1))
            elif name in _TIME_FIELDS and value is not None:
                value = from_stored(value)
            kwargs[name] = value
        case = cls(**kwargs)
        if case.schema not in SCHEMAS:
            known = ", ".join(map(str, SCHEMAS))
            raise StoreError(f"berkas kasus {source} memakai schema {case.schema}; versi ini hanya mengenal schema {known}")
        return case

    @classmethod
    def from_checked(cls, data: dict[str, Any]) -> Case:
        """A case from data that `from_dict` has already accepted (the read cache holds only such
        data): the same result without checking every key again, for lists of 100,000 cases."""
        kwargs = {_CASE_NAMES[k]: v for k, v in data.items()}
        reporter = kwargs.get("reporter") or {}
        if isinstance(reporter, str):
            kwargs["reporter"] = Reporter(sealed=reporter)
        else:
            kwargs["reporter"] = Reporter(name=reporter.get("nama"), contact=reporter.get("kontak"))
        kwargs["history"] = tuple(Entry.from_dict(item) for item in kwargs.get("history") or ())
        for name in _TIME_FIELDS:
            if kwargs.get(name) is not None:
                kwargs[name] = _parse_time(kwargs[name])
        return cls(**kwargs)

    @property
    def last(self) -> Entry | None:
        return self.history[-1] if self.history else None

    @property
    def erasure(self) -> Entry | None:
        """The entry that recorded the erasure of this case's personal data, if any."""
        return next((e for e in reversed(self.history) if e.action == ERASURE), None)

    def with_entry(self, entry: Entry, **changes: Any) -> Case:
        return replace(self, history=(*self.history, entry), step=entry.step, status=entry.status, **changes)


def stored_value(value: object) -> object:
    """A field's value as its case file writes it (a moment as ISO 8601 text); others as they are."""
    return to_stored(value) if isinstance(value, datetime) else value


def _broken(source: str, what: str) -> StoreError:
    return StoreError(
        f"berkas kasus {source} tidak sah: {what}; perbaiki lalu commit, atau kembalikan versi yang benar "
        f"(lihat 'git log -p -- {source}' di store)"
    )


# The case's moments: datetime in the model, ISO 8601 text in the file (timeutil.from_stored,
# called directly where 100,000 cases are built from the read cache).
_TIME_FIELDS = ("posted_at", "received_at")
_parse_time = datetime.fromisoformat
_CASE_NAMES = {key: name for name, key in CASE_KEYS.items()}
_ENTRY_NAMES = {key: name for name, key in ENTRY_KEYS.items()}

# What each YAML key may hold: a tuple of accepted types, None meaning the key may be empty.
# "time" is a string that must read as an ISO 8601 moment.
_TIME = "time"
CASE_TYPES: dict[str, tuple[Any, ...]] = {
    "schema": (int,),
    "id": (str,),
    "status": (str,),
    "langkah": (int,),
    "platform": (str,),
    "akun": (str,),
    "tautan": (str, None),
    "jenis": (str,),
    "isi": (str,),
    "waktu_unggah": (_TIME, None),
    "waktu_terima": (_TIME,),
    "kategori": (str, None),
    "bidang": (str, None),
    "anonim": (bool,),
    "rahasia": (bool,),
    "kunci_publik": (str, None),
    "utas": (str, None),
    "duplikat_dari": (str, None),
}
ENTRY_TYPES: dict[str, tuple[Any, ...]] = {
    "langkah": (int,),
    "aksi": (str,),
    "status": (str,),
    "pelaksana": (str,),
    "nama_pelaksana": (str, None),
    "pencatat": (str,),
    "waktu": (_TIME,),
    "saluran": (str, None),
    "jawaban": (str, None),
    "catatan": (str, None),
    "perubahan": (dict, None),
    "sumber": (str, None),
}


def _check_keys(data: dict[str, Any], keys: dict[str, str], source: str, where: str) -> None:
    """Refuse keys the tool does not know: dropping them on the next write would lose what they hold."""
    known = _KNOWN.get(id(keys))
    if known is None:
        known = _KNOWN[id(keys)] = frozenset(keys.values())
    unknown = [str(k) for k in data if k not in known]
    if unknown:
        raise _broken(source, f"{where}kunci tidak dikenal ({', '.join(unknown)})")


_KNOWN: dict[int, frozenset[str]] = {}


def _check_types(data: dict[str, Any], types: dict[str, tuple[Any, ...]], source: str, where: str) -> None:
    for key, accepted in types.items():
        if key not in data:
            continue
        value = data[key]
        kind = type(value)
        if (kind is str and str in accepted) or (kind is int and int in accepted) or (value is None and None in accepted):
            continue  # the common cases, checked without the general machinery below
        if _TIME in accepted and isinstance(value, str):
            try:
                datetime.fromisoformat(value)
                continue
            except ValueError:
                raise _broken(source, f"{where}'{key}' bukan waktu ISO 8601 ({value!r})") from None
        if any(isinstance(value, t) and not (t is int and isinstance(value, bool)) for t in accepted if isinstance(t, type)):
            continue
        wanted = "bilangan bulat" if int in accepted else ("waktu ISO 8601" if _TIME in accepted else "teks")
        if dict in accepted:
            wanted = "pemetaan"
        raise _broken(source, f"{where}'{key}' harus {wanted}, bukan {value!r}")


def _missing_keys(cls: type, keys: dict[str, str], data: dict[str, Any]) -> str:
    """The YAML keys of the fields without a default that `data` lacks, comma-separated."""
    return ", ".join(key for key in _required(cls, keys) if key not in data)


_REQUIRED: dict[type, tuple[str, ...]] = {}


def _required(cls: type, keys: dict[str, str]) -> tuple[str, ...]:
    found = _REQUIRED.get(cls)
    if found is None:
        found = _REQUIRED[cls] = tuple(
            keys[f.name] for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
        )
    return found


def _entry(item: Any, index: int, source: str) -> Entry:
    """One history entry of a case file, or a message naming the file and the entry."""
    if not isinstance(item, dict):
        raise _broken(source, f"riwayat ke-{index} harus pemetaan")
    missing = _missing_keys(Entry, ENTRY_KEYS, item)
    if missing:
        raise _broken(source, f"riwayat ke-{index}: kunci wajib hilang ({missing})")
    _check_keys(item, ENTRY_KEYS, source, f"riwayat ke-{index}: ")
    _check_types(item, ENTRY_TYPES, source, f"riwayat ke-{index}: ")
    return Entry.from_dict(item)
