"""荆川东园, October 2024: the expense notice of seed/SCENARIO.md, booked and reported.

    2024-09-30  opening balance          1001 信托资金银行存款   50,000.00 | 3001 信托财产
    2024-10-08  water (水费)              660801 水费                23.58 | 1001
    2024-10-10  electricity (电费)        660802 电费               195.00 | 1001
    2024-10-15  staff wages (人员工资)    6601 人员工资及社保     5,300.00 | 1001  paid to a person
    2024-10-25  new gate barrier system   6602 共用设施设备维护   4,100.00 | 1001
                                                        spending total 9,618.58

Then the wages entry is reversed: both entries stay visible, and the bank balance and
the spending total come back. Every entry leaves one record in the transparency log,
and no record names the person who was paid.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.transparency import service as log
from tests.ledger.builders import draft
from tests.ledger.builders import open_books
from tests.ledger.builders import pay
from tests.ledger.builders import post

OCTOBER = Period(2024, 10)


def test_the_october_expense_notice_adds_up_and_a_reversal_restores_the_bank(
    session: Session,
) -> None:
    books = open_books(session)
    cid = books.community_id
    post(
        session,
        books,
        draft(date(2024, 9, 30), "期初信托资金", ("1001", "50000.00"), ("3001", "-50000.00")),
    )
    pay(
        session,
        books,
        date(2024, 10, 8),
        "660801",
        "23.58",
        "10月公共用水",
        counterparty="常州通用自来水有限公司",
    )
    pay(
        session,
        books,
        date(2024, 10, 10),
        "660802",
        "195.00",
        "10月公共用电",
        counterparty="国网常州供电公司",
    )
    wages = pay(
        session,
        books,
        date(2024, 10, 15),
        "6601",
        "5300.00",
        "10月人员工资",
        counterparty="王建国",
        person=True,
    )
    pay(
        session,
        books,
        date(2024, 10, 25),
        "6602",
        "4100.00",
        "更换道闸系统",
        counterparty="常州道闸科技有限公司",
    )

    notice = service.income_and_spending(session, cid, first=OCTOBER, last=OCTOBER)
    assert str(notice.spending_total) == "9,618.58"
    assert notice.income_total == Fen(0)
    assert str(notice.net) == "-9,618.58"
    assert [(r.account.code, str(r.natural)) for r in notice.spending] == [
        ("6601", "5,300.00"),
        ("6602", "4,100.00"),
        ("660801", "23.58"),
        ("660802", "195.00"),
    ]
    assert notice.by_category() == {
        rules.Category.WAGES: Fen.parse("5300.00"),
        rules.Category.COMMON_UPKEEP: Fen.parse("4100.00"),
        rules.Category.UTILITIES: Fen.parse("218.58"),
    }
    before = service.trust_bank_balance(session, cid, on=date(2024, 9, 30))
    after = service.trust_bank_balance(session, cid, on=date(2024, 10, 31))
    assert (str(before), str(after), str(before - after)) == ("50,000.00", "40,381.42", "9,618.58")
    assert str(service.trust_bank_balance(session, cid, on=date(2024, 10, 12))) == "49,781.42"

    reversal = service.reverse_entry(
        session,
        cid,
        wages.id,
        reason="工资重复入账",
        actor_id=books.actor_id,
        booked_on=date(2024, 10, 31),
    )
    assert (reversal.id, reversal.reverses_id) == (6, wages.id)
    assert [e.id for e in service.list_entries(session, cid)] == [6, 5, 4, 3, 2, 1]
    notice = service.income_and_spending(session, cid, first=OCTOBER, last=OCTOBER)
    assert str(notice.spending_total) == "4,318.58"
    assert str(service.trust_bank_balance(session, cid, on=date(2024, 10, 31))) == "45,681.42"
    wages_ledger = service.account_ledger(
        session, cid, account_code="6601", start=date(2024, 10, 1), end=date(2024, 10, 31)
    )
    assert [
        (line.entry_id, str(line.amount), str(line.balance)) for line in wages_ledger.lines
    ] == [
        (4, "5,300.00", "5,300.00"),
        (6, "-5,300.00", "0.00"),
    ]
    assert {line.public_counterparty for line in wages_ledger.lines} == {"王**"}
    assert service.trial_balance(session, cid, upto_period=OCTOBER).balanced

    records = [r for r in log.iter_records(session, cid) if r.kind == service.ENTRY_KIND]
    assert [r.ref for r in records] == ["1", "2", "3", "4", "5", "6"]
    bodies = [r.body.decode() for r in records]
    assert not any("王建国" in body for body in bodies)
    assert sum("王**" in body for body in bodies) == 2
    assert '"reverses":4' in bodies[5]
