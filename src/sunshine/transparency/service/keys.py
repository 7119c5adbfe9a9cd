"""The committee's co-signing keys: registered by a member, confirmed by another, retired.

A member's key is made on their own device (in the browser, non-extractable, or with
`sunshine checkpoint keygen` in a file) and only its public half reaches the server. It
counts once another committee member or the manager confirmed it: a key registered by
someone who stole a member's login is caught by a second person before it signs for
the committee. A member registers a new device and retires an old key the same way.

Every change is a record in the community's log (`transparency.key_added`,
`transparency.key_confirmed`, `transparency.key_retired`), so the audit
(`service/audit_checks.py`) names a key slipped into the table or confirmed behind the
app's back. The records hold the key and the member's id, never a name (LAW.md 3).

A co-signature from the browser is the very signature line the CLI makes: Ed25519 over
the checkpoint's body (`rules.Checkpoint.body`), checked by `log.add_cosignature`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import authority as authorities
from sunshine.infra import clock
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.transparency.models import Cosignature
from sunshine.transparency.models import SigningKey
from sunshine.transparency.rules import records as rules
from sunshine.transparency.rules.records import LogKind
from sunshine.transparency.service.log import COMMITTEE
from sunshine.transparency.service.log import add_cosignature
from sunshine.transparency.service.log import append
from sunshine.transparency.service.log import get_checkpoint

KEY_ADDED = LogKind("transparency.key_added")
KEY_CONFIRMED = LogKind("transparency.key_confirmed")
KEY_RETIRED = LogKind("transparency.key_retired")
EVENTS = {KEY_ADDED: "added", KEY_CONFIRMED: "confirmed", KEY_RETIRED: "retired"}
DEVICE_LENGTH = 80


def key_record(kind: LogKind, row: SigningKey) -> dict[str, object]:
    """The record a key change is logged as (the audit derives it from the row alike)."""
    if kind == KEY_ADDED:
        public = rules.PublicKey(row.name, row.public_key).text()
        return {
            "event": EVENTS[kind],
            "key": row.name,
            "public_key": public,
            "member": row.member_id,
        }
    return {"event": EVENTS[kind], "key": row.name}


def register_committee_key(
    session: Session,
    community_id: int,
    *,
    public_key: str,
    member_id: int | None = None,
    device: str = "",
) -> SigningKey:
    """Record a committee member's public key (its private key stays with the member).

    The key does not count until someone else confirms it (`confirm_key`).
    """
    key = rules.parse_public_key(public_key)
    if session.get(SigningKey, (community_id, key.name)) is not None:
        raise Conflict("a key named {name} is already registered", args={"name": key.name})
    same = select(SigningKey.name).where(
        SigningKey.community_id == community_id, SigningKey.public_key == key.key
    )
    if session.scalar(same) is not None:
        raise Conflict("this key is already registered")
    device = device.strip()
    if len(device) > DEVICE_LENGTH:
        raise Invalid("name the device in at most {n} characters", args={"n": DEVICE_LENGTH})
    row = SigningKey(
        community_id=community_id,
        name=key.name,
        role=COMMITTEE,
        public_key=key.key,
        added_at=clock.now(),
        member_id=member_id,
        device=device,
    )
    session.add(row)
    session.flush()
    append(session, community_id, kind=KEY_ADDED, record=key_record(KEY_ADDED, row), ref=row.name)
    return row


def register_device_key(
    session: Session, ref: CommunityRef, *, member_id: int, public_key: bytes, device: str
) -> SigningKey:
    """Register the raw 32-byte Ed25519 key a member's browser made, under a name made here."""
    taken = session.scalars(
        select(SigningKey.name).where(
            SigningKey.community_id == ref.id, SigningKey.member_id == member_id
        )
    ).all()
    number = len(taken) + 1
    while f"{ref.code}-committee-m{member_id}-{number}" in taken:
        number += 1
    public = rules.PublicKey(f"{ref.code}-committee-m{member_id}-{number}", public_key)
    return register_committee_key(
        session, ref.id, public_key=public.text(), member_id=member_id, device=device
    )


def committee_key(session: Session, community_id: int, name: str) -> SigningKey:
    row = session.get(SigningKey, (community_id, name))
    if row is None or row.role != COMMITTEE:
        raise NotFound("there is no committee key {name}", args={"name": name})
    if row.retired_at is not None:
        raise Conflict("the key {name} is retired", args={"name": name})
    return row


