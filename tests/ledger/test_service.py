"""The ledger's use cases through the service, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.transparency import service as log
from sunshine.transparency.rules import records as log_rules
from tests.ledger.builders import Books
from tests.ledger.builders import check_deferred
from tests.ledger.builders import draft
from tests.ledger.builders import open_books
from tests.ledger.builders import pay
from tests.ledger.builders import post

OCT_15 = date(2024, 10, 15)
SHA = "0f" * 32


def codes(error: pytest.ExceptionInfo[Invalid]) -> set[str]:
    return {p.code for p in error.value.problems}


def test_opening_the_chart_twice_gives_the_template_once(session: Session) -> None:
    books = open_books(session)
    again = service.open_chart(session, books.community_id, on=date(2025, 1, 1))
    assert [a.code for a in again] == sorted(t.code for t in rules.CHART)
    bank = service.get_account(session, books.community_id, "1001")
    assert (bank.name_zh, bank.name_en, bank.kind, bank.category, bank.opened_on) == (
        "信托资金银行存款",
        "Trust bank account",
        rules.AccountKind.ASSET,
        rules.Category.TRUST_BANK,
        date(2024, 9, 1),
    )


def test_the_trustee_extends_the_chart_under_a_parent_of_the_same_category(
    session: Session,
) -> None:
    books = open_books(session)
    lift = rules.AccountTemplate(
        "660201", "电梯维保", "Lift maintenance", rules.Category.COMMON_UPKEEP, "6602"
    )
    account = service.add_account(session, books.community_id, lift, on=date(2024, 10, 1))
    assert (account.code, account.parent_code, account.kind) == (
        "660201",
        "6602",
        rules.AccountKind.EXPENSE,
    )
    wrong = rules.AccountTemplate("660202", "错类", "Wrong", rules.Category.WAGES, "6602")
    with pytest.raises(Invalid) as refused:
        service.add_account(session, books.community_id, wrong, on=date(2024, 10, 1))
    assert codes(refused) == {"parent_category"}
    with pytest.raises(Invalid) as again:
        service.add_account(session, books.community_id, lift, on=date(2024, 10, 1))
    assert codes(again) == {"account_exists"}


def test_entries_are_numbered_without_gaps_in_each_community(session: Session) -> None:
    first, second = open_books(session), open_books(session, name="另一小区")
    numbers = [pay(session, first, OCT_15, "6603", "10.00", "保洁用品").id for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert pay(session, second, OCT_15, "6603", "10.00", "保洁用品").id == 1
    with pytest.raises(Invalid):
        pay(session, first, OCT_15, "9999", "10.00", "不存在的科目")
    assert pay(session, first, OCT_15, "6603", "10.00", "保洁用品").id == 4
    check_deferred(session)


def test_a_refused_entry_names_every_problem_and_books_nothing(session: Session) -> None:
    books = open_books(session)
    bad = draft(OCT_15, "", ("6601", "100.00"), ("9999", "-99.00"))
    with pytest.raises(Invalid) as refused:
        post(session, books, bad)
    assert codes(refused) == {"unbalanced", "account_not_open", "empty_narration"}
    assert service.entry_count(session, books.community_id) == 0
    assert log.tree_size(session, books.community_id) == len(rules.CHART)  # the accounts only


def test_a_closed_account_or_one_not_yet_open_takes_no_entries(session: Session) -> None:
    books = open_books(session)
    service.close_account(session, books.community_id, "6606", on=date(2024, 10, 1))
    with pytest.raises(Invalid) as closed:
        pay(session, books, OCT_15, "6606", "10.00", "办公用品")
    with pytest.raises(Invalid) as early:
        pay(session, books, date(2024, 8, 31), "6603", "10.00", "开账之前")
    assert codes(closed) == codes(early) == {"account_not_open"}
    assert pay(session, books, date(2024, 9, 30), "6606", "10.00", "办公用品").id == 1


def test_closing_is_final_and_covers_earlier_periods(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    service.close_period(session, cid, period=Period(2024, 10), actor_id=books.actor_id)
    assert service.is_closed(session, cid, Period(2024, 9))
    assert not service.is_closed(session, cid, Period(2024, 11))
    for day in (OCT_15, date(2024, 9, 30)):
        with pytest.raises(Invalid) as refused:
            pay(session, books, day, "6603", "10.00", "补记")
        assert codes(refused) == {"period_closed"}
    with pytest.raises(Conflict):
        service.close_period(session, cid, period=Period(2024, 9), actor_id=None)
    with pytest.raises(Invalid):
        service.close_period(session, cid, period=Period(2999, 1), actor_id=None)
    assert pay(session, books, date(2024, 11, 1), "6603", "10.00", "11月保洁用品").id == 1


def test_a_reversal_names_the_entry_and_why_and_happens_once(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    wages = pay(session, books, OCT_15, "6601", "5300.00", "10月工资")
    service.close_period(session, cid, period=Period(2024, 10), actor_id=None)
    with pytest.raises(Invalid) as no_reason:
        service.reverse_entry(
            session, cid, wages.id, reason=" ", actor_id=None, booked_on=date(2024, 11, 2)
        )
    assert codes(no_reason) == {"reason"}
    reversal = service.reverse_entry(
        session,
        cid,
        wages.id,
        reason="重复入账",
        actor_id=books.actor_id,
        booked_on=date(2024, 11, 2),
    )
    assert (reversal.reverses_id, reversal.reason, reversal.source, reversal.period) == (
        wages.id,
        "重复入账",
        service.REVERSAL,
        Period(2024, 11),
    )
    assert [(p.amount.value) for p in reversal.postings] == [-530000, 530000]
    assert service.find_reversal(session, cid, wages.id) == reversal
    with pytest.raises(Conflict):
        service.reverse_entry(
            session, cid, wages.id, reason="again", actor_id=None, booked_on=date(2024, 11, 3)
        )
    with pytest.raises(Conflict):
        service.reverse_entry(
            session, cid, reversal.id, reason="undo", actor_id=None, booked_on=date(2024, 11, 3)
        )
    with pytest.raises(NotFound):
        service.reverse_entry(
            session, cid, 99, reason="x", actor_id=None, booked_on=date(2024, 11, 3)
        )
    assert service.account_balance(session, cid, account_code="6601", on=date(2024, 11, 30)) == Fen(
        0
    )
    check_deferred(session)


def test_an_import_key_books_its_entry_once(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    rent = draft(OCT_15, "10月车位租金", ("1001", "120.00"), ("6002", "-120.00"))
    first = service.post_entry(
        session, cid, rent, actor_id=None, source=service.IMPORT, external_id="T1"
    )
    again = service.post_entry(
        session, cid, rent, actor_id=None, source=service.IMPORT, external_id="T1"
    )
    assert first.id == again.id == 1
    assert service.find_entry_by_external_id(session, cid, "T1") == first
    changed = draft(OCT_15, "10月车位租金", ("1001", "240.00"), ("6002", "-240.00"))
    with pytest.raises(Conflict):
        service.post_entry(session, cid, changed, actor_id=None, external_id="T1")
    numbers = service.post_entries(
        session, cid, [rent, rent, changed], actor_id=None, external_ids=["T2", "T2", "T1x"]
    )
    assert numbers == [2, 2, 3]
    assert service.post_entries(
        session, cid, [rent, changed], actor_id=None, external_ids=["T2", "T1x"]
    ) == [2, 3]
    assert service.entry_count(session, cid) == 3
    assert service.account_balance(session, cid, account_code="6002", on=date(2024, 10, 31)) == Fen(
        -48000
    )


def test_a_batch_is_booked_whole_or_not_at_all(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    good = draft(OCT_15, "车位租金", ("1001", "120.00"), ("6002", "-120.00"))
    bad = draft(OCT_15, "车位租金", ("1001", "120.00"), ("6002", "-100.00"))
    with pytest.raises(Invalid) as refused:
        service.post_entries(session, cid, [good, bad], actor_id=None, external_ids=["A", "B"])
    assert [(p.code, p.where) for p in refused.value.problems] == [("unbalanced", "B")]
    assert service.entry_count(session, cid) == 0
    assert service.post_entries(session, cid, [good, good], actor_id=None) == [1, 2]


def test_each_entry_leaves_its_record_in_the_log(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    service.register_voucher(
        session,
        cid,
        sha256=SHA,
        media_type="image/jpeg",
        size_bytes=2048,
        original_name="收据.jpg",
        actor_id=None,
    )
    entry = post(
        session,
        books,
        draft(
            OCT_15,
            "绿化养护",
            ("6604", "800.00"),
            ("1001", "-800.00"),
            counterparty="李四",
            person=True,
            vouchers=(SHA,),
        ),
    )
    record = log.find_record(session, cid, kind=service.ENTRY_KIND, ref=str(entry.id))
    assert record is not None
    assert record.body == log_rules.canonical(service.record_of(session, cid, entry.id))
    assert "李四" not in record.body.decode()
    assert service.voucher_hashes(session, cid, entry.id) == [SHA]


def test_vouchers_are_linked_logged_and_their_originals_openings_recorded(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    entry = pay(session, books, OCT_15, "6604", "800.00", "绿化养护")
    with pytest.raises(Invalid) as unknown:
        post(
            session,
            books,
            draft(OCT_15, "收据未上传", ("6604", "1.00"), ("1001", "-1.00"), vouchers=(SHA,)),
        )
    assert codes(unknown) == {"unknown_voucher"}
    voucher = service.register_voucher(
        session,
        cid,
        sha256=SHA,
        media_type="application/pdf",
        size_bytes=10,
        original_name="发票.pdf",
        actor_id=None,
    )
    assert (
        service.register_voucher(
            session,
            cid,
            sha256=SHA,
            media_type="application/pdf",
            size_bytes=10,
            original_name="again.pdf",
            actor_id=None,
        )
        is voucher
    )
    service.attach_voucher(session, cid, entry_id=entry.id, sha256=SHA)
    with pytest.raises(Conflict):
        service.attach_voucher(session, cid, entry_id=entry.id, sha256=SHA)
    link = log.find_record(session, cid, kind=service.VOUCHER_KIND, ref=str(entry.id))
    assert link is not None
    assert SHA in link.body.decode()
    assert (
        service.record_of(session, cid, entry.id)["vouchers"] == []
    )  # attached later: its own record
    service.set_public_copy(session, cid, sha256=SHA, public_sha256="1e" * 32)
    with pytest.raises(Conflict):
        service.set_public_copy(session, cid, sha256=SHA, public_sha256="2e" * 32)
    service.record_voucher_access(session, cid, sha256=SHA, user_id=books.actor_id)
    assert [a.user_id for a in service.voucher_accesses(session, cid, SHA)] == [books.actor_id]
    with pytest.raises(Invalid):
        service.register_voucher(
            session,
            cid,
            sha256="x",
            media_type="image/png",
            size_bytes=1,
            original_name="",
            actor_id=None,
        )


def _fixed_terms(session: Session, books: Books, yuan: str = "3000.00") -> None:
    terms = rules.TrustTerms(
        Period(2024, 9),
        rules.RemunerationKind.FIXED,
        fixed=Fen.parse(yuan),
        contract_ref="信托合同第五条",
    )
    service.set_trust_terms(session, books.community_id, terms, actor_id=books.actor_id)


def test_remuneration_is_booked_as_the_terms_compute_it_once_per_period(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    with pytest.raises(Invalid):
        service.book_remuneration(session, cid, period=Period(2024, 10), actor_id=None)
    _fixed_terms(session, books)
    assert log.find_record(session, cid, kind=service.TERMS_KIND, ref="2024-09") is not None
    entry = service.book_remuneration(
        session, cid, period=Period(2024, 10), actor_id=books.actor_id
    )
    assert (entry.booked_on, entry.source) == (date(2024, 10, 31), service.REMUNERATION)
    assert service.account_balance(session, cid, account_code="6610", on=date(2024, 10, 31)) == Fen(
        300000
    )
    assert service.account_balance(session, cid, account_code="2202", on=date(2024, 10, 31)) == Fen(
        -300000
    )
    with pytest.raises(Conflict):
        service.book_remuneration(session, cid, period=Period(2024, 10), actor_id=None)
    service.reverse_entry(
        session, cid, entry.id, reason="按补充协议重算", actor_id=None, booked_on=date(2024, 10, 31)
    )
    again = service.book_remuneration(session, cid, period=Period(2024, 10), actor_id=None)
    assert again.id == 3
    check_deferred(session)


def test_booking_a_different_remuneration_by_hand_is_refused(session: Session) -> None:
    books = open_books(session)
    _fixed_terms(session, books)
    with pytest.raises(Invalid) as refused:
        post(
            session,
            books,
            draft(date(2024, 11, 30), "酬金", ("6610", "3500.00"), ("1001", "-3500.00")),
        )
    assert codes(refused) == {"remuneration_amount"}
    hand = post(
        session,
        books,
        draft(date(2024, 11, 30), "11月酬金", ("6610", "3000.00"), ("2202", "-3000.00")),
    )
    assert hand.id == 1
    with pytest.raises(Conflict):
        service.book_remuneration(
            session, books.community_id, period=Period(2024, 11), actor_id=None
        )
    lone = draft(date(2024, 12, 31), "12月酬金", ("6610", "3000.00"), ("2202", "-3000.00"))
    with pytest.raises(Invalid) as batch:
        service.post_entries(session, books.community_id, [lone, lone], actor_id=None)
    assert codes(batch) == {"remuneration_alone"}


def test_a_percentage_remuneration_follows_the_period_income(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    terms = rules.TrustTerms(
        Period(2024, 9),
        rules.RemunerationKind.PERCENTAGE,
        rate_basis_points=1000,
        base_categories=(rules.Category.PROPERTY_FEE, rules.Category.PARKING_RENT),
        contract_ref="信托合同第五条：按物业费与车位租金收入的10%",
    )
    service.set_trust_terms(session, cid, terms, actor_id=None)
    with pytest.raises(Conflict):
        service.set_trust_terms(session, cid, terms, actor_id=None)
    post(
        session,
        books,
        draft(date(2024, 10, 5), "10月物业费", ("1001", "12345.67"), ("6001", "-12345.67")),
    )
    post(
        session,
        books,
        draft(date(2024, 10, 6), "10月车位租金", ("1001", "7200.00"), ("6002", "-7200.00")),
    )
    post(
        session, books, draft(date(2024, 10, 7), "垃圾费", ("1001", "100.00"), ("6004", "-100.00"))
    )
    assert service.remuneration_due(session, cid, Period(2024, 10)) == Fen.parse("1954.57")
    entry = service.book_remuneration(session, cid, period=Period(2024, 10), actor_id=None)
    assert [p.amount for p in entry.postings] == [Fen.parse("1954.57"), Fen.parse("-1954.57")]
    with pytest.raises(Invalid):  # September had no income: nothing is due
        service.book_remuneration(session, cid, period=Period(2024, 9), actor_id=None)


def test_terms_must_name_a_remuneration_account(session: Session) -> None:
    books = open_books(session)
    terms = rules.TrustTerms(
        Period(2024, 9),
        rules.RemunerationKind.FIXED,
        fixed=Fen(1),
        account_code="6601",
        settlement_code="9999",
        contract_ref="x",
    )
    with pytest.raises(Invalid) as refused:
        service.set_trust_terms(session, books.community_id, terms, actor_id=None)
    assert codes(refused) == {"remuneration_account", "account_not_open"}


def test_an_account_ledger_runs_its_balance_from_the_opening(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    post(
        session, books, draft(date(2024, 9, 30), "期初", ("1001", "1000.00"), ("3001", "-1000.00"))
    )
    pay(session, books, date(2024, 10, 3), "6603", "100.00", "保洁")
    pay(
        session,
        books,
        date(2024, 10, 20),
        "6604",
        "250.50",
        "绿化",
        counterparty="赵六",
        person=True,
    )
    pay(session, books, date(2024, 11, 2), "6603", "1.00", "保洁")
    ledger = service.account_ledger(
        session, cid, account_code="1001", start=date(2024, 10, 1), end=date(2024, 10, 31)
    )
    assert str(ledger.opening) == "1,000.00"
    assert [
        (line.entry_id, str(line.balance), line.public_counterparty) for line in ledger.lines
    ] == [
        (2, "900.00", ""),
        (3, "649.50", "赵**"),
    ]
    assert str(ledger.closing) == "649.50"
    assert service.account_balance(session, cid, account_code="1001", on=date(2024, 10, 19)) == Fen(
        90000
    )
    trial = service.trial_balance(session, cid, upto_period=Period(2024, 10))
    assert trial.balanced
    assert {row.account.code: str(row.balance) for row in trial.rows} == {
        "1001": "649.50",
        "3001": "-1,000.00",
        "6603": "100.00",
        "6604": "250.50",
    }
    with pytest.raises(NotFound):
        service.account_balance(session, cid, account_code="0000", on=date(2024, 10, 1))
