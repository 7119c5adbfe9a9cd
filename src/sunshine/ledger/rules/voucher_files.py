"""What a voucher file is, told from its bytes: the accepted kinds and their magic numbers.

Pure: bytes in, a media type out. The file's name and extension are never trusted (a
photo named receipt.pdf is a PNG; a text file named receipt.jpg is refused), because the
media type is what a browser is told when the file is sent back. Storing the bytes and
the size limit belong to `service/voucher_store.py`.
"""

from __future__ import annotations

import hashlib

from sunshine.kernel.errors import Invalid

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"

# The signature each accepted kind starts with (JFIF/Exif JPEG, PNG, PDF 1.x and 2.0).
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"%PDF-", PDF),
)
EXTENSIONS: dict[str, str] = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
ACCEPTED = "JPEG, PNG, PDF"


def sniff_media_type(data: bytes) -> str:
    """The media type the content shows; Invalid, naming the accepted kinds, for anything else."""
    for magic, media_type in MAGIC:
        if data.startswith(magic):
            return media_type
    raise Invalid(
        "a voucher must be a JPEG, PNG or PDF file (the content is checked, not the name)",
        args={"accepted": ACCEPTED},
    )


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of the bytes in lowercase hex: the voucher's name in the store and the log."""
    return hashlib.sha256(data).hexdigest()


def is_sha256_hex(value: str) -> bool:
    """Whether `value` is a SHA-256 as this package writes it: 64 lowercase hex digits."""
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def download_name(sha256: str, media_type: str) -> str:
    """A file name for a download that says nothing personal: voucher-<hash prefix>.<ext>."""
    return f"voucher-{sha256[:12]}.{EXTENSIONS.get(media_type, 'bin')}"


def file_headers(sha256: str, media_type: str, *, cache: str) -> dict[str, str]:
    """Headers for sending a voucher: shown in the browser, its type not guessed, named safely.

    `cache` is "private, no-store" for originals (personal data, each opening logged) and
    a private max-age for public copies (a public copy is set once and never changes).
    """
    return {
        "Content-Disposition": f'inline; filename="{download_name(sha256, media_type)}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": cache,
    }


ORIGINAL_CACHE = "private, no-store"
PUBLIC_COPY_CACHE = "private, max-age=3600"
