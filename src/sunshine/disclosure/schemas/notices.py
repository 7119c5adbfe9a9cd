"""What the notices' JSON API returns: a published version with its record and checkpoint."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.disclosure.rules.notice import PrintedCheckpoint
from sunshine.disclosure.rules.schedule import Slot


class CheckpointRead(BaseModel):
    tree_size: int
    root_hash_hex: str
    fingerprint: str  # as the board prints it
    signed_at: str
    signers: list[str]

    @classmethod
    def from_printed(cls, printed: PrintedCheckpoint) -> CheckpointRead:
        return cls(
            tree_size=printed.tree_size,
            root_hash_hex=printed.root_hash.hex(),
            fingerprint=printed.fingerprint,
            signed_at=printed.signed_at,
            signers=list(printed.signers),
        )


class VersionRead(BaseModel):
    period: str
    first: str
    version: int
    published_on: date
    reason: str | None
    log_seq: int
    checkpoint_size: int

    @classmethod
    def from_model(cls, row: NoticeVersion) -> VersionRead:
        return cls(
            period=str(row.period),
            first=str(row.first),
            version=row.version,
            published_on=row.published_on,
            reason=row.reason,
            log_seq=row.log_seq,
            checkpoint_size=row.checkpoint_size,
        )


class NoticeRead(BaseModel):
    """One published version: the frozen record, where it is in the log, and its checkpoint."""

    notice: VersionRead
    versions: list[VersionRead]  # every version of the period, oldest first
    record: dict[str, Any]  # exactly as logged (disclosure.rules.notice describes it)
    record_text: str  # the canonical JSON whose leaf hash the log holds
    checkpoint: CheckpointRead
    verify_url: str


class SlotRead(BaseModel):
    first: str
    last: str
    due_on: date
    status: str
    published_on: date | None

    @classmethod
    def from_slot(cls, slot: Slot) -> SlotRead:
        return cls(
            first=str(slot.first),
            last=str(slot.last),
            due_on=slot.due_on,
            status=slot.status.value,
            published_on=slot.published_on,
        )


class PublishCreate(BaseModel):
    reason: str = ""  # needed for a version that corrects a published one


class OverdueRead(BaseModel):
    community: str  # its code
    name: str
    slot: SlotRead
