"""Exports: the October notice and its ledger as CSV and XLSX; the handover archive verifies."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from sunshine.disclosure.service import exports
from sunshine.disclosure.service import notices
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.transparency import service as log
from sunshine.transparency.rules import verifier
from tests.factories import log_in
from tests.factories import make_user
from tests.ledger.books_support import PNG
from tests.ledger.books_support import Setting
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books

OCTOBER = Period(2024, 10)


def _published(session: Session) -> tuple[Setting, CommunityRef]:
    setting = community_with_books(session)
    book_october(session, setting.books)
    ref = CommunityRef(setting.community.id, setting.code, setting.community.name)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=date(2024, 11, 5))
    return setting, ref


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads Chinese only with the mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_notice_as_csv_and_xlsx_states_what_was_published(session: Session) -> None:
    _, ref = _published(session)
    record = notices.record_of(notices.get_notice(session, ref.id, OCTOBER))
    tables = exports.notice_tables(record)
    rows = _rows(exports.csv_bytes(tables))
    assert ["支出 spending", "9618.58"] in rows
    assert ["期末余额 closing (2024-10-31)", "40381.42"] in rows
    spending = [row for row in rows if len(row) == 8 and row[0].isdigit()]
    assert [(row[2], row[5], row[6]) for row in spending] == [
        ("10月公共水费", "常州通用自来水有限公司", "23.58"),
        ("10月公共电费", "国网常州供电公司", "195.00"),
        ("10月保洁员工资", "王**", "5300.00"),
        ("更换小区道闸", "常州安居门业有限公司", "4100.00"),
    ]
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(tables)))
    assert book.sheetnames == [
        "公示 notice", "收入 income", "支出 spending", "酬金 remuneration", "银行余额调节表",
    ]  # fmt: skip
    # A section with nothing to list still says why, in its note (no bank account here).
    [note] = [[c.value for c in row] for row in book["银行余额调节表"].iter_rows(min_row=2)]
    assert note[:2] == ["说明 note", "本小区尚未登记银行账户，没有银行对账。"]
    sheet = book["支出 spending"]
    assert [c.value for c in sheet[5]][:3] == [5, "2024-10-25", "更换小区道闸"]
    assert sheet["A1"].font.bold


def test_the_period_ledger_lists_every_posting_with_names_masked(session: Session) -> None:
    _, ref = _published(session)
    header, rows = exports.period_ledger(session, ref.id, first=OCTOBER, last=OCTOBER)
    assert header[0] == "凭证号 entry"
    assert len(rows) == 8  # four payments, two postings each; September's opening is not in it
    assert [row[3] for row in rows if row[0] == 4] == ["王**", "王**"]
    assert sum(int(str(row[8])) for row in rows) == 0


def test_the_handover_archive_verifies_and_a_changed_voucher_file_fails(session: Session) -> None:
    setting, ref = _published(session)
    sha = ledger.store_voucher(session, ref.id, PNG, name="r.png", actor_id=setting.staff.id).sha256
    data = exports.handover_archive(session, ref)
    keys = [key.text() for key in log.public_keys(session, ref.id)]

    report = verifier.verify_bundle(data, trusted_keys=keys)
    assert report.ok, report.checks
    assert [c.name for c in report.checks][-3:] == ["archive files", "voucher files", "notices"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        entries = _rows(archive.read("entries.csv"))
        postings = _rows(archive.read("postings.csv"))
        notice = archive.read("notices/2024-10-v1.json").decode()
    assert {"README.txt", "bundle.json", "accounts.csv", "vouchers.csv", f"vouchers/{sha}"} <= names
    assert len(entries) == 1 + 5
    assert len(postings) == 1 + 10
    assert notice == notices.get_notice(session, ref.id, OCTOBER).body
    assert any(name.startswith("checkpoints/") for name in names)

    changed = _rewrite(data, {f"vouchers/{sha}": PNG + b"x"})
    assert _failed(changed, keys) == ["voucher files"]
    assert not verifier.verify_bundle(b"PK\x03\x04 not a zip", trusted_keys=keys).ok


def _rewrite(
    data: bytes, replace: dict[str, bytes | None], extra: tuple[str, bytes] | None = None
) -> bytes:
    """The archive with some files replaced (None: removed), and one more appended."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = replace.get(item.filename, source.read(item))
            if body is not None:
                target.writestr(item.filename, body)
        if extra is not None:
            target.writestr(*extra)
    return out.getvalue()


def _failed(data: bytes, keys: list[str]) -> list[str]:
    return [c.name for c in verifier.verify_bundle(data, trusted_keys=keys).checks if not c.ok]


def test_an_archive_with_a_voucher_missing_swapped_or_a_notice_edited_fails(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    setting, ref = _published(session)
    sha = ledger.store_voucher(session, ref.id, PNG, name="r.png", actor_id=setting.staff.id).sha256
    ledger.publish_original(session, ref.id, sha, actor_id=setting.staff.id)  # now in the log
    data = exports.handover_archive(session, ref)
    keys = [key.text() for key in log.public_keys(session, ref.id)]
    assert _failed(data, keys) == []

    assert _failed(_rewrite(data, {f"vouchers/{sha}": None}), keys) == ["voucher files"]
    other = PNG + b"another receipt"
    swapped = _rewrite(
        data, {f"vouchers/{sha}": None}, (f"vouchers/{hashlib.sha256(other).hexdigest()}", other)
    )
    assert _failed(swapped, keys) == ["voucher files"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        notice = archive.read("notices/2024-10-v1.json")
    edited = _rewrite(data, {"notices/2024-10-v1.json": notice.replace(b"961858", b"971858")})
    assert _failed(edited, keys) == ["notices"]
    twice = _rewrite(data, {}, (f"vouchers/{sha}", PNG))
    assert _failed(twice, keys) == ["archive files"]
    monkeypatch.setattr(verifier, "ARCHIVE_MAX_FILE", 10)  # inflating is refused before it starts
    report = verifier.verify_bundle(data, trusted_keys=keys)
    assert not report.ok
    assert "too large" in report.checks[0].reason


def test_exports_over_the_api_and_who_may_take_the_handover(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 11, 5))
    setting, ref = _published(session)
    base = f"/api/v1/communities/{ref.code}"
    log_in(client, session, setting.owner)
    csv_reply = client.get(f"{base}/notices/2024-10/export.csv")
    assert csv_reply.status_code == 200, csv_reply.text
    assert csv_reply.headers["content-type"].startswith("text/csv")
    assert ["支出 spending", "9618.58"] in _rows(csv_reply.content)
    ledger_reply = client.get(f"{base}/notices/2024-10/export.xlsx", params={"ledger": "true"})
    assert load_workbook(io.BytesIO(ledger_reply.content)).sheetnames == ["账目 ledger"]
    assert client.get(f"{base}/notices/2024-10/export.pdfx").status_code == 404
    assert client.get(f"{base}/handover.zip").status_code == 403
    log_in(client, session, setting.staff)
    assert client.get(f"{base}/handover.zip").status_code == 403  # staff, not the manager
    manager = make_user(session, community=setting.community, role=Role.TRUSTEE_MANAGER)
    log_in(client, session, manager)
    archive = client.get(f"{base}/handover.zip")
    assert archive.headers["content-type"] == "application/zip"
    keys = [key.text() for key in log.public_keys(session, ref.id)]
    assert verifier.verify_bundle(archive.content, trusted_keys=keys).ok
