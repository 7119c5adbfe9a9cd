"""Use cases of the registry: ownership transfers (过户) with an effective date, and the history.

A transfer replaces a unit's owners as of a date in one call: the ownerships it ends
move to `PastOwnership` with the days they held, the new ones go in `Ownership` (still
the one source of who owns now). It is refused whole, with every problem, when the
owners it names as leaving are not the unit's owners, when its date is not after the
unit's last transfer (or the owners' own start), or when the new shares do not come to
exactly 100%; nothing is written then. Bills already issued keep their payer: billing
stores it on the bill and asks `liability.liable_on` for the day it bills.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.registry import rules
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import PastOwnership
from sunshine.registry.models import Transfer
from sunshine.registry.service.people import owners_of
from sunshine.registry.service.units import get_unit
from sunshine.registry.service.units import lock_unit

VOUCHER_REF_MAX = 40


@dataclass(frozen=True, slots=True)
class NewOwner:
    """One owner after a transfer: a share in whole percent, as every ownership has."""

    party_id: int
    share_percent: int
    designated_voter: bool = False
    registered: bool = True


@dataclass(frozen=True, slots=True)
class TransferDraft:
    """A transfer as staff type it: from these owners to those, on this date, for this reason."""

    unit_id: int
    from_party_ids: Sequence[int]
    to: Sequence[NewOwner]
    effective_on: date
    reason: rules.TransferReason
    voucher_ref: str = ""


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One ownership of a unit with the days it held (valid_to None: it holds now)."""

    party: Party
    share_percent: int
    designated_voter: bool
    valid_from: date | None
    valid_to: date | None
    transfer: Transfer | None  # the transfer that ended it


def last_transfer_on(session: Session, community_id: int, unit_id: int) -> date | None:
    """The effective date of the unit's latest transfer, if it had one."""
    return session.scalar(
        select(func.max(Transfer.effective_on)).where(
            Transfer.community_id == community_id, Transfer.unit_id == unit_id
        )
    )


def transfer_ownership(
    session: Session, community_id: int, draft: TransferDraft, *, actor: str
) -> Transfer:
    """Record a transfer of a unit's ownership as of its effective date; all of it or nothing.

    Raises NotFound for a unit that does not exist, Conflict when `from_party_ids` are not
    the unit's owners now (someone changed them meanwhile), Invalid with every problem.
    """
    lock_unit(session, community_id, draft.unit_id)
    current = owners_of(session, community_id, draft.unit_id)
    if sorted(o.party_id for o in current) != sorted(set(draft.from_party_ids)):
        raise Conflict("the unit's owners have changed since the form was opened")
    last = last_transfer_on(session, community_id, draft.unit_id)
    problems = _transfer_problems(session, community_id, draft, current, last)
    if problems:
        raise Invalid("the transfer was not recorded", problems=problems)
    transfer = Transfer(
        community_id=community_id,
        unit_id=draft.unit_id,
        effective_on=draft.effective_on,
        reason=draft.reason,
        voucher_ref=draft.voucher_ref.strip(),
        recorded_at=clock.now(),
        recorded_by=actor[:80],
    )
    session.add(transfer)
    session.flush()
    _end_ownerships(session, current, transfer, last)
    _start_ownerships(session, community_id, draft)
    session.flush()
    return transfer


def _transfer_problems(
    session: Session,
    community_id: int,
    draft: TransferDraft,
    current: list[Ownership],
    last: date | None,
) -> list[Problem]:
    problems = _date_problems(draft.effective_on, current, last)
    problems += _owner_problems(session, community_id, draft, current)
    if len(draft.voucher_ref.strip()) > VOUCHER_REF_MAX:
        problems.append(
            Problem(
                "too_long",
                "{field} may have at most {limit} characters",
                {"field": "voucher_ref", "limit": VOUCHER_REF_MAX},
                "voucher_ref",
            )
        )
    return problems


def _date_problems(on: date, current: list[Ownership], last: date | None) -> list[Problem]:
    """The date must be after the last transfer and the owners' start, and not in the future."""
    args = {"date": on.isoformat()}
    if last is not None and on <= last:
        return [
            Problem(
                "transfer_overlap",
                "the unit's last transfer took effect on {last}; a new one must come after it",
                {**args, "last": last.isoformat()},
                "effective_on",
            )
        ]
    started = [o.since_on for o in current if o.since_on is not None]
    if started and on <= max(started):
        return [
            Problem(
                "transfer_before_owners",
                "the present owners hold the unit since {since}; the transfer must come after",
                {**args, "since": max(started).isoformat()},
                "effective_on",
            )
        ]
    if on > clock.today():
        return [
            Problem(
                "transfer_future",
                "a transfer cannot take effect in the future",
                args,
                "effective_on",
            )
        ]
    return []


