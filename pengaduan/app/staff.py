"""The roster (daftar petugas in pengaduan.yaml): every change of a person is one configuration commit.

Adding, changing only the fields given, deactivating and reactivating all go through `_save`:
the author must manage the roster (sop.yaml `pengelola`) once it has a manager, and no change
may leave a managing role that had an active holder without one (`core.config.managers_lost`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pengaduan.app.context import Desk
from pengaduan.core.config import (
    Staff,
    check_code,
    check_email,
    check_nip,
    check_phone,
    load_config,
    managers_lost,
    parse_roles,
)
from pengaduan.core.safetext import check_line
from pengaduan.errors import InputError, PermissionDenied


def manager(desk: Desk, what: str = "mengubah daftar petugas") -> Staff | None:
    """Who may change the shared configuration: once the roster has a manager, only an active
    manager (returned as the commit's author); before that anyone (None)."""
    config, sop = desk.config, desk.sop
    if not config.roster_managed(sop):
        return None
    author = desk.actor()
    if not sop.manages(author.roles):
        raise PermissionDenied(f"petugas '{author.code}' tidak boleh {what}; minta {', '.join(sop.managers)}")
    return author


def _save(desk: Desk, staff: Staff, subject: str) -> str:
    store = desk.store
    config, sop = store.config, store.sop
    author = manager(desk)
    data = config.with_staff(staff)
    lost = managers_lost(config, load_config(data, sop), sop)
    if lost:
        names = ", ".join(f"{r} ({sop.roles.get(r, r)})" for r in lost)
        raise InputError(
            f"perubahan ini meninggalkan daftar petugas tanpa petugas aktif berperan {names}, padahal peran itu "
            "mengelola store (sop.yaml pengelola); tambahkan atau aktifkan penggantinya dulu"
        )
    commit = store.save_config(data, subject, author)
    desk.forget_config()
    return commit


def _key_text(ssh_key: str) -> str:
    key_file = Path(ssh_key).expanduser()
    return key_file.read_text(encoding="utf-8").strip() if key_file.is_file() else ssh_key.strip()


def _changes(
    desk: Desk,
    name: str | None,
    roles: str | None,
    email: str | None,
    bidang: str | None,
    phone: str | None,
    ssh_key: str | None,
    nip: str | None = None,
    rank: str | None = None,
    position: str | None = None,
) -> dict[str, object]:
    """The Staff fields given, each checked as the roster needs it."""
    for option, value in (
        ("--nama", name), ("--email", email), ("--bidang", bidang), ("--telepon", phone), ("--nip", nip),
        ("--pangkat", rank), ("--jabatan", position),
    ):  # fmt: skip
        if value is not None:
            check_line(value, option)
    changes: dict[str, object] = {}
    if name is not None:
        if not name.strip():
            raise InputError("--nama kosong; tulis nama lengkap petugas")
        changes["name"] = name.strip()
    if roles is not None:
        changes["roles"] = parse_roles(roles, desk.sop)
    if email is not None:
        changes["email"] = check_email(email)
    if bidang is not None:
        if bidang.strip():
            desk.config.check_choice(bidang.strip(), "bidang")
        changes["bidang"] = bidang.strip()
    if phone is not None:
        changes["phone"] = check_phone(phone)
    if ssh_key is not None:
        changes["ssh_key"] = _key_text(ssh_key)
    if nip is not None:
        changes["nip"] = check_nip(nip.strip(), "--nip") if nip.strip() else ""
    for attr, value in (("rank", rank), ("position", position)):
        if value is not None:
            changes[attr] = " ".join(value.split())
    return changes


def add_or_update(
    desk: Desk,
    code: str,
    name: str,
    roles: str,
    email: str | None = None,
    bidang: str | None = None,
    phone: str | None = None,
    ssh_key: str | None = None,
    nip: str | None = None,
    rank: str | None = None,
    position: str | None = None,
) -> tuple[Staff, str, str]:
    """Add a person or update one (what is not given stays); returns (person, verb, commit)."""
    config = desk.config
    changes = _changes(desk, name, roles, email, bidang, phone, ssh_key, nip, rank, position)
    previous = config.staff_by_code(check_code(code)) or Staff(code, name, ())
    staff = _checked(desk, replace(previous, **changes))  # type: ignore[arg-type]
    verb = "diperbarui" if config.staff_by_code(staff.code) else "ditambahkan"
    return staff, verb, _save(desk, staff, f"Petugas {staff.code} {verb}")


def _checked(desk: Desk, staff: Staff) -> Staff:
    """The person as the roster would read them back (an SSH key line checked, say)."""
    data = staff.to_dict()
    loaded = load_config({"petugas": [data]}, desk.sop).staff[0]
    return loaded


def _existing(desk: Desk, code: str) -> Staff:
    found = desk.config.staff_by_code(code.strip())
    if found is None:
        known = ", ".join(s.code for s in desk.config.staff) or "(belum ada)"
        raise InputError(
            f"petugas '{code}' tidak ada di daftar petugas ({known}); tambahkan dengan "
            "'pengaduan petugas tambah KODE --nama NAMA --peran PERAN'"
        )
    return found


def update(
    desk: Desk,
    code: str,
    name: str | None = None,
    roles: str | None = None,
    email: str | None = None,
    bidang: str | None = None,
    phone: str | None = None,
    ssh_key: str | None = None,
    nip: str | None = None,
    rank: str | None = None,
    position: str | None = None,
) -> tuple[Staff, list[str], str]:
    """Change only the fields given of an existing person; returns (person, fields changed, commit)."""
    previous = _existing(desk, code)
    changes = _changes(desk, name, roles, email, bidang, phone, ssh_key, nip, rank, position)
    if not changes:
        raise InputError(
            "tidak ada yang diubah; sebut sedikitnya satu dari --nama, --peran, --email, --telepon, --bidang, "
            "--kunci-ssh, --nip, --pangkat, --jabatan"
        )
    staff = _checked(desk, replace(previous, **changes))  # type: ignore[arg-type]
    changed = [key for key, value in staff.to_dict().items() if previous.to_dict().get(key) != value]
    changed += [key for key in previous.to_dict() if key not in staff.to_dict()]
    if not changed:
        raise InputError(f"petugas '{staff.code}' sudah seperti itu; tidak ada yang diubah")
    return staff, changed, _save(desk, staff, f"Petugas {staff.code} diubah ({', '.join(changed)})")


def set_active(desk: Desk, code: str, active: bool, reason: str | None = None) -> tuple[Staff, str]:
    """Deactivate a person (stays in the roster and history, can no longer act) or reactivate them."""
    previous = _existing(desk, code)
    if active:
        if previous.active:
            raise InputError(f"petugas '{previous.code}' sudah aktif")
        staff = replace(previous, active=True, inactive_reason="")
        return staff, _save(desk, staff, f"Petugas {staff.code} diaktifkan kembali")
    if not previous.active:
        raise InputError(f"petugas '{previous.code}' sudah nonaktif ({previous.inactive_reason or 'tanpa alasan'})")
    text = check_line(reason or "", "--alasan").strip()
    if not text:
        raise InputError("--alasan wajib: tulis mengapa petugas dinonaktifkan, contoh: --alasan 'pindah tugas'")
    staff = replace(previous, active=False, inactive_reason=text)
    return staff, _save(desk, staff, f"Petugas {staff.code} dinonaktifkan")


def roster(desk: Desk) -> list[Staff]:
    return list(desk.config.staff)
