"""The web app factory: routers, the one error translation point, locale and CSRF, static files."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import Depends
from fastapi import FastAPI
from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from sunshine.banking import api as banking_api
from sunshine.banking import pages as banking_pages
from sunshine.billing import api as billing_api
from sunshine.billing import pages as billing_pages
from sunshine.disclosure import api as disclosure_api
from sunshine.disclosure import pages as disclosure_pages
from sunshine.disclosure.service import budget_lines
from sunshine.entrypoints import home
from sunshine.entrypoints import notice_sections
from sunshine.entrypoints import tables
from sunshine.governance import api as governance_api
from sunshine.governance import pages as governance_pages
from sunshine.governance.service import announcements
from sunshine.governance.service import authority as governance_authority
from sunshine.governance.service import spending as spending_service
from sunshine.identity import api as identity_api
from sunshine.identity import pages as identity_pages
from sunshine.identity import service as identity_service
from sunshine.infra import authority
from sunshine.infra import board_items
from sunshine.infra import catalogue
from sunshine.infra import spending_gate
from sunshine.infra import tenancy
from sunshine.infra import work as units
from sunshine.infra.body_limit import BodyLimit
from sunshine.infra.body_limit import BodyTooLarge
from sunshine.infra.headers import SecurityHeaders
from sunshine.infra.i18n import pick_locale
from sunshine.infra.inputs import refuse_unstorable_input
from sunshine.infra.replay import ReplayTransientFailures
from sunshine.infra.settings import get_settings
from sunshine.infra.settings import start_up_problems
from sunshine.infra.web import CSRF_COOKIE
from sunshine.infra.web import LOCALE_COOKIE
from sunshine.infra.web import TEMPLATE_DIR
from sunshine.infra.web import cookie_is_secure
from sunshine.infra.web import new_csrf_token
from sunshine.infra.web import render
from sunshine.infra.web import translator
from sunshine.infra.work import Transient
from sunshine.kernel.errors import Busy
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import SunshineError
from sunshine.kernel.errors import Throttled
from sunshine.kernel.errors import Unauthenticated
from sunshine.ledger import api as ledger_api
from sunshine.ledger import pages as ledger_pages
from sunshine.ledger import service as ledger_service
from sunshine.registry import api as registry_api
from sunshine.registry import pages as registry_pages
from sunshine.registry import service as registry_service
from sunshine.transparency import api as transparency_api

log = logging.getLogger(__name__)

_STATUS: dict[type[SunshineError], int] = {
    Throttled: 429,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Invalid: 422,
    Unauthenticated: 401,
    Busy: 503,
}
RETRY_AFTER_SECONDS = 2
STATIC_DIR = TEMPLATE_DIR.parent / "static"
# Front-end libraries from the npm registry (package.json), served as /static/vendor/…
VENDOR_FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


async def _render_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SunshineError)  # registered for SunshineError only
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
    response = _respond(request, exc, status)
    if isinstance(exc, Throttled):
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
    elif isinstance(exc, Busy):
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _respond(request: Request, exc: SunshineError, status: int) -> Response:
    """The error as JSON (`{"error": {type, message, problems}}`), an htmx fragment or a page."""
    gettext = translator(request)
    if isinstance(exc, Unauthenticated) and not _wants_json(request) and request.method == "GET":
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(back)}", status_code=303)
    if _wants_json(request):
        problems = [
            {"code": p.code, "message": p.text(gettext), "where": p.where} for p in exc.problems
        ]
        body = {
            "error": {
                "type": type(exc).__name__,
                "message": exc.text(gettext),
                "problems": problems,
            }
        }
        response: Response = JSONResponse(body, status_code=status)
    else:
        template = (
            "partials/problems.html"
            if request.headers.get("HX-Request") == "true"
            else "error.html"
        )
        response = render(request, template, {"error": exc, "status": status}, status_code=status)
    return response


async def _render_database_error(request: Request, exc: Exception) -> Response:
    """Re-raise a transient failure while infra.replay may run the request again; else answer.

    What is left after the attempts: busy, 503 with Retry-After; a lost race, 409. A
    database invariant that fired for no race (a rule in Python missed something) is a
    409 logged at ERROR; any other database fault stays a 500 with its traceback.
    """
    failure = units.transient(exc)
    work = units.current()
    if failure is not None and work is not None and work.may_run_again():
        raise exc
    where = f"{request.method} {request.url.path}"
    attempts = work.attempt if work is not None else 1
    if failure is Transient.BUSY:
        log.warning("busy after %d attempts on %s: %s", attempts, where, exc)
        return await _render_error(
            request, Busy("the system is busy; please try again in a moment")
        )
    if failure is Transient.CONFLICT:
        log.warning("conflict after %d attempts on %s: %s", attempts, where, exc)
    elif isinstance(exc, IntegrityError):
        log.error("integrity error on %s: %s", where, exc)
    else:
        raise exc
    conflict = Conflict("someone else changed the same data at the same time; please try again")
    return await _render_error(request, conflict)


async def _render_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _wants_json(request):
        # FastAPI's shape, without echoing the input: it may be bytes, infinity or a
        # lone surrogate, which no JSON response can carry (and it may be a password).
        detail = [
            {"loc": [str(part) for part in err["loc"]], "msg": err["msg"], "type": err["type"]}
            for err in exc.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)
    fields = ", ".join(str(err["loc"][-1]) for err in exc.errors())
    return await _render_error(
        request, Invalid("these fields are missing or malformed: {fields}", args={"fields": fields})
    )


async def _render_http_error(request: Request, exc: Exception) -> Response:
    """An unknown address (404) or method (405) as a page in the site's style; JSON under /api."""
    assert isinstance(exc, StarletteHTTPException)
    if _wants_json(request) or exc.status_code not in (404, 405):
        return await http_exception_handler(request, exc)
    error: SunshineError = (
        NotFound("there is no page at this address")
        if exc.status_code == 404
        else Invalid("this page cannot be asked for with {method}", args={"method": request.method})
    )
    response = _respond(request, error, exc.status_code)
    response.headers.update(exc.headers or {})  # 405's Allow
    return response


