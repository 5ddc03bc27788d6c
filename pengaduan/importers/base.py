"""What every importer produces: platform messages as typed records, and problems with where.

Importers are pure readers: bytes in, `Message`s and `Problem`s out. They never touch the
store and never decide what becomes a case (the app does); they only say what the source
says, with a stable source key for every message so an import can be repeated safely.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

# Bounds on what is read at all (a message export is text; media files are never read).
MAX_FILE_BYTES = 64 * 1024 * 1024  # one JSON/JS/CSV file
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # everything read from one folder or zip
MAX_ENTRIES = 200_000  # names listed in one folder or zip
MAX_RATIO = 200  # a zip member that expands more than this (and past 1 MB) is a bomb
MAX_DEPTH = 64  # JSON nesting
MAX_PROBLEMS = 1000  # past this, one line says how many more

PLATFORMS = ("instagram", "facebook", "x", "tiktok")
KINDS = ("pesan", "komentar", "mention")


@dataclass(frozen=True)
class Message:
    """One message or comment as the source gives it (text already decoded and repaired)."""

    platform: str  # the store's platform code (instagram, facebook, x, tiktok; tables: as written)
    kind: str  # pesan, komentar or mention
    text: str
    posted_at: datetime | None  # aware; None when the source has no time
    origin: str  # FILE:ITEM, for messages and problems
    source: str  # the source key: platform and a digest of the message id (or thread+time+sender+text)
    thread: str | None = None  # the conversation with this sender (platform and a digest); None: never attached
    sender_id: str | None = None
    sender_name: str | None = None  # the display name
    handle: str | None = None  # @username where the source has one
    link: str | None = None
    contact: str | None = None  # tables only
    own: bool = False  # the source itself says this is the account owner's message
    account_text: str | None = None  # tables: the `akun` column as written

    @property
    def account(self) -> str:
        """What the case's `akun` records: the handle, else the display name, else the platform id."""
        if self.account_text:
            return self.account_text
        if self.handle:
            return self.handle if self.handle.startswith("@") else f"@{self.handle}"
        return self.sender_name or self.sender_id or ""


@dataclass(frozen=True)
class Problem:
    where: str  # FILE, FILE:ROW or FILE:ITEM
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Batch:
    """What a set of sources holds: messages, problems, and the accounts the sources name as their owner's."""

    messages: list[Message] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    own: dict[str, set[str]] = field(default_factory=dict)  # platform -> ids/names of the exporting account
    files: int = 0

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def add_own(self, platform: str, *names: str | None) -> None:
        self.own.setdefault(platform, set()).update(n.strip().lstrip("@").casefold() for n in names if n and n.strip())

    def extend(self, other: Batch) -> None:
        self.messages.extend(other.messages)
        self.problems.extend(other.problems)
        for platform, names in other.own.items():
            self.own.setdefault(platform, set()).update(names)
        self.files += other.files


class Refused(Exception):
    """A whole file cannot be read (its one problem is the message)."""


def source_key(platform: str, *parts: object) -> str:
    """`platform:digest`: stable for the same message in any later export, and revealing nothing
    of the thread names or texts it is made from (it lives in the shared case file)."""
    raw = "\x1f".join(str(p) for p in parts)
    return f"{platform}:{hashlib.sha256(raw.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fix_mojibake(text: str) -> str:
    """Meta's exports write UTF-8 bytes as one \\u00XX escape each: re-decode, or keep the text
    as it is when it was not such a string."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (a BOM allowed), or Refused naming the first byte that is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(
            f"bukan teks UTF-8 (bita ke-{exc.start + 1} tidak sah); simpan ulang berkasnya sebagai UTF-8"
        ) from None


def load_json(data: bytes | str, name: str) -> Any:
    """JSON with its errors as Refused (where the text breaks off or goes wrong), nesting bounded."""
    text = decode_text(data, name) if isinstance(data, bytes) else data
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise Refused(f"JSON terpotong di baris {exc.lineno} (berkas tidak utuh); unduh atau salin ulang berkasnya") from None
        raise Refused(f"JSON tidak sah di baris {exc.lineno} kolom {exc.colno}; periksa berkasnya") from None
    except RecursionError:
        raise Refused(f"JSON bersarang terlalu dalam (lebih dari {MAX_DEPTH} tingkat)") from None
    if _depth(value) > MAX_DEPTH:
        raise Refused(f"JSON bersarang terlalu dalam (lebih dari {MAX_DEPTH} tingkat)")
    return value


def _depth(value: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest > MAX_DEPTH:
                return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item if isinstance(v, (dict, list)))
    return deepest


def epoch(value: Any) -> datetime | None:
    """A Unix time in seconds or milliseconds (told apart by size), as an aware moment; None when not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if number > 1e11:  # milliseconds (seconds that large are beyond the year 5000)
        number /= 1000
    if not 0 < number < 32503680000:  # 3000-01-01
        return None
    return datetime.fromtimestamp(number, tz=timezone.utc)


def iso_moment(value: Any) -> datetime | None:
    """An ISO 8601 moment with a zone ('Z', '+0000' and '+00:00' forms); None when not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and ":" not in text[-5:]:
        text = text[:-2] + ":" + text[-2:]  # +0000 -> +00:00 (Graph API times)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


def items(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else ()


def media_note(counts: dict[str, int]) -> str:
    """The text of a message that carries only media: what it carries (the file itself is not imported)."""
    shown = ", ".join(f"{label} ({n})" if n > 1 else label for label, n in counts.items() if n)
    return f"[lampiran tanpa teks: {shown}]" if shown else ""
