"""The budget through its services, on SQLite and PostgreSQL: 荆川东园's year from 2024-09.

Worked examples in yuan: a budget drafted, opened, commented on, approved and revised;
budget vs actual against the October 2024 books of the paper notice; the projection;
the notice's section; and attacks on the tables that bypass Python.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.rules import levers as lever_rules
from sunshine.disclosure.rules.budget import BudgetState
from sunshine.disclosure.rules.budget import LineDraft
from sunshine.disclosure.rules.budget import LineKind
from sunshine.disclosure.service import budget_actuals
from sunshine.disclosure.service import budgets
from sunshine.disclosure.service import levers
from sunshine.disclosure.service.budget_log import LOG_KIND
from sunshine.disclosure.service.budgets import PublicComment
from sunshine.identity.rules import Role
from sunshine.infra import authority
from sunshine.infra.authority import budget_matter
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import CellKind
from sunshine.ledger import service as ledger
from sunshine.transparency import service as log
from tests.factories import make_unit
from tests.factories import make_user
from tests.governance.authority_setup import decided
from tests.ledger.books_support import PNG
from tests.ledger.books_support import Setting
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books
from tests.ledger.builders import draft

SEPT = Period(2024, 9)
OCT = Period(2024, 10)
INCOME, SPENDING = LineKind.INCOME, LineKind.SPENDING
LINES = (
    LineDraft("车位租金", "Parking rent", INCOME, Fen.yuan(86_400), ("6002",)),
    LineDraft("人员工资", "Wages", SPENDING, Fen.yuan(63_600), ("6601",)),
    LineDraft("公共水电", "Utilities", SPENDING, Fen.yuan(3_000), ("6608",)),
    LineDraft("设施维护", "Upkeep", SPENDING, Fen.yuan(18_100), ("6602",)),
)


def draft_budget(session: Session, setting: Setting) -> Budget:
    return budgets.create_budget(
        session,
        setting.community.id,
        first=SEPT,
        title="2024—2025 年度预算",
        lines=LINES,
        actor_id=setting.staff.id,
    )


def decision(session: Session, setting: Setting) -> str:
    voucher = ledger.store_voucher(
        session, setting.community.id, PNG, name="决定.png", actor_id=setting.staff.id
    )
    return voucher.sha256


def cite(session: Session, community_id: int, version: int = 1) -> str:
    """The committee's decision approving version `version` of the 2024 budget: decision:N."""
    return decided(session, community_id, budget_matter(SEPT.year, version))


def approved_budget(session: Session, setting: Setting) -> Budget:
    budget = draft_budget(session, setting)
    cid = setting.community.id
    budgets.open_for_comments(session, cid, budget.id, actor_id=setting.staff.id)
    sha = decision(session, setting)
    return budgets.approve_budget(
        session,
        cid,
        budget.id,
        decision_sha256=sha,
        actor_id=setting.staff.id,
        authority=cite(session, cid),
    )


