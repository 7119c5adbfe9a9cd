"""The read-only JSON API of surveys and announcements: public where disclosure is public.

A closed survey comes with its logged result (aggregates only), an open one without its
counts so far; with disclosure off only the community's people read them.
"""

from __future__ import annotations

import json
from datetime import UTC
from datetime import date
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.rules.survey import AskedOf
from sunshine.governance.rules.survey import Channel
from sunshine.governance.service import announcements
from sunshine.governance.service import surveys
from sunshine.identity.rules import Role
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.governance.votes_setup import NAMES
from tests.governance.votes_setup import place

OPENS, CLOSES = date(2026, 12, 10), date(2026, 12, 20)
DURING = datetime(2026, 12, 12, 2, 0, tzinfo=UTC)


def _survey(session: Session, cid: int, title: str) -> int:
    return surveys.open_survey(
        session, cid, title=title, questions=[("是否同意东门空地改作停车场？", ("同意", "不同意"))],
        asked_of=AskedOf.OWNERS, opens_on=OPENS, closes_on=CLOSES, actor_id=None,
    ).id  # fmt: skip


def _setting(session: Session) -> tuple[Community, int, int, int]:
    """A closed survey (two door answers: agree, disagree), an open one answered once, and an
    announcement."""
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    staff = make_user(session).id
    closed, still_open = (
        _survey(session, p.cid, "东门停车场意见征求"),
        _survey(session, p.cid, "绿化"),
    )
    for survey, unit, option in ((closed, 0, 1), (closed, 1, 2), (still_open, 2, 1)):
        surveys.enter_response(
            session, p.cid, survey, unit_id=p.units[unit], answers={1: option},
            channel=Channel.DOOR, actor_id=staff, at=DURING,
        )  # fmt: skip
    surveys.close_survey(session, p.cid, closed, on=CLOSES)
    notice = announcements.publish(
        session, p.cid, kind=AnnouncementKind.OTHER, title="停水通知", text="明日停水",
        on=date(2026, 12, 1), actor_id=None,
    )  # fmt: skip
    session.flush()
    return community, closed, still_open, notice.id


def test_anyone_reads_surveys_and_announcements_where_disclosure_is_public(
    client: TestClient, session: Session
) -> None:
    community, closed, still_open, notice = _setting(session)
    base = f"/api/v1/communities/{community.code}/governance"

    listed = client.get(f"{base}/surveys")
    assert listed.status_code == 200
    by_id = {s["id"]: s for s in listed.json()}
    assert set(by_id) == {closed, still_open}
    result = by_id[closed]["result"]
    assert (by_id[closed]["binding"], by_id[closed]["label"]) == (False, "意见征求，不具表决效力")
    assert (result["asked"], result["responses"]) == (4, 2)
    assert [o["count"] for o in result["questions"][0]["options"]] == [1, 1]
    assert by_id[still_open]["state"] == "open"
    assert by_id[still_open]["result"] is None  # no counts while it is open
    one = client.get(f"{base}/surveys/{closed}")
    assert one.status_code == 200
    assert one.json() == by_id[closed]
    shown = json.dumps(listed.json(), ensure_ascii=False)
    assert not [w for w in (*NAMES, "1-1-101", "unit_id", "party") if w in shown]
    assert client.get(f"{base}/surveys/999").status_code == 404

    board = client.get(f"{base}/announcements")
    assert board.status_code == 200
    assert [(a["id"], a["title"], a["late"]) for a in board.json()] == [(notice, "停水通知", False)]
    assert client.get(f"{base}/announcements/{notice}").json()["text"] == "明日停水"
    assert client.get(f"{base}/announcements/999").status_code == 404


def test_with_disclosure_off_only_the_community_reads_them(
    client: TestClient, session: Session
) -> None:
    community, closed, _open, notice = _setting(session)
    community.public_disclosure = False
    session.flush()
    base = f"/api/v1/communities/{community.code}/governance"
    paths = [f"{base}/surveys", f"{base}/surveys/{closed}", f"{base}/announcements",
             f"{base}/announcements/{notice}"]  # fmt: skip
    assert [client.get(p).status_code for p in paths] == [401] * 4
    log_in(client, session, make_user(session, community=make_community(session), role=Role.OWNER))
    assert [client.get(p).status_code for p in paths] == [404] * 4  # a stranger
    log_in(client, session, make_user(session, community=community, role=Role.RESIDENT))
    assert [client.get(p).status_code for p in paths] == [200] * 4
