"""The books' pages in one router, mounted by the ledger's pages package.

`books_staff` holds the ledger and booking, `books_owners` the owners' view, `books_reports`
the reports, and `books_common` what they share.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.ledger.pages import books_owners
from sunshine.ledger.pages import books_reports
from sunshine.ledger.pages import books_staff

router = APIRouter(include_in_schema=False)
router.include_router(books_staff.router)
router.include_router(books_owners.router)
router.include_router(books_reports.router)
