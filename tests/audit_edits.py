"""How to edit a logged row behind the app's back, for tests/test_audit_edits.py.

Pick a row, give one of its columns another plausible value of the type it holds (an
amount one fen more, another member of an enum, the next month or day, one figure of a
published record one higher), remove it, or copy it under a new key.
"""

from __future__ import annotations

import re
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Enum
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import Table
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from sunshine.infra.db import PeriodType
from sunshine.kernel.periods import Period

_FAR = 1_000_003  # added to keys and counts: clear of every real value


def pick_row(
    session: Session, table: Table, community_id: int, where: str | None
) -> dict[str, Any]:
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    condition = f" AND ({where})" if where else ""
    found = (
        session.execute(
            text(
                f"SELECT * FROM {table.name} WHERE community_id = :c{condition}"
                f" ORDER BY {order} LIMIT 1"
            ),
            {"c": community_id},
        )
        .mappings()
        .first()
    )
    assert found is not None, f"the demo has no row of {table.name} {where or ''}"
    return dict(found)


def key_where(table: Table) -> str:
    return " AND ".join(f'"{c.name}" = :k_{c.name}' for c in table.primary_key.columns)


def key_values(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {f"k_{c.name}": row[c.name] for c in table.primary_key.columns}


def run(session: Session, statement: str, params: dict[str, Any]) -> None:
    try:
        session.execute(text(statement), params)
    except DBAPIError as refused:  # nothing here should be refused: say which
        pytest.fail(f"the database refused {statement}: {refused.orig}")


def insert_copy(session: Session, table: Table, row: dict[str, Any]) -> None:
    """The row again under a new key: its last key column, and any unique column, changed."""
    changed = {list(table.primary_key.columns)[-1].name}
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            changed.update(c.name for c in constraint.columns if c.name != "community_id")
    copy = {
        name: new_value(table.c[name], value) if name in changed else value
        for name, value in row.items()
    }
    names = ", ".join(f'"{name}"' for name in copy)
    values = ", ".join(f":{name}" for name in copy)
    run(session, f"INSERT INTO {table.name} ({names}) VALUES ({values})", copy)


def new_value(column: Column[Any], value: Any) -> Any:  # noqa: PLR0911 - a value of any column
    """A plausible other value for the column, of the type it holds."""
    kind = column.type
    if isinstance(kind, PeriodType):  # the next month; a key clear of every other
        return str(Period.parse(value).shift(600 if column.primary_key else 1))
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, Boolean):
        return not value
    if isinstance(kind, Enum):
        return next(member for member in kind.enums if member != value)
    if isinstance(kind, Integer | BigInteger):
        return _new_number(column.name, value)
    if isinstance(kind, DateTime):
        return _instant(value) + timedelta(days=1)
    if isinstance(kind, Date):
        if value is None:
            return date(2025, 1, 1)
        return (date.fromisoformat(value) if isinstance(value, str) else value) + timedelta(days=1)
    if isinstance(kind, LargeBinary):
        return bytes([value[0] ^ 0xFF]) + bytes(value[1:])
    return _new_text(value)


def _new_number(name: str, value: int | None) -> int:
    if value is None:
        return 1
    if name.endswith("_fen") or name == "rate_basis_points":
        return value + 1 if value != -1 else value + 2  # one fen: the subtlest edit
    return value + _FAR


def _new_text(value: str | None) -> str:
    if not value:
        return "X"
    if value.startswith("{"):  # a published record: one figure one higher, as 9618 → 9619
        edited = re.sub(
            r'(_fen":-?\d*)(\d)', lambda m: m[1] + str((int(m[2]) + 1) % 10), value, count=1
        )  # a record without money (a committee decision): its first digit
        return edited if edited != value else re.sub(r"\d", _next_digit, value, count=1)
    return ("Y" if value[0] == "X" else "X") + value[1:]


def _next_digit(match: re.Match[str]) -> str:
    return str((int(match[0]) + 1) % 10)


def _instant(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


# --- the reproductions -------------------------------------------------------------
