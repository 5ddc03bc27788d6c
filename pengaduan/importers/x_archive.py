"""The X (Twitter) archive: `data/direct-messages.js`, `data/direct-messages-group.js`, `data/account.js`.

Each file is JavaScript: `window.YTD.<name>.part0 = ` and then JSON. Direct messages:
`[{dmConversation: {conversationId, messages: [{messageCreate: {id, senderId, recipientId, text,
createdAt, urls: [{url, expanded}], mediaUrls}}]}}]` (group conversations: no recipientId).
`account.js` names the archive's own account (`accountId`, `username`), so its replies are told
apart without configuration.
"""

from __future__ import annotations

import html
import re
from typing import Any

from pengaduan.importers.base import Batch, Message, Refused, iso_moment, items, load_json, media_note, source_key, text_of

_PREFIX = re.compile(r"^\s*window\.YTD\.([A-Za-z0-9_]+)\.part\d+\s*=\s*")


def strip_prefix(text: str) -> tuple[str, str]:
    """(the YTD name, the JSON after the prefix), or Refused when the prefix is not there."""
    match = _PREFIX.match(text)
    if match is None:
        raise Refused("bukan berkas arsip X (tidak diawali 'window.YTD.<nama>.part0 = ')")
    return match.group(1), text[match.end() :]


def looks_like(text: str) -> bool:
    return _PREFIX.match(text[:200]) is not None


def parse(text: str, name: str, batch: Batch) -> None:
    kind, body = strip_prefix(text)
    data = load_json(body, name)
    if kind == "account":
        for item in items(data):
            account = item.get("account") if isinstance(item, dict) else None
            if isinstance(account, dict):
                batch.add_own("x", text_of(account.get("accountId")), text_of(account.get("username")))
        return
    if not kind.startswith("direct_messages"):
        raise Refused(f"arsip X '{kind}' bukan pesan langsung (yang dibaca: direct_messages, direct_messages_group, account)")
    if not isinstance(data, list):
        raise Refused("isi arsip pesan X harus daftar percakapan")
    for c_index, item in enumerate(data, start=1):
        conversation = item.get("dmConversation") if isinstance(item, dict) else None
        if not isinstance(conversation, dict):
            batch.problem(f"{name}:{c_index}", "butir tanpa dmConversation")
            continue
        thread = text_of(conversation.get("conversationId"))
        for m_index, event in enumerate(items(conversation.get("messages")), start=1):
            where = f"{name}:{c_index}.{m_index}"
            message = event.get("messageCreate") if isinstance(event, dict) else None
            if not isinstance(message, dict):
                continue  # reactions, joins, name changes: not a message
            _message(message, thread, where, batch)


def _message(message: dict[str, Any], thread: str, where: str, batch: Batch) -> None:
    message_id = text_of(message.get("id"))
    sender = text_of(message.get("senderId"))
    moment = iso_moment(message.get("createdAt"))
    if not message_id or not sender:
        batch.problem(where, "messageCreate tanpa id atau senderId")
        return
    if moment is None:
        batch.problem(where, f"createdAt tidak sah ({text_of(message.get('createdAt'))[:40]!r})")
        return
    text = html.unescape(text_of(message.get("text")))
    for url in items(message.get("urls")):
        if isinstance(url, dict) and text_of(url.get("url")) and text_of(url.get("expanded")):
            text = text.replace(url["url"], url["expanded"])
    media = list(items(message.get("mediaUrls")))
    for link in media:
        if isinstance(link, str):
            text = text.replace(link, "")
    text = text.strip() or media_note({"media": len(media)})
    if not text:
        return
    batch.messages.append(
        Message(
            platform="x",
            kind="pesan",
            text=text,
            posted_at=moment,
            origin=where,
            source=source_key("x", "id", message_id),
            thread=source_key("x", "percakapan", thread, sender) if thread else None,
            sender_id=sender,
        )
    )
