"""Loading the reference community 荆川东园, one module per concern.

Callers write `from sunshine.demo import service as demo` and
`demo.load_reference_community(session)`; `load`'s names are re-exported here.

- load: the community, its people and logins, then the books, budget and notices below
- year / books: the demo's first year of trust books; later: the months after it, up to
  the last month that has ended; budget: its approved budgets; notices: its monthly
  notices; receipts: the generated voucher images
"""

from __future__ import annotations

from sunshine.demo.service.load import CODE
from sunshine.demo.service.load import DEMO_PASSWORD
from sunshine.demo.service.load import DRAFT
from sunshine.demo.service.load import LOGINS
from sunshine.demo.service.load import OWNER_PHONE
from sunshine.demo.service.load import RESIDENT_PHONE
from sunshine.demo.service.load import RESIDENT_SPACES
from sunshine.demo.service.load import STEPS
from sunshine.demo.service.load import TRUSTEE
from sunshine.demo.service.load import TRUSTEE_SINCE
from sunshine.demo.service.load import VISITOR_SPACES
from sunshine.demo.service.load import DemoLogin
from sunshine.demo.service.load import Report
from sunshine.demo.service.load import load_reference_community

__all__ = [
    "CODE",
    "DEMO_PASSWORD",
    "DRAFT",
    "LOGINS",
    "OWNER_PHONE",
    "RESIDENT_PHONE",
    "RESIDENT_SPACES",
    "STEPS",
    "TRUSTEE",
    "TRUSTEE_SINCE",
    "VISITOR_SPACES",
    "DemoLogin",
    "Report",
    "load_reference_community",
]
