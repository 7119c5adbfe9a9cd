"""Online orders and the notifications we refused.

An order is one request to pay a unit's money online through one channel. The channel's
transaction id is unique per channel (within the community, whose id every key starts
with): a transaction books one order once, however often it is notified. `entry_id` is
the ledger entry that booked it; `flag` says what staff should look at (paid after the
order was closed or had expired).

A refused notification is kept with its reason, the channel, what order number and
transaction it named, and the SHA-256 of its body: no names, phones or accounts. It is
not a community's row (a forged one names no community we know), so it has its own id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.billing.rules.channels import ORDER_NO_MAX
from sunshine.billing.rules.channels import TXN_ID_MAX
from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.rules.channels import Refusal
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.kernel.money import Fen


class OnlineOrder(TenantKeyed, Base):
    __tablename__ = "billing_online_order"
    __audit__ = not_audited(
        "an order is a request to a channel; the money it brings is the ledger entry it books"
    )

    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX))
    unit_id: Mapped[int]
    amount: Mapped[Fen]
    description: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    transaction_id: Mapped[str | None] = mapped_column(String(TXN_ID_MAX))
    paid_at: Mapped[datetime | None]
    entry_id: Mapped[int | None]  # the ledger entry that booked the money (its payment's)
    flag: Mapped[str] = mapped_column(String(32), default="")
    bill_ids: Mapped[str] = mapped_column(Text, default="", server_default="")
    payment_id: Mapped[int | None]

    @property
    def chosen_bills(self) -> list[int] | None:
        """The bills the payer chose, or None: the payment pays the oldest first."""
        return [int(part) for part in self.bill_ids.split(",")] if self.bill_ids else None

    __table_args__ = (
        UniqueConstraint("community_id", "order_no"),
        UniqueConstraint("community_id", "channel", "transaction_id"),
        ForeignKeyConstraint(
            ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"]
        ),
        ForeignKeyConstraint(
            ["community_id", "payment_id"],
            ["billing_payment.community_id", "billing_payment.id"],
            name="fk_billing_online_order_payment",
        ),
        Index(
            "ix_billing_online_order_community_id_status_expires_at",
            "community_id",
            "status",
            "expires_at",
        ),
    )


class RefusedNotice(Base):
    __tablename__ = "billing_refused_notice"
    __audit__ = not_audited("a record of notifications refused, for staff; nothing was booked")

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    reason: Mapped[Refusal] = mapped_column(str_enum(Refusal))
    received_at: Mapped[datetime]
    community_id: Mapped[int | None]  # when the order number named one of ours
    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), default="")
    transaction_id: Mapped[str] = mapped_column(String(TXN_ID_MAX), default="")
    body_sha256: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_billing_refused_notice_received_at", "received_at"),)
