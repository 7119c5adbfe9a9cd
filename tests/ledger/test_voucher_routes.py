"""Voucher pages and API: who sees the public copy, who opens the original (logged), uploads."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.infra.settings import get_settings
from sunshine.infra.web import CSRF_HEADER
from sunshine.ledger import service
from sunshine.ledger.models import Voucher
from sunshine.registry.models import Community
from sunshine.registry.service import publicity
from sunshine.transparency import service as log
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user

# The smallest valid PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
REDACTED = b"%PDF-1.4\n% blacked out\n%%EOF\n"
FORM = {"csrf_token": "test-csrf-token"}


@pytest.fixture(autouse=True)
def _voucher_files_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@dataclass(frozen=True)
class People:
    community: Community
    staff: User
    owner: User
    resident: User
    committee: User
    supervisor: User
    voucher: Voucher

    @property
    def base(self) -> str:
        return f"/c/{self.community.code}/vouchers/{self.voucher.sha256}"

    @property
    def api(self) -> str:
        return f"/api/v1/communities/{self.community.code}/vouchers"


@pytest.fixture
def people(session: Session) -> People:
    """A community with one role each and a stored voucher (a PNG photo of a receipt)."""
    community = make_community(session, name="荆川东园")

    def member(role: Role) -> User:
        return make_user(session, community=community, role=role)

    staff = member(Role.TRUSTEE_STAFF)
    voucher = service.store_voucher(
        session, community.id, PNG, name="王小明工资条.png", actor_id=staff.id
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


def add_public_copy(session: Session, people: People) -> None:
    service.store_public_copy(
        session, people.community.id, people.voucher.sha256, REDACTED, actor_id=people.staff.id
    )


def openings(session: Session, people: People) -> list[int]:
    accesses = service.voucher_accesses(session, people.community.id, people.voucher.sha256)
    return [a.user_id for a in accesses]


# --- the public copy ----------------------------------------------------------


def test_without_a_public_copy_a_small_page_says_so_and_staff_get_the_upload_form(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.owner)
    owner_page = client.get(people.base)

    assert owner_page.status_code == 200
    assert owner_page.headers["content-type"].startswith("text/html")
    assert "这张凭证还没有公开版本" in owner_page.text
    assert "查看原件（每次查看都会留下记录）" in owner_page.text
    assert "上传公开版本" not in owner_page.text
    assert "王小明" not in owner_page.text  # the file's name may name a person

    log_in(client, session, people.staff)
    staff_page = client.get(people.base)

    assert 'enctype="multipart/form-data"' in staff_page.text
    assert f'action="{people.base}/public-copy"' in staff_page.text
    assert "不超过 10 MB" in staff_page.text
    assert "原件调阅记录" in staff_page.text


def test_staff_upload_the_public_copy_and_owners_and_residents_see_it(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.staff)

    uploaded = client.post(
        f"{people.base}/public-copy",
        data=FORM,
        files={"file": ("blacked-out.png", REDACTED, "image/png")},
        follow_redirects=False,
    )

    assert uploaded.status_code == 303
    assert uploaded.headers["location"] == people.base
    for reader in (people.owner, people.resident):
        log_in(client, session, reader)
        page = client.get(people.base)
        assert page.status_code == 200
        assert f'href="{people.base}/public-copy"' in page.text  # a PDF pdfium cannot draw
        copy = client.get(f"{people.base}/public-copy")
        assert copy.status_code == 200
        assert copy.content == REDACTED
        assert copy.headers["content-type"] == "application/pdf"  # sniffed, not as sent
        assert copy.headers["content-disposition"].startswith("inline")
        assert copy.headers["x-content-type-options"] == "nosniff"
    assert openings(session, people) == []  # the public copy is not the original


def test_the_public_copy_appears_in_the_transparency_log(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.staff)
    before = log.tree_size(session, people.community.id)

    client.post(
        f"{people.base}/public-copy",
        data=FORM,
        files={"file": ("copy.pdf", REDACTED, "application/pdf")},
        follow_redirects=False,
    )

    assert log.tree_size(session, people.community.id) == before + 1
    record = log.find_record(
        session, people.community.id, kind=service.PUBLIC_COPY_KIND, ref=people.voucher.sha256
    )
    assert record is not None
    assert (
        json.loads(record.body)["public_sha256"]
        == service.get_voucher(session, people.community.id, people.voucher.sha256).public_sha256
    )


def test_a_refused_public_copy_comes_back_on_the_page_in_chinese(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.staff)

    refused = client.post(
        f"{people.base}/public-copy",
        data=FORM,
        files={"file": ("copy.jpg", b"not an image\n", "image/jpeg")},
    )

    assert refused.status_code == 422
    assert "凭证只能是 JPEG、PNG 或 PDF 文件（按文件内容检查，不看文件名）" in refused.text
    assert (
        service.get_voucher(session, people.community.id, people.voucher.sha256).public_sha256
        is None
    )


def test_only_staff_upload_a_public_copy_and_only_with_the_csrf_token(
    client: TestClient, session: Session, people: People
) -> None:
    files = {"file": ("copy.pdf", REDACTED, "application/pdf")}
    log_in(client, session, people.owner)
    assert client.post(f"{people.base}/public-copy", data=FORM, files=files).status_code == 403

    log_in(client, session, people.staff)
    no_token = client.post(f"{people.base}/public-copy", files=files, headers={CSRF_HEADER: ""})
    assert no_token.status_code == 403
    assert (
        service.get_voucher(session, people.community.id, people.voucher.sha256).public_sha256
        is None
    )


# --- the original ---------------------------------------------------------------


def test_an_owner_opens_the_original_and_every_opening_is_logged(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.owner)

    warning = client.get(f"{people.base}/original")
    assert warning.headers["content-type"].startswith("text/html")
    assert "原件含有个人信息。" in warning.text
    assert "本次调阅将被记录" in warning.text
    assert f'href="{people.base}/original?confirm=true"' in warning.text
    assert openings(session, people) == []  # the warning is not an opening

    first = client.get(f"{people.base}/original?confirm=true")
    second = client.get(f"{people.base}/original?confirm=true")

    for response in (first, second):
        assert response.status_code == 200
        assert response.content == PNG
        assert response.headers["content-type"] == "image/png"
        assert response.headers["content-disposition"].startswith("inline")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "private, no-store"
    assert openings(session, people) == [people.owner.id, people.owner.id]


def test_a_resident_may_not_open_the_original(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.resident)

    page = client.get(f"{people.base}/original?confirm=true")
    api = client.get(f"{people.api}/{people.voucher.sha256}/original")

    assert page.status_code == 403
    assert api.status_code == 403
    assert openings(session, people) == []


def test_the_original_needs_a_login(client: TestClient, session: Session, people: People) -> None:
    page = client.get(f"{people.base}/original", follow_redirects=False)
    api = client.get(f"{people.api}/{people.voucher.sha256}/original")
    public = client.get(people.base, follow_redirects=False)
    publicity.set_public_disclosure(session, people.community.code, public=False)
    private = client.get(people.base, follow_redirects=False)

    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    assert api.status_code == 401
    assert public.status_code == 200  # the public copy's page, while disclosure is public
    assert private.status_code == 303  # else members only, public copy included
    assert openings(session, people) == []


def test_a_member_of_another_community_finds_nothing(
    client: TestClient, session: Session, people: People
) -> None:
    elsewhere = make_community(session, name="别的小区")
    log_in(client, session, make_user(session, community=elsewhere, role=Role.OWNER))
    publicity.set_public_disclosure(session, people.community.code, public=False)

    assert client.get(f"{people.base}/original").status_code == 404
    assert client.get(people.base).status_code == 404
    assert openings(session, people) == []


def test_an_unknown_voucher_is_404(client: TestClient, session: Session, people: People) -> None:
    log_in(client, session, people.owner)

    assert client.get(f"/c/{people.community.code}/vouchers/{'0' * 64}").status_code == 404
    assert client.get(f"/c/{people.community.code}/vouchers/nothex/original").status_code == 404
    assert client.get(f"{people.api}/{'0' * 64}").status_code == 404


# --- who opened the original ---------------------------------------------------------


def test_the_committee_and_staff_see_who_opened_the_original_and_others_do_not(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.owner)
    client.get(f"{people.base}/original?confirm=true")

    for reader in (people.committee, people.staff):
        log_in(client, session, reader)
        page = client.get(f"{people.base}/accesses")
        assert page.status_code == 200
        assert people.owner.display_name in page.text
    for reader, status in ((people.owner, 403), (people.supervisor, 403), (people.resident, 403)):
        log_in(client, session, reader)
        assert client.get(f"{people.base}/accesses").status_code == status

    log_in(client, session, people.committee)
    listed = client.get(f"{people.api}/{people.voucher.sha256}/accesses").json()
    assert [(a["user_id"], a["display_name"]) for a in listed] == [
        (people.owner.id, people.owner.display_name)
    ]


# --- the JSON API ----------------------------------------------------------------


def test_staff_upload_a_voucher_by_api_and_its_kind_comes_from_its_content(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.staff)
    pdf = b"%PDF-1.7\n% electricity bill\n%%EOF\n"

    stored = client.post(people.api, files={"file": ("bill.png", pdf, "image/png")})
    again = client.post(people.api, files={"file": ("copy.pdf", pdf, "application/pdf")})

    assert stored.status_code == 201
    body = stored.json()
    assert body["media_type"] == "application/pdf"
    assert body["size_bytes"] == len(pdf)
    assert again.json()["sha256"] == body["sha256"]
    assert service.voucher_bytes(body["sha256"]) == pdf


def test_an_api_upload_that_is_not_a_voucher_file_is_422(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.staff)

    refused = client.post(people.api, files={"file": ("receipt.jpg", b"text\n", "image/jpeg")})

    assert refused.status_code == 422
    assert refused.json()["error"]["type"] == "Invalid"


def test_an_owner_may_not_upload_by_api(
    client: TestClient, session: Session, people: People
) -> None:
    log_in(client, session, people.owner)

    assert client.post(people.api, files={"file": ("x.png", PNG, "image/png")}).status_code == 403


def test_the_api_shows_metadata_the_public_copy_and_the_original(
    client: TestClient, session: Session, people: People
) -> None:
    sha = people.voucher.sha256
    log_in(client, session, people.resident)
    shown = client.get(f"{people.api}/{sha}").json()
    assert shown["media_type"] == "image/png"
    assert shown["size_bytes"] == len(PNG)
    assert shown["public_sha256"] is None
    assert shown["entries"] == []
    assert shown["original_name"] is None  # a resident may not open the original
    assert client.get(f"{people.api}/{sha}/public").status_code == 404

    log_in(client, session, people.staff)
    set_copy = client.post(
        f"{people.api}/{sha}/public-copy", files={"file": ("c.pdf", REDACTED, "application/pdf")}
    )
    assert set_copy.status_code == 200
    assert set_copy.json()["public_sha256"] is not None
    twice = client.post(
        f"{people.api}/{sha}/public-copy", files={"file": ("d.pdf", REDACTED + b" ", "x/y")}
    )
    assert twice.status_code == 409

    log_in(client, session, people.resident)
    public = client.get(f"{people.api}/{sha}/public")
    assert public.content == REDACTED
    assert public.headers["content-type"] == "application/pdf"

    log_in(client, session, people.owner)
    assert client.get(f"{people.api}/{sha}").json()["original_name"] == "王小明工资条.png"
    original = client.get(f"{people.api}/{sha}/original")
    assert original.content == PNG
    assert original.headers["cache-control"] == "private, no-store"
    assert openings(session, people) == [people.owner.id]


def test_the_public_copy_set_through_the_service_is_served_to_owners(
    client: TestClient, session: Session, people: People
) -> None:
    add_public_copy(session, people)
    log_in(client, session, people.owner)

    assert client.get(f"{people.base}/public-copy").content == REDACTED
