"""What the log's JSON API returns. Hashes are standard base64, as in the signed notes."""

from __future__ import annotations

import base64

from pydantic import BaseModel
from pydantic import ConfigDict

from sunshine.transparency.models import LogRecord
from sunshine.transparency.rules import records as rules


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class KeyRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    fingerprint: str
    public_key: str  # as `sunshine verify --key` takes it

    @classmethod
    def from_key(cls, key: rules.PublicKey) -> KeyRead:
        return cls(name=key.name, fingerprint=key.fingerprint, public_key=key.text())


class LogRead(BaseModel):
    origin: str
    tree_size: int
    root_hash: str
    checkpoint: str | None  # the latest signed note, co-signatures included
    keys: list[KeyRead]


class RecordRead(BaseModel):
    seq: int
    kind: str
    ref: str
    record: str  # the canonical JSON exactly as hashed
    leaf_hash: str

    @classmethod
    def from_model(cls, row: LogRecord) -> RecordRead:
        return cls(
            seq=row.seq,
            kind=row.kind,
            ref=row.ref,
            record=row.body.decode(),
            leaf_hash=b64(row.leaf_hash),
        )


class ProofRead(BaseModel):
    tree_size: int
    root_hash: str
    proof: list[str]
