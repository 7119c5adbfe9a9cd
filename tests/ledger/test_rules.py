"""Pure rules of the ledger: no database, runs in milliseconds."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from fractions import Fraction

from hypothesis import assume
from hypothesis import given
from hypothesis import strategies as st

from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules

CODES = [t.code for t in rules.CHART]
nonzero_fen = st.integers(min_value=-(10**12), max_value=10**12).filter(bool).map(Fen)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def balanced_drafts(draw: st.DrawFn) -> rules.EntryDraft:
    legs = draw(st.lists(nonzero_fen, min_size=1, max_size=6))
    closing = -sum(legs, ZERO)
    assume(closing != ZERO)
    codes = draw(st.lists(st.sampled_from(CODES), min_size=len(legs) + 1, max_size=len(legs) + 1))
    return rules.EntryDraft(
        booked_on=draw(days),
        narration="generated",
        postings=tuple(
            rules.PostingDraft(code, amount)
            for code, amount in zip(codes, [*legs, closing], strict=True)
        ),
    )


def codes_of(draft: rules.EntryDraft) -> frozenset[str]:
    return frozenset(p.account_code for p in draft.postings)


def problem_codes(draft: rules.EntryDraft, open_accounts: frozenset[str] | None = None) -> set[str]:
    found = rules.problems_with(draft, codes_of(draft) if open_accounts is None else open_accounts)
    return {p.code for p in found}


@given(balanced_drafts())
def test_a_balanced_draft_has_no_problems(draft: rules.EntryDraft) -> None:
    assert rules.problems_with(draft, codes_of(draft)) == []


@given(balanced_drafts(), nonzero_fen)
def test_changing_any_one_leg_unbalances_the_entry(draft: rules.EntryDraft, nudge: Fen) -> None:
    first, *rest = draft.postings
    assume(first.amount + nudge != ZERO)
    broken = replace(draft, postings=(replace(first, amount=first.amount + nudge), *rest))
    assert "unbalanced" in problem_codes(broken)


@given(balanced_drafts(), days)
def test_a_reversal_negates_every_leg_and_still_balances(
    draft: rules.EntryDraft, day: date
) -> None:
    reversal = rules.reversing_draft(draft, booked_on=day, reason="错账")
    assert [p.amount for p in reversal.postings] == [-p.amount for p in draft.postings]
    assert rules.problems_with(reversal, codes_of(reversal)) == []


def test_every_problem_is_reported_at_once() -> None:
    draft = rules.EntryDraft(
        booked_on=date(2024, 11, 1),
        period=Period(2024, 10),
        narration="  ",
        postings=(rules.PostingDraft("9999", Fen(100)), rules.PostingDraft("1001", ZERO)),
        vouchers=("not-a-hash",),
    )
    assert problem_codes(draft, frozenset({"1001"})) == {
        "zero_posting",
        "unbalanced",
        "account_not_open",
        "outside_period",
        "empty_narration",
        "bad_voucher",
    }


def test_an_entry_needs_two_postings() -> None:
    draft = rules.EntryDraft(date(2024, 10, 1), "单边", (rules.PostingDraft("1001", Fen(100)),))
    assert problem_codes(draft) == {"too_few_postings", "unbalanced"}


def test_phone_and_id_numbers_are_kept_out_of_published_text() -> None:
    legs = (rules.PostingDraft("6601", Fen(100)), rules.PostingDraft("1001", Fen(-100)))
    assert "personal_data" in problem_codes(
        rules.EntryDraft(date(2024, 10, 1), "退款给13812345678", legs)
    )
    assert "personal_data" in problem_codes(
        rules.EntryDraft(date(2024, 10, 1), "退款 32040219900101123X", legs)
    )
    memo = (rules.PostingDraft("6601", Fen(100), "电话13812345678"), legs[1])
    assert "memo" in problem_codes(rules.EntryDraft(date(2024, 10, 1), "退款", memo))
    assert problem_codes(rules.EntryDraft(date(2024, 10, 1), "10月工资 2024年", legs)) == set()


def test_the_record_masks_a_person_and_holds_fen_and_codes() -> None:
    draft = rules.EntryDraft(
        booked_on=date(2024, 10, 15),
        narration="10月人员工资",
        postings=(
            rules.PostingDraft("6601", Fen(530000)),
            rules.PostingDraft("1001", Fen(-530000)),
        ),
        counterparty="王建国",
        counterparty_is_person=True,
        vouchers=("ab" * 32, "ab" * 32),
    )
    record = rules.as_record(draft, number=4, source="manual")
    assert record == {
        "entry": 4,
        "booked_on": "2024-10-15",
        "period": "2024-10",
        "narration": "10月人员工资",
        "counterparty": "王**",
        "budget_line": None,
        "reverses": None,
        "reason": "",
        "source": "manual",
        "postings": [["6601", 530000, ""], ["1001", -530000, ""]],
        "vouchers": ["ab" * 32],
    }
    assert "王建国" not in json.dumps(record, ensure_ascii=False)
    company = replace(
        draft, counterparty="常州鼎盛物业服务有限责任公司", counterparty_is_person=False
    )
    assert (
        rules.as_record(company, number=4, source="manual")["counterparty"]
        == "常州鼎盛物业服务有限责任公司"
    )


def test_the_chart_template_is_consistent() -> None:
    codes = [t.code for t in rules.CHART]
    assert len(codes) == len(set(codes))
    by_code = {t.code: t for t in rules.CHART}
    for template in rules.CHART:
        assert template.kind is rules.CATEGORIES[template.category].kind
        if template.parent_code is not None:
            assert by_code[template.parent_code].category is template.category
    assert by_code["6610"].category is rules.Category.REMUNERATION
    assert {by_code["6051"].category, by_code["6052"].category} == {rules.Category.COMMON_REVENUE}
    assert set(rules.CATEGORIES) == set(rules.Category)


def test_a_fixed_remuneration_is_the_fixed_amount() -> None:
    terms = rules.TrustTerms(
        Period(2024, 9), rules.RemunerationKind.FIXED, fixed=Fen(300000), contract_ref="第5条"
    )
    assert rules.terms_problems(terms) == []
    assert rules.remuneration_due(terms, Fen(123)) == Fen(300000)


def test_a_percentage_is_rounded_half_up_to_the_fen() -> None:
    terms = rules.TrustTerms(
        Period(2024, 9),
        rules.RemunerationKind.PERCENTAGE,
        rate_basis_points=1000,
        base_categories=(rules.Category.PROPERTY_FEE,),
        contract_ref="第5条",
    )
    assert rules.remuneration_due(terms, Fen.parse("12345.67")) == Fen.parse("1234.57")
    assert rules.remuneration_due(terms, Fen(5)) == Fen(1)  # 0.5 fen rounds up
    assert rules.remuneration_due(terms, Fen(4)) == Fen(0)
    assert rules.remuneration_due(terms, Fen(-10000)) == ZERO  # refunds earn no pay


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=10000))
def test_a_percentage_is_within_half_a_fen_of_the_exact_share(base: int, bp: int) -> None:
    terms = rules.TrustTerms(
        Period(2024, 9),
        rules.RemunerationKind.PERCENTAGE,
        rate_basis_points=bp,
        base_categories=(rules.Category.PROPERTY_FEE,),
        contract_ref="x",
    )
    due = rules.remuneration_due(terms, Fen(base))
    exact = Fraction(base * bp, 10000)
    assert -Fraction(1, 2) < due.value - exact <= Fraction(1, 2)


def test_terms_with_bad_figures_are_refused() -> None:
    bad = rules.TrustTerms(Period(2024, 9), rules.RemunerationKind.PERCENTAGE, rate_basis_points=0)
    assert {p.code for p in rules.terms_problems(bad)} == {"rate", "base", "contract_ref"}
    assert {
        p.code
        for p in rules.terms_problems(
            rules.TrustTerms(Period(2024, 9), rules.RemunerationKind.FIXED)
        )
    } == {
        "fixed",
        "contract_ref",
    }


def test_the_latest_terms_started_are_in_force() -> None:
    first = rules.TrustTerms(Period(2024, 9), rules.RemunerationKind.FIXED, fixed=Fen(1))
    second = rules.TrustTerms(Period(2025, 1), rules.RemunerationKind.FIXED, fixed=Fen(2))
    assert rules.terms_in_force([second, first], Period(2024, 8)) is None
    assert rules.terms_in_force([second, first], Period(2024, 12)) is first
    assert rules.terms_in_force([second, first], Period(2025, 3)) is second


def test_the_remuneration_entry_debits_the_expense_and_credits_the_payable() -> None:
    terms = rules.TrustTerms(
        Period(2024, 9), rules.RemunerationKind.FIXED, fixed=Fen(300000), contract_ref="第5条"
    )
    draft = rules.remuneration_draft(terms, Period(2024, 10), Fen(300000))
    assert draft.booked_on == date(2024, 10, 31)
    assert [(p.account_code, p.amount.value) for p in draft.postings] == [
        ("6610", 300000),
        ("2202", -300000),
    ]
    assert rules.remuneration_booked(draft, frozenset({"6610"})) == Fen(300000)


def test_a_new_account_needs_a_fresh_code_names_and_a_known_parent() -> None:
    existing = frozenset({"6602"})
    good = rules.AccountTemplate(
        "660201", "电梯维保", "Lift maintenance", rules.Category.COMMON_UPKEEP, "6602"
    )
    assert rules.account_problems(good, existing_codes=existing) == []
    bad = rules.AccountTemplate("66 02", "", "x", rules.Category.COMMON_UPKEEP, "6699")
    assert {p.code for p in rules.account_problems(bad, existing_codes=existing)} == {
        "account_code",
        "account_name",
        "no_parent",
    }
    assert {
        p.code for p in rules.account_problems(replace(good, code="6602"), existing_codes=existing)
    } == {"account_exists"}


def test_owners_see_a_person_masked_and_an_organisation_as_is() -> None:
    assert rules.public_counterparty("王建国", is_person=True) == "王**"
    assert rules.public_counterparty(" 国网常州供电公司 ", is_person=False) == "国网常州供电公司"
