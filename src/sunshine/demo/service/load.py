"""Load the reference community 荆川东园 (code `jcdy`) and its demo logins, once.

The facts come from seed/SCENARIO.md; the people, areas and plates from `demo/rules/plan.py`.
Everything goes through the registry and identity services, so the demo obeys the same
rules as real data. Like every service this never commits: `sunshine demo load` does.

Loading is idempotent: when `jcdy` exists, the existing community is returned and
nothing is written. Login users are global, so one that already exists (say `admin`,
added by hand) is reused rather than refused; its password is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from sunshine.demo.rules import plan
from sunshine.demo.service import budget as demo_budget
from sunshine.demo.service import committee as demo_committee
from sunshine.demo.service import later as demo_later
from sunshine.demo.service import meeting as demo_meeting
from sunshine.demo.service import notices as demo_notices
from sunshine.demo.service import spending as demo_spending
from sunshine.demo.service import survey as demo_survey
from sunshine.demo.service import vote as demo_vote
from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.infra.tenancy import CommunityRef
from sunshine.registry import service as registry
from sunshine.registry.rules import CommitteeKind
from sunshine.registry.rules import PartyKind
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import SpaceKind
from sunshine.transparency import service as transparency

if TYPE_CHECKING:
    # Only as types: the demo reads and writes other parts' rows through their services.
    from sunshine.identity.models import User
    from sunshine.registry.models import Community
    from sunshine.registry.models import Party
    from sunshine.registry.models import Unit

CODE = "jcdy"
TRUSTEE = "常州鼎盛物业服务有限责任公司"
TRUSTEE_SINCE = date(2024, 9, 1)  # the gate barrier and the trustee started that day
DEMO_PASSWORD = "sunshine-demo"  # noqa: S105 - documented, printed by `sunshine demo logins`
OWNER_PHONE = "19900000017"  # the owner of 1-2-301 (plan.owner_phone(plan.OWNER_UNIT))
RESIDENT_PHONE = "19900005009"  # the tenant of 1-1-501 (plan.tenant_phone(plan.TENANT_UNIT))
RESIDENT_SPACES = tuple(f"P{n:02d}" for n in range(1, 61))
VISITOR_SPACES = tuple(f"V{n}" for n in range(1, 10))

DRAFT = registry.CommunityDraft(
    code=CODE,
    name="荆川东园",
    name_en="Jingchuan Dongyuan",
    city="常州市",
    district="钟楼区",
    street="永红街道",
    neighbourhood="锦阳苑社区",
    address="江苏省常州市钟楼区永红街道锦阳苑社区荆川东园",
    built_year=1995,
    trustee_company=TRUSTEE,
    trustee_since=TRUSTEE_SINCE,
    committee_kind=CommitteeKind.PROPERTY_COMMITTEE,
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One login per role, as `sunshine demo logins` prints it."""

    role: Role
    title_zh: str
    title_en: str
    login: str  # a username, or a phone number for code login
    by_phone: bool = False


LOGINS = (
    DemoLogin(Role.PLATFORM_ADMIN, "平台管理员", "platform admin", "admin"),
    DemoLogin(Role.TRUSTEE_MANAGER, "物业项目经理", "trustee manager", "manager"),
    DemoLogin(Role.TRUSTEE_STAFF, "物业工作人员", "trustee staff", "staff"),
    DemoLogin(Role.COMMITTEE, "物管会委员", "committee member", "committee"),
    DemoLogin(Role.SUPERVISOR, "社区监督", "neighbourhood supervisor", "supervisor"),
    DemoLogin(Role.CITY_SUPERVISOR, "市住建局监督", "city supervisor", "city"),
    DemoLogin(Role.OWNER, "业主", "owner", OWNER_PHONE, by_phone=True),
    DemoLogin(Role.RESIDENT, "住户（租户）", "resident (tenant)", RESIDENT_PHONE, by_phone=True),
)

