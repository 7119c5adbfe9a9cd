"""The notice's three sections from billing and banking, published and verified like the rest.

A small community: three units billed 100.00 a month for September and October, paid in
part, and October's bank statement imported (tests/banking/samples/icbc.csv). Its
October notice holds income by charge item with the collection rate, arrears by band and
the month-end reconciliation; they are in the logged record (so the bundle, the verify
page and the fingerprint cover them), on the web page, in the PDF and in a correction's
changes. A community with neither billing nor a bank account says so.
"""

from __future__ import annotations

import io
import json
from datetime import UTC
from datetime import date
from datetime import datetime

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from sunshine.banking.service import accounts
from sunshine.banking.service import imports
from sunshine.banking.service import matching
from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.disclosure.rules.notice import PrintedCheckpoint
from sunshine.disclosure.rules.notice import change_cells
from sunshine.disclosure.rules.notice import change_item
from sunshine.disclosure.service import notices
from sunshine.disclosure.service.cosigning import CosignStatus
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import LOCALE_COOKIE
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import CellKind
from sunshine.kernel.sections import Column
from sunshine.kernel.sections import Section
from sunshine.transparency import service as log
from sunshine.transparency.rules import records
from sunshine.transparency.rules import verifier
from tests.banking.support import NUMBER
from tests.banking.support import sample
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.factories import make_community

OCTOBER = Period(2024, 10)
NOVEMBER_5 = date(2024, 11, 5)
KEYS = ["collection", "arrears", "bank_reconciliation"]
VERIFY = "https://sunshine.example/c/x/verify?period=2024-10&v=1&size=244&root=" + "0" * 64


def _pay(session: Session, place: Place, unit: int, yuan: str, on: datetime) -> None:
    billing.take_payment(
        session, community_id=place.community_id, unit_id=place.units[unit],
        amount=Fen.parse(yuan), method="transfer", reference="", received_at=on, actor="c",
    )  # fmt: skip


def _community(session: Session) -> tuple[Place, CommunityRef]:
    place = community_with_units(session, ["100.00"] * 3)
    cid = place.community_id
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    for period in (SEPT, OCTOBER):
        billing.post_run(session, cid, fee, period, actor="m", issued_on=period.first_day)
    _pay(session, place, 0, "100.00", datetime(2024, 9, 20, 2, tzinfo=UTC))
    _pay(session, place, 1, "200.00", datetime(2024, 10, 15, 2, tzinfo=UTC))
    account = accounts.set_account(session, cid, number=NUMBER, bank="icbc", name="信托资金账户")
    imports.import_statement(session, cid, sample("icbc"), bank="icbc")
    matching.auto_match(session, cid, account.id)
    community = place.community
    return place, CommunityRef(cid, community.code, community.name)


def _sections(record: dict[str, object]) -> dict[str, dict[str, object]]:
    found = record["sections"]
    assert isinstance(found, list)
    return {section["key"]: section for section in found}


def test_the_published_record_holds_the_three_sections_and_the_log_covers_them(
    session: Session,
) -> None:
    place, ref = _community(session)
    published = notices.publish_notice(
        session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5
    )
    record = notices.record_of(published)
    sections = _sections(record)
    assert list(sections) == KEYS  # registered by the app's wiring, in this order
    assert sections["collection"]["rows"][0][:5] == ["物业服务费", 30000, 10000, "33.3%", 10000]
    assert sections["arrears"]["rows"][-1][:3] == ["合计", 30000, 2]
    bank = {row[0]: row[2] for row in sections["bank_reconciliation"]["rows"]}
    assert bank["银行对账单余额"] == 5697642  # the statement's closing balance
    assert "未匹配的银行流水" in bank  # the sample's lines are not in these books
    # The log holds exactly this record, so the bundle (and the verify page) checks it…
    assert log.get_record(session, ref.id, published.log_seq).body.decode() == published.body
    bundle = notices.notice_bundle(session, ref, period=OCTOBER)
    keys = [key.text() for key in log.public_keys(session, ref.id)]
    assert verifier.verify_bundle(bundle, trusted_keys=keys).ok
    # …and a section's figure changed after publishing fails it, like any other figure.
    logged = bundle["records"]
    assert isinstance(logged, list)
    logged[0]["record"] = logged[0]["record"].replace('"合计",30000,2', '"合计",20000,2')
    assert '"合计",20000,2' in logged[0]["record"]
    assert not verifier.verify_bundle(bundle, trusted_keys=keys).ok
    assert place.community_id == ref.id


