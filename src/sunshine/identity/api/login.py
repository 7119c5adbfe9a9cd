"""JSON API for logging in and out and for "who am I" (mounted at /api/v1).

The same cookie session as the pages: a login sets the HttpOnly session cookie, and
every POST needs the CSRF header matching the CSRF cookie. As on the pages, a failed
login is committed before the error goes out, so rate limiting counts it.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import Request
from fastapi import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.schemas import CodeLogin
from sunshine.identity.schemas import CodeRequest
from sunshine.identity.schemas import CodeRequested
from sunshine.identity.schemas import LoginRead
from sunshine.identity.schemas import MeRead
from sunshine.identity.schemas import PasswordLogin
from sunshine.identity.schemas import phone_problems
from sunshine.identity.service.senders import configured_sender
from sunshine.infra.web import SESSION_COOKIE
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import client_address
from sunshine.infra.web import set_session_cookie
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid

router = APIRouter(tags=["identity"])


def _start_session(request: Request, response: Response, session: Session, user_id: int) -> None:
    """Open a session (ending the browser's old one), commit once, and set the cookie."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        identity.end_session(session, old)
    token = identity.start_session(session, user_id=user_id)
    session.commit()
    set_session_cookie(response, request, token)


@router.post("/auth/login", dependencies=[CsrfChecked])
def log_in(
    body: PasswordLogin, request: Request, response: Response, session: DbSession
) -> LoginRead:
    """Staff login with username and password; sets the session cookie."""
    try:
        user = identity.login_with_password(
            session,
            username=body.username.strip(),
            password=body.password,
            client=client_address(request),
        )
    except (Invalid, Conflict):
        session.commit()  # keep the failed attempt for rate limiting; Throttled: not tried
        raise
    _start_session(request, response, session, user.id)
    return LoginRead(user_id=user.id, display_name=user.display_name)


@router.post("/auth/code", status_code=202, dependencies=[CsrfChecked])
def send_code(body: CodeRequest, request: Request, session: DbSession) -> CodeRequested:
    """Send a one-time code; the answer is the same whether or not the phone has an account."""
    if problems := phone_problems(body.phone):
        raise Invalid("the code was not sent", problems=problems)
    identity.send_login_code(  # Throttled (429) when asked for too often: nothing to keep
        session, phone=body.phone, client=client_address(request), sender=configured_sender()
    )
    session.commit()
    return CodeRequested()


@router.post("/auth/code/verify", dependencies=[CsrfChecked])
def verify_code(
    body: CodeLogin, request: Request, response: Response, session: DbSession
) -> LoginRead:
    """Log in with a phone and the code sent to it; sets the session cookie."""
    try:
        user = identity.login_with_code(
            session, phone=body.phone, code=body.code, client=client_address(request)
        )
    except (Invalid, Conflict):
        session.commit()  # the wrong code counts, as a wrong password does; Throttled: not tried
        raise
    _start_session(request, response, session, user.id)
    return LoginRead(user_id=user.id, display_name=user.display_name)


@router.post("/auth/logout", status_code=204, dependencies=[CsrfChecked])
def log_out(request: Request, session: DbSession) -> Response:
    """End the session at once and forget the cookie; logging out twice is fine."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        identity.end_session(session, token)
        session.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


@router.get("/me")
def me(viewer: CurrentViewer) -> MeRead:
    """The logged-in user and their roles per community id (401 when not logged in)."""
    return MeRead(
        user_id=viewer.user_id,
        display_name=viewer.display_name,
        roles={community: sorted(roles) for community, roles in sorted(viewer.roles.items())},
        global_roles=sorted(viewer.global_roles),
    )
