"""The month-close page: only a manager asks, only a committee member countersigns, in Chinese.

October 2024 of tests/ledger/books_support.py: four payments, 9,618.58 in all.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.infra.authority import month_close_matter
from sunshine.kernel.periods import Period
from sunshine.ledger import service
from sunshine.transparency import service as log
from tests.factories import log_in
from tests.factories import make_community
from tests.governance.authority_setup import decided
from tests.ledger.books_support import FORM
from tests.ledger.books_support import book_october
from tests.ledger.builders import CHART_OPENED
from tests.ledger.builders import Books

OCTOBER = Period(2024, 10)
HTMX = {"HX-Request": "true"}
_phones = itertools.count(1)


@dataclass(frozen=True)
class Office:
    code: str
    community_id: int
    manager: User
    committee: User
    member: User  # a second committee member
    staff: User
    owner: User
    admin: User
    decision: str  # the committee's decision co-signing October's close: decision:N


def _person(session: Session, community_id: int, role: Role | None) -> User:
    """A user who logs in by phone (no password to hash: argon2 would cost a second here)."""
    user = identity.add_user(
        session, display_name=f"测试{next(_phones)}", phone=f"1390000{next(_phones):04d}"
    )
    if role is Role.PLATFORM_ADMIN:
        user.global_role = role
    elif role is not None:
        identity.grant_role(session, user_id=user.id, community_id=community_id, role=role)
    return user


@pytest.fixture
def office(session: Session) -> Office:
    community = make_community(session, name="荆川东园")
    service.open_chart(session, community.id, on=CHART_OPENED)
    people = {
        who: _person(session, community.id, role)
        for who, role in [
            ("manager", Role.TRUSTEE_MANAGER),
            ("committee", Role.COMMITTEE),
            ("member", Role.COMMITTEE),
            ("staff", Role.TRUSTEE_STAFF),
            ("owner", Role.OWNER),
            ("admin", Role.PLATFORM_ADMIN),
        ]
    }
    book_october(session, Books(community.id, people["staff"].id))
    cited = decided(session, community.id, month_close_matter(OCTOBER), on=date(2024, 11, 2))
    session.flush()
    return Office(code=community.code, community_id=community.id, decision=cited, **people)


def _ask(client: TestClient, office: Office, *, confirm: bool = True) -> int:
    data = {**FORM, "period": "2024-10", **({"confirm": "true"} if confirm else {})}
    url = f"/c/{office.code}/ledger/close/requests"
    status: int = client.post(url, data=data, follow_redirects=False).status_code
    return status


def _countersign(
    client: TestClient, office: Office, number: int = 1, *, cite: str | None = None
) -> int:
    url = f"/c/{office.code}/ledger/close/requests/{number}/countersign"
    data = {**FORM, "confirm": "true", "authority": office.decision if cite is None else cite}
    status: int = client.post(url, data=data, follow_redirects=False).status_code
    return status


def _close_kinds(session: Session, community_id: int) -> list[str]:
    kinds = {service.REQUESTED_KIND, service.WITHDRAWN_KIND, service.CLOSED_KIND}
    return [r.kind for r in log.iter_records(session, community_id) if r.kind in kinds]


def test_a_manager_reviews_the_month_confirms_and_asks(
    client: TestClient, session: Session, office: Office
) -> None:
    log_in(client, session, office.manager)
    page = client.get(f"/c/{office.code}/ledger/close")
    assert page.status_code == 200
    assert "月度结账" in page.text
    assert "尚无已结账的月份" in page.text
    assert '<option value="2024-10">2024-10</option>' in page.text
    assert 'hx-get="/c/' + office.code + '/ledger/close/review"' in page.text

    review = client.get(f"/c/{office.code}/ledger/close/review?period=2024-10", headers=HTMX)
    assert review.status_code == 200
    assert "<html" not in review.text  # the fragment htmx puts in place
    assert "结账后不可撤销。" in review.text
    assert "9,618.58" in review.text  # the month's spending
    assert "40,381.42" in review.text  # the bank at the month's end
    assert "2024-09 — 2024-10" in review.text  # September, still open, closes with it
    assert 'name="confirm"' in review.text
    assert 'name="csrf_token"' in review.text
    no_script = client.get(f"/c/{office.code}/ledger/close/review?period=2024-10")
    assert "<html" in no_script.text
    assert "9,618.58" in no_script.text

    assert _ask(client, office, confirm=False) == 422  # the confirmation is required
    assert _close_kinds(session, office.community_id) == []
    assert _ask(client, office) == 303
    assert not service.is_closed(session, office.community_id, OCTOBER)
    assert _close_kinds(session, office.community_id) == [service.REQUESTED_KIND]
    waiting = client.get(f"/c/{office.code}/ledger/close").text
    assert "等待业委会会签" in waiting
    assert office.manager.display_name in waiting
    assert "撤回申请" in waiting
    assert "/countersign" not in waiting  # a manager is offered no countersignature


@pytest.mark.parametrize("who", ["staff", "committee", "owner"])
def test_only_a_manager_asks(
    client: TestClient, session: Session, office: Office, who: str
) -> None:
    log_in(client, session, getattr(office, who))
    assert _ask(client, office) == 403
    assert client.get(f"/c/{office.code}/ledger/close/review?period=2024-10").status_code == 403
    assert service.pending_request(session, office.community_id) is None


@pytest.mark.parametrize("who", ["manager", "staff", "admin", "owner"])
def test_only_a_committee_member_countersigns(
    client: TestClient, session: Session, office: Office, who: str
) -> None:
    log_in(client, session, office.manager)
    assert _ask(client, office) == 303
    log_in(client, session, getattr(office, who))
    assert _countersign(client, office) == 403
    assert not service.is_closed(session, office.community_id, OCTOBER)


def test_a_committee_member_countersigns_and_the_month_closes(
    client: TestClient, session: Session, office: Office
) -> None:
    log_in(client, session, office.manager)
    assert _ask(client, office) == 303
    log_in(client, session, office.committee)
    page = client.get(f"/c/{office.code}/ledger/close").text
    assert "会签并结账 2024-10" in page
    assert "9,618.58" in page  # the committee sees the same figures
    assert 'name="authority"' in page
    assert _countersign(client, office, cite="") == 422  # the committee's decision is required
    assert _countersign(client, office, cite="decision:99") == 422
    assert not service.is_closed(session, office.community_id, OCTOBER)
    assert _countersign(client, office) == 303
    assert service.closed_through(session, office.community_id) == OCTOBER
    assert _close_kinds(session, office.community_id) == [
        service.REQUESTED_KIND,
        service.CLOSED_KIND,
    ]
    done = client.get(f"/c/{office.code}/ledger/close").text
    assert "已会签：已结账" in done
    assert office.committee.display_name in done
    assert "/log/records/" in done  # each step links to its public log record
    number = office.decision.partition(":")[2]
    assert f'href="/c/{office.code}/decisions/{number}"' in done  # the decision it cites
    assert _countersign(client, office) == 409  # decided once


def test_a_manager_who_is_also_on_the_committee_cannot_countersign_their_own_request(
    client: TestClient, session: Session, office: Office
) -> None:
    identity.grant_role(
        session, user_id=office.manager.id, community_id=office.community_id, role=Role.COMMITTEE
    )
    log_in(client, session, office.manager)
    assert _ask(client, office) == 303
    assert "须由另一位业委会成员会签" in client.get(f"/c/{office.code}/ledger/close").text
    refused = client.post(
        f"/c/{office.code}/ledger/close/requests/1/countersign",
        data={**FORM, "confirm": "true"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert "申请结账的人不能为同一申请会签" in refused.text
    assert not service.is_closed(session, office.community_id, OCTOBER)
    log_in(client, session, office.member)
    assert _countersign(client, office) == 303


def test_closed_months_and_months_not_ended_are_refused_and_later_months_offered(
    client: TestClient, session: Session, office: Office
) -> None:
    log_in(client, session, office.manager)
    assert _ask(client, office) == 303
    log_in(client, session, office.committee)
    assert _countersign(client, office) == 303
    log_in(client, session, office.manager)
    page = client.get(f"/c/{office.code}/ledger/close").text
    assert '<option value="2024-10">' not in page
    assert '<option value="2024-11">2024-11</option>' in page
    closed = client.get(f"/c/{office.code}/ledger/close/review?period=2024-09", headers=HTMX)
    assert closed.status_code == 409
    assert "已结账" in closed.text
    assert 'name="confirm"' not in closed.text
    future = client.get(f"/c/{office.code}/ledger/close/review?period=2999-01", headers=HTMX)
    assert future.status_code == 422
    again = client.post(
        f"/c/{office.code}/ledger/close/requests",
        data={**FORM, "period": "2024-10", "confirm": "true"},
        follow_redirects=False,
    )
    assert again.status_code == 409


def test_a_withdrawn_request_is_shown_and_logged(
    client: TestClient, session: Session, office: Office
) -> None:
    log_in(client, session, office.manager)
    assert _ask(client, office) == 303
    withdrawn = client.post(
        f"/c/{office.code}/ledger/close/requests/1/withdraw", data=FORM, follow_redirects=False
    )
    assert withdrawn.status_code == 303
    assert _close_kinds(session, office.community_id) == [
        service.REQUESTED_KIND,
        service.WITHDRAWN_KIND,
    ]
    assert "已撤回" in client.get(f"/c/{office.code}/ledger/close").text
    log_in(client, session, office.committee)
    assert _countersign(client, office) == 409


def test_the_page_is_for_staff_and_the_committee_and_the_ledger_links_to_it(
    client: TestClient, session: Session, office: Office
) -> None:
    log_in(client, session, office.owner)
    assert client.get(f"/c/{office.code}/ledger/close").status_code == 403
    assert "/ledger/close" not in client.get(f"/c/{office.code}/ledger").text
    log_in(client, session, office.committee)
    assert f'href="/c/{office.code}/ledger/close"' in client.get(f"/c/{office.code}/ledger").text
    page = client.get(f"/c/{office.code}/ledger/close").text
    assert "申请业委会会签结账" not in page  # the committee does not ask
