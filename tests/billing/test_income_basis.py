"""Income on billing or on collection (收付实现制), on both databases.

One story for both bases: two units billed for September, a partial payment, an
overpayment whose prepayment October's run uses, then a refund. At every step the income
account, the receivable, 2205 (billed, not yet collected) and the trial balance are what
the basis says: on billing, income is what was billed; on collection, income is exactly
what was paid of the bills, and 2205 mirrors the receivable.
"""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.income import IncomeBasis
from sunshine.billing.service import terms
from sunshine.entrypoints.cli import app
from sunshine.identity.rules import Role
from sunshine.kernel.errors import Conflict
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import balance
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.billing.builders import pay
from tests.factories import log_in
from tests.factories import make_user

OCT = Period(2024, 10)
ZH = {"Accept-Language": "zh-CN"}
runner = CliRunner()
ACCOUNTS = ("6001", "1122", "2205", "2203")


def _books(session: Session, place: Place) -> tuple[int, ...]:
    """(income, receivable, 2205, prepayments) in fen; the trial balance must balance."""
    assert ledger.trial_balance(session, place.community_id, upto_period=OCT).balanced
    codes = ledger.accounts_by_code(session, place.community_id)
    return tuple(balance(session, place, c).value if c in codes else 0 for c in ACCOUNTS)


def _community(session: Session, basis: IncomeBasis) -> tuple[Place, int]:
    place = community_with_units(session, ["100.00", "100.00"])
    terms.set_terms(session, place.community_id, late_fee_bp=0, income_on=basis)
    return place, item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")  # 100.00 a month


# (income, receivable, 2205, prepayments) after each step, per basis
STEPS = {
    IncomeBasis.BILLED: [
        (-20000, 20000, 0, 0),  # September billed: 2 x 100.00
        (-20000, 14000, 0, 0),  # unit 1 pays 60.00 of its bill
        (-20000, 4000, 0, -15000),  # unit 2 pays 250.00: its bill and 150.00 ahead
        (-40000, 14000, 0, -5000),  # October billed; unit 2's prepayment pays its bill
        (-40000, 20000, 0, -5000),  # unit 1's 60.00 refunded
    ],
    IncomeBasis.COLLECTED: [
        (0, 20000, -20000, 0),
        (-6000, 14000, -14000, 0),
        (-16000, 4000, -4000, -15000),
        (-26000, 14000, -14000, -5000),
        (-20000, 20000, -20000, -5000),
    ],
}


@pytest.mark.parametrize("basis", list(IncomeBasis))
def test_income_receivable_and_2205_on_each_basis(session: Session, basis: IncomeBasis) -> None:
    place, fee = _community(session, basis)
    first, second = place.units
    seen = []
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    seen.append(_books(session, place))
    partial = pay(session, place, first, "60.00")
    seen.append(_books(session, place))
    pay(session, place, second, "250.00", method="transfer")
    seen.append(_books(session, place))
    _, run = billing.post_run(session, place.community_id, fee, OCT, actor="m")
    assert run is not None
    assert run.prepaid_fen == Fen(10000)
    seen.append(_books(session, place))
    billing.refund_payment(
        session, place.community_id, partial.id, reason="退", on=date(2024, 10, 9)
    )
    seen.append(_books(session, place))
    assert seen == STEPS[basis]


def test_on_collection_each_bill_pays_into_its_own_items_income(session: Session) -> None:
    place, fee = _community(session, IncomeBasis.COLLECTED)
    garbage = item(
        session, place, ChargeKind.PER_HOUSEHOLD_YEAR, "100.00", code="garbage", account="6004"
    )
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    billing.post_run(session, place.community_id, garbage, Period(2024, 1), actor="m")
    payment = pay(session, place, place.units[0], "150.00")  # garbage (January) first, then fee
    entry = ledger.get_entry(session, place.community_id, payment.entry_id)
    legs = sorted(
        (p.account_code, p.amount.value) for p in ledger.draft_of(session, entry).postings
    )
    assert legs == [("1002", 15000), ("1122", -15000), ("2205", 15000), ("6001", -5000),
                    ("6004", -10000)]  # fmt: skip
    assert balance(session, place, "6004") == Fen(-10000)
    assert balance(session, place, "2205") == Fen(-25000)  # 400.00 billed less 150.00 paid


def test_the_basis_is_fixed_once_the_community_has_bills(session: Session) -> None:
    place, fee = _community(session, IncomeBasis.BILLED)
    assert ledger.find_account(session, place.community_id, "2205") is None  # not needed
    terms.set_terms(session, place.community_id, late_fee_bp=0, income_on=IncomeBasis.COLLECTED)
    assert ledger.get_account(session, place.community_id, "2205").opened_on == date(2024, 1, 1)
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    with pytest.raises(Conflict):
        terms.set_terms(session, place.community_id, late_fee_bp=0, income_on=IncomeBasis.BILLED)
    # The same basis again, or none given, records the rest of the terms as before.
    terms.set_terms(session, place.community_id, late_fee_bp=0, income_on=IncomeBasis.COLLECTED)
    terms.set_terms(session, place.community_id, late_fee_bp=0, public_rooms=True)
    assert terms.income_basis(session, place.community_id) is IncomeBasis.COLLECTED
    assert terms.terms_of(session, place.community_id).public_rooms


def test_the_manager_sets_the_basis_by_the_api_and_the_page_until_the_first_bill(
    client: TestClient, session: Session
) -> None:
    place = community_with_units(session, ["100.00"])
    code = place.community.code
    log_in(
        client, session, make_user(session, community=place.community, role=Role.TRUSTEE_MANAGER)
    )
    api = f"/api/v1/communities/{code}/billing/terms"
    assert client.get(api).json()["income_on"] == "billed"
    put = client.put(api, json={"income_on": "collected"})
    assert put.status_code == 200, put.text
    assert put.json()["income_on"] == "collected"
    assert "收款时（收付实现制）" in client.get(f"/c/{code}/billing/terms", headers=ZH).text
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    session.commit()

    refused = client.put(api, json={"income_on": "billed"}, headers=ZH)
    assert refused.status_code == 409
    assert "收入确认方式" in refused.text
    page = client.post(f"/c/{code}/billing/terms", data={"income_on": "billed"}, headers=ZH)
    assert page.status_code == 409
    assert "不能再更改" in page.text
    assert client.put(api, json={"public_rooms": True}).json()["income_on"] == "collected"


def test_the_cli_sets_the_basis_and_refuses_a_change_once_billed(cli_database: Engine) -> None:
    with Session(cli_database) as session:
        place = community_with_units(session, ["100.00"])
        code = place.community.code
        session.commit()
    done = runner.invoke(app, ["billing", "terms", code, "--income-on", "collected"])
    assert done.exit_code == 0, done.output
    assert "收款时（收付实现制） collected" in done.output
    with Session(cli_database) as session:
        fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
        billing.post_run(session, place.community_id, fee, SEPT, actor="m")
        session.commit()
    refused = runner.invoke(app, ["billing", "terms", code, "--income-on", "billed"])
    assert isinstance(refused.exception, Conflict)  # main() prints it and exits with 2