# (username, display name, role) for the people who are not owners or residents.
_STAFF = (
    ("admin", "平台管理员（示例）", Role.PLATFORM_ADMIN),
    ("manager", "鼎盛物业项目经理（示例）", Role.TRUSTEE_MANAGER),
    ("staff", "鼎盛物业工作人员（示例）", Role.TRUSTEE_STAFF),
    ("supervisor", "锦阳苑社区监督员（示例）", Role.SUPERVISOR),
    ("city", "常州市住建局监督员（示例）", Role.CITY_SUPERVISOR),
)

Report = Callable[[str], None]
STEPS = 10  # how many times `load_reference_community` calls `report`


def _silent(_label: str) -> None:
    """Report nothing."""


def load_reference_community(session: Session, *, report: Report = _silent) -> Community:
    """Build 荆川东园 as SCENARIO.md gives it, or return it untouched if it is already there.

    Args:
        session: where to write; not committed here.
        report: called with a short label (Chinese / English) after each of `STEPS` steps,
            so a command can show progress.
    """
    existing = registry.find_community(session, CODE)
    if existing is not None:
        return existing
    community = registry.create_community(session, DRAFT)
    cid = community.id
    blueprint = plan.reference_plan()
    report("小区 / community")
    units = _add_units(session, cid, blueprint)
    report("楼栋与房屋 / buildings and units")
    parties = _add_people(session, cid, blueprint)
    report("业主与住户 / owners and residents")
    _add_ownerships(session, cid, blueprint, units=units, parties=parties)
    report("产权 / ownerships")
    for vehicle in blueprint.vehicles:
        registry.register_vehicle(
            session,
            cid,
            plate=vehicle.plate,
            unit_id=units[vehicle.unit].id,
            party_id=parties[vehicle.person].id,
        )
    report("车辆 / vehicles")
    registry.add_parking_spaces(
        session, cid, kind=SpaceKind.RESIDENT, codes=list(RESIDENT_SPACES), location="小区内"
    )
    registry.add_parking_spaces(
        session, cid, kind=SpaceKind.VISITOR, codes=list(VISITOR_SPACES), location="入口道闸旁"
    )
    report("车位 / parking spaces")
    _add_logins(session, cid, parties=parties)
    demo_committee.ensure_committee(session, cid)
    report("登录账号与物管会 / logins and the committee")
    _load_years(session, CommunityRef(cid, community.code, community.name), report)
    return community


def _load_years(session: Session, ref: CommunityRef, report: Report) -> None:
    """The first year's books, budget and notices, then the months since, in that order.

    The first year is logged and published before any later month is booked, so the October
    2024 notice's checkpoint (its printed fingerprint) is the same whenever the demo is
    loaded; the months since only ever come after it in the log.
    """
    today = clock.today()
    last = demo_later.last_complete_month(today)  # never before the first year's end
    year_end = demo_later.SCENARIO_LAST
    committee = identity.find_user_by_username(session, "committee")
    member = None if committee is None else committee.id
    staff = identity.find_user_by_username(session, "staff")
    publisher = None if staff is None else staff.id
    demo_later.load_books(session, ref.id, origin=ref.origin, last=year_end)
    report("账簿 / books")
    demo_budget.load_budget(session, ref.id, actor_id=member)
    demo_notices.publish_through(session, ref, last=year_end, today=today, actor_id=publisher)
    report("第一年公示 / the first year's notices")
    demo_survey.load_survey(session, ref, actor_id=publisher)  # after the checkpoint
    demo_vote.load_vote(session, ref.id, actor_id=member)  # after the October checkpoint
    demo_meeting.load_meeting(session, ref, actor_id=publisher)  # logged after October's
    later = year_end.next()
    if later <= last:
        demo_later.load_books(session, ref.id, origin=ref.origin, first=later, last=last)
        demo_budget.load_later_budgets(session, ref.id, last=last, actor_id=member)
        demo_notices.publish_through(
            session, ref, first=later, last=last, today=today, actor_id=publisher
        )
    demo_spending.load_spending(session, ref)  # limits and expenses, logged after the notices
    # Governance's records (survey, vote, meeting, expenses) come after the last notice's
    # checkpoint: signed once more, as the daily job would, so every record is covered.
    transparency.sign_if_behind(session, ref.id, origin=ref.origin)
    report("公示 / notices")


