"""ledger: postings and per-account totals within bounds the database enforces

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00

A posting is at most `rules.MAX_AMOUNT` (10**14 fen) either way, and an account's
debits or credits in one month at most `rules.MAX_PERIOD_TOTAL` (10**15 fen). Before,
only Python held the first and nothing the second: 935 entries of the largest postings
took a total past BIGINT, which SQLite then kept as a floating-point number (and
PostgreSQL would have refused with an error). With both CHECKs, every total, and every
sum of totals over 9,000 months, is an exact integer. SQLite adds a CHECK only by
building the table anew (`infra.migrate.rebuild_sqlite_table`, as in 0006).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from alembic import op

from sunshine.infra.migrate import rebuild_sqlite_table

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The numbers are written out: a migration states what it made, whatever rules says later.
_CHECKS = {
    "ledger_posting": (
        "ck_ledger_posting_bounded",
        "amount_fen BETWEEN -100000000000000 AND 100000000000000",
    ),
    "ledger_account_total": (
        "ck_ledger_account_total_bounded",
        "debit_fen <= 1000000000000000 AND credit_fen <= 1000000000000000",
    ),
}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (name, condition) in _CHECKS.items():
        if sqlite:
            rebuild_sqlite_table(op.get_bind(), table, _adding(name, condition))
        else:
            op.create_check_constraint(name, table, condition)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (name, _condition) in _CHECKS.items():
        if sqlite:
            rebuild_sqlite_table(op.get_bind(), table, _dropping(name))
        else:
            op.drop_constraint(name, table, type_="check")


def _adding(name: str, condition: str) -> Callable[[str], str]:
    def edit(created: str) -> str:
        body = created.rstrip().removesuffix(")").rstrip()
        return f"{body}, \n\tCONSTRAINT {name} CHECK ({condition})\n)"

    return edit


def _dropping(name: str) -> Callable[[str], str]:
    def edit(created: str) -> str:
        changed, count = re.subn(rf",\s*CONSTRAINT {name} CHECK \([^\n]*\)", "", created)
        if count != 1:
            raise RuntimeError(f"{name} not found once in the CREATE statement")
        return changed

    return edit
