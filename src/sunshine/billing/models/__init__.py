"""Billing's tables: charge items and rates, parking leases, runs, bills, payments.

Online orders and refused notifications are in `orders`, imported by its path.
"""

from __future__ import annotations

from sunshine.billing.models.bills import Allocation
from sunshine.billing.models.bills import Bill
from sunshine.billing.models.bills import Payment
from sunshine.billing.models.bills import Run
from sunshine.billing.models.collect import Receipt
from sunshine.billing.models.collect import ReceiptCounter
from sunshine.billing.models.collect import Reminder
from sunshine.billing.models.collect import Terms
from sunshine.billing.models.items import ChargeItem
from sunshine.billing.models.items import ParkingLease
from sunshine.billing.models.items import Rate

__all__ = [
    "Allocation",
    "Bill",
    "ChargeItem",
    "ParkingLease",
    "Payment",
    "Rate",
    "Receipt",
    "ReceiptCounter",
    "Reminder",
    "Run",
    "Terms",
]
