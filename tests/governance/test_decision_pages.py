"""The decisions' pages: owners read each decision by member number, the committee page shows
no phones, a committee member records a decision and sets which steps need one; others may not."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.governance.service import authority as governance
from sunshine.governance.service import committees
from sunshine.governance.service import decisions
from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.infra import authority
from sunshine.infra.authority import MatterKind
from sunshine.registry import service as registry
from sunshine.transparency import service as transparency
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.governance.authority_setup import decided

FORM = {"csrf_token": "test-csrf-token"}
BUDGET = authority.budget_matter(2024, 1)
PHONE = "13900001234"


@dataclass(frozen=True)
class Place:
    code: str
    cid: int
    owner: User
    member: User
    stranger: User
    cited: str


@pytest.fixture
def place(session: Session) -> Place:
    community = make_community(session, name="荆川东园")
    cid = community.id
    cited = decided(session, cid, BUDGET)  # three members, 委员甲 乙 丙, 2 of 3 in favour
    [committee] = committees.list_committees(session, cid)
    party = registry.add_party(session, cid, name="委员丁", phone=PHONE)
    committees.add_member(session, cid, committee.id, party_id=party.id, term_from=date(2024, 9, 1))
    authority.authorise(session, cid, BUDGET, cited, actor_id=None)
    session.flush()
    return Place(
        community.code,
        cid,
        make_user(session, community=community, role=Role.OWNER),
        make_user(session, community=community, role=Role.COMMITTEE),
        make_user(session),
        cited,
    )


def test_owners_read_the_decisions_and_each_one_by_member_number(
    client: TestClient, session: Session, place: Place
) -> None:
    log_in(client, session, place.owner)
    listed = client.get(f"/c/{place.code}/decisions")
    assert listed.status_code == 200
    number = place.cited.partition(":")[2]
    assert f'href="/c/{place.code}/decisions/{number}"' in listed.text
    assert "关于budget:2024/v1的决定" in listed.text
    assert "会议表决" in listed.text
    assert "通过" in listed.text
    assert "2 / 0 / 0 · 3/3" in listed.text  # for / against / abstained · present/members
    assert "记录决定" not in listed.text  # an owner records nothing

    shown = client.get(f"/c/{place.code}/decisions/{number}")
    assert shown.status_code == 200
    text = shown.text
    for name in ("委员甲", "委员乙", "委员丙"):
        assert name not in text  # members by number only (LAW.md 3)
    assert re.search(r"<td>1</td><td>赞成</td>", text)
    assert re.search(r"<td>3</td><td>缺席</td>", text)  # present, but cast no vote
    assert "committee.quorum" in text  # the rule, with its source
    assert "建房〔2009〕274号" in text
    assert "全体委员半数以上（含半数）" in text  # the setting it was counted by
    assert "结果一致" in text  # recounted from the log
    assert "budget:2024/v1" in text  # what it authorised
    assert f'href="/c/{place.code}/budget"' in text
    assert client.get(f"/c/{place.code}/decisions/99").status_code == 404


def test_the_committee_page_lists_members_with_roles_and_terms_and_no_phones(
    client: TestClient, session: Session, place: Place
) -> None:
    log_in(client, session, place.owner)
    page = client.get(f"/c/{place.code}/committee")
    assert page.status_code == 200
    assert "物业管理委员会" in page.text
    for name in ("委员甲", "委员乙", "委员丙", "委员丁"):
        assert name in page.text
    assert "在任" in page.text
    assert "2024-09-01" in page.text or "2024年9月1日" in page.text
    assert PHONE not in page.text


def test_strangers_and_visitors_read_nothing(
    client: TestClient, session: Session, place: Place
) -> None:
    registry.get_community(session, place.code).public_disclosure = False  # members only
    session.flush()
    for path in ("decisions", "decisions/1", "committee"):
        assert client.get(f"/c/{place.code}/{path}", follow_redirects=False).status_code in (
            303,
            401,
        )
    log_in(client, session, place.stranger)
    for path in ("decisions", "decisions/1", "committee"):
        assert client.get(f"/c/{place.code}/{path}").status_code == 404


def test_where_disclosure_is_public_anyone_reads_the_announced_decisions_only(
    client: TestClient, session: Session, place: Place
) -> None:
    community = registry.get_community(session, place.code)
    unannounced = int(decided(session, place.cid, BUDGET, on=date(2024, 9, 2)).partition(":")[2])
    announced = int(place.cited.partition(":")[2])
    decisions.announce(session, place.cid, announced, on=date(2024, 8, 30))
    base = f"/c/{place.code}/decisions"

    community.public_disclosure = True
    session.flush()
    listed = client.get(base)
    assert listed.status_code == 200
    assert f'href="{base}/{announced}"' in listed.text
    assert f'href="{base}/{unannounced}"' not in listed.text
    shown = client.get(f"{base}/{announced}")
    assert shown.status_code == 200
    assert "委员甲" not in shown.text  # members by number, never by name
    assert client.get(f"{base}/{unannounced}").status_code == 404
    for closed in ("/new", "/settings"):  # the committee's own pages stay theirs
        assert client.get(base + closed, follow_redirects=False).status_code == 303
    assert client.get(f"/c/{place.code}/committee", follow_redirects=False).status_code == 303
    log_in(client, session, place.owner)  # a member sees the unannounced one too
    assert f'href="{base}/{unannounced}"' in client.get(base).text
    assert client.get(f"{base}/{unannounced}").status_code == 200

    community.public_disclosure = False
    session.flush()
    client.cookies.clear()
    for path in (base, f"{base}/{announced}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


def _decide(client: TestClient, place: Place, **fields: object) -> int:
    data = {
        **FORM,
        "committee": "1",  # the community's only committee
        "title": "批准2024年10月结账",
        "way": "meeting",
        "decided_on": "2024-11-02",
        "about": "month_close",
        "about_ref": "2024-10",
        "member": ["1", "2", "3", "4"],
        "choice": ["yes", "yes", "no", "absent"],
        **fields,
    }
    status: int = client.post(
        f"/c/{place.code}/decisions", data=data, follow_redirects=False
    ).status_code
    return status


def test_a_committee_member_records_a_decision_that_is_counted_and_logged(
    client: TestClient, session: Session, place: Place
) -> None:
    log_in(client, session, place.owner)
    assert client.get(f"/c/{place.code}/decisions/new").status_code == 403
    assert _decide(client, place) == 403
    log_in(client, session, place.member)
    form = client.get(f"/c/{place.code}/decisions/new")
    assert form.status_code == 200
    assert "委员丁" in form.text  # the one recording sees who is who
    assert _decide(client, place, title="") == 422
    assert _decide(client, place, choice=["yes", "maybe", "no", "absent"]) == 422
    assert len(decisions.list_decisions(session, place.cid)) == 1
    assert _decide(client, place) == 303
    made = decisions.list_decisions(session, place.cid)[-1]
    record = decisions.record_of(made)
    assert record["counted"] == {"members": 4, "present": 3, "yes": 2, "no": 1, "abstain": 0}
    assert record["outcome"] == "adopted"  # 2 of 4: half or more, the default
    assert (made.subject.value, made.subject_ref) == ("month_close", "2024-10")
    logged = transparency.find_record(
        session, place.cid, kind="governance.decision", ref=f"decision/{made.id}"
    )
    assert logged is not None
    body = json.dumps(json.loads(logged.body), ensure_ascii=False)
    assert not any(name in body for name in ("委员甲", "委员乙", "委员丙", "委员丁"))


def test_a_committee_member_sets_which_steps_need_a_decision(
    client: TestClient, session: Session, place: Place
) -> None:
    log_in(client, session, place.owner)
    assert client.get(f"/c/{place.code}/decisions/settings").status_code == 403
    ticked = {**FORM, "required": ["budget", "month_close", "signing_key"]}
    assert client.post(f"/c/{place.code}/decisions/settings", data=ticked).status_code == 403
    assert governance.requirements(session, place.cid)[MatterKind.EXPENSE] is True
    log_in(client, session, place.member)
    page = client.get(f"/c/{place.code}/decisions/settings")
    assert page.status_code == 200
    # required by default, but for the kinds a community switches on (fee change, trustee,
    # change of use of common parts)
    assert page.text.count("checked") == len(MatterKind) - 3
    saved = client.post(f"/c/{place.code}/decisions/settings", data=ticked, follow_redirects=False)
    assert saved.status_code == 303
    assert governance.requirements(session, place.cid) == {
        MatterKind.BUDGET: True,
        MatterKind.EXPENSE: False,
        MatterKind.MONTH_CLOSE: True,
        MatterKind.SIGNING_KEY: True,
        MatterKind.FEE_CHANGE: False,
        MatterKind.TRUSTEE: False,
        MatterKind.COMMON_PARTS: False,
    }
    logged = transparency.find_record(
        session, place.cid, kind="governance.requirement", ref="expense"
    )
    assert logged is not None


def test_the_community_home_links_the_decisions_and_the_committee(
    client: TestClient, session: Session, place: Place
) -> None:
    log_in(client, session, place.owner)
    home = client.get(f"/c/{place.code}")
    assert f'href="/c/{place.code}/decisions"' in home.text
    assert f'href="/c/{place.code}/committee"' in home.text
