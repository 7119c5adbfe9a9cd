"""Login and logout pages: staff by username and password, owners and residents by phone and code.

Every POST here is CSRF-checked. A failed login is committed before the form is shown
again, so that the failure counts toward the rate limit (the service records it, the
route makes it stick). Only what the user typed comes back into the form, never the
password.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Query
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.schemas import clean_phone
from sunshine.identity.schemas import phone_problems
from sunshine.identity.service.senders import configured_sender
from sunshine.infra.web import SESSION_COOKIE
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import DbSession
from sunshine.infra.web import client_address
from sunshine.infra.web import local_path
from sunshine.infra.web import render
from sunshine.infra.web import set_session_cookie
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import SunshineError
from sunshine.kernel.errors import Throttled

router = APIRouter(include_in_schema=False)

NextQuery = Annotated[str, Query(alias="next")]
LANDING = "/welcome"  # entrypoints.home: supervisors' page, one's community, or the list
NextField = Annotated[str, Form(alias="next")]
FormText = Annotated[str, Form()]

LOGIN = "identity/login.html"
PHONE = "identity/login_phone.html"


Refused = (Invalid, Conflict, Throttled)


def _refusal(response: Response, exc: SunshineError) -> Response:
    """The form again with the reason: 429 and Retry-After when tried too often, else 409/422."""
    if isinstance(exc, Throttled):
        response.status_code = 429
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
    else:
        response.status_code = 409 if isinstance(exc, Conflict) else 422
    return response


def _logged_in(request: Request, session: Session, *, user_id: int, next_url: str) -> Response:
    """Start a session (ending the one the browser had, against session fixation), commit once."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        identity.end_session(session, old)
    token = identity.start_session(session, user_id=user_id)
    session.commit()
    target = local_path(next_url)
    # Nowhere in particular to go back to: the landing page picks the place by role.
    response = RedirectResponse(LANDING if target == "/" else target, status_code=303)
    set_session_cookie(response, request, token)
    return response


@router.get("/login")
def login_page(request: Request, next_url: NextQuery = "/") -> Response:
    """The staff login form."""
    return render(request, LOGIN, {"next": local_path(next_url), "username": ""})


@router.post("/login", dependencies=[CsrfChecked])
def log_in(
    request: Request,
    session: DbSession,
    username: FormText = "",
    password: FormText = "",
    next_url: NextField = "/",
) -> Response:
    """Check a username and password; on success set the session cookie and go on."""
    try:
        user = identity.login_with_password(
            session, username=username.strip(), password=password, client=client_address(request)
        )
    except Refused as exc:
        session.commit()  # keep the failed attempt, or rate limiting would never trigger
        context = {"error": exc, "username": username, "next": local_path(next_url)}
        return _refusal(render(request, LOGIN, context), exc)
    return _logged_in(request, session, user_id=user.id, next_url=next_url)


def _phone_page(request: Request, *, step: str, **context: Any) -> Response:
    context = {"step": step, "code_minutes": identity.CODE_MINUTES, **context}
    return render(request, PHONE, context)


@router.get("/login/phone")
def phone_page(request: Request, next_url: NextQuery = "/") -> Response:
    """Step 1 of the phone login: the phone number."""
    return _phone_page(request, step="phone", phone="", next=local_path(next_url))


def _send_code(session: Session, *, phone: str, client: str) -> None:
    if problems := phone_problems(phone):
        raise Invalid("the code was not sent", problems=problems)
    identity.send_login_code(session, phone=phone, client=client, sender=configured_sender())


@router.post("/login/phone", dependencies=[CsrfChecked])
def send_code(
    request: Request, session: DbSession, phone: FormText = "", next_url: NextField = "/"
) -> Response:
    """Send a code (only to a phone with an account; the answer is the same either way)."""
    number = clean_phone(phone)
    next_url = local_path(next_url)
    try:
        _send_code(session, phone=number, client=client_address(request))
    except Refused as exc:
        # Asked too often: the code sent before may still be on its way, so ask for it.
        step, shown = ("code", number) if isinstance(exc, Throttled) else ("phone", phone)
        page = _phone_page(request, step=step, error=exc, phone=shown, next=next_url)
        return _refusal(page, exc)
    session.commit()
    return _phone_page(request, step="code", sent=True, phone=number, next=next_url)


@router.post("/login/phone/verify", dependencies=[CsrfChecked])
def verify_code(
    request: Request,
    session: DbSession,
    phone: FormText = "",
    code: FormText = "",
    next_url: NextField = "/",
) -> Response:
    """Step 2: check the code; on success set the session cookie and go on."""
    number = clean_phone(phone)
    try:
        user = identity.login_with_code(
            session, phone=number, code=code, client=client_address(request)
        )
    except Refused as exc:
        session.commit()  # the wrong code counts, as a wrong password does
        page = _phone_page(request, step="code", error=exc, phone=number, next=local_path(next_url))
        return _refusal(page, exc)
    return _logged_in(request, session, user_id=user.id, next_url=next_url)


@router.post("/logout", dependencies=[CsrfChecked])
def log_out(request: Request, session: DbSession) -> Response:
    """End the session at once and forget the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        identity.end_session(session, token)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response
