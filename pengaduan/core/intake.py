"""Checks of the fields a person types: the same for `terima`, the steps that classify a case, and `koreksi`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pengaduan.core import timeutil
from pengaduan.core.case import INTAKE_FIELDS, Case
from pengaduan.core.config import Config
from pengaduan.core.safetext import TEXT_FIELDS, check_text_field
from pengaduan.errors import InputError
from pengaduan.i18n import CASE_KEYS, REPORTER_KEYS

# Fields the verification and coordination steps fill in (and a correction may fix).
CLASSIFICATION_FIELDS = ("category", "bidang")
# The privacy flags (SP4N-LAPOR!'s anonim and rahasia): a correction may only turn one on.
FLAG_FIELDS = ("anonymous", "confidential")
FLAG_ON = ("ya", "true", "1")
# The reporter's data, by Reporter attribute -> the key a correction names it by. A correction
# of these records which field changed, never its values: they are personal data, and the
# history (append-only) must not keep what an erasure has to destroy.
REPORTER_FIELDS: dict[str, str] = {
    name: f"{CASE_KEYS['reporter']}.{key}" for name, key in REPORTER_KEYS.items()
}
REPORTER_PREFIX = "reporter."


def correctable_keys() -> list[str]:
    """Every key `koreksi --kolom` takes, in the order the case file writes them."""
    fields = (*INTAKE_FIELDS, *CLASSIFICATION_FIELDS, *FLAG_FIELDS)
    return [CASE_KEYS[name] for name in fields] + list(REPORTER_FIELDS.values())


def correctable_field(key: str) -> str:
    """The code name of the field a key names ('reporter.name' for the reporter's); refused with
    the valid keys otherwise."""
    names = {CASE_KEYS[name]: name for name in (*INTAKE_FIELDS, *CLASSIFICATION_FIELDS, *FLAG_FIELDS)}
    names.update({key: REPORTER_PREFIX + name for name, key in REPORTER_FIELDS.items()})
    field_name = names.get(key.strip())
    if field_name is None:
        raise InputError(f"kolom '{key}' tidak dapat dikoreksi; pilih salah satu: {', '.join(correctable_keys())}")
    return field_name


def corrected_value(
    case: Case, field_name: str, key: str, value: str, config: Config, tz: ZoneInfo, now: datetime
) -> Any:
    """A corrected value checked as `terima` checks it."""
    text = value.strip()
    if field_name in FLAG_FIELDS:
        if text.lower() not in FLAG_ON:
            raise InputError(
                f"kolom {key} hanya dapat dinyalakan (--nilai ya); sifat anonim/rahasia tidak pernah dimatikan"
            )
        if getattr(case, field_name):
            raise InputError(f"kasus {case.id} sudah {key}; tidak ada yang dikoreksi")
        return True
    if field_name.startswith(REPORTER_PREFIX):
        check_text_field("reporter_" + field_name[len(REPORTER_PREFIX) :], text, "--nilai")
        return text or None  # the reporter's name or contact may be removed (an empty value)
    if field_name in TEXT_FIELDS:
        check_text_field(field_name, text, "--nilai")
    if field_name == "category":
        return config.check_choice(text, "kategori")
    if field_name == "bidang":
        return config.check_choice(text, "bidang")
    if field_name == "platform":
        return config.check_choice(text, "platform")
    if field_name == "kind":
        return config.check_choice(text, "jenis")
    if field_name == "link":
        return text or None
    if field_name in ("posted_at", "received_at"):
        moment = timeutil.parse_moment(text, tz, "--nilai")
        timeutil.refuse_future(moment, now, "--nilai")
        if field_name == "received_at":
            # The ID and the folder carry the day received; a correction may fix the time, not the day,
            # and the complaint cannot have been received after its first step was recorded.
            if moment.date() != case.received_at.astimezone(tz).date():
                raise InputError(
                    f"--nilai {timeutil.to_text(moment)} bukan hari yang sama dengan waktu_terima "
                    f"({timeutil.to_stored(case.received_at)[:10]}, tercatat di ID dan foldernya); koreksi hanya jamnya"
                )
            first = case.history[0].time if case.history else None
            if first is not None and moment > first:
                raise InputError(
                    f"--nilai {timeutil.to_text(moment)} sesudah langkah 1 dicatat ({timeutil.to_stored(first)}); "
                    "waktu_terima tidak boleh sesudahnya"
                )
        other = case.received_at if field_name == "posted_at" else case.posted_at
        if other is not None:
            if (field_name == "posted_at" and moment > other) or (field_name == "received_at" and moment < other):
                raise InputError("waktu_unggah harus sebelum atau sama dengan waktu_terima; periksa --nilai")
        return moment
    if not text:
        raise InputError(f"--nilai kosong; kolom {key} wajib berisi")
    return text
