"""Voucher pages under /c/{code}/vouchers/{sha256}: the public copy, the original, who opened it.

Who sees what (identity/rules/policy.py, LAW.md 3):
- the voucher page, with the public copy (personal data blacked out) shown in it, page
  by page, with zoom: anyone the community discloses to (READ_PUBLIC); while there is none,
  it says "public copy pending", and staff get the way to make it;
- the original: OPEN_VOUCHER_ORIGINAL (owners, committee, staff, supervisors; not
  residents). A page first says that it holds personal data and that opening it is
  recorded; only the confirmed link sends the file (`Cache-Control: private, no-store`),
  and every opening is logged;
- making the public copy: BOOK_ENTRY and OPEN_VOUCHER_ORIGINAL (staff) draw boxes on the
  original's pages (seeing them is an opening, logged) and the server blacks them out;
  uploading a copy made elsewhere stays as a fallback. CSRF-checked, set once;
- who opened the original and when: OPEN_VOUCHER_ORIGINAL *and* VIEW_REGISTRY, i.e. the
  property office and the committee. The list names owners, which is personal data, so
  it goes only to those who already see the roster unmasked; an owner or a supervisor
  may open originals but does not see who else did. The community's list of openings
  (/c/{code}/vouchers/accesses) goes to the same people.
"""

from __future__ import annotations

import base64
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import File
from fastapi import Form
from fastapi import Query
from fastapi import Request
from fastapi import UploadFile
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.body_limit import allow_body
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.infra.web import WritesOnRead
from sunshine.infra.web import render
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.periods import Period
from sunshine.ledger import service
from sunshine.ledger.models import Voucher
from sunshine.ledger.rules.voucher_files import ORIGINAL_CACHE
from sunshine.ledger.rules.voucher_files import PUBLIC_COPY_CACHE
from sunshine.ledger.rules.voucher_files import file_headers
from sunshine.ledger.rules.voucher_files import sniff_media_type
from sunshine.ledger.rules.voucher_redaction import parse_boxes

router = APIRouter(include_in_schema=False)
VOUCHER = "/c/{code}/vouchers/{sha256}"
ACCESSES = "/c/{code}/vouchers/accesses"  # before VOUCHER, which would take it
ACCESS_LIMIT = 500  # the community list shows the latest openings
NoticeQuery = Annotated[str | None, Query(max_length=20)]
BoxesForm = Annotated[str, Form(max_length=200_000)]


def may_see_accesses(viewer: Viewer | None, community_id: int) -> bool:
    """Whether `viewer` may see who opened a voucher's original (see the module docstring)."""
    return identity.can(viewer, Action.OPEN_VOUCHER_ORIGINAL, community_id) and identity.can(
        viewer, Action.VIEW_REGISTRY, community_id
    )


def may_redact(viewer: Viewer | None, community_id: int) -> bool:
    """Staff who book entries and may open originals make public copies."""
    return identity.can(viewer, Action.BOOK_ENTRY, community_id) and identity.can(
        viewer, Action.OPEN_VOUCHER_ORIGINAL, community_id
    )


def _authorize_redaction(viewer: Viewer, community_id: int) -> None:
    """Staff only (see `may_redact`); a stranger to the community finds nothing (404)."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community_id)
    identity.authorize(viewer, Action.OPEN_VOUCHER_ORIGINAL, community_id)


def _notice_period(text: str | None) -> Period | None:
    """The notice the visitor came from (`?notice=2024-10`), for the way back; else None."""
    try:
        return Period.parse(text) if text else None
    except ValueError:
        return None


def data_uri(picture: service.PagePicture) -> str:
    return f"data:{picture.media_type};base64,{base64.b64encode(picture.data).decode()}"


def _copy_pages(session: Session, voucher: Voucher, copy_url: str) -> list[str]:
    """Where the browser gets each page of the public copy: the file, or pictures of a PDF."""
    if voucher.public_sha256 is None:
        return []
    if service.is_picture(sniff_media_type(service.voucher_bytes(voucher.public_sha256))):
        return [copy_url]
    try:
        pictures = service.public_copy_pictures(session, voucher.community_id, voucher.sha256)
    except Invalid:  # a copy uploaded as it was, that pdfium cannot draw: the page links it
        return []
    return [data_uri(p) for p in pictures]


def _voucher_page(
    request: Request,
    session: Session,
    viewer: Viewer | None,
    community: CommunityRef,
    sha256: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    voucher = service.get_voucher(session, cid, sha256)
    base_url = f"/c/{community.code}/vouchers/{sha256}"
    base = {
        "community": community,
        "community_name": community.name,
        "voucher": voucher,
        "base_url": base_url,
        "pages": _copy_pages(session, voucher, f"{base_url}/public-copy"),
        "entries": service.voucher_entries(session, cid, sha256),
        "can_upload": identity.can(viewer, Action.BOOK_ENTRY, cid),
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, cid),  # the full hash, not folded
        "can_redact": may_redact(viewer, cid),
        "can_open_original": identity.can(viewer, Action.OPEN_VOUCHER_ORIGINAL, cid),
        "can_see_accesses": may_see_accesses(viewer, cid),
        "max_mb": f"{service.voucher_max_bytes() / 2**20:g}",
    }
    return render(request, "ledger/voucher.html", {**base, **context}, status_code=status_code)


@router.get(ACCESSES)
def community_accesses(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """Who opened which original, newest first (property office and committee only)."""
    identity.authorize(viewer, Action.OPEN_VOUCHER_ORIGINAL, community.id)
    if not may_see_accesses(viewer, community.id):
        raise Forbidden("only the property office and the committee see who opened a voucher")
    opened = service.community_accesses(session, community.id, limit=ACCESS_LIMIT)
    users = identity.users_by_ids(session, {a.user_id for a in opened})
    rows = [(a.opened_at, users[a.user_id].display_name, a.sha256) for a in opened]
    context = {"community": community, "community_name": community.name, "voucher": None}
    page = {**context, "rows": rows, "limit": ACCESS_LIMIT}
    return render(request, "ledger/voucher_accesses.html", page)


@router.get(VOUCHER)
def voucher_page(
    request: Request,
    sha256: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    notice: NoticeQuery = None,
) -> Response:
    """The voucher in a page: its public copy (or "pending"), its entries, the way back."""
    member = identity.authorize(viewer, Action.READ_PUBLIC, community)
    period = _notice_period(notice)
    return _voucher_page(request, session, member, community, sha256, notice=period)


@router.get(f"{VOUCHER}/public-copy")
def public_copy(
    sha256: str, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """The public copy's file itself (shown in the voucher page). 404 while there is none."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    data, media_type = service.open_public_copy(session, community.id, sha256)
    headers = file_headers(sha256, media_type, cache=PUBLIC_COPY_CACHE)
    return Response(data, media_type=media_type, headers=headers)


