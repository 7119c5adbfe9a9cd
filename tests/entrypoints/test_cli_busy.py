"""A command that writes while another writer holds the database says so, and exits 2."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import Engine

from sunshine.entrypoints import cli
from sunshine.infra import db
from sunshine.infra.db import make_engine
from sunshine.infra.settings import get_settings


def test_a_writing_command_that_finds_the_database_locked_says_it_is_busy(
    cli_database: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SUNSHINE_DB_BUSY_SECONDS", "0")
    get_settings.cache_clear()
    impatient = make_engine(cli_database.url.render_as_string())
    db.use_engine(impatient)
    monkeypatch.setattr("sys.argv", ["sunshine", "demo", "load"])

    other_writer = sqlite3.connect(str(cli_database.url.database), isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(SystemExit) as exited:
            cli.main()
    finally:
        other_writer.close()
        impatient.dispose()

    assert exited.value.code == 2
    assert "系统繁忙，请稍后重试" in capsys.readouterr().err
