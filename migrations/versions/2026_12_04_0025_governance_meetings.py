"""governance: the four-party joint meeting, its actions and its published minutes

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 16:55:00

A joint meeting (四方联席) keeps its day, place, agenda, attendees by party, minutes and
resolutions while it is recorded; its actions have an owner (party and role), a due day,
the day they were done, and typed references (expense:12, vote:3/2, ticket:5, decision:7).
Each published version of the minutes keeps the record it appended to the log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

PARTIES = ("party_committee", "grid_branch", "committee", "trustee", "guest")


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


def _meeting_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["community_id", "meeting_id"],
        ["governance_meeting.community_id", "governance_meeting.id"],
        name=op.f(f"fk_{table}_community_id_meeting_id_governance_meeting"),
    )


def _user_key(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["identity_user.id"], name=op.f(f"fk_{table}_{column}_identity_user")
    )


def upgrade() -> None:
    op.create_table(
        "governance_meeting",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("resolutions", sa.Text(), nullable=False),
        sa.Column("state", _enum("draft", "published", name="meetingstate"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_meeting"),
        _user_key("governance_meeting", "created_by"),
        sa.CheckConstraint("version >= 0", name=op.f("ck_governance_meeting_version")),
        sa.CheckConstraint(
            "(state = 'draft') = (version = 0)", name=op.f("ck_governance_meeting_state_version")
        ),
    )
    op.create_index("ix_governance_meeting_day", "governance_meeting", ["community_id", "held_on"])
    op.create_table(
        "governance_meeting_action",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("party", _enum(*PARTIES, name="meetingparty"), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("refs", sa.Text(), nullable=False),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_meeting_action"),
        _meeting_key("governance_meeting_action"),
        _user_key("governance_meeting_action", "done_by"),
    )
    op.create_index(
        "ix_governance_meeting_action_meeting",
        "governance_meeting_action",
        ["community_id", "meeting_id"],
    )
    op.create_index(
        "ix_governance_meeting_action_due",
        "governance_meeting_action",
        ["community_id", "done_on", "due_on"],
    )
    op.create_table(
        "governance_minutes",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_minutes"),
        _meeting_key("governance_minutes"),
        _user_key("governance_minutes", "published_by"),
        sa.CheckConstraint("version >= 1", name=op.f("ck_governance_minutes_version")),
        sa.UniqueConstraint(
            "community_id", "meeting_id", "version",
            name=op.f("uq_governance_minutes_community_id_meeting_id_version"),
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("governance_minutes")
    op.drop_index("ix_governance_meeting_action_due", table_name="governance_meeting_action")
    op.drop_index("ix_governance_meeting_action_meeting", table_name="governance_meeting_action")
    op.drop_table("governance_meeting_action")
    op.drop_index("ix_governance_meeting_day", table_name="governance_meeting")
    op.drop_table("governance_meeting")
