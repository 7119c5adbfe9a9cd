"""`sunshine user add` and `sunshine codes`, run through the root command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.identity import service as identity
from sunshine.identity.cli import users as identity_cli
from sunshine.identity.rules import Role
from sunshine.infra import tenancy
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.registry import service as registry
from tests.factories import make_community

runner = CliRunner()


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    """Make the commands use the test's session, and look communities up in the registry."""

    @contextmanager
    def same_session(**_options: bool) -> Iterator[Session]:  # open_session(writes=True) too
        yield session

    monkeypatch.setattr(identity_cli, "open_session", same_session)
    tenancy.use_lookup(registry.community_ref)
    return session


def test_user_add_creates_a_staff_member_with_roles_in_two_communities(
    cli_session: Session,
) -> None:
    first = make_community(cli_session, code="east")
    second = make_community(cli_session, code="west")

    result = runner.invoke(
        app,
        [
            "user", "add", "--name", "王经理", "--username", "wang", "--password", "long-enough-1",
            "--community", "east", "--role", "trustee_manager",
            "--community", "west", "--role", "committee",
        ],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    user = identity.find_user_by_username(cli_session, "wang")
    assert user is not None
    assert result.output == f"已添加用户 {user.id}：王经理\n"
    assert identity.roles_of(cli_session, user.id) == {
        first.id: frozenset({"trustee_manager"}),
        second.id: frozenset({"committee"}),
    }
    assert (
        identity.login_with_password(
            cli_session, username="wang", password="long-enough-1", client="cli"
        ).id
        == user.id
    )


def test_user_add_asks_for_the_password_when_it_is_not_given(cli_session: Session) -> None:
    result = runner.invoke(
        app,
        ["user", "add", "--name", "李四", "--username", "lisi"],
        input="typed-secret-1\ntyped-secret-1\n",
    )

    assert result.exit_code == 0, result.output
    assert "typed-secret-1" not in result.output
    found = identity.login_with_password(
        cli_session, username="lisi", password="typed-secret-1", client="cli"
    )
    assert found.display_name == "李四"


def test_user_add_creates_an_owner_who_logs_in_by_phone(cli_session: Session) -> None:
    result = runner.invoke(app, ["user", "add", "--name", "张三", "--phone", "138 0000 0004"])

    assert result.exit_code == 0, result.output
    user = identity.find_user_by_phone(cli_session, "13800000004")
    assert user is not None
    assert user.password_hash is None


def test_user_add_sets_a_city_wide_role(cli_session: Session) -> None:
    result = runner.invoke(
        app,
        ["user", "add", "--name", "住建局", "--username", "city", "--password", "long-enough-2",
         "--global-role", "city_supervisor"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    user = identity.find_user_by_username(cli_session, "city")
    assert user is not None
    assert user.global_role is Role.CITY_SUPERVISOR


def test_user_add_refuses_a_community_role_as_the_global_role(cli_session: Session) -> None:
    result = runner.invoke(
        app, ["user", "add", "--name", "X", "--phone", "13800000005", "--global-role", "owner"]
    )

    assert isinstance(result.exception, Invalid)
    assert result.exception.message == "the global role must be city_supervisor or platform_admin"
    assert identity.find_user_by_phone(cli_session, "13800000005") is None


def test_user_add_needs_one_role_per_community(cli_session: Session) -> None:
    make_community(cli_session, code="east")

    result = runner.invoke(
        app, ["user", "add", "--name", "X", "--phone", "13800000006", "--community", "east"]
    )

    assert isinstance(result.exception, Invalid)
    assert result.exception.message == "give one --role for each --community"


def test_user_add_names_an_unknown_community(cli_session: Session) -> None:
    result = runner.invoke(
        app,
        ["user", "add", "--name", "X", "--phone", "13800000007",
         "--community", "nowhere", "--role", "owner"],
    )  # fmt: skip

    assert isinstance(result.exception, NotFound)
    assert result.exception.message == "there is no community nowhere"


def test_user_add_refuses_a_short_password(cli_session: Session) -> None:
    result = runner.invoke(
        app, ["user", "add", "--name", "X", "--username", "x", "--password", "short"]
    )

    assert isinstance(result.exception, Invalid)
    assert [p.code for p in result.exception.problems] == ["password_short"]


def test_codes_shows_the_newest_codes_first_in_shanghai_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "codes.log"
    lines = [
        {"at": "2026-03-01T01:02:03+00:00", "phone": "13800000010", "code": "111111"},
        {"at": "2026-03-01T16:30:00+00:00", "phone": "13800000011", "code": "222222"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    monkeypatch.setattr(get_settings(), "code_log", path)

    result = runner.invoke(app, ["codes", "--limit", "5"], env={"COLUMNS": "120"})

    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "1380000001" in line]
    assert len(rows) == 2
    assert "2026-03-02 00:30:00" in rows[0]
    assert "222222" in rows[0]
    assert "2026-03-01 09:02:03" in rows[1]
    assert "111111" in rows[1]
    assert "登录验证码" in result.output


def test_codes_limits_how_many_are_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "codes.log"
    lines = [
        {"at": "2026-03-01T01:02:03+00:00", "phone": f"1380000002{n}", "code": f"00000{n}"}
        for n in range(3)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    monkeypatch.setattr(get_settings(), "code_log", path)

    result = runner.invoke(app, ["codes", "--limit", "1"], env={"COLUMNS": "120"})

    assert "13800000022" in result.output
    assert "13800000021" not in result.output


def test_codes_says_so_when_none_were_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "code_log", tmp_path / "none.log")

    result = runner.invoke(app, ["codes"])

    assert result.exit_code == 0
    assert result.output == "还没有发送过登录验证码。\n"
