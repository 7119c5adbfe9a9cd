"""The committee co-signs from its own devices: keys (/c/{code}/cosign) and co-signing a notice.

A member's browser makes an Ed25519 key that never leaves the device (static/cosign.js:
Web Crypto, non-extractable, kept in IndexedDB) and posts only its public half here.
Another member or the manager confirms it; then the member co-signs a notice's
checkpoint on the notice page: the browser signs the checkpoint's body, the bytes the
offline `sunshine checkpoint cosign` signs, and the server checks the signature before
storing it (`transparency.cosign_as_member`). Keys made with `sunshine checkpoint keygen`
are the same registry's. A platform admin sets how many members make a notice co-signed.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from sunshine.disclosure.pages.board_common import NOTICE
from sunshine.disclosure.pages.board_common import render_board
from sunshine.disclosure.service import cosigning
from sunshine.disclosure.service import notices
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.ledger.schemas import parse_period
from sunshine.registry import service as registry
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records as log_rules

router = APIRouter(include_in_schema=False)
KEYS = "/c/{code}/cosign"
KeyName = Annotated[str, Form(max_length=80)]


def _raw(value: str, size: int) -> bytes:
    """Base64 from the browser (a public key, a signature), of exactly `size` bytes."""
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise Invalid("what this device sent is not base64") from error
    if len(raw) != size:
        raise Invalid("what this device sent has the wrong length")
    return raw


def _member(viewer: Viewer | None, community_id: int) -> Viewer:
    """A viewer who may see the keys: a committee member, the manager or a platform admin."""
    for action in (Action.COSIGN_NOTICE, Action.CONFIRM_COSIGN_KEY, Action.MANAGE_COMMUNITY):
        if identity.can(viewer, action, community_id):
            assert viewer is not None  # can() is False for nobody
            return viewer
    return identity.authorize(viewer, Action.COSIGN_NOTICE, community_id)


@router.get(KEYS)
def keys_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The committee's co-signing keys: register this device, confirm others', retire."""
    me = _member(viewer, community.id)
    rows = transparency.committee_keys(session, community.id)
    ids = {row.member_id for row in rows} | {row.confirmed_by for row in rows}
    users = identity.users_by_ids(session, {i for i in ids if i is not None})
    return render_board(
        request,
        me,
        community,
        "disclosure/cosign_keys.html",
        keys=rows,
        names={uid: user.display_name for uid, user in users.items()},
        fingerprint=log_rules.fingerprint,
        me=me.user_id,
        can_cosign=identity.can(me, Action.COSIGN_NOTICE, community.id),
        can_confirm=identity.can(me, Action.CONFIRM_COSIGN_KEY, community.id),
        can_retire_any=identity.can(me, Action.MANAGE_MEMBERS, community.id),
        can_set=identity.can(me, Action.MANAGE_COMMUNITY, community.id),
        threshold=registry.cosign_threshold(session, community.id),
        members=cosigning.committee_size(session, community.id),
    )


def _back(code: str) -> Response:
    return RedirectResponse(f"/c/{code}/cosign", status_code=303)


@router.post(KEYS, dependencies=[CsrfChecked])
def register_key(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    public_key: Annotated[str, Form(max_length=100)],
    device: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Register the public half of a key this member's browser just made."""
    me = identity.authorize(viewer, Action.COSIGN_NOTICE, community.id)
    raw = _raw(public_key, 32)
    transparency.register_device_key(
        session, community, member_id=me.user_id, public_key=raw, device=device
    )
    session.commit()
    return _back(community.code)


@router.post(KEYS + "/confirm", dependencies=[CsrfChecked])
def confirm_key(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    key: KeyName,
    authority: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Confirm another member's key, citing the decision registering it: now it counts."""
    me = identity.authorize(viewer, Action.CONFIRM_COSIGN_KEY, community.id)
    transparency.confirm_key(
        session, community.id, key, by_id=me.user_id, authority=authority.strip() or None
    )
    session.commit()
    return _back(community.code)


@router.post(KEYS + "/retire", dependencies=[CsrfChecked])
def retire_key(
    session: DbSession, viewer: CurrentViewer, community: CurrentCommunity, key: KeyName
) -> Response:
    """Retire a key (a lost or replaced device): one's own, or any as the manager."""
    me = _member(viewer, community.id)
    others = identity.can(me, Action.MANAGE_MEMBERS, community.id)
    transparency.retire_key(session, community.id, key, by_id=me.user_id, others=others)
    session.commit()
    return _back(community.code)


@router.post(KEYS + "/threshold", dependencies=[CsrfChecked])
def set_threshold(
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    threshold: Annotated[int, Form(ge=1, le=registry.MAX_THRESHOLD)],
) -> Response:
    """How many committee members must co-sign before a notice reads "co-signed"."""
    identity.authorize(viewer, Action.MANAGE_COMMUNITY, community.id)
    registry.set_cosign_threshold(session, community.id, threshold)
    session.commit()
    return _back(community.code)


@router.post(NOTICE + "/cosign", dependencies=[CsrfChecked])
def cosign(
    period: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    version: Annotated[RowId, Form(alias="v")],
    key: KeyName,
    signature: Annotated[str, Form(max_length=200)],
) -> Response:
    """Store a member's co-signature, made in their browser, over the notice's checkpoint."""
    me = identity.authorize(viewer, Action.COSIGN_NOTICE, community.id)
    found = notices.get_notice(session, community.id, parse_period(period), version)
    if not key:
        raise Forbidden("this device holds none of your confirmed keys")
    transparency.cosign_as_member(
        session,
        community.id,
        tree_size_=found.checkpoint_size,
        key_name=key,
        signature=_raw(signature, 64),
        member_id=me.user_id,
    )
    session.commit()
    return RedirectResponse(
        f"/c/{community.code}/notices/{found.period}?v={found.version}", status_code=303
    )
