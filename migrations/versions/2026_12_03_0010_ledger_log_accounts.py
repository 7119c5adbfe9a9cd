"""ledger: the chart of accounts goes to the log (`ledger.account`), as it stands

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:00:00

From now on every account is logged as it is opened and closed (`ledger.service.chart`),
so the audit re-derives each account's category, kind and names: a category changed
behind the app's back changes every report that groups by it. Books kept before this
have accounts with no record; this appends one per account, in code order, as the chart
stands at the upgrade (the most that can be proven now), with the subtree hashes the
new leaves complete, as `transparency.service.append_many` writes them. It works in SQL
with the log's own formulas (`kernel.merkle`, `transparency.rules.canonical`), so that it
does not depend on the models of later versions.

Downgrade leaves the records: the log is append-only, and nothing before this reads them.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from sunshine.kernel import merkle
from sunshine.transparency.rules.records import canonical

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_KIND = "ledger.account"
_STORED_FROM = 4  # transparency.service.STORED_FROM: subtrees stored from 16 leaves up
_RECORDS = sa.table(
    "transparency_record",
    sa.column("community_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("ref", sa.String),
    sa.column("body", sa.LargeBinary),
    sa.column("leaf_hash", sa.LargeBinary),
    sa.column("appended_at", sa.DateTime(timezone=True)),
)
_NODES = sa.table(
    "transparency_node",
    sa.column("community_id", sa.Integer),
    sa.column("level", sa.Integer),
    sa.column("idx", sa.Integer),
    sa.column("hash", sa.LargeBinary),
)


def upgrade() -> None:
    bind = op.get_bind()
    communities = bind.execute(
        sa.text("SELECT DISTINCT community_id FROM ledger_account ORDER BY community_id")
    ).scalars()
    for community_id in list(communities):
        logged = bind.execute(
            sa.text(
                "SELECT count(*) FROM transparency_record WHERE community_id = :c AND kind = :k"
            ),
            {"c": community_id, "k": _KIND},
        ).scalar_one()
        if not logged:
            _log_chart(bind, community_id)


def downgrade() -> None:
    """Leave the records (see the module doc)."""


def _log_chart(bind: sa.Connection, community_id: int) -> None:
    accounts = bind.execute(
        sa.text(
            "SELECT id, code, name_zh, name_en, kind, category, parent_code, opened_on,"
            " closed_on FROM ledger_account WHERE community_id = :c ORDER BY code"
        ),
        {"c": community_id},
    ).all()
    bodies = [canonical(_record(row)) for row in accounts]
    leaves = [merkle.leaf_hash(body) for body in bodies]
    size = bind.execute(
        sa.text(
            "SELECT coalesce(max(seq) + 1, 0) FROM transparency_record WHERE community_id = :c"
        ),
        {"c": community_id},
    ).scalar_one()
    frontier = [
        _node(bind, community_id, level, index) for level, index in merkle.frontier_nodes(size)
    ]
    _, completed = merkle.append_leaves(frontier, size, leaves, from_level=_STORED_FROM)
    now = datetime.now(UTC)
    records = [
        {
            "community_id": community_id,
            "seq": size + offset,
            "kind": _KIND,
            "ref": row.code,
            "body": body,
            "leaf_hash": leaf,
            "appended_at": now,
        }
        for offset, (row, body, leaf) in enumerate(zip(accounts, bodies, leaves, strict=True))
    ]
    if records:
        bind.execute(_RECORDS.insert(), records)
    nodes = [
        {"community_id": community_id, "level": n.level, "idx": n.index, "hash": n.hash}
        for n in completed
    ]
    if nodes:
        bind.execute(_NODES.insert(), nodes)


def _record(row: Any) -> dict[str, object]:
    """As `ledger.service.chart.account_record` writes it."""
    return {
        "account": row.id,
        "code": row.code,
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "kind": row.kind,
        "category": row.category,
        "parent_code": row.parent_code,
        "opened_on": str(row.opened_on),
        "closed_on": None if row.closed_on is None else str(row.closed_on),
    }


def _node(bind: sa.Connection, community_id: int, level: int, index: int) -> bytes:
    """A frontier hash: stored from STORED_FROM up, else hashed again from its leaves."""
    if level >= _STORED_FROM:
        stored: bytes = bind.execute(
            sa.text(
                "SELECT hash FROM transparency_node"
                " WHERE community_id = :c AND level = :l AND idx = :i"
            ),
            {"c": community_id, "l": level, "i": index},
        ).scalar_one()
        return bytes(stored)
    leaves = bind.execute(
        sa.text(
            "SELECT leaf_hash FROM transparency_record"
            " WHERE community_id = :c AND seq >= :a AND seq < :b ORDER BY seq"
        ),
        {"c": community_id, "a": index << level, "b": (index + 1) << level},
    ).scalars()
    return merkle.root_of([bytes(leaf) for leaf in leaves])
