"""No hostile request to a page route (the ones the OpenAPI document does not describe)
gets a 5xx, as any role.

`test_api_fuzz.py` covers `/api/v1` from its OpenAPI document; the pages, their forms and
the static files are read here from the app itself, so a page added later is fuzzed too.
Every route gets, in every path parameter but the community's code (which stays the
demo's, so requests get past the lookup), every query parameter and every form field at
once, each value of `HOSTILE`: what broke the API before issue 11 (a lone surrogate, an
integer past 2^63, `1e999999`, year 1 and year 9999) and their neighbours, sent as bytes
a browser could send. Each value goes as the manager, whose requests reach furthest, and
as one other role in turn; the first also with a hostile community code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import text

from sunshine.entrypoints.web import create_app
from sunshine.infra.web import CSRF_COOKIE
from sunshine.infra.web import CSRF_FIELD
from sunshine.infra.web import SESSION_COOKIE
from tests.demo_copies import DemoCopies
from tests.web import api_fuzz

APP = create_app()
_PARAM = re.compile(r"\{(\w+)\}")
_CSRF = "page-fuzz-csrf-token"

# Percent-encoded, as they travel in a URL or a form body.
HOSTILE = (
    "%ED%A0%80",  # a lone surrogate, as UTF-8 would carry it
    "%FF%FE",  # no UTF-8 at all
    "a%00b",  # a NUL byte
    "99999999999999999999999",  # past 2^63
    "-9223372036854775809",
    "1e999999",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "2024-13",
    "",
    "x" * 4000,
    "..%2F..%2Fetc%2Fpasswd",
    quote("<script>alert(1)</script>"),
    quote("=1+2;@SUM(A1)"),
)


def _page_routes() -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) of every route outside /api/v1, read from the app."""
    found = []
    for context in iter_route_contexts(APP.routes):
        route, path = context.original_route, context.path or ""
        if isinstance(route, APIRoute) and not path.startswith("/api/"):
            found += [(method, path, route) for method in sorted(route.methods or ())]
    return found


ROUTES = _page_routes()
# Path parameters naming something the demo holds, so hostile queries and forms reach the
# handlers' work rather than a 404 (ids are 1 by default: every demo table starts there).
DEMO_RECORDS = {
    "period": "2024-10",
    "chart": "flows",
    "locale": "en",
    "name": "htmx.min.js",
    "sha256": "",  # set by the fixture: a voucher of the demo's with a public copy
}


@pytest.fixture(scope="module")
def target(demo_copies: DemoCopies) -> Iterator[api_fuzz.Target]:
    with api_fuzz.demo_target(demo_copies) as loaded:
        with loaded.engine.connect() as connection:
            DEMO_RECORDS["sha256"] = connection.execute(
                text("SELECT sha256 FROM ledger_voucher WHERE public_sha256 IS NOT NULL LIMIT 1")
            ).scalar_one()
        yield loaded


def _url(path: str, value: str | None, *, code: str = "jcdy") -> str:
    """`path` with `value` in every parameter but the code; with None, a record of the demo."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "code":
            return code
        return value if value is not None else DEMO_RECORDS.get(name, "1")

    return _PARAM.sub(fill, path)


def _send(
    target: api_fuzz.Target,
    method: str,
    path: str,
    route: APIRoute,
    role: str,
    value: str,
    *,
    code: str = "jcdy",
    in_path: bool = True,
) -> int:
    token = target.fresh_token(role) if path == "/logout" else target.tokens[role]
    query = "&".join(f"{p.alias}={value}" for p in route.dependant.query_params)
    url = _url(path, value if in_path else None, code=code) + (f"?{query}" if query else "")
    fields = [f"{CSRF_FIELD}={_CSRF}"]
    fields += [f"{p.alias}={value}" for p in route.dependant.body_params]
    with TestClient(APP, raise_server_exceptions=False) as client:
        client.cookies.set(CSRF_COOKIE, _CSRF)
        if token is not None:
            client.cookies.set(SESSION_COOKIE, token)
        response = client.request(
            method,
            url,
            content="&".join(fields).encode("ascii") if method == "POST" else None,
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
    return response.status_code


def test_every_page_route_is_fuzzed() -> None:
    paths = {path for _, path, _ in ROUTES}

    assert {"/login", "/c/{code}/ledger/new", "/c/{code}/verify", "/static/vendor/{name}"} <= paths
    assert len(ROUTES) > 60


@pytest.mark.parametrize(
    ("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_no_hostile_page_request_gets_a_server_error(
    target: api_fuzz.Target,
    method: str,
    path: str,
    route: APIRoute,
) -> None:
    others = [role for role in api_fuzz.ROLES if role != api_fuzz.DEEPEST]
    errors: list[str] = []
    with api_fuzz.caught_by_the_net() as caught:
        _send_every_value(target, method, path, route, others, errors)

    assert errors == []
    assert caught == []  # the last resort answered: an input type should have refused first


def _send_every_value(
    target: api_fuzz.Target,
    method: str,
    path: str,
    route: APIRoute,
    others: list[str],
    errors: list[str],
) -> None:
    for n, value in enumerate(HOSTILE):
        sends = [  # (role, code, value in the path too, or a record of the demo's there)
            (api_fuzz.DEEPEST, "jcdy", True),
            (api_fuzz.DEEPEST, "jcdy", False),
            (others[n % len(others)], "jcdy", n % 2 == 0),
        ]
        if n == 0 and "{code}" in path:
            sends.append((api_fuzz.DEEPEST, value, True))
        for role, code, in_path in sends:
            status = _send(target, method, path, route, role, value, code=code, in_path=in_path)
            if status >= 500:
                url = _url(path, value if in_path else None, code=code)
                errors.append(f"{role} {method} {url[:120]} {value[:20]} -> {status}")


FILES = (
    b"",
    b"\x00" * 64,
    b"PK\x03\x04" + b"\xff" * 200,  # the start of a zip (an XLSX) and then nothing
    b"\xef\xbb\xbf\xed\xa0\x80,\xff\xfe\n" * 3,  # a BOM, a lone surrogate, no UTF-8
    b"%PDF-1.7\n" + b"9" * 500,
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
)
FILENAMES = ("", "..\\..\\x.xlsx", "名单.xlsx", "a" * 600 + ".csv", "=cmd|' /C calc'!A0.csv")


def _with_a_file(route: APIRoute) -> bool:
    return any(param.alias == "file" for param in route.dependant.body_params)


UPLOADS = [(m, p, r) for m, p, r in ROUTES if m == "POST" and _with_a_file(r)]


def test_the_upload_routes_are_found() -> None:
    assert {p for _, p, _ in UPLOADS} >= {
        "/c/{code}/registry/roster/preview",
        "/c/{code}/vouchers/{sha256}/public-copy",
    }


@pytest.mark.parametrize(
    ("method", "path", "route"), UPLOADS, ids=[f"{m} {p}" for m, p, _ in UPLOADS]
)
def test_no_hostile_upload_gets_a_server_error(
    target: api_fuzz.Target,
    method: str,
    path: str,
    route: APIRoute,
) -> None:
    errors: list[str] = []
    with api_fuzz.caught_by_the_net() as caught:
        _upload_every_file(target, path, errors)

    assert errors == []
    assert caught == []


def _upload_every_file(target: api_fuzz.Target, path: str, errors: list[str]) -> None:
    for n, content in enumerate(FILES):
        name = FILENAMES[n % len(FILENAMES)]
        for role in (api_fuzz.DEEPEST, api_fuzz.ROLES[n % len(api_fuzz.ROLES)]):
            with TestClient(APP, raise_server_exceptions=False) as client:
                client.cookies.set(CSRF_COOKIE, _CSRF)
                if (token := target.tokens[role]) is not None:
                    client.cookies.set(SESSION_COOKIE, token)
                response = client.post(
                    _url(path, None),
                    data={CSRF_FIELD: _CSRF},
                    files={"file": (name, content, "application/octet-stream")},
                )
            if response.status_code >= 500:
                errors.append(
                    f"{role} {path} {name[:20]!r} {content[:12]!r} -> {response.status_code}"
                )
