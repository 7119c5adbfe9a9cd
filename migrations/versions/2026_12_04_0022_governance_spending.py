"""governance: spending limits, expenses and their approvals

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 17:00:00

A community's two spending limits (committee approval, owners' vote), the N of M approvals
needed and the accounts that always need a vote or never need approval, in force from a day;
expenses the trustee proposes with their budget line, payee and vouchers; each committee
member's approval or refusal with a comment. Every step is logged (governance.expense).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
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


def _user(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["identity_user.id"], name=op.f(f"fk_{table}_{column}_identity_user")
    )


def upgrade() -> None:
    op.create_table(
        "governance_spending_limits",
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("committee_limit_fen", sa.BigInteger(), nullable=False),
        sa.Column("vote_limit_fen", sa.BigInteger(), nullable=False),
        sa.Column("approvals_needed", sa.Integer(), nullable=False),
        sa.Column("vote_accounts", sa.Text(), nullable=False),
        sa.Column("exempt_accounts", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        *_tenant_key("governance_spending_limits"),
        sa.ForeignKeyConstraint(
            ["community_id", "committee_id"],
            ["governance_committee.community_id", "governance_committee.id"],
            name=op.f("fk_governance_spending_limits_community_id_committee_id_governance_committee"),
        ),
        _user("governance_spending_limits", "set_by"),
        sa.CheckConstraint(
            "committee_limit_fen >= 0", name=op.f("ck_governance_spending_limits_committee_limit")
        ),
        sa.CheckConstraint(
            "vote_limit_fen >= committee_limit_fen",
            name=op.f("ck_governance_spending_limits_vote_limit"),
        ),
        sa.CheckConstraint(
            "approvals_needed BETWEEN 1 AND 30",
            name=op.f("ck_governance_spending_limits_approvals_needed"),
        ),
    )  # fmt: skip
    op.create_table(
        "governance_expense",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("budget_line", sa.String(length=200), nullable=True),
        sa.Column(
            "budget_mark", _enum("within", "outside", "no_budget", name="budgetmark"),
            nullable=False,
        ),
        sa.Column("payee", sa.String(length=200), nullable=False),
        sa.Column("vouchers", sa.Text(), nullable=False),
        sa.Column("need", _enum("none", "committee", "vote", name="need"), nullable=False),
        sa.Column(
            "state",
            _enum("proposed", "approved", "refused", name="expensestate"),
            nullable=False,
        ),
        sa.Column(
            "emergency", _enum("lift", "fire", "facade", "roof", name="emergency"), nullable=True
        ),
        sa.Column("emergency_reason", sa.Text(), nullable=True),
        sa.Column("vote_ref", sa.String(length=32), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("objection", sa.Text(), nullable=True),
        sa.Column("objected_by", sa.Integer(), nullable=True),
        sa.Column("objected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("objection_answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_entry", sa.Integer(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        *_tenant_key("governance_expense"),
        _user("governance_expense", "objected_by"),
        _user("governance_expense", "proposed_by"),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_governance_expense_amount")),
        sa.CheckConstraint(
            "emergency IS NULL OR emergency_reason IS NOT NULL",
            name=op.f("ck_governance_expense_emergency"),
        ),
    )  # fmt: skip
    op.create_index("ix_governance_expense_state", "governance_expense", ["community_id", "state"])
    op.create_table(
        "governance_expense_approval",
        sa.Column("expense_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("choice", _enum("approve", "refuse", name="choice"), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_key("governance_expense_approval"),
        sa.ForeignKeyConstraint(
            ["community_id", "expense_id"],
            ["governance_expense.community_id", "governance_expense.id"],
            name=op.f("fk_governance_expense_approval_community_id_expense_id_governance_expense"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "member_id"],
            ["governance_member.community_id", "governance_member.id"],
            name=op.f("fk_governance_expense_approval_community_id_member_id_governance_member"),
        ),
        _user("governance_expense_approval", "user_id"),
    )  # fmt: skip
    op.create_index(
        "uq_governance_expense_approval_member",
        "governance_expense_approval",
        ["community_id", "expense_id", "member_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_governance_expense_approval_member", table_name="governance_expense_approval")
    op.drop_table("governance_expense_approval")
    op.drop_index("ix_governance_expense_state", table_name="governance_expense")
    op.drop_table("governance_expense")
    op.drop_table("governance_spending_limits")
