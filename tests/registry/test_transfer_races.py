"""Two transfers of one unit at the same moment: one is recorded, the other refused (409).

Real threads, each with its own connection and transaction, committed as the edges
commit, on SQLite and on PostgreSQL: the transfer locks its unit first, so the second
waits, finds the owners changed, and is refused instead of ending the same ownerships
twice or failing with a server error.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy.orm import Session

from sunshine.infra import work
from sunshine.kernel.errors import Conflict
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Building
from sunshine.registry.models import Community
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import PastOwnership
from sunshine.registry.models import Transfer
from sunshine.registry.models import Unit
from tests.factories import make_community
from tests.factories import make_unit

AT_ONCE = 4


@pytest.fixture
def committed(engine: Engine) -> Iterator[tuple[int, int, list[int]]]:
    """A committed community (its own code) with one unit, its owner and four buyers."""
    with Session(engine) as session:
        community = make_community(session, code=f"race{uuid.uuid4().hex[:8]}")
        unit = make_unit(session, community)
        people = [registry.add_party(session, community.id, name=f"人{n}").id for n in range(5)]
        registry.set_owner(session, community.id, unit_id=unit.id, party_id=people[0])
        session.commit()
        cid, unit_id = community.id, unit.id
    yield cid, unit_id, people
    with Session(engine) as session:
        for model in (PastOwnership, Transfer, Ownership, Party, Unit, Building):
            session.execute(delete(model).where(model.community_id == cid))  # type: ignore[attr-defined]
        session.execute(delete(Community).where(Community.id == cid))
        session.commit()


def test_two_transfers_at_once_record_one_and_refuse_the_others(
    engine: Engine, committed: tuple[int, int, list[int]]
) -> None:
    cid, unit_id, people = committed
    start = threading.Barrier(AT_ONCE)

    def one(n: int) -> str:
        draft = registry.TransferDraft(
            unit_id=unit_id, from_party_ids=[people[0]],
            to=[registry.NewOwner(people[n + 1], 100)], effective_on=date(2025, 7, 1),
            reason=rules.TransferReason.SALE,
        )  # fmt: skip
        with work.unit_of_work(work.Work(writes=True)), Session(engine) as session:
            start.wait()
            try:
                registry.transfer_ownership(session, cid, draft, actor="race")
            except Conflict:
                return "refused"
            session.commit()
            return "recorded"

    with ThreadPoolExecutor(AT_ONCE) as pool:
        ended = sorted(pool.map(one, range(AT_ONCE)))

    assert ended == ["recorded"] + ["refused"] * (AT_ONCE - 1)
    with Session(engine) as session:
        assert len(registry.owners_of(session, cid, unit_id)) == 1
        assert len(registry.transfers_of(session, cid, unit_id)) == 1
