"""CSV and JSON tables: the desk's own spreadsheet, or another system's export.

Columns named as the case file's own keys (`platform`, `akun`, `jenis`, `isi`, `tautan`,
`waktu_unggah`, `nama_pelapor`, `kontak`; optionally `id_sumber` and `utas`) need nothing more.
Otherwise a mapping file (`--pemetaan`, YAML) says which column holds which field, and may fix
the platform and kind and give the date format and zone:

    kolom: {isi: Pesan, akun: Pengirim, waktu_unggah: Tanggal}
    platform: instagram
    jenis: pesan
    format_waktu: "%d/%m/%Y %H:%M"
    zona_waktu: Asia/Jakarta

CSV: UTF-8 with or without a BOM, comma or semicolon. JSON: a list of objects.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from pengaduan.core.safetext import DEEP, YAML_DEPTH, yaml_hazard
from pengaduan.importers.base import Batch, Message, Refused, decode_text, source_key, text_digest

FIELDS = ("platform", "akun", "jenis", "isi", "tautan", "waktu_unggah", "nama_pelapor", "kontak", "id_sumber", "utas")
REQUIRED = ("akun", "isi")
MAPPING_KEYS = ("kolom", "platform", "jenis", "format_waktu", "zona_waktu")
MAPPING_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # field -> column
    platform: str | None = None
    kind: str | None = None
    time_format: str | None = None
    zone: tzinfo | None = None
    name: str = ""


def load_mapping(data: bytes, name: str) -> Mapping:
    """A mapping file, checked: known keys and fields only, no YAML anchors or aliases."""
    if len(data) > MAPPING_LIMIT:
        raise Refused(f"berkas pemetaan terlalu besar (maks. {MAPPING_LIMIT // 1024} KB)")
    text = decode_text(data, name)
    try:
        hazard = yaml_hazard(text)
        if hazard is not None and hazard[0] == DEEP:
            raise Refused(f"berkas pemetaan bersarang lebih dari {YAML_DEPTH} tingkat; tulis pemetaan yang datar")
        if hazard is not None:
            raise Refused("berkas pemetaan memakai anchor/alias YAML ('&'/'*'); tulis nilainya langsung")
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        raise Refused("berkas pemetaan bukan YAML yang sah") from None
    example = "kolom: {isi: Pesan, akun: Pengirim}"
    if not isinstance(raw, dict):
        raise Refused(f"berkas pemetaan harus pemetaan YAML, contoh: {example}")
    unknown = [str(k) for k in raw if k not in MAPPING_KEYS]
    if unknown:
        raise Refused(f"berkas pemetaan: kunci tidak dikenal ({', '.join(unknown)}); yang dikenal: {', '.join(MAPPING_KEYS)}")
    columns = raw.get("kolom") or {}
    if not isinstance(columns, dict) or not all(isinstance(v, (str, int)) for v in columns.values()):
        raise Refused(f"berkas pemetaan: 'kolom' harus pemetaan kolom_kasus -> nama kolom di berkas, contoh: {example}")
    wrong = [str(k) for k in columns if k not in FIELDS]
    if wrong:
        raise Refused(f"berkas pemetaan: kolom kasus tidak dikenal ({', '.join(wrong)}); yang dikenal: {', '.join(FIELDS)}")
    zone = None
    if raw.get("zona_waktu"):
        try:
            zone = ZoneInfo(str(raw["zona_waktu"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise Refused(f"berkas pemetaan: zona_waktu '{raw['zona_waktu']}' tidak dikenal (contoh: Asia/Jakarta)") from None
    fmt = raw.get("format_waktu")
    if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
        raise Refused("berkas pemetaan: format_waktu harus pola strftime, contoh: '%d/%m/%Y %H:%M'")
    return Mapping(
        columns={str(k): str(v) for k, v in columns.items()},
        platform=str(raw["platform"]) if raw.get("platform") else None,
        kind=str(raw["jenis"]) if raw.get("jenis") else None,
        time_format=fmt,
        zone=zone,
        name=name,
    )


def parse_csv(data: bytes, name: str, mapping: Mapping | None, tz: tzinfo, batch: Batch) -> None:
    text = decode_text(data, name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise Refused("berkas CSV kosong")
        rows = []
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise Refused(f"CSV tidak sah di baris {reader.line_num}: tanda kutip tidak tertutup atau baris rusak ({exc})") from None
    columns = [c.strip() for c in header]
    fields = _fields(columns, mapping, name)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            batch.problem(f"{name}:{line}", f"baris berisi {len(row)} kolom, kepala berkas {len(columns)}")
            continue
        values = {f: row[index] for f, index in fields.items()}
        _row(values, f"{name}:{line}", mapping, tz, batch)


def parse_json(data: Any, name: str, mapping: Mapping | None, tz: tzinfo, batch: Batch) -> None:
    if not isinstance(data, list):
        raise Refused("tabel JSON harus daftar objek, satu objek per pengaduan")
    columns: list[str] = []
    for item in data:
        if isinstance(item, dict):
            columns.extend(str(k) for k in item if str(k) not in columns)
    fields = _fields(columns, mapping, name)
    for index, item in enumerate(data, start=1):
        where = f"{name}:{index}"
        if not isinstance(item, dict):
            batch.problem(where, "butir bukan objek JSON")
            continue
        values: dict[str, str] = {}
        for f, position in fields.items():
            value = item.get(columns[position])
            if isinstance(value, (dict, list)):
                batch.problem(where, f"kolom '{columns[position]}' berisi {type(value).__name__}, bukan teks")
                break
            values[f] = "" if value is None else str(value)
        else:
            _row(values, where, mapping, tz, batch)


def _fields(columns: list[str], mapping: Mapping | None, name: str) -> dict[str, int]:
    """field -> column position; Refused naming the columns a mapping names but the file lacks."""
    wanted = dict(mapping.columns) if mapping is not None else {}
    for f in FIELDS:
        wanted.setdefault(f, f)
    out: dict[str, int] = {}
    missing = []
    for f, column in wanted.items():
        if column in columns:
            out[f] = columns.index(column)
        elif mapping is not None and f in mapping.columns:
            missing.append(column)
    if missing:
        shown = ", ".join(columns) or "tidak ada"
        raise Refused(f"pemetaan {mapping.name if mapping else ''} menyebut kolom {', '.join(repr(m) for m in missing)} "
                      f"yang tidak ada di berkas (kolom yang ada: {shown})")  # fmt: skip
    needed = [f for f in REQUIRED if f not in out]
    if "platform" not in out and (mapping is None or mapping.platform is None):
        needed.append("platform")
    if needed:
        raise Refused(
            f"kolom {', '.join(needed)} tidak ada (kolom yang ada: {', '.join(columns) or 'tidak ada'}); beri nama kolom "
            "seperti kunci berkas kasus, atau buat berkas pemetaan (--pemetaan)"
        )
    return out


def _row(values: dict[str, str], where: str, mapping: Mapping | None, tz: tzinfo, batch: Batch) -> None:
    clean = {k: v.strip() for k, v in values.items()}
    platform = clean.get("platform") or (mapping.platform if mapping else None) or ""
    kind = clean.get("jenis") or (mapping.kind if mapping else None) or "pesan"
    text = values.get("isi", "").strip()
    account = clean.get("akun", "")
    if not text:
        batch.problem(where, "kolom isi kosong")
        return
    if not account:
        batch.problem(where, "kolom akun kosong")
        return
    moment = None
    stamp = clean.get("waktu_unggah", "")
    if stamp:
        moment = _moment(stamp, mapping, tz)
        if moment is None:
            shown = mapping.time_format if mapping and mapping.time_format else "ISO 8601, contoh 2026-11-02T09:14:00+07:00"
            batch.problem(where, f"waktu_unggah '{stamp[:40]}' tidak dapat dibaca (bentuk: {shown})")
            return
    thread = clean.get("utas")
    source_id = clean.get("id_sumber")
    source = (
        source_key(platform, "id", source_id)
        if source_id
        else source_key(platform, "tabel", thread or account, stamp, account, text_digest(text))
    )
    batch.messages.append(
        Message(
            platform=platform,
            kind=kind,
            text=text,
            posted_at=moment,
            origin=where,
            source=source,
            thread=source_key(platform, "utas", thread, account) if thread else None,
            sender_name=clean.get("nama_pelapor") or None,
            account_text=account,
            link=clean.get("tautan") or None,
            contact=clean.get("kontak") or None,
        )
    )


def _moment(text: str, mapping: Mapping | None, tz: tzinfo) -> datetime | None:
    zone = mapping.zone if mapping is not None and mapping.zone is not None else tz
    try:
        if mapping is not None and mapping.time_format:
            moment = datetime.strptime(text, mapping.time_format)
        else:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
