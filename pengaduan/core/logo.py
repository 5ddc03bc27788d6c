"""The letterhead's logo: a PNG or SVG file from the store, checked before any renderer sees it.

A logo is input like any other file: bounded in size, recognised by its first bytes (never by
its name alone), and an SVG is parsed with expat refusing a DOCTYPE, entities, scripts, event
handlers and every reference that leaves the file (href, url(), @import, processing
instructions). What passes is handed to the PDF renderer as bytes; it never fetches the file.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn
from xml.parsers import expat

from pengaduan.errors import InputError

LIMIT = 512 * 1024  # bytes: a letterhead logo is a few dozen KB
MAX_SIDE = 4096  # pixels of a PNG
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that run code, embed other documents or fetch on their own.
SVG_REFUSED = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "animate", "set", "handler"}
URL_RE = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Logo:
    mime: str  # image/png or image/svg+xml
    data: bytes

    @property
    def data_url(self) -> str:
        """The logo as a data: URL: the HTML stays self-contained and the same wherever the store lives."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def check_logo(data: bytes, name: str) -> Logo:
    """The logo, or InputError saying why these bytes are not one."""
    if len(data) > LIMIT:
        raise InputError(
            f"logo {name} terlalu besar ({len(data) // 1024} KB, paling besar {LIMIT // 1024} KB); perkecil gambarnya"
        )
    if data.startswith(PNG_MAGIC):
        return Logo("image/png", _check_png(data, name))
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:512]
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return Logo("image/svg+xml", _check_svg(data, name))
    raise InputError(f"logo {name} bukan berkas PNG atau SVG (isi berkasnya tidak dikenali); pakai logo .png atau .svg")


def _check_png(data: bytes, name: str) -> bytes:
    # The first chunk of every PNG is IHDR: length 13, width and height as big-endian integers.
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise InputError(f"logo {name} bukan PNG yang utuh (tidak ada IHDR); simpan ulang gambarnya sebagai PNG")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise InputError(f"logo {name} berukuran {width}×{height} piksel; paling besar {MAX_SIDE}×{MAX_SIDE}")
    if not data.rstrip(b"\0").endswith(b"IEND\xaeB`\x82"):
        raise InputError(f"logo {name} bukan PNG yang utuh (terpotong); simpan ulang gambarnya sebagai PNG")
    return data


class _Refused(Exception):
    pass


def _local_reference(value: str) -> bool:
    return value.strip().startswith("#")


def _check_svg(data: bytes, name: str) -> bytes:
    found_root: list[str] = []

    def refuse(why: str) -> NoReturn:
        raise _Refused(why)

    def external_entity(*_: object) -> int:
        refuse("merujuk entitas luar")

    def start(tag: str, attrs: dict[str, str]) -> None:
        ns, _, local = tag.rpartition(" ")
        if not found_root:
            if ns != SVG_NS or local != "svg":
                refuse("elemen akarnya bukan <svg> SVG")
            found_root.append(local)
        if local in SVG_REFUSED:
            refuse(f"berisi <{local}>")
        for key, value in attrs.items():
            attr = key.rpartition(" ")[2]
            if attr.lower().startswith("on"):
                refuse(f"berisi atribut {attr} (kode yang dijalankan)")
            if attr == "href" and not _local_reference(value):
                refuse(f"merujuk ke luar berkas ({attr}=\"{value[:40]}\")")
            _check_style(value, refuse)

    def text(chunk: str) -> None:
        _check_style(chunk, refuse)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = lambda *_: refuse("berisi DOCTYPE")
    parser.EntityDeclHandler = lambda *_: refuse("mendeklarasikan entitas")
    parser.ExternalEntityRefHandler = external_entity
    parser.ProcessingInstructionHandler = lambda *_: refuse("berisi instruksi pemrosesan")
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise InputError(f"logo SVG {name} ditolak: {exc}; pakai SVG polos tanpa rujukan ke luar, atau PNG") from None
    except expat.ExpatError as exc:
        raise InputError(f"logo SVG {name} bukan XML yang sah ({expat.ErrorString(exc.code)}, baris {exc.lineno})") from None
    if not found_root:
        raise InputError(f"logo SVG {name} kosong")
    return data


def _check_style(value: str, refuse: Callable[[str], NoReturn]) -> None:
    if "@import" in value.lower():
        refuse("berisi @import")
    for target in URL_RE.findall(value):
        if not _local_reference(target):
            refuse(f"berisi url({target[:40]}) ke luar berkas")
