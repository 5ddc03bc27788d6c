"""PDF from the report HTML with weasyprint, fetching nothing and giving the same bytes each time.

- weasyprint is imported inside `html_to_pdf` only: it costs about a second to import.
- The URL fetcher refuses every URL except files of the package's own assets folder, so a link
  or image in a complaint can never make the report reach the network or read a local file.
- Determinism: the PDF's dates come from the HTML's dcterms.created/modified (set from the data),
  the font subsets' timestamps from SOURCE_DATE_EPOCH (fontTools honours it) set to the same
  moment while rendering, and the PDF file identifier is the fingerprint of the HTML. So the
  same HTML gives the same PDF bytes, and `identifier_of` tells which HTML a PDF was made from
  without rendering it again.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlparse

from pengaduan.errors import PengaduanError

ID_RE = re.compile(rb"/ID \[\(([0-9a-f]{32})\)")


class RefusedURL(ValueError):
    """A URL the report renderer will not fetch."""


def assets_dir() -> Path:
    return Path(str(files("pengaduan.data").joinpath("assets")))


def allowed(url: str) -> bool:
    """Only file: URLs that resolve inside the package's assets folder."""
    parsed = urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return False
    root = assets_dir().resolve()
    target = Path(unquote(parsed.path)).resolve()
    return target != root and root in target.parents and target.is_file()


def fingerprint(html: str) -> str:
    """32 hex digits naming the HTML a PDF is made from (used as the PDF's file identifier)."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32]


def identifier_of(pdf: bytes) -> str | None:
    """The fingerprint a PDF made here carries, or None (another producer, or damaged)."""
    found = ID_RE.search(pdf[-4096:])
    return found.group(1).decode() if found else None


@contextmanager
def _source_date(moment: datetime) -> Iterator[None]:
    """SOURCE_DATE_EPOCH for the duration of one rendering, then the environment as it was."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(max(0, int(moment.timestamp())))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@contextmanager
def _gc_frozen() -> Iterator[None]:
    """Keep the objects that exist now (thousands of cases, say) out of the collector's passes.

    weasyprint allocates millions of objects; every collection would otherwise walk the whole
    heap again. Measured: a quarter of the PDF time with a month of cases in memory.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def make_fetcher(refused: list[str] | None = None):
    """A weasyprint URL fetcher that serves package assets and refuses (and notes) everything else."""
    from weasyprint import urls

    def fetch_asset(url: str):
        if not allowed(url):
            if refused is not None:
                refused.append(url)
            raise RefusedURL(f"laporan tidak mengambil URL dari luar: {url[:80]}")
        return Path(unquote(urlparse(url).path)).read_bytes()

    base = getattr(urls, "URLFetcher", None)
    if base is not None and isinstance(base, type):  # weasyprint >= 68: fetchers are URLFetcher objects

        class AssetsOnly(base):  # type: ignore[misc, valid-type]
            def fetch(self, url, headers=None):  # noqa: ANN001, ANN201
                return urls.URLFetcherResponse(url, fetch_asset(url))

        return AssetsOnly()

    def legacy(url: str) -> dict:  # older weasyprint: a plain function returning a dict
        return {"string": fetch_asset(url), "redirected_url": url}

    return legacy


def html_to_pdf(html: str, moment: datetime, refused: list[str] | None = None) -> bytes:
    """Render report HTML to PDF bytes; `moment` (from the data) stamps the font subsets."""
    with warnings.catch_warnings():
        # weasyprint warns about optional system libraries (HarfBuzz-Subset); cron wants silence.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import weasyprint
        except (ImportError, OSError) as exc:  # weasyprint or its system libraries (Pango) missing
            raise PengaduanError(
                f"PDF tidak dapat dibuat: weasyprint tidak tersedia ({exc}); pasang weasyprint, atau pakai --format html"
            ) from None
        # weasyprint reports refused URLs and unknown CSS through logging: silence here too.
        logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
        with _source_date(moment), _gc_frozen():
            base = assets_dir().as_uri() + "/"
            document = weasyprint.HTML(string=html, base_url=base, url_fetcher=make_fetcher(refused))
            return document.write_pdf(pdf_identifier=fingerprint(html).encode("ascii"))