def test_a_budget_goes_from_draft_to_open_to_approved_to_revised_and_keeps_every_version(
    session: Session,
) -> None:
    setting = community_with_books(session)
    cid = setting.community.id
    budget = draft_budget(session, setting)
    assert (budget.state, budget.version) == (BudgetState.DRAFT, 1)

    budgets.set_lines(session, cid, budget.id, LINES[:3], actor_id=setting.staff.id)
    budgets.open_for_comments(session, cid, budget.id, actor_id=setting.staff.id)
    budgets.comment_on_line(
        session, cid, budget.id, line_number=3, body="水电费能否节约？", actor_id=setting.owner.id
    )
    sha = decision(session, setting)
    with pytest.raises(Invalid):  # one member alone approves nothing: the committee decides
        budgets.approve_budget(
            session, cid, budget.id, decision_sha256=sha, actor_id=setting.staff.id
        )
    with pytest.raises(Invalid):  # the committee's decision about another version
        budgets.approve_budget(
            session,
            cid,
            budget.id,
            decision_sha256=sha,
            actor_id=setting.staff.id,
            authority=cite(session, cid, version=2),
        )
    approval = cite(session, cid)
    budgets.approve_budget(
        session, cid, budget.id, decision_sha256=sha, actor_id=setting.staff.id, authority=approval
    )
    assert authority.authorised_by(session, cid, budget_matter(2024, 1)) == approval
    with pytest.raises(Invalid):  # a change to what was approved needs its decision
        budgets.revise_budget(
            session,
            cid,
            budget.id,
            LINES,
            reason="增列道闸更换",
            decision_sha256="",
            actor_id=setting.staff.id,
        )
    revision = ledger.store_voucher(
        session, cid, PNG + b"revision", name="调整决定.png", actor_id=setting.staff.id
    ).sha256
    with pytest.raises(Invalid):  # and its committee decision
        budgets.revise_budget(
            session,
            cid,
            budget.id,
            LINES,
            reason="增列道闸更换",
            decision_sha256=revision,
            actor_id=setting.staff.id,
        )
    budgets.revise_budget(
        session,
        cid,
        budget.id,
        LINES,
        reason="增列道闸更换",
        decision_sha256=revision,
        actor_id=setting.staff.id,
        authority=cite(session, cid, version=2),
    )

    assert (budget.state, budget.version) == (BudgetState.REVISED, 2)
    assert budgets.lines_of(session, cid, budget.id, version=1) == list(LINES[:3])
    assert budgets.lines_of(session, cid, budget.id) == list(LINES)
    history = budgets.decisions_of(session, cid, budget.id)
    assert [(d.version, d.reason, d.decision_sha256) for d in history] == [
        (1, "", sha),
        (2, "增列道闸更换", revision),
    ]
    assert budgets.find_budget_for(session, cid, Period(2025, 8)) is budget
    logged = log.find_record(session, cid, kind=LOG_KIND, ref=f"{budget.id}/v2")
    assert logged is not None
    record = json.loads(logged.body)
    assert (record["reason"], record["decision_sha256"]) == ("增列道闸更换", revision)
    assert [line["amount_fen"] for line in record["lines"]] == [x.amount.value for x in LINES]
    first = log.find_record(session, cid, kind=LOG_KIND, ref=f"{budget.id}/v1")
    assert first is not None
    assert json.loads(first.body)["decision_sha256"] == sha
    assert budgets.find_budget_for(session, cid, Period(2025, 9)) is None


@pytest.mark.parametrize("step", ["edit", "comment", "approve", "revise"])
def test_a_step_out_of_turn_is_a_conflict_and_changes_nothing(session: Session, step: str) -> None:
    setting = community_with_books(session)
    cid = setting.community.id
    budget = draft_budget(session, setting)
    if step == "edit":
        budgets.open_for_comments(session, cid, budget.id, actor_id=setting.staff.id)
    calls: dict[str, Callable[[], object]] = {
        "edit": lambda: budgets.set_lines(session, cid, budget.id, LINES, actor_id=None),
        "comment": lambda: budgets.comment_on_line(
            session, cid, budget.id, line_number=1, body="意见", actor_id=setting.owner.id
        ),
        "approve": lambda: budgets.approve_budget(
            session, cid, budget.id, decision_sha256=decision(session, setting), actor_id=None
        ),
        "revise": lambda: budgets.revise_budget(
            session,
            cid,
            budget.id,
            LINES,
            reason="调整",
            decision_sha256=decision(session, setting),
            actor_id=None,
        ),
    }
    state = budget.state

    with pytest.raises(Conflict) as caught:
        calls[step]()

    assert caught.value.problems[0].code == "budget_state"
    assert budget.state is state
    assert budgets.decisions_of(session, cid, budget.id) == []


def test_bad_lines_are_refused_with_every_problem_and_no_budget_is_written(
    session: Session,
) -> None:
    setting = community_with_books(session)
    bad = (
        LineDraft("车位租金", "Parking rent", INCOME, Fen.yuan(1), ("6601",)),
        LineDraft("", "", SPENDING, Fen.yuan(1), ("9999",)),
    )

    with pytest.raises(Invalid) as caught:
        budgets.create_budget(
            session, setting.community.id, first=SEPT, title="预算", lines=bad, actor_id=None
        )

    assert [(p.code, p.where) for p in caught.value.problems] == [
        ("wrong_kind", "line 1"),
        ("name_empty", "line 2"),
        ("unknown_account", "line 2"),
    ]
    assert budgets.list_budgets(session, setting.community.id) == []


def test_two_budgets_may_not_cover_the_same_month(session: Session) -> None:
    setting = community_with_books(session)
    draft_budget(session, setting)
    with pytest.raises(Conflict, match="2024-09"):
        budgets.create_budget(
            session, setting.community.id, first=Period(2025, 3), title="另一个", actor_id=None
        )
    later = budgets.create_budget(
        session, setting.community.id, first=Period(2025, 9), title="下一年", actor_id=None
    )
    assert later.first == Period(2025, 9)


def test_approval_needs_a_decision_document_among_the_vouchers(session: Session) -> None:
    setting = community_with_books(session)
    cid = setting.community.id
    budget = draft_budget(session, setting)
    budgets.open_for_comments(session, cid, budget.id, actor_id=None)

    with pytest.raises(Invalid) as caught:
        budgets.approve_budget(session, cid, budget.id, decision_sha256="ab" * 32, actor_id=None)

    assert caught.value.problems[0].code == "no_document"
    assert budget.state is BudgetState.OPEN


