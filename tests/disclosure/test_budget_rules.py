"""The budget's pure rules: states, lines, phasing, budget vs actual, projection, levers.

No database: each runs in milliseconds. Figures are 荆川东园's, in yuan.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.disclosure.rules import budget as rules
from sunshine.disclosure.rules import budget_figures as figures
from sunshine.disclosure.rules import levers
from sunshine.disclosure.rules.budget import BudgetState
from sunshine.disclosure.rules.budget import LineDraft
from sunshine.disclosure.rules.budget import LineKind
from sunshine.disclosure.rules.budget import Step
from sunshine.disclosure.rules.budget_figures import AccountActual
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

SEPT = Period(2024, 9)
INCOME, SPENDING = LineKind.INCOME, LineKind.SPENDING
KINDS: dict[str, LineKind | None] = {
    "1001": None,
    "6002": INCOME,
    "6003": INCOME,
    "6004": INCOME,
    "6601": SPENDING,
    "6602": SPENDING,
    "6607": SPENDING,
    "6608": SPENDING,
    "660801": SPENDING,
    "660802": SPENDING,
}
PARKING = LineDraft("车位租金", "Parking rent", INCOME, Fen.yuan(86_400), ("6002",))
GARBAGE = LineDraft(
    "生活垃圾清运费", "Garbage fees", INCOME, Fen.yuan(19_200), ("6004",), recurring=False
)
WAGES = LineDraft("人员工资", "Wages", SPENDING, Fen.yuan(63_600), ("6601",))
UTILITIES = LineDraft("公共水电", "Utilities", SPENDING, Fen.yuan(3_000), ("6608",))
INSURANCE = LineDraft("保险", "Insurance", SPENDING, Fen.yuan(3_000), ("6607",), recurring=False)
LINES = (PARKING, GARBAGE, WAGES, UTILITIES, INSURANCE)


def actual(code: str, yuan: str, kind: LineKind = SPENDING) -> AccountActual:
    return AccountActual(code, f"科目{code}", f"Account {code}", kind, Fen.parse(yuan))


# --- states ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "step", "then"),
    [
        (BudgetState.DRAFT, Step.EDIT, BudgetState.DRAFT),
        (BudgetState.DRAFT, Step.OPEN, BudgetState.OPEN),
        (BudgetState.OPEN, Step.COMMENT, BudgetState.OPEN),
        (BudgetState.OPEN, Step.APPROVE, BudgetState.APPROVED),
        (BudgetState.APPROVED, Step.REVISE, BudgetState.REVISED),
        (BudgetState.REVISED, Step.REVISE, BudgetState.REVISED),
    ],
)
def test_the_allowed_steps_lead_where_the_life_cycle_says(
    state: BudgetState, step: Step, then: BudgetState
) -> None:
    assert rules.step_problems(state, step) == []
    assert rules.after(state, step) is then


def test_every_other_step_is_refused_with_a_problem_naming_the_state() -> None:
    allowed = {
        (BudgetState.DRAFT, Step.EDIT),
        (BudgetState.DRAFT, Step.OPEN),
        (BudgetState.OPEN, Step.COMMENT),
        (BudgetState.OPEN, Step.APPROVE),
        (BudgetState.APPROVED, Step.REVISE),
        (BudgetState.REVISED, Step.REVISE),
    }
    for state in BudgetState:
        for step in Step:
            if (state, step) in allowed:
                continue
            [problem] = rules.step_problems(state, step)
            assert problem.code == "budget_state"
            assert problem.args["state"] == str(state)
            with pytest.raises(ValueError, match="not allowed"):
                rules.after(state, step)


def test_only_approved_budgets_are_in_force() -> None:
    assert {s for s in BudgetState if s.in_force} == {BudgetState.APPROVED, BudgetState.REVISED}


# --- lines ----------------------------------------------------------------------------


def test_the_reference_lines_have_no_problems() -> None:
    assert rules.line_problems(LINES, KINDS) == []


def test_bad_lines_get_every_problem_at_once_each_pointing_at_its_line() -> None:
    lines = (
        LineDraft("", "x", INCOME, Fen(-1), ()),
        LineDraft("电费", "Power", SPENDING, Fen.yuan(1), ("660802", "9999", "6002")),
        LineDraft("公共水电", "Utilities", SPENDING, Fen.yuan(1), ("6608",)),
        LineDraft("联系13912345678", "", SPENDING, Fen.yuan(1), ("6602",)),
    )

    problems = rules.line_problems(lines, KINDS)

    assert [(p.code, p.where) for p in problems] == [
        ("name_empty", "line 1"),
        ("amount_bad", "line 1"),
        ("no_accounts", "line 1"),
        ("unknown_account", "line 2"),
        ("wrong_kind", "line 2"),
        ("account_twice", "line 3"),
        ("name_bad", "line 4"),
    ]
    assert problems[4].message == "account {code} is not an expense account"
    assert problems[5].args == {"code": "6608", "other": 2}


def test_a_budget_needs_lines_and_a_title() -> None:
    assert [p.code for p in rules.line_problems((), KINDS)] == ["no_lines"]
    assert [p.code for p in rules.title_problems("  ")] == ["title_empty"]
    assert rules.title_problems("2024—2025 年度预算") == []


def test_a_parent_code_covers_its_sub_accounts() -> None:
    assert UTILITIES.covers("660801")
    assert UTILITIES.covers("6608")
    assert not UTILITIES.covers("6601")


def test_comments_must_be_short_non_empty_and_free_of_phone_numbers() -> None:
    assert rules.text_problems("道闸费用请公示报价", where="body", limit=100) == []
    for text, code in (
        ("  ", "text_empty"),
        ("x" * 101, "text_long"),
        ("电话13912345678", "text_personal"),
    ):
        [problem] = rules.text_problems(text, where="body", limit=100)
        assert problem.code == code


# --- months ---------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_the_twelve_monthly_parts_add_back_to_the_year_and_differ_by_a_fen_at_most(
    value: int,
) -> None:
    parts = rules.monthly(Fen(value))
    assert len(parts) == 12
    assert sum(parts, ZERO) == Fen(value)
    assert max(parts).value - min(parts).value <= 1


@given(st.integers(0, 10**10), st.integers(-15, 15), st.integers(0, 14))
def test_the_budget_of_a_span_is_the_sum_of_its_months_inside_the_year(
    value: int, start: int, length: int
) -> None:
    line = LineDraft("x", "x", SPENDING, Fen(value), ("6601",))
    months = rules.monthly(line.amount)
    inside = [months[i] for i in range(start, start + length + 1) if 0 <= i < 12]
    got = rules.budget_for(line, SEPT, SEPT.shift(start), SEPT.shift(start + length))
    assert got == sum(inside, ZERO)


def test_elapsed_months_count_the_months_ended_before_today() -> None:
    assert rules.elapsed_months(SEPT, date(2024, 8, 31)) == 0
    assert rules.elapsed_months(SEPT, date(2024, 9, 30)) == 0
    assert rules.elapsed_months(SEPT, date(2024, 11, 5)) == 2
    assert rules.elapsed_months(SEPT, date(2025, 9, 1)) == 12
    assert rules.elapsed_months(SEPT, date(2026, 11, 28)) == 12


# --- budget vs actual -----------------------------------------------------------------


def test_october_2024_against_the_budget() -> None:
    """The paper notice's October: water 23.58, power 195, wages 5,300, the gate 4,100."""
    october = [
        actual("6002", "7200.00", INCOME),
        actual("660801", "23.58"),
        actual("660802", "195.00"),
        actual("6601", "5300.00"),
        actual("6602", "4100.00"),
    ]
    september = [actual("6002", "7200.00", INCOME), actual("6601", "5300.00")]

    comparison = figures.compare(
        LINES,
        year_first=SEPT,
        span=(Period(2024, 10), Period(2024, 10)),
        actual=october,
        actual_ytd=october + september,
    )

    by_name = {row.name_en: row for row in comparison.rows}
    assert by_name["Utilities"].actual == Fen.parse("218.58")
    assert by_name["Utilities"].budget == Fen.yuan(250)
    assert by_name["Wages"].budget_ytd == Fen.yuan(10_600)
    assert by_name["Wages"].actual_ytd == Fen.yuan(10_600)
    assert by_name["Parking rent"].variance_ytd == ZERO
    outside = by_name["Account 6602 (not in the budget)"]
    assert (outside.number, outside.budget, outside.actual) == (None, ZERO, Fen.yuan(4_100))
    assert comparison.total(SPENDING).actual == Fen.parse("9618.58")
    assert comparison.total(INCOME).actual_ytd == Fen.yuan(14_400)
    assert [row.kind for row in comparison.rows] == [INCOME] * 2 + [SPENDING] * 4


