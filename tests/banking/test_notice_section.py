"""Banking's section of the monthly notice: the month-end reconciliation, by kind, no names."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from sunshine.banking.service import accounts
from sunshine.banking.service import imports
from sunshine.banking.service import matching
from sunshine.banking.service.notice_section import reconciliation_section
from sunshine.kernel.periods import Period
from tests.banking.support import october
from tests.banking.support import sample
from tests.factories import make_community

OCT, NOV = Period(2024, 10), Period(2024, 11)


def test_the_section_sets_the_bank_beside_the_books_and_lists_each_difference(
    session: Session,
) -> None:
    setup = october(session)
    imports.import_statement(session, setup.cid, sample("icbc"), bank="icbc")
    matching.auto_match(session, setup.cid, setup.account.id)
    section = reconciliation_section(session, setup.cid, OCT, OCT)
    rows = {row[0]: row[1:] for row in section.rows}
    assert rows == {
        "银行对账单余额": ("2024-10-31", 5697642, "Bank balance"),
        "账面余额": ("2024-10-31", 5697642 + 500 - 530000, "Book balance"),
        "差额（银行减账面）": ("2024-10-31", 530000 - 500, "Difference (bank less books)"),
        "银行手续费（尚未记账）": ("2024-10-21", -500, "Bank fee not yet booked"),
        "在途款项（已记账、银行未到账）": (
            "2024-10-31",
            -530000,
            "In transit (not yet in the bank)",
        ),
        "未能解释的差额": ("2024-10-31", 0, "Left unexplained"),
    }
    assert "调节后余额一致" in section.note_zh
    assert "****0001" in section.note_zh
    # No names, summaries or the full account number reach the public record (LAW.md 3).
    text = json.dumps(section.as_record(), ensure_ascii=False)
    for private in ("王建国", "常州通用自来水", "手续费", setup.account.number, "工资"):
        assert private not in text.replace("银行手续费（尚未记账）", "")


def test_a_month_without_a_statement_says_so_plainly(session: Session) -> None:
    setup = october(session)
    imports.import_statement(session, setup.cid, sample("icbc"), bank="icbc")
    section = reconciliation_section(session, setup.cid, NOV, NOV)
    assert section.rows == ()
    assert "2024-11 没有银行对账单流水" in section.note_zh
    assert "no bank statement lines for 2024-11" in section.note_en


def test_a_community_without_a_bank_account_says_so_plainly(session: Session) -> None:
    community = make_community(session)
    section = reconciliation_section(session, community.id, OCT, OCT)
    assert section.rows == ()
    assert section.note_zh == "本小区尚未登记银行账户，没有银行对账。"
    assert "no bank account" in section.note_en


def test_each_of_several_accounts_is_reconciled_or_said_to_lack_a_statement(
    session: Session,
) -> None:
    setup = october(session)
    imports.import_statement(session, setup.cid, sample("icbc"), bank="icbc")
    accounts.set_account(
        session, setup.cid, number="6222000011112222", bank="icbc", name="维修资金账户"
    )
    section = reconciliation_section(session, setup.cid, OCT, OCT)
    names = [row[0] for row in section.rows]
    assert names[0] == "****0001 银行对账单余额"  # rows name their account when there are two
    assert all(name.startswith("****0001 ") for name in names)
    assert "账户 ****2222：2024-10 没有银行对账单流水" in section.note_zh
