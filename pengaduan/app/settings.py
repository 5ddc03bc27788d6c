"""Configuration by command (`pengaduan atur`): each change of pengaduan.yaml or sop.yaml is one
configuration commit, by a managing role (sop.yaml `pengelola`), keeping the file's comments."""

from __future__ import annotations

from typing import Any

from pengaduan.app.context import Desk
from pengaduan.app.staff import manager
from pengaduan.core import settings, timeutil
from pengaduan.core.calendar import Calendar
from pengaduan.core.config import load_config
from pengaduan.core.sop import CASE_ACTION_COMMANDS, load_sop
from pengaduan.errors import ConfigError, InputError, PengaduanError
from pengaduan.store import yamlio

WHAT = "mengubah konfigurasi"


def show(desk: Desk) -> dict[str, Any]:
    """Every setting `atur` changes, with its value now, and the lists it keeps."""
    raw = desk.config.raw
    return {
        "nilai": {key: _or_default(settings.get(raw, key), item.default) for key, item in settings.SETTINGS.items()},
        "libur_tambahan": settings.get(raw, "kalender.libur_tambahan") or [],
        "bukan_libur": settings.get(raw, "kalender.bukan_libur") or [],
        "kategori": dict(desk.config.categories),
        "bidang": dict(desk.config.bidang),
        "platform": list(desk.config.platforms),
        "aksi_kasus": {a: item.command for a, item in desk.sop.case_actions.items()},
    }


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value


def _check(desk: Desk, data: dict[str, Any]) -> None:
    """The whole configuration as it would be: readable, its calendar and time zone valid."""
    load_config(data, desk.sop)
    tz = timeutil.zone(str(data.get("zona_waktu", "Asia/Jakarta")))
    calendar = data.get("kalender")
    if calendar is not None:
        Calendar.from_config(calendar, tz)


def _save(desk: Desk, data: dict[str, Any], subject: str) -> str:
    author = manager(desk, WHAT)
    try:
        _check(desk, data)
    except ConfigError as exc:
        problem = exc.message.removeprefix("pengaduan.yaml tidak sah: ")
        raise InputError(f"nilai itu membuat pengaduan.yaml tidak sah ({problem})") from None
    commit = desk.store.save_config(data, subject, author)
    desk.forget_config()
    return commit


def set_value(desk: Desk, key: str, text: str) -> tuple[Any, str]:
    """`atur KUNCI NILAI`: (the new value, the commit)."""
    data, value = settings.set_value(desk.config.raw, key, text)
    shown = value if not isinstance(value, dict) else ", ".join(f"{k} {v}" for k, v in value.items())
    return value, _save(desk, data, f"Konfigurasi: {key.strip()} = {shown}")


def day(desk: Desk, which: str, verb: str, text: str, note: str | None = None) -> str:
    """`atur libur|bukan-libur tambah|hapus TGL`."""
    path = settings.HOLIDAYS if which == "libur" else settings.WORKED_DAYS
    raw = desk.config.raw
    if verb == "tambah":
        data = settings.add_day(raw, path, text, note)
        subject = f"Konfigurasi: kalender.{path[1]} + {text.strip()}"
    else:
        data = settings.remove_day(raw, path, text)
        subject = f"Konfigurasi: kalender.{path[1]} - {text.strip()}"
    return _save(desk, data, subject)


def _users(desk: Desk, kind: str, code: str) -> list[str]:
    """What still uses a code: cases (by ID) and, for a bidang, petugas."""
    attr = {"kategori": "category", "bidang": "bidang", "platform": "platform"}[kind]
    found = [c.id for c in desk.store.load_all() if getattr(c, attr) == code]
    if kind == "bidang":
        found += [f"petugas {s.code}" for s in desk.config.staff if s.bidang == code]
    return found


def coded(desk: Desk, kind: str, verb: str, code: str, name: str | None = None) -> str:
    """`atur kategori|bidang|platform tambah|ubah|hapus KODE [--nama]`."""
    raw = desk.config.raw
    if verb == "hapus":
        users = _users(desk, kind, code.strip())
        if users:
            shown = ", ".join(users[:5]) + (f" (dan {len(users) - 5} lagi)" if len(users) > 5 else "")
            raise InputError(
                f"{kind} '{code.strip()}' masih dipakai {len(users)} kali ({shown}); tidak dihapus. Koreksi dulu "
                "kasusnya ('pengaduan koreksi') atau ubah namanya saja"
            )
    if kind == "platform":
        if verb == "ubah":
            raise InputError("platform hanya berupa kode; tambah yang baru lalu hapus yang lama")
        data = settings.add_platform(raw, code) if verb == "tambah" else settings.remove_platform(raw, code)
    elif verb == "tambah":
        data = settings.add_coded(raw, kind, code, name)
    elif verb == "ubah":
        data = settings.rename_coded(raw, kind, code, name)
    else:
        data = settings.remove_coded(raw, kind, code)
    word = {"tambah": "ditambahkan", "ubah": "diubah", "hapus": "dihapus"}[verb]
    return _save(desk, data, f"Konfigurasi: {kind} {code.strip()} {word}")


def update_sop(desk: Desk) -> tuple[list[str], str]:
    """`atur sop perbarui`: the case actions (aksi_kasus) of the package's SOP added to the store's
    sop.yaml where it lacks them; everything else in it stays as the desk wrote it."""
    store = desk.store
    text = store.sop_text()
    current = yamlio.load_text(text, "sop.yaml")
    package_text = store.default_sop_text()
    package = yamlio.load_text(package_text, "sop.yaml")
    wanted = package.get("aksi_kasus") or {}
    have = current.get("aksi_kasus")
    # The actions that never move a case (aksi_tetap: pesan_lanjutan, for `impor`) come along.
    still_missing = "aksi_tetap" in package and "aksi_tetap" not in current
    if isinstance(have, dict) and all(action in have for action in wanted) and not still_missing:
        raise InputError("sop.yaml store ini sudah punya semua aksi_kasus dan aksi_tetap; tidak ada yang ditambahkan")
    added = [a for a in wanted if not isinstance(have, dict) or a not in have]
    if have is None:
        new_text = text.rstrip("\n") + "\n" + _block(package_text, "aksi_kasus")
    elif added:
        merged = {**current, "aksi_kasus": {**(have or {}), **{a: wanted[a] for a in added}}}
        new_text = yamlio.update_top_level(text, current, merged)
    else:
        new_text = text
    if still_missing:
        new_text = new_text.rstrip("\n") + "\n" + _block(package_text, "aksi_tetap")
        added += list(package["aksi_tetap"])
    author = manager(desk, WHAT)
    try:
        load_sop(yamlio.load_text(new_text, "sop.yaml"))
    except PengaduanError as exc:
        raise InputError(
            f"aksi_kasus SOP bawaan tidak cocok dengan sop.yaml store ini ({exc.message}); tambahkan bagian aksi_kasus "
            "dengan tangan (lihat README) lalu commit dengan trailer Jenis: konfigurasi"
        ) from None
    names = ", ".join(CASE_ACTION_COMMANDS.get(a, a) for a in added)
    return added, store.save_sop(new_text, text, f"SOP: aksi kasus ditambahkan ({names})", author)


def _block(text: str, key: str) -> str:
    """A top-level key's block of a YAML text with the comment lines just above it."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    first = start
    while first > 0 and lines[first - 1].startswith("#"):
        first -= 1
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "-") or not lines[end].strip()):
        end += 1
    return "".join(lines[first:end])
