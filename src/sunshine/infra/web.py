"""What every web route shares: the database session, the viewer, CSRF, locale and templates.

The viewer is resolved once per request by `optional_viewer` (it asks identity, through
the resolver the app factory installs, for the session behind the cookie); routes never
parse cookies themselves. Routes then ask identity.service.authorize before reading a
community's data.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Annotated
from typing import Any

import anyio
from fastapi import Depends
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment
from jinja2 import FileSystemLoader
from jinja2 import pass_context
from jinja2 import select_autoescape
from sqlalchemy.orm import Session

from sunshine.infra import tenancy
from sunshine.infra.db import connection_capacity
from sunshine.infra.db import session_factory
from sunshine.infra.db import single_writer
from sunshine.infra.i18n import DEFAULT_LOCALE
from sunshine.infra.i18n import LOCALE_NAMES
from sunshine.infra.i18n import format_day
from sunshine.infra.i18n import format_moment
from sunshine.infra.i18n import format_month
from sunshine.infra.i18n import translations
from sunshine.infra.replay import UNSAFE_METHODS
from sunshine.infra.settings import get_settings
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.turns import write_turn
from sunshine.infra.work import current as current_work
from sunshine.infra.work import mark_writing
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Unauthenticated

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
SESSION_COOKIE = "sunshine_session"
CSRF_COOKIE = "sunshine_csrf"
LOCALE_COOKIE = "sunshine_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a logged-in user with roles per community id (role values as strings)."""

    user_id: int
    display_name: str
    roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    global_roles: frozenset[str] = frozenset()
    session_token_hash: str = ""


async def _write_turn() -> AsyncIterator[None]:
    """On SQLite, a writing request's turn (`infra.turns`): kept until the route returns.

    Its body has been read by then (FastAPI reads it before solving dependencies), so a
    slow upload holds up no other writer.
    """
    work = current_work()
    if work is None or not work.writes or not single_writer():
        yield
        return
    async with write_turn():
        yield


async def open_request_session(
    _turn: Annotated[None, Depends(_write_turn, scope="function")],
) -> AsyncIterator[Session]:
    """One session per request; closing it rolls back whatever the route did not commit.

    Made and closed on the event loop, not in a worker thread (two hand-overs fewer per
    request): a session connects at its first query, in the route's thread, and once it
    has committed, or if it never queried, it holds no connection and closes without I/O.
    One still in its transaction (a read, a failure) is closed in a worker thread.
    """
    session = session_factory()()
    try:
        yield session
    finally:
        if session.in_transaction():
            await anyio.to_thread.run_sync(session.close)
        else:
            session.close()


# The session closes when the route returns, before the response goes out, so a slow
# client holds no connection (nor, writing, SQLite's turn); and no more requests use one
# at once than the pool has, so the rest wait without a thread (else they could block
# every worker thread while those holding connections wait for a thread to go on).
DbSession = Annotated[
    Session,
    Depends(open_request_session, scope="function", max_concurrency=connection_capacity()),
]


def writes_on_read() -> None:
    """Make a GET that records something (who opened an original) take the write lock first.

    List it in the route's `dependencies`, which FastAPI solves before the route's own
    parameters, so it runs before the request's first query. Unsafe methods need nothing:
    they write anyway (infra.replay).
    """
    mark_writing()


WritesOnRead = Depends(writes_on_read)


ViewerResolver = Callable[[Session, str], Viewer | None]


def optional_viewer(request: Request, session: DbSession) -> Viewer | None:
    """The logged-in viewer, or None. Resolved once per request and kept on request.state.

    The app factory puts identity's resolver on `app.state.resolve_viewer`; infra cannot
    import identity (it sits below it), and the resolver shares the request's session,
    so tests that override DbSession see their own users.
    """
    if hasattr(request.state, "viewer"):
        cached = request.state.viewer
        return cached if isinstance(cached, Viewer) else None
    token = request.cookies.get(SESSION_COOKIE)
    resolve: ViewerResolver | None = getattr(request.app.state, "resolve_viewer", None)
    viewer = resolve(session, token) if token and resolve is not None else None
    request.state.viewer = viewer
    return viewer


