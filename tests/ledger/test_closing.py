"""Closing a month: the manager asks, a committee member countersigns, and only then it closes.

荆川东园's October 2024 (tests/ledger/books_support.py): the opening balance on 30 September
and four payments, 9,618.58 in all, leaving 40,381.42 in the bank.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.infra import authority
from sunshine.infra.authority import MatterKind
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service
from sunshine.ledger.rules import CloseOutcome
from sunshine.transparency import service as log
from tests.factories import make_user
from tests.governance.authority_setup import decided
from tests.governance.authority_setup import waive
from tests.ledger.books_support import book_october
from tests.ledger.builders import Books
from tests.ledger.builders import open_books
from tests.ledger.builders import pay

OCTOBER = Period(2024, 10)
NOVEMBER = Period(2024, 11)


@dataclass(frozen=True)
class People:
    books: Books
    manager: int
    committee: int


def _october(session: Session) -> People:
    books = open_books(session)
    book_october(session, books)
    # These tests are about the two people's steps; the committee's decision the community
    # requires by default is test_the_countersignature_cites_the_committee_decision's.
    waive(session, books.community_id, MatterKind.MONTH_CLOSE)
    # Roles are the edges' check (tests/ledger/test_closing_pages.py): here, two people.
    return People(books, make_user(session).id, make_user(session).id)


def test_the_countersignature_cites_the_committee_decision_the_community_requires(
    session: Session,
) -> None:
    books = open_books(session)
    book_october(session, books)
    cid, manager, member = books.community_id, make_user(session).id, make_user(session).id
    request = service.request_close(session, cid, period=OCTOBER, actor_id=manager)
    with pytest.raises(Invalid):  # required by default: one member alone closes nothing
        service.countersign_close(session, cid, request.id, actor_id=member)
    other = decided(session, cid, authority.month_close_matter(NOVEMBER), on=date(2024, 11, 2))
    with pytest.raises(Invalid):  # a decision about another month
        service.countersign_close(session, cid, request.id, actor_id=member, authority=other)
    assert not service.is_closed(session, cid, OCTOBER)
    cited = decided(session, cid, authority.month_close_matter(OCTOBER), on=date(2024, 11, 2))
    service.countersign_close(session, cid, request.id, actor_id=member, authority=cited)
    assert service.closed_through(session, cid) == OCTOBER
    assert authority.authorised_by(session, cid, authority.month_close_matter(OCTOBER)) == cited


def _closing_records(session: Session, community_id: int) -> list[tuple[str, dict[str, object]]]:
    kinds = {service.REQUESTED_KIND, service.WITHDRAWN_KIND, service.CLOSED_KIND}
    return [
        (r.kind, json.loads(r.body))
        for r in log.iter_records(session, community_id)
        if r.kind in kinds
    ]


def test_a_month_closes_only_at_the_committees_countersignature_and_both_steps_are_logged(
    session: Session,
) -> None:
    people = _october(session)
    cid = people.books.community_id
    summary = service.month_summary(session, cid, OCTOBER)
    assert summary.closes == (Period(2024, 9), OCTOBER)  # September closes with it
    assert (summary.entries, summary.first_entry, summary.last_entry) == (4, 2, 5)
    assert summary.entries_through == 5
    assert summary.spending == Fen.parse("9618.58")
    assert summary.income == Fen(0)
    assert summary.bank_at_end == Fen.parse("40381.42")

    request = service.request_close(session, cid, period=OCTOBER, actor_id=people.manager)
    assert not service.is_closed(session, cid, OCTOBER)  # asked, not closed
    assert service.pending_request(session, cid) == request

    closed = service.countersign_close(session, cid, request.id, actor_id=people.committee)
    assert service.closed_through(session, cid) == OCTOBER
    assert closed.closed_by == people.committee
    assert service.pending_request(session, cid) is None
    [step] = service.list_close_steps(session, cid)
    assert step.decision is not None
    assert step.decision.outcome is CloseOutcome.COUNTERSIGNED
    asked = {
        "request": 1,
        "period": "2024-10",
        "entries_through": 5,
        "requested_by": people.manager,
    }
    assert _closing_records(session, cid) == [
        (service.REQUESTED_KIND, asked),
        (service.CLOSED_KIND, {**asked, "countersigned_by": people.committee}),
    ]
    with pytest.raises(Invalid) as refused:
        pay(session, people.books, date(2024, 10, 31), "6603", "10.00", "迟到的保洁费")
    assert {p.code for p in refused.value.problems} == {"period_closed"}


def test_whoever_asked_cannot_countersign_their_own_request(session: Session) -> None:
    people = _october(session)
    cid = people.books.community_id
    request = service.request_close(session, cid, period=OCTOBER, actor_id=people.manager)
    with pytest.raises(Forbidden):
        service.countersign_close(session, cid, request.id, actor_id=people.manager)
    assert not service.is_closed(session, cid, OCTOBER)
    service.countersign_close(session, cid, request.id, actor_id=people.committee)
    with pytest.raises(Conflict):  # a request is decided once
        service.countersign_close(session, cid, request.id, actor_id=people.committee)


def test_closed_months_and_months_not_yet_ended_cannot_be_asked_for(session: Session) -> None:
    people = _october(session)
    cid = people.books.community_id
    request = service.request_close(session, cid, period=OCTOBER, actor_id=people.manager)
    service.countersign_close(session, cid, request.id, actor_id=people.committee)
    for month in (OCTOBER, Period(2024, 9)):
        with pytest.raises(Conflict):
            service.request_close(session, cid, period=month, actor_id=people.manager)
    with pytest.raises(Invalid):  # the month has not ended (the clock says 2026 and later)
        service.request_close(session, cid, period=Period(2999, 1), actor_id=people.manager)
    assert service.month_summary(session, cid, NOVEMBER).closes == (NOVEMBER,)
    assert service.request_close(session, cid, period=NOVEMBER, actor_id=people.manager).id == 2


def test_one_request_waits_at_a_time_and_a_withdrawal_is_logged(session: Session) -> None:
    people = _october(session)
    cid = people.books.community_id
    first = service.request_close(session, cid, period=OCTOBER, actor_id=people.manager)
    with pytest.raises(Conflict):
        service.request_close(session, cid, period=NOVEMBER, actor_id=people.manager)
    service.withdraw_close(session, cid, first.id, actor_id=people.manager)
    with pytest.raises(Conflict):
        service.countersign_close(session, cid, first.id, actor_id=people.committee)
    assert not service.is_closed(session, cid, OCTOBER)
    later = service.request_close(session, cid, period=NOVEMBER, actor_id=people.manager)
    service.countersign_close(session, cid, later.id, actor_id=people.committee)
    assert service.is_closed(session, cid, OCTOBER)  # closing November closed October too
    assert [kind for kind, _ in _closing_records(session, cid)] == [
        service.REQUESTED_KIND,
        service.WITHDRAWN_KIND,
        service.REQUESTED_KIND,
        service.CLOSED_KIND,
    ]
    assert _closing_records(session, cid)[1][1] == {
        "request": 1,
        "period": "2024-10",
        "withdrawn_by": people.manager,
    }


def test_an_entry_booked_into_the_month_after_the_request_stops_the_countersignature(
    session: Session,
) -> None:
    people = _october(session)
    cid = people.books.community_id
    request = service.request_close(session, cid, period=OCTOBER, actor_id=people.manager)
    pay(session, people.books, date(2024, 11, 2), "6603", "10.00", "11月保洁用品")  # after: fine
    pay(session, people.books, date(2024, 10, 31), "6603", "10.00", "10月保洁用品")
    with pytest.raises(Conflict) as changed:
        service.countersign_close(session, cid, request.id, actor_id=people.committee)
    assert changed.value.fields == {"period": "2024-10"}
    assert not service.is_closed(session, cid, OCTOBER)


def test_a_month_closed_another_way_meanwhile_cannot_be_countersigned(session: Session) -> None:
    people = _october(session)
    cid = people.books.community_id
    request = service.request_close(session, cid, period=OCTOBER, actor_id=people.manager)
    service.close_period(session, cid, period=NOVEMBER, actor_id=None)  # the rule's own path
    with pytest.raises(Conflict):
        service.countersign_close(session, cid, request.id, actor_id=people.committee)


def test_a_member_with_both_roles_still_needs_another_member(session: Session) -> None:
    people = _october(session)
    cid = people.books.community_id
    both = make_user(session)
    for role in (Role.TRUSTEE_MANAGER, Role.COMMITTEE):
        identity.grant_role(session, user_id=both.id, community_id=cid, role=role)
    request = service.request_close(session, cid, period=OCTOBER, actor_id=both.id)
    with pytest.raises(Forbidden):
        service.countersign_close(session, cid, request.id, actor_id=both.id)


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ("UPDATE ledger_close_request SET requested_by = 0 WHERE community_id = :c",
         "ledger_close_request"),
        ("DELETE FROM ledger_close_request WHERE community_id = :c", "ledger_close_request"),
        ("UPDATE ledger_close_decision SET decided_by = 0 WHERE community_id = :c",
         "ledger_close_decision"),
        ("DELETE FROM ledger_close_decision WHERE community_id = :c", "ledger_close_decision"),
    ],
)  # fmt: skip
def test_the_database_refuses_to_change_or_remove_a_request_or_its_countersignature(
    session: Session, statement: str, table: str
) -> None:
    people = _october(session)
    cid = people.books.community_id
    request = service.request_close(session, cid, period=OCTOBER, actor_id=people.manager)
    service.countersign_close(session, cid, request.id, actor_id=people.committee)
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), session.begin_nested():
        session.execute(text(statement), {"c": cid})
