"""ledger: accounts, entries, postings, totals, period closes, trust terms, vouchers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 05:56:15.266720

The database's own guarantees, on SQLite and on PostgreSQL alike (tests/ledger/
test_db_invariants.py attacks each with raw SQL):

1. Append-only. Entries, postings, period closes, trust terms, voucher links and voucher
   openings refuse UPDATE and DELETE (infra.migrate.append_only_statements). A voucher
   row refuses DELETE and every UPDATE except setting its public copy's hash once.

2. Every entry has two or more postings that sum to zero, all on the entry's date.
   SQLite cannot defer a trigger to COMMIT, so the order of writing carries the rule on
   both databases: an entry's postings are inserted first and its header row last.
   - The posting → entry foreign key is DEFERRABLE INITIALLY DEFERRED (SQLite supports
     this for foreign keys), so postings may precede their header, and a posting whose
     header never comes is refused at COMMIT.
   - `ledger_posting_sealed` (BEFORE INSERT on postings, immediate) refuses a posting for
     an entry whose header exists: once the header is in, the entry is sealed, and no
     later posting (balanced pair or not) can change it.
   - The header checks the postings already written: count >= 2, sum = 0, same date.
     On SQLite in its BEFORE INSERT trigger `ledger_entry_checked`, at once. On
     PostgreSQL in the constraint trigger `ledger_entry_balanced`, DEFERRABLE INITIALLY
     DEFERRED as STYLE.md example 3 has it, so it runs at COMMIT (or at `SET CONSTRAINTS
     ALL IMMEDIATE`); the seal makes the deferred check final.
   Since nothing can be added after the header, updated or deleted, an entry that
   balanced when it was sealed balances forever.

3. Nothing is booked into a closed period: the header's insert trigger refuses an entry
   whose period is on or before the community's latest closed period. It also refuses a
   period other than the month of booked_on, and the reversal of a reversal.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sunshine.infra.migrate import append_only_statements
from sunshine.infra.migrate import drop_append_only_statements

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "ledger_entry",
    "ledger_posting",
    "ledger_period_close",
    "ledger_trust_terms",
    "ledger_entry_voucher",
    "ledger_voucher_access",
)
_UNBALANCED = "ledger_entry_balanced: an entry needs two or more postings that sum to zero"
_OTHER_DAY = "ledger_entry_same_day: every posting must carry the date of its entry"
_SEALED = "ledger_posting_sealed: the entry is already posted; postings precede their entry"
_PERIOD = "ledger_entry_period: the period must be the month of booked_on"
_CLOSED = "ledger_period_closed: nothing may be booked in a closed period"
_REVERSAL = "ledger_entry_reverses_reversal: a reversal is not reversed"
_VOUCHER = "ledger_voucher is append-only; only its public copy may be set, once"
_POSTINGS_OF_NEW = "FROM ledger_posting WHERE community_id = NEW.community_id AND entry_id = NEW.id"
_CLOSED_CHECK = (
    "EXISTS (SELECT 1 FROM ledger_period_close "
    "WHERE community_id = NEW.community_id AND period >= NEW.period)"
)
_REVERSAL_CHECK = (
    "NEW.reverses_id IS NOT NULL AND EXISTS (SELECT 1 FROM ledger_entry "
    "WHERE community_id = NEW.community_id AND id = NEW.reverses_id "
    "AND reverses_id IS NOT NULL)"
)
_VOUCHER_FIELDS = (
    "community_id",
    "sha256",
    "media_type",
    "size_bytes",
    "original_name",
    "uploaded_at",
    "uploaded_by",
)

# S608: the SQL below is built from this file's own constants; nothing comes from input.
SQLITE = [
    f"""CREATE TRIGGER ledger_posting_sealed BEFORE INSERT ON ledger_posting
    WHEN EXISTS (SELECT 1 FROM ledger_entry WHERE community_id = NEW.community_id AND id = NEW.entry_id)
    BEGIN SELECT RAISE(ABORT, '{_SEALED}'); END""",  # noqa: S608
    f"""CREATE TRIGGER ledger_entry_checked BEFORE INSERT ON ledger_entry BEGIN
    SELECT RAISE(ABORT, '{_UNBALANCED}')
     WHERE (SELECT count(*) < 2 OR coalesce(sum(amount_fen), 0) <> 0 {_POSTINGS_OF_NEW});
    SELECT RAISE(ABORT, '{_OTHER_DAY}')
     WHERE EXISTS (SELECT 1 {_POSTINGS_OF_NEW} AND booked_on <> NEW.booked_on);
    SELECT RAISE(ABORT, '{_PERIOD}') WHERE NEW.period <> substr(NEW.booked_on, 1, 7);
    SELECT RAISE(ABORT, '{_CLOSED}') WHERE {_CLOSED_CHECK};
    SELECT RAISE(ABORT, '{_REVERSAL}') WHERE {_REVERSAL_CHECK};
    END""",
    f"""CREATE TRIGGER ledger_voucher_no_delete BEFORE DELETE ON ledger_voucher
    BEGIN SELECT RAISE(ABORT, '{_VOUCHER}'); END""",
    f"""CREATE TRIGGER ledger_voucher_no_update BEFORE UPDATE ON ledger_voucher
    WHEN OLD.public_sha256 IS NOT NULL OR {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _VOUCHER_FIELDS)}
    BEGIN SELECT RAISE(ABORT, '{_VOUCHER}'); END""",
]

POSTGRESQL = [
    f"""CREATE FUNCTION ledger_posting_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM ledger_entry
                    WHERE community_id = NEW.community_id AND id = NEW.entry_id) THEN
            RAISE EXCEPTION '{_SEALED} (entry %)', NEW.entry_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$""",  # noqa: S608
    """CREATE TRIGGER ledger_posting_sealed BEFORE INSERT ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_posting_sealed()""",
    f"""CREATE FUNCTION ledger_entry_checked() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.period <> to_char(NEW.booked_on, 'YYYY-MM') THEN
            RAISE EXCEPTION '{_PERIOD}' USING ERRCODE = 'check_violation';
        END IF;
        IF {_CLOSED_CHECK} THEN
            RAISE EXCEPTION '{_CLOSED} (%)', NEW.period USING ERRCODE = 'check_violation';
        END IF;
        IF {_REVERSAL_CHECK} THEN
            RAISE EXCEPTION '{_REVERSAL}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_entry_checked BEFORE INSERT ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_checked()""",
    f"""CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        n bigint;
        total numeric;
        other_day bigint;
    BEGIN
        SELECT count(*), coalesce(sum(amount_fen), 0), count(*) FILTER (WHERE booked_on <> NEW.booked_on)
          INTO n, total, other_day {_POSTINGS_OF_NEW};
        IF n < 2 OR total <> 0 THEN
            RAISE EXCEPTION '{_UNBALANCED} (entry %: % postings, sum % fen)', NEW.id, n, total
                USING ERRCODE = 'check_violation';
        END IF;
        IF other_day > 0 THEN
            RAISE EXCEPTION '{_OTHER_DAY} (entry %)', NEW.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$""",
    # Checked once per COMMIT (or at SET CONSTRAINTS ALL IMMEDIATE).
    """CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced()""",
    f"""CREATE FUNCTION ledger_voucher_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR OLD.public_sha256 IS NOT NULL
           OR ({", ".join(f"NEW.{c}" for c in _VOUCHER_FIELDS)})
              IS DISTINCT FROM ({", ".join(f"OLD.{c}" for c in _VOUCHER_FIELDS)}) THEN
            RAISE EXCEPTION '{_VOUCHER}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_voucher_guard BEFORE UPDATE OR DELETE ON ledger_voucher
    FOR EACH ROW EXECUTE FUNCTION ledger_voucher_guard()""",
]

