"""The per-period totals always equal the sums of the postings, whatever is booked.

Hypothesis draws a sequence of operations (single entries, batches, reversals of any
live entry) over four months and several accounts; after them every (account, period)
total must equal the SUM of its postings, and every balance at a date must equal the
sum of the postings up to that date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from datetime import timedelta

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.ledger.models import Posting
from tests.ledger.builders import check_deferred
from tests.ledger.builders import open_books

CODES = ["1001", "1002", "1122", "2203", "2241", "6001", "6002", "6601", "6603", "660801"]
START = date(2024, 9, 1)
days = st.integers(min_value=0, max_value=121).map(lambda n: START + timedelta(days=n))
amounts = st.integers(min_value=1, max_value=10**9).map(Fen)


@st.composite
def drafts(draw: st.DrawFn) -> rules.EntryDraft:
    legs = draw(
        st.lists(st.tuples(st.sampled_from(CODES), amounts, st.booleans()), min_size=1, max_size=4)
    )
    signed = [(code, amount if debit else -amount) for code, amount, debit in legs]
    closing = -sum((amount for _, amount in signed), ZERO)
    if closing == ZERO:
        closing = Fen(1)
        signed.append((draw(st.sampled_from(CODES)), Fen(-1)))
    signed.append((draw(st.sampled_from(CODES)), closing))
    return rules.EntryDraft(
        booked_on=draw(days),
        narration="generated",
        postings=tuple(rules.PostingDraft(code, amount) for code, amount in signed),
    )


operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), drafts()),
        st.tuples(st.just("batch"), st.lists(drafts(), min_size=1, max_size=5)),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=10**6)),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations)
def test_totals_always_equal_the_sums_of_the_postings(
    session: Session, ops: list[tuple[str, object]]
) -> None:
    books = open_books(session)  # a new community per example: examples never share books
    cid = books.community_id
    live: list[int] = []
    for kind, value in ops:
        if kind == "post":
            assert isinstance(value, rules.EntryDraft)
            live.append(service.post_entry(session, cid, value, actor_id=None).id)
        elif kind == "batch":
            assert isinstance(value, list)
            live.extend(service.post_entries(session, cid, value, actor_id=None))
        elif live:
            assert isinstance(value, int)
            original = service.get_entry(session, cid, live.pop(value % len(live)))
            service.reverse_entry(
                session,
                cid,
                original.id,
                reason="test",
                actor_id=None,
                booked_on=original.booked_on + timedelta(days=value % 40),
            )

    assert service.mismatches(session, cid) == []
    postings = session.execute(
        select(Posting.account_id, Posting.booked_on, Posting.amount).where(
            Posting.community_id == cid
        )
    ).all()
    by_key: dict[tuple[int, Period], list[int]] = defaultdict(lambda: [0, 0])
    for account_id, booked_on, amount in postings:
        by_key[account_id, Period.of(booked_on)][0 if amount.value > 0 else 1] += abs(amount.value)
    codes = {a.id: a.code for a in service.list_accounts(session, cid)}
    trial = service.trial_balance(session, cid, upto_period=Period(2025, 12))
    assert trial.balanced
    assert {row.account.code: (row.debit.value, row.credit.value) for row in trial.rows} == {
        codes[a]: (
            sum(v[0] for k, v in by_key.items() if k[0] == a),
            sum(v[1] for k, v in by_key.items() if k[0] == a),
        )
        for a in {k[0] for k in by_key}
        if any(v != [0, 0] for k, v in by_key.items() if k[0] == a)
    }
    for on in (date(2024, 9, 14), date(2024, 10, 31), date(2024, 11, 17), date(2025, 1, 2)):
        for account_id, code in codes.items():
            expected = sum(
                (amount for a, day, amount in postings if a == account_id and day <= on), ZERO
            )
            assert service.account_balance(session, cid, account_code=code, on=on) == expected
    check_deferred(session)
