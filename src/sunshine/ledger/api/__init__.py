"""JSON API of the trust ledger (mounted at /api/v1), one router per concern, gathered here.

`vouchers` holds upload, metadata, the public copy and the original of vouchers. Each
module's router is included below, one line each.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.ledger.api import books
from sunshine.ledger.api import vouchers

router = APIRouter()
router.include_router(vouchers.router)
router.include_router(books.router)
