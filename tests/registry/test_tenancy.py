"""No route can read another community's data.

Two communities, A and B, each with a unit, an owner and a plate. Everyone with a role
in A asks every route of the app that names a community, with B's code and B's ids:
each answer is 404 (or 403), and none shows any of B's data. The routes are read from
the app itself, so a route added later is checked without touching this file.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.entrypoints.web import create_app
from sunshine.identity.rules import Role
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.rules import ResidentKind
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_unit
from tests.factories import make_user

COMMUNITY_ROLES = [
    Role.OWNER,
    Role.RESIDENT,
    Role.TRUSTEE_STAFF,
    Role.TRUSTEE_MANAGER,
    Role.COMMITTEE,
    Role.SUPERVISOR,
]
B_SECRETS = ("5-2-502", "欧阳秘密", "13900000099", "苏E54321", "乙小区", "320402199001011239")
# What anyone may read of B while its public disclosure is on: its name and its notices.
B_PUBLIC_SECRETS = tuple(s for s in B_SECRETS if s != "乙小区")
A_ROWS = ("1-1-101", "张甲", "苏D11111")
_PARAM = re.compile(r"\{(\w+)\}")


def _populate(session: Session, community: Community, number: str, name: str, plate: str) -> None:
    unit = make_unit(session, community, number=number)
    phone, id_number = ("13900000099", "320402199001011239") if community.code == "b" else ("", "")
    party = registry.add_party(session, community.id, name=name, phone=phone, id_number=id_number)
    registry.set_owner(session, community.id, unit_id=unit.id, party_id=party.id)
    registry.add_resident(
        session,
        community.id,
        unit_id=unit.id,
        party_id=party.id,
        kind=ResidentKind.FAMILY,
    )
    registry.register_vehicle(session, community.id, plate=plate, unit_id=unit.id)


@pytest.fixture
def two_communities(session: Session) -> tuple[Community, Community]:
    a = make_community(session, code="a", name="甲小区")
    b = make_community(session, code="b", name="乙小区")
    _populate(session, a, *A_ROWS)
    _populate(session, b, B_SECRETS[0], B_SECRETS[1], B_SECRETS[3])
    b.public_disclosure = False  # B for its members only: no public right lets A's people in
    session.flush()
    return a, b


def _routes_naming_a_community(method: str) -> list[str]:
    """Every path of the real app (included routers flattened) that takes a community code."""
    paths = []
    for context in iter_route_contexts(create_app().routes):
        route, path = context.original_route, context.path or ""
        if isinstance(route, APIRoute) and "{code}" in path and method in (route.methods or ()):
            paths.append(path)
    return sorted(paths)


def _with_b(path: str) -> str:
    """The path with B's code, an id that exists in B (ids count up per community), and a
    well-formed export kind (a malformed one is refused before the community check)."""
    names = {"code": "b", "kind": "csv"}
    return _PARAM.sub(lambda m: names.get(m.group(1), "1"), path)


def test_the_check_covers_every_registry_read_route() -> None:
    paths = set(_routes_naming_a_community("GET"))

    assert {
        "/c/{code}",
        "/c/{code}/registry",
        "/c/{code}/registry/buildings",
        "/c/{code}/registry/units",
        "/c/{code}/registry/units/{unit_id}",
        "/c/{code}/registry/people",
        "/c/{code}/registry/vehicles",
        "/api/v1/communities/{code}",
        "/api/v1/communities/{code}/buildings",
        "/api/v1/communities/{code}/units",
        "/api/v1/communities/{code}/units/{unit_id}",
        "/api/v1/communities/{code}/parties",
        "/api/v1/communities/{code}/vehicles",
    } <= paths


# Query parameters that every route accepts, so that the community check is what answers
# (a malformed query is refused before it and would hide a missing check).
WELL_FORMED_QUERY = {"format": "csv", "seq": 0, "size": 1, "from": 0, "to": 1}


@pytest.mark.parametrize("role", COMMUNITY_ROLES)
def test_no_route_can_read_another_communitys_data(
    client: TestClient,
    session: Session,
    two_communities: tuple[Community, Community],
    role: Role,
) -> None:
    a, _b = two_communities
    log_in(client, session, make_user(session, community=a, role=role))

    for path in _routes_naming_a_community("GET"):
        url = _with_b(path)
        response = client.get(url, params=WELL_FORMED_QUERY, follow_redirects=False)
        assert (url, response.status_code) in {(url, 404), (url, 403)}
        leaked = [secret for secret in B_SECRETS if secret in response.text]
        assert (url, leaked) == (url, [])


@pytest.mark.parametrize("role", COMMUNITY_ROLES)
def test_no_route_can_change_another_communitys_data(
    client: TestClient,
    session: Session,
    two_communities: tuple[Community, Community],
    role: Role,
) -> None:
    a, b = two_communities
    log_in(client, session, make_user(session, community=a, role=role))
    before = registry.summarise(session, b)

    for method in ("POST", "PATCH"):
        for path in _routes_naming_a_community(method):
            url = _with_b(path)
            response = client.request(method, url, json={}, follow_redirects=False)
            assert (method, url, response.status_code >= 400) == (method, url, True)
            assert [s for s in B_SECRETS if s in response.text] == []

    assert registry.summarise(session, b) == before


def test_the_api_lists_of_a_never_include_bs_rows(
    client: TestClient, session: Session, two_communities: tuple[Community, Community]
) -> None:
    a, _b = two_communities
    log_in(client, session, make_user(session, community=a, role=Role.TRUSTEE_MANAGER))

    bodies = {
        path: client.get(f"/api/v1/communities/a/{path}").text
        for path in ("buildings", "units", "parties", "vehicles")
    }
    communities = client.get("/api/v1/communities").json()

    assert [c["code"] for c in communities] == ["a"]
    assert A_ROWS[0] in bodies["units"]
    assert A_ROWS[1] in bodies["parties"]
    assert A_ROWS[2] in bodies["vehicles"]
    for path, body in bodies.items():
        assert (path, [s for s in B_SECRETS if s in body]) == (path, [])


def test_the_staff_pages_of_a_never_show_bs_rows(
    client: TestClient, session: Session, two_communities: tuple[Community, Community]
) -> None:
    a, _b = two_communities
    log_in(client, session, make_user(session, community=a, role=Role.TRUSTEE_MANAGER))

    for path in ("", "/registry", "/registry/units", "/registry/units/1", "/registry/people"):
        body = client.get(f"/c/a{path}").text
        assert (path, [s for s in B_SECRETS if s in body]) == (path, [])
    vehicles = client.get("/c/a/registry/vehicles").text
    assert A_ROWS[2] in vehicles
    assert B_SECRETS[3] not in vehicles


PUBLIC_READS = {
    "/c/{code}",
    "/c/{code}/board",
    "/c/{code}/notices",
    "/c/{code}/budget",
    "/api/v1/communities/{code}",
    "/api/v1/communities/{code}/notices",
    "/api/v1/communities/{code}/notices/calendar",
    "/api/v1/communities/{code}/budgets",
    "/api/v1/communities/{code}/log",
}


@pytest.mark.parametrize("role", [None, Role.OWNER, Role.TRUSTEE_MANAGER])
def test_with_bs_disclosure_public_outsiders_read_its_notices_and_nothing_of_its_people(
    client: TestClient,
    session: Session,
    two_communities: tuple[Community, Community],
    role: Role | None,
) -> None:
    a, b = two_communities
    b.public_disclosure = True
    session.flush()
    if role is not None:
        log_in(client, session, make_user(session, community=a, role=role))

    opened, leaks = set(), []
    for path in _routes_naming_a_community("GET"):
        url = _with_b(path)
        response = client.get(url, params=WELL_FORMED_QUERY, follow_redirects=False)
        assert (url, response.status_code < 500) == (url, True)
        if response.status_code == 200:
            opened.add(path)
        leaks += [(url, s) for s in B_PUBLIC_SECRETS if s in response.text]

    assert opened >= PUBLIC_READS
    assert not {p for p in opened if "/registry" in p or "/ledger" in p or "/parties" in p}
    assert leaks == []