@given(st.lists(st.tuples(st.sampled_from(sorted(KINDS)), st.integers(1, 10**9)), max_size=12))
def test_every_actual_fen_lands_in_exactly_one_row(movements: list[tuple[str, int]]) -> None:
    actuals = [
        AccountActual(code, code, code, KINDS[code] or SPENDING, Fen(value))
        for code, value in movements
    ]
    comparison = figures.compare(
        LINES, year_first=SEPT, span=(SEPT, SEPT), actual=actuals, actual_ytd=actuals
    )
    total = sum((a.amount for a in actuals), ZERO)
    assert sum((row.actual for row in comparison.rows), ZERO) == total
    assert sum((row.actual_ytd for row in comparison.rows), ZERO) == total


# --- projection -----------------------------------------------------------------------


def test_two_months_in_the_projection_follows_the_stated_method() -> None:
    """Sept and Oct: parking 14,400, the garbage fees 18,240 at once, wages 10,600."""
    to_date = [
        actual("6002", "14400.00", INCOME),
        actual("6004", "18240.00", INCOME),
        actual("6601", "10600.00"),
        actual("6607", "3200.00"),
    ]

    projection = figures.project(LINES, first=SEPT, elapsed=2, actual_to_date=to_date)

    by_name = {row.name_en: row.projected for row in projection.rows}
    assert by_name["Parking rent"] == Fen.yuan(86_400)  # 7,200 a month, as so far
    assert by_name["Garbage fees"] == Fen.yuan(19_200)  # once a year: the budget, the larger
    assert by_name["Wages"] == Fen.yuan(63_600)  # 10,600 + 10 months at 5,300
    assert by_name["Utilities"] == Fen.yuan(2_500)  # nothing yet + 10 months at 250
    assert by_name["Insurance"] == Fen.yuan(3_200)  # once a year: the actual, the larger
    assert projection.through == Period(2024, 10)
    assert projection.budget_result == Fen.yuan(105_600 - 69_600)


