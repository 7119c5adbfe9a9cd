"""Shared set-up for the books' page, API and CLI tests: 荆川东园's October 2024 in yuan.

2024-09-30  opening balance   1001 信托资金银行存款 50,000.00 | 3001 信托财产
2024-10-08  water             660801 水费               23.58 | 1001
2024-10-10  electricity       660802 电费              195.00 | 1001
2024-10-15  wages, a person   6601 人员工资及社保    5,300.00 | 1001   (王小明, shown 王**)
2024-10-25  new gate barrier  6602 共用设施维护      4,100.00 | 1001
                                           October spending 9,618.58; bank 40,381.42
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.ledger import service
from sunshine.registry.models import Community
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.builders import CHART_OPENED
from tests.ledger.builders import Books
from tests.ledger.builders import draft
from tests.ledger.builders import pay
from tests.ledger.builders import post

# The smallest valid PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
FORM = {"csrf_token": "test-csrf-token"}


@dataclass(frozen=True)
class Setting:
    community: Community
    staff: User
    owner: User
    resident: User

    @property
    def books(self) -> Books:
        return Books(self.community.id, self.staff.id)

    @property
    def code(self) -> str:
        return self.community.code


def community_with_books(session: Session) -> Setting:
    """A community with the chart opened and a member of staff, an owner and a resident."""
    community = make_community(session, name="荆川东园")
    service.open_chart(session, community.id, on=CHART_OPENED)
    return Setting(
        community=community,
        staff=make_user(session, community=community, role=Role.TRUSTEE_STAFF),
        owner=make_user(session, community=community, role=Role.OWNER),
        resident=make_user(session, community=community, role=Role.RESIDENT),
    )


def book_october(session: Session, books: Books) -> None:
    """The opening balance and October's four payments (entries 1 to 5)."""
    post(
        session,
        books,
        draft(date(2024, 9, 30), "期初余额", ("1001", "50000.00"), ("3001", "-50000.00")),
    )
    pay(
        session,
        books,
        date(2024, 10, 8),
        "660801",
        "23.58",
        "10月公共水费",
        counterparty="常州通用自来水有限公司",
    )
    pay(
        session,
        books,
        date(2024, 10, 10),
        "660802",
        "195.00",
        "10月公共电费",
        counterparty="国网常州供电公司",
    )
    pay(
        session,
        books,
        date(2024, 10, 15),
        "6601",
        "5300.00",
        "10月保洁员工资",
        counterparty="王小明",
        person=True,
    )
    pay(
        session,
        books,
        date(2024, 10, 25),
        "6602",
        "4100.00",
        "更换小区道闸",
        counterparty="常州安居门业有限公司",
    )