async def _render_too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooLarge)
    refused = Invalid(
        "the request is larger than the limit of {limit}", args={"limit": _size(exc.limit)}
    )
    return _respond(request, refused, 413)


def _size(size: int) -> str:
    return f"{size / 2**20:g} MB" if size >= 2**20 else f"{size:,} B"


async def _render_out_of_range(request: Request, exc: Exception) -> Response:
    # The input types bound what a route reads; this catches what one of them missed.
    log.warning("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    if isinstance(exc, UnicodeError):
        refused = Invalid("the request holds text that cannot be stored")
    else:
        refused = Invalid("a number or a date in the request is out of range")
    return _respond(request, refused, 422)


class LocaleAndCsrf:
    """Pick the locale, and give every browser a CSRF token cookie (double submit).

    Plain ASGI: as a BaseHTTPMiddleware (a task and two streams per request) it cost about
    half a millisecond of CPU per request, a fifth of a payment notification's answer.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request.state.locale = pick_locale(
            request.cookies.get(LOCALE_COOKIE), request.headers.get("accept-language")
        )
        token = request.cookies.get(CSRF_COOKIE)
        request.state.csrf_token = token or new_csrf_token()
        if token:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                carrier = Response()
                carrier.set_cookie(
                    CSRF_COOKIE,
                    request.state.csrf_token,
                    httponly=True,
                    samesite="lax",
                    secure=cookie_is_secure(request),
                )
                MutableHeaders(scope=message).append("set-cookie", carrier.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def create_app() -> FastAPI:
    """Build the app: pages at /, JSON at /api/v1 (OpenAPI at /api/v1/openapi.json)."""
    tenancy.use_lookup(registry_service.community_ref, every=registry_service.community_refs)
    catalogue.use_catalogue(lambda: tables.metadata)  # imported above: every table is loaded
    ledger_service.use_budget_lines(budget_lines.line_names)  # the booking form's choice
    ledger_service.use_line_figures(budget_lines.line_figures)  # an expense over its line
    spending_gate.use_gate(spending_service.gate)  # above the limit, only approved expenses
    # budgets, closes and keys ask governance whether a decision authorises them
    authority.use_authority(governance_authority.check, governance_authority.find)
    notice_sections.register_all()  # billing's and banking's sections of every notice
    board_items.use_board_items("announcements", announcements.board_items)  # on the board
    app = FastAPI(
        title="Sunshine 阳光信托物业平台",
        version="0.1.0",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        dependencies=[Depends(refuse_unstorable_input)],  # every route, before its own
    )
    app.state.resolve_viewer = identity_service.viewer_for_token
    for problem in start_up_problems(get_settings()):
        log.warning(problem)
    app.add_exception_handler(SunshineError, _render_error)
    # The kinds a transient failure comes as (infra.work.transient names them).
    for failure in (OperationalError, IntegrityError, PoolTimeout):
        app.add_exception_handler(failure, _render_database_error)
    app.add_exception_handler(RequestValidationError, _render_validation_error)
    app.add_exception_handler(StarletteHTTPException, _render_http_error)
    app.add_exception_handler(BodyTooLarge, _render_too_large)
    for unbounded in (OverflowError, UnicodeError, DataError):
        app.add_exception_handler(unbounded, _render_out_of_range)
    # Inside the locale middleware, so that the route itself calls the limited receive.
    app.add_middleware(BodyLimit)
    app.add_middleware(LocaleAndCsrf)
    # Outside the locale middleware and the body limit: it runs them again on a replay.
    app.add_middleware(ReplayTransientFailures)
    app.add_middleware(SecurityHeaders)  # outermost of ours: error answers get them too
    for router in (identity_api.router, registry_api.router, transparency_api.router):
        app.include_router(router, prefix="/api/v1")
    app.include_router(ledger_api.router, prefix="/api/v1")
    app.include_router(disclosure_api.router, prefix="/api/v1")
    app.include_router(banking_api.router, prefix="/api/v1")
    app.include_router(billing_api.router, prefix="/api/v1")
    app.include_router(governance_api.router, prefix="/api/v1")
    for router in (home.router, identity_pages.router, registry_pages.router):
        app.include_router(router)
    app.include_router(ledger_pages.router)
    app.include_router(disclosure_pages.router)
    app.include_router(banking_pages.router)
    app.include_router(billing_pages.router)
    app.include_router(governance_pages.router)
    _mount_vendor(app)  # before the /static mount, which would otherwise answer first
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    return app


def _mount_vendor(app: FastAPI) -> None:
    modules = get_settings().static_node_modules

    @app.get("/static/vendor/{name}", include_in_schema=False)
    def vendor(name: str) -> Response:
        relative = VENDOR_FILES.get(name)
        path = modules / relative if relative else None
        if path is None or not path.is_file():
            return Response(status_code=404)
        return Response(
            path.read_bytes(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )
