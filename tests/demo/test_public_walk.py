"""Issue 12: the public notice is public. A logged-out walk over every route of the app.

On the loaded 荆川东园, someone logged out asks every GET route that names a community
(read from the app, so a route added later is walked too). With public disclosure on,
exactly the public routes answer 200 and every other one asks for a login (401, or a
page's redirect to /login); with it off, every one asks for a login. No answer given to
someone logged out contains a person's name, phone number, plate or ID number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.rules.channels import order_number
from sunshine.demo.service import fees
from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.service import notices as disclosure
from sunshine.entrypoints.web import create_app
from sunshine.infra.clock import SHANGHAI
from sunshine.infra.web import open_request_session
from sunshine.kernel.periods import Period
from sunshine.ledger.models import Voucher
from sunshine.registry import service as registry
from sunshine.registry.models import Party
from sunshine.registry.models import Vehicle
from sunshine.registry.rules import PartyKind
from sunshine.registry.service import publicity
from tests.demo.conftest import Loaded

# What the issue makes public (pages and their JSON twins); everything else needs a login.
PUBLIC = {
    "/c/{code}",
    "/c/{code}/board",
    "/c/{code}/board/{chart}.svg",
    "/c/{code}/notices",
    "/c/{code}/notices/{period}",
    "/c/{code}/vouchers/{sha256}",
    "/c/{code}/vouchers/{sha256}/public-copy",
    "/c/{code}/budget",
    "/c/{code}/budget/{budget_id}",
    "/c/{code}/budget/{budget_id}/actual",
    "/c/{code}/budget/{budget_id}/chart.svg",
    "/c/{code}/budget/{budget_id}/gap",
    "/c/{code}/verify",
    "/c/{code}/receipts/check",  # issue 13: anyone holding a receipt checks it is real
    # issue 14: announcements and surveys (a closed survey's result) are public notices
    "/c/{code}/announcements",
    "/c/{code}/announcements/{number}",
    "/c/{code}/announcements/{number}.pdf",
    "/c/{code}/surveys",
    "/c/{code}/surveys/{number}",
    "/c/{code}/surveys/{number}/result.pdf",
    # issue 14: a closed owners' vote's result (aggregates) and the committee's announced
    # decisions are posted on the paper board, so they are public too
    "/c/{code}/votes/{number}/result",
    "/c/{code}/votes/{number}/result/print",
    "/c/{code}/decisions",
    "/c/{code}/decisions/{number}",
    "/api/v1/communities/{code}",
    "/api/v1/communities/{code}/notices",
    "/api/v1/communities/{code}/notices/calendar",
    "/api/v1/communities/{code}/notices/{period}",
    "/api/v1/communities/{code}/notices/{period}/bundle",
    "/api/v1/communities/{code}/notices/{period}/pdf",
    "/api/v1/communities/{code}/budgets",
    "/api/v1/communities/{code}/budgets/{budget_id}",
    "/api/v1/communities/{code}/budgets/{budget_id}/actual",
    "/api/v1/communities/{code}/budgets/{budget_id}/projection",
    "/api/v1/communities/{code}/budgets/{budget_id}/gap",
    "/api/v1/communities/{code}/vouchers/{sha256}",
    "/api/v1/communities/{code}/vouchers/{sha256}/public",
    "/api/v1/communities/{code}/log",
    "/api/v1/communities/{code}/billing/public-figures",  # totals, no names (LAW.md 3)
    "/api/v1/communities/{code}/log/proofs/inclusion",
    "/api/v1/communities/{code}/log/proofs/consistency",
    # issue 14: the surveys' and announcements' JSON twins (a closed survey's aggregates)
    "/api/v1/communities/{code}/governance/surveys",
    "/api/v1/communities/{code}/governance/surveys/{number}",
    "/api/v1/communities/{code}/governance/announcements",
    "/api/v1/communities/{code}/governance/announcements/{number}",
    # the JSON twins of a closed vote's result and of announced decisions (open votes and
    # unannounced decisions answer an empty list or 404 to the public)
    "/api/v1/communities/{code}/governance/votes",
    "/api/v1/communities/{code}/governance/votes/{number}",
    "/api/v1/communities/{code}/governance/decisions",
    "/api/v1/communities/{code}/governance/decisions/{number}",
}
QUERY = {"seq": 0, "size": 1, "from": 1, "to": 2, "period": "2024-10"}
# Routes that read some of those names otherwise: the verify page checks what it is given.
QUERIES = {
    "/api/v1/communities/{code}/budgets/{budget_id}/actual": {"period": "2024-10"},
    "/c/{code}/verify": {},
}
_PARAM = re.compile(r"\{(\w+)\}")


def _get_routes_naming_a_community() -> list[str]:
    paths = []
    for context in iter_route_contexts(create_app().routes):
        route, path = context.original_route, context.path or ""
        if isinstance(route, APIRoute) and "{code}" in path and "GET" in (route.methods or ()):
            paths.append(path)
    return sorted(set(paths))


@pytest.fixture(scope="module")
def walk(loaded: Loaded) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A logged-out client on the loaded demo, and a value for every path parameter."""
    session = loaded.session
    app = create_app()

    def same_session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[open_request_session] = same_session
    cid = loaded.community.id
    budget = session.scalars(select(Budget).where(Budget.community_id == cid)).first()
    voucher = session.scalars(
        select(Voucher).where(Voucher.community_id == cid, Voucher.public_sha256.is_not(None))
    ).first()
    assert budget is not None
    assert voucher is not None
    values = {
        "code": loaded.community.code,
        "period": "2024-10",
        "budget_id": str(budget.id),
        "sha256": voucher.sha256,
        "chart": "flows",
        "kind": "csv",
        "number": "1",
        "unit_id": "1",
        "party_id": "1",
        "vehicle_id": "1",
        "account": "1002",
        "seq": "0",
        # The demo owner's order, paid online through the development channel.
        "order_no": order_number(cid, datetime(2024, 9, 20, 9, tzinfo=SHANGHAI), fees.ONLINE_NONCE),
    }
    with TestClient(app, base_url="http://testserver") as client:
        yield client, values


