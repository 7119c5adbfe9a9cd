"""Use cases of the transparency log: append records, keep subtree hashes, sign checkpoints, prove.

`append` is called by other parts (ledger entries, vouchers, notices, vote results) in
the same transaction as the thing it records. Appends are serialised per community: on
PostgreSQL by an advisory transaction lock, on SQLite by its single writer.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.transparency.models import LogRecord

_LOCK_SPACE = zlib.crc32(b"transparency_record") << 20


def _canonical(record: Mapping[str, object]) -> bytes:
    import json

    return json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def _lock(session: Session, community_id: int) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_SPACE ^ community_id})


def tree_size(session: Session, community_id: int) -> int:
    """How many records the community's log holds."""
    count = session.scalar(
        select(func.max(LogRecord.seq)).where(LogRecord.community_id == community_id)
    )
    return 0 if count is None else count + 1


def append(
    session: Session, community_id: int, *, kind: str, record: Mapping[str, object], ref: str = ""
) -> LogRecord:
    """Append one canonical record as the next leaf of the community's tree."""
    _lock(session, community_id)
    body = _canonical(record)
    row = LogRecord(
        community_id=community_id,
        seq=tree_size(session, community_id),
        kind=kind,
        ref=ref,
        body=body,
        leaf_hash=hashlib.sha256(b"\x00" + body).digest(),
        appended_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row
