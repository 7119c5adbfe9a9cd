"""The lines of an account as staff see them, by match state; the work list; matching steps."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.banking.models import BankLine
from sunshine.banking.models import MatchStep

PAGE = 200


class State(StrEnum):
    ALL = "all"
    MATCHED = "matched"
    EXPLAINED = "explained"
    OPEN = "open"  # no entry, no explanation: the work list


def _where(query: Select[BankLine], state: State) -> Select[BankLine]:
    if state is State.MATCHED:
        return query.where(BankLine.entry_id.is_not(None))
    if state is State.EXPLAINED:
        return query.where(BankLine.entry_id.is_(None), BankLine.reason != "")
    if state is State.OPEN:
        return query.where(BankLine.entry_id.is_(None), BankLine.reason == "")
    return query


def list_lines(
    session: Session,
    community_id: int,
    account_id: int,
    *,
    state: State = State.ALL,
    start: date | None = None,
    end: date | None = None,
    offset: int = 0,
    limit: int = PAGE,
) -> list[BankLine]:
    query = select(BankLine).where(
        BankLine.community_id == community_id, BankLine.account_id == account_id
    )
    if start is not None:
        query = query.where(BankLine.booked_on >= start)
    if end is not None:
        query = query.where(BankLine.booked_on <= end)
    query = _where(query, state).order_by(BankLine.booked_on, BankLine.position, BankLine.id)
    return list(session.scalars(query.offset(offset).limit(limit)))


def work_list(session: Session, community_id: int, account_id: int) -> list[BankLine]:
    """Lines with no entry and no explanation: each to be booked with a voucher or explained."""
    return list_lines(session, community_id, account_id, state=State.OPEN, limit=10_000)


def counts(session: Session, community_id: int, account_id: int) -> dict[State, int]:
    found = {}
    for state in State:
        query = _where(
            select(BankLine).where(
                BankLine.community_id == community_id, BankLine.account_id == account_id
            ),
            state,
        )
        found[state] = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return found


def steps(session: Session, community_id: int, line_id: int) -> list[MatchStep]:
    return list(
        session.scalars(
            select(MatchStep)
            .where(MatchStep.community_id == community_id, MatchStep.line_id == line_id)
            .order_by(MatchStep.id)
        )
    )
