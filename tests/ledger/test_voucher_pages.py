"""The voucher page, drawing the public copy in the browser's form, and the openings list:
what each role sees and may do (the public copy for members, originals with the role)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.infra.settings import get_settings
from sunshine.infra.web import CSRF_HEADER
from sunshine.ledger import service
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.redaction_support import pdf_with_text
from tests.ledger.redaction_support import picture
from tests.ledger.test_voucher_routes import FORM
from tests.ledger.test_voucher_routes import People
from tests.ledger.test_voucher_routes import openings

BOXES = json.dumps([{"page": 0, "x": 0.25, "y": 0.3, "w": 0.5, "h": 0.4}])


@pytest.fixture(autouse=True)
def _voucher_files_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def people(session: Session) -> People:
    """One member per role and a voucher: a coloured PNG photo of a receipt."""
    community = make_community(session, name="荆川东园")

    def member(role: Role) -> User:
        return make_user(session, community=community, role=role)

    staff = member(Role.TRUSTEE_STAFF)
    voucher = service.store_voucher(
        session, community.id, picture(), name="王小明收据.png", actor_id=staff.id
    )
    return People(
        community=community,
        staff=staff,
        owner=member(Role.OWNER),
        resident=member(Role.RESIDENT),
        committee=member(Role.COMMITTEE),
        supervisor=member(Role.SUPERVISOR),
        voucher=voucher,
    )


def _redact(client: TestClient, people: People, boxes: str = BOXES) -> Response:
    return client.post(
        f"{people.base}/redact", data={**FORM, "boxes": boxes}, follow_redirects=False
    )


def test_staff_draw_boxes_and_the_public_copy_is_made_on_the_server(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.staff)
    form = client.get(f"{people.base}/redact")
    assert form.status_code == 200
    assert form.text.count('src="data:image/png;base64,') == 1  # the original's one page
    assert '<script src="/static/voucher-redact.js" defer></script>' in form.text
    assert openings(session, people) == [people.staff.id]  # seeing it is an opening

    made = client.post(
        f"{people.base}/redact", data={**FORM, "boxes": BOXES}, follow_redirects=False
    )

    assert made.status_code == 303
    assert made.headers["location"] == people.base
    voucher = service.get_voucher(session, people.community.id, people.voucher.sha256)
    assert voucher.public_sha256 not in (None, people.voucher.sha256)
    log_in(client, session, people.resident)
    page = client.get(people.base)
    assert f'<img class="voucher-page" src="{people.base}/public-copy"' in page.text
    assert 'data-zoom="in"' in page.text
    assert "公开副本待制作" not in page.text
    copy = client.get(f"{people.base}/public-copy")
    assert copy.headers["content-type"] == "image/png"
    assert copy.content != picture()
    assert client.get(f"{people.base}/redact").status_code == 403


def test_a_pdf_public_copy_is_shown_page_by_page(
    client: TestClient, session: Session, people: People
) -> None:
    cid = people.community.id
    sha = service.store_voucher(session, cid, pdf_with_text(), name="x.pdf", actor_id=None).sha256
    service.redact_voucher(session, cid, sha, [], actor_id=people.staff.id)
    log_in(client, session, people.owner)

    page = client.get(f"/c/{people.community.code}/vouchers/{sha}?notice=2024-10")

    assert page.status_code == 200
    assert len(re.findall(r'<img class="voucher-page" src="data:image/', page.text)) == 2
    assert f'href="/c/{people.community.code}/notices/2024-10"' in page.text
    assert "返回 2024-10 的公示" in page.text


def test_bad_boxes_come_back_on_the_page_and_nothing_is_kept(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.staff)

    refused = _redact(client, people, "[]")
    outside = _redact(client, people, json.dumps([{"page": 3, "x": 0, "y": 0, "w": 1, "h": 1}]))

    assert refused.status_code == 422
    assert "请至少在个人信息上画一个遮盖框" in refused.text
    assert outside.status_code == 422
    voucher = service.get_voucher(session, people.community.id, people.voucher.sha256)
    assert voucher.public_sha256 is None


def test_only_staff_draw_the_public_copy_and_only_with_the_csrf_token(
    client: TestClient, session: Session, people: People
) -> None:
    for reader in (people.owner, people.committee, people.supervisor, people.resident):
        log_in(client, session, reader)
        assert client.get(f"{people.base}/redact").status_code == 403
        assert _redact(client, people).status_code == 403
    log_in(client, session, people.staff)
    no_token = client.post(
        f"{people.base}/redact", data={"boxes": BOXES}, headers={CSRF_HEADER: ""}
    )
    assert no_token.status_code == 403
    voucher = service.get_voucher(session, people.community.id, people.voucher.sha256)
    assert voucher.public_sha256 is None
    assert openings(session, people) == []


def test_the_page_says_public_copy_pending_and_offers_staff_the_boxes(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.owner)
    owner_page = client.get(people.base)
    assert "公开副本待制作" in owner_page.text
    assert "/redact" not in owner_page.text
    assert f'href="{people.base}/original"' in owner_page.text  # the warning comes first

    log_in(client, session, people.staff)
    assert f'href="{people.base}/redact"' in client.get(people.base).text


def test_logged_out_and_other_communities_see_no_voucher(
    client: TestClient, session: Session, people: People
) -> None:
    assert client.get(people.base).status_code == 200  # public disclosure: the page, "pending"
    for path in ("/original", "/redact"):
        assert client.get(people.base + path, follow_redirects=False).status_code in (303, 401)
    elsewhere = make_community(session, name="别的小区")
    log_in(client, session, make_user(session, community=elsewhere, role=Role.TRUSTEE_STAFF))
    # The voucher page is public (disclosure is on by default); what is not, stays hidden.
    for path in ("/original?confirm=true", "/redact", "/accesses"):
        assert client.get(people.base + path).status_code == 404, path
    assert client.get(f"/c/{people.community.code}/vouchers/accesses").status_code == 404


def test_the_committee_and_staff_see_every_opening_in_the_community(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.owner)
    client.get(f"{people.base}/original?confirm=true")
    listing = f"/c/{people.community.code}/vouchers/accesses"

    for reader in (people.committee, people.staff):
        log_in(client, session, reader)
        page = client.get(listing)
        assert page.status_code == 200
        assert people.owner.display_name in page.text
        assert f'href="{people.base}"' in page.text
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", page.text)  # China time
    for reader in (people.owner, people.supervisor, people.resident):
        log_in(client, session, reader)
        assert client.get(listing).status_code == 403


def test_owners_see_the_grouped_fingerprint_and_the_full_hash_only_behind_details(
    client: TestClient, session: Session, people: People
) -> None:
    sha = people.voucher.sha256
    grouped = " ".join(sha[i : i + 4].upper() for i in range(0, 16, 4))  # "3F2A 9C1B …"

    log_in(client, session, people.owner)
    owner = client.get(people.base).text
    log_in(client, session, people.staff)
    staff = client.get(people.base).text

    outside_details = re.sub(r"<details.*?</details>", "", owner, flags=re.DOTALL)
    assert f'<span class="fingerprint">{grouped}</span>' in owner
    assert sha not in outside_details.replace(people.base, "")  # only in links to itself
    assert re.search(
        rf"<details[^>]*><summary>详情</summary>SHA-256 <code[^>]*>{sha}</code>", owner
    )
    assert f'<code class="hash">{sha}</code>' in staff
