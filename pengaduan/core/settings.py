"""The settings `pengaduan atur` changes in pengaduan.yaml, as pure functions on its data.

Each function takes the configuration as read (a dict) and returns a new one with one change;
nothing here reads files. The store validates the result as a whole (load_config, the working
calendar, the time zone) before one configuration commit writes it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from pengaduan.core import timeutil
from pengaduan.core.config import CODE_RE, FILE_LIMIT_KB, PAUSE_LIMIT_DAYS
from pengaduan.core.safetext import check_line
from pengaduan.errors import InputError

TEXT, INTEGER, NUMBER, FLAG, CHOICE, HOURS = "teks", "bilangan bulat", "angka", "true/false", "pilihan", "jam kerja"
WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
TRUE_WORDS = ("true", "ya", "1")
FALSE_WORDS = ("false", "tidak", "0")


@dataclass(frozen=True)
class Setting:
    """One scalar setting: its dotted key in pengaduan.yaml, what it holds, and what it is for."""

    key: str
    kind: str
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    default: Any = None  # what the tool uses while pengaduan.yaml does not set it


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("instansi", TEXT, "nama lengkap instansi (kop laporan)"),
        Setting("instansi_singkat", TEXT, "nama singkat instansi"),
        Setting("kota", TEXT, "kota penanda tangan laporan"),
        Setting("zona_waktu", TEXT, "zona waktu IANA, mis. Asia/Jakarta"),
        Setting("batas_kunci_detik", NUMBER, "berapa detik menunggu kunci store", minimum=0, default=30),
        Setting("batas.berkas_kb", INTEGER, "berkas kasus terbesar yang dibaca (KB)", minimum=1, default=FILE_LIMIT_KB),
        Setting(
            "batas.tunda_hari_kerja", INTEGER, "tundaan lebih lama dari ini (hari kerja) tampil di terlambat",
            minimum=1, default=PAUSE_LIMIT_DAYS,
        ),  # fmt: skip
        Setting("tanda_tangan_commit", FLAG, "setiap commit wajib ditandatangani", default=False),
        Setting("toleransi_waktu_detik", NUMBER, "selisih jam entri vs commit (detik) bagi audit", minimum=0, default=120),
        Setting("kalender.mode", CHOICE, "kerja (jam kerja) atau 24/7 (setiap menit)", ("kerja", "24/7"), default="kerja"),
        Setting("kalender.libur_nasional", FLAG, "libur nasional dan cuti bersama ikut menjadi hari libur", default=True),
        *(
            Setting(f"kalender.jam_kerja.{day}", HOURS, f"jam kerja hari {day}: libur, atau MASUK-PULANG[,ISTIRAHAT]")
            for day in WEEKDAYS
        ),
        # (notifikasi.perintah and notifikasi.batas_detik are each machine's own: 'pengaduan lokal'.)
        Setting("notifikasi.ulang_menit", INTEGER, "ulangi pengingat eskalasi tiap sekian menit kerja", minimum=1, default=60),
    )
}

# Settings that are each machine's own (store/local.py): never in the shared pengaduan.yaml.
MACHINE_KEYS = ("notifikasi.perintah", "notifikasi.batas_detik", "tanda_tangan.kunci", "tanda_tangan.format")

# The lists `atur` keeps: command word -> (where in pengaduan.yaml, what it holds).
HOLIDAYS = ("kalender", "libur_tambahan")
WORKED_DAYS = ("kalender", "bukan_libur")
CODED = {"kategori": "kategori", "bidang": "bidang"}  # mappings code -> name
PLATFORMS = "platform"  # a list of codes


def setting(key: str) -> Setting:
    found = SETTINGS.get(key.strip())
    if found is None and key.strip() in MACHINE_KEYS:
        raise InputError(f"{key.strip()} milik tiap mesin, bukan store bersama; atur dengan 'pengaduan lokal {key.strip()} ...'")
    if found is None:
        raise InputError(
            f"kunci '{key}' tidak dapat diatur; yang dapat: {', '.join(SETTINGS)} (daftar: libur, bukan-libur, "
            "kategori, bidang, platform)"
        )
    return found


def get(data: dict[str, Any], key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _with(data: dict[str, Any], path: tuple[str, ...] | list[str], value: Any) -> dict[str, Any]:
    """A deep copy of `data` with the value at `path` replaced (mappings on the way made as needed)."""
    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[path[-1]] = value
    return out


def _hours(text: str, key: str) -> Any:
    if text.lower() == "libur":
        return "libur"
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or parts[0].count("-") != 1:
        raise InputError(f"{key}: tulis 'libur' atau MASUK-PULANG[,ISTIRAHAT], contoh: 07:30-16:00,12:00-13:00")
    begin, end = (p.strip() for p in parts[0].split("-"))
    out: dict[str, Any] = {"masuk": begin, "pulang": end}
    if parts[1:]:
        out["istirahat"] = parts[1] if len(parts) == 2 else parts[1:]
    return out


def parse(item: Setting, text: str) -> Any:
    """The typed value `text` gives a setting, or why it cannot."""
    value = check_line(text, "NILAI").strip()
    if item.kind == TEXT:
        if not value:
            raise InputError(f"nilai {item.key} kosong; isi {item.help}")
        if item.key == "zona_waktu":
            timeutil.zone(value)
        return value
    if item.kind == FLAG:
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise InputError(f"{item.key} harus true atau false, bukan '{value}'")
    if item.kind == CHOICE:
        if value not in item.choices:
            raise InputError(f"{item.key} '{value}' bukan pilihan; pilih salah satu: {', '.join(item.choices)}")
        return value
    if item.kind == HOURS:
        return _hours(value, item.key)
    number: float
    try:
        number = int(value) if item.kind == INTEGER else float(value.replace(",", "."))
    except ValueError:
        raise InputError(f"{item.key} harus {item.kind}, bukan '{value}'") from None
    if item.minimum is not None and number < item.minimum:
        raise InputError(f"{item.key} harus {item.minimum:g} atau lebih, bukan {value}")
    if item.kind == NUMBER and float(number).is_integer():
        return int(number)
    return number


def set_value(data: dict[str, Any], key: str, text: str) -> tuple[dict[str, Any], Any]:
    """(the data with the setting changed, the new value); refused when nothing would change."""
    item = setting(key)
    value = parse(item, text)
    current = get(data, item.key)
    if (item.default if current is None else current) == value:
        raise InputError(f"{item.key} sudah {value!r}; tidak ada yang diubah")
    return _with(data, item.key.split("."), value), value


# -- lists ----------------------------------------------------------------------------------------
def _days(data: dict[str, Any], path: tuple[str, str]) -> list[Any]:
    value = get(data, ".".join(path))
    return list(value) if isinstance(value, list) else []


def _day_of(item: Any) -> str:
    day = item.get("tanggal") if isinstance(item, dict) else item
    return day.isoformat() if isinstance(day, date) else str(day).strip()


def add_day(data: dict[str, Any], path: tuple[str, str], text: str, note: str | None) -> dict[str, Any]:
    """A day added to libur_tambahan ({tanggal, keterangan}) or bukan_libur (a date)."""
    day = timeutil.parse_day(text.strip(), "TGL")
    days = _days(data, path)
    if any(_day_of(item) == day.isoformat() for item in days):
        raise InputError(f"{day.isoformat()} sudah ada di kalender.{path[1]}")
    if path == HOLIDAYS:
        label = check_line(note or "", "--keterangan").strip()
        if not label:
            raise InputError("--keterangan wajib: nama harinya, contoh: --keterangan 'Hari jadi Provinsi Jawa Tengah'")
        entry: Any = {"tanggal": day.isoformat(), "keterangan": label}
    else:
        entry = day.isoformat()
    ordered = sorted([*days, entry], key=_day_of)
    return _with(data, list(path), ordered)


def remove_day(data: dict[str, Any], path: tuple[str, str], text: str) -> dict[str, Any]:
    day = timeutil.parse_day(text.strip(), "TGL")
    days = _days(data, path)
    kept = [item for item in days if _day_of(item) != day.isoformat()]
    if len(kept) == len(days):
        raise InputError(f"{day.isoformat()} tidak ada di kalender.{path[1]}; lihat 'pengaduan atur'")
    return _with(data, list(path), kept)


def _code(text: str) -> str:
    code = text.strip()
    if not CODE_RE.match(code):
        raise InputError(
            f"kode '{code}' tidak sah; pakai huruf kecil, angka, titik, garis bawah atau tanda hubung (maks. 32), "
            "contoh: kekerasan-anak"
        )
    return code


def add_coded(data: dict[str, Any], key: str, code_text: str, name: str | None) -> dict[str, Any]:
    """A code added to a mapping list (kategori, bidang: code -> name)."""
    code = _code(code_text)
    current = dict(data.get(key) or {})
    if code in current:
        raise InputError(f"{key} '{code}' sudah ada ({current[code]}); ubah namanya dengan 'pengaduan atur {key} ubah'")
    label = check_line(name or "", "--nama").strip()
    if not label:
        raise InputError(f"--nama wajib: nama {key} yang tampil di laporan")
    current[code] = label
    return _with(data, [key], current)


def rename_coded(data: dict[str, Any], key: str, code_text: str, name: str | None) -> dict[str, Any]:
    code = code_text.strip()
    current = dict(data.get(key) or {})
    if code not in current:
        raise InputError(f"{key} '{code}' tidak ada; yang ada: {', '.join(current) or '(kosong)'}")
    label = check_line(name or "", "--nama").strip()
    if not label:
        raise InputError(f"--nama wajib: nama {key} yang baru")
    if current[code] == label:
        raise InputError(f"{key} '{code}' sudah bernama '{label}'; tidak ada yang diubah")
    current[code] = label
    return _with(data, [key], current)


def remove_coded(data: dict[str, Any], key: str, code_text: str) -> dict[str, Any]:
    code = code_text.strip()
    current = dict(data.get(key) or {})
    if code not in current:
        raise InputError(f"{key} '{code}' tidak ada; yang ada: {', '.join(current) or '(kosong)'}")
    del current[code]
    return _with(data, [key], current)


def add_platform(data: dict[str, Any], code_text: str) -> dict[str, Any]:
    code = _code(code_text)
    current = [str(p) for p in data.get(PLATFORMS) or []]
    if code in current:
        raise InputError(f"platform '{code}' sudah ada")
    return _with(data, [PLATFORMS], [*current, code])


def remove_platform(data: dict[str, Any], code_text: str) -> dict[str, Any]:
    code = code_text.strip()
    current = [str(p) for p in data.get(PLATFORMS) or []]
    if code not in current:
        raise InputError(f"platform '{code}' tidak ada; yang ada: {', '.join(current) or '(kosong)'}")
    return _with(data, [PLATFORMS], [p for p in current if p != code])
