"""Migration 0010: books kept before accounts were logged get their chart appended to the log.

Each database gets a database of its own at revision 0009, a chart opened as it was then
(rows, no records) and entries posted; the log then holds no account record. After the
upgrade the chart is in the log, the audit is clean, and the log has only grown: the old
root is consistent with the new tree.
Down and up again appends nothing twice.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import migrate
from sunshine.kernel import merkle
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.ledger.models import Account
from sunshine.transparency import service as log
from sunshine.transparency.models import LogRecord
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.builders import Books
from tests.ledger.builders import pay

OPENED = date(2024, 9, 1)


def _books_of_0009(engine: Engine) -> int:
    """A chart opened as it was before 0010 (no records), two entries, a checkpoint."""
    with Session(engine) as session:
        community = make_community(session, code="old")
        session.add_all(
            Account(
                community_id=community.id,
                code=t.code,
                name_zh=t.name_zh,
                name_en=t.name_en,
                kind=t.kind,
                category=t.category,
                parent_code=t.parent_code,
                opened_on=OPENED,
            )
            for t in rules.CHART
        )
        session.flush()
        books = Books(community.id, make_user(session).id)
        pay(session, books, date(2024, 10, 8), "660801", "23.58", "10月公共用水")
        pay(session, books, date(2024, 10, 15), "6601", "5300.00", "10月人员工资")
        session.commit()  # no checkpoint: signing reads the keys' columns of later revisions
        return community.id


@pytest.mark.usefixtures("without_spending_gate")
def test_the_chart_of_older_books_is_logged_and_the_log_only_grows(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine, "0009")
    cid = _books_of_0009(fresh_engine)
    with Session(fresh_engine) as session:
        # Today's audit reads columns that later revisions add, so at 0009 the records are
        # counted directly: the chart has none (the audit would name each account missing).
        kinds = session.scalars(select(LogRecord.kind).where(LogRecord.community_id == cid)).all()
        assert service.ACCOUNT_KIND not in kinds
        old_size, old_root = 2, log.root(session, cid)

    migrate.upgrade(fresh_engine)

    with Session(fresh_engine) as session:
        assert log.audit(session, cid).clean
        size = log.tree_size(session, cid)
        assert size == old_size + len(rules.CHART)
        proof = log.consistency_proof(session, cid, old_size=old_size, new_size=size)
        assert merkle.verify_consistency(old_size, size, proof, old_root, log.root(session, cid))
        record = log.find_record(session, cid, kind=service.ACCOUNT_KIND, ref="6601")
        assert record is not None
        assert record.seq == old_size + [t.code for t in sorted(rules.CHART, key=_code)].index(
            "6601"
        )

    migrate.downgrade(fresh_engine, "0009")
    migrate.upgrade(fresh_engine)
    with Session(fresh_engine) as session:
        assert log.tree_size(session, cid) == size  # nothing appended twice
        assert log.audit(session, cid).clean


def _code(template: rules.AccountTemplate) -> str:
    return template.code
