"""Voucher files through the service: checked by content, kept once, opened with a log."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.ledger import service
from sunshine.ledger.models import Voucher
from sunshine.transparency import service as log
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.builders import Books
from tests.ledger.builders import draft
from tests.ledger.builders import open_books
from tests.ledger.builders import post

# The smallest valid PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MIB = 2**20


@pytest.fixture(autouse=True)
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Voucher files go under a temporary var folder, with the default size limit."""
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("SUNSHINE_VOUCHER_MAX_BYTES", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def stored_files(var_dir: Path) -> list[Path]:
    """Every file under var/vouchers, temporary ones included."""
    folder = var_dir / "vouchers"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def voucher_rows(session: Session, community_id: int) -> int:
    query = select(func.count()).select_from(Voucher).where(Voucher.community_id == community_id)
    return session.scalar(query) or 0


def store_png(session: Session, books: Books, *, name: str = "水费收据.png") -> Voucher:
    return service.store_voucher(
        session, books.community_id, PNG, name=name, actor_id=books.actor_id
    )


def test_a_png_named_pdf_is_stored_as_a_png_under_its_hash(session: Session, var_dir: Path) -> None:
    books = open_books(session)

    voucher = service.store_voucher(
        session, books.community_id, PNG, name="receipt.pdf", actor_id=books.actor_id
    )

    sha = voucher.sha256
    assert voucher.media_type == "image/png"
    assert voucher.size_bytes == len(PNG)
    assert voucher.original_name == "receipt.pdf"
    assert voucher.uploaded_by == books.actor_id
    assert voucher.public_sha256 is None
    assert stored_files(var_dir) == [var_dir / "vouchers" / sha[:2] / sha]
    assert (var_dir / "vouchers" / sha[:2] / sha).read_bytes() == PNG
    assert service.voucher_bytes(sha) == PNG


def test_a_text_file_named_receipt_jpg_is_refused_and_nothing_is_kept(
    session: Session, var_dir: Path
) -> None:
    books = open_books(session)

    with pytest.raises(Invalid) as refused:
        service.store_voucher(
            session, books.community_id, b"water 23.58\n", name="receipt.jpg", actor_id=None
        )

    assert "JPEG, PNG or PDF" in refused.value.message
    assert stored_files(var_dir) == []
    assert voucher_rows(session, books.community_id) == 0


def test_a_file_over_the_limit_is_refused_with_the_limit_and_nothing_is_kept(
    session: Session, var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    books = open_books(session)
    monkeypatch.setattr(get_settings(), "voucher_max_bytes", MIB)
    too_big = PNG + bytes(MIB + 1 - len(PNG))

    with pytest.raises(Invalid) as refused:
        service.store_voucher(session, books.community_id, too_big, name="big.png", actor_id=None)

    assert refused.value.message == "the file is larger than the limit of 1 MB"
    assert stored_files(var_dir) == []
    assert voucher_rows(session, books.community_id) == 0
    # Exactly at the limit is fine.
    at_limit = too_big[:MIB]
    assert service.check_voucher_file(at_limit) == "image/png"


def test_the_limit_is_10_mib_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert service.voucher_max_bytes() == 10 * MIB
    with pytest.raises(Invalid) as refused:
        service.check_voucher_file(PDF + bytes(10 * MIB))
    assert refused.value.message == "the file is larger than the limit of 10 MB"

    monkeypatch.setenv("SUNSHINE_VOUCHER_MAX_BYTES", str(5 * MIB))
    get_settings.cache_clear()

    assert service.voucher_max_bytes() == 5 * MIB


def test_an_empty_file_is_refused(session: Session, var_dir: Path) -> None:
    books = open_books(session)

    with pytest.raises(Invalid) as refused:
        service.store_voucher(session, books.community_id, b"", name="empty.pdf", actor_id=None)

    assert refused.value.message == "the file is empty"
    assert stored_files(var_dir) == []


def test_the_same_bytes_twice_are_stored_once(session: Session, var_dir: Path) -> None:
    books = open_books(session)

    first = store_png(session, books, name="first.png")
    second = store_png(session, books, name="again.jpg")

    assert second is first
    assert second.original_name == "first.png"
    assert voucher_rows(session, books.community_id) == 1
    assert stored_files(var_dir) == [var_dir / "vouchers" / first.sha256[:2] / first.sha256]


def test_two_communities_share_one_file_but_each_reaches_it_only_through_its_own_row(
    session: Session, var_dir: Path
) -> None:
    ours = open_books(session, name="荆川东园")
    theirs = make_community(session, name="别的小区")
    voucher = store_png(session, ours)
    reader = make_user(session)

    with pytest.raises(NotFound):
        service.open_original(session, theirs.id, voucher.sha256, user_id=reader.id)

    service.store_voucher(session, theirs.id, PNG, name="x.png", actor_id=None)
    assert len(stored_files(var_dir)) == 1
    assert service.open_original(session, theirs.id, voucher.sha256, user_id=reader.id) == (
        PNG,
        "image/png",
    )


def test_opening_the_original_is_logged_every_time(session: Session) -> None:
    books = open_books(session)
    voucher = store_png(session, books)
    owner = make_user(session)

    opened = [
        service.open_original(session, books.community_id, voucher.sha256, user_id=owner.id)
        for _ in range(2)
    ]

    assert opened == [(PNG, "image/png"), (PNG, "image/png")]
    accesses = service.voucher_accesses(session, books.community_id, voucher.sha256)
    assert [a.user_id for a in accesses] == [owner.id, owner.id]


def test_the_public_copy_is_kept_named_once_and_written_to_the_public_log(
    session: Session, var_dir: Path
) -> None:
    books = open_books(session)
    voucher = store_png(session, books)
    with pytest.raises(NotFound) as none_yet:
        service.open_public_copy(session, books.community_id, voucher.sha256)
    assert none_yet.value.template == "voucher {sha256} has no public copy yet"

    service.store_public_copy(
        session, books.community_id, voucher.sha256, PDF, actor_id=books.actor_id
    )

    assert voucher.public_sha256 is not None  # the copy is kept under its own hash
    assert service.voucher_bytes(voucher.public_sha256) == PDF
    assert service.open_public_copy(session, books.community_id, voucher.sha256) == (
        PDF,
        "application/pdf",
    )
    assert len(stored_files(var_dir)) == 2
    record = log.find_record(
        session, books.community_id, kind=service.PUBLIC_COPY_KIND, ref=voucher.sha256
    )
    assert record is not None
    body = json.loads(record.body)
    assert body["sha256"] == voucher.sha256
    assert body["public_sha256"] == voucher.public_sha256
    # Opening the public copy is not an opening of the original.
    assert service.voucher_accesses(session, books.community_id, voucher.sha256) == []


def test_a_public_copy_is_set_once_and_a_second_is_not_even_stored(
    session: Session, var_dir: Path
) -> None:
    books = open_books(session)
    voucher = store_png(session, books)
    service.store_public_copy(session, books.community_id, voucher.sha256, PDF, actor_id=None)

    with pytest.raises(Conflict):
        service.store_public_copy(
            session, books.community_id, voucher.sha256, PDF + b"% other\n", actor_id=None
        )

    assert len(stored_files(var_dir)) == 2


def test_the_original_itself_is_refused_as_its_public_copy(session: Session) -> None:
    books = open_books(session)
    voucher = store_png(session, books)

    with pytest.raises(Invalid) as refused:
        service.store_public_copy(session, books.community_id, voucher.sha256, PNG, actor_id=None)

    assert "black out the personal data" in refused.value.message
    assert voucher.public_sha256 is None


def test_a_public_copy_is_checked_like_any_voucher(session: Session) -> None:
    books = open_books(session)
    voucher = store_png(session, books)

    with pytest.raises(Invalid):
        service.store_public_copy(
            session, books.community_id, voucher.sha256, b"blacked out\n", actor_id=None
        )
    with pytest.raises(NotFound):
        service.store_public_copy(session, books.community_id, "0" * 64, PDF, actor_id=None)


def test_a_missing_or_altered_file_is_never_served(session: Session, var_dir: Path) -> None:
    books = open_books(session)
    voucher = store_png(session, books)
    path = var_dir / "vouchers" / voucher.sha256[:2] / voucher.sha256

    path.write_bytes(PNG + b"changed")
    with pytest.raises(NotFound) as damaged:
        service.voucher_bytes(voucher.sha256)
    assert damaged.value.template == "the file of voucher {sha256} is damaged in the store"

    path.unlink()
    with pytest.raises(NotFound) as missing:
        service.open_original(session, books.community_id, voucher.sha256, user_id=books.actor_id)
    assert missing.value.template == "the file of voucher {sha256} is missing from the store"
    with pytest.raises(NotFound):
        service.voucher_bytes("../" + voucher.sha256[3:])


def test_the_entries_a_voucher_backs_are_listed(session: Session) -> None:
    books = open_books(session)
    voucher = store_png(session, books)
    assert service.voucher_entries(session, books.community_id, voucher.sha256) == []

    entry = post(
        session,
        books,
        draft(
            date(2024, 10, 8),
            "10月公共区域水费",
            ("660801", "23.58"),
            ("1001", "-23.58"),
            vouchers=(voucher.sha256,),
        ),
    )

    assert service.voucher_entries(session, books.community_id, voucher.sha256) == [entry.id]


def test_an_original_published_as_it_is_is_its_own_public_copy_once(
    session: Session, var_dir: Path
) -> None:
    books = open_books(session)
    voucher = store_png(session, books)

    service.publish_original(session, books.community_id, voucher.sha256, actor_id=None)

    assert service.open_public_copy(session, books.community_id, voucher.sha256) == (
        PNG,
        "image/png",
    )
    record = log.find_record(
        session, books.community_id, kind=service.PUBLIC_COPY_KIND, ref=voucher.sha256
    )
    assert record is not None
    assert json.loads(record.body) == {
        "public_sha256": voucher.sha256,
        "sha256": voucher.sha256,
    }
    with pytest.raises(Conflict):
        service.publish_original(session, books.community_id, voucher.sha256, actor_id=None)
    with pytest.raises(Conflict):
        service.store_public_copy(session, books.community_id, voucher.sha256, PDF, actor_id=None)
