"""governance: surveys (意见征求) with their responses, and announcements (公告)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 17:00:00

A survey keeps its questions, whom it asks, the units asked, its days and the record it
last appended to the log (opened, then closed with its result). A response is one
submission for one unit (a later one replaces it, history kept) with its channel. An
announcement is a notice to owners, logged when published, with its deadline if any.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
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
        "governance_survey",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.Column("asked_of", _enum("owners", "households", name="askedof"), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("state", _enum("open", "closed", name="surveystate"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_survey"),
        sa.CheckConstraint("closes_on >= opens_on", name=op.f("ck_governance_survey_days")),
        sa.CheckConstraint("asked >= 0", name=op.f("ck_governance_survey_asked")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["identity_user.id"],
            name=op.f("fk_governance_survey_created_by_identity_user"),
        ),
    )  # fmt: skip
    op.create_table(
        "governance_survey_response",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column(
            "channel", _enum("online", "door", "phone", "paper", name="channel"), nullable=False
        ),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced", sa.Boolean(), nullable=False),
        *_tenant_key("governance_survey_response"),
        sa.ForeignKeyConstraint(
            ["community_id", "survey_id"],
            ["governance_survey.community_id", "governance_survey.id"],
            name=op.f("fk_governance_survey_response_community_id_survey_id_governance_survey"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"],
            name=op.f("fk_governance_survey_response_community_id_unit_id_registry_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "answered_by"], ["registry_party.community_id", "registry_party.id"],
            name=op.f("fk_governance_survey_response_community_id_answered_by_registry_party"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["identity_user.id"],
            name=op.f("fk_governance_survey_response_entered_by_identity_user"),
        ),
        sa.CheckConstraint(
            "channel <> 'online' OR answered_by IS NOT NULL",
            name=op.f("ck_governance_survey_response_online_answered_by"),
        ),
        sa.CheckConstraint(
            "channel = 'online' OR entered_by IS NOT NULL",
            name=op.f("ck_governance_survey_response_staff_entered"),
        ),
    )  # fmt: skip
    op.create_index(
        "uq_governance_survey_response_counting",
        "governance_survey_response",
        ["community_id", "survey_id", "unit_id"],
        unique=True,
        sqlite_where=sa.text("NOT replaced"),
        postgresql_where=sa.text("NOT replaced"),
    )
    op.create_table(
        "governance_announcement",
        sa.Column(
            "kind",
            _enum("meeting_notice", "vote_notice", "vote_result", "decision", "survey", "other",
                  name="announcementkind"),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_announcement"),
        sa.ForeignKeyConstraint(
            ["published_by"], ["identity_user.id"],
            name=op.f("fk_governance_announcement_published_by_identity_user"),
        ),
    )  # fmt: skip
    op.create_index(
        "ix_governance_announcement_day",
        "governance_announcement",
        ["community_id", "published_on"],
    )


def downgrade() -> None:
    op.drop_index("ix_governance_announcement_day", table_name="governance_announcement")
    op.drop_table("governance_announcement")
    op.drop_index("uq_governance_survey_response_counting", table_name="governance_survey_response")
    op.drop_table("governance_survey_response")
    op.drop_table("governance_survey")