def test_the_same_books_give_the_same_bytes_and_later_payments_leave_the_record_alone(
    session: Session,
) -> None:
    place, ref = _community(session)
    first = notices.preview(session, ref, period=OCTOBER, today=NOVEMBER_5)
    again = notices.preview(session, ref, period=OCTOBER, today=NOVEMBER_5)
    assert records.canonical(first) == records.canonical(again)
    published = notices.publish_notice(
        session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5
    )
    _pay(session, place, 2, "200.00", datetime(2024, 11, 3, 2, tzinfo=UTC))  # after the span
    assert notices.record_of(notices.get_notice(session, ref.id, OCTOBER, 1)) == json.loads(
        published.body
    )
    # A later payment is not October's: a correction would state the same sections.
    later = notices.preview(session, ref, period=OCTOBER, today=date(2024, 11, 6))
    assert later["sections"] == json.loads(published.body)["sections"]


def test_a_correction_shows_the_new_section_figures_as_changes(
    client: TestClient, session: Session
) -> None:
    place, ref = _community(session)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    # A payment received on 30 October, entered late: October's figures were wrong.
    _pay(session, place, 2, "100.00", datetime(2024, 10, 30, 2, tzinfo=UTC))
    second = notices.publish_notice(
        session, ref, period=OCTOBER, actor_id=None, today=date(2024, 11, 8),
        reason="10月30日的一笔缴费漏记",
    )  # fmt: skip
    revision = notices.record_of(second)["revision"]
    assert isinstance(revision, dict)
    changed = {(c["part"], c["item"]): (c["was"], c["now"]) for c in revision["changes"]}
    # Unit 3 paid its September bill (the oldest): collected for earlier months grows,
    # and the 31-90 band empties.
    assert changed[("collection", "物业服务费")] == (
        [30000, 10000, "33.3%", 10000, "Property service fees"],
        [30000, 10000, "33.3%", 20000, "Property service fees"],
    )
    assert changed[("arrears", "逾期 31–90 天")] == (
        [10000, 1, "31–90 days overdue"],
        [0, 0, "31–90 days overdue"],
    )
    # The notice's page says it in the reader's language, figures without the name columns.
    page = client.get(f"/c/{ref.code}/notices/2024-10?v=2").text
    assert "100.00 / 1" in page
    assert "0.00 / 0" in page
    assert "31–90 days overdue" not in page
    client.cookies.set(LOCALE_COOKIE, "en")
    english = client.get(f"/c/{ref.code}/notices/2024-10?v=2").text
    assert "31–90 days overdue" in english


def test_the_web_notice_and_the_verify_page_show_the_sections(
    client: TestClient, session: Session
) -> None:
    _, ref = _community(session)
    found = notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    page = client.get(f"/c/{ref.code}/notices/2024-10")
    assert page.status_code == 200
    for text in ("收费项目收入与收缴率", "33.3%", "欠费账龄", "逾期 31–90 天", "银行余额调节表"):
        assert text in page.text
    assert 'data-label="收缴率"' in page.text  # the phone layout labels each cell
    printed = notices.printed_checkpoint(session, ref.id, found)
    url = notices.verify_url(ref, found, printed)
    verify = client.get(url[url.index("/c/") :])
    assert verify.status_code == 200
    # The verify page names the sections its hash covers, each linked to the notice's table.
    assert 'id="verify-sections"' in verify.text
    for key, title in (("collection", "收费项目收入与收缴率"), ("arrears", "欠费账龄")):
        assert f'#section-{key}">{title}</a>' in verify.text
    api = client.get(f"/api/v1/communities/{ref.code}/notices/2024-10?version=1").json()
    assert [section["key"] for section in api["record"]["sections"]] == KEYS


