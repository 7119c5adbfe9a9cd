"""Builders for test data: plain functions, keyword-only overrides, sensible defaults.

Each builder adds and flushes (so ids exist) and never commits.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.demo import service as demo
from sunshine.governance.service import authority as governance_authority
from sunshine.identity import service as identity
from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.infra import authority
from sunshine.infra import clock
from sunshine.infra.web import SESSION_COOKIE
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.models import Unit

_serial = itertools.count(1)
# The demo books every month that has ended by `clock.today()`; loaded on this day it holds
# its first year only (2024-09..2025-08), which is all most tests read, and loads fastest.
FIRST_YEAR_LOADED = date(2025, 9, 20)
PASSWORD = "correct horse battery"


def make_community(
    session: Session, *, code: str | None = None, name: str = "测试小区"
) -> Community:
    draft = registry.CommunityDraft(
        code=code or f"c{next(_serial)}",
        name=name,
        city="常州市",
        district="钟楼区",
        street="永红街道",
        neighbourhood="锦阳苑社区",
        committee_kind=rules.CommitteeKind.PROPERTY_COMMITTEE,
        trustee_company="测试物业有限公司",
    )
    return registry.create_community(session, draft)


def make_unit(
    session: Session, community: Community, *, number: str = "1-1-101", area: str = "85.37"
) -> Unit:
    code = number.split("-", maxsplit=1)[0]
    if registry.find_building(session, community.id, code) is None:
        registry.add_building(session, community.id, code=code, name=f"{code}幢", floors=18)
    return registry.add_unit(
        session, community.id, registry.UnitDraft(number=number, area=Decimal(area))
    )


def make_user(
    session: Session,
    *,
    community: Community | None = None,
    role: Role | None = None,
    global_role: Role | None = None,
    phone: str | None = None,
) -> User:
    """A user who logs in with a password (username u<N>) and, when given, a phone."""
    n = next(_serial)
    user = identity.add_user(
        session,
        display_name=f"测试用户{n}",
        username=f"u{n}",
        phone=phone,
        password=PASSWORD,
        global_role=global_role,
    )
    if community is not None and role is not None:
        identity.grant_role(session, user_id=user.id, community_id=community.id, role=role)
    return user


def log_in(client: TestClient, session: Session, user: User) -> None:
    """Give `client` a session cookie for `user` (the login forms are tested on their own)."""
    token = identity.start_session(session, user_id=user.id)
    client.cookies.set(SESSION_COOKIE, token)


def load_demo(session: Session, *, today: date = FIRST_YEAR_LOADED) -> Community:
    """Load 荆川东园 as it would be loaded on `today` (the clock is pinned during the load only)."""
    # The demo's budgets and rates cite the 物管会's decisions; the benches that load it
    # outside pytest (bench/) have no conftest to install governance's check.
    authority.use_authority(governance_authority.check, governance_authority.find)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "today", lambda: today)
        return demo.load_reference_community(session)
