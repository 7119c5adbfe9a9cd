"""What the notice page's co-sign form needs: the bytes to sign and the member's keys."""

from __future__ import annotations

import base64

from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.web import Viewer
from sunshine.transparency import service as transparency


def cosign_form(
    session: Session, viewer: Viewer | None, community_id: int, version: NoticeVersion
) -> dict[str, object] | None:
    """For a committee member: the checkpoint body (base64) and their confirmed keys.

    The browser signs the body's bytes with whichever of these keys it holds; none means
    this device was never registered, or its key awaits confirmation (`pending`).
    """
    if viewer is None or not identity.can(viewer, Action.COSIGN_NOTICE, community_id):
        return None
    mine = [
        row
        for row in transparency.committee_keys(session, community_id)
        if row.member_id == viewer.user_id
    ]
    body = transparency.checkpoint_body(session, community_id, version.checkpoint_size)
    keys = " ".join(
        f"{row.name}:{base64.b64encode(row.public_key).decode()}"
        for row in mine
        if row.confirmed_at is not None
    )
    return {
        "body": base64.b64encode(body.encode("utf-8")).decode(),
        "confirmed": keys,
        "pending": any(row.confirmed_at is None for row in mine),
    }