def test_a_community_without_billing_or_a_bank_says_so(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    ref = CommunityRef(community.id, community.code, community.name)
    from sunshine.ledger import service as ledger

    ledger.open_chart(session, community.id, on=date(2024, 1, 1))
    record = notices.preview(session, ref, period=OCTOBER, today=NOVEMBER_5)
    [bank] = _sections(record).values()
    assert bank["key"] == "bank_reconciliation"
    assert bank["rows"] == []
    assert bank["note_zh"] == "本小区尚未登记银行账户，没有银行对账。"


def test_the_pdf_prints_the_sections_and_a_full_month_keeps_to_one_a4_page(
    session: Session,
) -> None:
    """As the demo's October: four spending lines, a 14-line budget, then these sections."""
    from sunshine.disclosure.service.notice_pdf import notice_pdf  # WeasyPrint loads slowly

    _, ref = _community(session)
    record = notices.preview(session, ref, period=OCTOBER, today=NOVEMBER_5)
    budget = Section(
        key="budget",
        title_zh="预算执行情况",
        title_en="Budget vs actual",
        columns=(
            Column("line", "预算项目", "Budget line"),
            *(Column(k, k, k, CellKind.FEN) for k in ("b", "a", "by", "ay")),
        ),
        rows=tuple((f"预算项目{n}", 1291668, 961858, 2583336, 2113202) for n in range(14)),
        note_zh="2024—2025 年度预算：2024-09 至 2025-08，第 1 版（已批准）；年度累计自 2024-09 起。",
    )
    assert isinstance(record["sections"], list)
    record["sections"] = [budget.as_record(), *record["sections"]]
    for n in range(4):  # the paper's four spending lines, each with a voucher
        record["spending"]["lines"].append(  # type: ignore[index]
            {"entry": n + 2, "booked_on": "2024-10-08", "narration": "10月公共水费",
             "account": "660801", "account_zh": "水费", "account_en": "Water",
             "counterparty": "常州通用自来水有限公司", "amount_fen": 2358, "vouchers": ["ab" * 32]}
        )  # fmt: skip
    checkpoint = PrintedCheckpoint(244, bytes(32), "2024-11-05T02:00:00+00:00", ("sunshine/x",))
    cosign = CosignStatus(signed=1, members=1, threshold=1)
    data = notice_pdf(record, checkpoint=checkpoint, cosign=cosign, verify_url=VERIFY)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("收费项目收入与收缴率", "33.3%", "欠费账龄", "逾期 31–90 天", "300.00",
                     "银行余额调节表", "56,976.42", "未能解释的差额"):  # fmt: skip
        assert expected in text


def test_a_changed_row_reads_in_the_reader_s_language_without_the_name_columns() -> None:
    section = Section(
        key="arrears",
        title_zh="欠费账龄",
        title_en="Arrears by age",
        columns=(
            Column("band", "账龄", "Overdue", lang="zh"),
            Column("owed", "欠费金额", "Owed", CellKind.FEN),
            Column("band_en", "账龄", "Overdue", lang="en"),
        ),
        rows=(("逾期 0–30 天", 100, "0–30 days"), ("逾期 0–30 天", 5, "0–30 days")),
    ).as_record()
    assert change_cells(section, [100, "0–30 days"]) == [(100, "fen")]
    assert change_item(section, "逾期 0–30 天 #2", english=True) == "0–30 days #2"
    assert change_item(section, "逾期 0–30 天", english=False) == "逾期 0–30 天"
    assert change_item(None, "gone", english=True) == "gone"
