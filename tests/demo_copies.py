"""荆川东园 loaded once per worker, database and `today`, then copied for each module that reads it.

Loading the demo takes seconds (years of books, a password hash per login); copying a
loaded database takes a fraction of one: SQLite's file is copied, PostgreSQL copies a
template database (CREATE DATABASE … TEMPLATE). A copy is a fresh load's database, ids
included. The files the load wrote (the log's signing key, the vouchers) come with it,
into the var folder that the settings name when the copy is made.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sunshine.infra import migrate
from sunshine.infra.db import make_engine
from sunshine.infra.settings import get_settings
from tests.factories import FIRST_YEAR_LOADED
from tests.factories import load_demo

COPY_MARK = "_demo_copy_"  # in a copy's database name (PostgreSQL) or file name (SQLite)


@dataclass(frozen=True)
class _Template:
    where: str  # the SQLite file, or the PostgreSQL database's name
    var: Path  # the files the load wrote
    server: URL | None = None  # PostgreSQL's


def is_copy(session: Session) -> bool:
    """Whether `session` is on a copy of a loaded demo: its ids are a fresh load's."""
    return COPY_MARK in (session.get_bind().engine.url.database or "")


class DemoCopies:
    """This worker's loaded demos (made on first use) and the copies made of them."""

    def __init__(self, var_dir: Path) -> None:
        self._shared_var = var_dir  # the tests' var folder: its keys are the loads' keys
        self._folder = Path(tempfile.mkdtemp(prefix="sunshine-demo-"))
        self._templates: dict[tuple[str, date], _Template] = {}
        self._numbers = itertools.count(1)

    @contextlib.contextmanager
    def copy(self, engine: Engine, *, today: date = FIRST_YEAR_LOADED) -> Iterator[Engine]:
        """An engine on a new database beside `engine`'s, holding the demo as loaded on `today`."""
        if engine.dialect.name == "sqlite":
            with self.sqlite_copy(today=today) as copy:
                yield copy
            return
        template = self._template(engine.url, today)
        self._copy_files(template)
        name = f"{engine.url.database}{COPY_MARK}{next(self._numbers)}"
        with _admin(engine.url) as admin:
            admin.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.where}"'))
            copy = make_engine(_render(engine.url.set(database=name)))
            try:
                yield copy
            finally:
                copy.dispose()
                admin.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))

    @contextlib.contextmanager
    def sqlite_copy(self, *, today: date = FIRST_YEAR_LOADED) -> Iterator[Engine]:
        """An engine on a new SQLite file holding the demo as loaded on `today`."""
        template = self._template(None, today)
        self._copy_files(template)
        path = self._folder / f"{COPY_MARK}{next(self._numbers)}.db"
        shutil.copyfile(template.where, path)
        copy = make_engine(f"sqlite:///{path}")
        try:
            yield copy
        finally:
            copy.dispose()
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)

    def remove(self) -> None:
        """Drop the PostgreSQL templates (a shared server outlives the run) and the files."""
        for template in self._templates.values():
            # A server of the run's own may be gone already, and its templates with it.
            if template.server is not None:
                with contextlib.suppress(OperationalError), _admin(template.server) as admin:
                    admin.execute(text(f'DROP DATABASE IF EXISTS "{template.where}" WITH (FORCE)'))
        shutil.rmtree(self._folder, ignore_errors=True)

    @staticmethod
    def _copy_files(template: _Template) -> None:
        shutil.copytree(template.var, get_settings().var_dir, dirs_exist_ok=True)

    def _template(self, server: URL | None, today: date) -> _Template:
        key = ("sqlite" if server is None else "postgresql", today)
        if key not in self._templates:
            self._templates[key] = self._load(server, today)
        return self._templates[key]

    def _load(self, server: URL | None, today: date) -> _Template:
        """Load the demo into a new, migrated database, with the tests' keys in its var folder.

        `server` is PostgreSQL's (a database of the tests' on it); None for a SQLite file.
        """
        label = f"{'sqlite' if server is None else 'postgresql'}_{today:%Y%m%d}"
        var = self._folder / f"var_{label}"
        var.mkdir()
        if (self._shared_var / "keys").is_dir():
            shutil.copytree(self._shared_var / "keys", var / "keys")
        if server is None:
            where = str(self._folder / f"demo_{label}.db")
            url = f"sqlite:///{where}"
        else:
            where = f"{server.database}_demo_{today:%Y%m%d}"
            with _admin(server) as admin:
                admin.execute(text(f'CREATE DATABASE "{where}"'))
            url = _render(server.set(database=where))
        with _var_dir(var):
            template = make_engine(url)
            try:
                migrate.upgrade(template)
                with Session(template) as session:
                    load_demo(session, today=today)
                    session.commit()
                if server is None:  # all in the file, none in its log
                    with template.connect() as connection:
                        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                template.dispose()  # no connection may be open on a template being copied
        return _Template(where, var, server)


@contextlib.contextmanager
def _admin(url: URL) -> Iterator[Connection]:
    """An autocommit connection to the server's `postgres` database."""
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            yield connection
    finally:
        admin.dispose()


@contextlib.contextmanager
def _var_dir(folder: Path) -> Iterator[None]:
    before = os.environ.get("SUNSHINE_VAR_DIR")
    os.environ["SUNSHINE_VAR_DIR"] = str(folder)
    get_settings.cache_clear()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SUNSHINE_VAR_DIR", None)
        else:
            os.environ["SUNSHINE_VAR_DIR"] = before
        get_settings.cache_clear()


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)
