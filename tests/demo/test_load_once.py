"""`sunshine demo load` writes 荆川东园 once; loading again changes nothing. `demo logins` prints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.demo import service as demo
from sunshine.demo.cli import demo as demo_cli
from sunshine.entrypoints.cli import app
from sunshine.identity import service as identity
from sunshine.identity.models import Membership
from sunshine.identity.models import User
from sunshine.infra import clock
from sunshine.registry import service as registry
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import Residency
from tests.demo_copies import DemoCopies
from tests.factories import FIRST_YEAR_LOADED

runner = CliRunner()


@pytest.fixture(autouse=True)
def _first_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting rows needs no more than the demo's first year, the quickest to load."""
    monkeypatch.setattr(clock, "today", lambda: FIRST_YEAR_LOADED)


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    """Make `sunshine demo …` use the test's session."""

    @contextmanager
    def same_session(**_options: bool) -> Iterator[Session]:  # open_session(writes=True) too
        yield session

    monkeypatch.setattr(demo_cli, "open_session", same_session)
    return session


@pytest.fixture
def loaded_session(engine: Engine, demo_copies: DemoCopies) -> Iterator[Session]:
    """A session on a copy of the worker's loaded demo (tests/demo_copies.py): jcdy exists."""
    with demo_copies.copy(engine) as copy, Session(copy) as session:
        yield session


def _counts(session: Session) -> tuple[int, ...]:
    community = registry.get_community(session, "jcdy")
    summary = registry.summarise(session, community)
    rows = tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Party, Ownership, Residency, User, Membership)
    )
    return (
        summary.buildings,
        summary.units,
        summary.vehicles,
        summary.resident_spaces,
        summary.visitor_spaces,
        *rows,
    )


def test_demo_load_writes_the_community_once_and_then_says_it_is_already_loaded(
    cli_session: Session,
) -> None:
    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "已载入荆川东园 (jcdy) / loaded: 4 幢 buildings, 192 户 households" in first.output
    before = _counts(cli_session)
    assert before == (4, 192, 64, 60, 9, 209, 198, 195, 11, 13)

    again = runner.invoke(app, ["demo", "load"])

    assert again.exit_code == 0, again.output
    assert again.output == "荆川东园 (jcdy) 已载入，未作改动 / already loaded, nothing changed\n"
    assert _counts(cli_session) == before


def test_loading_when_jcdy_exists_returns_it_and_writes_nothing(loaded_session: Session) -> None:
    session = loaded_session
    first = registry.get_community(session, "jcdy")
    before = _counts(session)
    steps: list[str] = []

    second = demo.load_reference_community(session, report=steps.append)

    assert second.id == first.id
    assert steps == []
    assert _counts(session) == before


def test_loading_reports_each_step(session: Session) -> None:
    steps: list[str] = []
    demo.load_reference_community(session, report=steps.append)
    assert len(steps) == demo.STEPS
    assert steps[-1] == "公示 / notices"  # the books, budgets and notices come after the logins


def test_a_login_user_added_by_hand_beforehand_is_reused(session: Session) -> None:
    admin = identity.add_user(
        session, display_name="早来的管理员", username="admin", password="another-password"
    )
    demo.load_reference_community(session)
    users = session.scalars(select(User).where(User.username == "admin")).all()
    assert [u.id for u in users] == [admin.id]


def test_demo_logins_prints_one_login_per_role_the_password_and_where_codes_are() -> None:
    result = runner.invoke(app, ["demo", "logins"])
    assert result.exit_code == 0, result.output
    for login in ("admin", "manager", "staff", "committee", "supervisor", "city"):
        assert f"│ {login} " in result.output
    assert demo.OWNER_PHONE in result.output
    assert demo.RESIDENT_PHONE in result.output
    assert "平台管理员" in result.output
    assert "city supervisor" in result.output
    assert result.output.count("sunshine-demo") == 7  # six rows and the closing line
    assert "`sunshine codes`" in result.output