def current_viewer(viewer: Annotated[Viewer | None, Depends(optional_viewer)]) -> Viewer:
    """The logged-in viewer; Unauthenticated (401, or a redirect to the login page) if none."""
    if viewer is None:
        raise Unauthenticated("please log in first")
    return viewer


OptionalViewer = Annotated[Viewer | None, Depends(optional_viewer)]
CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def current_community(code: str, session: DbSession) -> CommunityRef:
    """The community named by the route's `{code}` (NotFound if there is none)."""
    return tenancy.resolve(session, code)


CurrentCommunity = Annotated[CommunityRef, Depends(current_community)]


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (double-submit cookie); the middleware sets it when absent."""
    token = getattr(request.state, "csrf_token", None)
    return token if isinstance(token, str) else ""


def client_address(request: Request) -> str:
    """The client's address, for rate limits (uvicorn's proxy_headers resolves X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"


def local_path(target: str) -> str:
    """`target` if it is a path on this site, else '/': never send a user to another host.

    A browser reads '//host', and '/' followed by a backslash and a host, as another host.
    """
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def cookie_is_secure(request: Request) -> bool:
    """Secure cookies on HTTPS, or always behind a TLS proxy (settings.cookie_secure)."""
    return request.url.scheme == "https" or get_settings().cookie_secure


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """Give the browser its login session: HttpOnly, SameSite=Lax, Secure on HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=get_settings().session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(request),
    )


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose form field or header does not match the CSRF cookie.

    Every route that changes something depends on this, logged in or not (login forms
    too, against login CSRF). Device endpoints, which sign their bodies, will not.
    """
    if request.method not in UNSAFE_METHODS:
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        raise Forbidden(
            "the form has expired or came from another site; reload the page and try again"
        )


CsrfChecked = Depends(verify_csrf)


def locale_of(request: Request) -> str:
    locale = getattr(request.state, "locale", None)
    return locale if isinstance(locale, str) else "zh_CN"


def translator(request: Request) -> Any:
    """The gettext function for this request's locale."""
    return translations(locale_of(request)).gettext


templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        extensions=["jinja2.ext.i18n"],
        autoescape=select_autoescape(),
    )
)
templates.env.policies["ext.i18n.trimmed"] = True


@pass_context
def _day(context: Any, value: Any) -> str:
    """`{{ d|day }}`: 2024年11月5日 or 5 Nov 2024, as the page's language writes a day."""
    return format_day(value, context.get("locale", DEFAULT_LOCALE))


@pass_context
def _moment(context: Any, value: Any) -> str:
    """`{{ t|local_time }}`: the moment in China's time, written as the page's language does."""
    return format_moment(value, context.get("locale", DEFAULT_LOCALE))


@pass_context
def _month(context: Any, value: Any) -> str:
    """`{{ period|month }}`: 2024年10月 or Oct 2024, as the page's language writes a month."""
    return format_month(value, context.get("locale", DEFAULT_LOCALE))


def _fingerprint(hex_digest: str) -> str:
    """`{{ sha|fingerprint }}`: a hash as owners see one, its first 16 digits in fours."""
    head = hex_digest[:16].upper()
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


templates.env.filters["fingerprint"] = _fingerprint
templates.env.filters["day"] = _day
templates.env.filters["local_time"] = _moment
templates.env.filters["month"] = _month


def render(
    request: Request, name: str, context: Mapping[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with what every template needs: gettext, locale, viewer, CSRF token."""
    gettext = translator(request)
    base = {
        "gettext": gettext,
        "ngettext": translations(locale_of(request)).ngettext,
        "pgettext": translations(locale_of(request)).pgettext,
        "_": gettext,
        "locale": locale_of(request),
        "locales": LOCALE_NAMES,
        "viewer": getattr(request.state, "viewer", None),
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )
    return response