DROP_SQLITE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "ledger_posting_sealed",
        "ledger_entry_checked",
        "ledger_voucher_no_delete",
        "ledger_voucher_no_update",
    )
]
DROP_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS ledger_posting_sealed ON ledger_posting",
    "DROP FUNCTION IF EXISTS ledger_posting_sealed()",
    "DROP TRIGGER IF EXISTS ledger_entry_checked ON ledger_entry",
    "DROP FUNCTION IF EXISTS ledger_entry_checked()",
    "DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry",
    "DROP FUNCTION IF EXISTS ledger_entry_balanced()",
    "DROP TRIGGER IF EXISTS ledger_voucher_guard ON ledger_voucher",
    "DROP FUNCTION IF EXISTS ledger_voucher_guard()",
]


def _statements(dialect: str) -> list[str]:
    own = SQLITE if dialect == "sqlite" else POSTGRESQL
    return [*own, *(s for table in APPEND_ONLY for s in append_only_statements(table, dialect))]


def _drop_statements(dialect: str) -> list[str]:
    own = DROP_SQLITE if dialect == "sqlite" else DROP_POSTGRESQL
    return [
        *own,
        *(s for table in APPEND_ONLY for s in drop_append_only_statements(table, dialect)),
    ]


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "ledger_account",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "asset",
                "liability",
                "fund",
                "income",
                "expense",
                name="accountkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "category",
            sa.Enum(
                "trust_bank",
                "cash",
                "receivable",
                "other_asset",
                "prepayment",
                "payable",
                "collected_for_others",
                "other_liability",
                "opening_equity",
                "property_fee",
                "parking_rent",
                "visitor_parking",
                "garbage_fee",
                "common_revenue",
                "other_income",
                "wages",
                "common_upkeep",
                "cleaning",
                "greening",
                "security",
                "office",
                "insurance",
                "utilities",
                "other_approved",
                "remuneration",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("parent_code", sa.String(length=32), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_ledger_account_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_ledger_account")),
        sa.UniqueConstraint(
            "community_id", "code", name=op.f("uq_ledger_account_community_id_code")
        ),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("narration", sa.String(length=200), nullable=False),
        sa.Column("counterparty", sa.String(length=80), nullable=False),
        sa.Column("counterparty_is_person", sa.Boolean(), nullable=False),
        sa.Column("budget_line", sa.String(length=64), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("posted_by", sa.Integer(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "reverses_id"],
            ["ledger_entry.community_id", "ledger_entry.id"],
            name=op.f("fk_ledger_entry_community_id_reverses_id_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_ledger_entry_community_id_registry_community"),
        ),
        sa.ForeignKeyConstraint(
            ["posted_by"],
            ["identity_user.id"],
            name=op.f("fk_ledger_entry_posted_by_identity_user"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint(
            "community_id", "external_id", name=op.f("uq_ledger_entry_community_id_external_id")
        ),
        sa.UniqueConstraint(
            "community_id", "reverses_id", name=op.f("uq_ledger_entry_community_id_reverses_id")
        ),
    )
    op.create_index(
        "ix_ledger_entry_booked_on", "ledger_entry", ["community_id", "booked_on"], unique=False
    )

    op.create_table(
        "ledger_period_close",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["identity_user.id"],
            name=op.f("fk_ledger_period_close_closed_by_identity_user"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_ledger_period_close_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "period", name=op.f("pk_ledger_period_close")),
    )
    op.create_table(
        "ledger_trust_terms",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.String(length=7), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("fixed", "percentage", name="remunerationkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("fixed_fen", sa.BigInteger(), nullable=False),
        sa.Column("rate_basis_points", sa.Integer(), nullable=False),
        sa.Column("base_categories", sa.String(length=400), nullable=False),
        sa.Column("account_code", sa.String(length=32), nullable=False),
        sa.Column("settlement_code", sa.String(length=32), nullable=False),
        sa.Column("contract_ref", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_ledger_trust_terms_community_id_registry_community"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["identity_user.id"],
            name=op.f("fk_ledger_trust_terms_recorded_by_identity_user"),
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "effective_from", name=op.f("pk_ledger_trust_terms")
        ),
    )
    op.create_table(
        "ledger_voucher",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=80), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("public_sha256", sa.String(length=64), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_ledger_voucher_community_id_registry_community"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["identity_user.id"],
            name=op.f("fk_ledger_voucher_uploaded_by_identity_user"),
        ),
        sa.PrimaryKeyConstraint("community_id", "sha256", name=op.f("pk_ledger_voucher")),
    )
    op.create_table(
        "ledger_account_total",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("debit_fen", sa.BigInteger(), nullable=False),
        sa.Column("credit_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "debit_fen >= 0 AND credit_fen >= 0", name=op.f("ck_ledger_account_total_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "account_id"],
            ["ledger_account.community_id", "ledger_account.id"],
            name=op.f("fk_ledger_account_total_community_id_account_id_ledger_account"),
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "account_id", "period", name=op.f("pk_ledger_account_total")
        ),
    )
    op.create_table(
        "ledger_entry_voucher",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("with_entry", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "entry_id"],
            ["ledger_entry.community_id", "ledger_entry.id"],
            name=op.f("fk_ledger_entry_voucher_community_id_entry_id_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "sha256"],
            ["ledger_voucher.community_id", "ledger_voucher.sha256"],
            name=op.f("fk_ledger_entry_voucher_community_id_sha256_ledger_voucher"),
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "entry_id", "sha256", name=op.f("pk_ledger_entry_voucher")
        ),
    )
    op.create_index(
        "ix_ledger_entry_voucher_sha256",
        "ledger_entry_voucher",
        ["community_id", "sha256"],
        unique=False,
    )

    op.create_table(
        "ledger_posting",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("line", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.CheckConstraint("amount_fen <> 0", name=op.f("ck_ledger_posting_nonzero")),
        sa.ForeignKeyConstraint(
            ["community_id", "account_id"],
            ["ledger_account.community_id", "ledger_account.id"],
            name=op.f("fk_ledger_posting_community_id_account_id_ledger_account"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "entry_id"],
            ["ledger_entry.community_id", "ledger_entry.id"],
            name=op.f("fk_ledger_posting_community_id_entry_id_ledger_entry"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("community_id", "entry_id", "line", name=op.f("pk_ledger_posting")),
    )
    op.create_index(
        "ix_ledger_posting_account_day",
        "ledger_posting",
        ["community_id", "account_id", "booked_on", "amount_fen"],
        unique=False,
    )

    op.create_table(
        "ledger_voucher_access",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "sha256"],
            ["ledger_voucher.community_id", "ledger_voucher.sha256"],
            name=op.f("fk_ledger_voucher_access_community_id_sha256_ledger_voucher"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_ledger_voucher_access_community_id_registry_community"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_user.id"],
            name=op.f("fk_ledger_voucher_access_user_id_identity_user"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_ledger_voucher_access")),
    )
    op.create_index(
        "ix_ledger_voucher_access_sha256",
        "ledger_voucher_access",
        ["community_id", "sha256", "opened_at"],
        unique=False,
    )

    # ### end Alembic commands ###
    for statement in _statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in _drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index("ix_ledger_voucher_access_sha256", table_name="ledger_voucher_access")

    op.drop_table("ledger_voucher_access")
    op.drop_index("ix_ledger_posting_account_day", table_name="ledger_posting")

    op.drop_table("ledger_posting")
    op.drop_index("ix_ledger_entry_voucher_sha256", table_name="ledger_entry_voucher")

    op.drop_table("ledger_entry_voucher")
    op.drop_table("ledger_account_total")
    op.drop_table("ledger_voucher")
    op.drop_table("ledger_trust_terms")
    op.drop_table("ledger_period_close")
    op.drop_index("ix_ledger_entry_booked_on", table_name="ledger_entry")

    op.drop_table("ledger_entry")
    op.drop_table("ledger_account")
    # ### end Alembic commands ###
