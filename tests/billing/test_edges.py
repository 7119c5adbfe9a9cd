"""Billing through the real app: the JSON API, the staff pages (preview, confirm, desk), rights."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.infra import clock
from tests.billing.builders import community_with_units
from tests.factories import log_in
from tests.factories import make_user


def _staff(
    client: TestClient, session: Session, role: Role = Role.TRUSTEE_MANAGER
) -> tuple[str, list[int]]:
    place = community_with_units(session, ["85.37", "100.00"])
    community = place.community
    log_in(client, session, make_user(session, community=community, role=role))
    return community.code, place.units


def test_the_api_sets_an_item_previews_posts_a_run_and_takes_a_payment(
    client: TestClient, session: Session
) -> None:
    code, units = _staff(client, session)
    base = f"/api/v1/communities/{code}/billing"
    item = client.post(
        f"{base}/items",
        json={
            "code": "service",
            "name": "物业服务费",
            "kind": "per_area_month",
            "account_code": "6001",
        },
    )
    assert item.status_code == 201, item.text
    rate = client.post(
        f"{base}/items/{item.json()['id']}/rates",
        json={"rate": "1.85", "effective_from": "2024-09-01"},
    )
    assert rate.json()["rates"] == [
        {"effective_from": "2024-09-01", "rate": "1.85", "authority": None}
    ]
    run = {"item": "service", "period": "2024-09"}
    preview = client.post(f"{base}/runs/preview", json=run).json()
    assert (preview["bills"], preview["total"], preview["run_id"]) == (2, "342.93", None)
    posted = client.post(f"{base}/runs", json=run)
    assert posted.status_code == 201
    assert posted.json()["run_id"] is not None
    again = client.post(f"{base}/runs", json=run).json()
    assert (again["bills"], again["already_billed"], again["run_id"]) == (0, 2, None)
    paid = client.post(
        f"{base}/payments", json={"unit_id": units[0], "amount": "200.00", "method": "card"}
    )
    assert paid.status_code == 201, paid.text
    bills = client.get(f"{base}/units/{units[0]}/bills").json()
    assert [(b["amount"], b["paid"]) for b in bills] == [("157.93", "157.93")]
    refund = client.post(
        f"{base}/payments/{paid.json()['id']}/refund",
        json={"reason": "误收", "on": clock.today().isoformat()},
    )
    assert refund.status_code == 200, refund.text
    assert refund.json()["refunded"] is True
    assert (
        client.post(
            f"{base}/items",
            json={"code": "x", "name": "x", "kind": "one_off", "account_code": "6601"},
        ).status_code
        == 422
    )


def test_staff_who_book_take_payments_but_do_not_bill(client: TestClient, session: Session) -> None:
    code, _ = _staff(client, session, Role.TRUSTEE_STAFF)
    base = f"/api/v1/communities/{code}/billing"
    assert client.get(f"{base}/items").status_code == 200
    assert (
        client.post(f"{base}/runs/preview", json={"item": "x", "period": "2024-09"}).status_code
        == 403
    )


def test_the_pages_preview_then_confirm_a_run_and_take_a_payment_at_the_desk(
    client: TestClient, session: Session
) -> None:
    code, units = _staff(client, session)
    page = f"/c/{code}/billing"
    form = {
        "item_code": "garbage",
        "name": "生活垃圾清运费",
        "kind": "per_household_year",
        "account_code": "6004",
        "liable": "owner",
        "first_month": "9",
    }
    assert client.post(f"{page}/items", data=form, follow_redirects=False).status_code == 303
    assert (
        client.post(
            f"{page}/items/1/rates",
            data={"rate": "100", "effective_from": "2024-09-01"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    preview = client.get(f"{page}/runs/preview", params={"item": "garbage", "period": "2024-09"})
    assert "200.00" in preview.text
    unconfirmed = client.post(f"{page}/runs", data={"item": "garbage", "period": "2024-09"})
    assert unconfirmed.status_code == 422
    confirmed = client.post(
        f"{page}/runs",
        data={"item": "garbage", "period": "2024-09", "confirm": "true"},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    desk = client.get(f"{page}/units", params={"number": "1-1-101"}, follow_redirects=False)
    assert desk.headers["location"] == f"/c/{code}/billing/units/{units[0]}"
    paid = client.post(
        f"{page}/units/{units[0]}/payments",
        data={"amount": "150", "method": "cash"},
        follow_redirects=False,
    )
    assert paid.status_code == 303
    unit = client.get(f"{page}/units/{units[0]}")
    assert "50.00" in unit.text  # the prepayment
    assert client.post(f"{page}/units/{units[0]}/payments", data={"amount": "x"}).status_code == 422
    assert client.get(f"{page}/units", params={"number": "9-9-999"}).status_code == 404


def test_the_manager_lets_a_parking_space_on_the_page(client: TestClient, session: Session) -> None:
    code, _ = _staff(client, session)
    page = f"/c/{code}/billing"
    lease = {"space": "P07", "unit_number": "1-1-102", "starts_on": "2024-09-01", "ends_on": ""}
    assert client.post(f"{page}/leases", data=lease, follow_redirects=False).status_code == 303
    assert "P07" in client.get(page).text
    unknown = client.post(f"{page}/leases", data={**lease, "unit_number": "9-9-999"})
    assert unknown.status_code == 404


def test_a_double_press_at_the_desk_takes_the_money_once(
    client: TestClient, session: Session
) -> None:
    code, units = _staff(client, session)
    unit_page = f"/c/{code}/billing/units/{units[0]}"
    key = re.search(r'name="key" value="([^"]+)"', client.get(unit_page).text)
    assert key is not None
    form = {"amount": "80", "method": "cash", "key": key.group(1)}
    for _ in range(2):
        assert (
            client.post(f"{unit_page}/payments", data=form, follow_redirects=False).status_code
            == 303
        )
    payments = client.get(f"/api/v1/communities/{code}/billing/units/{units[0]}/payments").json()
    assert [p["amount"] for p in payments] == ["80.00"]
