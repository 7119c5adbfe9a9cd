"""Prepayments: what is left of a unit's payments after every allocation, oldest first.

A payment's remainder (amount less its allocations) is the unit's prepayment (预收, 2203)
until a refund reverses the payment. Billing runs spend it on the bills they issue.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import BigInteger
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.billing.models import Allocation
from sunshine.billing.models import Payment
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen


def credits_by_unit(
    session: Session, community_id: int, unit_id: int | None = None
) -> dict[int, list[list[int]]]:
    """Unit id → [[payment id, fen left], ...] oldest first, for payments with money left."""
    used = (
        select(
            Allocation.payment_id,
            func.sum(type_coerce(Allocation.amount_fen, BigInteger)).label("used"),
        )
        .where(Allocation.community_id == community_id)
        .group_by(Allocation.payment_id)
        .subquery()
    )
    left = type_coerce(Payment.amount_fen, BigInteger) - func.coalesce(used.c.used, 0)
    query = (
        select(Payment.unit_id, Payment.id, left)
        .outerjoin(used, used.c.payment_id == Payment.id)
        .where(
            Payment.community_id == community_id,
            Payment.refund_entry_id.is_(None),
            left > 0,
        )
        .order_by(Payment.unit_id, Payment.received_at, Payment.id)
    )
    if unit_id is not None:
        query = query.where(Payment.unit_id == unit_id)
    found: dict[int, list[list[int]]] = defaultdict(list)
    for unit, payment_id, fen in session.execute(query):
        found[int(unit)].append([int(payment_id), int(fen)])
    return dict(found)


def prepayment_of(session: Session, community_id: int, unit_id: int) -> Fen:
    """The unit's prepayment: what its payments left after every bill they paid."""
    rows = credits_by_unit(session, community_id, unit_id).get(unit_id, [])
    return sum((Fen(fen) for _, fen in rows), ZERO)


def spend(remainders: list[list[int]], owed: int) -> list[tuple[int, int]]:
    """Take up to `owed` fen from `remainders` (changed in place), oldest first: (payment, fen)."""
    taken = []
    for credit in remainders:
        if owed <= 0:
            break
        part = min(owed, credit[1])
        if part > 0:
            taken.append((credit[0], part))
            credit[1] -= part
            owed -= part
    return taken
