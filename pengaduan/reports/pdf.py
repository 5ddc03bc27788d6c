"""PDF from the report HTML with weasyprint, fetching nothing and giving the same bytes each time.

- weasyprint is imported inside `html_to_pdf` only: it costs about a second to import.
- The URL fetcher refuses every URL except files of the package's own assets folder and the one
  logo the caller checked (the store's, as a data: URL it serves from the checked bytes), so a
  link or image in a complaint can never make the report reach the network or read a local file.
- Archival: every PDF is PDF/A-3b, with the report's data record (and its figures) embedded as
  attachments.
- Determinism: the PDF's dates come from the HTML's dcterms.created/modified (set from the data),
  the font subsets' timestamps from SOURCE_DATE_EPOCH (fontTools honours it) set to the same
  moment while rendering, the attachments are dated with it too, and the PDF file identifier is
  the fingerprint of the HTML and the attachments. So the same inputs give the same PDF bytes,
  and `identifier_of` tells which inputs a PDF was made from without rendering it again.
- Which characters the machine's fonts have (`coverage`) is asked of fontconfig once: text
  the fonts cannot draw is given a readable fallback before rendering (see fmt.readable).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import re
import shutil
import subprocess
import warnings
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlparse

from pengaduan.errors import PengaduanError

ID_RE = re.compile(rb"/ID \[\(([0-9a-f]{32})\)")
VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the PDF (PDF/A-3 'associated file')."""

    name: str
    data: bytes
    description: str
    mime: str = "application/octet-stream"


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


def fingerprint(html: str, attachments: Sequence[Attachment] = ()) -> str:
    """32 hex digits naming the HTML and attachments a PDF is made from (the PDF's file identifier)."""
    digest = hashlib.sha256(html.encode("utf-8"))
    for item in attachments:  # none: the HTML's own digest, as PDFs made before attachments carry
        digest.update(b"\0" + item.name.encode("utf-8") + b"\0" + hashlib.sha256(item.data).digest())
    return digest.hexdigest()[:32]


def identifier_of(pdf: bytes) -> str | None:
    """The fingerprint a PDF made here carries, or None (another producer, damaged, or signed since)."""
    found = ID_RE.search(pdf[-4096:])
    return found.group(1).decode() if found else None


class Coverage:
    """Which code points the machine's fonts can draw (from fontconfig's charsets)."""

    def __init__(self, ranges: Sequence[tuple[int, int]], known: bool = True) -> None:
        merged: list[list[int]] = []
        for low, high in sorted(ranges):
            if merged and low <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        self._lows = [r[0] for r in merged]
        self._highs = [r[1] for r in merged]
        self.known = known

    def __call__(self, code: int) -> bool:
        at = bisect_right(self._lows, code) - 1
        return at >= 0 and code <= self._highs[at]

    def digest(self) -> str:
        """Names this coverage: part of a report's inputs (another font may change what it shows)."""
        text = ",".join(f"{lo:x}-{hi:x}" for lo, hi in zip(self._lows, self._highs, strict=True))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# When fontconfig cannot be asked: what DejaVu Sans (weasyprint's usual font) draws, roughly.
BASIC_RANGES = ((0x20, 0x7E), (0xA0, 0x5FF), (0x600, 0x6FF), (0x1E00, 0x1FFF), (0x2000, 0x2BFF))


@lru_cache(maxsize=1)
def coverage() -> Coverage:
    """The code points some installed font has (one `fc-list` call, about 15 ms, per process)."""
    tool = shutil.which("fc-list")
    if tool is None:
        return Coverage(BASIC_RANGES, known=False)
    try:
        done = subprocess.run([tool, "--format", "%{charset}\\n"], capture_output=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return Coverage(BASIC_RANGES, known=False)
    ranges = []
    for token in done.stdout.decode("ascii", "replace").split():
        low, _, high = token.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    return Coverage(ranges) if ranges else Coverage(BASIC_RANGES, known=False)


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


def make_fetcher(refused: list[str] | None = None, logo: tuple[str, bytes, str] | None = None):
    """A weasyprint URL fetcher that serves package assets and the one checked logo (its URL, its
    bytes), and refuses (and notes) everything else."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # optional system libraries, as in html_to_pdf
        from weasyprint import urls

    def fetch_asset(url: str):
        if logo is not None and url == logo[0]:
            return logo[1]  # the bytes that were checked, never read again
        if not allowed(url):
            if refused is not None:
                refused.append(url[:200])
            raise RefusedURL(f"laporan tidak mengambil URL dari luar: {url[:80]}")
        return Path(unquote(urlparse(url).path)).read_bytes()

    base = getattr(urls, "URLFetcher", None)
    if base is not None and isinstance(base, type):  # weasyprint >= 68: fetchers are URLFetcher objects

        class AssetsOnly(base):  # type: ignore[misc, valid-type]
            def fetch(self, url, headers=None):  # noqa: ANN001, ANN201
                if logo is not None and url == logo[0]:
                    return urls.URLFetcherResponse(url, logo[1], headers={"Content-Type": logo[2]})
                return urls.URLFetcherResponse(url, fetch_asset(url))

        return AssetsOnly()

    def legacy(url: str) -> dict:  # older weasyprint: a plain function returning a dict
        if logo is not None and url == logo[0]:
            return {"string": logo[1], "mime_type": logo[2], "redirected_url": url}
        return {"string": fetch_asset(url), "redirected_url": url}

    return legacy


def html_to_pdf(
    html: str,
    moment: datetime,
    refused: list[str] | None = None,
    attachments: Sequence[Attachment] = (),
    logo: tuple[str, bytes, str] | None = None,
) -> bytes:
    """Render report HTML to PDF/A-3b bytes; `moment` (from the data) stamps the font subsets and
    the attachments. `logo` is (data URL in the HTML, its checked bytes, its MIME type)."""
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
            fetcher = make_fetcher(refused, logo)
            document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher)
            files_ = [
                weasyprint.Attachment(
                    string=item.data,
                    name=item.name,
                    description=item.description,
                    created=moment,
                    modified=moment,
                    relationship="Data",
                    url_fetcher=fetcher,
                )
                for item in attachments
            ]
            return document.write_pdf(
                pdf_identifier=fingerprint(html, attachments).encode("ascii"),
                pdf_variant=VARIANT,
                attachments=files_,
            )
