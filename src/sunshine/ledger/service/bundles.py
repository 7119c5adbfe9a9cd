"""The bundle an owner verifies for one entry: the entry as the ledger holds it, against the log.

The record is rebuilt from the ledger's tables (`record_of`), not copied from the log, and
carried with the logged leaf hash and its inclusion proof under the latest checkpoint. So
`sunshine verify` passes only while the figures the books show are the ones published: an
amount changed in the database behind the app's back makes it fail.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.kernel.errors import NotFound
from sunshine.ledger.service.entries import get_entry
from sunshine.ledger.service.entries import record_of
from sunshine.ledger.service.posting import ENTRY_KIND
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records as log_rules


def entry_bundle(
    session: Session, community_id: int, entry_id: int, *, origin: str, sign: bool = False
) -> dict[str, object]:
    """A verifiable bundle for entry `entry_id` under the latest signed checkpoint.

    With `sign`, a checkpoint is signed first when none covers the entry yet (the caller
    commits it); without, that case is NotFound, as is a missing entry or log record.
    """
    get_entry(session, community_id, entry_id)
    logged = transparency.find_record(session, community_id, kind=ENTRY_KIND, ref=str(entry_id))
    if logged is None:
        raise NotFound("entry {number} has no record in the log", args={"number": entry_id})
    checkpoint = transparency.latest_checkpoint(session, community_id)
    if checkpoint is None or checkpoint.tree_size <= logged.seq:
        if not sign:
            raise NotFound(
                "entry {number} is not in a signed checkpoint yet", args={"number": entry_id}
            )
        transparency.sign_checkpoint(session, community_id, origin=origin)
    now = log_rules.canonical(record_of(session, community_id, entry_id))
    return transparency.build_bundle(
        session, community_id, origin=origin, seqs=[logged.seq], bodies={logged.seq: now}
    )
