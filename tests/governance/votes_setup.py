"""A small community with owners and a drafted vote, for the votes' tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.service import ballots
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.governance.service.votes import MatterDraft
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry
from tests.factories import make_community

OPENS = datetime(2026, 12, 10, 0, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=14)
DURING = OPENS + timedelta(days=1)
NAMES = ("王建国", "李秀英", "张伟", "刘洋")
MATTERS = (
    MatterDraft(Item.USE_MAINTENANCE_FUND, "动用维修资金更换1幢电梯"),
    MatterDraft(Item.CHANGE_USE_OF_COMMON_PARTS, "东门空地改作收费停车场"),
)


@dataclass
class Place:
    cid: int
    owners: list[int]  # party ids, owner i holds unit i (building 1: units 0, 1; 2: 2, 3)
    units: list[int]
    buildings: list[int]


def place(session: Session) -> Place:
    """Four flats of 100 m² in two buildings, each with its own owner."""
    cid = make_community(session).id
    buildings = [
        registry.add_building(session, cid, code=code, name=f"{code}幢", floors=18).id
        for code in ("1", "2")
    ]
    owners, units = [], []
    for i, name in enumerate(NAMES):
        number = f"{1 + i // 2}-1-{101 + i % 2}"
        draft = registry.UnitDraft(number=number, area=Decimal(100))
        unit = registry.add_unit(session, cid, draft).id
        party = registry.add_party(session, cid, name=name).id
        registry.set_owner(session, cid, unit_id=unit, party_id=party)
        owners.append(party)
        units.append(unit)
    return Place(cid, owners, units, buildings)


def draft(session: Session, cid: int, scope: Scope | None = None) -> Vote:
    return votes.create_vote(
        session, cid, title="2026年第一次业主共同决定", matters=MATTERS, scope=scope or Scope(),
        opens_at=OPENS, closes_at=CLOSES, notice_text="定于12月10日至24日表决，详见公告。",
        notice_on=date(2026, 11, 25), actor_id=None,
    )  # fmt: skip


def voucher(session: Session, cid: int, content: bytes) -> str:
    sha256 = hashlib.sha256(content).hexdigest()
    ledger.register_voucher(
        session, cid, sha256=sha256, media_type="application/pdf", size_bytes=len(content),
        original_name="scan.pdf", actor_id=None,
    )  # fmt: skip
    return sha256


def closed_vote(session: Session, cid: int) -> Vote:
    """A vote of building 1, two of its owners' ballots cast and counted (for the demo)."""
    building = registry.find_building(session, cid, "1")
    assert building is not None
    vote = draft(session, cid, Scope(buildings=frozenset({building.id})))
    counting.open_vote(session, cid, vote.id, at=OPENS)
    for voter in votes.roll_of(vote).voters[:2]:
        ballots.cast_ballot(
            session, cid, vote.id, party_id=min(voter.casters), answers={1: Choice.YES},
            way=BallotWay.ELECTRONIC, at=DURING, voter=voter.key,
        )  # fmt: skip
    return counting.close_vote(session, cid, vote.id, at=CLOSES)