def test_a_year_that_has_ended_is_projected_at_its_actual_figures() -> None:
    to_date = [actual("6002", "86400.00", INCOME), actual("6004", "18300.00", INCOME)]
    projection = figures.project(LINES, first=SEPT, elapsed=12, actual_to_date=to_date)
    assert projection.projected_total(INCOME) == Fen.yuan(104_700)
    assert projection.projected_total(SPENDING) == ZERO


def test_before_the_year_starts_the_projection_is_the_budget() -> None:
    projection = figures.project(LINES, first=SEPT, elapsed=0, actual_to_date=[])
    assert projection.projected_result == projection.budget_result
    assert projection.through is None


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(1, 11))
def test_recurring_income_is_projected_at_the_average_of_the_elapsed_months(
    budget: int, so_far: int, elapsed: int
) -> None:
    line = LineDraft("x", "x", INCOME, Fen(budget), ("6002",))
    projected = figures.project_line(line, elapsed=elapsed, actual=Fen(so_far))
    assert abs(projected.value * elapsed - so_far * 12) * 2 <= elapsed  # rounded to the fen


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 12))
def test_recurring_spending_is_the_actual_plus_the_budget_of_the_months_left(
    budget: int, so_far: int, elapsed: int
) -> None:
    line = LineDraft("x", "x", SPENDING, Fen(budget), ("6601",))
    projected = figures.project_line(line, elapsed=elapsed, actual=Fen(so_far))
    left = rules.budget_for(line, SEPT, SEPT.shift(elapsed), SEPT.shift(11))
    assert projected == Fen(so_far) + (left if elapsed < 12 else ZERO)


# --- levers ---------------------------------------------------------------------------


