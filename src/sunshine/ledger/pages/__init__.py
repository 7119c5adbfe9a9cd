"""HTML pages of the trust ledger, one router per concern, gathered into `router`.

`vouchers` holds the voucher pages (public copy, original, upload of the public copy,
who opened the original); `closing` the month-close page (request, countersignature).
Each module's router is included below, one line each.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.ledger.pages import books
from sunshine.ledger.pages import closing
from sunshine.ledger.pages import vouchers

router = APIRouter(include_in_schema=False)
router.include_router(vouchers.router)
router.include_router(books.router)
router.include_router(closing.router)
