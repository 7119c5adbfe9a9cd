"""Tables of the trust-fund ledger. Every key leads with community_id.

Entries, postings, period closes, close requests and their decisions, trust terms,
voucher links and voucher openings are append-only, and every entry balances: the
database enforces both on SQLite and on PostgreSQL (triggers in the migrations
2026_11_28_0003_ledger.py and 2026_12_03_0007_ledger_close_requests.py). Postings are
written before their entry's header row, which seals the entry (see migration 0003);
so write entries only through `ledger.service`, never through these classes.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from sunshine.infra.db import Base
from sunshine.infra.db import PeriodType
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.infra.db import unlogged
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger.rules import MAX_AMOUNT
from sunshine.ledger.rules import MAX_PERIOD_TOTAL
from sunshine.ledger.rules import AccountKind
from sunshine.ledger.rules import Category
from sunshine.ledger.rules import CloseOutcome
from sunshine.ledger.rules import RemunerationKind
from sunshine.ledger.rules import public_counterparty


class Account(TenantKeyed, Base):
    """An account of a community's chart: code, names in Chinese and English, kind, category."""

    __tablename__ = "ledger_account"
    __audit__ = audited_by("ledger.account")

    code: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[AccountKind] = mapped_column(str_enum(AccountKind))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]

    __table_args__ = (UniqueConstraint("community_id", "code"),)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


class JournalEntry(Base):
    """A journal entry's header. `id` is its number: gapless per community, from 1."""

    __tablename__ = "ledger_entry"
    __audit__ = audited_by("ledger.entry")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    booked_on: Mapped[date]
    period: Mapped[Period] = mapped_column(PeriodType)  # INVARIANT: the month of booked_on
    narration: Mapped[str] = mapped_column(String(200))
    counterparty: Mapped[str] = mapped_column(String(80), default="")
    counterparty_is_person: Mapped[bool] = mapped_column(default=False)
    budget_line: Mapped[str | None] = mapped_column(String(64))
    reverses_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20))  # manual, import, remuneration, reversal
    external_id: Mapped[str | None] = mapped_column(
        String(64), info=unlogged("an import's own transaction id, for importing again")
    )
    posted_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who posted: staff-only")
    )
    posted_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))

    postings: Mapped[list[Posting]] = relationship(
        viewonly=True, order_by="Posting.line", lazy="selectin"
    )

    __table_args__ = (
        UniqueConstraint("community_id", "external_id"),  # idempotent imports
        # Reversed at most once; only reversals are indexed (migration 0006).
        Index(
            "uq_ledger_entry_reverses_id",
            "community_id",
            "reverses_id",
            unique=True,
            sqlite_where=text("reverses_id IS NOT NULL"),
            postgresql_where=text("reverses_id IS NOT NULL"),
        ),
        ForeignKeyConstraint(
            ["community_id", "reverses_id"], ["ledger_entry.community_id", "ledger_entry.id"]
        ),
        Index("ix_ledger_entry_booked_on", "community_id", "booked_on"),
    )

    @property
    def public_counterparty(self) -> str:
        """The counterparty as owners see it (a person's name masked)."""
        return public_counterparty(self.counterparty, is_person=self.counterparty_is_person)


class Posting(Base):
    """One leg of an entry: debit positive, credit negative, never zero.

    `booked_on` repeats the entry's date (the entry trigger checks they agree) so that an
    account's postings of any date range come from one index range.
    """

    __tablename__ = "ledger_posting"
    __audit__ = audited_by("ledger.entry")

    community_id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    line: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    account_id: Mapped[int]
    booked_on: Mapped[date]
    amount: Mapped[Fen] = mapped_column("amount_fen")
    memo: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        CheckConstraint("amount_fen <> 0", name="nonzero"),
        # INVARIANT: rules.MAX_AMOUNT (migration 0008).
        CheckConstraint(
            f"amount_fen BETWEEN -{MAX_AMOUNT.value} AND {MAX_AMOUNT.value}", name="bounded"
        ),
        # Deferred: postings are inserted before the header that seals their entry.
        ForeignKeyConstraint(
            ["community_id", "entry_id"],
            ["ledger_entry.community_id", "ledger_entry.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        ForeignKeyConstraint(
            ["community_id", "account_id"], ["ledger_account.community_id", "ledger_account.id"]
        ),
        Index(
            "ix_ledger_posting_account_day", "community_id", "account_id", "booked_on", "amount_fen"
        ),
    )


class PeriodClose(Base):
    """A closed period: nothing may be booked in it or before it. Closing is final."""

    __tablename__ = "ledger_period_close"
    __audit__ = audited_by("ledger.close")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    period: Mapped[Period] = mapped_column(PeriodType, primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))


