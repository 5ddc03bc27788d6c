"""Use case `pengaduan tarik meta`: new comments and conversations of the desk's Instagram
professional account and Facebook Page through the Graph API, fed to the same importer.

What is read (Graph API reference shapes; each list is `{data: [...], paging: {next}}`):
- `GET /{ig-user-id}/media` (the newest MEDIA_LIMIT posts), then `GET /{media-id}/comments`;
- `GET /{page-id}/feed` (the newest posts), then `GET /{post-id}/comments`;
- `GET /{page-id}/conversations?platform=messenger|instagram` with their messages, newest
  conversation first, until one older than where the last pull stopped.
The ids are the store's (`meta` in pengaduan.yaml); the token and the API address are this
machine's own (`pengaduan lokal meta.token` / `meta.api`, or PENGADUAN_META_TOKEN and
PENGADUAN_META_API), never the shared store's: a
shared file must not be able to send the token elsewhere. Where the pull stopped is kept in
.git/pengaduan/tarik-meta.json and moved on only after a successful import. Every comment or
message already imported is skipped by its source key, so reading some twice costs nothing.

Written against the Graph API documentation and tested against a local server replaying its
examples; it has not been run against the live service.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

from pengaduan.app import intake
from pengaduan.app.context import Desk
from pengaduan.core import timeutil
from pengaduan.errors import InputError, PengaduanError
from pengaduan.importers import Batch, meta_payload
from pengaduan.importers.base import Refused, iso_moment, load_json

ENV_TOKEN = "PENGADUAN_META_TOKEN"
ENV_API = "PENGADUAN_META_API"
DEFAULT_API = "https://graph.facebook.com/v21.0"
STATE_FILE = "tarik-meta.json"
MEDIA_LIMIT = 25  # newest posts whose comments are read each pull
MAX_PAGES = 50  # pages followed on one edge
MAX_RESPONSE = 8 * 1024 * 1024
TIMEOUT = 30


def meta_token(desk: Desk) -> str | None:
    """The access token of this machine, the one place it is read: `pengaduan lokal meta.token`
    (.git/pengaduan/lokal.yaml, this user's only), else the environment (PENGADUAN_META_TOKEN)."""
    value = str(desk.store.local().get("meta.token") or "").strip() or os.environ.get(ENV_TOKEN, "").strip()
    return value or None


def api_base(desk: Desk) -> str:
    """The Graph API address of this machine (`lokal meta.api`, else PENGADUAN_META_API, else Meta's)."""
    value = str(desk.store.local().get("meta.api") or "").strip() or os.environ.get(ENV_API, "").strip()
    return (value or DEFAULT_API).rstrip("/")


class Graph:
    """GET requests to the Graph API, bounded in time and size; paging.next followed on the same host only."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token
        parts = urlsplit(base)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise InputError(f"{ENV_API} '{base}' bukan alamat http(s) yang sah")
        self.origin = (parts.scheme, parts.netloc)

    def get(self, url: str) -> dict[str, Any]:
        import urllib.error
        import urllib.request

        shown = url.split("?", 1)[0]
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (the scheme is checked)
                body = response.read(MAX_RESPONSE + 1)
        except urllib.error.HTTPError as exc:
            detail = _graph_error(exc.read(64 * 1024))
            raise PengaduanError(f"Graph API menolak {shown} (HTTP {exc.code}){detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PengaduanError(f"Graph API tidak dapat dihubungi ({shown}: {reason}); periksa jaringan lalu ulangi") from None
        if len(body) > MAX_RESPONSE:
            raise PengaduanError(f"respons Graph API {shown} lebih dari {MAX_RESPONSE // (1024 * 1024)} MB; tidak dibaca")
        try:
            data = load_json(body, shown)  # nesting bounded: a remote's bytes never reach Python's recursion limit
        except Refused:
            raise PengaduanError(f"respons Graph API {shown} bukan JSON yang sah atau bersarang terlalu dalam") from None
        if not isinstance(data, dict):
            raise PengaduanError(f"respons Graph API {shown} bukan objek JSON")
        return data

    def pages(self, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Each page of a list edge, following paging.next (never to another host)."""
        url: str | None = f"{self.base}/{path.lstrip('/')}?{urlencode(params)}"
        for _ in range(MAX_PAGES):
            assert url is not None
            page = self.get(url)
            yield page
            paging = page.get("paging")
            url = paging.get("next") if isinstance(paging, dict) else None
            if not isinstance(url, str) or not url:
                return
            parts = urlsplit(url)
            if (parts.scheme, parts.netloc) != self.origin:
                raise PengaduanError(f"paging.next Graph API menunjuk host lain ({parts.netloc}); tidak diikuti")


def _graph_error(body: bytes) -> str:
    try:
        error = load_json(body, "error").get("error", {})
        return f": {str(error.get('message', ''))[:200]} (kode {error.get('code', '?')})"
    except (Refused, AttributeError):
        return ""


def _items(page: dict[str, Any]) -> list[Any]:
    data = page.get("data")
    return data if isinstance(data, list) else []


def read_state(desk: Desk) -> dict[str, str]:
    path = desk.store.private_dir() / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save_state(desk: Desk, state: dict[str, str]) -> None:
    from pengaduan.store import yamlio

    path = desk.store.private_dir() / STATE_FILE
    yamlio.write_atomic(path, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))


