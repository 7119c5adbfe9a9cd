"""A fee change (a charge item's new rate) may cite the owners' vote or committee decision
that decided it, checked and linked through `infra.authority`; a community may require one."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.entrypoints.cli import app
from sunshine.governance.service import authority
from sunshine.identity.rules import Role
from sunshine.infra.authority import MatterKind
from sunshine.infra.authority import authorised_by
from sunshine.infra.authority import fee_change_matter
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.factories import log_in
from tests.factories import make_user
from tests.governance.authority_setup import decided

NEW_YEAR = date(2025, 1, 1)


def _codes(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[str, str | None]]:
    return [(p.code, p.where) for p in exc.value.problems]


def test_a_fee_change_needs_no_authority_by_default_and_links_the_one_it_cites(
    session: Session,
) -> None:
    place = community_with_units(session, ["100"])
    cid = place.community_id
    item_id = item(session, place, ChargeKind.PER_AREA_MONTH, "1.50")  # no authority: accepted
    assert authority.is_required(session, cid, MatterKind.FEE_CHANGE) is False
    assert billing.rate_authorities(session, cid, item_id) == {}

    cited = decided(session, cid, fee_change_matter("fee", NEW_YEAR))
    row = billing.set_rate(
        session, cid, item_id, rate=Fen(180), effective_from=NEW_YEAR, actor="t", authority=cited
    )
    assert authorised_by(session, cid, fee_change_matter("fee", NEW_YEAR)) == cited
    assert billing.rate_authorities(session, cid, item_id) == {row.id: cited}


def test_a_wrong_authority_is_refused_even_where_none_is_required(session: Session) -> None:
    place = community_with_units(session, ["100"])
    cid = place.community_id
    item_id = item(session, place, ChargeKind.PER_AREA_MONTH, "1.50")
    other_day = decided(session, cid, fee_change_matter("fee", date(2025, 7, 1)))
    with pytest.raises(Invalid) as refused:
        billing.set_rate(
            session, cid, item_id, rate=Fen(180), effective_from=NEW_YEAR, actor="t",
            authority=other_day,
        )  # fmt: skip
    assert _codes(refused) == [("other_matter", "authority")]
    rejected = decided(session, cid, fee_change_matter("fee", NEW_YEAR), adopted=False)
    with pytest.raises(Invalid) as refused:
        billing.set_rate(
            session, cid, item_id, rate=Fen(180), effective_from=NEW_YEAR, actor="t",
            authority=rejected,
        )  # fmt: skip
    assert _codes(refused) == [("not_adopted", "authority")]
    with pytest.raises(Invalid) as refused:
        billing.set_rate(
            session, cid, item_id, rate=Fen(180), effective_from=NEW_YEAR, actor="t",
            authority="decision:999",
        )  # fmt: skip
    assert _codes(refused) == [("no_decision", "authority")]
    assert len(billing.rates_of(session, cid, item_id)) == 1  # nothing was set


def test_switched_on_a_fee_change_without_authority_is_refused(session: Session) -> None:
    place = community_with_units(session, ["100"])
    cid = place.community_id
    item_id = item(session, place, ChargeKind.PER_AREA_MONTH, "1.50")
    authority.set_requirement(session, cid, MatterKind.FEE_CHANGE, required=True, actor_id=None)
    with pytest.raises(Invalid) as refused:
        billing.set_rate(session, cid, item_id, rate=Fen(180), effective_from=NEW_YEAR, actor="t")
    assert _codes(refused) == [("decision_required", "authority")]
    cited = decided(session, cid, fee_change_matter("fee", NEW_YEAR))
    billing.set_rate(
        session, cid, item_id, rate=Fen(180), effective_from=NEW_YEAR, actor="t", authority=cited
    )
    assert [r.rate_fen for r in billing.rates_of(session, cid, item_id)] == [Fen(150), Fen(180)]


def test_the_page_and_the_api_take_the_authority_and_show_it_where_rates_are_listed(
    client: TestClient, session: Session
) -> None:
    place = community_with_units(session, ["100"])
    cid, code = place.community_id, place.community.code
    item_id = item(session, place, ChargeKind.PER_AREA_MONTH, "1.50")
    authority.set_requirement(session, cid, MatterKind.FEE_CHANGE, required=True, actor_id=None)
    manager = make_user(session, community=place.community, role=Role.TRUSTEE_MANAGER)
    log_in(client, session, manager)
    path = f"/c/{code}/billing/items/{item_id}/rates"
    form = {"csrf_token": "test-csrf-token", "rate": "1.80", "effective_from": "2025-01-01"}
    refused = client.post(path, data=form)
    assert refused.status_code == 422
    assert "decision:N" in refused.text

    cited = decided(session, cid, fee_change_matter("fee", NEW_YEAR))
    done = client.post(path, data={**form, "authority": cited}, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get(f"/c/{code}/billing")
    number = cited.removeprefix("decision:")
    assert f'href="/c/{code}/decisions/{number}">{cited}</a>' in page.text
    assert 'name="authority"' in page.text

    api = f"/api/v1/communities/{code}/billing/items"
    later = decided(session, cid, fee_change_matter("fee", date(2025, 7, 1)))
    body = client.post(
        f"{api}/{item_id}/rates",
        json={"rate": "2.00", "effective_from": "2025-07-01", "authority": later},
    )
    assert body.status_code == 201, body.text
    assert [r["authority"] for r in body.json()["rates"]] == [None, cited, later]
    [listed] = client.get(api).json()
    assert [r["authority"] for r in listed["rates"]] == [None, cited, later]


def test_the_command_takes_the_authority_and_lists_it_with_the_rates(cli_database: Engine) -> None:
    with Session(cli_database) as session:
        place = community_with_units(session, ["100"])
        code, cid = place.community.code, place.community_id
        item(session, place, ChargeKind.PER_AREA_MONTH, "1.50")
        authority.set_requirement(session, cid, MatterKind.FEE_CHANGE, required=True, actor_id=None)
        cited = decided(session, cid, fee_change_matter("fee", NEW_YEAR))
        session.commit()
    runner = CliRunner()
    rate = ["billing", "rate", code, "--item", "fee", "--rate", "1.80", "--from", "2025-01-01"]
    refused = runner.invoke(app, rate)
    assert isinstance(refused.exception, Invalid)
    done = runner.invoke(app, [*rate, "--authority", cited])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["billing", "items", code])
    assert f"{cited})" in listed.output  # the table wraps the rates' column
