"""Reading what the platforms give the desk: exports, saved payloads, tables.

One module per source shape (meta_export, meta_payload, x_archive, tiktok, table), each
turning bytes into `Message`s; `sources` opens files, folders and zips with bounds. `read` is
the one entry point: it finds the files a source holds, detects their format (or takes the one
given), and returns every message and every problem (`FILE:ITEM: what is wrong`). Nothing here
touches the store or decides what becomes a case; importers import core only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any

from pengaduan.importers import meta_export, meta_payload, table, tiktok, x_archive
from pengaduan.importers.base import Batch, Message, Problem, Refused, decode_text, load_json
from pengaduan.importers.sources import Container, open_container, read_file

__all__ = ["FORMATS", "Batch", "Message", "Problem", "read"]

FORMATS = ("auto", "instagram", "messenger", "meta", "x", "tiktok", "csv", "json")

# Inner paths of the files an export keeps its messages (and its owner) in.
_META_THREAD = re.compile(r"(^|/)messages/(inbox|message_requests)/[^/]+/message_\d+\.json$")
_IG_PROFILE = re.compile(r"(^|/)personal_information/personal_information\.json$")
_FB_PROFILE = re.compile(r"(^|/)profile_information/profile_information\.json$")
_X_FILE = re.compile(r"(^|/)data/(direct-messages(-group)?(-part\d+)?|account)\.js$")
_TIKTOK = re.compile(r"(^|/)user_data(_tiktok)?\.json$")
_GENERIC = (".json", ".csv", ".js")


def read(paths: Sequence[Path], fmt: str = "auto", mapping: Path | None = None, tz: tzinfo | None = None) -> Batch:
    """Every message of these sources, and every problem found, in the order given."""
    from datetime import timezone

    zone = tz or timezone.utc
    batch = Batch()
    rules = None
    if mapping is not None:
        try:
            rules = table.load_mapping(read_file(mapping), str(mapping))
        except Refused as exc:
            batch.problem(str(mapping), str(exc))
    for path in paths:
        label = str(path)
        if not os.path.lexists(path):
            batch.problem(label, "tidak ada; periksa jalurnya")
            continue
        try:
            container = open_container(path, label)
        except Refused as exc:
            batch.problem(label, str(exc))
            continue
        if container is None:
            try:
                _one(label, path.as_posix(), read_file(path), fmt, rules, zone, batch, None)
            except Refused as exc:
                batch.problem(label, str(exc))
            continue
        try:
            _container(container, fmt, rules, zone, batch)
        except Refused as exc:
            batch.problem(label, str(exc))
        finally:
            container.close()
    return batch


def _wanted(name: str, fmt: str) -> bool:
    low = name.lower()
    if fmt in ("instagram", "messenger"):
        return bool(_META_THREAD.search(low) or _IG_PROFILE.search(low) or _FB_PROFILE.search(low))
    if fmt == "x":
        return bool(_X_FILE.search(low))
    if fmt == "tiktok":
        return bool(_TIKTOK.search(low))
    if fmt in ("csv", "json"):
        return low.endswith("." + fmt)
    if fmt == "meta":
        return low.endswith(".json")
    return bool(_META_THREAD.search(low) or _IG_PROFILE.search(low) or _FB_PROFILE.search(low) or _X_FILE.search(low)
                or _TIKTOK.search(low))  # fmt: skip


def _container(container: Container, fmt: str, rules: table.Mapping | None, tz: tzinfo, batch: Batch) -> None:
    names = container.names()
    chosen = [n for n in names if _wanted(n, fmt)]
    if fmt == "auto" and not chosen:
        chosen = [n for n in names if n.lower().endswith(_GENERIC)]
    if not chosen:
        raise Refused(
            "tidak berisi ekspor yang dikenal (pesan Instagram/Messenger, arsip X, data TikTok, JSON Meta, CSV/JSON); "
            "periksa isinya atau pilih --format"
        )
    # An export's platform, when its own profile file says which it is.
    hint = None
    if any(_IG_PROFILE.search(n.lower()) for n in names):
        hint = "instagram"
    elif any(_FB_PROFILE.search(n.lower()) for n in names):
        hint = "facebook"
    for name in sorted(chosen, key=_profile_first):
        where = container.where(name)
        try:
            _one(where, name, container.read(name), fmt, rules, tz, batch, hint)
        except Refused as exc:
            batch.problem(where, str(exc))


def _profile_first(name: str) -> tuple[int, str]:
    low = name.lower()
    own = _IG_PROFILE.search(low) or _FB_PROFILE.search(low) or low.endswith("/account.js") or low == "account.js"
    return (0 if own else 1, name)


def _meta_platform(inner: str, data: Any, fmt: str, hint: str | None) -> str:
    if fmt == "instagram":
        return "instagram"
    if fmt == "messenger":
        return "facebook"
    low = inner.lower()
    if "your_instagram_activity" in low or "instagram" in low.split("/")[0]:
        return "instagram"
    if "your_facebook_activity" in low or "your_activity_across_facebook" in low or "facebook" in low.split("/")[0]:
        return "facebook"
    if hint:
        return hint
    if meta_export.looks_like_messenger(data):
        return "facebook"
    raise Refused("ekspor pesan Meta ini tidak jelas dari Instagram atau Messenger; ulangi dengan --format instagram "
                  "atau --format messenger")  # fmt: skip


def _one(
    where: str, inner: str, data: bytes, fmt: str, rules: table.Mapping | None, tz: tzinfo, batch: Batch, hint: str | None
) -> None:
    """One file: its format detected (or as given) and its messages into the batch."""
    batch.files += 1
    low = inner.lower()
    if fmt == "csv" or (fmt == "auto" and low.endswith(".csv")):
        table.parse_csv(data, where, rules, tz, batch)
        return
    text = decode_text(data, where)
    if fmt == "x" or (fmt == "auto" and (low.endswith(".js") or x_archive.looks_like(text))):
        x_archive.parse(text, where, batch)
        return
    value = load_json(text, where)
    parsers: dict[str, Callable[[], None]] = {
        "meta": lambda: meta_payload.parse(value, where, batch),
        "tiktok": lambda: tiktok.parse(value, where, tz, batch),
        "json": lambda: table.parse_json(value, where, rules, tz, batch),
    }
    if fmt in parsers:
        parsers[fmt]()
    elif _IG_PROFILE.search(low) or _FB_PROFILE.search(low):
        meta_export.parse_profile(value, "instagram" if _IG_PROFILE.search(low) else "facebook", batch)
    elif meta_export.looks_like(value) or fmt in ("instagram", "messenger"):
        meta_export.parse(value, where, _meta_platform(inner, value, fmt, hint), batch)
    elif meta_payload.looks_like_webhook(value) or meta_payload.looks_like_graph(value):
        meta_payload.parse(value, where, batch)
    elif tiktok.looks_like(value):
        tiktok.parse(value, where, tz, batch)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        table.parse_json(value, where, rules, tz, batch)
    else:
        raise Refused(
            "bentuk berkas tidak dikenal (bukan pesan Instagram/Messenger, webhook/Graph Meta, data TikTok atau tabel "
            "JSON); pilih --format bila berkasnya memang salah satunya"
        )
