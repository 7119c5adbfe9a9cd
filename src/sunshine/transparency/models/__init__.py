"""Tables of the transparency log; the classes are re-exported here.

- log: records, stored subtree hashes, checkpoints, signing keys, co-signatures
"""

from __future__ import annotations

from sunshine.transparency.models.log import Checkpoint
from sunshine.transparency.models.log import Cosignature
from sunshine.transparency.models.log import LogNode
from sunshine.transparency.models.log import LogRecord
from sunshine.transparency.models.log import SigningKey

__all__ = [
    "Checkpoint",
    "Cosignature",
    "LogNode",
    "LogRecord",
    "SigningKey",
]
