"""JSON shapes of the public log; the public names are re-exported here.

- log: keys, status, records and proofs as the API returns them
"""

from __future__ import annotations

from sunshine.transparency.schemas.log import KeyRead
from sunshine.transparency.schemas.log import LogRead
from sunshine.transparency.schemas.log import ProofRead
from sunshine.transparency.schemas.log import RecordRead
from sunshine.transparency.schemas.log import b64

__all__ = [
    "KeyRead",
    "LogRead",
    "ProofRead",
    "RecordRead",
    "b64",
]
