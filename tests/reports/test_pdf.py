"""The PDF renderer fetches nothing and gives the same bytes for the same HTML."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pypdf

from pengaduan.reports import pdf
from tests.reports.conftest import connected

WIB = timezone(timedelta(hours=7))
MOMENT = datetime(2026, 11, 2, 23, 59, 59, tzinfo=WIB)


def test_fetcher_refuses_every_url_outside_the_package_assets(listener):
    port = listener.getsockname()[1]
    html = (
        "<!DOCTYPE html><html><head><title>uji</title>"
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/gaya.css">'
        "<style>@import url('file:///etc/hostname');</style></head><body>"
        f'<p>Gambar: <img src="http://127.0.0.1:{port}/x.png"> <img src="file:///etc/passwd"> <img src="rel/x.png"></p>'
        "</body></html>"
    )
    refused: list[str] = []
    data = pdf.html_to_pdf(html, MOMENT, refused)
    assert data.startswith(b"%PDF-")
    assert f"http://127.0.0.1:{port}/x.png" in refused
    assert f"http://127.0.0.1:{port}/gaya.css" in refused
    assert "file:///etc/passwd" in refused
    assert any(url.endswith("/assets/rel/x.png") for url in refused)  # relative URLs resolve inside assets, then fail
    assert not connected(listener), "the renderer connected to a URL from the document"


def test_only_files_inside_the_assets_folder_are_allowed(tmp_path):
    root = pdf.assets_dir()
    assert not pdf.allowed("http://example.org/logo.png")
    assert not pdf.allowed("file:///etc/passwd")
    assert not pdf.allowed(root.as_uri() + "/../templates/laporan.css")
    assert not pdf.allowed("data:image/png;base64,AAAA")
    outside = tmp_path / "x.png"
    outside.write_bytes(b"x")
    assert not pdf.allowed(outside.as_uri())


def test_the_assets_folder_exists_and_its_files_are_allowed():
    root = pdf.assets_dir()
    assert root.is_dir()
    packaged = next(p for p in root.iterdir() if p.is_file())
    assert pdf.allowed(packaged.as_uri())
    assert not pdf.allowed(root.as_uri())


def test_same_html_gives_the_same_pdf_bytes_and_carries_its_fingerprint():
    html = (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Uji</title>'
        '<meta name="dcterms.created" content="2026-11-02T23:59:59+07:00"></head>'
        "<body><p>Halo — مرحبا Привет ✓</p></body></html>"
    )
    first = pdf.html_to_pdf(html, MOMENT)
    second = pdf.html_to_pdf(html, MOMENT)
    assert first == second
    assert pdf.identifier_of(first) == pdf.fingerprint(html)
    assert pdf.identifier_of(pdf.html_to_pdf(html.replace("Halo", "Hai"), MOMENT)) != pdf.fingerprint(html)
    reader = pypdf.PdfReader(io.BytesIO(first))
    assert "Halo" in reader.pages[0].extract_text() and "Привет" in reader.pages[0].extract_text()
    assert str(reader.metadata.get("/CreationDate", "")).startswith("D:20261102235959")


def test_source_date_epoch_is_put_back():
    import os

    before = os.environ.get("SOURCE_DATE_EPOCH")
    pdf.html_to_pdf("<p>x</p>", MOMENT)
    assert os.environ.get("SOURCE_DATE_EPOCH") == before


def test_emoji_and_scripts_without_a_font_still_render():
    # No font here has these glyphs: they show as boxes, and the PDF is still made and readable.
    text = "Tolong 🙏🏽 👨‍👩‍👧 你好 こんにちは 한국어 שלום हिन्दी e\u0301 \u202eterbalik\u202c 𝕏"
    html = f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"></head><body><p>{text}</p></body></html>'
    data = pdf.html_to_pdf(html, MOMENT)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
