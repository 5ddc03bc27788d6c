"""The importers on small sample exports made here (tests/importers/samples/, no real people's data)."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pengaduan import importers
from pengaduan.importers.base import fix_mojibake

SAMPLES = Path(__file__).parent / "samples"
WIB = ZoneInfo("Asia/Jakarta")


def read(*paths: Path, fmt: str = "auto", mapping: Path | None = None) -> importers.Batch:
    return importers.read(list(paths), fmt, mapping, WIB)


def texts(batch: importers.Batch) -> list[str]:
    return [m.text for m in batch.messages]


def test_instagram_export_repairs_mojibake_and_keeps_emoji():
    batch = read(SAMPLES / "instagram")
    assert batch.problems == []
    siti = [m for m in batch.messages if m.sender_name == "Siti Aminah 🌸"]
    assert [m.text for m in siti][-1] == "Selamat malam min, saya mau melapor dugaan KDRT di rumah tetangga saya 😢"
    assert "Kejadiannya tadi malam di Kecamatan Tembalang, Semarang — mohon segera dibantu" in texts(batch)
    assert all(m.platform == "instagram" and m.kind == "pesan" for m in batch.messages)
    # One conversation per sender and thread: Siti's three messages share theirs.
    assert len({m.thread for m in siti}) == 1
    # The profile file names the exporting account, so its replies are known without configuration.
    assert batch.own["instagram"] == {"dp3ap2kb.jateng", "dp3ap2kb jateng"}


def test_media_only_message_says_what_it_carries():
    batch = read(SAMPLES / "instagram")
    assert "[lampiran tanpa teks: foto]" in texts(batch)


def test_group_dm_gives_each_member_their_own_conversation():
    batch = read(SAMPLES / "instagram")
    group = [m for m in batch.messages if "grup_rt05" in m.origin and m.sender_name != "DP3AP2KB Jateng"]
    assert {m.sender_name for m in group} == {"Budi Santoso", "Dewi Ratnasari ✨"}
    assert len({m.thread for m in group}) == 2


def test_keys_are_stable_across_exports_and_distinct_within_one():
    old, new = read(SAMPLES / "instagram"), read(SAMPLES / "instagram-baru")
    old_keys = {m.source for m in old.messages}
    assert len(old_keys) == len(old.messages)
    siti_new = {m.source for m in new.messages}
    assert len(siti_new - old_keys) == 1  # the one message the newer export adds
    assert all(":" in key and len(key.split(":")[1]) == 32 for key in old_keys)
    assert not any("sitiaminah" in key for key in old_keys)  # keys reveal no names


def test_mojibake_repair_keeps_text_that_was_never_mojibake():
    assert fix_mojibake("Caf\u00c3\u00a9") == "Café"
    assert fix_mojibake("Café") == "Café"  # Latin-1 but not UTF-8 bytes: kept
    assert fix_mojibake("plain") == "plain"


def test_messenger_export_is_facebook_with_its_own_profile():
    batch = read(SAMPLES / "messenger")
    assert batch.problems == []
    assert [m.platform for m in batch.messages] == ["facebook"]
    assert batch.own["facebook"] == {"dp3ap2kb provinsi jawa tengah"}


def test_meta_payloads_comments_mentions_feed_and_messaging():
    batch = read(SAMPLES / "meta")
    assert batch.problems == []
    by_text = {m.text: m for m in batch.messages}
    comment = by_text["Min, posko pengaduan kekerasan anak di Kabupaten Semarang di mana ya?"]
    assert (comment.platform, comment.kind, comment.account) == ("instagram", "komentar", "@warga.ungaran")
    assert by_text["@dp3ap2kb.jateng tolong ditindak, ada pernikahan anak di desa kami"].kind == "mention"
    assert by_text["Silakan ke UPTD PPA Kab. Semarang ya Kak"].own  # from the entry's own account
    feed = by_text["Layanan KB di puskesmas kami tutup terus, bagaimana ini?"]
    assert (feed.platform, feed.kind, feed.sender_name) == ("facebook", "komentar", "Agus Wibowo")
    assert by_text["Baik Kak, silakan ceritakan"].own  # is_echo
    assert by_text["[lampiran tanpa teks: foto]"].platform == "facebook"
    assert not any("like" in m.text for m in batch.messages)  # a reaction is not a comment
    graph = by_text["Kapan ada sosialisasi stunting di Demak?"]
    assert graph.posted_at is not None and graph.posted_at.isoformat() == "2026-11-02T03:00:00+00:00"


def test_x_archive_strips_the_prefix_expands_links_and_knows_its_account():
    batch = read(SAMPLES / "x")
    assert batch.problems == []
    assert batch.own["x"] == {"9999", "dp3ap2kbjateng"}
    assert "Ada pungli di layanan & kantor kecamatan, beritanya: https://example.invalid/berita/pungli" in texts(batch)
    assert "[lampiran tanpa teks: media]" in texts(batch)
    group = [m for m in batch.messages if "group" in m.origin]
    assert [m.text for m in group] == ["Ada kekerasan di sekolah anak saya, tolong 🙏"]


def test_tiktok_dates_read_in_the_zone_given():
    batch = read(SAMPLES / "tiktok")
    assert batch.problems == []
    first = batch.messages[0]
    assert (first.account, first.posted_at.isoformat()) == ("@sari_kudus", "2026-11-02T08:00:00+07:00")
    assert [m.own for m in batch.messages] == [False, True, False]


def test_tables_with_own_column_names_and_with_a_mapping():
    plain = read(SAMPLES / "table" / "pengaduan.csv", SAMPLES / "table" / "pengaduan.json")
    assert plain.problems == []
    assert [m.account for m in plain.messages] == ["@warga_solo", "Lina Marlina", "@warga_kendal"]
    assert plain.messages[0].contact == "0812000001" and plain.messages[1].text == "Mohon info pendaftaran KB gratis 😊"
    assert plain.messages[1].posted_at.isoformat() == "2026-11-02T07:30:00+07:00"  # no zone: the zone given
    mapped = read(SAMPLES / "table" / "lain.csv", mapping=SAMPLES / "table" / "pemetaan.yaml")
    assert mapped.problems == []
    (row,) = mapped.messages
    assert (row.platform, row.account, row.posted_at.isoformat()) == ("tiktok", "@andi.pati", "2026-11-02T09:15:00+07:00")


def test_a_zip_of_an_export_reads_like_its_folder(tmp_path):
    archive = tmp_path / "instagram.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted((SAMPLES / "instagram").rglob("*.json")):
            out.write(path, path.relative_to(SAMPLES / "instagram").as_posix())
        out.writestr("media/posts/foto.jpg", b"\xff\xd8 not read")
    from_zip, from_folder = read(archive), read(SAMPLES / "instagram")
    assert from_zip.problems == []
    assert [m.source for m in from_zip.messages] == [m.source for m in from_folder.messages]


# -- bad input: one problem per thing wrong, with where --------------------------------------------------
def test_truncated_json_names_the_file(tmp_path):
    broken = tmp_path / "message_1.json"
    whole = (SAMPLES / "messenger/your_facebook_activity/messages/inbox/sitiaminah_10158000000000001/message_1.json").read_text()
    broken.write_text(whole[: len(whole) // 2])
    (problem,) = read(broken).problems
    assert problem.where == str(broken) and "terpotong" in problem.message


def test_unknown_shape_and_wrong_encoding(tmp_path):
    (tmp_path / "apa.json").write_text(json.dumps({"halo": 1}))
    (tmp_path / "latin1.csv").write_bytes("platform,akun,isi\ninstagram,@a,caf\xe9 rusak\n".encode("latin-1"))
    problems = {p.where: p.message for p in read(tmp_path / "apa.json", tmp_path / "latin1.csv").problems}
    assert "bentuk berkas tidak dikenal" in problems[str(tmp_path / "apa.json")]
    assert "bukan teks UTF-8 (bita ke-" in problems[str(tmp_path / "latin1.csv")]


def test_zip_with_other_content_is_refused(tmp_path):
    archive = tmp_path / "lain.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("foto.jpg", b"\xff\xd8")
        out.writestr("catatan.txt", "halo")
    (problem,) = read(archive).problems
    assert "tidak berisi ekspor yang dikenal" in problem.message


def test_zip_member_climbing_out_is_refused(tmp_path):
    archive = tmp_path / "jahat.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("../../etc/messages/inbox/a/message_1.json", "{}")
    (problem,) = read(archive).problems
    assert "tidak aman" in problem.message and "'..'" in problem.message


def test_zip_bomb_stops_at_the_bound(tmp_path):
    archive = tmp_path / "bom.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("messages/inbox/a/message_1.json", b"[" + b" " * (20 * 1024 * 1024) + b"]")
    (problem,) = read(archive).problems
    assert "bom zip" in problem.message


def test_symlink_in_a_folder_is_not_followed(tmp_path):
    folder = tmp_path / "ekspor" / "messages" / "inbox" / "a"
    folder.mkdir(parents=True)
    secret = tmp_path / "rahasia.json"
    secret.write_text("{}")
    os.symlink(secret, folder / "message_1.json")
    (problem,) = read(tmp_path / "ekspor").problems
    assert "symlink" in problem.message


def test_mapping_naming_a_missing_column_and_a_bad_date(tmp_path):
    mapping = tmp_path / "pemetaan.yaml"
    mapping.write_text("kolom: {isi: Pesan, akun: Nama}\nplatform: instagram\n")
    table = tmp_path / "t.csv"
    table.write_text("Pesan,Pengirim\nhalo,@a\n")
    (problem,) = read(table, mapping=mapping).problems
    assert problem.where == str(table) and "'Nama'" in problem.message and "kolom yang ada: Pesan, Pengirim" in problem.message
    dated = tmp_path / "d.csv"
    dated.write_text("platform,akun,isi,waktu_unggah\ninstagram,@a,satu,2026-11-02T09:00\ninstagram,@b,dua,kemarin sore\n")
    (bad,) = read(dated).problems
    assert bad.where == f"{dated}:3" and "kemarin sore" in bad.message


def test_a_deeply_nested_mapping_file_is_refused_not_a_crash(tmp_path):
    mapping = tmp_path / "pemetaan.yaml"
    mapping.write_text("kolom: " + "[" * 30_000 + "]" * 30_000 + "\n")  # 60 KB; libyaml's composer would crash on it
    table = tmp_path / "t.csv"
    table.write_text("Pesan,Pengirim\nhalo,@a\n")
    problem = read(table, mapping=mapping).problems[0]
    assert problem.where == str(mapping) and problem.message.startswith("berkas pemetaan bersarang lebih dari 256 tingkat")


def test_unparseable_timestamps_in_exports_are_named_by_item(tmp_path):
    path = tmp_path / "message_1.json"
    path.write_text(json.dumps({"participants": [{"name": "A"}], "messages": [
        {"sender_name": "A", "timestamp_ms": 1793538000000, "content": "baik"},
        {"sender_name": "A", "timestamp_ms": "besok", "content": "rusak"},
    ]}))  # fmt: skip
    batch = read(path, fmt="instagram")
    assert [str(p) for p in batch.problems] == [f"{path}:2: timestamp_ms tidak sah ('besok')"]
    assert texts(batch) == ["baik"]


@pytest.mark.parametrize("fmt", ["x", "tiktok", "meta"])
def test_forced_format_on_the_wrong_file_says_so(fmt, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[]")
    (problem,) = read(path, fmt=fmt).problems
    assert problem.where == str(path) and problem.message