class CloseRequest(TenantKeyed, Base):
    """A trustee's manager asks to close a month; it closes at the committee's countersignature.

    `entries_through` is how many entries were booked on or before the month's last day
    when it was asked: the countersignature is refused if that changed meanwhile.
    """

    __tablename__ = "ledger_close_request"
    __audit__ = audited_by("ledger.close")

    period: Mapped[Period] = mapped_column(PeriodType)
    entries_through: Mapped[int]
    requested_by: Mapped[int] = mapped_column(ForeignKey("identity_user.id"))
    requested_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))


class CloseDecision(Base):
    """How a close request ended, once: countersigned by the committee, or withdrawn."""

    __tablename__ = "ledger_close_decision"
    __audit__ = audited_by("ledger.close")

    community_id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    outcome: Mapped[CloseOutcome] = mapped_column(str_enum(CloseOutcome))
    decided_by: Mapped[int] = mapped_column(ForeignKey("identity_user.id"))
    decided_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "request_id"],
            ["ledger_close_request.community_id", "ledger_close_request.id"],
        ),
    )


class AccountTotal(Base):
    """An account's debits and credits in one period, kept by the service with each posting.

    Reports read these (a few rows per account and month) instead of every posting.
    """

    __tablename__ = "ledger_account_total"
    __audit__ = audited_by("ledger.entry")  # summed again from the postings

    community_id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period: Mapped[Period] = mapped_column(PeriodType, primary_key=True)
    debit: Mapped[Fen] = mapped_column("debit_fen")
    credit: Mapped[Fen] = mapped_column("credit_fen")  # stored as a positive sum

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "account_id"], ["ledger_account.community_id", "ledger_account.id"]
        ),
        CheckConstraint("debit_fen >= 0 AND credit_fen >= 0", name="non_negative"),
        # INVARIANT: rules.MAX_PERIOD_TOTAL, so sums over months stay exact (migration 0008).
        CheckConstraint(
            f"debit_fen <= {MAX_PERIOD_TOTAL.value} AND credit_fen <= {MAX_PERIOD_TOTAL.value}",
            name="bounded",
        ),
    )


class TrustTerms(Base):
    """The trust contract's remuneration clause from a period on (rules.TrustTerms)."""

    __tablename__ = "ledger_trust_terms"
    __audit__ = audited_by("ledger.trust_terms")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    effective_from: Mapped[Period] = mapped_column(PeriodType, primary_key=True)
    kind: Mapped[RemunerationKind] = mapped_column(str_enum(RemunerationKind))
    fixed: Mapped[Fen] = mapped_column("fixed_fen")
    rate_basis_points: Mapped[int]
    base_categories: Mapped[str] = mapped_column(String(400), default="")  # comma-separated
    account_code: Mapped[str] = mapped_column(String(32))
    settlement_code: Mapped[str] = mapped_column(String(32))
    contract_ref: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who recorded: staff-only")
    )


class Voucher(Base):
    """A receipt, invoice, contract or photo, kept once by the SHA-256 of its bytes.

    `public_sha256` names the copy with personal data blacked out, which owners see; it
    may be set once, later (the only change the database allows to this row).
    """

    __tablename__ = "ledger_voucher"
    __audit__ = audited_by(
        "ledger.voucher", rows_unlogged="an upload is logged once a record names its hash"
    )

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(
        String(80), info=unlogged("logged only with a voucher attached after posting")
    )
    size_bytes: Mapped[int] = mapped_column(BigInteger, info=unlogged("the hash names the bytes"))
    original_name: Mapped[str] = mapped_column(
        String(255), default="", info=unlogged("may name a person: never published")
    )
    public_sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(info=unlogged("not published"))
    uploaded_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who uploaded: staff-only")
    )


class EntryVoucher(Base):
    """A voucher backs an entry."""

    __tablename__ = "ledger_entry_voucher"
    __audit__ = audited_by("ledger.entry", "ledger.voucher")

    community_id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    attached_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))
    with_entry: Mapped[bool]  # named in the entry's own log record, not attached later

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "entry_id"], ["ledger_entry.community_id", "ledger_entry.id"]
        ),
        ForeignKeyConstraint(
            ["community_id", "sha256"], ["ledger_voucher.community_id", "ledger_voucher.sha256"]
        ),
        Index("ix_ledger_entry_voucher_sha256", "community_id", "sha256"),
    )


class VoucherAccess(TenantKeyed, Base):
    """Someone opened a voucher's original (LAW.md 3: such views are logged)."""

    __tablename__ = "ledger_voucher_access"
    __audit__ = not_audited("who opened an original is kept for LAW.md 3, never published")

    sha256: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("identity_user.id"))
    opened_at: Mapped[datetime]

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "sha256"], ["ledger_voucher.community_id", "ledger_voucher.sha256"]
        ),
        Index("ix_ledger_voucher_access_sha256", "community_id", "sha256", "opened_at"),
    )
