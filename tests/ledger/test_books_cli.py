"""`sunshine ledger accounts|add-account|terms|remuneration|close` on a file database.

Closing names who acts: a manager asks, a committee member countersigns (as on the page).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.infra.authority import month_close_matter
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service
from tests.factories import make_community
from tests.governance.authority_setup import decided
from tests.ledger.builders import draft

runner = CliRunner()


def _books(engine: Engine) -> int:
    with Session(engine) as session:
        community = make_community(session, code="jc")
        service.open_chart(session, community.id, on=date(2024, 9, 1))
        session.commit()
        return community.id


def test_the_chart_is_listed_and_extended_under_a_parent(cli_database: Engine) -> None:
    _books(cli_database)
    listed = runner.invoke(app, ["ledger", "accounts", "-c", "jc"])
    assert listed.exit_code == 0, listed.output
    assert "1001" in listed.output
    assert "信托资金银行存款" in listed.output
    added = runner.invoke(
        app,
        [
            "ledger", "add-account", "-c", "jc", "--code", "660201", "--name-zh", "电梯维保",
            "--name-en", "Lift upkeep", "--category", "common_upkeep", "--parent", "6602",
            "--on", "2024-09-01",
        ],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "660201" in runner.invoke(app, ["ledger", "accounts", "-c", "jc"]).output
    wrong = runner.invoke(
        app,
        [
            "ledger", "add-account", "-c", "jc", "--code", "660202", "--name-zh", "错类",
            "--name-en", "Wrong", "--category", "cleaning", "--parent", "6602",
        ],
    )  # fmt: skip
    assert isinstance(wrong.exception, Invalid)  # a sub-account keeps its parent's category


def test_the_remuneration_is_booked_from_the_terms_once_and_a_closed_month_takes_nothing(
    cli_database: Engine,
) -> None:
    community_id = _books(cli_database)
    set_terms = runner.invoke(
        app,
        [
            "ledger", "terms", "-c", "jc", "--from", "2024-10", "--fixed", "3000.00",
            "--contract", "信托合同第五条",
        ],
    )  # fmt: skip
    assert set_terms.exit_code == 0, set_terms.output
    booked = runner.invoke(app, ["ledger", "remuneration", "-c", "jc", "--period", "2024-10"])
    assert booked.exit_code == 0, booked.output
    assert "3,000.00" in booked.output
    again = runner.invoke(app, ["ledger", "remuneration", "-c", "jc", "--period", "2024-10"])
    assert isinstance(again.exception, Conflict)
    with Session(cli_database) as session:
        spending = service.income_and_spending(
            session, community_id, first=Period(2024, 10), last=Period(2024, 10)
        )
        assert spending.spending_total == Fen.parse("3000.00")

    with Session(cli_database) as session:
        for name, role in (("jc-manager", Role.TRUSTEE_MANAGER), ("jc-member", Role.COMMITTEE)):
            user = identity.add_user(session, display_name=name, phone=None, username=name,
                                     password="correct horse battery")  # fmt: skip
            identity.grant_role(session, user_id=user.id, community_id=community_id, role=role)
        october = month_close_matter(Period(2024, 10))
        cited = decided(session, community_id, october, on=date(2024, 11, 2))
        session.commit()
    close = ["ledger", "close", "-c", "jc", "--period", "2024-10"]
    assert runner.invoke(app, close).exit_code == 2  # nobody named
    asked = runner.invoke(app, [*close, "--requested-by", "jc-manager"])
    assert asked.exit_code == 0, asked.output
    assert not service_is_closed(cli_database, community_id)
    own = runner.invoke(app, [*close, "--countersigned-by", "jc-manager"])
    assert isinstance(own.exception, Forbidden)  # a manager is not the committee
    alone = runner.invoke(app, [*close, "--countersigned-by", "jc-member"])
    assert isinstance(alone.exception, Invalid)  # without the committee's decision
    closed = runner.invoke(app, [*close, "--countersigned-by", "jc-member", "--authority", cited])
    assert closed.exit_code == 0, closed.output
    assert closed.output == "已结账至 2024-10\n"
    assert isinstance(runner.invoke(app, [*close, "--countersigned-by", "jc-member"]).exception,
                      NotFound)  # fmt: skip
    late = draft(date(2024, 10, 31), "迟到的水费", ("660801", "1.00"), ("1001", "-1.00"))
    with Session(cli_database) as session, pytest.raises(Invalid) as refused:
        service.post_entry(session, community_id, late, actor_id=None)
    assert "period_closed" in {p.code for p in refused.value.problems}


def service_is_closed(engine: Engine, community_id: int) -> bool:
    with Session(engine) as session:
        return service.is_closed(session, community_id, Period(2024, 10))


def test_terms_need_exactly_one_kind_of_pay(cli_database: Engine) -> None:
    _books(cli_database)
    neither = runner.invoke(app, ["ledger", "terms", "-c", "jc", "--from", "2024-10"])
    assert neither.exit_code == 2
    bad_month = runner.invoke(app, ["ledger", "remuneration", "-c", "jc", "--period", "October"])
    assert isinstance(bad_month.exception, Invalid)  # printed in the deployment's language, exit 2
