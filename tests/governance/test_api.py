"""The decisions' JSON API: everyone with a role in the community reads them; the public reads
the announced ones where the community's disclosure is public, as on the decisions' pages."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.governance.service import decisions
from sunshine.identity.rules import Role
from sunshine.registry.models import Community
from sunshine.registry.service import publicity
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.governance.builders import committee_decision


def test_an_owner_reads_the_committees_decisions_with_their_records(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    made = committee_decision(session, community.id, on=date(2026, 12, 1))
    base = f"/api/v1/communities/{community.code}/governance/decisions"
    assert client.get(base).json() == []  # not yet announced: the public sees nothing
    assert client.get(f"{base}/{made.id}").status_code == 404
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    listed = client.get(base)
    assert listed.status_code == 200, listed.text
    [shown] = listed.json()
    assert shown["id"] == made.id
    assert shown["record"]["outcome"] == "adopted"
    assert shown["record"]["counted"] == {"members": 3, "present": 3, "yes": 2, "no": 0,
                                          "abstain": 0}  # fmt: skip
    assert "委员甲" not in listed.text  # members by number, never by name
    one = client.get(f"{base}/{made.id}")
    assert one.status_code == 200
    assert one.json()["record"]["announce_by"] == "2026-12-04"
    assert client.get(f"{base}/{made.id + 1}").status_code == 404


def test_a_member_of_another_community_learns_only_what_is_announced(
    client: TestClient, session: Session
) -> None:
    community, other = make_community(session), make_community(session)
    made = committee_decision(session, community.id, on=date(2026, 12, 1))
    stranger = make_user(session, community=session.get(Community, other.id), role=Role.OWNER)
    log_in(client, session, stranger)
    base = f"/api/v1/communities/{community.code}/governance/decisions"
    assert client.get(base).json() == []
    assert client.get(f"{base}/{made.id}").status_code == 404
    decisions.announce(session, community.id, made.id, on=date(2026, 12, 2))
    [shown] = client.get(base).json()
    assert shown["id"] == made.id
    assert client.get(f"{base}/{made.id}").json()["announced_on"] == "2026-12-02"


def test_where_disclosure_is_not_public_only_the_community_reads_them(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    made = committee_decision(session, community.id, on=date(2026, 12, 1))
    decisions.announce(session, community.id, made.id, on=date(2026, 12, 2))
    publicity.set_public_disclosure(session, community.code, public=False)
    base = f"/api/v1/communities/{community.code}/governance/decisions"
    assert client.get(base).status_code == 401
    assert client.get(f"{base}/{made.id}").status_code == 401
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    assert [d["id"] for d in client.get(base).json()] == [made.id]
