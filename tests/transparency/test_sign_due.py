"""The daily checkpoint: a log that grew since its last checkpoint is signed, others are left alone."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.transparency import service as log
from tests.factories import make_community

runner = CliRunner()


def _append(session: Session, community_id: int, count: int) -> None:
    for n in range(count):
        log.append(session, community_id, kind="test", record={"n": n})


def test_a_log_is_signed_only_when_it_holds_records_no_checkpoint_covers(session: Session) -> None:
    community = make_community(session)
    origin = f"sunshine/{community.code}"
    assert log.sign_if_behind(session, community.id, origin=origin) is None  # an empty log
    _append(session, community.id, 3)
    first = log.sign_if_behind(session, community.id, origin=origin)
    assert first is not None
    assert first.tree_size == 3
    assert log.sign_if_behind(session, community.id, origin=origin) is None  # nothing new
    _append(session, community.id, 2)
    second = log.sign_if_behind(session, community.id, origin=origin)
    assert second is not None
    assert second.tree_size == 5
    assert [c.tree_size for c in log.list_checkpoints(session, community.id)] == [3, 5]
    _append(session, community.id, 1)
    log.sign_checkpoint(session, community.id, origin=origin)  # signed by hand meanwhile
    assert log.sign_if_behind(session, community.id, origin=origin) is None


def test_the_daily_command_signs_each_grown_log_once_and_then_nothing(cli_database: Engine) -> None:
    with Session(cli_database) as session:
        grown, signed, empty = (make_community(session, code=c).id for c in ("ga", "gb", "gc"))
        _append(session, grown, 4)
        _append(session, signed, 2)
        log.sign_checkpoint(session, signed, origin="sunshine/gb")
        session.commit()

    first = runner.invoke(app, ["checkpoint", "sign-due"])
    assert first.exit_code == 0, first.output
    assert first.output == "ga：已签名检查点 4（新增 4 条记录）\n"
    again = runner.invoke(app, ["checkpoint", "sign-due"])
    assert again.exit_code == 0, again.output
    assert again.output == "每个日志都已有覆盖全部记录的签名检查点：无需签名。\n"

    with Session(cli_database) as session:
        _append(session, grown, 1)
        _append(session, signed, 3)
        session.commit()
    later = runner.invoke(app, ["checkpoint", "sign-due"])
    assert later.output.splitlines() == [
        "ga：已签名检查点 5（新增 1 条记录）",
        "gb：已签名检查点 5（新增 3 条记录）",
    ]
    with Session(cli_database) as session:
        sizes = [
            [row.tree_size for row in log.list_checkpoints(session, community)]
            for community in (grown, signed, empty)
        ]
    assert sizes == [[4, 5], [2, 5], []]
