"""Publishing's confirmation step, and the committee co-signing from its own device, as pages.

The browser is stood in for by the `cryptography` library's Ed25519: the test reads the
bytes to sign from the notice page (as static/cosign.js does) and posts the signature.
tests/browser/test_cosign.py drives the real browser through the same pages.
"""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.disclosure.service import notices
from sunshine.identity.rules import Role
from sunshine.infra.authority import MatterKind
from sunshine.infra.authority import authorised_by
from sunshine.infra.authority import signing_key_matter
from sunshine.infra.tenancy import CommunityRef
from sunshine.transparency import service as transparency
from tests.disclosure.test_board_pages import NOVEMBER_5
from tests.disclosure.test_board_pages import OCTOBER
from tests.disclosure.test_board_pages import _october
from tests.disclosure.test_board_pages import _text
from tests.factories import log_in
from tests.factories import make_user
from tests.governance.authority_setup import decided
from tests.governance.authority_setup import waive
from tests.ledger.books_support import FORM

pytestmark = pytest.mark.db


def test_publishing_shows_what_will_be_published_before_the_final_post(
    client: TestClient, session: Session
) -> None:
    setting, _ref, sha = _october(session)
    log_in(client, session, setting.owner)
    assert client.get(f"/c/{setting.code}/notices/2024-10/publish/review").status_code == 403

    log_in(client, session, setting.staff)
    form = client.get(f"/c/{setting.code}/notices/2024-10/publish")
    assert f'action="/c/{setting.code}/notices/2024-10/publish/review"' in form.text
    review = client.get(f"/c/{setting.code}/notices/2024-10/publish/review")

    assert review.status_code == 200, review.text
    words = _text(review.text)
    assert "将要发布的内容" in words
    assert "支出 9,618.58" in words
    assert "版本 1" in words or "Version 1" in words or " 1 " in words
    assert "引用的凭证 1" in words
    assert f"/c/{setting.code}/vouchers/{sha}" in review.text
    assert f'method="post" action="/c/{setting.code}/notices/2024-10/publish"' in review.text
    assert notices.find_latest(session, setting.community.id, OCTOBER) is None  # nothing yet
    published = client.post(
        f"/c/{setting.code}/notices/2024-10/publish", data=FORM, follow_redirects=False
    )
    assert published.status_code == 303


def _device() -> tuple[Ed25519PrivateKey, str]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, base64.b64encode(raw).decode()


def _attribute(html: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', html)
    assert found is not None, name
    return found.group(1)


def test_a_member_registers_a_device_the_manager_confirms_and_the_member_co_signs(
    client: TestClient, session: Session
) -> None:
    setting, ref, _sha = _october(session)
    found = notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    member = make_user(session, community=setting.community, role=Role.COMMITTEE)
    manager = make_user(session, community=setting.community, role=Role.TRUSTEE_MANAGER)
    code = setting.code

    log_in(client, session, member)
    board = _text(client.get(f"/c/{code}/board").text)
    assert "尚未联署" in board
    assert "等待委员会联署的公示: 1" in board
    private, public = _device()
    registered = client.post(
        f"/c/{code}/cosign", data={**FORM, "public_key": public, "device": "我的手机"}
    )
    assert registered.status_code == 200, registered.text  # followed back to the keys page
    assert "等待确认" in _text(registered.text)
    [key] = transparency.committee_keys(session, setting.community.id)
    mine = client.post(f"/c/{code}/cosign/confirm", data={**FORM, "key": key.name})
    assert mine.status_code == 403  # not by oneself
    page = client.get(f"/c/{code}/notices/2024-10")
    assert _attribute(page.text, "data-keys") == ""  # nothing confirmed to sign with yet

    log_in(client, session, manager)
    assert 'name="authority"' in client.get(f"/c/{code}/cosign").text
    # the committee's decision registering the key is required by default
    alone = client.post(f"/c/{code}/cosign/confirm", data={**FORM, "key": key.name})
    assert alone.status_code == 422
    cited = decided(session, setting.community.id, signing_key_matter(key.name))
    confirmed = client.post(
        f"/c/{code}/cosign/confirm", data={**FORM, "key": key.name, "authority": cited}
    )
    assert confirmed.status_code == 200
    assert authorised_by(session, setting.community.id, signing_key_matter(key.name)) == cited

    log_in(client, session, member)
    page = client.get(f"/c/{code}/notices/2024-10")
    assert _attribute(page.text, "data-keys") == f"{key.name}:{public}"
    body = base64.b64decode(_attribute(page.text, "data-body"))
    bad = client.post(
        f"/c/{code}/notices/2024-10/cosign",
        data={**FORM, "v": "1", "key": key.name,
              "signature": base64.b64encode(private.sign(body + b"!")).decode()},
    )  # fmt: skip
    assert bad.status_code == 422
    signed = client.post(
        f"/c/{code}/notices/2024-10/cosign",
        data={**FORM, "v": "1", "key": key.name,
              "signature": base64.b64encode(private.sign(body)).decode()},
        follow_redirects=False,
    )  # fmt: skip
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == f"/c/{code}/notices/2024-10?v=1"

    log_in(client, session, setting.owner)
    board = _text(client.get(f"/c/{code}/board").text)
    assert "委员会 1/1 名委员已联署" in board
    assert "等待委员会联署" not in board
    notice = client.get(f"/c/{code}/notices/2024-10").text
    assert member.display_name not in notice  # the role, never the name
    assert "data-cosign-sign" not in notice  # owners do not co-sign
    size = found.checkpoint_size
    assert transparency.cosigners(session, setting.community.id, [size])[size] == {member.id}


def test_the_threshold_is_a_community_setting(client: TestClient, session: Session) -> None:
    setting, ref, _sha = _october(session)
    found = notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    member = make_user(session, community=setting.community, role=Role.COMMITTEE)
    make_user(session, community=setting.community, role=Role.COMMITTEE)
    admin = make_user(session, global_role=Role.PLATFORM_ADMIN)
    _cosign_directly(session, ref, member.id, found.checkpoint_size)

    log_in(client, session, member)
    refused = client.post(f"/c/{setting.code}/cosign/threshold", data={**FORM, "threshold": "2"})
    assert refused.status_code == 403
    # the second member holds no key yet: co-signed by 1 of the 1 who can
    assert "委员会 1/1 名委员已联署" in _text(client.get(f"/c/{setting.code}/board").text)

    log_in(client, session, admin)
    changed = client.post(f"/c/{setting.code}/cosign/threshold", data={**FORM, "threshold": "2"})
    assert changed.status_code == 200
    log_in(client, session, member)
    board = _text(client.get(f"/c/{setting.code}/board").text)
    assert "委员会 1/1 名委员已联署 还需 1 名委员联署" in board
    assert "等待委员会联署的公示: 1" in board


def _cosign_directly(session: Session, ref: CommunityRef, member_id: int, size: int) -> None:
    private, public = _device()
    key = transparency.register_device_key(
        session, ref, member_id=member_id, public_key=base64.b64decode(public), device=""
    )
    waive(session, ref.id, MatterKind.SIGNING_KEY)  # confirmed by a stand-in, not the point here
    transparency.confirm_key(session, ref.id, key.name, by_id=member_id + 1000)
    body = transparency.checkpoint_body(session, ref.id, size).encode("utf-8")
    transparency.cosign_as_member(
        session, ref.id, tree_size_=size, key_name=key.name,
        signature=private.sign(body), member_id=member_id,
    )  # fmt: skip
