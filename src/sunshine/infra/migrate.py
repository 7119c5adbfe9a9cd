"""Run Alembic migrations from code (`sunshine db upgrade`, `./run.sh`, the test fixtures)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from sunshine.infra.settings import ROOT


def alembic_config() -> Config:
    """The repository's alembic.ini."""
    return Config(str(ROOT / "alembic.ini"))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` to `revision`."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
