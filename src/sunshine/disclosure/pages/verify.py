"""The verify page at /c/{code}/verify: check a printed notice against the log, in the browser.

A printed notice's QR code leads here with what the paper states (`service.notices.
verify_url`: period, version, log size and root). An owner without a QR reader pastes
the QR's address, or types the short fingerprint printed on the board; the server finds
that notice and sends the browser on to the same address as the QR would.

The checks themselves run in the owner's browser (static/verify.js, with WebCrypto), so
that they do not rest on the server's word: the page states what is checked and works
without scripts for that; the results need the script.
"""

from __future__ import annotations

import re
from typing import Annotated
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

from fastapi import APIRouter
from fastapi import Query
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.disclosure.pages.board_common import N_
from sunshine.disclosure.pages.board_common import VERIFY
from sunshine.disclosure.pages.board_common import render_board
from sunshine.disclosure.rules.notice import short_fingerprint
from sunshine.disclosure.service import board as board_service
from sunshine.disclosure.service import notices as service
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.errors import SunshineError
from sunshine.ledger.schemas import parse_period

router = APIRouter(include_in_schema=False)
_ROOT = re.compile(r"[0-9a-f]{64}")
_VERIFY_PATH = re.compile(r"/c/([A-Za-z0-9_-]+)/verify/?")
Text = Annotated[str, Query(max_length=600)]


def _refused(message: str, where: str = "q") -> Invalid:
    return Invalid("this notice cannot be checked", problems=[Problem(where, message, {}, where)])


@router.get(VERIFY)
def verify(
    request: Request,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    period: Text = "",
    v: Annotated[RowId | None, Query()] = None,
    size: Annotated[RowId | None, Query()] = None,
    root: Text = "",
    fp: Text = "",
    q: Text = "",
) -> Response:
    """Check a printed notice: from its QR code's address, a pasted address, or a fingerprint."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    context: dict[str, Any] = {"q": q, "target": None}
    try:
        if q.strip():
            return RedirectResponse(_resolve(session, community, q.strip()), status_code=303)
        if period or root or size or v:
            context["target"] = _target(
                session, community, period=period, version=v, size=size, root=root, fingerprint=fp
            )
    except SunshineError as exc:
        context["error"] = exc
        status = 404 if isinstance(exc, NotFound) else 422
        return render_board(
            request, viewer, community, "disclosure/verify.html", status_code=status, **context
        )
    return render_board(request, viewer, community, "disclosure/verify.html", **context)


def _resolve(session: Session, community: CommunityRef, typed: str) -> str:
    """Where a pasted QR address or a typed fingerprint leads: the QR's own verify address."""
    if "?" in typed or "/" in typed:
        parts = urlsplit(typed)
        match = _VERIFY_PATH.fullmatch(parts.path)
        fields = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if match is None or not {"period", "v", "size", "root"} <= fields.keys():
            raise _refused(N_("this is not the address of a notice's QR code"))
        query = {key: fields[key] for key in ("period", "v", "size", "root")}
        return f"/c/{match.group(1)}/verify?{urlencode(query)}"
    digits = board_service.normalise_fingerprint(typed)
    if len(digits) < 16:  # the board prints 16 hex digits
        raise _refused(
            N_("a fingerprint has 16 letters and digits (0-9, A-F), as the board prints it")
        )
    found = board_service.find_by_fingerprint(session, community.id, digits)
    if found is None:
        raise NotFound(
            "no notice here has the fingerprint {fingerprint}", args={"fingerprint": typed[:40]}
        )
    printed = service.printed_checkpoint(session, community.id, found)
    query = {
        "period": str(found.period),
        "v": str(found.version),
        "size": str(printed.tree_size),
        "root": printed.root_hash.hex(),
        "fp": digits,
    }
    return f"/c/{community.code}/verify?{urlencode(query)}"


def _target(
    session: Session,
    community: CommunityRef,
    *,
    period: str,
    version: int | None,
    size: int | None,
    root: str,
    fingerprint: str,
) -> dict[str, object]:
    """What the browser checks: the notice named, and the log size and root the paper printed."""
    month = parse_period(period)
    if version is None or size is None:
        raise _refused(N_("the address lacks the notice's version or the log's size"), "size")
    if not _ROOT.fullmatch(root.lower()):
        raise _refused(N_("the root printed on the notice is 64 hexadecimal digits"), "root")
    found = service.get_notice(session, community.id, month, version)
    code = community.code
    return {
        "notice": found,
        "record": service.record_of(found),  # its sections are named: the hash covers them
        "size": size,
        "root": root.lower(),
        "paper_fingerprint": short_fingerprint(bytes.fromhex(root)),
        "fingerprint": board_service.normalise_fingerprint(fingerprint),
        "printed": service.printed_checkpoint(session, community.id, found),
        "notice_api": f"/api/v1/communities/{code}/notices/{month}?version={version}",
        "bundle_api": f"/api/v1/communities/{code}/notices/{month}/bundle?version={version}",
        "log_api": f"/api/v1/communities/{code}/log",
    }
