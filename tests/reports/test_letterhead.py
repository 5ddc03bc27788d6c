"""The letterhead (kop surat): its configuration, the logo kept in the store and checked as input,
and the renderer fetching that logo only from the bytes that were checked."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pengaduan.cli import main
from pengaduan.core.config import load_config, parse_kop
from pengaduan.core.logo import LIMIT, check_logo
from pengaduan.errors import ConfigError, InputError
from pengaduan.reports import pdf
from tests.conftest import git
from tests.reports.conftest import png, state

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = "http://www.w3.org/1999/xlink"
PLAIN_SVG = (
    f'<svg {SVG_NS} viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs>'
    '<rect fill="url(#g)" width="10" height="10"/></svg>'
)


def run(store, *args: str, petugas: str = "retno"):
    return CliRunner().invoke(main, ["--store", str(store.root), "--petugas", petugas, *args], catch_exceptions=False)


def test_png_and_plain_svg_are_logos():
    assert check_logo(png(), "logo.png").mime == "image/png"
    logo = check_logo(PLAIN_SVG.encode(), "logo.svg")
    assert logo.mime == "image/svg+xml" and logo.data_url.startswith("data:image/svg+xml;base64,")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"GIF89a\x01\x00\x01\x00", "bukan berkas PNG atau SVG"),
        (b"<html><body>logo</body></html>", "bukan berkas PNG atau SVG"),
        (png()[:40], "terpotong"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "IHDR"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (LIMIT + 1), "terlalu besar"),
        (f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg {SVG_NS}>&a;</svg>'.encode(), "DOCTYPE"),
        (f'<svg {SVG_NS}><script>alert(1)</script></svg>'.encode(), "<script>"),
        (f'<svg {SVG_NS} onload="alert(1)"/>'.encode(), "onload"),
        (f'<svg {SVG_NS} xmlns:x="{XLINK}"><image x:href="http://127.0.0.1/x.png"/></svg>'.encode(), "ke luar"),
        (f'<svg {SVG_NS}><image href="file:///etc/passwd"/></svg>'.encode(), "ke luar"),
        (f'<svg {SVG_NS}><rect style="fill:url(http://127.0.0.1/a)"/></svg>'.encode(), "url(http"),
        (f'<svg {SVG_NS}><style>@import "http://127.0.0.1/a.css";</style></svg>'.encode(), "@import"),
        (f'<svg {SVG_NS}><foreignObject/></svg>'.encode(), "foreignObject"),
        (f'<?xml-stylesheet href="http://127.0.0.1/a.css"?><svg {SVG_NS}/>'.encode(), "instruksi"),
        (b'<svg xmlns="http://example.org/not-svg"/>', "bukan <svg>"),
        (f"<svg {SVG_NS}><rect".encode(), "bukan XML yang sah"),
    ],
)
def test_anything_else_is_refused_with_the_reason(data, why):
    with pytest.raises(InputError, match=".*") as refused:
        check_logo(data, "logo")
    assert why in refused.value.message, refused.value.message


def test_the_fetcher_serves_the_checked_logo_and_nothing_else():
    logo = check_logo(png(), "logo.png")
    refused: list[str] = []
    fetcher = pdf.make_fetcher(refused, (logo.data_url, logo.data, logo.mime))
    fetch = fetcher.fetch if hasattr(fetcher, "fetch") else fetcher
    served = fetch(logo.data_url)
    assert (served.read() if hasattr(served, "read") else served["string"]) == logo.data
    other = check_logo(png(8, 8), "lain.png")
    with pytest.raises(pdf.RefusedURL):
        fetch(other.data_url)  # another image, even a valid one, is never fetched
    assert refused == [other.data_url[:200]]
    assert not pdf.allowed(logo.data_url)  # outside the fetcher that was given it, not allowed either
    assert pdf.assets_dir().is_dir()  # the one folder it serves files from exists (shipped as package data)


def test_kop_defaults_have_placeholders_not_invented_facts():
    from importlib.resources import files

    import yaml

    defaults = yaml.safe_load(files("pengaduan.data").joinpath("pengaduan.yaml").read_text())["kop"]
    kop = parse_kop(None, defaults)
    assert kop.government == "PEMERINTAH PROVINSI JAWA TENGAH"
    assert "PERLINDUNGAN ANAK" in kop.agency
    assert kop.placeholders() == ["alamat", "telepon", "email", "laman"]
    assert kop.logo == ""


@pytest.mark.parametrize(
    ("kop", "why"),
    [
        ({"alamt": "x"}, "tidak dikenal"),
        ({"logo": "../rahasia.png"}, "folder kop/"),
        ({"logo": "kop/logo.gif"}, "PNG atau SVG"),
        ({"alamat": "baris\nkedua\x07"}, "satu baris"),
        ({"telepon": ["a"]}, "teks satu baris"),
        ("bukan pemetaan", "harus pemetaan"),
    ],
)
def test_a_bad_kop_is_refused(kop, why):
    with pytest.raises(ConfigError) as refused:
        load_config({"kop": kop})
    assert why in refused.value.message


def test_kop_ubah_is_one_config_commit_the_audit_accepts(store, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(png())
    head = git(store.root, "rev-parse", "HEAD").strip()
    result = run(store, "kop", "ubah", "--alamat", "Jalan Contoh 1, Semarang", "--logo", str(logo))
    assert result.exit_code == 0, result.output
    assert git(store.root, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert git(store.root, "show", "--name-only", "--format=", "HEAD").split() == ["kop/logo.png", "pengaduan.yaml"]
    assert "Jenis: konfigurasi" in git(store.root, "log", "-1", "--format=%B")
    shown = run(store, "kop", "lihat")
    assert "Jalan Contoh 1, Semarang" in shown.stdout and "kop/logo.png" in shown.stdout and "diperiksa" in shown.stdout
    assert "belum diisi: telepon, email, laman" in shown.stdout
    again = run(store, "kop", "ubah", "--alamat", "Jalan Contoh 1, Semarang")
    assert again.exit_code == 0 and "tidak berubah" in again.stdout
    audit = run(store, "audit")
    assert audit.exit_code == 0, audit.output


def test_a_hostile_logo_or_a_non_manager_changes_nothing(store, tmp_path):
    bad = tmp_path / "logo.svg"
    bad.write_text(f'<svg {SVG_NS}><image href="http://127.0.0.1:9/x.png"/></svg>', encoding="utf-8")
    before = state(store)
    refused = run(store, "kop", "ubah", "--logo", str(bad))
    assert refused.exit_code == 1 and refused.stderr.startswith("galat: logo SVG logo.svg ditolak")
    assert len(refused.stderr.splitlines()) == 1
    clerk = run(store, "kop", "ubah", "--alamat", "x", petugas="rina")
    assert clerk.exit_code == 1 and "tidak boleh mengubah kop surat" in clerk.stderr
    assert state(store) == before


def test_a_logo_changed_behind_the_tools_back_is_checked_again_when_reporting(store, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(png())
    assert run(store, "kop", "ubah", "--logo", str(logo)).exit_code == 0
    (store.root / "kop" / "logo.png").write_bytes(b"<html>bukan logo</html>")
    git(store.root, "commit", "-qam", "logo diganti tanpa alat")
    before = state(store)
    result = run(store, "laporan", "harian", "--tanggal", "2026-11-02", "--format", "html", petugas="ani")
    assert result.exit_code == 1
    assert result.stderr.startswith("galat: logo kop/logo.png bukan berkas PNG atau SVG")
    assert state(store) == before
