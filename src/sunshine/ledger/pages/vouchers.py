"""Voucher pages under /c/{code}/vouchers/{sha256}: the public copy, the original, who opened it.

Who sees what (identity/rules/policy.py, LAW.md 3):
- the public copy, with personal data blacked out: every member of the community
  (VIEW_BOOKS); while there is none, a small page says so, and staff get the form to
  upload it;
- the original: OPEN_VOUCHER_ORIGINAL (owners, committee, staff, supervisors; not
  residents), sent with `Cache-Control: private, no-store`, and every opening logged;
- uploading the public copy: BOOK_ENTRY (staff), CSRF-checked, set once;
- who opened the original and when: OPEN_VOUCHER_ORIGINAL *and* VIEW_REGISTRY, i.e. the
  property office and the committee. The list names owners, which is personal data, so
  it goes only to those who already see the roster unmasked; an owner or a supervisor
  may open originals but does not see who else did.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import File
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
from sunshine.ledger import service
from sunshine.ledger.rules.voucher_files import ORIGINAL_CACHE
from sunshine.ledger.rules.voucher_files import PUBLIC_COPY_CACHE
from sunshine.ledger.rules.voucher_files import file_headers

router = APIRouter(include_in_schema=False)
VOUCHER = "/c/{code}/vouchers/{sha256}"


def may_see_accesses(viewer: Viewer | None, community_id: int) -> bool:
    """Whether `viewer` may see who opened a voucher's original (see the module docstring)."""
    return identity.can(viewer, Action.OPEN_VOUCHER_ORIGINAL, community_id) and identity.can(
        viewer, Action.VIEW_REGISTRY, community_id
    )


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
    base = {
        "community": community,
        "community_name": community.name,
        "voucher": voucher,
        "entries": service.voucher_entries(session, cid, sha256),
        "can_upload": identity.can(viewer, Action.BOOK_ENTRY, cid),
        "can_open_original": identity.can(viewer, Action.OPEN_VOUCHER_ORIGINAL, cid),
        "can_see_accesses": may_see_accesses(viewer, cid),
        "max_mb": f"{service.voucher_max_bytes() / 2**20:g}",
    }
    return render(request, "ledger/voucher.html", {**base, **context}, status_code=status_code)


@router.get(VOUCHER)
def public_copy(
    request: Request,
    sha256: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    """The voucher's public copy; while it has none, a page that says so."""
    member = identity.authorize(viewer, Action.READ_PUBLIC, community)
    voucher = service.get_voucher(session, community.id, sha256)
    if voucher.public_sha256 is None:
        return _voucher_page(request, session, member, community, sha256)
    data, media_type = service.open_public_copy(session, community.id, sha256)
    headers = file_headers(sha256, media_type, cache=PUBLIC_COPY_CACHE)
    return Response(data, media_type=media_type, headers=headers)


@router.get(f"{VOUCHER}/original", dependencies=[WritesOnRead])
def original(
    sha256: str, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The original, unredacted; the opening is logged before the bytes are sent."""
    identity.authorize(viewer, Action.OPEN_VOUCHER_ORIGINAL, community.id)
    data, media_type = service.open_original(session, community.id, sha256, user_id=viewer.user_id)
    session.commit()  # the log of the opening is kept before anyone sees the file
    headers = file_headers(sha256, media_type, cache=ORIGINAL_CACHE)
    return Response(data, media_type=media_type, headers=headers)


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
    """Store the copy with personal data blacked out; owners see it from now on."""
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
    rows = [(a.opened_at, users[a.user_id].display_name) for a in opened]
    context = {"community": community, "community_name": community.name, "voucher": voucher}
    return render(request, "ledger/voucher_accesses.html", {**context, "rows": rows})
