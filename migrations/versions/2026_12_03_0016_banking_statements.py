"""banking: bank accounts, statement lines, staff's matching steps, logged reconciliations

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03 23:02:00

A community's bank account (its trust account, booked as ledger 1001) gets its statement
lines, keyed by (account, date, bank reference) so that importing a statement again adds
nothing; a line is matched to at most one ledger entry and an entry to at most one line
(a partial unique index). A balanced reconciliation is kept with the record it appended
to the public log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "banking_account",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("bank", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("ledger_code", sa.String(length=32), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_banking_account_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_banking_account")),
        sa.UniqueConstraint(
            "community_id", "number", name=op.f("uq_banking_account_community_id_number")
        ),
    )
    op.create_table(
        "banking_match_step",
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_banking_match_step_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_banking_match_step")),
    )
    op.create_table(
        "banking_reconciliation",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("made_by", sa.Integer(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "account_id"],
            ["banking_account.community_id", "banking_account.id"],
            name=op.f("fk_banking_reconciliation_community_id_account_id_banking_account"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_banking_reconciliation_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "account_id", "as_of", name=op.f("pk_banking_reconciliation")
        ),
    )
    op.create_table(
        "banking_line",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("time", sa.String(length=8), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("counterparty_account", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("matched", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "account_id"],
            ["banking_account.community_id", "banking_account.id"],
            name=op.f("fk_banking_line_community_id_account_id_banking_account"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_banking_line_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_banking_line")),
        sa.UniqueConstraint(
            "community_id",
            "account_id",
            "booked_on",
            "reference",
            name=op.f("uq_banking_line_community_id_account_id_booked_on_reference"),
        ),
    )
    with op.batch_alter_table("banking_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_banking_line_account_day", ["community_id", "account_id", "booked_on"], unique=False
        )
        batch_op.create_index(
            "uq_banking_line_entry_id",
            ["community_id", "entry_id"],
            unique=True,
            sqlite_where=sa.text("entry_id IS NOT NULL"),
            postgresql_where=sa.text("entry_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("banking_line", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_banking_line_entry_id",
            sqlite_where=sa.text("entry_id IS NOT NULL"),
            postgresql_where=sa.text("entry_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_banking_line_account_day")

    op.drop_table("banking_line")
    op.drop_table("banking_reconciliation")
    op.drop_table("banking_match_step")
    op.drop_table("banking_account")
