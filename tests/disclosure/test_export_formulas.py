"""A narration that looks like a formula comes out of every export as text that cannot run.

An owner downloads the October ledger as CSV or XLSX and the committee takes the handover
archive; whatever staff typed as a narration must open in a spreadsheet as the text it is,
while negative amounts stay numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from sunshine.disclosure.service import notices
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.periods import Period
from tests.factories import log_in
from tests.factories import make_user
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books
from tests.ledger.builders import pay

OCTOBER = Period(2024, 10)
FORMULA = '=HYPERLINK("http://example.invalid","点此领取退款")'


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_formula_narration_is_text_in_the_ledger_exports_and_the_handover(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 11, 5))
    setting = community_with_books(session)
    book_october(session, setting.books)
    pay(session, setting.books, date(2024, 10, 28), "6602", "12.50", FORMULA)
    ref = CommunityRef(setting.community.id, setting.code, setting.community.name)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=date(2024, 11, 5))
    base = f"/api/v1/communities/{ref.code}/notices/2024-10"
    log_in(client, session, setting.owner)

    rows = _rows(client.get(f"{base}/export.csv", params={"ledger": "true"}).content)
    ours = [row for row in rows if row[2].endswith(FORMULA)]
    assert [row[2] for row in ours] == ["'" + FORMULA] * 2
    assert sorted(row[7] for row in ours) == ["-12.50", "12.50"]  # amounts stay numbers
    sheet = load_workbook(
        io.BytesIO(client.get(f"{base}/export.xlsx", params={"ledger": "true"}).content)
    ).active
    cells = [row[2] for row in sheet.iter_rows(min_row=2) if row[2].value == FORMULA]
    assert [(c.data_type, c.quotePrefix) for c in cells] == [("s", True)] * 2

    notice_rows = _rows(client.get(f"{base}/export.csv").content)
    assert any("'" + FORMULA in row for row in notice_rows)

    manager = make_user(session, community=setting.community, role=Role.TRUSTEE_MANAGER)
    log_in(client, session, manager)
    archive = client.get(f"/api/v1/communities/{ref.code}/handover.zip").content
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        entries = _rows(files.read("entries.csv"))
    assert sum(row.count("'" + FORMULA) for row in entries) == 1
    assert FORMULA not in {cell for row in entries for cell in row}
