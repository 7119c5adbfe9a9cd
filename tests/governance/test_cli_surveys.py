"""`sunshine governance survey …` and `… announcement …` on a file database."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.registry import service as registry
from tests.factories import make_community
from tests.factories import make_user

runner = CliRunner()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["governance", *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


def test_a_survey_from_opening_to_its_result_and_its_announcement(cli_database: Engine) -> None:
    with Session(cli_database) as session:
        community = make_community(session)
        registry.add_building(session, community.id, code="1", name="1幢", floors=6)
        for number in ("1-1-101", "1-1-102", "1-1-201"):
            draft = registry.UnitDraft(number=number, area=Decimal(90))
            registry.add_unit(session, community.id, draft)
        staff = make_user(session).username
        session.commit()
        code = community.code
    opened = _run(
        "survey", "open", code, "东门空地改作停车场意见征求",
        "--question", "是否同意东门空地改作停车场？|同意/不同意",
        "--opens", "2026-12-01", "--closes", "2026-12-10", "--households",
    )  # fmt: skip
    assert "3" in opened
    for unit, answer, channel in (("1-1-101", "1=1", "door"), ("1-1-102", "1=2", "phone")):
        _run(
            "survey", "respond", code, "1", unit, "--channel", channel, "--by", staff,
            "--answer", answer, "--at", "2026-12-02T10:00",
        )  # fmt: skip
    _run(
        "survey", "respond", code, "1", "1-1-201", "--channel", "paper", "--by", staff,
        "--at", "2026-12-02T10:00",
    )  # fmt: skip
    _run("survey", "close", code, "1", "--on", "2026-12-11")
    shown = _run("survey", "show", code, "1")
    assert "意见征求，不具表决效力" in shown
    assert "50.0%" in shown  # 1 of the 2 valid; the blank paper form is not valid
    _run(
        "announcement", "publish", code, "survey", "意见征求结果公告", "--ref", "survey:1",
        "--text", "同意1份，占有效意见的50.0%。", "--on", "2026-12-12",
    )  # fmt: skip
    late = _run(
        "announcement", "publish", code, "meeting_notice", "四方联席会议通知",
        "--on", "2026-12-12", "--due", "2026-12-11",
    )  # fmt: skip
    assert "2" in late
    listed = _run("announcement", "list", code)
    assert listed.count("\n") == 2
    assert "2026-12-11" in listed