def _owner_problems(
    session: Session, community_id: int, draft: TransferDraft, current: list[Ownership]
) -> list[Problem]:
    problems: list[Problem] = []
    ids = [owner.party_id for owner in draft.to]
    known = set(
        session.scalars(
            select(Party.id).where(Party.community_id == community_id, Party.id.in_(ids))
        )
    )
    if not draft.to:
        problems.append(Problem("no_owners", "name at least one new owner", where="to"))
    problems += [
        Problem("party_missing", "person {id} does not exist", {"id": party_id}, "to")
        for party_id in sorted(set(ids) - known)
    ]
    if len(set(ids)) != len(ids):
        problems.append(Problem("owner_twice", "a new owner is named twice", where="to"))
    shares = [owner.share_percent for owner in draft.to]
    if draft.to and (sum(shares) != 100 or any(not 0 < s <= 100 for s in shares)):
        problems.append(
            Problem(
                "share_total",
                "the new owners' shares must add up to exactly 100%, not {total}%",
                {"total": sum(shares)},
                "share_percent",
            )
        )
    if sum(owner.designated_voter for owner in draft.to) > 1:
        problems.append(
            Problem("voter_twice", "only one owner can be the designated voter", where="to")
        )
    before = {(o.party_id, o.share_percent) for o in current}
    if draft.to and before == {(o.party_id, o.share_percent) for o in draft.to}:
        problems.append(
            Problem("transfer_same", "the owners and shares would not change", where="to")
        )
    return problems


def _end_ownerships(
    session: Session, current: list[Ownership], transfer: Transfer, last: date | None
) -> None:
    for ownership in current:
        session.add(
            PastOwnership(
                community_id=ownership.community_id,
                unit_id=ownership.unit_id,
                party_id=ownership.party_id,
                share_percent=ownership.share_percent,
                is_designated_voter=ownership.is_designated_voter,
                registered=ownership.registered,
                since_on=ownership.since_on,
                valid_from=last,
                valid_to=transfer.effective_on,
                transfer_id=transfer.id,
            )
        )
        session.delete(ownership)
    session.flush()


def _start_ownerships(session: Session, community_id: int, draft: TransferDraft) -> None:
    voter = next((o.party_id for o in draft.to if o.designated_voter), draft.to[0].party_id)
    for owner in draft.to:
        session.add(
            Ownership(
                community_id=community_id,
                unit_id=draft.unit_id,
                party_id=owner.party_id,
                share_percent=owner.share_percent,
                is_designated_voter=owner.party_id == voter,
                registered=owner.registered,
                since_on=draft.effective_on,
            )
        )


def transfers_of(session: Session, community_id: int, unit_id: int) -> list[Transfer]:
    """The unit's transfers, latest first."""
    return list(
        session.scalars(
            select(Transfer)
            .where(Transfer.community_id == community_id, Transfer.unit_id == unit_id)
            .order_by(Transfer.effective_on.desc(), Transfer.id.desc())
        )
    )


def ownership_history(session: Session, community_id: int, unit_id: int) -> list[HistoryLine]:
    """Every ownership the unit had, the present ones first, then back in time."""
    get_unit(session, community_id, unit_id)
    last = last_transfer_on(session, community_id, unit_id)
    parties = _parties_of_unit(session, community_id, unit_id)
    lines = [
        HistoryLine(parties[o.party_id], o.share_percent, o.is_designated_voter, last, None, None)
        for o in sorted(
            owners_of(session, community_id, unit_id),
            key=lambda o: (not o.is_designated_voter, -o.share_percent, o.party_id),
        )
    ]
    transfers = {t.id: t for t in transfers_of(session, community_id, unit_id)}
    past = session.scalars(
        select(PastOwnership)
        .where(PastOwnership.community_id == community_id, PastOwnership.unit_id == unit_id)
        .order_by(
            PastOwnership.valid_to.desc(),
            PastOwnership.is_designated_voter.desc(),
            PastOwnership.share_percent.desc(),
        )
    )
    lines += [
        HistoryLine(
            parties[p.party_id],
            p.share_percent,
            p.is_designated_voter,
            p.valid_from,
            p.valid_to,
            transfers[p.transfer_id],
        )
        for p in past
    ]
    return lines


def _parties_of_unit(session: Session, community_id: int, unit_id: int) -> dict[int, Party]:
    ids = select(Ownership.party_id).where(
        Ownership.community_id == community_id, Ownership.unit_id == unit_id
    )
    past = select(PastOwnership.party_id).where(
        PastOwnership.community_id == community_id, PastOwnership.unit_id == unit_id
    )
    query = select(Party).where(Party.community_id == community_id, Party.id.in_(ids.union(past)))
    return {party.id: party for party in session.scalars(query)}
