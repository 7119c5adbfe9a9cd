"""A voucher's kind is told from its bytes, never from its name: pure, no database."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.kernel.errors import Invalid
from sunshine.ledger.rules import voucher_files
from sunshine.ledger.rules.voucher_files import ORIGINAL_CACHE
from sunshine.ledger.rules.voucher_files import download_name
from sunshine.ledger.rules.voucher_files import file_headers
from sunshine.ledger.rules.voucher_files import is_sha256_hex
from sunshine.ledger.rules.voucher_files import sha256_hex
from sunshine.ledger.rules.voucher_files import sniff_media_type

PNG_START = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG_START = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PDF_START = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (JPEG_START, "image/jpeg"),
        (b"\xff\xd8\xff\xe1\x00\x18Exif", "image/jpeg"),
        (PNG_START, "image/png"),
        (PDF_START, "application/pdf"),
        (b"%PDF-2.0\n", "application/pdf"),
    ],
)
def test_the_three_accepted_kinds_are_told_by_their_first_bytes(
    data: bytes, media_type: str
) -> None:
    assert sniff_media_type(data) == media_type


@pytest.mark.parametrize(
    "data",
    [
        b"receipt: 23.58 yuan for water\n",  # a text file, whatever it is named
        b"",
        b"\x89PNG\r\n",  # a PNG signature cut short
        b"\xff\xd8",  # a JPEG start cut short
        b"%PDF",  # no dash
        b"GIF89a\x01\x00",
        b"PK\x03\x04",  # a zip (docx, xlsx)
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b" %PDF-1.4",  # the signature must come first
    ],
)
def test_anything_else_is_refused_naming_the_accepted_kinds(data: bytes) -> None:
    with pytest.raises(Invalid) as refused:
        sniff_media_type(data)

    assert refused.value.message == (
        "a voucher must be a JPEG, PNG or PDF file (the content is checked, not the name)"
    )


@given(st.binary(max_size=64))
def test_a_media_type_is_given_exactly_when_the_bytes_start_with_its_signature(
    data: bytes,
) -> None:
    expected = [kind for magic, kind in voucher_files.MAGIC if data.startswith(magic)]
    if expected:
        assert sniff_media_type(data) == expected[0]
    else:
        with pytest.raises(Invalid):
            sniff_media_type(data)


def test_the_hash_is_lowercase_hex_sha256() -> None:
    assert sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert is_sha256_hex(sha256_hex(b"abc"))
    assert not is_sha256_hex(sha256_hex(b"abc").upper())
    assert not is_sha256_hex("../../etc/passwd")
    assert not is_sha256_hex("a" * 63)


def test_a_download_is_named_by_its_hash_and_kind_never_by_the_uploaded_name() -> None:
    sha = "ab" * 32

    assert download_name(sha, "image/png") == "voucher-abababababab.png"
    assert download_name(sha, "application/pdf") == "voucher-abababababab.pdf"
    assert file_headers(sha, "image/jpeg", cache=ORIGINAL_CACHE) == {
        "Content-Disposition": 'inline; filename="voucher-abababababab.jpg"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
