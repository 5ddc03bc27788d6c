"""TikTok's "Download your data" JSON: `user_data_tiktok.json` (older: `user_data.json`).

Direct messages sit at `"Direct Message"` (older `"Direct Messages"`) -> `"Direct Messages"` (or
`"Chat History"`) -> `"ChatHistory"` -> `{"Chat History with <user>:": [{Date, From, Content}]}`.
`Date` is written without a zone (`2026-09-01 10:30:00`): it is read in the zone given (the
store's `impor.zona_waktu`, WIB by default). `Profile -> Profile Information -> ProfileMap ->
userName` is the exporting account. Messages have no ids: a key is thread, time, sender, text.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from pengaduan.importers.base import Batch, Message, Refused, items, source_key, text_digest, text_of

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def _first(data: Any, *keys: str) -> Any:
    if not isinstance(data, dict):
        return None
    return next((data[k] for k in keys if k in data), None)


def looks_like(data: Any) -> bool:
    return isinstance(data, dict) and _first(data, "Direct Message", "Direct Messages") is not None


def parse(data: Any, name: str, tz: tzinfo, batch: Batch) -> None:
    section = _first(data, "Direct Message", "Direct Messages")
    if section is None:
        raise Refused("bukan ekspor TikTok (tidak ada bagian 'Direct Message')")
    profile = _first(_first(_first(data, "Profile"), "Profile Information", "Profile Info"), "ProfileMap")
    owner = text_of(_first(profile, "userName", "username")) if isinstance(profile, dict) else ""
    if owner:
        batch.add_own("tiktok", owner)
    history = _first(_first(section, "Direct Messages", "Chat History"), "ChatHistory")
    if history is None:
        return  # no conversations in this export
    if not isinstance(history, dict):
        raise Refused("'ChatHistory' ekspor TikTok harus pemetaan 'Chat History with <akun>:' -> daftar pesan")
    for title, messages in history.items():
        thread = str(title).removeprefix("Chat History with ").rstrip(":").strip()
        for index, item in enumerate(items(messages), start=1):
            where = f"{name}:{thread}:{index}"
            if not isinstance(item, dict):
                batch.problem(where, "butir pesan bukan objek JSON")
                continue
            sender = text_of(item.get("From")).strip()
            text = text_of(item.get("Content")).strip()
            stamp = text_of(item.get("Date")).strip()
            try:
                moment = datetime.strptime(stamp, DATE_FORMAT).replace(tzinfo=tz)
            except ValueError:
                batch.problem(where, f"Date '{stamp[:40]}' tidak sah (bentuk yang dikenal: 2026-09-01 10:30:00)")
                continue
            if not sender:
                batch.problem(where, "From kosong; pengirim tidak diketahui")
                continue
            if not text:
                continue
            batch.messages.append(
                Message(
                    platform="tiktok",
                    kind="pesan",
                    text=text,
                    posted_at=moment,
                    origin=where,
                    source=source_key("tiktok", "ekspor", thread, stamp, sender, text_digest(text)),
                    thread=source_key("tiktok", "utas", thread, sender),
                    handle=sender,
                    own=bool(owner) and sender.casefold() == owner.casefold(),
                )
            )