def test_comments_are_listed_without_their_author(session: Session) -> None:
    setting = community_with_books(session)
    cid = setting.community.id
    budget = draft_budget(session, setting)
    budgets.open_for_comments(session, cid, budget.id, actor_id=None)
    other = make_user(session, community=setting.community, role=Role.OWNER)
    budgets.comment_on_line(
        session, cid, budget.id, line_number=2, body="工资是否含社保？", actor_id=setting.owner.id
    )
    budgets.comment_on_line(
        session, cid, budget.id, line_number=4, body="请公示道闸报价。", actor_id=other.id
    )

    seen = budgets.list_comments(session, cid, budget.id, viewer_id=setting.owner.id)

    assert [(c.line_number, c.body, c.mine) for c in seen] == [
        (2, "工资是否含社保？", True),
        (4, "请公示道闸报价。", False),
    ]
    assert {f.name for f in fields(PublicComment)} == {
        "id",
        "version",
        "line_number",
        "body",
        "posted_on",
        "mine",
    }
    with pytest.raises(Invalid) as caught:
        budgets.comment_on_line(
            session, cid, budget.id, line_number=9, body="电话13912345678", actor_id=other.id
        )
    assert [p.code for p in caught.value.problems] == ["text_personal", "no_line"]


def test_budget_vs_actual_for_october_2024(session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    budget = approved_budget(session, setting)

    comparison = budget_actuals.compare_budget(session, budget, first=OCT)

    rows = {row.name_en: row for row in comparison.rows}
    assert rows["Utilities"].actual == Fen.parse("218.58")  # 6608 covers water and power
    assert rows["Utilities"].budget == Fen.yuan(250)
    assert rows["Upkeep"].actual == Fen.yuan(4_100)
    assert rows["Wages"].budget_ytd == Fen.yuan(10_600)
    assert rows["Wages"].actual_ytd == Fen.yuan(5_300)
    assert comparison.total(SPENDING).actual == Fen.parse("9618.58")
    assert comparison.total(INCOME).actual == Fen(0)


def test_the_projection_reads_the_months_ended_before_today(session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    budget = approved_budget(session, setting)

    projection = budget_actuals.project_budget(session, budget, today=date(2024, 11, 20))

    assert projection.elapsed == 2
    rows = {row.name_en: row for row in projection.rows}
    assert rows["Wages"].projected == Fen.yuan(5_300 + 10 * 5_300)
    assert rows["Parking rent"].projected == Fen(0)  # nothing came in: the average is nothing
    assert projection.budget_result == Fen.yuan(86_400 - 63_600 - 3_000 - 18_100)


def test_the_notice_section_is_the_budget_vs_actual_table_in_fen(session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    cid = setting.community.id
    assert budget_actuals.budget_section(session, cid, OCT, OCT) is None  # no budget yet
    budget = draft_budget(session, setting)
    assert budget_actuals.budget_section(session, cid, OCT, OCT) is None  # a draft binds nobody
    budgets.open_for_comments(session, cid, budget.id, actor_id=None)
    budgets.approve_budget(
        session,
        cid,
        budget.id,
        decision_sha256=decision(session, setting),
        actor_id=None,
        authority=cite(session, cid),
    )

    section = budget_actuals.budget_section(session, cid, OCT, OCT)

    assert section is not None
    assert section.key == "budget"
    assert [c.key for c in section.columns] == [
        "line",
        "budget",
        "actual",
        "budget_ytd",
        "actual_ytd",
        "line_en",
    ]
    assert [c.kind for c in section.columns[1:5]] == [CellKind.FEN] * 4
    # The line's name once per language, so a reader sees one: no "车位租金 Parking rent".
    assert [c.lang for c in section.columns] == ["zh", "", "", "", "", "en"]
    assert section.rows[0] == ("车位租金", 720_000, 0, 1_440_000, 0, "Parking rent")
    assert section.rows[-1] == ("支出合计", 705_834, 961_858, 1_411_668, 961_858, "Total spending")
    assert "2024-09 至 2025-08" in section.note_zh
    assert section.as_record()["rows"] == [list(row) for row in section.rows]
    assert budget_actuals.budget_section(session, cid, Period(2025, 9), Period(2025, 9)) is None


def test_closing_the_gap_uses_the_projection_and_the_registry(session: Session) -> None:
    setting = community_with_books(session)
    make_unit(session, setting.community, number="1-1-101")
    make_unit(session, setting.community, number="1-1-102")
    budget = approved_budget(session, setting)
    assert levers.households(session, setting.community.id) == 2
    choice = lever_rules.Levers(advertising=Fen.yuan(500), cut_line=2, cut=Fen.yuan(600))

    projection, gap = levers.close_the_gap(session, budget, choice, today=date(2026, 1, 1))

    assert projection.elapsed == 12
    assert gap.before == projection.projected_result
    assert gap.after == gap.before + Fen.yuan(6_000 + 600)
    assert [v.item for v in gap.votes] == [8]
    with pytest.raises(Invalid) as caught:
        levers.close_the_gap(
            session, budget, lever_rules.Levers(cut_line=1, cut=Fen(1)), today=date(2026, 1, 1)
        )
    assert caught.value.problems[0].code == "cut_line"  # line 1 is income


def test_visitor_charges_replace_only_visitor_income_on_a_mixed_parking_line(
    session: Session,
) -> None:
    setting = community_with_books(session)
    cid = setting.community.id
    lines = (
        LineDraft("停车收入", "Parking", INCOME, Fen.yuan(86_400), ("6002", "6003")),
        *LINES[1:],
    )
    budget = budgets.create_budget(
        session, cid, first=SEPT, title="2024—2025 年度预算", lines=lines, actor_id=None
    )
    budgets.open_for_comments(session, cid, budget.id, actor_id=None)
    budget = budgets.approve_budget(
        session,
        cid,
        budget.id,
        decision_sha256=decision(session, setting),
        actor_id=None,
        authority=cite(session, cid),
    )
    for month in range(12):  # rent 7,200 and visitor parking 100 a month, all year
        day = SEPT.shift(month).first_day
        ledger.post_entry(
            session,
            cid,
            draft(day, "停车收入", ("1001", "7300.00"), ("6002", "-7200.00"), ("6003", "-100.00")),
            actor_id=None,
        )
    choice = lever_rules.Levers(visitor_price=Fen.yuan(5), visitor_visits=100)

    _, gap = levers.close_the_gap(session, budget, choice, today=date(2026, 1, 1))

    # 5 yuan x 100 visits x 12 months = 6,000 replaces the 1,200 visitors paid, not the rent
    assert gap.after - gap.before == Fen.yuan(6_000 - 1_200)


def test_an_unknown_budget_is_not_found(session: Session) -> None:
    setting = community_with_books(session)
    with pytest.raises(NotFound):
        budgets.get_budget(session, setting.community.id, 99)


def test_the_database_keeps_decisions_comments_and_decided_lines_unchanged(
    session: Session,
) -> None:
    setting = community_with_books(session)
    cid = setting.community.id
    budget = draft_budget(session, setting)
    budgets.set_lines(session, cid, budget.id, LINES, actor_id=None)  # a draft's lines may go
    budgets.open_for_comments(session, cid, budget.id, actor_id=None)
    budgets.comment_on_line(
        session, cid, budget.id, line_number=1, body="同意", actor_id=setting.owner.id
    )
    budgets.approve_budget(
        session,
        cid,
        budget.id,
        decision_sha256=decision(session, setting),
        actor_id=None,
        authority=cite(session, cid),
    )
    session.flush()
    args = {"c": cid}
    attacks = [
        (
            "disclosure_budget_decision is append-only",
            "UPDATE disclosure_budget_decision SET reason = 'x' WHERE community_id = :c",
        ),
        (
            "disclosure_budget_decision is append-only",
            "DELETE FROM disclosure_budget_decision WHERE community_id = :c",
        ),
        (
            "disclosure_budget_comment is append-only",
            "UPDATE disclosure_budget_comment SET body = 'x' WHERE community_id = :c",
        ),
        (
            "disclosure_budget_comment is append-only",
            "DELETE FROM disclosure_budget_comment WHERE community_id = :c",
        ),
        (
            "never change",
            "UPDATE disclosure_budget_line SET amount_fen = 1 WHERE community_id = :c",
        ),
        (
            "never change",
            "DELETE FROM disclosure_budget_line WHERE community_id = :c AND number = 4",
        ),
    ]
    for message, statement in attacks:
        with pytest.raises(DBAPIError, match=message), session.begin_nested():
            session.execute(text(statement), args)
    amounts = session.scalars(
        text("SELECT amount_fen FROM disclosure_budget_line WHERE community_id = :c"), args
    ).all()
    assert sorted(amounts) == sorted(line.amount.value for line in LINES)
    assert (
        session.scalar(select(Budget.state).where(Budget.community_id == cid))
        is BudgetState.APPROVED
    )
