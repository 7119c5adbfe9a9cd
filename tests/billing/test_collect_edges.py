"""Collecting through the real app: arrears and exports, reminders, receipts and their
check, the JSON API, and who may see what (staff, the owner who paid, the public)."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import datetime

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.service import receipts
from sunshine.billing.service.reminders import liable_for
from sunshine.billing.service.terms import terms_of
from sunshine.identity.rules import Role
from sunshine.kernel.money import Fen
from sunshine.registry import service as registry
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.factories import log_in
from tests.factories import make_user

ON = "2024-11-15"
ZH = {"Accept-Language": "zh-CN"}


def _owing(session: Session) -> Place:
    """Two units billed for September; the first paid, by an owner whose name starts '='."""
    place = community_with_units(session, ["100.00", "100.00"], owners=False)
    for n, unit in enumerate(place.units):
        name = "=HYPERLINK(1)" if n == 1 else "王芳"
        party = registry.add_party(session, place.community_id, name=name, phone="13800138000")
        registry.set_owner(session, place.community_id, unit_id=unit, party_id=party.id)
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    billing.take_payment(
        session,
        community_id=place.community_id,
        unit_id=place.units[0],
        amount=Fen(10000),
        method="cash",
        reference="",
        received_at=datetime(2024, 10, 2, tzinfo=UTC),
        actor="c",
    )
    return place


def test_staff_see_arrears_export_them_and_remind(client: TestClient, session: Session) -> None:
    place = _owing(session)
    code = place.community.code
    log_in(client, session, make_user(session, community=place.community, role=Role.TRUSTEE_STAFF))
    page = client.get(f"/c/{code}/billing/arrears", params={"on": ON})
    assert page.status_code == 200
    assert "1-1-102" in page.text
    assert "100.00" in page.text
    assert "33.3%" not in page.text
    assert "50.0%" in page.text  # one of two paid
    csv = client.get(f"/c/{code}/billing/arrears.csv", params={"on": ON})
    assert "'=HYPERLINK(1)" in csv.content.decode("utf-8-sig")  # neutral, never a formula
    xlsx = client.get(f"/c/{code}/billing/arrears.xlsx", params={"on": ON})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["B2"].data_type == "s"
    reminders = client.get(f"/c/{code}/billing/reminders", params={"on": ON})
    assert "=HYPERLINK(1)" in reminders.text
    assert "1-1-101" not in reminders.text
    form = {"on": ON, "unit_ids": [str(place.units[1])]}
    sent = client.post(f"/c/{code}/billing/reminders/send", data=form)
    assert sent.status_code == 200
    again = client.get(f"/c/{code}/billing/reminders", params={"on": ON})
    assert "从未" not in again.text
    assert "never" not in again.text
    listed = client.get(f"/c/{code}/billing/reminders.csv", params={"on": ON})
    assert "'=HYPERLINK(1),100.00,31-90,20" in listed.content.decode("utf-8-sig")
    book = client.get(f"/c/{code}/billing/reminders.xlsx", params={"on": ON})
    assert load_workbook(io.BytesIO(book.content)).active["B2"].value == "=HYPERLINK(1)"
    letters = client.post(f"/c/{code}/billing/reminders/letters", data=form)
    assert letters.headers["content-type"] == "application/pdf"
    api = f"/api/v1/communities/{code}/billing"
    body = client.get(f"{api}/arrears", params={"on": ON}).json()
    assert body["totals"]["31-90"] == {"yuan": "100.00", "fen": 10000}
    [rate] = client.get(f"{api}/collection-rates").json()
    assert (rate["paid"]["fen"], rate["billed"]["fen"], rate["percent"]) == (10000, 20000, "50.0%")
    [row] = client.get(f"{api}/reminders", params={"on": ON}).json()
    assert row["last_reminded"] is not None
    too_soon = client.post(f"{api}/reminders", json={"on": ON, "unit_ids": [place.units[1]]})
    assert too_soon.json()["too_soon"] == [place.units[1]]


def test_a_receipt_for_staff_and_the_owner_who_paid_and_its_public_check(
    client: TestClient, session: Session
) -> None:
    place = _owing(session)
    code, cid = place.community.code, place.community_id
    receipt = receipts.get_receipt(session, cid, 1)
    staff = make_user(session, community=place.community, role=Role.TRUSTEE_STAFF)
    log_in(client, session, staff)
    assert "00000001" in client.get(f"/c/{code}/billing/receipts").text
    page = client.get(f"/c/{code}/billing/receipts/1")
    assert "王芳" in page.text
    assert receipt.check_code in page.text
    assert "壹佰元整" in page.text
    pdf = client.get(f"/c/{code}/billing/receipts/1/receipt.pdf", params={"half": "true"})
    assert pdf.content.startswith(b"%PDF")
    api = client.get(f"/api/v1/communities/{code}/billing/receipts/1").json()
    assert (api["number"], api["amount"]["fen"], api["refunded"]) == (1, 10000, False)

    owner = make_user(session, community=place.community, role=Role.OWNER)
    other = make_user(session, community=place.community, role=Role.OWNER)
    payer = liable_for(session, cid, [place.units[0]])[place.units[0]].party_id
    assert payer is not None
    registry.link_login(session, cid, party_id=payer, user_id=owner.id)
    log_in(client, session, owner)
    assert client.get(f"/c/{code}/billing/receipts/1").status_code == 200
    assert client.get(f"/c/{code}/billing/receipts").status_code == 403
    log_in(client, session, other)
    assert client.get(f"/c/{code}/billing/receipts/1").status_code == 404

    client.cookies.clear()
    check = f"/c/{code}/receipts/check"
    real = client.get(check, params={"number": 1, "check": receipt.check_code.lower()})
    assert real.status_code == 200
    assert "100.00" in real.text
    assert "王芳" not in real.text
    assert "1-1-101" not in real.text
    fake = client.get(check, params={"number": 1, "check": "AAAA-AAAA"})
    assert fake.status_code == 404
    assert "100.00" not in fake.text


def test_the_manager_records_the_terms_and_staff_only_read_them(
    client: TestClient, session: Session
) -> None:
    place = _owing(session)
    code = place.community.code
    log_in(client, session, make_user(session, community=place.community, role=Role.TRUSTEE_STAFF))
    assert "不收违约金" in client.get(f"/c/{code}/billing/terms", headers=ZH).text
    assert client.post(f"/c/{code}/billing/terms", data={"late_fee_bp": "5"}).status_code == 403
    manager = make_user(session, community=place.community, role=Role.TRUSTEE_MANAGER)
    log_in(client, session, manager)
    unquoted = client.post(f"/c/{code}/billing/terms", data={"late_fee_bp": "5"})
    assert unquoted.status_code == 422  # a clause is quoted
    form = {"late_fee_bp": "5", "clause_ref": "第十二条", "public_rooms": "true"}
    assert client.post(f"/c/{code}/billing/terms", data=form).status_code == 200  # redirected
    page = client.get(f"/c/{code}/billing/terms", headers=ZH).text
    assert "万分之 5" in page
    assert "可由法院酌减" in page
    assert "公开数据可列出房号" in page
    terms = terms_of(session, place.community_id)
    assert (terms.late_fee_bp, terms.public_rooms) == (5, True)


def test_anyone_reads_the_public_figures_without_names(
    client: TestClient, session: Session
) -> None:
    place = _owing(session)
    api = f"/api/v1/communities/{place.community.code}/billing/public-figures"
    figures = client.get(api, params={"on": ON, "year": 2024})
    assert figures.status_code == 200, figures.text
    body = figures.json()
    assert body["bands"][1] == {
        "band": "31-90",
        "total": {"yuan": "100.00", "fen": 10000},
        "units": 1,
        "rooms": [],
    }
    [rate] = body["rates"]
    assert (rate["period"], rate["percent"]) == ("2024-09", "50.0%")
    assert "王芳" not in figures.text
    assert "HYPERLINK" not in figures.text
    assert "1-1-10" not in figures.text
