"""Spending approvals through the pages and the JSON API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.governance.rules.spending import Choice
from sunshine.governance.service import spending
from sunshine.identity.models import User
from sunshine.infra import clock
from sunshine.kernel.errors import Forbidden
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.governance.spending_setup import budget
from tests.governance.spending_setup import propose
from tests.governance.spending_setup import shop


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    assert user is not None
    return user


def _code(session: Session, cid: int) -> str:
    community = session.get(Community, cid)
    assert community is not None
    return community.code


def test_a_member_approves_on_the_page_and_the_third_approval_decides(
    client: TestClient, session: Session
) -> None:
    s = shop(session)
    number = propose(session, s)
    code = _code(session, s.cid)
    log_in(client, session, _user(session, s.users[0]))
    page = client.get(f"/c/{code}/expenses/{number}")
    assert page.status_code == 200
    assert 'value="approve"' in page.text
    answered = client.post(
        f"/c/{code}/expenses/{number}/answer",
        data={"choice": "approve", "comment": "同意"},
        follow_redirects=False,
    )
    assert answered.status_code == 303, answered.text
    again = client.get(f"/c/{code}/expenses/{number}")
    assert 'value="approve"' not in again.text  # answered once
    assert "同意" in again.text
    for index in (1, 2):
        log_in(client, session, _user(session, s.users[index]))
        client.post(f"/c/{code}/expenses/{number}/answer", data={"choice": "approve"})
    assert spending.get_expense(session, s.cid, number).state.value == "approved"
    listed = client.get(f"/c/{code}/expenses")
    assert listed.status_code == 200
    assert "更换道闸系统" in listed.text


def test_only_committee_members_answer_and_only_the_trustee_proposes(
    client: TestClient, session: Session
) -> None:
    s = shop(session)
    number = propose(session, s)
    code = _code(session, s.cid)
    log_in(client, session, _user(session, s.trustee))
    assert client.get(f"/c/{code}/expenses/new").status_code == 200
    refused = client.post(f"/c/{code}/expenses/{number}/answer", data={"choice": "approve"})
    assert refused.status_code == 403
    log_in(client, session, _user(session, s.users[0]))
    assert client.get(f"/c/{code}/expenses/new").status_code == 403
    refusal = client.post(f"/c/{code}/expenses/{number}/answer", data={"choice": "refuse"})
    assert refusal.status_code == 422  # a refusal says why
    assert spending.approvals_of(session, s.cid, number) == []


def test_the_expense_page_and_api_say_by_how_much_an_expense_is_over_its_line(
    client: TestClient, session: Session
) -> None:
    s = shop(session, limits=False)
    budget(session, s, upkeep="1000.00")
    at = propose(session, s, "1000.00", budget_line="设施维护")  # exactly the line: within
    over = propose(session, s, "1250.00", budget_line="设施维护")
    code = _code(session, s.cid)
    log_in(client, session, _user(session, s.users[0]))
    within = client.get(f"/c/{code}/expenses/{at}").text
    page = client.get(f"/c/{code}/expenses/{over}").text
    assert "预算内" in within
    assert 'id="over-budget"' not in within
    assert "超预算" in page
    assert "超出该预算项本年度批准金额 ¥250.00" in page
    api = client.get(f"/api/v1/communities/{code}/governance/expenses/{over}").json()
    assert (api["budget"], api["over_budget_fen"]) == ("over", 25000)


def test_the_trustee_proposes_with_a_quote_on_the_page(
    client: TestClient, session: Session
) -> None:
    s = shop(session)
    code = _code(session, s.cid)
    log_in(client, session, _user(session, s.trustee))
    posted = client.post(
        f"/c/{code}/expenses",
        data={"title": "更换监控硬盘", "amount": "3600.00", "account": "6602",
              "payee": "常州市安视监控工程有限公司", "proposed_on": "2026-11-02"},
        files={"vouchers": ("quote.pdf", b"%PDF-1.4 a quote", "application/pdf")},
        follow_redirects=False,
    )  # fmt: skip
    assert posted.status_code == 303, posted.text
    [expense] = spending.list_expenses(session, s.cid)
    assert (expense.amount.value, expense.need.value) == (360000, "committee")
    assert len(expense.voucher_list) == 1


def test_the_api_answers_and_refuses_the_proposer(client: TestClient, session: Session) -> None:
    s = shop(session)
    number = propose(session, s)
    code = _code(session, s.cid)
    base = f"/api/v1/communities/{code}/governance"
    log_in(client, session, _user(session, s.users[1]))
    answered = client.post(
        f"{base}/expenses/{number}/answers", json={"choice": "approve", "comment": "ok"}
    )
    assert answered.status_code == 200, answered.text
    [answer] = answered.json()["answers"]
    assert answer["answered_on"] == clock.today().isoformat()  # given today, entered now
    del answer["answered_on"], answer["entered_at"]
    assert answer == {"member": s.members[1], "choice": "approve", "comment": "ok"}
    [limits] = client.get(f"{base}/spending-limits").json()
    assert limits["approvals_needed"] == 3
    log_in(client, session, _user(session, s.trustee))
    created = client.post(
        f"{base}/expenses",
        json={"title": "路面修补", "amount": "2500.00", "account": "6602", "payee": "某公司",
              "proposed_on": "2026-11-02"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "proposed"
    paid = client.post(f"{base}/expenses/{number}/payment", json={"booked_on": "2026-11-20"})
    assert paid.status_code == 409  # not approved yet


def test_the_cli_proposes_answers_and_pays(cli_database: Engine, tmp_path: Path) -> None:
    with Session(cli_database) as session:
        s = shop(session)
        code = _code(session, s.cid)
        members = [_user(session, u).username or "" for u in s.users]
        trustee = _user(session, s.trustee).username or ""
        session.commit()
    quote = tmp_path / "quote.pdf"
    quote.write_bytes(b"%PDF-1.4 the gate's quote")
    run = CliRunner().invoke
    made = run(app, ["governance", "expense", "propose", code, "更换道闸系统", "--amount",
                     "4100.00", "--account", "6602", "--payee", "常州道闸设备工程有限公司",
                     "--quote", str(quote), "--on", "2026-11-02", "--by", trustee])  # fmt: skip
    assert made.exit_code == 0, made.output
    own = run(app, ["governance", "expense", "answer", code, "1", trustee, "approve"])
    assert isinstance(own.exception, Forbidden)  # not a member (and the proposer)
    for member in members[:3]:
        answered = run(app, ["governance", "expense", "answer", code, "1", member, "approve",
                             "--on", "2026-11-03"])  # fmt: skip
        assert answered.exit_code == 0, answered.output
    paid = run(app, ["governance", "expense", "pay", code, "1", "--on", "2026-11-20"])
    assert paid.exit_code == 0, paid.output
    shown = run(app, ["governance", "expense", "show", code, "1"])
    assert "approved" in shown.output
    assert "entry" in shown.output


def test_the_ledgers_api_refuses_spending_above_the_limit_naming_the_rule(
    client: TestClient, session: Session
) -> None:
    s = shop(session)
    code = _code(session, s.cid)
    log_in(client, session, _user(session, s.trustee))
    url = f"/api/v1/communities/{code}/ledger/entries"

    def book(amount: str) -> int:
        body = {
            "booked_on": "2026-11-20",
            "narration": "维修",
            "postings": [
                {"account": "6602", "amount": amount},
                {"account": "1001", "amount": f"-{amount}"},
            ],
        }
        response = client.post(url, json=body)
        if response.status_code == 422:
            assert "expense_not_approved" in response.text
            assert "由受托人自行承担" in response.text  # LAW.md 2, in Chinese first
        return response.status_code

    assert book("2000.01") == 422
    assert book("2000.00") == 201


def test_an_answer_given_on_paper_shows_its_day_and_when_it_was_entered(
    client: TestClient, session: Session
) -> None:
    s = shop(session)
    number = propose(session, s)
    given = date(2026, 11, 3)  # collected at a meeting, entered weeks later
    spending.decide_expense(
        session, s.cid, number, user_id=s.users[0], choice=Choice.APPROVE, on=given
    )
    spending.decide_expense(session, s.cid, number, user_id=s.users[1], choice=Choice.APPROVE)
    code = _code(session, s.cid)
    log_in(client, session, _user(session, s.users[2]))
    page = client.get(f"/c/{code}/expenses/{number}")
    answers = page.text.split('id="answers"', 1)[1].split("</ul>", 1)[0]
    first, second = answers.split("<li>")[1:]
    assert "2026年11月3日" in first
    assert "录入" in first  # entered today, not on the day it was given
    assert "录入" not in second  # given and entered today
    api = client.get(f"/api/v1/communities/{code}/governance/expenses/{number}").json()
    assert [a["answered_on"] for a in api["answers"]] == [
        "2026-11-03",
        clock.today().isoformat(),
    ]
