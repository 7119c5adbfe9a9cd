"""Inserting many rows fast, inside the session's transaction, for imports.

SQLAlchemy's Core `executemany` spends most of its time per row in Python (parameter
dictionaries, result bookkeeping); an import of a million journal entries writes about
five million rows. `insert_rows` takes rows as tuples in a stated column order, runs
each column's own bind processor (so `Fen`, dates and UTC instants are stored exactly
as the ORM would store them) and hands them to the driver in one call: `executemany`
on SQLite, `COPY … FROM STDIN` on PostgreSQL. Database triggers still fire per row.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (one value per name in `columns`, in that order) into `table`."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    processors: list[Callable[[Any], Any] | None] = [
        table.c[name].type._cached_bind_processor(dialect)  # noqa: SLF001 - SQLAlchemy's own cache
        for name in columns
    ]
    if any(processors):
        rows = [
            tuple(
                value if process is None else process(value)
                for process, value in zip(processors, row, strict=True)
            )
            for row in rows
        ]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    target = dialect.identifier_preparer.format_table(table)
    raw = connection.connection.driver_connection
    assert raw is not None  # an open session's connection
    if dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {target} ({quoted}) VALUES ({marks})", rows)  # noqa: S608
    finally:
        cursor.close()
