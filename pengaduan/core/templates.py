"""Canned answers (templat jawaban): shared texts a petugas fills for one case.

A template is `templat/<KODE>.yaml` in the store (`kode`, `judul`, `isi`). Its text may hold the
placeholders of PLACEHOLDERS (`{akun}`, `{id}` ...), filled from the case when used; `{{` and
`}}` write a brace. A value in square brackets (`[nomor layanan UPTD PPA]`) is something the
desk itself must write into the template before it is sent: a text still holding one is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pengaduan.core import safetext, timeutil
from pengaduan.core.case import Case
from pengaduan.core.config import CODE_RE, Config
from pengaduan.errors import InputError, StoreError

FOLDER = "templat"
PLACEHOLDERS: dict[str, str] = {
    "akun": "akun pelapor, mis. @warga_smg",
    "id": "ID kasus",
    "bidang": "nama bidang terkait",
    "kategori": "nama kategori",
    "instansi": "nama singkat instansi",
    "tanggal": "tanggal hari ini, mis. 28 November 2026",
}
KEYS = ("kode", "judul", "isi")
TITLE_CHARS = 120
_FIELD_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
# A value the desk must fill in by hand: '[nomor ...]' (letters inside, not a Markdown link).
TO_FILL_RE = re.compile(r"\[[^\[\]\n]{3,80}\]")


@dataclass(frozen=True)
class Template:
    code: str
    title: str
    body: str

    def to_dict(self) -> dict[str, str]:
        return {"kode": self.code, "judul": self.title, "isi": self.body}

    @property
    def to_fill(self) -> list[str]:
        """The '[...]' values still to be written in by the desk."""
        return TO_FILL_RE.findall(self.body)


def path_of(code: str) -> str:
    return f"{FOLDER}/{code}.yaml"


def code_of(path: str) -> str | None:
    name = path[len(FOLDER) + 1 :]
    if path.startswith(FOLDER + "/") and name.endswith(".yaml") and "/" not in name and CODE_RE.match(name[:-5]):
        return name[:-5]
    return None


def check_code(code: str) -> str:
    if not CODE_RE.match(code):
        raise InputError(
            f"kode templat '{safetext.visible(code[:40])}' tidak sah; pakai huruf kecil, angka, titik, garis bawah atau "
            "tanda hubung (paling panjang 32), contoh: terima-kasih"
        )
    return code


def check_body(body: str, option: str = "--isi") -> str:
    """A template text: bounded like an answer, every {placeholder} one that is known."""
    safetext.check_text(body, option, safetext.LONG_TEXT_BYTES)
    if not body.strip():
        raise InputError(f"{option} templat kosong; tulis teks jawabannya")
    for match in _FIELD_RE.finditer(body):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None or name not in PLACEHOLDERS:
            shown = safetext.visible(token[:40])
            raise InputError(
                f"{option} memuat isian {shown} yang tidak dikenal; yang dikenal: "
                + ", ".join("{" + k + "}" for k in PLACEHOLDERS)
                + " (tulis {{ dan }} untuk kurung kurawal biasa)"
            )
    return body


def make(code: str, title: str, body: str) -> Template:
    check_code(code)
    safetext.check_line(title, "--judul", TITLE_CHARS)
    if not title.strip():
        raise InputError("--judul wajib diisi, contoh: --judul 'Ucapan terima kasih'")
    return Template(code, " ".join(title.split()), check_body(body))


def from_dict(data: Any, source: str) -> Template:
    """A template read from the store, checked like one typed (a hand-edited file may be anything)."""
    if not isinstance(data, dict) or sorted(data) != sorted(KEYS) or not all(isinstance(data[k], str) for k in KEYS):
        raise StoreError(f"berkas templat {source} tidak sah: harus memuat tepat {', '.join(KEYS)} (teks)")
    try:
        template = make(data["kode"], data["judul"], data["isi"])
    except InputError as exc:
        raise StoreError(f"berkas templat {source} tidak sah: {exc.message}") from None
    if path_of(template.code) != source:
        raise StoreError(f"berkas templat {source} tidak sah: kodenya '{template.code}' tidak sama dengan nama berkasnya")
    return template


def values(case: Case, config: Config, moment: datetime) -> dict[str, str]:
    """What each placeholder becomes for this case, on this day."""
    return {
        "akun": case.account,
        "id": case.id,
        "bidang": config.bidang.get(case.bidang, case.bidang) if case.bidang else "bidang terkait",
        "kategori": config.categories.get(case.category, case.category) if case.category else "pengaduan",
        "instansi": config.agency_short or config.agency,
        "tanggal": f"{moment.day} {timeutil.MONTHS[moment.month - 1]} {moment.year}",
    }


def fill(template: Template, case: Case, config: Config, moment: datetime) -> str:
    """The template's text for this case; refused while it holds a '[...]' the desk must fill."""
    if template.to_fill:
        raise InputError(
            f"templat '{template.code}' masih memuat {', '.join(template.to_fill)} yang harus diisi meja sendiri; "
            f"tulis nilainya dengan 'pengaduan templat tambah {template.code} --judul ... --isi-berkas BERKAS'"
        )
    known = values(case, config, moment)

    def put(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return known[match.group(1)]

    return _FIELD_RE.sub(put, template.body)
