"""A budget version put in force (approved or revised) goes into the community's public log.

So owners can prove later what was approved, when, and on which document. Names and
notes were checked for personal data before they were saved (rules.budget.text_problems),
because the log can never forget (LAW.md 3).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.rules import budget as rules
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import LogKind

LOG_KIND = LogKind("disclosure.budget")


def decision_record(
    budget: Budget, lines: Sequence[rules.LineDraft], *, reason: str, decision_sha256: str | None
) -> dict[str, object]:
    """The logged form of a budget version put in force: its lines, reason and document."""
    return {
        "budget": budget.id,
        "version": budget.version,
        "title": budget.title,
        "first": str(budget.first),
        "reason": reason,
        "decision_sha256": decision_sha256,
        "lines": [
            {
                "number": number,
                "name_zh": line.name_zh,
                "name_en": line.name_en,
                "kind": line.kind.value,
                "amount_fen": line.amount.value,
                "accounts": list(line.accounts),
                "recurring": line.recurring,
                "note": line.note,
            }
            for number, line in enumerate(lines, start=1)
        ],
    }


def log_decision(
    session: Session,
    budget: Budget,
    lines: Sequence[rules.LineDraft],
    *,
    reason: str,
    decision_sha256: str | None,
) -> None:
    """Append the version put in force to the log, in the caller's transaction."""
    transparency.append(
        session,
        budget.community_id,
        kind=LOG_KIND,
        record=decision_record(budget, lines, reason=reason, decision_sha256=decision_sha256),
        ref=f"{budget.id}/v{budget.version}",
    )
