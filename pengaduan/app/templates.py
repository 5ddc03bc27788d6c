"""Canned answers kept in the shared store (templat/<KODE>.yaml): each change is one commit.

Adding, replacing and removing one is a configuration commit (`Jenis: konfigurasi`) by a manager
of the roster (sop.yaml `pengelola`), like every change of what the whole desk shares; the audit
and `sinkron` judge it by the same rules. Reads come from HEAD, never from the work tree.
"""

from __future__ import annotations

from datetime import datetime

from pengaduan.app.context import Desk
from pengaduan.app.staff import manager
from pengaduan.core import templates
from pengaduan.core.case import Case
from pengaduan.core.templates import Template
from pengaduan.errors import InputError, StoreError
from pengaduan.store import commits, yamlio

# A template file is small text: anything bigger is not read.
FILE_LIMIT = 96 * 1024


def codes(desk: Desk) -> list[str]:
    """The template codes committed at HEAD."""
    names = desk.store.git.names_in("HEAD", templates.FOLDER) if desk.store.git.head() else []
    return sorted(n[:-5] for n in names if templates.code_of(f"{templates.FOLDER}/{n}"))


def all_templates(desk: Desk) -> list[Template]:
    paths = [templates.path_of(code) for code in codes(desk)]
    found = desk.store.git.read_committed("HEAD", paths) if paths else {}
    out = []
    for path in paths:
        data = found.get(path)
        if data is not None:
            out.append(_parse(data, path))
    return out


def _parse(data: bytes, path: str) -> Template:
    return templates.from_dict(yamlio.load_text(data, path, FILE_LIMIT), path)


def get(desk: Desk, code: str) -> Template:
    path = templates.path_of(templates.check_code(code))
    data = desk.store.read_committed(path)
    if data is None:
        known = ", ".join(codes(desk)) or "(belum ada)"
        raise InputError(f"templat '{code}' tidak ada; yang ada: {known} (lihat 'pengaduan templat daftar')")
    return _parse(data, path)


def add(desk: Desk, code: str, title: str, body: str) -> tuple[Template, str | None, bool]:
    """Add or replace a template as one commit; (template, commit or None when unchanged, replaced?)."""
    template = templates.make(code, title, body)
    author = manager(desk, "mengubah templat jawaban")
    path = templates.path_of(template.code)
    message_subject = f"Templat {template.code}"
    with desk.store.transaction("", author) as txn:
        current = desk.store.read_committed(path)
        if current is not None:
            try:
                if _parse(current, path) == template:
                    return template, None, True
            except StoreError:
                pass  # a broken file is simply replaced
        verb = "diganti" if current is not None else "ditambahkan"
        txn.message = commits.configuration(f"{message_subject} {verb}", desk.sop.number)
        txn.write_yaml(path, template.to_dict())
    return template, txn.commit, current is not None


def remove(desk: Desk, code: str) -> str:
    """Remove a template as one commit."""
    path = templates.path_of(templates.check_code(code))
    author = manager(desk, "mengubah templat jawaban")
    with desk.store.transaction("", author) as txn:
        if desk.store.read_committed(path) is None:
            known = ", ".join(codes(desk)) or "(belum ada)"
            raise InputError(f"templat '{code}' tidak ada; yang ada: {known}")
        txn.message = commits.configuration(f"Templat {code} dihapus", desk.sop.number)
        txn.remove(path)
    assert txn.commit is not None
    return txn.commit


def filled(desk: Desk, code: str, case: Case, moment: datetime | None = None) -> str:
    """A template's text for one case (placeholders filled, on the day of `moment` or today)."""
    when = (moment or desk.now()).astimezone(desk.tz)
    return templates.fill(get(desk, code), case, desk.config, when)
