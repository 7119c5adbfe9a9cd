"""ledger: closing a month takes a manager's request and the committee's countersignature

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 15:10:00

A request names the month and how many entries were booked up to its end; a decision
(countersigned, which closes the month, or withdrawn) ends it once. Both are append-only
on both databases (infra.migrate.append_only_statements), like the period closes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sunshine.infra.migrate import append_only_statements
from sunshine.infra.migrate import drop_append_only_statements

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = ("ledger_close_request", "ledger_close_decision")


def upgrade() -> None:
    op.create_table(
        "ledger_close_request",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("entries_through", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_ledger_close_request_community_id_registry_community"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["identity_user.id"],
            name=op.f("fk_ledger_close_request_requested_by_identity_user"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_ledger_close_request")),
    )
    op.create_table(
        "ledger_close_decision",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "countersigned",
                "withdrawn",
                name="closeoutcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "request_id"],
            ["ledger_close_request.community_id", "ledger_close_request.id"],
            name=op.f("fk_ledger_close_decision_community_id_request_id_ledger_close_request"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["identity_user.id"],
            name=op.f("fk_ledger_close_decision_decided_by_identity_user"),
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "request_id", name=op.f("pk_ledger_close_decision")
        ),
    )
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for statement in append_only_statements(table, dialect):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for statement in drop_append_only_statements(table, dialect):
            op.execute(statement)
    op.drop_table("ledger_close_decision")
    op.drop_table("ledger_close_request")
