"""A complaint's record: intake fields, current state, reporter block and append-only history."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from pengaduan.errors import StoreError
from pengaduan.i18n import CASE_KEYS, ENTRY_KEYS, REPORTER_KEYS

SCHEMA = 1
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
    time: str
    channel: str | None = None
    answer: str | None = None
    note: str | None = None
    changes: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key in ENTRY_KEYS.items():
            value = getattr(self, name)
            if value is not None or name in ("performer_name",):
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        known = {key: name for name, key in ENTRY_KEYS.items()}
        kwargs = {known[k]: v for k, v in data.items() if k in known}
        return cls(**kwargs)


@dataclass(frozen=True)
class Reporter:
    """Personal data of the reporter, kept apart so it can be erased or encrypted alone."""

    name: str | None = None
    contact: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {key: getattr(self, name) for name, key in REPORTER_KEYS.items()}


@dataclass(frozen=True)
class Case:
    id: str
    status: str
    step: int
    platform: str
    account: str
    text: str
    received_at: str
    kind: str = "komentar"
    link: str | None = None
    posted_at: str | None = None
    category: str | None = None
    bidang: str | None = None
    reporter: Reporter = field(default_factory=Reporter)
    history: tuple[Entry, ...] = ()
    schema: int = SCHEMA

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key in CASE_KEYS.items():
            value = getattr(self, name)
            if name == "reporter":
                value = value.to_dict()
            elif name == "history":
                value = [entry.to_dict() for entry in value]
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
        known = {key: name for name, key in CASE_KEYS.items()}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            name = known[key]
            if name == "reporter":
                if value is not None and not isinstance(value, dict):
                    raise _broken(source, f"'{key}' harus pemetaan (nama, kontak)")
                _check_keys(value or {}, REPORTER_KEYS, source, f"{key}: ")
                _check_types(value or {}, {k: (str, None) for k in REPORTER_KEYS.values()}, source, f"{key}: ")
                value = Reporter(**{n: (value or {}).get(k) for n, k in REPORTER_KEYS.items()})
            elif name == "history":
                if value is not None and not isinstance(value, list):
                    raise _broken(source, f"'{key}' harus daftar")
                value = tuple(_entry(item, index, source) for index, item in enumerate(value or [], start=1))
            kwargs[name] = value
        case = cls(**kwargs)
        if case.schema != SCHEMA:
            raise StoreError(f"berkas kasus {source} memakai schema {case.schema}; versi ini hanya mengenal schema {SCHEMA}")
        return case

    @property
    def last(self) -> Entry | None:
        return self.history[-1] if self.history else None

    def with_entry(self, entry: Entry, **changes: Any) -> Case:
        return replace(self, history=(*self.history, entry), step=entry.step, status=entry.status, **changes)



def _broken(source: str, what: str) -> StoreError:
    return StoreError(
        f"berkas kasus {source} tidak sah: {what}; perbaiki lalu commit, atau kembalikan versi yang benar "
        f"(lihat 'git log -p -- {source}' di store)"
    )


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
}


def _check_keys(data: dict[str, Any], keys: dict[str, str], source: str, where: str) -> None:
    """Refuse keys the tool does not know: dropping them on the next write would lose what they hold."""
    unknown = [str(k) for k in data if k not in keys.values()]
    if unknown:
        raise _broken(source, f"{where}kunci tidak dikenal ({', '.join(unknown)})")


def _check_types(data: dict[str, Any], types: dict[str, tuple[Any, ...]], source: str, where: str) -> None:
    for key, accepted in types.items():
        if key not in data:
            continue
        value = data[key]
        if value is None and None in accepted:
            continue
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
    required = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]
    return ", ".join(keys[name] for name in required if keys[name] not in data)


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
