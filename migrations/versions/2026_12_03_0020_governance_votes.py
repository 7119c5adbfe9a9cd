"""governance: owners' votes with their frozen roll, and their ballots

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 05:40:00

A vote (Civil Code art. 278) keeps its matters with their items, scope, times and notice,
the roll frozen when it opened, its receipts' HMAC key (shown to no one) and the record it
last appended to the log (opened, then closed with the result). A ballot is one submission: a later one replaces it, history kept;
paper ballots name their scan, proxy ballots their written authorisation (ledger vouchers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


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


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "governance_vote",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("matters", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notice_text", sa.Text(), nullable=False),
        sa.Column("notice_on", sa.Date(), nullable=False),
        sa.Column("state", _enum("draft", "open", "closed", name="votestate"), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("roll", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("log_seq", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_vote"),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_governance_vote_times")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["identity_user.id"],
            name=op.f("fk_governance_vote_created_by_identity_user"),
        ),
    )  # fmt: skip
    op.create_index("ix_governance_vote_state", "governance_vote", ["community_id", "state"])
    op.create_table(
        "governance_ballot",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=200), nullable=False),
        sa.Column("cast_by", sa.Integer(), nullable=False),
        sa.Column("way", _enum("electronic", "paper", "proxy", name="ballotway"), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("receipt_mac", sa.String(length=64), nullable=False),
        sa.Column("voucher_sha256", sa.String(length=64), nullable=True),
        sa.Column("authorisation_sha256", sa.String(length=64), nullable=True),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("replaced", sa.Boolean(), nullable=False),
        *_tenant_key("governance_ballot"),
        sa.ForeignKeyConstraint(
            ["community_id", "vote_id"], ["governance_vote.community_id", "governance_vote.id"],
            name=op.f("fk_governance_ballot_community_id_vote_id_governance_vote"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "cast_by"], ["registry_party.community_id", "registry_party.id"],
            name=op.f("fk_governance_ballot_community_id_cast_by_registry_party"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["identity_user.id"],
            name=op.f("fk_governance_ballot_entered_by_identity_user"),
        ),
        sa.CheckConstraint(
            "way <> 'proxy' OR authorisation_sha256 IS NOT NULL",
            name=op.f("ck_governance_ballot_proxy_authorised"),
        ),
        sa.CheckConstraint(
            "way <> 'paper' OR voucher_sha256 IS NOT NULL",
            name=op.f("ck_governance_ballot_paper_voucher"),
        ),
    )  # fmt: skip
    op.create_index(
        "ix_governance_ballot_voter", "governance_ballot", ["community_id", "vote_id", "voter"]
    )
    op.create_index(
        "uq_governance_ballot_counting",
        "governance_ballot",
        ["community_id", "vote_id", "voter"],
        unique=True,
        sqlite_where=sa.text("NOT replaced"),
        postgresql_where=sa.text("NOT replaced"),
    )
    op.create_index(
        "ix_governance_ballot_receipt",
        "governance_ballot",
        ["community_id", "vote_id", "receipt_mac"],
    )


def downgrade() -> None:
    op.drop_index("ix_governance_ballot_receipt", table_name="governance_ballot")
    op.drop_index("uq_governance_ballot_counting", table_name="governance_ballot")
    op.drop_index("ix_governance_ballot_voter", table_name="governance_ballot")
    op.drop_table("governance_ballot")
    op.drop_index("ix_governance_vote_state", table_name="governance_vote")
    op.drop_table("governance_vote")
