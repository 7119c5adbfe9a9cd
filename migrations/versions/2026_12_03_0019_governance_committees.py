"""governance: committees with their settings, members with terms, logged decisions

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 04:40:00

A committee (业委会, or 物管会) keeps the settings its decisions are counted by (半数以上 or
过半数, the days within which a decision is announced). A member is a registry party serving
for a term. A decision, with what it is about (a budget version, an expense, a month's
close, a signing key, or another matter), is kept with the record it appended to the public log (members by
number, never by name) and the day it went up on the board.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
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


def _committee_ref(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["community_id", "committee_id"],
        ["governance_committee.community_id", "governance_committee.id"],
        name=op.f(f"fk_{table}_community_id_committee_id_governance_committee"),
    )


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "governance_committee",
        sa.Column(
            "kind",
            _enum("owners_committee", "property_committee", name="committeekind"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("formed_on", sa.Date(), nullable=False),
        sa.Column(
            "majority",
            _enum("half_or_more", "more_than_half", name="committeemajority"),
            nullable=False,
        ),
        sa.Column("announce_within_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_committee"),
        sa.CheckConstraint(
            "announce_within_days BETWEEN 0 AND 60",
            name=op.f("ck_governance_committee_announce_days"),
        ),
    )
    op.create_table(
        "governance_decision",
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "subject",
            _enum("budget", "expense", "month_close", "signing_key", "other", name="subject"),
            nullable=False,
        ),
        sa.Column("subject_ref", sa.String(length=64), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("made_by", sa.Integer(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=True),
        *_tenant_key("governance_decision"),
        _committee_ref("governance_decision"),
        sa.ForeignKeyConstraint(
            ["made_by"],
            ["identity_user.id"],
            name=op.f("fk_governance_decision_made_by_identity_user"),
        ),
    )
    op.create_index(
        "ix_governance_decision_day", "governance_decision", ["community_id", "decided_on"]
    )
    op.create_index(
        "ix_governance_decision_subject",
        "governance_decision",
        ["community_id", "subject", "subject_ref"],
    )
    op.create_table(
        "governance_member",
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "role", _enum("chair", "vice_chair", "member", name="memberrole"), nullable=False
        ),
        sa.Column("term_from", sa.Date(), nullable=False),
        sa.Column("term_to", sa.Date(), nullable=True),
        *_tenant_key("governance_member"),
        sa.CheckConstraint(
            "term_to IS NULL OR term_to >= term_from", name=op.f("ck_governance_member_term")
        ),
        _committee_ref("governance_member"),
        sa.ForeignKeyConstraint(
            ["community_id", "party_id"],
            ["registry_party.community_id", "registry_party.id"],
            name=op.f("fk_governance_member_community_id_party_id_registry_party"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_user.id"],
            name=op.f("fk_governance_member_user_id_identity_user"),
        ),
    )
    op.create_index(
        "ix_governance_member_committee", "governance_member", ["community_id", "committee_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_governance_member_committee", table_name="governance_member")
    op.drop_table("governance_member")
    op.drop_index("ix_governance_decision_subject", table_name="governance_decision")
    op.drop_index("ix_governance_decision_day", table_name="governance_decision")
    op.drop_table("governance_decision")
    op.drop_table("governance_committee")
