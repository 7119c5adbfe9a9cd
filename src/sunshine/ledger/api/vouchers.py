"""JSON API of vouchers (mounted at /api/v1): upload, metadata, public copy, original, openings.

Rights as on the pages (`ledger/pages/vouchers.py` explains them): members read the
metadata and the public copy (VIEW_BOOKS); OPEN_VOUCHER_ORIGINAL opens the original,
each opening logged; staff upload vouchers and public copies (BOOK_ENTRY), CSRF-checked
like every API write, committing once before answering; who opened an original goes to
the property office and the committee only. The shapes live here, beside their only
routes. A file's name, which may name a person, is shown only to those who may open the
original.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from fastapi import File
from fastapi import UploadFile
from fastapi import status
from fastapi.responses import Response
from pydantic import BaseModel
from pydantic import ConfigDict
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.body_limit import allow_body
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.infra.web import WritesOnRead
from sunshine.kernel.errors import Forbidden
from sunshine.ledger import service
from sunshine.ledger.models import Voucher
from sunshine.ledger.rules.voucher_files import ORIGINAL_CACHE
from sunshine.ledger.rules.voucher_files import PUBLIC_COPY_CACHE
from sunshine.ledger.rules.voucher_files import file_headers

router = APIRouter(prefix="/communities/{code}/vouchers", tags=["ledger"])
UploadedFile = Annotated[UploadFile, File(description="JPEG, PNG or PDF; checked by content")]


class VoucherStored(BaseModel):
    """A voucher as stored: its hash (pass it in an entry's vouchers), kind and size."""

    model_config = ConfigDict(frozen=True)

    sha256: str
    media_type: str
    size_bytes: int


class VoucherRead(VoucherStored):
    """A voucher's metadata: its public copy's hash (or null) and the entries it backs."""

    public_sha256: str | None
    entries: list[int]
    uploaded_at: datetime
    original_name: str | None  # only for those who may open the original

    @classmethod
    def from_model(cls, voucher: Voucher, entries: list[int], *, with_name: bool) -> VoucherRead:
        return cls(
            sha256=voucher.sha256,
            media_type=voucher.media_type,
            size_bytes=voucher.size_bytes,
            public_sha256=voucher.public_sha256,
            entries=entries,
            uploaded_at=voucher.uploaded_at,
            original_name=voucher.original_name if with_name else None,
        )


class AccessRead(BaseModel):
    """One opening of an original: when, and by whom."""

    model_config = ConfigDict(frozen=True)

    opened_at: datetime
    user_id: int
    display_name: str


def _read(session: Session, viewer: Viewer | None, community_id: int, sha256: str) -> VoucherRead:
    voucher = service.get_voucher(session, community_id, sha256)
    return VoucherRead.from_model(
        voucher,
        service.voucher_entries(session, community_id, sha256),
        with_name=identity.can(viewer, Action.OPEN_VOUCHER_ORIGINAL, community_id),
    )


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
@allow_body(service.voucher_max_bytes)
def upload_voucher(
    session: DbSession, viewer: CurrentViewer, community: CurrentCommunity, file: UploadedFile
) -> VoucherStored:
    """Store a voucher (kept once: the same bytes again give the same hash)."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    data = file.file.read(service.voucher_max_bytes() + 1)
    voucher = service.store_voucher(
        session, community.id, data, name=file.filename or "", actor_id=viewer.user_id
    )
    session.commit()
    return VoucherStored(
        sha256=voucher.sha256, media_type=voucher.media_type, size_bytes=voucher.size_bytes
    )


@router.get("/{sha256}")
def show_voucher(
    sha256: str, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> VoucherRead:
    """A voucher's kind, size, public copy and the entries it backs."""
    member = identity.authorize(viewer, Action.READ_PUBLIC, community)
    return _read(session, member, community.id, sha256)


@router.get("/{sha256}/public", response_class=Response)
def public_copy(
    sha256: str, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """The public copy's bytes (404 while there is none)."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    data, media_type = service.open_public_copy(session, community.id, sha256)
    headers = file_headers(sha256, media_type, cache=PUBLIC_COPY_CACHE)
    return Response(data, media_type=media_type, headers=headers)


@router.get("/{sha256}/original", response_class=Response, dependencies=[WritesOnRead])
def original(
    sha256: str, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The original's bytes; the opening is logged."""
    identity.authorize(viewer, Action.OPEN_VOUCHER_ORIGINAL, community.id)
    data, media_type = service.open_original(session, community.id, sha256, user_id=viewer.user_id)
    session.commit()  # the log of the opening is kept before anyone sees the file
    headers = file_headers(sha256, media_type, cache=ORIGINAL_CACHE)
    return Response(data, media_type=media_type, headers=headers)


@router.post("/{sha256}/public-copy", dependencies=[CsrfChecked])
@allow_body(service.voucher_max_bytes)
def upload_public_copy(
    sha256: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    file: UploadedFile,
) -> VoucherRead:
    """Store the copy with personal data blacked out (once; recorded in the public log)."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    data = file.file.read(service.voucher_max_bytes() + 1)
    service.store_public_copy(session, community.id, sha256, data, actor_id=viewer.user_id)
    session.commit()
    return _read(session, viewer, community.id, sha256)


@router.get("/{sha256}/accesses")
def list_accesses(
    sha256: str, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> list[AccessRead]:
    """Who opened the original and when (property office and committee only)."""
    identity.authorize(viewer, Action.OPEN_VOUCHER_ORIGINAL, community.id)
    if not identity.can(viewer, Action.VIEW_REGISTRY, community.id):
        raise Forbidden("only the property office and the committee see who opened a voucher")
    service.get_voucher(session, community.id, sha256)
    opened = service.voucher_accesses(session, community.id, sha256)
    users = identity.users_by_ids(session, {a.user_id for a in opened})
    return [
        AccessRead(
            opened_at=a.opened_at, user_id=a.user_id, display_name=users[a.user_id].display_name
        )
        for a in opened
    ]
