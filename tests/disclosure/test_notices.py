"""The monthly notice through its service, on SQLite and PostgreSQL: 荆川东园's October 2024.

Books (tests/ledger/books_support.py): opening 50,000.00 on 2024-09-30, then water 23.58,
electricity 195.00, wages 5,300.00 (a person, shown 王**) and the gate 4,100.00.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.disclosure.rules import notice as rules
from sunshine.disclosure.rules.schedule import Schedule
from sunshine.disclosure.service import notices
from sunshine.disclosure.service import schedule
from sunshine.disclosure.service import sections
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import CellKind
from sunshine.kernel.sections import Column
from sunshine.kernel.sections import Section
from sunshine.ledger import service as ledger
from sunshine.transparency import service as log
from sunshine.transparency.rules import verifier
from tests.ledger.books_support import PNG
from tests.ledger.books_support import Setting
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books
from tests.ledger.builders import draft
from tests.ledger.builders import post

OCTOBER = Period(2024, 10)
NOVEMBER_5 = date(2024, 11, 5)


def _october(session: Session) -> tuple[Setting, CommunityRef]:
    setting = community_with_books(session)
    book_october(session, setting.books)
    community = setting.community
    return setting, CommunityRef(community.id, community.code, community.name)


def _keys(session: Session, community_id: int) -> list[str]:
    return [key.text() for key in log.public_keys(session, community_id)]


def test_the_october_notice_states_the_four_payments_and_the_balances(session: Session) -> None:
    _, ref = _october(session)
    published = notices.publish_notice(
        session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5
    )
    record = notices.record_of(published)
    spending = record["spending"]
    assert isinstance(spending, dict)
    assert [(line["narration"], line["amount_fen"]) for line in spending["lines"]] == [
        ("10月公共水费", 2358),
        ("10月公共电费", 19500),
        ("10月保洁员工资", 530000),
        ("更换小区道闸", 410000),
    ]
    assert spending["total_fen"] == 961858
    assert [line["counterparty"] for line in spending["lines"]][2] == "王**"
    assert record["trust_account"] == {
        "opening_on": "2024-09-30",
        "opening_fen": 5000000,
        "closing_on": "2024-10-31",
        "closing_fen": 4038142,
    }
    assert record["other_movements_fen"] == 0
    income = record["income"]
    assert isinstance(income, dict)
    assert [line["category"] for line in income["lines"]] == [
        "property_fee",
        "parking_rent",
        "visitor_parking",
        "garbage_fee",
        "common_revenue",
    ]
    assert income["total_fen"] == 0
    assert record["remuneration"] == {"lines": [], "total_fen": 0}
    assert (published.version, published.first, published.published_on) == (1, OCTOBER, NOVEMBER_5)


def test_publishing_logs_the_notice_and_signs_a_checkpoint_that_verifies(session: Session) -> None:
    _, ref = _october(session)
    published = notices.publish_notice(
        session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5
    )
    logged = log.get_record(session, ref.id, published.log_seq)
    assert (logged.kind, logged.ref) == (rules.LOG_KIND, "2024-10/v1")
    assert logged.body.decode() == published.body
    assert published.checkpoint_size == published.log_seq + 1
    bundle = notices.notice_bundle(session, ref, period=OCTOBER)
    report = verifier.verify_bundle(bundle, trusted_keys=_keys(session, ref.id))
    assert report.ok, report.checks
    printed = notices.printed_checkpoint(session, ref.id, published)
    assert printed.tree_size == published.checkpoint_size
    assert printed.signers == ("sunshine/" + ref.code,)
    assert "size=" + str(printed.tree_size) in notices.verify_url(ref, published, printed)


def test_a_notice_bundle_fails_when_its_record_is_changed(session: Session) -> None:
    _, ref = _october(session)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    bundle = notices.notice_bundle(session, ref, period=OCTOBER)
    records = bundle["records"]
    assert isinstance(records, list)
    records[0]["record"] = records[0]["record"].replace("961858", "861858")
    report = verifier.verify_bundle(bundle, trusted_keys=_keys(session, ref.id))
    assert not report.ok


def test_a_period_that_has_not_ended_is_not_published(session: Session) -> None:
    _, ref = _october(session)
    with pytest.raises(Invalid, match="once the period has ended"):
        notices.publish_notice(
            session, ref, period=OCTOBER, actor_id=None, today=date(2024, 10, 31)
        )
    assert notices.find_latest(session, ref.id, OCTOBER) is None


def test_a_correction_is_a_new_version_that_says_what_changed_and_why(session: Session) -> None:
    setting, ref = _october(session)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    with pytest.raises(Invalid) as refused:
        notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    assert [p.code for p in refused.value.problems] == ["reason"]
    with pytest.raises(Conflict, match="nothing to correct"):
        notices.publish_notice(
            session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5, reason="重发"
        )
    # The power bill was 185.00, not 195.00: reverse it in October and book it again.
    ledger.reverse_entry(
        session,
        ref.id,
        3,
        reason="金额录入错误",
        actor_id=setting.staff.id,
        booked_on=date(2024, 10, 31),
    )
    post(
        session,
        setting.books,
        draft(
            date(2024, 10, 31), "10月公共电费（更正）", ("660802", "185.00"), ("1001", "-185.00")
        ),
    )
    second = notices.publish_notice(
        session, ref, period=OCTOBER, actor_id=None, today=date(2024, 11, 8), reason="电费金额更正"
    )
    record = notices.record_of(second)
    assert record["revision"] == {
        "replaces": 1,
        "reason": "电费金额更正",
        "changes": [
            {"part": "trust_account", "item": "closing", "was": 4038142, "now": 4039142},
            {"part": "spending", "item": "6/660802", "was": None, "now": -19500},
            {"part": "spending", "item": "7/660802", "was": None, "now": 18500},
        ],
    }
    versions = notices.list_versions(session, ref.id, OCTOBER)
    assert [(v.version, v.reason) for v in versions] == [(1, None), (2, "电费金额更正")]
    first = notices.record_of(versions[0])
    assert first["trust_account"]["closing_fen"] == 4038142  # type: ignore[index]
    assert notices.get_notice(session, ref.id, OCTOBER).version == 2
    assert [n.version for n in notices.list_notices(session, ref.id)] == [2]


def test_a_published_notice_cannot_be_changed_or_deleted_in_the_database(session: Session) -> None:
    _, ref = _october(session)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    session.flush()
    for statement in (
        "UPDATE disclosure_notice SET body = '{}' WHERE community_id = :c",
        "DELETE FROM disclosure_notice WHERE community_id = :c",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement), {"c": ref.id})


def test_a_missing_notice_is_not_found(session: Session) -> None:
    _, ref = _october(session)
    with pytest.raises(NotFound):
        notices.get_notice(session, ref.id, OCTOBER)
    with pytest.raises(NotFound):
        notices.notice_bundle(session, ref, period=OCTOBER)


def _arrears(_session: Session, _community_id: int, first: Period, last: Period) -> Section | None:
    if first != OCTOBER:
        return None
    return Section(
        "arrears",
        "欠费情况",
        "Arrears",
        (Column("building", "楼栋", "Building"), Column("owed", "欠费", "Owed", CellKind.FEN)),
        (("1幢", 120000), (f"{last}", 0)),
    )


def _mislabelled(_session: Session, _community_id: int, _first: Period, _last: Period) -> Section:
    return Section("other", "别的", "Other", (), ())


def test_a_part_adds_its_section_without_the_notice_knowing_it(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ref = _october(session)
    monkeypatch.setattr(sections, "_contributors", {})
    sections.register("arrears", _arrears)
    record = notices.preview(session, ref, period=OCTOBER, today=NOVEMBER_5)
    [section] = record["sections"]  # type: ignore[misc]
    assert section["key"] == "arrears"
    assert section["rows"] == [["1幢", 120000], ["2024-10", 0]]
    assert notices.preview(session, ref, period=Period(2024, 9), today=NOVEMBER_5)["sections"] == []
    sections.register("arrears", _mislabelled)
    with pytest.raises(ValueError, match="returned section other"):
        notices.preview(session, ref, period=OCTOBER, today=NOVEMBER_5)


def test_the_calendar_shows_published_due_and_overdue_notices(session: Session) -> None:
    _, ref = _october(session)
    assert schedule.get_schedule(session, ref.id) == Schedule(Period(2024, 9))
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    slots = schedule.calendar(session, ref.id, today=date(2024, 12, 5))
    assert [(str(s.last), s.status.value) for s in slots] == [
        ("2024-09", "overdue"),
        ("2024-10", "published"),
        ("2024-11", "due"),
    ]
    assert [str(s.last) for s in schedule.overdue(session, ref.id, today=date(2024, 12, 5))] == [
        "2024-09"
    ]


def test_a_quarterly_calendar_names_notices_by_their_last_month(session: Session) -> None:
    _, ref = _october(session)
    schedule.set_schedule(session, ref.id, Schedule(Period(2024, 10), 3, 15), actor_id=None)
    with pytest.raises(Invalid, match="2024-10 to 2024-12"):
        notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=date(2025, 1, 20))
    published = notices.publish_notice(
        session, ref, period=Period(2024, 12), actor_id=None, today=date(2025, 1, 20)
    )
    record = notices.record_of(published)
    assert (record["first"], record["period"]) == ("2024-10", "2024-12")
    assert record["spending"]["total_fen"] == 961858  # type: ignore[index]
    with pytest.raises(Invalid) as refused:
        schedule.set_schedule(session, ref.id, Schedule(Period(2024, 10), 2, 100), actor_id=None)
    assert [p.code for p in refused.value.problems] == ["every_months", "due_days"]


def test_attaching_a_voucher_after_publishing_is_a_correction_that_names_it(
    session: Session,
) -> None:
    setting, ref = _october(session)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    sha = ledger.store_voucher(session, ref.id, PNG, name="water.png", actor_id=setting.staff.id)
    ledger.attach_voucher(session, ref.id, entry_id=2, sha256=sha.sha256)
    second = notices.publish_notice(
        session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5, reason="补充水费收据"
    )
    revision = notices.record_of(second)["revision"]
    assert (
        revision["changes"]
        == [  # type: ignore[index]
            {
                "part": "spending",
                "item": "2/660801",
                "field": "details",
                "was": "10月公共水费 · 常州通用自来水有限公司 · 凭证 —",
                "now": f"10月公共水费 · 常州通用自来水有限公司 · 凭证 {sha.sha256[:8]}",
            }
        ]
    )


def test_two_postings_to_one_account_in_an_entry_are_one_item_of_a_correction(
    session: Session,
) -> None:
    setting, ref = _october(session)
    post(
        session,
        setting.books,
        draft(
            date(2024, 10, 30),
            "10月公共电费（两张表）",
            ("660802", "100.00"),
            ("660802", "200.00"),
            ("1001", "-300.00"),
        ),
    )
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    ledger.reverse_entry(
        session, ref.id, 6, reason="重复入账", actor_id=None, booked_on=date(2024, 10, 31)
    )
    second = notices.publish_notice(
        session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5, reason="冲销重复入账"
    )
    changes = notices.record_of(second)["revision"]["changes"]  # type: ignore[index]
    assert {"part": "spending", "item": "7/660802", "was": None, "now": -30000} in changes


def test_a_correction_reason_with_a_phone_number_is_refused(session: Session) -> None:
    setting, ref = _october(session)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    post(
        session,
        setting.books,
        draft(date(2024, 10, 31), "补记电费", ("660802", "10.00"), ("1001", "-10.00")),
    )
    for reason in ("业主张三 138-1234-5678 反映", "x" * 501):
        with pytest.raises(Invalid) as refused:
            notices.publish_notice(
                session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5, reason=reason
            )
        assert [p.code for p in refused.value.problems] == ["reason_text"]
    assert len(notices.list_versions(session, ref.id, OCTOBER)) == 1
