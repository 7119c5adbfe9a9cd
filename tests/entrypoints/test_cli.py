"""The root command turns a domain error into translated lines on stderr and exit code 2."""

from __future__ import annotations

import pytest

from sunshine.entrypoints import cli
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem


def test_an_error_from_a_command_is_printed_in_chinese_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sunshine", "user", "add", "--name", "测试", "--community", "a", "--community", "b"]
    monkeypatch.setattr("sys.argv", [*argv, "--role", "owner"])

    with pytest.raises(SystemExit) as exited:
        cli.main()

    assert exited.value.code == 2
    assert "每个 --community 都需要一个对应的 --role" in capsys.readouterr().err


def test_a_problem_is_printed_translated_with_its_fields_filled_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    problem = Problem("area_range", "the area {value} must be above 0 and below 100000 m²",
                      {"value": "-3"}, "area")  # fmt: skip
    cli.report_error(Invalid("the unit was not added", problems=[problem]))

    err = capsys.readouterr().err
    assert "{value}" not in err
    assert "-3" in err
    assert "the area" not in err  # the zh_CN catalog's words, not the English template
    assert "[area_range]" in err
