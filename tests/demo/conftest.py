"""One loaded 荆川东园 per database, shared by the read-only tests of a module.

The demo is loaded as on `factories.FIRST_YEAR_LOADED` (its first year). Loading takes seconds (192 units, argon2 for every password login), so the tests that
only read share one copy of the worker's load (tests/demo_copies.py), rolled back when
the module is done. Tests that write use the ordinary per-test `session`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sunshine.registry.models import Community
from tests.demo_copies import DemoCopies
from tests.demo_copies import is_copy
from tests.factories import load_demo

TRUST_MODEL = Path(__file__).parents[2] / "docs" / "trust-model.md"


def _october_checkpoint() -> tuple[str, int]:
    """The October 2024 notice's printed checkpoint (fingerprint, log size), as the docs state it.

    The same whenever the demo is loaded into a fresh database. docs/trust-model.md is the one
    place it is written: what changes the notice's record (a new section, the demo's books)
    changes the fingerprint, and the tests then say which value to write there.
    """
    text = TRUST_MODEL.read_text(encoding="utf-8")
    found = re.search(r"notice prints `([0-9A-F]{4}(?: [0-9A-F]{4}){3})`,\s+log size (\d+)", text)
    assert found is not None, "docs/trust-model.md no longer states the October checkpoint"
    return found.group(1), int(found.group(2))


OCTOBER_CHECKPOINT = _october_checkpoint()


def ids_start_afresh(session: Session) -> bool:
    """Whether the records' ids are a fresh database's, so the demo's log hashes as documented.

    PostgreSQL's sequences do not roll back: in a test database that other tests used first,
    the ids inside the log's records (users, budgets) differ, though the log's size does not.
    A copy of a loaded demo is a fresh load's database on either.
    """
    return session.get_bind().dialect.name == "sqlite" or is_copy(session)


@dataclass(frozen=True)
class Loaded:
    session: Session
    community: Community


@pytest.fixture(scope="module")
def loaded(engine: Engine, demo_copies: DemoCopies) -> Iterator[Loaded]:
    with demo_copies.copy(engine) as copy, copy.connect() as connection:
        outer = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            yield Loaded(session, load_demo(session))
        outer.rollback()
