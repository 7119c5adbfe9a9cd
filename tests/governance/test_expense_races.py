"""Committee members answering one expense at the same moment, in truly concurrent
transactions (threads, each with its own connection), on SQLite and on PostgreSQL.

The answer locks its expense first, so answers are taken one at a time: when the third of
four members' approvals decides the expense, the fourth answering at that very moment is
refused (the expense is already approved), and exactly one committee decision approves it;
a member who answers twice at once (two tabs, a double tap) is recorded once.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Decision
from sunshine.governance.models import ExpenseApproval
from sunshine.governance.rules.spending import Choice
from sunshine.governance.rules.spending import ExpenseState
from sunshine.governance.service import spending
from sunshine.infra import migrate
from sunshine.infra import work
from sunshine.kernel.errors import Conflict
from tests.governance.spending_setup import Shop
from tests.governance.spending_setup import propose
from tests.governance.spending_setup import shop

ROUNDS = 3


def _at_once(engine: Engine, s: Shop, number: int, users: list[int]) -> list[str]:
    """`users` answer expense `number` at one moment: "approved" or "refused" each."""
    start = threading.Barrier(len(users))

    def one(user: int) -> str:
        with work.unit_of_work(work.Work(writes=True)), Session(engine) as session:
            start.wait()
            try:
                spending.decide_expense(session, s.cid, number, user_id=user, choice=Choice.APPROVE)
            except Conflict:
                return "refused"
            session.commit()
            return "approved"

    with ThreadPoolExecutor(len(users)) as pool:
        return sorted(pool.map(one, users))


def test_the_deciding_answer_and_one_at_the_same_moment_decide_once(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    with Session(fresh_engine) as session:
        s = shop(session)  # four members, three approvals needed
        numbers = [propose(session, s, title=f"道闸维修{n}") for n in range(ROUNDS)]
        for number in numbers:
            for user in s.users[:2]:
                spending.decide_expense(session, s.cid, number, user_id=user, choice=Choice.APPROVE)
        session.commit()
    for number in numbers:
        assert _at_once(fresh_engine, s, number, s.users[2:4]) == ["approved", "refused"]
    with Session(fresh_engine) as session:
        for number in numbers:
            expense = spending.get_expense(session, s.cid, number)
            assert expense.state is ExpenseState.APPROVED
            assert len(spending.approvals_of(session, s.cid, number)) == 3
        decisions = session.scalar(select(func.count()).select_from(Decision))
        assert decisions == ROUNDS  # one approving decision per expense, none twice


def test_one_member_answering_twice_at_once_is_recorded_once(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    with Session(fresh_engine) as session:
        s = shop(session)
        numbers = [propose(session, s, title=f"监控升级{n}") for n in range(ROUNDS)]
        session.commit()
    for number in numbers:
        member = s.users[0]
        assert _at_once(fresh_engine, s, number, [member, member]) == ["approved", "refused"]
    with Session(fresh_engine) as session:
        answers = session.scalars(select(ExpenseApproval.expense_id)).all()
        assert sorted(answers) == sorted(numbers)  # one answer each
        for number in numbers:
            assert spending.get_expense(session, s.cid, number).state is ExpenseState.PROPOSED
