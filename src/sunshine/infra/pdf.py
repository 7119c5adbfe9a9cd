"""HTML to PDF with WeasyPrint, offline: the one place that turns a rendered page into a PDF.

Why WeasyPrint: it is the only tool on these machines that prints Chinese correctly and
embeds the font (ENVIRONMENT.md, "PDF with Chinese"). With Debian's fonts-noto-cjk it sets
"Noto Sans CJK SC", bold included, embeds a subset of it in the file, and pypdf reads the
text back for tests. ReportLab cannot use Noto CJK (CFF outlines), and its built-in
STSong-Light is not embedded, so a board notice printed elsewhere would lose its glyphs.

No network, ever: a notice is rendered on an intranet or offline machine, and a page that
named a remote stylesheet or image must not make the server call out. `LocalFetcher`
refuses every URL except `data:` URIs and files inside the app's static folder; whatever
it refuses is left out of the PDF (WeasyPrint logs a warning) rather than fetched.

What does not belong here: the content of any document (templates and their services do
that), and fonts (fontconfig finds the system's; nothing is downloaded).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher
from weasyprint.urls import URLFetcherResponse

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


class LocalFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no type hints
    """WeasyPrint's resource fetcher, limited to `data:` URIs and files under `root`."""

    def __init__(self, root: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Serve `url` if it is a data: URI or a file inside `root`; raise ValueError otherwise."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # urllib's DataHandler decodes it in memory; no other handler is reached.
            return super().fetch(url, headers)
        if scheme == "file":
            return self._static_file(url)
        raise ValueError(f"refused to fetch {url!r}: PDFs are rendered without network access")

    def _static_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch {url!r}: not a local file")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"refused to fetch {url!r}: only files under {self.root} are served")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render `html` (a whole document, its CSS inline or under static/) as PDF bytes.

    Args:
        html: the document. Its @page rules set the paper (the notice asks for A4).
        base_url: what relative URLs resolve against; the static folder when None, so
            `<link href="notice-print.css">` reads static/notice-print.css.
    """
    base = base_url if base_url is not None else STATIC_DIR.as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=LocalFetcher())
    pdf: bytes = document.write_pdf()
    return pdf