def confirm_key(
    session: Session, community_id: int, name: str, *, by_id: int, authority: str | None = None
) -> SigningKey:
    """Confirm a member's key: by someone else (the edge checks that they may confirm).

    Confirming is what makes a registered key count, so this is where the committee's
    decision registering it (`authority`: `decision:N` about `signing_key:NAME`) is asked
    for, where the community's setting requires one (`infra.authority`).
    """
    row = committee_key(session, community_id, name)
    if row.member_id == by_id:
        raise Forbidden("another committee member or the manager confirms your key")
    if row.confirmed_at is not None:
        raise Conflict("the key {name} is already confirmed", args={"name": name})
    matter = authorities.signing_key_matter(name)
    authorities.authorise(session, community_id, matter, authority, actor_id=by_id)
    row.confirmed_at, row.confirmed_by = clock.now(), by_id
    session.flush()
    append(
        session, community_id, kind=KEY_CONFIRMED, record=key_record(KEY_CONFIRMED, row), ref=name
    )
    return row


def retire_key(
    session: Session, community_id: int, name: str, *, by_id: int, others: bool = False
) -> SigningKey:
    """Retire a key: its member's own, or anyone's for whom may retire `others` (the manager)."""
    row = committee_key(session, community_id, name)
    if row.member_id != by_id and not others:
        raise Forbidden("only its member or the manager retires a key")
    row.retired_at = clock.now()
    session.flush()
    append(session, community_id, kind=KEY_RETIRED, record=key_record(KEY_RETIRED, row), ref=name)
    return row


def committee_keys(session: Session, community_id: int) -> list[SigningKey]:
    """Every committee key still in use (confirmed or waiting), oldest first."""
    return list(
        session.scalars(
            select(SigningKey)
            .where(
                SigningKey.community_id == community_id,
                SigningKey.role == COMMITTEE,
                SigningKey.retired_at.is_(None),
            )
            .order_by(SigningKey.added_at, SigningKey.name)
        )
    )


def checkpoint_body(session: Session, community_id: int, tree_size_: int) -> str:
    """What a co-signer signs: the checkpoint's note body, exactly as `cosign` signs it."""
    note = get_checkpoint(session, community_id, tree_size_).note
    return rules.parse_signed_checkpoint(note).checkpoint.body()


def cosign_as_member(
    session: Session,
    community_id: int,
    *,
    tree_size_: int,
    key_name: str,
    signature: bytes,
    member_id: int,
) -> Cosignature:
    """Attach a signature made on a member's device with their confirmed key, once checked."""
    row = committee_key(session, community_id, key_name)
    if row.member_id != member_id:
        raise Forbidden("sign with a key of your own")
    if row.confirmed_at is None:
        raise Invalid("the key {name} is not confirmed yet", args={"name": key_name})
    if len(signature) != 64:
        raise Invalid("an Ed25519 signature has 64 bytes")
    key_id = rules.key_id(row.name, row.public_key)
    line = rules.NoteSignature(row.name, key_id, signature).line()
    return add_cosignature(session, community_id, tree_size_=tree_size_, signature_line=line)


def cosigners(
    session: Session, community_id: int, sizes: Iterable[int]
) -> dict[int, frozenset[int]]:
    """For each checkpoint size, the members whose confirmed keys co-signed it.

    A key retired later still counts for what it signed while in use; a key never
    confirmed, or one that belongs to no member, counts for nobody.
    """
    wanted = sorted(set(sizes))
    found: dict[int, set[int]] = {size: set() for size in wanted}
    if not wanted:
        return {}
    rows = session.execute(
        select(Cosignature.tree_size, Cosignature.created_at, SigningKey)
        .join(
            SigningKey,
            (SigningKey.community_id == Cosignature.community_id)
            & (SigningKey.name == Cosignature.key_name),
        )
        .where(
            Cosignature.community_id == community_id,
            Cosignature.tree_size.in_(wanted),
            SigningKey.role == COMMITTEE,
            SigningKey.confirmed_at.is_not(None),
            SigningKey.member_id.is_not(None),
        )
    )
    for size, signed_at, key in rows:
        if _in_use(key, signed_at) and key.member_id is not None:
            found[size].add(key.member_id)
    return {size: frozenset(members) for size, members in found.items()}


def _in_use(key: SigningKey, at: datetime) -> bool:
    return key.retired_at is None or key.retired_at > at
