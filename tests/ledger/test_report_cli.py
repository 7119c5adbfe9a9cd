"""`sunshine ledger report` on a file database: tables, CSV and JSON with the service's totals."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.kernel.errors import Invalid
from sunshine.kernel.periods import Period
from sunshine.ledger import service
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books

runner = CliRunner()


def _october(engine: Engine) -> tuple[str, int]:
    with Session(engine) as session:
        setting = community_with_books(session)
        book_october(session, setting.books)
        session.commit()
        return setting.code, setting.community.id


def _run(*args: str) -> str:
    result = runner.invoke(app, ["ledger", "report", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_trial_balance_table_shows_the_totals(cli_database: Engine) -> None:
    code, _ = _october(cli_database)

    output = _run("--community", code, "--period", "2024-10")

    assert "trial balance through 2024-10" in output
    assert "59618.58" in output
    assert "40381.42" in output
    assert "信托资金银行存款" in output


def test_the_income_and_spending_csv_adds_up_to_the_october_notice(cli_database: Engine) -> None:
    code, _ = _october(cli_database)

    output = _run(
        "-c", code, "--kind", "income", "--from", "2024-10", "--to", "2024-10", "--format", "csv"
    )

    rows = list(csv.reader(io.StringIO(output)))
    assert rows[0] == ["section", "account", "name", "amount"]
    assert ["spending", "6601", "人员工资及社保", "5300.00"] in rows
    assert ["spending", "", "total", "9618.58"] in rows
    assert ["net", "", "surplus", "-9618.58"] in rows


def test_the_json_report_is_the_api_shape_and_matches_the_service(cli_database: Engine) -> None:
    code, community_id = _october(cli_database)

    data = json.loads(_run("-c", code, "--period", "2024-10", "--format", "json"))

    with Session(cli_database) as session:
        expected = service.trial_balance(session, community_id, upto_period=Period(2024, 10))
    assert data["debit_total_fen"] == expected.debit_total.value
    assert data["credit_total_fen"] == expected.credit_total.value
    assert data["balanced"] is True


def test_the_account_ledger_and_a_balance_at_a_date(cli_database: Engine) -> None:
    code, _ = _october(cli_database)

    ledger = _run(
        "-c",
        code,
        "--kind",
        "ledger",
        "--account",
        "1001",
        "--period",
        "2024-10",
        "--format",
        "csv",
    )
    rows = list(csv.reader(io.StringIO(ledger)))
    assert rows[1] == ["2024-10-01", "", "opening balance", "", "", "50000.00"]
    assert rows[4] == ["2024-10-15", "4", "10月保洁员工资", "王**", "-5300.00", "44481.42"]
    assert rows[-1] == ["2024-10-31", "", "closing balance", "", "", "40381.42"]
    assert "王小明" not in ledger

    balance = json.loads(
        _run("-c", code, "--kind", "balance", "--on", "2024-10-12", "--format", "json")
    )
    assert balance == {
        "account": None,
        "on": "2024-10-12",
        "balance": "49781.42",
        "balance_fen": 4_978_142,
    }


def test_a_bad_month_is_refused_with_a_message(cli_database: Engine) -> None:
    code, _ = _october(cli_database)

    result = runner.invoke(app, ["ledger", "report", "-c", code, "--period", "October"])

    assert result.exit_code != 0
    assert isinstance(result.exception, Invalid)
    assert [p.code for p in result.exception.problems] == ["bad_period"]
