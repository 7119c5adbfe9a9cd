"""`sunshine governance meeting …` on a file database, as an operator records a joint meeting."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.governance.service import meetings
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.transparency import service as log
from tests.factories import make_community

runner = CliRunner()


def _community(engine: Engine) -> tuple[str, int]:
    with Session(engine) as session:
        community = make_community(session)
        session.commit()
        return community.code, community.id


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["governance", "meeting", *args])
    if code == 2:
        assert isinstance(result.exception, Invalid | Conflict), result.output
    else:
        assert result.exit_code == code, result.output
    return result.output


def test_a_joint_meeting_is_recorded_published_and_followed_up(cli_database: Engine) -> None:
    code, cid = _community(cli_database)
    _run("create", code, "四方联席会议", "--on", "2024-08-20", "--place", "社区党群服务中心")
    out = _run("attend", code, "1", "--party", "party_committee", "--organisation", "锦阳苑社区党委",
               "--role", "书记", "--name", "陈立新")  # fmt: skip
    assert "尚不构成四方联席会议：缺少网格党支部、业委会（物管会）、物业公司（受托人）" in out
    for party, organisation in (("grid_branch", "第三网格党支部"), ("committee", "物管会")):
        _run("attend", code, "1", "--party", party, "--organisation", organisation)
    out = _run("attend", code, "1", "--party", "trustee", "--organisation", "鼎盛物业")
    assert "四方均已参会" in out
    _run("agenda", code, "1", "道闸系统更换")
    _run("minutes", code, "1", "会议听取了物业公司的汇报。")
    _run("resolve", code, "1", "道闸于9月1日启用")
    _run("action", code, "1", "道闸落杆启用", "--party", "trustee", "--owner", "项目经理",
         "--due", "2024-08-31", "--ref", "expense:1")  # fmt: skip
    _run("action", code, "1", "清拖僵尸车", "--party", "party_committee", "--owner", "社区党委",
         "--due", "2024-09-30", "--ref", "ticket:5")  # fmt: skip
    _run("action", code, "1", "x", "--party", "trustee", "--owner", "物业", "--due",
         "2024-09-30", "--ref", "invoice:5", code=2)  # fmt: skip
    assert "没有逾期事项" in _run("overdue", code, "--today", "2024-08-31")  # its due day
    listed = _run("overdue", code, "--today", "2024-09-01", code=1)
    assert listed.startswith("1\t")
    assert "2024-08-31" in listed
    with Session(cli_database) as session:
        size = log.tree_size(session, cid)
    _run("publish", code, "1", "--on", "2024-08-22")
    with Session(cli_database) as session:
        assert log.tree_size(session, cid) == size + 1
    _run("minutes", code, "1", "改写", code=2)  # published: locked
    _run("done", code, "1", "--on", "2024-08-31")
    assert "没有逾期事项" in _run("overdue", code, "--today", "2024-09-30")
    assert _run("overdue", code, "--today", "2024-10-01", code=1).startswith("2\t")
    _run("correct", code, "1", "--reason", "笔误", "--resolution", "道闸于9月1日零时启用",
         "--on", "2024-08-23")  # fmt: skip
    with Session(cli_database) as session:
        assert log.tree_size(session, cid) == size + 2
        assert [v.version for v in meetings.versions(session, cid, 1)] == [1, 2]
    shown = _run("show", code, "1")
    assert "道闸于9月1日零时启用" in shown
    assert "陈立新" in shown
    assert "published" in _run("list", code)
