"""Row layouts for bulk inserts (`infra.bulk.Layout`): derived from the table, every column
given a value once, so a table that gains a column cannot be left to a silent default.
Pure: nothing is inserted.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Column
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy.orm import Session

from sunshine.infra import bulk
from sunshine.infra.db import Base
from sunshine.ledger.models import Posting
from sunshine.ledger.rules.import_batches import POSTING_FIELDS
from sunshine.ledger.service import bulk_booking

_POSTINGS = Base.metadata.tables[Posting.__tablename__]
_NOTHING = Session()  # never used: each call below is refused before it reaches a database


def _table(*extra: Column[int]) -> Table:
    return Table(
        "t",
        MetaData(),
        Column("community_id", Integer, primary_key=True),
        Column("id", Integer, primary_key=True),
        Column("name", String),
        Column("size", Integer),
        *extra,
    )


def test_a_layout_shares_every_column_not_sent_per_row_in_the_tables_order() -> None:
    layout = bulk.Layout(_table(), ("size", "id"), counted="id")
    assert layout.shared == ("community_id", "name")
    assert bulk.columns(_table()) == ("community_id", "id", "name", "size")


@pytest.mark.parametrize(
    ("per_row", "counted"),
    [(("id", "colour"), None), (("id", "id"), None), (("name",), "id")],
    ids=["a column the table lacks", "a column twice", "counted but not sent"],
)
def test_a_layout_that_does_not_fit_its_table_is_refused(
    per_row: tuple[str, ...], counted: str | None
) -> None:
    with pytest.raises(ValueError, match="t"):
        bulk.Layout(_table(), per_row, counted=counted)


def test_an_insert_must_give_every_shared_column_a_value_and_no_other() -> None:
    layout = bulk.Layout(_table(), ("id", "size"))
    with pytest.raises(ValueError, match=r"no value for \['name'\]"):
        layout.insert(_NOTHING, [(1, 2)], community_id=1)
    with pytest.raises(ValueError, match=r"not shared: \['id'\]"):
        layout.insert(_NOTHING, [(1, 2)], community_id=1, name="x", id=3)


def test_a_table_that_gains_a_column_stops_the_imports_inserts_until_it_is_given_one() -> None:
    grown = Table(
        _POSTINGS.name,
        MetaData(),
        *(Column(column.name, column.type) for column in _POSTINGS.c),
        Column("approved_by", Integer),
    )
    layout = bulk.Layout(grown, POSTING_FIELDS, counted="entry_id")
    with pytest.raises(ValueError, match=r"no value for \['approved_by'\]"):
        layout.insert_json(_NOTHING, "[]", community_id=1, **bulk_booking.IMPORTED_POSTING)
    with pytest.raises(ValueError, match="give every column once"):
        bulk.insert_select(grown, {c.name: "NULL" for c in _POSTINGS.c}, "")
