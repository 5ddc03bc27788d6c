"""The roster (daftar petugas in pengaduan.yaml): adding or updating a person is one commit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pengaduan.app.context import Desk
from pengaduan.core.config import Staff, check_code, check_nip, parse_roles
from pengaduan.core.safetext import check_line
from pengaduan.errors import PermissionDenied


def manager(desk: Desk, what: str = "mengubah daftar petugas") -> Staff | None:
    """Who may change the shared configuration: once the roster has a manager, only managers
    (returned as the commit's author); before that anyone (None)."""
    config, sop = desk.config, desk.sop
    if not config.roster_managed(sop):
        return None
    author = desk.actor()
    if not sop.manages(author.roles):
        raise PermissionDenied(f"petugas '{author.code}' tidak boleh {what}; minta {', '.join(sop.managers)}")
    return author


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
    for option, value in (
        ("--nama", name), ("--email", email), ("--bidang", bidang), ("--telepon", phone), ("--nip", nip),
        ("--pangkat", rank), ("--jabatan", position),
    ):  # fmt: skip
        if value is not None:
            check_line(value, option)
    store = desk.store
    config, sop = store.config, store.sop
    if bidang:
        config.check_choice(bidang, "bidang")
    previous = config.staff_by_code(check_code(code)) or Staff(code, name, ())
    changes: dict[str, str] = {}
    if ssh_key is not None:
        key_file = Path(ssh_key).expanduser()
        changes["ssh_key"] = key_file.read_text(encoding="utf-8").strip() if key_file.is_file() else ssh_key.strip()
    if nip is not None:
        changes["nip"] = check_nip(nip.strip(), "--nip") if nip.strip() else ""
    for attr, value in (("email", email), ("bidang", bidang), ("phone", phone), ("rank", rank), ("position", position)):
        if value is not None:
            changes[attr] = " ".join(value.split())
    staff = replace(previous, name=name.strip(), roles=parse_roles(roles, sop), **changes)
    author = manager(desk)  # once the roster has someone who manages it, only they may change it
    verb = "diperbarui" if config.staff_by_code(staff.code) else "ditambahkan"
    commit = store.save_config(config.with_staff(staff), f"Petugas {staff.code} {verb}", author)
    desk.forget_config()
    return staff, verb, commit


def roster(desk: Desk) -> list[Staff]:
    return list(desk.config.staff)
