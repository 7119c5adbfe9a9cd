"""The log over HTTP: members read proofs that verify; other communities' members see nothing."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.infra import settings as settings_module
from sunshine.kernel import merkle
from sunshine.transparency import service as log
from sunshine.transparency.rules import verifier
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _keys_in_tmp(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    settings_module.get_settings.cache_clear()
    yield
    settings_module.get_settings.cache_clear()


def _b64(items: list[str]) -> list[bytes]:
    return [base64.b64decode(item) for item in items]


def test_an_owner_gets_proofs_that_verify_and_a_bundle_that_passes(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    rows = [log.append(session, community.id, kind="test", record={"n": n}) for n in range(6)]
    log.sign_checkpoint(session, community.id, origin=f"sunshine/{community.code}")
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    base = f"/api/v1/communities/{community.code}/log"

    status = client.get(base).json()
    assert status["tree_size"] == 6
    assert status["keys"][0]["name"] == f"sunshine/{community.code}"
    root = base64.b64decode(status["root_hash"])

    proof = client.get(f"{base}/proofs/inclusion", params={"seq": 2, "size": 6}).json()
    assert merkle.verify_inclusion(2, 6, rows[2].leaf_hash, _b64(proof["proof"]), root)
    step = client.get(f"{base}/proofs/consistency", params={"from": 3, "to": 6}).json()
    old_root = merkle.root_of([r.leaf_hash for r in rows[:3]])
    assert merkle.verify_consistency(3, 6, _b64(step["proof"]), old_root, root)

    bundle = client.get(f"{base}/bundle", params={"seq": [1, 4]}).json()
    report = verifier.verify_bundle(bundle, trusted_keys=[status["keys"][0]["public_key"]])
    assert report.ok, report.checks


def test_a_member_of_another_community_cannot_read_the_log(
    client: TestClient, session: Session
) -> None:
    mine, theirs = make_community(session), make_community(session)
    theirs.public_disclosure = False  # else its keys and proofs are public
    log.append(session, theirs.id, kind="test", record={"n": 0})
    log_in(client, session, make_user(session, community=mine, role=Role.OWNER))
    for path in ("", "/records/0", "/proofs/inclusion?seq=0&size=1"):
        assert client.get(f"/api/v1/communities/{theirs.code}/log{path}").status_code == 404
