"""A small community with a chart, a committee of four with logins, and spending limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.disclosure.rules.budget import LineDraft
from sunshine.disclosure.rules.budget import LineKind
from sunshine.disclosure.service import budgets
from sunshine.governance.rules.committee import CommitteeMajority
from sunshine.governance.rules.decisions import MemberRole
from sunshine.governance.service import committees
from sunshine.governance.service import spending
from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger
from sunshine.registry.rules import CommitteeKind
from tests.factories import make_user
from tests.governance.authority_setup import waive
from tests.governance.votes_setup import NAMES
from tests.governance.votes_setup import place
from tests.governance.votes_setup import voucher
from tests.ledger.books_support import PNG

DAY = date(2026, 11, 2)
LIMIT = Fen.parse("2000.00")
VOTE_LIMIT = Fen.parse("50000.00")


@dataclass
class Shop:
    cid: int
    committee: int
    members: list[int]  # member ids
    users: list[int]  # their logins, in the same order
    trustee: int  # the trustee's login
    supervisor: int
    quote: str  # a voucher's SHA-256
    owners: list[int]


def _login(session: Session, cid: int, role: Role) -> int:
    user = make_user(session)
    identity.grant_role(session, user_id=user.id, community_id=cid, role=role)
    return user.id


def shop(session: Session, *, limits: bool = True) -> Shop:
    where = place(session)
    cid = where.cid
    ledger.open_chart(session, cid, on=date(2026, 1, 1))
    ledger.post_entry(
        session,
        cid,
        ledger_rules.EntryDraft(
            date(2026, 1, 1),
            "期初信托资金余额",
            (
                ledger_rules.PostingDraft("1001", Fen.parse("100000.00")),
                ledger_rules.PostingDraft("3001", Fen.parse("-100000.00")),
            ),
        ),
        actor_id=None,
    )
    committee = committees.add_committee(
        session, cid, kind=CommitteeKind.PROPERTY_COMMITTEE, name="物业管理委员会",
        formed_on=date(2026, 1, 1), majority=CommitteeMajority.HALF_OR_MORE,
    )  # fmt: skip
    members, users = [], []
    for position, party in enumerate(where.owners):
        user = _login(session, cid, Role.COMMITTEE)
        member = committees.add_member(
            session, cid, committee.id, party_id=party, term_from=date(2026, 1, 1),
            role=MemberRole.CHAIR if position == 0 else MemberRole.MEMBER, user_id=user,
        )  # fmt: skip
        members.append(member.id)
        users.append(user)
    trustee = _login(session, cid, Role.TRUSTEE_STAFF)
    supervisor = _login(session, cid, Role.SUPERVISOR)
    if limits:
        spending.set_limits(
            session, cid, committee_id=committee.id, committee_limit=LIMIT,
            vote_limit=VOTE_LIMIT, approvals_needed=3, vote_accounts=["6609"],
            exempt_accounts=["6601", "660801", "660802"], effective_from=date(2026, 1, 1),
            actor_id=users[0],
        )  # fmt: skip
    quote = voucher(session, cid, b"%PDF-1.4 quote for the gate")
    assert len(NAMES) == len(members)
    return Shop(cid, committee.id, members, users, trustee, supervisor, quote, where.owners)


def propose(session: Session, s: Shop, amount: str = "4100.00", **kw: object) -> int:
    draft = spending.ExpenseDraft(
        title=str(kw.pop("title", "更换道闸系统")),
        amount=Fen.parse(amount),
        account=str(kw.pop("account", "6602")),
        payee="常州道闸设备工程有限公司",
        proposed_on=DAY,
        vouchers=(s.quote,),
        **kw,  # type: ignore[arg-type]
    )
    return spending.propose_expense(session, s.cid, draft, actor_id=s.trustee).id


def budget(session: Session, s: Shop, upkeep: str) -> None:
    """An approved 2026 budget whose upkeep line (设施维护, account 6602) allows `upkeep`."""
    waive(session, s.cid)  # the budget needs no committee decision here
    lines = (
        LineDraft("设施维护", "Upkeep", LineKind.SPENDING, Fen.parse(upkeep), ("6602",)),
        LineDraft("车位租金", "Parking rent", LineKind.INCOME, Fen.parse("100.00"), ("6002",)),
    )
    row = budgets.create_budget(
        session, s.cid, first=Period(2026, 1), title="2026 年度预算", lines=lines,
        actor_id=s.trustee,
    )  # fmt: skip
    budgets.open_for_comments(session, s.cid, row.id, actor_id=s.trustee)
    sha = ledger.store_voucher(session, s.cid, PNG, name="决定.png", actor_id=s.trustee).sha256
    budgets.approve_budget(session, s.cid, row.id, decision_sha256=sha, actor_id=s.trustee)
