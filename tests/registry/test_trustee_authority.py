"""Hiring or dismissing the trustee may cite the vote or decision that decided it, checked
and linked through `infra.authority` (matter `trustee:YYYY-MM-DD`); a community may require one."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.governance.service import authority
from sunshine.identity.rules import Role
from sunshine.infra.authority import MatterKind
from sunshine.infra.authority import authorised_by
from sunshine.infra.authority import trustee_matter
from sunshine.kernel.errors import Invalid
from sunshine.registry.models import Community
from sunshine.registry.service import trustee as trustees
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.governance.authority_setup import decided

HIRED = date(2025, 1, 1)


def _hired_in_2024(session: Session) -> Community:
    community = make_community(session)
    community.trustee_company, community.trustee_since = "阳光物业", date(2024, 1, 1)
    session.flush()
    return community


def _codes(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[str, str | None]]:
    return [(p.code, p.where) for p in exc.value.problems]


def test_a_change_of_trustee_needs_no_authority_by_default_and_links_the_one_it_cites(
    session: Session,
) -> None:
    community = _hired_in_2024(session)
    assert authority.is_required(session, community.id, MatterKind.TRUSTEE) is False
    trustees.change_trustee(session, community.id, company="", since=date(2024, 6, 30))
    assert (community.trustee_company, community.trustee_since) == ("", date(2024, 6, 30))
    assert trustees.trustee_authority(session, community) is None

    cited = decided(session, community.id, trustee_matter(HIRED))
    trustees.change_trustee(session, community.id, company="新华物业", since=HIRED, authority=cited)
    assert (community.trustee_company, community.trustee_since) == ("新华物业", HIRED)
    assert trustees.trustee_authority(session, community) == cited
    assert authorised_by(session, community.id, trustee_matter(HIRED)) == cited


def test_a_wrong_authority_or_day_is_refused_and_nothing_changes(session: Session) -> None:
    community = _hired_in_2024(session)
    other_day = decided(session, community.id, trustee_matter(date(2025, 7, 1)))
    with pytest.raises(Invalid) as refused:
        trustees.change_trustee(
            session, community.id, company="新华物业", since=HIRED, authority=other_day
        )
    assert _codes(refused) == [("other_matter", "authority")]
    with pytest.raises(Invalid) as refused:
        trustees.change_trustee(
            session, community.id, company="新华物业", since=HIRED, authority="vote:x"
        )
    assert _codes(refused) == [("authority_form", "authority")]
    with pytest.raises(Invalid) as refused:
        trustees.change_trustee(session, community.id, company="阳光物业", since=date(2023, 1, 1))
    assert _codes(refused) == [("same_trustee", "company"), ("before_trustee", "since")]
    assert (community.trustee_company, community.trustee_since) == ("阳光物业", date(2024, 1, 1))


def test_switched_on_a_change_of_trustee_without_authority_is_refused(session: Session) -> None:
    community = _hired_in_2024(session)
    authority.set_requirement(
        session, community.id, MatterKind.TRUSTEE, required=True, actor_id=None
    )
    with pytest.raises(Invalid) as refused:
        trustees.change_trustee(session, community.id, company="新华物业", since=HIRED)
    assert _codes(refused) == [("decision_required", "authority")]
    assert community.trustee_company == "阳光物业"
    cited = decided(session, community.id, trustee_matter(HIRED))
    trustees.change_trustee(session, community.id, company="新华物业", since=HIRED, authority=cited)
    assert community.trustee_company == "新华物业"


def test_the_command_records_the_change_with_its_authority(cli_database: Engine) -> None:
    with Session(cli_database) as session:
        community = _hired_in_2024(session)
        code, cid = community.code, community.id
        authority.set_requirement(session, cid, MatterKind.TRUSTEE, required=True, actor_id=None)
        cited = decided(session, cid, trustee_matter(HIRED))
        session.commit()
    runner = CliRunner()
    change = ["community", "trustee", code, "--company", "新华物业", "--from", "2025-01-01"]
    refused = runner.invoke(app, change)
    assert isinstance(refused.exception, Invalid)
    done = runner.invoke(app, [*change, "--authority", cited])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["community", "trustee", code])
    assert f"新华物业, 自 since 2025-01-01, 依据 by {cited}" in shown.output


def test_the_community_home_names_the_trustee_s_authority_with_a_link_for_members(
    client: TestClient, session: Session
) -> None:
    community = _hired_in_2024(session)
    cited = decided(session, community.id, trustee_matter(HIRED))
    trustees.change_trustee(session, community.id, company="新华物业", since=HIRED, authority=cited)
    owner = make_user(session, community=community, role=Role.OWNER)
    log_in(client, session, owner)
    home = client.get(f"/c/{community.code}")
    assert home.status_code == 200
    assert "新华物业" in home.text
    number = cited.removeprefix("decision:")
    assert f'<a href="/c/{community.code}/decisions/{number}">{cited}</a>' in home.text
