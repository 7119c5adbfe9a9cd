"""The log's records read in bulk, for other parts' bulk work (the audit, the import).

Other parts never query the log's tables themselves (an import-linter contract keeps it
so): they call these, which read with the log's own table and columns.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import bulk
from sunshine.infra.db import Base
from sunshine.transparency.models import LogRecord

_RECORDS = Base.metadata.tables[LogRecord.__tablename__]
RecordRow = tuple[int, str, str, bytes, bytes]  # seq, kind, ref, body, leaf hash


def record_rows(session: Session, community_id: int, *, start: int, end: int) -> list[RecordRow]:
    """Records `start` to `end - 1` in seq order, as the driver's tuples (`bulk.driver_rows`)."""
    r = _RECORDS.c
    query = (
        select(r.seq, r.kind, r.ref, r.body, r.leaf_hash)
        .where(r.community_id == community_id, r.seq >= start, r.seq < end)
        .order_by(r.seq)
    )
    return bulk.driver_rows(session.connection(), query)


def record_bodies(session: Session, community_id: int, seqs: Sequence[int]) -> dict[int, bytes]:
    """The bodies of these records, read fresh from the table (not the session's identity map).

    As the driver returns them; a body stored as text (behind the app's back) as its UTF-8.
    """
    r = _RECORDS.c
    query = select(r.seq, r.body).where(r.community_id == community_id, r.seq.in_(seqs))
    return {
        seq: body if type(body) is bytes else str(body).encode("utf-8", "surrogatepass")
        for seq, body in bulk.driver_rows(session.connection(), query)
    }


def logged_communities(session: Session) -> list[int]:
    """Ids of the communities whose log holds at least one record."""
    return list(session.scalars(select(LogRecord.community_id).distinct()))


def refresh_statistics(session: Session) -> None:
    """After an import grew the log a lot: let PostgreSQL's planner see it (`bulk`)."""
    bulk.refresh_statistics(session, [_RECORDS])