@router.get(f"{VOUCHER}/original", dependencies=[WritesOnRead])
def original(
    request: Request,
    sha256: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    confirm: Annotated[bool, Query()] = False,
) -> Response:
    """First a page: the original holds personal data, and opening it is recorded.

    Confirmed (`?confirm=true`): the original itself, the opening logged before it is sent.
    """
    identity.authorize(viewer, Action.OPEN_VOUCHER_ORIGINAL, community.id)
    if not confirm:
        voucher = service.get_voucher(session, community.id, sha256)
        context = {"community": community, "community_name": community.name, "voucher": voucher}
        return render(request, "ledger/voucher_original.html", context)
    data, media_type = service.open_original(session, community.id, sha256, user_id=viewer.user_id)
    session.commit()  # the log of the opening is kept before anyone sees the file
    headers = file_headers(sha256, media_type, cache=ORIGINAL_CACHE)
    return Response(data, media_type=media_type, headers=headers)


@router.get(f"{VOUCHER}/redact", dependencies=[WritesOnRead])
def redact_form(
    request: Request,
    sha256: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """The original's pages to draw boxes on; showing them is an opening of the original."""
    _authorize_redaction(viewer, community.id)
    voucher = service.get_voucher(session, community.id, sha256)
    if voucher.public_sha256 is not None:
        return RedirectResponse(f"/c/{community.code}/vouchers/{sha256}", status_code=303)
    pictures = service.original_pictures(session, community.id, sha256, user_id=viewer.user_id)
    session.commit()  # the opening is logged before the pictures are sent
    context = {"community": community, "community_name": community.name, "voucher": voucher}
    pages = [data_uri(p) for p in pictures]
    return render(request, "ledger/voucher_redact.html", {**context, "pages": pages})


@router.post(f"{VOUCHER}/redact", dependencies=[CsrfChecked])
def redact(
    request: Request,
    sha256: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    boxes: BoxesForm,
) -> Response:
    """Black out the boxes on the original, server-side, and keep the result as the public copy."""
    _authorize_redaction(viewer, community.id)
    try:
        with session.begin_nested():  # a refused copy leaves no trace
            drawn = parse_boxes(boxes)
            service.redact_voucher(session, community.id, sha256, drawn, actor_id=viewer.user_id)
    except Invalid as exc:
        return _voucher_page(
            request, session, viewer, community, sha256, error=exc, status_code=422
        )
    session.commit()
    return RedirectResponse(f"/c/{community.code}/vouchers/{sha256}", status_code=303)


@router.post(f"{VOUCHER}/public-copy", dependencies=[CsrfChecked])
@allow_body(service.voucher_max_bytes)
def upload_public_copy(
    request: Request,
    sha256: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Fallback: store a copy blacked out elsewhere; owners see it from now on."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    data = file.file.read(service.voucher_max_bytes() + 1)
    try:
        with session.begin_nested():  # a refused copy leaves no trace
            service.store_public_copy(session, community.id, sha256, data, actor_id=viewer.user_id)
    except Invalid as exc:
        return _voucher_page(
            request, session, viewer, community, sha256, error=exc, status_code=422
        )
    session.commit()
    return RedirectResponse(f"/c/{community.code}/vouchers/{sha256}", status_code=303)


@router.get(f"{VOUCHER}/accesses")
def accesses(
    request: Request,
    sha256: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """Who opened the original and when (property office and committee only)."""
    identity.authorize(viewer, Action.OPEN_VOUCHER_ORIGINAL, community.id)
    if not may_see_accesses(viewer, community.id):
        raise Forbidden("only the property office and the committee see who opened a voucher")
    voucher = service.get_voucher(session, community.id, sha256)
    opened = service.voucher_accesses(session, community.id, sha256)
    users = identity.users_by_ids(session, {a.user_id for a in opened})
    rows = [(a.opened_at, users[a.user_id].display_name, sha256) for a in opened]
    context = {"community": community, "community_name": community.name, "voucher": voucher}
    return render(request, "ledger/voucher_accesses.html", {**context, "rows": rows})
