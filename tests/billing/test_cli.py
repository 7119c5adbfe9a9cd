"""`sunshine billing …` on a file database: an item and its rate, a lease, a run previewed
then posted (and posted again: nothing new), a desk payment, and a refusal's exit code."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.kernel.errors import Invalid
from tests.billing.builders import community_with_units

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, ["billing", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_item_is_billed_after_its_preview_and_a_payment_is_taken(cli_database: Engine) -> None:
    with Session(cli_database) as session:
        place = community_with_units(session, ["85.37", "100.00"])
        code = place.community.code
        session.commit()
    _run(
        "add-item",
        code,
        "--code",
        "parking",
        "--name",
        "车位租金",
        "--kind",
        "per_space_month",
        "--account",
        "6002",
    )
    _run("rate", code, "--item", "parking", "--rate", "120", "--from", "2024-09-01")
    _run("lease", code, "--space", "P01", "--unit-id", str(place.units[0]), "--from", "2024-09-01")
    assert "120.00" in _run("items", code)
    assert "1 bills" in _run("run", code, "--item", "parking", "--period", "2024-09", "--preview")
    assert "billed / 已开单: 1 bills" in _run(
        "run", code, "--item", "parking", "--period", "2024-09"
    )
    assert "nothing new" in _run("run", code, "--item", "parking", "--period", "2024-09")
    assert "120.00" in _run("pay", code, "--unit-id", str(place.units[0]), "--amount", "120")
    refused = runner.invoke(
        app, ["billing", "run", code, "--item", "parking", "--period", "2024-13"]
    )
    assert isinstance(refused.exception, Invalid)  # main() prints it and exits with 2
