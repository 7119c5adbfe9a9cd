"""`sunshine bank account|import|match|reconcile` on a file database, as an operator runs them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.kernel.errors import Invalid
from sunshine.registry.models import Community
from sunshine.transparency import service as log
from tests.banking.support import NUMBER
from tests.banking.support import SAMPLES
from tests.banking.support import october

runner = CliRunner()


def _code(engine: Engine) -> tuple[str, int]:
    with Session(engine) as session:
        setup = october(session, bank="ccb")
        community = session.get(Community, setup.cid)
        assert community is not None
        session.commit()
        return community.code, setup.cid


def test_import_match_and_reconcile_from_the_command_line(cli_database: Engine) -> None:
    code, cid = _code(cli_database)
    statement = str(SAMPLES / "ccb.xlsx")
    set_up = runner.invoke(app, ["bank", "account", code, NUMBER, "--bank", "ccb", "--window", "2"])
    assert set_up.exit_code == 0, set_up.output
    first = runner.invoke(app, ["bank", "import", code, statement, "--bank", "ccb"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["bank", "import", code, statement, "--bank", "ccb"])
    assert again.exit_code == 0, again.output
    assert first.output != again.output  # 4 added the first time, none the second
    matched = runner.invoke(app, ["bank", "match", code])
    assert matched.exit_code == 0, matched.output
    with Session(cli_database) as session:
        size = log.tree_size(session, cid)
    done = runner.invoke(app, ["bank", "reconcile", code, "--date", "2024-10-31"])
    assert done.exit_code == 0, done.output
    assert "56,976.42" in done.output
    with Session(cli_database) as session:
        assert log.tree_size(session, cid) == size + 1


def test_a_broken_statement_is_refused_by_the_command(cli_database: Engine, tmp_path: Path) -> None:
    code, _ = _code(cli_database)
    broken = tmp_path / "broken.csv"
    broken.write_bytes((SAMPLES / "jsb.csv").read_bytes().replace(b"56976.42", b"56977.42"))
    refused = runner.invoke(app, ["bank", "import", code, str(broken), "--bank", "jsb"])
    assert isinstance(refused.exception, Invalid)
    assert refused.exception.fields["row"] == 8
