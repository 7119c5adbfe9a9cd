"""The sections other parts add to every monthly notice, wired here so disclosure imports none.

Disclosure registers its own budget section; billing's and banking's come after it, in
the order the notice shows them. The app factory and the root CLI both call `register_all`
(and the tests' conftest, as the app would), so every notice built in a process holds the
same sections whichever edge built it: the record, and so its fingerprint, depend on it.
"""

from __future__ import annotations

from sunshine.banking.service import notice_section as banking_section
from sunshine.billing.service import notice_section as billing_sections
from sunshine.disclosure.service import notices  # noqa: F401 - registers the budget section first
from sunshine.disclosure.service import sections


def register_all() -> None:
    sections.register(billing_sections.COLLECTION_KEY, billing_sections.collection_section)
    sections.register(billing_sections.ARREARS_KEY, billing_sections.arrears_section)
    sections.register(banking_section.SECTION_KEY, banking_section.reconciliation_section)
