"""The staff pages and the JSON API: preview then import, lines and work list, match, reconcile."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.registry.models import Community
from sunshine.transparency import service as log
from tests.banking.support import Setup
from tests.banking.support import october
from tests.banking.support import sample
from tests.factories import log_in
from tests.factories import make_user


def _as(client: TestClient, session: Session, setup: Setup, role: Role) -> str:
    community = session.get(Community, setup.cid)
    assert community is not None
    log_in(client, session, make_user(session, community=community, role=role))
    return community.code


def test_staff_preview_import_work_list_and_reconcile_on_the_pages(
    client: TestClient, session: Session
) -> None:
    setup = october(session, bank="abc")
    code = _as(client, session, setup, Role.TRUSTEE_MANAGER)
    files = {"file": ("abc.csv", sample("abc"), "text/csv")}
    preview = client.post(f"/c/{code}/bank/import/preview", data={"bank": "abc"}, files=files)
    assert preview.status_code == 200, preview.text
    assert "常州通用自来水有限公司" in preview.text  # GBK read right
    content = re.search(r'name="content" value="([^"]+)"', preview.text)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', preview.text)
    assert content
    assert sha
    done = client.post(
        f"/c/{code}/bank/import",
        data={"content": content[1], "sha256": sha[1], "bank": "abc"},
    )
    assert done.status_code == 200, done.text
    work = client.get(f"/c/{code}/bank/lines?state=open")
    assert work.status_code == 200
    assert "手续费" in work.text
    assert "/ledger/new?booked_on=2024-10-21" in work.text  # book it with a voucher
    assert "bank_amount=-5.00" in work.text
    prefilled = client.get(
        f"/c/{code}/ledger/new?booked_on=2024-10-21&narration=x&bank=1001&bank_amount=-5.00"
    )
    assert prefilled.status_code == 200
    assert 'value="2024-10-21"' in prefilled.text
    rec = client.get(f"/c/{code}/bank/reconciliation?date=2024-10-31")
    assert rec.status_code == 200
    assert "56,976.42" in rec.text
    size = log.tree_size(session, setup.cid)
    logged = client.post(f"/c/{code}/bank/reconciliation", data={"date": "2024-10-31"})
    assert logged.status_code == 200, logged.text
    assert log.tree_size(session, setup.cid) == size + 1


def test_a_broken_statement_comes_back_on_the_page_with_its_line(
    client: TestClient, session: Session
) -> None:
    setup = october(session, bank="jsb")
    code = _as(client, session, setup, Role.TRUSTEE_STAFF)
    broken = sample("jsb").replace(b"56976.42", b"56977.42")
    files = {"file": ("jsb.csv", broken, "text/csv")}
    page = client.post(f"/c/{code}/bank/import/preview", data={"bank": "jsb"}, files=files)
    assert page.status_code == 422
    assert "row 8" in page.text


def test_owners_may_not_see_the_bank_pages(client: TestClient, session: Session) -> None:
    setup = october(session)
    code = _as(client, session, setup, Role.OWNER)
    assert client.get(f"/c/{code}/bank").status_code == 403
    assert client.get(f"/api/v1/communities/{code}/bank/lines").status_code == 403


def test_the_api_imports_matches_by_hand_and_reconciles(
    client: TestClient, session: Session
) -> None:
    setup = october(session, bank="boc")
    code = _as(client, session, setup, Role.TRUSTEE_MANAGER)
    api = f"/api/v1/communities/{code}/bank"
    files = {"file": ("boc.csv", sample("boc"), "text/csv")}
    done = client.post(f"{api}/statements?bank=boc", files=files)
    assert done.status_code == 200, done.text
    assert (done.json()["added"], done.json()["matched"]) == (4, 3)
    again = client.post(f"{api}/statements?bank=boc", files=files).json()
    assert (again["added"], again["known"]) == (0, 4)
    [fee] = client.get(f"{api}/lines?state=open").json()
    assert fee["amount_fen"] == -500
    refused = client.post(
        f"{api}/lines/{fee['id']}/match", json={"entry_id": setup.entries["water"].id}
    )
    assert refused.status_code in {409, 422}
    explained = client.post(f"{api}/lines/{fee['id']}/explain", json={"reason": "账户管理费"})
    assert explained.json()["reason"] == "账户管理费"
    assert client.get(f"{api}/lines?state=open").json() == []
    water = next(ln for ln in client.get(f"{api}/lines").json() if ln["amount_fen"] == -2358)
    assert client.post(f"{api}/lines/{water['id']}/unmatch").json()["entry_id"] is None
    back = client.post(
        f"{api}/lines/{water['id']}/match", json={"entry_id": setup.entries["water"].id}
    )
    assert back.json()["matched"] == "manual"
    rec = client.get(f"{api}/reconciliation?date=2024-10-31").json()
    assert rec["balanced"] is True
    assert rec["account_number"] == "****0001"
    logged = client.post(f"{api}/reconciliation?date=2024-10-31")
    assert logged.status_code == 200
    assert logged.json()["log_seq"] is not None
