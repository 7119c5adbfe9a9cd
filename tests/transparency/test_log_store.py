"""The database-backed log: stored subtrees give the same roots and proofs as the RFC definition."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.infra import settings as settings_module
from sunshine.kernel import merkle
from sunshine.kernel.errors import Invalid
from sunshine.transparency import service as log
from sunshine.transparency.rules import records as rules
from tests.factories import make_community


@pytest.fixture(autouse=True)
def _keys_in_tmp(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    settings_module.get_settings.cache_clear()
    yield
    settings_module.get_settings.cache_clear()


def _fill(session: Session, community_id: int, count: int) -> list[bytes]:
    log.append_many(
        session,
        community_id,
        [log.Entry("test", {"n": n, "text": f"记录{n}"}, ref=str(n)) for n in range(count)],
    )
    return [merkle.leaf_hash(rules.canonical({"n": n, "text": f"记录{n}"})) for n in range(count)]


def test_roots_and_proofs_from_stored_subtrees_match_the_rfc_definition(session: Session) -> None:
    community = make_community(session)
    leaves = _fill(session, community.id, 37)
    for size in (1, 2, 3, 8, 13, 32, 37):
        expected = merkle.root_of(leaves[:size])
        assert log.root(session, community.id, size) == expected
        for seq in (0, size // 2, size - 1):
            proof = log.inclusion_proof(session, community.id, seq=seq, size=size)
            assert merkle.verify_inclusion(seq, size, leaves[seq], proof, expected)
    for old in (1, 5, 16, 36):
        proof = log.consistency_proof(session, community.id, old_size=old, new_size=37)
        assert merkle.verify_consistency(
            old, 37, proof, merkle.root_of(leaves[:old]), merkle.root_of(leaves)
        )


def test_single_appends_continue_the_same_tree(session: Session) -> None:
    community = make_community(session)
    leaves = _fill(session, community.id, 5)
    row = log.append(session, community.id, kind="test", record={"n": 5}, ref="5")
    assert row.seq == 5
    assert log.root(session, community.id) == merkle.root_of([*leaves, row.leaf_hash])


def test_each_community_has_its_own_tree(session: Session) -> None:
    first, second = make_community(session), make_community(session)
    _fill(session, first.id, 4)
    assert log.tree_size(session, second.id) == 0
    assert log.append(session, second.id, kind="test", record={"n": 0}).seq == 0


def test_a_checkpoint_is_signed_and_a_committee_cosignature_is_checked(session: Session) -> None:
    community = make_community(session)
    origin = f"sunshine/{community.code}"
    leaves = _fill(session, community.id, 6)
    checkpoint = log.sign_checkpoint(session, community.id, origin=origin)
    note = log.signed_note(session, community.id, checkpoint)
    platform = log.public_keys(session, community.id)[0]
    assert note.checkpoint.root_hash == merkle.root_of(leaves)
    assert note.signed_by(platform)

    member = rules.Signer.generate("committee-zhou")
    log.register_committee_key(session, community.id, public_key=member.public.text())
    line = rules.signature_over(note.checkpoint, member).line()
    log.add_cosignature(session, community.id, tree_size_=6, signature_line=line)
    assert log.signed_note(session, community.id, checkpoint).signed_by(member.public)

    stranger = rules.Signer.generate("committee-zhou")  # same name, another key
    forged = rules.signature_over(note.checkpoint, stranger).line()
    with pytest.raises(Invalid):
        log.add_cosignature(session, community.id, tree_size_=6, signature_line=forged)


def test_the_database_refuses_to_change_a_log_record(session: Session) -> None:
    community = make_community(session)
    _fill(session, community.id, 16)  # 16 leaves complete the first stored subtree node
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(
            text("UPDATE transparency_record SET body = :b WHERE community_id = :c AND seq = 0"),
            {"b": b"{}", "c": community.id},
        )
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(
            text("DELETE FROM transparency_node WHERE community_id = :c"), {"c": community.id}
        )
