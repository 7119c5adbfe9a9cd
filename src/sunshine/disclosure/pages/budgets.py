"""The budget's pages under /c/{code}/budget, in one router for the disclosure pages package.

`budget_forms` holds the list, one budget and its steps (draft, open, comment, approve,
revise); `budget_reports` budget vs actual, the chart and closing the gap;
`budget_common` what they share.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.disclosure.pages import budget_forms
from sunshine.disclosure.pages import budget_reports

router = APIRouter(include_in_schema=False)
router.include_router(budget_reports.router)
router.include_router(budget_forms.router)
