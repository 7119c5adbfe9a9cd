"""Making a public copy by drawing boxes: the boxes as the browser sends them, and the
server blacking them out on the original (pictures, and every page of a PDF)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from sqlalchemy.orm import Session

from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.ledger import service
from sunshine.ledger.rules.voucher_redaction import Box
from sunshine.ledger.rules.voucher_redaction import parse_boxes
from sunshine.ledger.service.voucher_redaction import black_out
from sunshine.ledger.service.voucher_redaction import encode_copy
from sunshine.ledger.service.voucher_redaction import render_pages
from sunshine.transparency import service as log
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.redaction_support import SECRET
from tests.ledger.redaction_support import pdf_with_text
from tests.ledger.redaction_support import picture

BOX = Box(page=0, x=0.25, y=0.3, w=0.5, h=0.4)  # 50..150 × 30..70 on a 200 × 100 picture


@pytest.fixture(autouse=True)
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _image(data: bytes, page: int = 0) -> Image.Image:
    return render_pages(data)[page]


# --- the boxes as sent -----------------------------------------------------------------


def test_boxes_are_read_as_fractions_and_clamped_to_the_page() -> None:
    text = json.dumps([{"page": 1, "x": 0.9, "y": -0.5, "w": 0.5, "h": 0.75}])

    assert parse_boxes(text) == [Box(page=1, x=0.9, y=0.0, w=pytest.approx(0.1), h=0.75)]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"page": 0}',
        '[{"page": 0, "x": 0, "y": 0, "w": "wide", "h": 1}]',
        '[{"page": -1, "x": 0, "y": 0, "w": 1, "h": 1}]',
        '[{"page": true, "x": 0, "y": 0, "w": 1, "h": 1}]',
        '[{"page": 0, "x": 0, "y": 0, "w": 0, "h": 1}]',
        '[{"page": 0, "x": 0, "y": 0, "w": NaN, "h": 1}]',
        json.dumps([{"page": 0, "x": 0, "y": 0, "w": 1, "h": 1}] * 501),
    ],
)
def test_malformed_boxes_are_refused(text: str) -> None:
    with pytest.raises(Invalid):
        parse_boxes(text)


def test_a_box_in_pixels_is_rounded_outwards() -> None:
    assert Box(page=0, x=0.101, y=0.0, w=0.1, h=0.999).pixels(100, 10) == (10, 0, 21, 10)


# --- blacking out ----------------------------------------------------------------------


def test_pixels_under_a_box_are_black_and_the_others_unchanged() -> None:
    original = _image(picture())

    copy = _image(encode_copy(black_out([original], [BOX]), "image/png"))

    assert copy.size == original.size
    for x in range(original.width):
        for y in range(original.height):
            inside = 50 <= x < 150 and 30 <= y < 70
            expected = (0, 0, 0) if inside else original.getpixel((x, y))
            assert copy.getpixel((x, y)) == expected, (x, y)


def test_a_jpeg_stays_a_jpeg_and_the_box_is_black() -> None:
    data = encode_copy(black_out(render_pages(picture("JPEG")), [BOX]), "image/jpeg")

    copy = _image(data)
    assert data.startswith(b"\xff\xd8\xff")
    assert max(copy.getpixel((100, 50))) <= 8  # black, give or take JPEG's rounding
    assert min(copy.getpixel((10, 10))) > 150  # the pale background stays pale


def test_a_pdf_copy_has_no_text_left_and_each_page_is_boxed_where_drawn() -> None:
    original = pdf_with_text()
    assert SECRET in pypdf.PdfReader(io.BytesIO(original)).pages[0].extract_text()
    boxes = [Box(page=1, x=0.0, y=0.0, w=0.5, h=0.5)]

    data = encode_copy(black_out(render_pages(original), boxes), "application/pdf")

    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert all(page.extract_text().strip() == "" for page in reader.pages)
    first, second = render_pages(data)
    assert max(second.getpixel((second.width // 4, second.height // 4))) <= 8
    assert min(first.getpixel((first.width // 4, first.height // 4))) > 200


def test_a_box_on_a_page_the_file_does_not_have_is_refused() -> None:
    with pytest.raises(Invalid):
        black_out(render_pages(picture()), [Box(page=1, x=0, y=0, w=1, h=1)])


def test_a_file_that_cannot_be_drawn_is_refused() -> None:
    with pytest.raises(Invalid):
        render_pages(b"%PDF-1.4\n% nothing here\n%%EOF\n")


# --- the public copy kept and logged ------------------------------------------------------


def test_redacting_keeps_the_copy_logs_it_and_records_the_opening(session: Session) -> None:
    community = make_community(session, name="荆川东园")
    staff = make_user(session, community=community)
    cid = community.id
    voucher = service.store_voucher(session, cid, pdf_with_text(), name="x.pdf", actor_id=None)
    before = log.tree_size(session, cid)

    service.redact_voucher(session, cid, voucher.sha256, [BOX], actor_id=staff.id)

    public = service.get_voucher(session, cid, voucher.sha256).public_sha256
    assert public is not None
    assert public != voucher.sha256
    data, media_type = service.open_public_copy(session, cid, voucher.sha256)
    assert media_type == "application/pdf"
    assert SECRET not in "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert log.tree_size(session, cid) == before + 1
    record = log.find_record(session, cid, kind=service.PUBLIC_COPY_KIND, ref=voucher.sha256)
    assert record is not None
    assert json.loads(record.body)["public_sha256"] == public
    accesses = service.voucher_accesses(session, cid, voucher.sha256)
    assert [a.user_id for a in accesses] == [staff.id]  # seeing the original is an opening
    with pytest.raises(Conflict):
        service.redact_voucher(session, cid, voucher.sha256, [BOX], actor_id=staff.id)


def test_vouchers_without_a_public_copy_are_found_in_order(session: Session) -> None:
    community = make_community(session, name="荆川东园")
    cid = community.id
    first = service.store_voucher(session, cid, picture(), name="a.png", actor_id=None).sha256
    second = service.store_voucher(session, cid, pdf_with_text(), name="b", actor_id=None).sha256
    service.publish_original(session, cid, first, actor_id=None)

    found = service.vouchers_without_public_copy(session, cid, [second, first, second, "0" * 64])

    assert found == [second]
    assert service.vouchers_without_public_copy(session, cid, []) == []
