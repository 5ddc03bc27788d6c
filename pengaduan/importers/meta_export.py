"""Instagram and Facebook Messenger "Download your information" exports (JSON).

`.../messages/inbox/<thread>/message_N.json`: `{participants: [{name}], title, thread_path,
messages: [{sender_name, timestamp_ms, content, share: {link}, photos, videos, audio_files,
files, sticker, reactions}]}`, newest first. Meta writes each UTF-8 byte of a string as its own
\\u00XX escape, so every string is re-decoded (`fix_mojibake`). The export has no message ids:
a message's key is its thread, time, sender and a digest of its text, the same in every later
export. The profile files name the exporting account (its own replies are never complaints).
"""

from __future__ import annotations

from typing import Any

from pengaduan.importers.base import (
    Batch,
    Message,
    Refused,
    epoch,
    fix_mojibake,
    items,
    media_note,
    source_key,
    text_digest,
    text_of,
)


def looks_like(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("messages"), list) and "participants" in data


def looks_like_messenger(data: Any) -> bool:
    """Keys only Messenger's thread files carry (Instagram's lack them)."""
    return isinstance(data, dict) and any(key in data for key in ("joinable_mode", "magic_words", "image"))


def parse(data: Any, name: str, platform: str, batch: Batch) -> None:
    """The messages of one message_N.json into the batch (platform: instagram or facebook)."""
    if not looks_like(data):
        raise Refused("bukan berkas pesan ekspor Meta (perlu 'participants' dan 'messages')")
    thread = text_of(data.get("thread_path")) or fix_mojibake(text_of(data.get("title"))) or name
    for index, item in enumerate(data["messages"], start=1):
        where = f"{name}:{index}"
        if not isinstance(item, dict):
            batch.problem(where, "butir pesan bukan objek JSON")
            continue
        if item.get("is_unsent") or "call_duration" in item:
            continue  # a withdrawn message or a call: nothing to read
        moment = epoch(item.get("timestamp_ms"))
        if moment is None:
            batch.problem(where, f"timestamp_ms tidak sah ({str(item.get('timestamp_ms'))[:40]!r})")
            continue
        sender = fix_mojibake(text_of(item.get("sender_name"))).strip()
        content = fix_mojibake(text_of(item.get("content")))
        share = item.get("share")
        link = text_of(share.get("link")) if isinstance(share, dict) else ""
        media = {
            "foto": len(list(items(item.get("photos")))),
            "video": len(list(items(item.get("videos")))),
            "audio": len(list(items(item.get("audio_files")))),
            "berkas": len(list(items(item.get("files")))),
            "GIF": len(list(items(item.get("gifs")))),
            "stiker": 1 if isinstance(item.get("sticker"), dict) else 0,
        }
        text = content.strip() or media_note(media)
        if link:
            text = f"{text}\n[tautan dibagikan: {link}]".strip()
        if not text:
            continue  # a reaction or a system line without content
        if not sender:
            batch.problem(where, "sender_name kosong; pengirim tidak diketahui")
            continue
        batch.messages.append(
            Message(
                platform=platform,
                kind="pesan",
                text=text,
                posted_at=moment,
                origin=where,
                source=source_key(platform, "ekspor", thread, item.get("timestamp_ms"), sender, text_digest(text)),
                thread=source_key(platform, "utas", thread, sender),
                sender_name=sender,
            )
        )


def parse_profile(data: Any, platform: str, batch: Batch) -> None:
    """The exporting account's username and name, from personal_information.json (Instagram) or
    profile_information.json (Facebook)."""
    if not isinstance(data, dict):
        return
    for entry in items(data.get("profile_user")):  # Instagram
        values = entry.get("string_map_data") if isinstance(entry, dict) else None
        if isinstance(values, dict):
            for key in ("Username", "Name", "Nama pengguna", "Nama"):
                field = values.get(key)
                if isinstance(field, dict):
                    batch.add_own(platform, fix_mojibake(text_of(field.get("value"))))
    profile = data.get("profile_v2")  # Facebook
    if isinstance(profile, dict):
        name = profile.get("name")
        if isinstance(name, dict):
            batch.add_own(platform, fix_mojibake(text_of(name.get("full_name"))))
        batch.add_own(platform, fix_mojibake(text_of(profile.get("username"))))
