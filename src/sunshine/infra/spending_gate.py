"""The spending gate: may this payment be booked, or does it need an approved expense first?

LAW.md 2 and issue 14: above the community's approval limit, only an expense the committee
approved (or an emergency, paid first and approved after) may be booked as paid; without
approval the cost is the trustee's, not the owners'. Governance owns the limits and the
expenses, but the ledger, which books, sits below it and may not import it. So the ledger
asks through this port, and the entrypoints (the app factory, the root CLI, the tests)
install governance's answer with `use_gate`. With no gate installed nothing is refused.

A payment of an approved expense is booked by governance itself (`paying`): the booking
then carries which expense it pays, and the gate checks that expense.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sunshine.kernel.errors import Problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class Spending:
    """What the gate needs of an entry: its day and the fen each expense account is debited."""

    community_id: int
    booked_on: date
    debits: tuple[tuple[str, int], ...]  # (account code, fen > 0), expense accounts only
    expense: int | None = None  # the expense it pays, when governance books it


Gate = Callable[["Session", Spending], list[Problem]]
_gate: list[Gate] = []
_paying: ContextVar[int | None] = ContextVar("spending_gate_paying", default=None)


def use_gate(gate: Gate | None) -> None:
    """Install governance's gate (done by entrypoints); None removes it."""
    _gate[:] = [] if gate is None else [gate]


def problems(session: Session, spending: Spending) -> list[Problem]:
    """Why `spending` may not be booked (empty: it may), by the installed gate."""
    if not _gate or not spending.debits:
        return []
    return _gate[0](session, spending)


def paying_expense() -> int | None:
    """The expense whose payment is being booked in this context, if any."""
    return _paying.get()


@contextmanager
def paying(expense: int) -> Iterator[None]:
    """Book inside this block as the payment of `expense` (governance's service does)."""
    token = _paying.set(expense)
    try:
        yield
    finally:
        _paying.reset(token)
