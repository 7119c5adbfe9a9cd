"""Inserting many rows fast, inside the session's transaction, for imports.

SQLAlchemy's Core `executemany` spends most of its time per row in Python (parameter
dictionaries, result bookkeeping); an import of a million journal entries writes about
five million rows. `insert_rows` takes rows as tuples in a stated column order, runs
each column's own bind processor (so `Fen`, dates and UTC instants are stored exactly
as the ORM would store them) and hands them to the driver in one call: `executemany`
on SQLite, `COPY … FROM STDIN` on PostgreSQL. Database triggers still fire per row.
`driver_rows` is the reading side: a query's rows as the driver's own tuples.

A `Layout` says once how a batch's rows of one table arrive: some columns per row, in
an order the producer chose, and every other column of the table with one value for
the whole batch. The column list, its order and the SQLite `json_each` insert are
derived from the table, and a table that gains a column gets no silent default: every
insert through the layout then fails until it is given a value.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import ClauseElement
from sqlalchemy import Connection
from sqlalchemy import Dialect
from sqlalchemy import FromClause
from sqlalchemy import Table
from sqlalchemy import TextClause
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler


def columns(table: Table) -> tuple[str, ...]:
    """The table's column names in its own order."""
    return tuple(column.name for column in table.c)


@dataclass(frozen=True)
class Layout:
    """A batch's rows of `table`: the `per_row` columns in each row, the rest shared.

    `counted`, one of `per_row`, arrives counted from 0 within the batch and is stored
    as the batch's `first` plus that count (the preparing process of an import does not
    know the final numbers).
    """

    table: Table
    per_row: tuple[str, ...]
    counted: str | None = None
    shared: tuple[str, ...] = field(init=False)
    _json_insert: TextClause = field(init=False, repr=False)

    def __post_init__(self) -> None:
        known = columns(self.table)
        unknown = [name for name in self.per_row if name not in known]
        if unknown or len(set(self.per_row)) != len(self.per_row):
            raise ValueError(f"{self.table.name} has no columns {unknown}, or a repeated one")
        if self.counted is not None and self.counted not in self.per_row:
            raise ValueError(f"{self.counted} is not sent per row")
        object.__setattr__(self, "shared", tuple(c for c in known if c not in self.per_row))
        values = {
            name: f":first + (value ->> {at})" if name == self.counted else f"value ->> {at}"
            for at, name in enumerate(self.per_row)
        }
        values.update({name: f":shared_{name}" for name in self.shared})
        sql = insert_select(self.table, values, "FROM json_each(:rows)")
        object.__setattr__(self, "_json_insert", text(sql))

    def insert(
        self,
        session: Session,
        rows: Sequence[Sequence[Any]],
        *,
        first: int = 0,
        ready: Collection[str] = (),
        **shared: Any,
    ) -> None:
        """Insert `rows` (values of `per_row`), each with the `shared` values (by column)."""
        values = tuple(self._shared(shared).values())
        if self.counted is not None:
            at = self.per_row.index(self.counted)
            rows = [(*row[:at], first + row[at], *row[at + 1 :]) for row in rows]
        insert_rows(
            session,
            self.table,
            self.per_row + self.shared,
            [(*row, *values) for row in rows],
            ready=ready,
        )

    def insert_json(self, session: Session, rows: str, *, first: int = 0, **shared: Any) -> None:
        """SQLite: insert the rows of a JSON array of arrays in one statement, no Python per row."""
        params = {
            f"shared_{name}": stored_value(session, self.table, name, value)
            for name, value in self._shared(shared).items()
        }
        session.execute(self._json_insert, {**params, "rows": rows, "first": first})

    def _shared(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The shared values in column order; every shared column must be given, and no other."""
        if set(given) != set(self.shared):
            missing = sorted(set(self.shared) - set(given))
            extra = sorted(set(given) - set(self.shared))
            raise ValueError(f"{self.table.name}: no value for {missing}; not shared: {extra}")
        return {name: given[name] for name in self.shared}


def insert_select(table: Table, values: Mapping[str, str], rest: str) -> str:
    """`INSERT INTO table (every column) SELECT <its SQL in `values`> <rest>`, in table order.

    Raises ValueError unless `values` gives every column of the table, and no other.
    """
    known = columns(table)
    if set(values) != set(known):
        raise ValueError(f"{table.name}: give every column once, not {sorted(values)}")
    names = ", ".join(known)
    selected = ", ".join(values[name] for name in known)
    return f"INSERT INTO {table.name} ({names}) SELECT {selected} {rest}"


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ready: Collection[str] = (),
) -> None:
    """Insert `rows` (one value per name in `columns`, in that order) into `table`.

    Values of the columns named in `ready` are already in their stored form (fen as int,
    a period as 'YYYY-MM') and skip the column's bind processor.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    converters = [
        (position, _memoised(process))
        for position, name in enumerate(columns)
        if name not in ready
        and (process := table.c[name].type._cached_bind_processor(dialect)) is not None  # noqa: SLF001
    ]
    if converters:
        converted = []
        for row in rows:
            values = list(row)
            for position, convert in converters:
                values[position] = convert(values[position])
            converted.append(values)
        rows = converted
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


