"""The committee's co-signing keys: registered, confirmed by someone else, retired, each logged.

A browser's Web Crypto key is stood in for by the `cryptography` library's Ed25519 (not
the PyNaCl the server uses), so the signature the server accepts is one that an
independent implementation made over the checkpoint body's bytes.
"""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat
from sqlalchemy.orm import Session

from sunshine.infra.authority import MatterKind
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.transparency import service as log
from sunshine.transparency.models import LogRecord
from sunshine.transparency.models import SigningKey
from sunshine.transparency.rules import records as rules
from tests.factories import make_community
from tests.governance.authority_setup import waive

MEMBER, OTHER, MANAGER = 11, 12, 13


def _device() -> tuple[Ed25519PrivateKey, bytes]:
    """What a browser makes: a private key that stays, and the raw public key it sends."""
    private = Ed25519PrivateKey.generate()
    return private, private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _signed_log(session: Session) -> tuple[CommunityRef, int]:
    community = make_community(session)
    ref = CommunityRef(community.id, community.code, community.name)
    # about the keys' own steps: the committee decision a key asks for by default is
    # tests/governance/test_authority.py's
    waive(session, ref.id, MatterKind.SIGNING_KEY)
    log.append(session, ref.id, kind=rules.LogKind("ledger.entry"), record={"n": 1}, ref="1")
    checkpoint = log.sign_checkpoint(session, ref.id, origin=ref.origin)
    return ref, checkpoint.tree_size


def _records(session: Session, community_id: int) -> list[tuple[str, dict[str, object]]]:
    rows = session.query(LogRecord).filter_by(community_id=community_id).order_by(LogRecord.seq)
    return [(row.kind, json.loads(row.body)) for row in rows if row.kind.startswith("transparency")]


def _key_findings(session: Session, community_id: int) -> list[str]:
    """What the audit says about keys and the log itself (the stand-in entry has no rows)."""
    report = log.audit(session, community_id)
    return [f.text() for f in report.findings if f.record_kind != "ledger.entry"]


@pytest.mark.db
def test_a_browser_key_counts_once_someone_else_confirms_it(session: Session) -> None:
    ref, size = _signed_log(session)
    private, public = _device()
    key = log.register_device_key(
        session, ref, member_id=MEMBER, public_key=public, device="我的手机"
    )
    body = log.checkpoint_body(session, ref.id, size).encode("utf-8")

    with pytest.raises(Invalid, match="not confirmed"):
        log.cosign_as_member(
            session, ref.id, tree_size_=size, key_name=key.name,
            signature=private.sign(body), member_id=MEMBER,
        )  # fmt: skip
    with pytest.raises(Forbidden):
        log.confirm_key(session, ref.id, key.name, by_id=MEMBER)  # not by oneself
    log.confirm_key(session, ref.id, key.name, by_id=OTHER)
    with pytest.raises(Conflict):
        log.confirm_key(session, ref.id, key.name, by_id=MANAGER)
    log.cosign_as_member(
        session, ref.id, tree_size_=size, key_name=key.name,
        signature=private.sign(body), member_id=MEMBER,
    )  # fmt: skip

    assert log.cosigners(session, ref.id, [size]) == {size: frozenset({MEMBER})}
    note = log.signed_note(session, ref.id, log.get_checkpoint(session, ref.id, size))
    assert note.signed_by(rules.PublicKey(key.name, public))  # the CLI's own check agrees
    assert _records(session, ref.id) == [
        ("transparency.key_added", {
            "event": "added", "key": key.name, "member": MEMBER,
            "public_key": rules.PublicKey(key.name, public).text(),
        }),
        ("transparency.key_confirmed", {"event": "confirmed", "key": key.name}),
    ]  # fmt: skip
    assert _key_findings(session, ref.id) == []


@pytest.mark.db
def test_a_signature_over_anything_else_or_by_another_member_is_refused(
    session: Session,
) -> None:
    ref, size = _signed_log(session)
    private, public = _device()
    key = log.register_device_key(session, ref, member_id=MEMBER, public_key=public, device="")
    log.confirm_key(session, ref.id, key.name, by_id=MANAGER)
    body = log.checkpoint_body(session, ref.id, size).encode("utf-8")

    with pytest.raises(Invalid, match="does not match"):
        log.cosign_as_member(
            session, ref.id, tree_size_=size, key_name=key.name,
            signature=private.sign(body + b"x"), member_id=MEMBER,
        )  # fmt: skip
    with pytest.raises(Invalid, match="does not match"):
        log.cosign_as_member(
            session, ref.id, tree_size_=size, key_name=key.name,
            signature=Ed25519PrivateKey.generate().sign(body), member_id=MEMBER,
        )  # fmt: skip
    with pytest.raises(Forbidden):
        log.cosign_as_member(
            session, ref.id, tree_size_=size, key_name=key.name,
            signature=private.sign(body), member_id=OTHER,
        )  # fmt: skip
    with pytest.raises(Conflict):  # the same key twice
        log.register_device_key(session, ref, member_id=OTHER, public_key=public, device="")
    assert log.cosigners(session, ref.id, [size]) == {size: frozenset()}


@pytest.mark.db
def test_retiring_a_device_keeps_what_it_signed_and_logs_the_change(session: Session) -> None:
    ref, size = _signed_log(session)
    private, public = _device()
    old = log.register_device_key(session, ref, member_id=MEMBER, public_key=public, device="旧")
    log.confirm_key(session, ref.id, old.name, by_id=OTHER)
    body = log.checkpoint_body(session, ref.id, size).encode("utf-8")
    log.cosign_as_member(
        session, ref.id, tree_size_=size, key_name=old.name,
        signature=private.sign(body), member_id=MEMBER,
    )  # fmt: skip
    _, second = _device()
    new = log.register_device_key(session, ref, member_id=MEMBER, public_key=second, device="新")

    with pytest.raises(Forbidden):
        log.retire_key(session, ref.id, old.name, by_id=OTHER)
    log.retire_key(session, ref.id, old.name, by_id=MEMBER)

    assert new.name != old.name
    assert [k.name for k in log.committee_keys(session, ref.id)] == [new.name]
    assert log.cosigners(session, ref.id, [size]) == {size: frozenset({MEMBER})}
    kinds = [kind for kind, _ in _records(session, ref.id)]
    assert kinds[-1] == "transparency.key_retired"
    with pytest.raises(Conflict):
        log.cosign_as_member(
            session, ref.id, tree_size_=size, key_name=old.name,
            signature=private.sign(body), member_id=MEMBER,
        )  # fmt: skip
    assert _key_findings(session, ref.id) == []


@pytest.mark.db
def test_a_key_confirmed_behind_the_apps_back_is_named_by_the_audit(session: Session) -> None:
    ref, _size = _signed_log(session)
    _, public = _device()
    key = log.register_device_key(session, ref, member_id=MEMBER, public_key=public, device="")
    row = session.get(SigningKey, (ref.id, key.name))
    assert row is not None
    row.confirmed_at, row.member_id = row.added_at, OTHER  # no record says so
    session.flush()

    findings = {(f.record_kind, f.key, f.field) for f in log.audit(session, ref.id).findings}

    assert ("transparency.keys", f"{key.name}/confirmed", None) in findings
    assert ("transparency.keys", f"{key.name}/added", "member") in findings
