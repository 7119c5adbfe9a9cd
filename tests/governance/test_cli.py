"""`sunshine governance …` on a file database, as an operator runs it."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.governance.service import decisions
from sunshine.governance.service.authority import OFF_BY_DEFAULT
from sunshine.infra.authority import MatterKind
from sunshine.infra.authority import budget_matter
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry
from sunshine.transparency import service as log
from tests.factories import make_community
from tests.governance.authority_setup import decided

runner = CliRunner()


def _community(engine: Engine) -> tuple[str, int, list[int]]:
    with Session(engine) as session:
        community = make_community(session)
        parties = [registry.add_party(session, community.id, name=n).id for n in ("甲", "乙", "丙")]
        session.commit()
        return community.code, community.id, parties


def _run(*args: str, code: int = 0) -> str:
    """Run a command; code 2 is a refusal, which `main` prints and exits 2 for."""
    result = runner.invoke(app, ["governance", *args])
    if code == 2:
        assert isinstance(result.exception, Invalid), result.output
    else:
        assert result.exit_code == code, result.output
    return result.output


def test_a_committee_decides_and_announces_from_the_command_line(cli_database: Engine) -> None:
    code, cid, parties = _community(cli_database)
    _run(
        "committee",
        code,
        "第一届业主委员会",
        "--formed",
        "2026-01-01",
        "--majority",
        "more_than_half",
    )
    for party in parties:
        _run("member", code, "1", str(party), "--from", "2026-01-01")
    assert _run("members", code, "1", "--on", "2026-12-01").count("\n") == 3
    with Session(cli_database) as session:
        size = log.tree_size(session, cid)
    out = _run(
        "decide",
        code,
        "1",
        "批准2027年度预算",
        "--on",
        "2026-12-01",
        "--present",
        "1,2",
        "--yes",
        "1,2",
        "--about",
        "budget:2027/v1",
    )
    assert "2026-12-04" in out
    with Session(cli_database) as session:
        assert log.tree_size(session, cid) == size + 1
        [made] = decisions.list_decisions(session, cid)
        assert decisions.record_of(made)["outcome"] == "adopted"  # 2 of 3 is more than half
        assert decisions.record_of(made)["subject"] == {"kind": "budget", "ref": "2027/v1"}
    assert "1" in _run("recount", code, "1")
    assert _run("late", code, "--today", "2026-12-05", code=1).startswith("1\t2026-12-04")
    _run("announce", code, "1", "--on", "2026-12-05")
    _run("late", code, "--today", "2026-12-06", code=1)  # announced a day late: still named


def test_a_refused_decision_writes_nothing_and_exits_2(cli_database: Engine) -> None:
    code, cid, parties = _community(cli_database)
    _run("committee", code, "物管会", "--formed", "2026-01-01", "--kind", "property_committee")
    _run("member", code, "1", str(parties[0]), "--from", "2026-01-01")
    _run("decide", code, "1", "批准", "--on", "2026-12-01", "--present", "1,9", code=2)
    _run("decide", code, "1", "批准", "--on", "2026-12-01", "--present", "1", "--yes", "1",
         "--no", "1", code=2)  # fmt: skip
    _run("decide", code, "1", "批准", "--on", "12/01", "--present", "1", code=2)
    _run("decide", code, "1", "批准", "--on", "2026-12-01", "--present", "1", "--about", "car",
         code=2)  # fmt: skip
    with Session(cli_database) as session:
        assert decisions.list_decisions(session, cid) == []


def test_which_steps_need_a_decision_and_the_links_from_the_command_line(
    cli_database: Engine,
) -> None:
    code, cid, _parties = _community(cli_database)
    with Session(cli_database) as session:
        cited = decided(session, cid, budget_matter(2026, 1))
        refused = decided(session, cid, budget_matter(2027, 1), adopted=False)
        session.commit()
    listed = _run("require", code)  # the four the issue names are on; the opt-in kinds off
    assert listed.count("\t须有委员会决定") == len(MatterKind) - len(OFF_BY_DEFAULT) == 4
    assert listed.count("\t无须委员会决定") == len(OFF_BY_DEFAULT) == 3
    assert runner.invoke(app, ["governance", "require", code, "expense"]).exit_code == 2
    _run("require", code, "gate", "--off", code=2)
    assert "expense\t无须委员会决定" in _run("require", code, "expense", "--off")
    _run("link", code, "budget:2027/v1", refused, code=2)  # not adopted
    _run("link", code, "budget:2027/v1", cited, code=2)  # about 2026's budget
    assert f"budget:2026/v1\t{cited}" in _run("link", code, "budget:2026/v1", cited)
    assert _run("link", code) == f"budget:2026/v1\t{cited}\n"
    assert "未关联任何决定" in _run("link", code, "month_close:2026-01")
    with Session(cli_database) as session:
        assert [r.kind for r in log.iter_records(session, cid)][-2:] == [
            "governance.requirement",
            "governance.authority",
        ]