def test_each_lever_names_the_art_278_item_it_needs() -> None:
    """LAW.md 1: ads on common parts item 8 (3/4); a fee change item 9; a cut within budget none."""
    assert levers.VOTES[levers.Lever.ADVERTISING] == levers.Vote(8)
    assert levers.VOTES[levers.Lever.VISITOR_PARKING] == levers.Vote(8)
    assert levers.VOTES[levers.Lever.FEE_CHANGE] == levers.Vote(9)
    assert levers.VOTES[levers.Lever.REMUNERATION] == levers.Vote(4)
    assert levers.VOTES[levers.Lever.COST_CUT] is None
    assert levers.Vote(8).supermajority
    assert levers.Vote(6).supermajority
    assert not levers.Vote(9).supermajority
    assert not levers.Vote(5).supermajority


def test_closing_jingchuan_dongyuans_gap_of_about_50000() -> None:
    choice = levers.Levers(
        visitor_price=Fen.yuan(5),
        visitor_visits=300,
        advertising=Fen.yuan(1_000),
        cut_line=3,
        cut=Fen.yuan(3_000),
        fee_change=Fen.yuan(50),
        households=192,
        collection_percent=95,
        remuneration_change=Fen.yuan(-100),
    )
    assert levers.lever_problems(choice, spending_lines={3: Fen.yuan(63_600)}) == []

    gap = levers.close_the_gap(Fen.yuan(-50_300), choice, visitor_now=Fen.yuan(600))

    yearly = {e.lever: e.yearly for e in gap.effects}
    assert yearly[levers.Lever.VISITOR_PARKING] == Fen.yuan(18_000 - 600)
    assert yearly[levers.Lever.ADVERTISING] == Fen.yuan(12_000)
    assert yearly[levers.Lever.COST_CUT] == Fen.yuan(3_000)
    assert yearly[levers.Lever.FEE_CHANGE] == Fen.yuan(9_120)  # 50 × 192 × 95%
    assert yearly[levers.Lever.REMUNERATION] == Fen.yuan(1_200)
    assert gap.after == Fen.yuan(-50_300 + 17_400 + 12_000 + 3_000 + 9_120 + 1_200)
    assert [v.item for v in gap.votes] == [4, 8, 9]


def test_levers_at_their_defaults_change_nothing_and_need_no_vote() -> None:
    gap = levers.close_the_gap(Fen.yuan(-49_400), levers.Levers(), visitor_now=Fen.yuan(600))
    assert gap.after == gap.before
    assert gap.votes == ()


def test_bad_lever_inputs_are_refused_each_at_its_field() -> None:
    choice = levers.Levers(
        advertising=Fen(-1), visitor_visits=-3, collection_percent=101, cut_line=9, cut=Fen(5)
    )
    problems = levers.lever_problems(choice, spending_lines={3: Fen.yuan(63_600)})
    assert [(p.code, p.where) for p in problems] == [
        ("lever_amount", "advertising"),
        ("lever_count", "visitor_visits"),
        ("lever_percent", "collection_percent"),
        ("cut_line", "cut_line"),
    ]
    too_much = levers.Levers(cut_line=3, cut=Fen.yuan(70_000))
    [problem] = levers.lever_problems(too_much, spending_lines={3: Fen.yuan(63_600)})
    assert problem.code == "cut_too_big"


@given(st.integers(-(10**8), 10**8), st.integers(0, 10**4), st.integers(0, 100))
def test_a_fee_change_is_exact_to_the_fen(delta: int, households: int, percent: int) -> None:
    choice = levers.Levers(fee_change=Fen(delta), households=households, collection_percent=percent)
    [fee] = [
        e for e in levers.effects(choice, visitor_now=ZERO) if e.lever is levers.Lever.FEE_CHANGE
    ]
    exact = delta * households * percent
    assert abs(fee.yearly.value * 100 - exact) * 2 <= 100


def test_each_lever_that_needs_a_vote_drafts_it_with_its_item_and_question() -> None:
    assert levers.draft_href("jcdy", levers.Lever.COST_CUT) is None
    for lever, vote in levers.VOTES.items():
        if vote is None:
            continue
        href = levers.draft_href("jcdy", lever)
        assert href is not None
        link = urlsplit(href)
        assert link.path == "/c/jcdy/votes/new"
        query = parse_qs(link.query)
        assert query["item"] == [str(vote.item)]
        assert query["question"] == [levers.QUESTIONS[lever]]
        assert len(levers.QUESTIONS[lever]) <= 200  # the draft form's limit
        assert query["title"] == [" / ".join(levers.NAMES[lever])]
