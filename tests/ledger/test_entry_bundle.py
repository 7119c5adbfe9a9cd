"""Issue 3's "done means", end to end on a file database, through the commands an owner and
the platform run: an entry's bundle verifies; editing its amount in the database behind
the app's back makes `sunshine audit` name it and a fresh bundle of it fail to verify.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.identity.rules import Role
from sunshine.kernel.errors import NotFound
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.transparency import service as log
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.builders import draft

runner = CliRunner()


def community_origin(code: str) -> str:
    return f"sunshine/{code}"


def _books_with_the_water_bill(engine: Engine) -> None:
    with Session(engine) as session:
        community = make_community(session, code="jc", name="荆川东园")
        service.open_chart(session, community.id, on=date(2024, 9, 1))
        opening = draft(
            date(2024, 9, 30), "期初信托资金", ("1001", "50000.00"), ("3001", "-50000.00")
        )
        water = draft(
            date(2024, 10, 8),
            "10月公共用水",
            ("660801", "23.58"),
            ("1001", "-23.58"),
            counterparty="常州通用自来水有限公司",
        )
        service.post_entry(session, community.id, opening, actor_id=None)
        service.post_entry(session, community.id, water, actor_id=None)
        session.commit()


def _key() -> str:
    return runner.invoke(app, ["log", "keys", "-c", "jc"]).output.split("  #")[0]


def test_an_entry_bundle_verifies_until_its_amount_is_changed_in_the_database(
    cli_database: Engine, tmp_path: Path
) -> None:
    _books_with_the_water_bill(cli_database)
    first = tmp_path / "entry-2.json"
    made = runner.invoke(app, ["ledger", "bundle", "-c", "jc", "--entry", "2", "--out", str(first)])
    assert made.exit_code == 0, made.output
    key = _key()
    good = runner.invoke(app, ["verify", str(first), "--key", key])
    assert good.exit_code == 0, good.output
    assert "All checks passed." in good.output

    with Session(cli_database) as session:  # behind the app's back: 23.58 becomes 235.80
        session.execute(text("DROP TRIGGER ledger_posting_no_update"))
        session.execute(
            text(
                "UPDATE ledger_posting SET amount_fen = amount_fen * 10 "
                "WHERE community_id = (SELECT id FROM registry_community WHERE code = 'jc') "
                "AND entry_id = 2"
            )
        )
        session.commit()

    audit = runner.invoke(app, ["audit", "--community", "jc"])
    assert audit.exit_code == 1, audit.output
    changed = [line for line in audit.output.splitlines() if "[changed]" in line]
    assert len(changed) == 2  # both legs of the entry
    assert all(line.startswith("  - 凭证 2：数据库中 postings[") for line in changed)

    fresh = tmp_path / "entry-2-again.json"
    again = runner.invoke(
        app, ["ledger", "bundle", "-c", "jc", "--entry", "2", "--out", str(fresh)]
    )
    assert again.exit_code == 0, again.output
    bad = runner.invoke(app, ["verify", str(fresh), "--key", key])
    assert bad.exit_code == 1, bad.output
    assert "Verification FAILED." in bad.output
    # the bundle saved before the change still verifies: the log itself was not touched
    assert runner.invoke(app, ["verify", str(first), "--key", key]).exit_code == 0


def test_the_api_serves_an_entry_bundle_once_a_checkpoint_covers_it(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="jcapi")
    service.open_chart(session, community.id, on=date(2024, 9, 1))
    for day in (8, 9):
        service.post_entry(
            session,
            community.id,
            draft(date(2024, 10, day), "10月公共用水", ("660801", "23.58"), ("1001", "-23.58")),
            actor_id=None,
        )
    owner = make_user(session, community=community, role=Role.OWNER)
    log_in(client, session, owner)
    url = "/api/v1/communities/jcapi/ledger/entries/1/bundle"

    assert client.get(url).status_code == 404  # no checkpoint yet: a GET does not sign one
    log.sign_checkpoint(session, community.id, origin=community_origin(community.code))
    response = client.get(url)

    assert response.status_code == 200, response.text
    [record] = response.json()["records"]
    chart = len(rules.CHART)  # the accounts are logged first
    assert record["index"] == chart
    assert len(record["proof"]) == len(
        log.inclusion_proof(session, community.id, seq=chart, size=chart + 2)
    )
    with pytest.raises(NotFound):
        service.entry_bundle(session, community.id, 9, origin="sunshine/jcapi")
