"""Making a voucher's public copy in the product: its pages as pictures, black boxes on them.

Staff draw boxes over names, phone and ID numbers on pictures of the original's pages;
the boxes come back as fractions of each page (`rules.voucher_redaction`) and are filled
in black here, on the server, so what owners get never holds the personal data under a
box that was only drawn over it. A PDF's pages are rendered to pictures first (pdfium)
and the copy is a PDF of pictures only: no text layer, no hidden objects survive. A
photo loses its metadata (camera, place) on the way. The copy is then kept and logged by
`store_public_copy`, exactly as an uploaded copy would be.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image
from PIL import ImageDraw
from PIL import ImageOps
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.ledger.models import Voucher
from sunshine.ledger.rules.voucher_files import JPEG
from sunshine.ledger.rules.voucher_files import PDF
from sunshine.ledger.rules.voucher_files import PNG
from sunshine.ledger.rules.voucher_files import sniff_media_type
from sunshine.ledger.rules.voucher_redaction import Box
from sunshine.ledger.service.voucher_store import open_original
from sunshine.ledger.service.voucher_store import open_public_copy
from sunshine.ledger.service.voucher_store import store_public_copy

MAX_PAGES = 20  # a longer PDF is redacted elsewhere and uploaded (memory: ~6 MB a page)
COPY_DPI = 150  # a PDF's pages in the public copy: receipts stay readable, files stay small
LONGEST_SIDE = 3000  # pixels: a huge page is scaled down rather than filling the memory
SHOWN_SIDE = 1600  # pixels: pictures sent to the browser for viewing and drawing


@dataclass(frozen=True)
class PagePicture:
    """One page as the browser shows it: the picture's bytes, media type and size."""

    data: bytes
    media_type: str
    width: int
    height: int


def _pdf_pages(data: bytes, dpi: int) -> Iterator[Image.Image]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise Invalid("the PDF could not be read") from None
    try:
        if len(document) > MAX_PAGES:
            raise Invalid(
                "the PDF has more than {limit} pages: redact it elsewhere and upload the copy",
                args={"limit": MAX_PAGES},
            )
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()  # in points, 72 to the inch
            scale = min(dpi / 72, LONGEST_SIDE / max(width, height, 1))
            yield page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def render_pages(data: bytes, *, dpi: int = COPY_DPI) -> list[Image.Image]:
    """The file's pages as RGB pictures: each page of a PDF, or the one picture of an image.

    A photo is turned upright as its EXIF orientation says, as a browser shows it, so a box
    drawn on the browser's picture lands on the same place here.
    """
    if sniff_media_type(data) == PDF:
        return list(_pdf_pages(data, dpi))
    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            return [upright.convert("RGB")]
    except (OSError, Image.DecompressionBombError):
        raise Invalid("the picture could not be read") from None


def black_out(pages: list[Image.Image], boxes: list[Box]) -> list[Image.Image]:
    """The pages with every box filled in black (new pictures; the inputs are untouched)."""
    out = [page.copy() for page in pages]
    for box in boxes:
        if box.page >= len(out):
            raise Invalid("a box names a page the voucher does not have")
        page = out[box.page]
        left, top, right, bottom = box.pixels(page.width, page.height)
        if right > left and bottom > top:
            ImageDraw.Draw(page).rectangle((left, top, right - 1, bottom - 1), fill=(0, 0, 0))
    return out


def encode_copy(pages: list[Image.Image], media_type: str) -> bytes:
    """The redacted pages as one file: a PDF of pictures for a PDF, else the original's kind."""
    buffer = io.BytesIO()
    if media_type == PDF:
        first, *rest = pages
        first.save(buffer, "PDF", save_all=True, append_images=rest, resolution=COPY_DPI)
    elif media_type == JPEG:
        pages[0].save(buffer, "JPEG", quality=90)
    else:
        pages[0].save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def redact_voucher(
    session: Session, community_id: int, sha256: str, boxes: list[Box], *, actor_id: int
) -> Voucher:
    """Black out the boxes on the original and keep the result as its public copy (logged)."""
    original, media_type = open_original(session, community_id, sha256, user_id=actor_id)
    pages = black_out(render_pages(original), boxes)
    return store_public_copy(
        session, community_id, sha256, encode_copy(pages, media_type), actor_id=actor_id
    )


def _picture(page: Image.Image) -> PagePicture:
    shown = page.copy()
    shown.thumbnail((SHOWN_SIDE, SHOWN_SIDE))
    buffer = io.BytesIO()
    shown.save(buffer, "PNG" if shown.width * shown.height < 400_000 else "JPEG", quality=85)
    data = buffer.getvalue()
    return PagePicture(data, sniff_media_type(data), shown.width, shown.height)


def original_pictures(
    session: Session, community_id: int, sha256: str, *, user_id: int
) -> list[PagePicture]:
    """The original's pages as pictures to draw boxes on; seeing them is an opening (logged)."""
    data, _ = open_original(session, community_id, sha256, user_id=user_id)
    return [_picture(page) for page in render_pages(data)]


def public_copy_pictures(session: Session, community_id: int, sha256: str) -> list[PagePicture]:
    """The public copy's pages as pictures (a PDF copy is shown page by page)."""
    data, _ = open_public_copy(session, community_id, sha256)
    return [_picture(page) for page in render_pages(data)]


def is_picture(media_type: str) -> bool:
    """Whether a browser shows the file itself as a picture (no rendering needed)."""
    return media_type in (JPEG, PNG)