def _secrets(session: Session, community_id: int) -> list[str]:
    """Every person's name, phone, ID number and remarks, and every plate, of the community."""
    people = session.scalars(
        select(Party).where(Party.community_id == community_id, Party.kind == PartyKind.PERSON)
    )
    found = set()
    for person in people:
        found |= {person.name, person.phone, person.id_number, person.note}
    plates = session.scalars(select(Vehicle.plate).where(Vehicle.community_id == community_id))
    found |= set(plates)
    return sorted(s for s in found if len(s) >= 2)


def _url(path: str, values: dict[str, str]) -> str:
    return _PARAM.sub(lambda m: values[m.group(1)], path)


def _asks_to_log_in(status: int, location: str) -> bool:
    return status == 401 or (status == 303 and location.startswith("/login?next="))


def test_logged_out_exactly_the_public_routes_open_and_none_leaks_a_person(
    loaded: Loaded, walk: tuple[TestClient, dict[str, str]]
) -> None:
    client, values = walk
    paths = _get_routes_naming_a_community()
    assert set(paths) >= PUBLIC  # the list names real routes
    secrets = _secrets(loaded.session, loaded.community.id)
    assert len(secrets) > 400  # 193 owners' names and phones, 64 plates

    opened, refused, leaks = set(), set(), []
    for path in paths:
        response = client.get(
            _url(path, values), params=QUERIES.get(path, QUERY), follow_redirects=False
        )
        if response.status_code == 200:
            opened.add(path)
        elif _asks_to_log_in(response.status_code, response.headers.get("location", "")):
            refused.add(path)
        if "pdf" not in response.headers.get("content-type", ""):
            leaks += [(path, s) for s in secrets if s in response.text]

    assert opened == PUBLIC
    assert refused == set(paths) - PUBLIC
    assert leaks == []


def test_with_disclosure_off_every_route_asks_a_logged_out_person_to_log_in(
    loaded: Loaded, walk: tuple[TestClient, dict[str, str]]
) -> None:
    client, values = walk
    session = loaded.session
    publicity.set_public_disclosure(session, loaded.community.code, public=False)
    try:
        answers = {
            path: client.get(
                _url(path, values), params=QUERIES.get(path, QUERY), follow_redirects=False
            )
            for path in _get_routes_naming_a_community()
        }
    finally:
        publicity.set_public_disclosure(session, loaded.community.code, public=True)

    refused = [
        (path, r.status_code)
        for path, r in answers.items()
        if not _asks_to_log_in(r.status_code, r.headers.get("location", ""))
    ]
    assert refused == []


def test_the_qr_address_of_the_october_2024_pdf_opens_the_notice_and_verify_page(
    loaded: Loaded, walk: tuple[TestClient, dict[str, str]]
) -> None:
    client, _values = walk
    session = loaded.session
    ref = registry.ref_of(loaded.community)
    notice = disclosure.get_notice(session, ref.id, Period(2024, 10), None)
    printed = disclosure.printed_checkpoint(session, ref.id, notice)
    address = urlsplit(disclosure.verify_url(ref, notice, printed))  # what the QR code carries

    verify = client.get(f"{address.path}?{address.query}")
    notice_page = client.get(f"/c/{ref.code}/notices/2024-10")
    pdf = client.get(f"/api/v1/communities/{ref.code}/notices/2024-10/pdf")

    assert address.path == f"/c/{ref.code}/verify"
    assert verify.status_code == 200
    assert 'data-notice-api="/api/v1/communities/jcdy/notices/2024-10' in verify.text
    assert notice_page.status_code == 200
    assert "2024" in notice_page.text
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
