"""Voucher files for the redaction tests: a coloured picture and a PDF with a text layer."""

from __future__ import annotations

import io

from PIL import Image
from PIL import ImageDraw

SECRET = "Wang Xiaoming 13800138000"


def picture(kind: str = "PNG", size: tuple[int, int] = (200, 100)) -> bytes:
    """A picture with no black in it: pale yellow, a blue band, a red square."""
    image = Image.new("RGB", size, (250, 240, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 40, size[0], 60), fill=(30, 60, 200))
    draw.rectangle((150, 10, 190, 30), fill=(220, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def pdf_with_text(text: str = SECRET, pages: int = 2) -> bytes:
    """A small PDF whose every page holds `text` as real text (Helvetica), as a scanner's OCR
    layer or an e-invoice would: what a public copy must not keep."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    font = 3 + 2 * pages
    for i in range(pages):
        stream = f"BT /F1 18 Tf 40 {120 - 40 * i} Td ({text}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
