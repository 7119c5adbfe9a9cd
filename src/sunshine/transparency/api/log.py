"""JSON API of the public log: status, records, inclusion and consistency proofs, bundles.

Any member of the community may read it (the log holds no raw personal data, LAW.md 3).
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Query

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.inputs import Ordinal
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.transparency import schemas
from sunshine.transparency import service

router = APIRouter(prefix="/communities/{code}/log", tags=["transparency"])


@router.get("")
def log_status(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.LogRead:
    """The log's size, root, latest signed checkpoint and public keys."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    size = service.tree_size(session, community.id)
    latest = service.latest_checkpoint(session, community.id)
    note = service.signed_note(session, community.id, latest).text() if latest else None
    return schemas.LogRead(
        origin=community.origin,
        tree_size=size,
        root_hash=schemas.b64(service.root(session, community.id, size)),
        checkpoint=note,
        keys=[schemas.KeyRead.from_key(k) for k in service.public_keys(session, community.id)],
    )


@router.get("/records/{seq}")
def log_record(
    seq: Ordinal, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.RecordRead:
    """One record, exactly as it was hashed."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    return schemas.RecordRead.from_model(service.get_record(session, community.id, seq))


@router.get("/proofs/inclusion")
def inclusion(
    seq: Annotated[Ordinal, Query()],
    size: Annotated[RowId, Query()],
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.ProofRead:
    """The audit path of record `seq` in the tree of `size` records (RFC 9162 2.1.3)."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    proof = service.inclusion_proof(session, community.id, seq=seq, size=size)
    return schemas.ProofRead(
        tree_size=size,
        root_hash=schemas.b64(service.root(session, community.id, size)),
        proof=[schemas.b64(h) for h in proof],
    )


@router.get("/proofs/consistency")
def consistency(
    first: Annotated[Ordinal, Query(alias="from")],
    second: Annotated[Ordinal, Query(alias="to")],
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.ProofRead:
    """The proof that the first `from` records are unchanged in the tree of `to` (2.1.4)."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    proof = service.consistency_proof(session, community.id, old_size=first, new_size=second)
    return schemas.ProofRead(
        tree_size=second,
        root_hash=schemas.b64(service.root(session, community.id, second)),
        proof=[schemas.b64(h) for h in proof],
    )


@router.get("/bundle")
def bundle(
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    seq: Annotated[list[Ordinal] | None, Query(max_length=1000)] = None,
    since: Annotated[Ordinal | None, Query()] = None,
) -> dict[str, Any]:
    """A bundle for `sunshine verify`: the latest checkpoint, records `seq`, and proofs."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    return service.build_bundle(
        session, community.id, origin=community.origin, seqs=seq or [], since=since
    )
