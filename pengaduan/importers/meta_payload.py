"""Meta webhook notifications and Graph API list responses, saved as JSON.

The only source of incoming *comments* (an export holds only the account's own):
- Instagram webhooks: `{object: instagram, entry: [{id, time, changes: [{field: comments |
  mentions, value: {id, from: {id, username}, text, media: {id, media_product_type}, parent_id}}]}]}`;
- Messenger / Instagram messaging: `entry: [{id, time, messaging: [{sender: {id}, recipient: {id},
  timestamp, message: {mid, text, attachments, is_echo}}]}]`;
- Page feed: `changes: [{field: feed, value: {item: comment, verb: add, comment_id, post_id,
  from: {id, name}, message, created_time}}]`;
- Graph API lists: `{data: [...], paging}` of comments (`{id, text, timestamp, username, from}`
  on Instagram, `{id, message, created_time, from: {id, name}}` on Facebook) or of conversations
  (`{id, messages: {data: [{id, message, created_time, from}]}}`).
`entry.id` is the desk's own account: what it sent is never a complaint.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pengaduan.importers.base import Batch, Message, Refused, epoch, iso_moment, items, media_note, source_key, text_of


def looks_like_webhook(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("entry"), list) and "object" in data


def looks_like_graph(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("data"), list)


def parse(data: Any, name: str, batch: Batch, platform: str | None = None, thread: str | None = None) -> None:
    """A webhook notification or a Graph API list response into the batch.

    `platform` and `thread` (a media or post id) are given by a caller that knows them (the Graph
    pull); a saved list response is read by its fields.
    """
    if looks_like_webhook(data):
        _webhook(data, name, batch)
    elif looks_like_graph(data):
        for index, item in enumerate(data["data"], start=1):
            _graph_item(item, f"{name}:{index}", batch, platform, thread)
    else:
        raise Refused("bukan notifikasi webhook Meta ({object, entry}) atau respons Graph API ({data, paging})")


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _webhook(data: dict[str, Any], name: str, batch: Batch) -> None:
    kind = data.get("object")
    if kind not in ("instagram", "page"):
        raise Refused(f"webhook untuk objek '{str(kind)[:40]}' tidak dikenal (yang dikenal: instagram, page)")
    platform = "instagram" if kind == "instagram" else "facebook"
    for e_index, entry in enumerate(data["entry"], start=1):
        where = f"{name}:{e_index}"
        if not isinstance(entry, dict):
            batch.problem(where, "butir entry bukan objek JSON")
            continue
        own = _id(entry.get("id"))
        if own:
            batch.add_own(platform, own)
        when = epoch(entry.get("time"))
        for c_index, change in enumerate(items(entry.get("changes")), start=1):
            _change(change, f"{where}.{c_index}", platform, own, when, batch)
        for m_index, event in enumerate(items(entry.get("messaging")), start=1):
            _messaging(event, f"{where}.{m_index}", platform, own, batch)


def _change(change: Any, where: str, platform: str, own: str, when: datetime | None, batch: Batch) -> None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        batch.problem(where, "butir changes tanpa 'value'")
        return
    field, value = change.get("field"), change["value"]
    if field in ("comments", "mentions") and platform == "instagram":
        sender = _obj(value.get("from"))
        media = _obj(value.get("media"))
        comment_id = _id(value.get("id")) or _id(value.get("comment_id"))
        text = text_of(value.get("text")).strip()
        if not comment_id or not text:
            batch.problem(where, f"{field} tanpa id atau teks komentar; ambil komentarnya lewat Graph API")
            return
        sender_id = _id(sender.get("id"))
        post = _id(media.get("id")) or _id(value.get("media_id"))
        batch.messages.append(
            Message(
                platform=platform,
                kind="mention" if field == "mentions" else "komentar",
                text=text,
                posted_at=when,
                origin=where,
                source=source_key(platform, "id", comment_id),
                thread=source_key(platform, "media", post, sender_id or text_of(sender.get("username"))) if post else None,
                sender_id=sender_id or None,
                handle=text_of(sender.get("username")) or None,
                own=bool(own) and sender_id == own or bool(sender.get("self_ig_scoped_id")),
            )
        )
    elif field == "feed" and platform == "facebook":
        if value.get("item") != "comment" or value.get("verb", "add") != "add":
            return  # likes, edits, removals, posts: not an incoming comment
        sender = _obj(value.get("from"))
        comment_id = _id(value.get("comment_id"))
        text = text_of(value.get("message")).strip()
        if not comment_id or not text:
            batch.problem(where, "komentar feed tanpa comment_id atau message")
            return
        sender_id = _id(sender.get("id"))
        post = _id(value.get("post_id"))
        batch.messages.append(
            Message(
                platform=platform,
                kind="komentar",
                text=text,
                posted_at=epoch(value.get("created_time")) or when,
                origin=where,
                source=source_key(platform, "id", comment_id),
                thread=source_key(platform, "post", post, sender_id) if post and sender_id else None,
                sender_id=sender_id or None,
                sender_name=text_of(sender.get("name")) or None,
                own=bool(own) and sender_id == own,
            )
        )


def _messaging(event: Any, where: str, platform: str, own: str, batch: Batch) -> None:
    if not isinstance(event, dict) or not isinstance(event.get("message"), dict):
        return  # delivery, read, postback: no message
    message = event["message"]
    sender = _id(event.get("sender", {}).get("id")) if isinstance(event.get("sender"), dict) else ""
    mid = _id(message.get("mid"))
    moment = epoch(event.get("timestamp"))
    if not mid or not sender or moment is None:
        batch.problem(where, "pesan messaging tanpa mid, sender.id atau timestamp yang sah")
        return
    counts: dict[str, int] = {}
    for attachment in items(message.get("attachments")):
        kind = text_of(attachment.get("type")) if isinstance(attachment, dict) else ""
        label = {"image": "foto", "video": "video", "audio": "audio", "file": "berkas"}.get(kind, "lampiran")
        counts[label] = counts.get(label, 0) + 1
    text = text_of(message.get("text")).strip() or media_note(counts)
    if not text:
        return
    batch.messages.append(
        Message(
            platform=platform,
            kind="pesan",
            text=text,
            posted_at=moment,
            origin=where,
            source=source_key(platform, "id", mid),
            thread=source_key(platform, "percakapan", sender),
            sender_id=sender,
            own=bool(message.get("is_echo")) or (bool(own) and sender == own),
        )
    )


def _graph_item(item: Any, where: str, batch: Batch, platform: str | None, thread: str | None) -> None:
    if not isinstance(item, dict) or not _id(item.get("id")):
        batch.problem(where, "butir data tanpa id")
        return
    if isinstance(item.get("messages"), dict):  # a conversation with its messages
        for index, message in enumerate(items(item["messages"].get("data")), start=1):
            _graph_message(message, f"{where}.{index}", batch, platform, _id(item.get("id")))
        return
    _graph_comment(item, where, batch, platform, thread)


def _graph_comment(item: dict[str, Any], where: str, batch: Batch, platform: str | None, thread: str | None) -> None:
    sender = _obj(item.get("from"))
    instagram = platform == "instagram" or (platform is None and ("username" in item or "text" in item))
    platform = "instagram" if instagram else "facebook"
    text = text_of(item.get("text") if instagram else item.get("message")).strip()
    moment = iso_moment(item.get("timestamp") if instagram else item.get("created_time"))
    if not text:
        batch.problem(where, "komentar tanpa teks")
        return
    if moment is None:
        batch.problem(where, "waktu komentar (timestamp/created_time) tidak sah")
        return
    media = _obj(item.get("media"))
    post = thread or _id(media.get("id"))
    sender_id = _id(sender.get("id"))
    handle = text_of(item.get("username")) or text_of(sender.get("username"))
    who = sender_id or handle
    batch.messages.append(
        Message(
            platform=platform,
            kind="komentar",
            text=text,
            posted_at=moment,
            origin=where,
            source=source_key(platform, "id", _id(item.get("id"))),
            thread=source_key(platform, "media" if instagram else "post", post, who) if post and who else None,
            sender_id=sender_id or None,
            sender_name=text_of(sender.get("name")) or None,
            handle=handle or None,
            link=text_of(item.get("permalink_url")) or None,
        )
    )


def _graph_message(message: Any, where: str, batch: Batch, platform: str | None, conversation: str) -> None:
    if not isinstance(message, dict) or not _id(message.get("id")):
        batch.problem(where, "pesan tanpa id")
        return
    sender = _obj(message.get("from"))
    platform = platform or ("instagram" if "username" in sender else "facebook")
    moment = iso_moment(message.get("created_time"))
    text = text_of(message.get("message")).strip()
    if moment is None:
        batch.problem(where, "created_time pesan tidak sah")
        return
    if not text:
        return  # an attachment-only message the list does not describe
    sender_id = _id(sender.get("id"))
    batch.messages.append(
        Message(
            platform=platform,
            kind="pesan",
            text=text,
            posted_at=moment,
            origin=where,
            source=source_key(platform, "id", _id(message.get("id"))),
            thread=source_key(platform, "percakapan-graph", conversation, sender_id) if sender_id else None,
            sender_id=sender_id or None,
            sender_name=text_of(sender.get("name")) or None,
            handle=text_of(sender.get("username")) or None,
        )
    )