def stored_value(session: Session, table: Table, column: str, value: Any) -> Any:
    """`value` as `column`'s bind processor stores it (an instant on SQLite is text)."""
    process = table.c[column].type._cached_bind_processor(session.get_bind().dialect)  # noqa: SLF001
    return value if process is None else process(value)


def driver_rows(connection: Connection, query: ClauseElement) -> list[Any]:
    """Run `query` once in the connection's transaction: the driver's own row tuples.

    See `Statement`, which a query run many times should be made into once.
    """
    return Statement(query, connection.dialect, expand=True).rows(connection)


class Statement:
    """A query compiled once and run many times with new values: the driver's own tuples.

    SQLAlchemy's result rows cost about a microsecond more per row than the driver's
    tuples, which at a million entries (over four million rows read) is a fifth of the
    audit's budget; compiling a query costs a millisecond or two, so a query run per
    batch is compiled once, its changing values named `bindparam`s with a default.
    Values arrive as the driver gives them (no column type converts them): a query asks
    for text or integers where a type would convert, and a value stored with an odd type
    reaches the caller as it is. `expand` renders IN lists (for a query run once).
    """

    def __init__(self, query: ClauseElement, dialect: Dialect, *, expand: bool = False) -> None:
        compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": expand})
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(query)
        self.sql = str(compiled)
        self.defaults = compiled.construct_params() or {}
        self.names = compiled.positiontup if compiled.positional else None

    def rows(self, connection: Connection, **values: object) -> list[Any]:
        """Run with `values` for the named bind parameters (the defaults for the rest)."""
        params = {**self.defaults, **values} if values else self.defaults
        args = params if self.names is None else tuple(params[name] for name in self.names)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, args)
            return list(cursor.fetchall())
        finally:
            cursor.close()


def community_ids(session: Session, tables: Sequence[FromClause]) -> set[int]:
    """The communities with a row in any of `tables`: one index probe each, per table.

    Every community table's key leads with community_id, so the next id up is the first
    entry of an index range (a loose index scan), not a scan of the rows.
    """
    found: set[int] = set()
    for table in tables:
        column, last = table.c.community_id, None
        while True:
            query = select(func.min(column))
            following = session.scalar(query if last is None else query.where(column > last))
            if following is None:
                break
            found.add(following)
            last = following
    return found


def refresh_statistics(session: Session, tables: Sequence[Table]) -> None:
    """Let PostgreSQL's planner see how big `tables` have grown (ANALYZE); SQLite needs none.

    Trigger functions keep their query plans per connection. Planned while a table was
    empty, a primary-key check can become a sequential scan that then runs for every row
    of the next batch: an import refreshes the statistics as the tables grow.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        connection.exec_driver_sql(f"ANALYZE {preparer.format_table(table)}")


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process` remembering its answers: an import repeats the same dates and instants."""
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = process(value)
            return result
        except TypeError:  # unhashable
            return process(value)

    return convert
