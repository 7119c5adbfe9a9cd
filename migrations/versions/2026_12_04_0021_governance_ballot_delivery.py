"""governance: the silent-majority setting per vote, and proven ballot delivery

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 17:00:00

A vote says whether "silent owners follow the majority" applies (off by default, LAW.md 1);
a delivery row proves that one person on the frozen roll was delivered a ballot (a voucher:
the signed receipt or the mail slip) and whether it carried the warning.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("governance_vote") as batch:
        batch.add_column(
            sa.Column(
                "silent_follow_majority", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "governance_ballot_delivery",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=200), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("how", sa.String(length=40), nullable=False),
        sa.Column("warned", sa.Boolean(), nullable=False),
        sa.Column("proof_sha256", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["registry_community.id"],
            name=op.f("fk_governance_ballot_delivery_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_governance_ballot_delivery")),
        sa.ForeignKeyConstraint(
            ["community_id", "vote_id"], ["governance_vote.community_id", "governance_vote.id"],
            name=op.f("fk_governance_ballot_delivery_community_id_vote_id_governance_vote"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["identity_user.id"],
            name=op.f("fk_governance_ballot_delivery_recorded_by_identity_user"),
        ),
    )  # fmt: skip
    op.create_index(
        "uq_governance_ballot_delivery",
        "governance_ballot_delivery",
        ["community_id", "vote_id", "voter"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_governance_ballot_delivery", table_name="governance_ballot_delivery")
    op.drop_table("governance_ballot_delivery")
    with op.batch_alter_table("governance_vote") as batch:
        batch.drop_column("silent_follow_majority")
