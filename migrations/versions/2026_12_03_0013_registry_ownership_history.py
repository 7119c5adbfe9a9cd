"""registry: ownership transfers with their history, past residents, the roster's 备注

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 23:10:00

A transfer (过户) ends a unit's ownerships on its effective date: they move to
registry_past_ownership with the dates they held, so who owed on any day stays
answerable; a move-out moves a residency to registry_past_residency. Units and people
gain the roster's remarks (备注), staff only. Existing rows get an empty remark.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_past_residency",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "owner_occupier",
                "family",
                "tenant",
                name="residentkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("since_on", sa.Date(), nullable=True),
        sa.Column("until_on", sa.Date(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "party_id"],
            ["registry_party.community_id", "registry_party.id"],
            name=op.f("fk_registry_past_residency_community_id_party_id_registry_party"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name=op.f("fk_registry_past_residency_community_id_unit_id_registry_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_registry_past_residency_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_registry_past_residency")),
    )
    with op.batch_alter_table("registry_past_residency", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_past_residency_unit", ["community_id", "unit_id", "until_on"], unique=False
        )

    op.create_table(
        "registry_transfer",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "sale",
                "inheritance",
                "gift",
                "co_owner_change",
                name="transferreason",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("voucher_ref", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name=op.f("fk_registry_transfer_community_id_unit_id_registry_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_registry_transfer_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_registry_transfer")),
    )
    with op.batch_alter_table("registry_transfer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_transfer_unit", ["community_id", "unit_id", "effective_on"], unique=False
        )

    op.create_table(
        "registry_past_ownership",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("share_percent", sa.Integer(), nullable=False),
        sa.Column("is_designated_voter", sa.Boolean(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("since_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint(
            "share_percent > 0 AND share_percent <= 100",
            name=op.f("ck_registry_past_ownership_share"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "party_id"],
            ["registry_party.community_id", "registry_party.id"],
            name=op.f("fk_registry_past_ownership_community_id_party_id_registry_party"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "transfer_id"],
            ["registry_transfer.community_id", "registry_transfer.id"],
            name=op.f("fk_registry_past_ownership_community_id_transfer_id_registry_transfer"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name=op.f("fk_registry_past_ownership_community_id_unit_id_registry_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_registry_past_ownership_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_registry_past_ownership")),
    )
    with op.batch_alter_table("registry_past_ownership", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_past_ownership_unit", ["community_id", "unit_id", "valid_to"], unique=False
        )

    with op.batch_alter_table("registry_party", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("note", sa.String(length=120), nullable=False, server_default="")
        )

    with op.batch_alter_table("registry_unit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("note", sa.String(length=120), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("registry_unit", schema=None) as batch_op:
        batch_op.drop_column("note")

    with op.batch_alter_table("registry_party", schema=None) as batch_op:
        batch_op.drop_column("note")

    with op.batch_alter_table("registry_past_ownership", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_past_ownership_unit")

    op.drop_table("registry_past_ownership")
    with op.batch_alter_table("registry_transfer", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_transfer_unit")

    op.drop_table("registry_transfer")
    with op.batch_alter_table("registry_past_residency", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_past_residency_unit")

    op.drop_table("registry_past_residency")
