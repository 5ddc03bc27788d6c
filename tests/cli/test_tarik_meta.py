"""`pengaduan tarik meta` against a local server on 127.0.0.1 replaying Graph API-shaped responses."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from pengaduan.store.store import Store
from tests.conftest import ROSTER

IG, PAGE, TOKEN = "17841400000000000", "102030405060708", "token-uji-rahasia"


class Graph(BaseHTTPRequestHandler):
    """Answers like the Graph API reference's examples: lists of {data, paging: {next}}."""

    routes: dict[str, dict] = {}
    seen: list[tuple[str, dict, str]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path.removeprefix("/v21.0/")
        key = f"{path}?after={query['after']}" if "after" in query else path
        key = f"{key}?platform={query['platform']}" if "platform" in query else key
        self.seen.append((path, query, self.headers.get("Authorization", "")))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            body, code = {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}, 400
        elif key in self.routes:
            body, code = self.routes[key], 200
        else:
            body, code = {"data": []}, 200
        data = body if isinstance(body, bytes) else json.dumps(body).encode()  # bytes: a raw, hostile answer
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def graph() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Graph)
    base = f"http://127.0.0.1:{server.server_port}/v21.0"
    Graph.seen = []
    Graph.routes = {
        f"{IG}/media": {"data": [{"id": "18000000000000001", "timestamp": "2026-11-01T01:00:00+0000"}],
                        "paging": {"cursors": {"after": "X"}}},
        "18000000000000001/comments": {
            "data": [{"id": "17865799348089039", "text": "Min, posko pengaduan kekerasan anak di mana ya?",
                      "timestamp": "2026-11-01T02:00:00+0000", "username": "warga.ungaran",
                      "from": {"id": "2323", "username": "warga.ungaran"}}],
            "paging": {"next": f"{base}/18000000000000001/comments?after=QVFI"},
        },
        "18000000000000001/comments?after=QVFI": {
            "data": [{"id": "17865799348089040", "text": "Silakan ke UPTD PPA ya Kak", "timestamp": "2026-11-01T02:05:00+0000",
                      "username": "dp3ap2kb.jateng", "from": {"id": IG, "username": "dp3ap2kb.jateng"}},
                     {"id": "17865799348089041", "text": "Min, alamatnya di mana?", "timestamp": "2026-11-01T02:10:00+0000",
                      "username": "warga.ungaran", "from": {"id": "2323", "username": "warga.ungaran"}}],
        },
        f"{PAGE}/feed": {"data": [{"id": f"{PAGE}_666", "created_time": "2026-11-01T03:00:00+0000"}]},
        f"{PAGE}_666/comments": {"data": [{"id": "666_1", "message": "Layanan KB di puskesmas tutup terus",
                                           "created_time": "2026-11-01T03:30:00+0000",
                                           "from": {"id": "7777", "name": "Agus Wibowo"}}]},
        f"{PAGE}/conversations?platform=messenger": {"data": [{"id": "t_100", "updated_time": "2026-11-01T04:00:00+0000",
                                                               "messages": {"data": [
            {"id": "m_2", "created_time": "2026-11-01T04:00:00+0000", "message": "Baik Kak",
             "from": {"id": PAGE, "name": "DP3AP2KB"}},
            {"id": "m_1", "created_time": "2026-11-01T03:50:00+0000", "message": "Saya ingin konsultasi hak asuh anak",
             "from": {"id": "6001", "name": "Lestari"}}]}}]},
    }  # fmt: skip
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def meta_store(store: Store) -> Store:
    data = dict(store.config.raw, meta={"instagram_id": IG, "halaman_id": PAGE})
    store.save_config(data, "ID akun Meta", ROSTER[0])
    store.forget_config()
    return store


def pull(cli, base: str, *args: str, token: str = TOKEN):
    env = {"PENGADUAN_META_TOKEN": token, "PENGADUAN_META_API": base}
    return cli("tarik", "meta", *args, "--format-keluaran", "json", env=env)


def test_pull_follows_paging_imports_and_remembers_where_it_stopped(meta_store, cli, graph):
    result = pull(cli, graph)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    # Comments: warga.ungaran's two on one post are one conversation; Agus's comment; Lestari's message.
    assert len(out["dibuat"]) == 3 and len(out["dilampirkan"]) == 1 and out["balasan_sendiri"] == 2
    assert {a for _, _, a in Graph.seen} == {f"Bearer {TOKEN}"}  # the token only ever in the header
    assert not any("access_token" in q for _, q, _ in Graph.seen)
    assert ("18000000000000001/comments", {"after": "QVFI"}) in [(p, {k: v for k, v in q.items() if k == "after"})
                                                                 for p, q, _ in Graph.seen]  # fmt: skip
    state = json.loads((meta_store.root / ".git" / "pengaduan" / "tarik-meta.json").read_text())
    assert state["percakapan_messenger"] == "2026-11-01T04:00:00+00:00"
    again = json.loads(pull(cli, graph).stdout)
    assert again["dibuat"] == [] and again["dilampirkan"] == []
    assert cli("audit").exit_code == 0


def test_coba_pulls_but_changes_nothing_and_keeps_no_state(meta_store, cli, graph, snapshot):
    before = snapshot()
    result = pull(cli, graph, "--coba")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["dibuat"]) == 3
    assert snapshot() == before
    assert not (meta_store.root / ".git" / "pengaduan" / "tarik-meta.json").exists()


def test_refusals_are_one_line_and_never_show_the_token(meta_store, cli, graph, snapshot):
    before = snapshot()
    wrong = pull(cli, graph, token="salah")
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith("galat: Graph API menolak") and "Invalid OAuth access token" in wrong.stderr
    assert "salah" not in wrong.stderr and TOKEN not in wrong.stderr
    missing = cli("tarik", "meta", env={"PENGADUAN_META_TOKEN": "", "PENGADUAN_META_API": graph})
    assert missing.exit_code == 1 and "PENGADUAN_META_TOKEN" in missing.stderr
    Graph.routes[f"{IG}/media"] = {"data": [], "paging": {"next": "http://192.0.2.1/v21.0/curi"}}
    elsewhere = pull(cli, graph)
    assert elsewhere.exit_code == 1 and "host lain" in elsewhere.stderr
    assert snapshot() == before


def test_a_deeply_nested_answer_is_refused_in_one_line(meta_store, cli, graph, snapshot):
    before = snapshot()
    Graph.routes[f"{IG}/media"] = b'{"data": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"  # 400 KB, Python's limit is 1,000
    result = pull(cli, graph)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr[-300:]
    assert result.stderr.startswith("galat: respons Graph API") and "bersarang terlalu dalam" in result.stderr
    assert snapshot() == before


def test_without_meta_ids_it_says_what_to_set(store, cli, graph):
    result = pull(cli, graph)
    assert result.exit_code == 1 and "meta.instagram_id" in result.stderr
