"""governance: which steps require a committee decision, and the links to the decisions

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 17:00:00

Per community and kind of matter (budget, expense, month_close, signing_key) whether a
committee decision is required (no row: required, the default); and each matter (a budget
version, a month's close, a key, an expense) with the decision or owners' vote that
authorised it, also logged as a governance.authority record.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_KINDS = ("budget", "expense", "month_close", "signing_key")


def _tenant_key(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f(f"fk_{table}_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f(f"pk_{table}")),
    ]


def _kind() -> sa.Enum:
    return sa.Enum(*_KINDS, name="matterkind", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "governance_requirement",
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_requirement"),
        sa.ForeignKeyConstraint(
            ["set_by"], ["identity_user.id"],
            name=op.f("fk_governance_requirement_set_by_identity_user"),
        ),
        sa.UniqueConstraint(
            "community_id", "kind", name=op.f("uq_governance_requirement_community_id_kind")
        ),
    )  # fmt: skip
    op.create_table(
        "governance_authority",
        sa.Column("matter_kind", _kind(), nullable=False),
        sa.Column("matter_ref", sa.String(length=64), nullable=False),
        sa.Column("authority", sa.String(length=32), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("linked_by", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        *_tenant_key("governance_authority"),
        sa.ForeignKeyConstraint(
            ["community_id", "decision_id"],
            ["governance_decision.community_id", "governance_decision.id"],
            name=op.f("fk_governance_authority_community_id_decision_id_governance_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_by"], ["identity_user.id"],
            name=op.f("fk_governance_authority_linked_by_identity_user"),
        ),
        sa.UniqueConstraint(
            "community_id", "matter_kind", "matter_ref",
            name=op.f("uq_governance_authority_community_id_matter_kind_matter_ref"),
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("governance_authority")
    op.drop_table("governance_requirement")