def _add_units(session: Session, cid: int, blueprint: plan.Plan) -> dict[str, Unit]:
    for building in range(1, plan.BUILDINGS + 1):
        registry.add_building(
            session, cid, code=str(building), name=f"{building}幢", floors=plan.FLOORS
        )
    return {
        unit.number: registry.add_unit(
            session,
            cid,
            registry.UnitDraft(
                number=unit.number,
                area=Decimal(unit.area),
                area_source=unit.area_source,
                sale_state=unit.sale_state,
            ),
        )
        for unit in blueprint.units
    }


def _add_people(session: Session, cid: int, blueprint: plan.Plan) -> dict[str, Party]:
    parties = {
        plan.DEVELOPER: registry.add_party(
            session,
            cid,
            name="示例建设单位（原开发商）",
            kind=PartyKind.ORGANISATION,
            is_developer=True,
        )
    }
    for person in blueprint.people:
        parties[person.key] = registry.add_party(session, cid, name=person.name, phone=person.phone)
    return parties


def _add_ownerships(
    session: Session,
    cid: int,
    blueprint: plan.Plan,
    *,
    units: dict[str, Unit],
    parties: dict[str, Party],
) -> None:
    for owned in blueprint.ownerships:
        registry.set_owner(
            session,
            cid,
            unit_id=units[owned.unit].id,
            party_id=parties[owned.person].id,
            share_percent=owned.share_percent,
            designated_voter=owned.designated_voter,
            registered=owned.registered,
        )
    for lives in blueprint.residencies:
        # Tenants moved in after the renovation; owners' move-in dates are not on record.
        since = date(2024, 3, 1) if lives.kind is ResidentKind.TENANT else None
        registry.add_resident(
            session,
            cid,
            unit_id=units[lives.unit].id,
            party_id=parties[lives.person].id,
            kind=lives.kind,
            since_on=since,
        )


def _add_logins(session: Session, cid: int, *, parties: dict[str, Party]) -> None:
    for username, name, role in _STAFF:
        wide = role in (Role.PLATFORM_ADMIN, Role.CITY_SUPERVISOR)
        user = _ensure_user(
            session, name=name, username=username, global_role=role if wide else None
        )
        if not wide:
            identity.grant_role(session, user_id=user.id, community_id=cid, role=role)
    for index, number in enumerate(plan.COMMITTEE_UNITS, start=1):
        owner = parties[plan.person(plan.serial_of(number)).key]
        username = "committee" if index == 1 else f"committee{index}"
        user = _ensure_user(session, name=owner.name, username=username, phone=owner.phone)
        _link(session, cid, user=user, party=owner, roles=(Role.OWNER, Role.COMMITTEE))
    owner = parties[plan.person(plan.serial_of(plan.OWNER_UNIT)).key]
    user = _ensure_user(session, name=owner.name, phone=owner.phone)
    _link(session, cid, user=user, party=owner, roles=(Role.OWNER,))
    tenant = parties[plan.person(5000 + plan.serial_of(plan.TENANT_UNIT)).key]
    user = _ensure_user(session, name=tenant.name, phone=tenant.phone)
    _link(session, cid, user=user, party=tenant, roles=(Role.RESIDENT,))


def _ensure_user(
    session: Session,
    *,
    name: str,
    username: str | None = None,
    phone: str | None = None,
    global_role: Role | None = None,
) -> User:
    found = identity.find_user_by_username(session, username) if username else None
    found = found or (identity.find_user_by_phone(session, phone) if phone else None)
    if found is not None:
        return found
    return identity.add_user(
        session,
        display_name=name,
        username=username,
        phone=phone,
        password=DEMO_PASSWORD if username else None,
        global_role=global_role,
    )


def _link(session: Session, cid: int, *, user: User, party: Party, roles: tuple[Role, ...]) -> None:
    registry.link_login(session, cid, party_id=party.id, user_id=user.id)
    for role in roles:
        identity.grant_role(session, user_id=user.id, community_id=cid, role=role)
    session.flush()