def pull(desk: Desk, graph: Graph, state: dict[str, str]) -> tuple[Batch, dict[str, str]]:
    """Everything new the Graph API gives, as one batch; and the state to keep once it is imported."""
    ids = desk.config.meta_ids
    ig, page = ids.get("instagram_id"), ids.get("halaman_id")
    batch = Batch()
    newest = dict(state)
    if ig:
        batch.add_own("instagram", ig)
        media = _newest(graph, f"{ig}/media", {"fields": "id,timestamp,permalink", "limit": "25"})
        for item in media:
            post = str(item.get("id", ""))
            for comments in graph.pages(f"{post}/comments", {"fields": "id,text,timestamp,username,from", "limit": "50"}):
                meta_payload.parse(comments, f"graph:{post}/comments", batch, platform="instagram", thread=post)
    if page:
        batch.add_own("facebook", page)
        for feed_item in _newest(graph, f"{page}/feed", {"fields": "id,created_time,permalink_url", "limit": "25"}):
            post_id = str(feed_item.get("id", ""))
            for comments in graph.pages(f"{post_id}/comments", {"fields": "id,message,created_time,from", "limit": "50"}):
                meta_payload.parse(comments, f"graph:{post_id}/comments", batch, platform="facebook", thread=post_id)
        for platform, key in (("messenger", "facebook"), ("instagram", "instagram")):
            stream = f"percakapan_{platform}"
            since = iso_moment(state.get(stream))
            params = {"platform": platform, "fields": "id,updated_time,messages{id,created_time,from,message}", "limit": "25"}
            latest = since
            for conversations in graph.pages(f"{page}/conversations", params):
                fresh = []
                for conversation in _items(conversations):
                    updated = iso_moment(conversation.get("updated_time")) if isinstance(conversation, dict) else None
                    if since is not None and updated is not None and updated < since:
                        continue  # unchanged since the last pull
                    fresh.append(conversation)
                    if updated is not None and (latest is None or updated > latest):
                        latest = updated
                meta_payload.parse({"data": fresh}, f"graph:{page}/conversations?{platform}", batch, platform=key)
                if len(fresh) < len(_items(conversations)):
                    break  # newest first: the rest is older still
            if latest is not None:
                newest[stream] = timeutil.to_text(latest)
    newest["terakhir"] = timeutil.to_text(desk.recording_now())
    return batch, newest


def _newest(graph: Graph, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in graph.pages(path, params):
        out.extend(item for item in _items(page) if isinstance(item, dict) and item.get("id"))
        if len(out) >= MEDIA_LIMIT:
            break
    return out[:MEDIA_LIMIT]


def run(desk: Desk, dry_run: bool = False, progress: intake.Progress | None = None) -> intake.Outcome:
    ids = desk.config.meta_ids
    if not ids.get("instagram_id") and not ids.get("halaman_id"):
        raise InputError(
            "ID akun Meta belum diatur; isi meta.instagram_id dan/atau meta.halaman_id di pengaduan.yaml store"
        )
    token = meta_token(desk)
    if token is None:
        raise InputError(
            f"token akses Meta belum ada di mesin ini; atur dengan 'pengaduan lokal meta.token TOKEN' atau {ENV_TOKEN} "
            "(token tidak pernah disimpan di store)"
        )
    desk.actor()  # who pulls must be known before anything is fetched
    state = read_state(desk)
    batch, newest = pull(desk, Graph(api_base(desk), token), state)
    out = intake.run(desk, [], dry_run=dry_run, progress=progress, batch=batch)
    if not out.problems and not dry_run:
        _save_state(desk, newest)
    return out


