"""API shapes of governance: a committee decision as owners read it (members by number)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from sunshine.governance.models import Decision
from sunshine.governance.service import decisions


class DecisionRead(BaseModel):
    """A decision with its logged record: counts, rules, settings, outcome; no names."""

    id: int
    committee_id: int
    title: str
    subject: str
    subject_ref: str
    decided_on: date
    announced_on: date | None
    log_seq: int
    record: dict[str, Any]

    @classmethod
    def from_model(cls, decision: Decision) -> DecisionRead:
        return cls(
            id=decision.id,
            committee_id=decision.committee_id,
            title=decision.title,
            subject=decision.subject.value,
            subject_ref=decision.subject_ref,
            decided_on=decision.decided_on,
            announced_on=decision.announced_on,
            log_seq=decision.log_seq,
            record=decisions.record_of(decision),
        )
