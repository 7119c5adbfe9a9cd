"""Builders for banking tests: a community whose October 2024 books agree with the sample statements.

The samples (tests/banking/samples/<bank>.*) each hold the same four lines of account
32050161360009000001 in their bank's layout: parking rent in, water and electricity out,
and a 5.00 bank fee the books do not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from sunshine.banking.models import BankAccount
from sunshine.banking.service import accounts
from sunshine.ledger.models import JournalEntry
from tests.ledger.builders import Books
from tests.ledger.builders import draft
from tests.ledger.builders import open_books
from tests.ledger.builders import pay
from tests.ledger.builders import post

SAMPLES = Path(__file__).parent / "samples"
NUMBER = "32050161360009000001"
FILES = {
    "icbc": "icbc.csv",
    "ccb": "ccb.xlsx",
    "abc": "abc.csv",
    "boc": "boc.csv",
    "jsb": "jsb.csv",
}


def sample(bank: str) -> bytes:
    return (SAMPLES / FILES[bank]).read_bytes()


@dataclass(frozen=True)
class Setup:
    books: Books
    account: BankAccount
    entries: dict[str, JournalEntry]

    @property
    def cid(self) -> int:
        return self.books.community_id


def october(session: Session, *, bank: str = "icbc", window_days: int = 3) -> Setup:
    """Books opened with 50,000.00 on 30 September, and October's entries touching 1001."""
    books = open_books(session)
    post(
        session,
        books,
        draft(date(2024, 9, 30), "期初信托资金", ("1001", "50000.00"), ("3001", "-50000.00")),
    )
    entries = {
        "parking": post(
            session,
            books,
            draft(
                date(2024, 10, 4),
                "车位租金",
                ("1001", "7200.00"),
                ("6002", "-7200.00"),
                counterparty="车位承租业主（60户）",
            ),
        ),
        "water": pay(
            session,
            books,
            date(2024, 10, 8),
            "660801",
            "23.58",
            "水费",
            counterparty="常州通用自来水有限公司",
        ),
        "power": pay(session, books, date(2024, 10, 10), "660802", "195.00", "电费"),
        "wages": pay(
            session,
            books,
            date(2024, 10, 31),
            "6601",
            "5300.00",
            "10月人员工资",
            counterparty="王建国",
            person=True,
        ),
    }
    account = accounts.set_account(
        session, books.community_id, number=NUMBER, bank=bank, name="测试小区信托资金账户",
        window_days=window_days,
    )  # fmt: skip
    return Setup(books, account, entries)
