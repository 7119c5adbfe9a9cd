"""`sunshine notice …` and `sunshine handover` on a file database, as an operator runs them."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.kernel.errors import Invalid
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books

runner = CliRunner()


def _october(engine: Engine) -> str:
    with Session(engine) as session:
        setting = community_with_books(session)
        book_october(session, setting.books)
        session.commit()
        return setting.code


def _key(code: str) -> str:
    return runner.invoke(app, ["log", "keys", "-c", code]).output.split("  #")[0]


def test_publish_then_bundle_pdf_exports_and_handover_all_check_out(
    cli_database: Engine, tmp_path: Path
) -> None:
    code = _october(cli_database)
    shown = runner.invoke(app, ["notice", "show", "-c", code, "-p", "2024-10"])
    assert shown.exit_code == 0, shown.output
    assert "9,618.58" in shown.output
    assert "预览" in shown.output
    assert "银行余额调节表" in shown.output  # every section, and a section without rows says why
    assert "本小区尚未登记银行账户" in shown.output

    published = runner.invoke(app, ["notice", "publish", "-c", code, "-p", "2024-10"])
    assert published.exit_code == 0, published.output
    assert f"published {code} 2024-10 v1" in published.output
    again = runner.invoke(app, ["notice", "publish", "-c", code, "-p", "2024-10"])
    assert isinstance(again.exception, Invalid)  # a second version needs a reason; main() exits 2

    key = _key(code)
    bundle = tmp_path / "october.json"
    made = runner.invoke(
        app, ["notice", "bundle", "-c", code, "-p", "2024-10", "--out", str(bundle)]
    )
    assert made.exit_code == 0, made.output
    checked = runner.invoke(app, ["verify", str(bundle), "--key", key])
    assert checked.exit_code == 0, checked.output
    assert "All checks passed." in checked.output

    pdf = tmp_path / "october.pdf"
    printed = runner.invoke(app, ["notice", "pdf", "-c", code, "-p", "2024-10", "--out", str(pdf)])
    assert printed.exit_code == 0, printed.output
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert "9,618.58" in reader.pages[0].extract_text()

    table = tmp_path / "october.xlsx"
    exported = runner.invoke(
        app, ["notice", "export", "-c", code, "-p", "2024-10", "--out", str(table), "--ledger"]
    )
    assert exported.exit_code == 0, exported.output
    sheet = load_workbook(io.BytesIO(table.read_bytes()))["账目 ledger"]
    assert sheet.max_row == 1 + 8

    archive = tmp_path / "handover.zip"
    handed = runner.invoke(app, ["handover", "-c", code, "--out", str(archive)])
    assert handed.exit_code == 0, handed.output
    verified = runner.invoke(app, ["verify", str(archive), "--key", key])
    assert verified.exit_code == 0, verified.output
    assert "voucher files" in verified.output

    calendar = runner.invoke(app, ["notice", "calendar", "-c", code])
    assert calendar.exit_code == 0, calendar.output
    assert "published" in calendar.output
    overdue = runner.invoke(app, ["notice", "overdue"])
    assert overdue.exit_code == 1  # September 2024 was never published
    assert "2024-09" in overdue.output
    quarterly = runner.invoke(
        app, ["notice", "schedule", "-c", code, "--starts", "2024-10", "--every", "3"]
    )
    assert quarterly.exit_code == 0, quarterly.output
    quarters = runner.invoke(app, ["notice", "overdue"])
    assert "2024-10–2024-12" in quarters.output  # the quarter ending 2024-12 was never published
    assert "2024-09" not in quarters.output


def test_a_bad_month_or_file_type_is_refused_with_a_clear_message(
    cli_database: Engine, tmp_path: Path
) -> None:
    code = _october(cli_database)
    bad = runner.invoke(app, ["notice", "publish", "-c", code, "-p", "2024-13"])
    assert bad.exit_code == 2
    assert "YYYY-MM" in bad.output
    wrong = runner.invoke(
        app, ["notice", "export", "-c", code, "-p", "2024-10", "-o", str(tmp_path / "x.pdf")]
    )
    assert wrong.exit_code == 2
    assert ".csv or .xlsx" in wrong.output
