"""The audit of the journal (`ledger.service.audit`, run by `transparency.service.audit`
and `sunshine audit`): the books against their public log.

Clean books pass. Then an attacker with the database file (append-only triggers dropped
first, as anyone with file access can) changes, removes or adds rows behind the app's
back, on SQLite and on PostgreSQL, and the audit names the entry number or log record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.infra import clock
from sunshine.infra.migrate import drop_append_only_statements
from sunshine.kernel import merkle
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.ledger.service import audit_scan
from sunshine.ledger.service.audit import _stored_record
from sunshine.ledger.service.entries import posted_with
from sunshine.transparency import service as log
from sunshine.transparency.rules import records as log_rules
from sunshine.transparency.rules.records import LogKind
from sunshine.transparency.service import audit_scan as log_scan
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.builders import Books
from tests.ledger.builders import draft
from tests.ledger.builders import open_books
from tests.ledger.builders import pay
from tests.ledger.builders import post

runner = CliRunner()
SHA_A, SHA_B, SHA_C = "aa" * 32, "bb" * 32, "cc" * 32


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 2, so a handful of entries and records crosses many batch boundaries."""
    monkeypatch.setattr(audit_scan, "BATCH", 2)
    monkeypatch.setattr(log_scan, "BATCH", 3)  # out of step with the entries' batches


def _voucher(session: Session, books: Books, sha: str) -> None:
    service.register_voucher(
        session,
        books.community_id,
        sha256=sha,
        media_type="image/png",
        size_bytes=10,
        original_name="收据.png",
        actor_id=books.actor_id,
    )


def _october(session: Session) -> Books:
    """Entries 1-5 of the October notice (4 is the wages, paid to a person), plus what
    else the ledger logs: a voucher posted with an entry, one attached later, a public
    copy, trust terms, a reversal (entry 6); then a signed checkpoint."""
    books = open_books(session)
    cid = books.community_id
    for sha in (SHA_A, SHA_B, SHA_C):
        _voucher(session, books, sha)
    post(
        session,
        books,
        draft(date(2024, 9, 30), "期初信托资金", ("1001", "50000.00"), ("3001", "-50000.00")),
    )
    post(
        session,
        books,
        draft(
            date(2024, 10, 8),
            '10月公共用水 "一号楼"\n水表',
            ("660801", "23.58"),
            ("1001", "-23.58"),
            counterparty="常州通用自来水有限公司",
            vouchers=(SHA_A,),
        ),
    )
    pay(session, books, date(2024, 10, 10), "660802", "195.00", "10月公共用电")
    pay(
        session,
        books,
        date(2024, 10, 15),
        "6601",
        "5300.00",
        "10月人员工资",
        counterparty="王建国",
        person=True,
    )
    pay(session, books, date(2024, 10, 25), "6602", "4100.00", "更换道闸系统")
    service.attach_voucher(session, cid, entry_id=5, sha256=SHA_B)
    service.set_public_copy(session, cid, sha256=SHA_A, public_sha256=SHA_C)
    service.set_trust_terms(
        session,
        cid,
        rules.TrustTerms(
            effective_from=Period(2024, 9),
            kind=rules.RemunerationKind.FIXED,
            fixed=Fen.parse("800.00"),
            contract_ref="信托服务合同 第六条",
        ),
        actor_id=books.actor_id,
    )
    service.reverse_entry(
        session,
        cid,
        3,
        reason="电费重复入账",
        actor_id=books.actor_id,
        booked_on=date(2024, 10, 31),
    )
    log.sign_checkpoint(session, cid, origin="sunshine/test")
    return books


def _unguard(session: Session, *tables: str) -> None:
    """Drop the append-only triggers, as someone editing the database file would."""
    dialect = session.get_bind().dialect.name
    for table in tables:
        for statement in drop_append_only_statements(table, dialect):
            session.execute(text(statement))


def _kinds(report: AuditReport) -> set[tuple[FindingKind, int | None]]:
    return {(f.kind, f.entry) for f in report.findings}


def _record_seq(session: Session, books: Books, entry: int) -> int:
    record = log.find_record(session, books.community_id, kind=service.ENTRY_KIND, ref=str(entry))
    assert record is not None
    return record.seq


def test_clean_books_pass_and_the_report_says_what_was_read(session: Session) -> None:
    books = _october(session)
    report = log.audit(session, books.community_id)
    assert report.findings == []
    assert report.clean
    assert (report.counts["entries"], report.counts["postings"]) == (6, 12)
    size = log.tree_size(session, books.community_id)
    chart = len(rules.CHART)
    assert report.records == size == chart + 6 + 1 + 1 + 1  # + a voucher, a copy, the terms
    assert report.counts["ledger.account"] == chart
    assert report.root == log.root(session, books.community_id)
    assert report.checkpoint_size == size


def test_the_fast_rebuild_is_byte_for_byte_record_of(session: Session) -> None:
    books = _october(session)
    report = AuditReport(books.community_id)
    scan = audit_scan.BookScan(session, books.community_id, report)
    rebuilt = {n: body for batch in scan.batches() for n, body in batch.items()}
    assert rebuilt == {
        n: log_rules.canonical(service.record_of(session, books.community_id, n))
        for n in range(1, 7)
    }


def test_a_fast_rebuild_that_differs_is_checked_again_before_it_is_reported(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    books = _october(session)
    batches = audit_scan.BookScan.batches

    def garbled(self: audit_scan.BookScan) -> Iterator[dict[int, bytes]]:
        for batch in batches(self):
            yield dict.fromkeys(batch, b"{}")

    monkeypatch.setattr(audit_scan.BookScan, "batches", garbled)
    assert log.audit(session, books.community_id).clean


def test_an_amount_changed_behind_the_apps_back_is_named_by_entry_number(
    session: Session,
) -> None:
    books = _october(session)
    _unguard(session, "ledger_posting")
    session.execute(
        text(
            "UPDATE ledger_posting SET amount_fen = amount_fen * 10"
            " WHERE community_id = :c AND entry_id = 4"
        ),
        {"c": books.community_id},
    )
    report = log.audit(session, books.community_id)
    changed = [f for f in report.findings if f.kind is FindingKind.CHANGED]
    seq = _record_seq(session, books, 4)
    assert [(f.entry, f.seq, f.field) for f in changed] == [
        (4, seq, "postings[0][1]"),  # the wages: 5,300.00 yuan, now 53,000.00
        (4, seq, "postings[1][1]"),  # and the bank's side
    ]
    assert changed[0].text() == (
        f"entry 4: postings[0][1] is 5300000 in the database; log record {seq} says 530000"
    )
    totals = [f.text() for f in report.findings if f.kind is FindingKind.TOTALS]
    assert len(totals) == 2  # 6601 and 1001 in 2024-10
    assert any("account 6601, 2024-10" in t and "53,000.00" in t for t in totals)
    assert report.entries_named() == [4]


def test_a_changed_narration_is_named(session: Session) -> None:
    books = _october(session)
    service.get_entry(session, books.community_id, 2)  # the session holds the old row
    _unguard(session, "ledger_entry")
    session.execute(
        text(
            "UPDATE ledger_entry SET narration = '10月公共用水' WHERE community_id = :c AND id = 2"
        ),
        {"c": books.community_id},
    )
    report = log.audit(session, books.community_id)
    assert _kinds(report) == {(FindingKind.CHANGED, 2)}
    assert report.findings[0].field == "narration"
    assert report.findings[0].text().startswith('entry 2: narration is "10月公共用水"')


def test_a_deleted_entry_is_named_and_its_number_is_missing(session: Session) -> None:
    books = _october(session)
    _unguard(session, "ledger_entry", "ledger_posting")
    for table, key in (("ledger_posting", "entry_id"), ("ledger_entry", "id")):
        session.execute(
            text(f"DELETE FROM {table} WHERE community_id = :c AND {key} = 4"),
            {"c": books.community_id},
        )
    report = log.audit(session, books.community_id)
    kinds = _kinds(report)
    assert (FindingKind.NOT_IN_LEDGER, 4) in kinds  # its record has no row
    assert (FindingKind.GAP, 4) in kinds
    assert {kind for kind, _ in kinds} == {
        FindingKind.NOT_IN_LEDGER,
        FindingKind.GAP,
        FindingKind.TOTALS,
    }
    assert any(f.text() == "entry 4 is missing from the ledger" for f in report.findings)


def test_an_entry_added_behind_the_apps_back_has_no_record(session: Session) -> None:
    books = _october(session)
    cid = books.community_id
    accounts = service.accounts_by_code(session, cid)
    for line, (code, fen) in enumerate((("6606", 10000), ("1001", -10000)), start=1):
        session.execute(
            text(
                "INSERT INTO ledger_posting (community_id, entry_id, line, account_id,"
                " booked_on, amount_fen, memo) VALUES (:c, 7, :l, :a, :d, :f, '')"
            ),
            {"c": cid, "l": line, "a": accounts[code].id, "d": date(2024, 10, 30), "f": fen},
        )
    session.execute(
        text(
            "INSERT INTO ledger_entry (community_id, id, booked_on, period, narration,"
            " counterparty, counterparty_is_person, reason, source, posted_at)"
            " VALUES (:c, 7, :d, '2024-10', '办公用品', '', false, '', 'manual', :t)"
        ),
        {"c": cid, "d": date(2024, 10, 30), "t": clock.now()},
    )
    report = log.audit(session, cid)
    assert (FindingKind.MISSING_FROM_LOG, 7) in _kinds(report)
    assert {f.kind for f in report.findings} == {FindingKind.MISSING_FROM_LOG, FindingKind.TOTALS}


def test_a_changed_log_record_is_caught_by_its_leaf_hash_its_entry_and_the_root(
    session: Session,
) -> None:
    books = _october(session)
    cid = books.community_id
    seq = _record_seq(session, books, 4)
    row = log.get_record(session, cid, seq)
    forged = row.body.replace(b"530000", b"53000")
    _unguard(session, "transparency_record")
    session.execute(
        text("UPDATE transparency_record SET body = :b WHERE community_id = :c AND seq = :s"),
        {"b": forged, "c": cid, "s": seq},
    )
    report = log.audit(session, cid)
    kinds = {(f.kind, f.seq) for f in report.findings}
    assert (FindingKind.LEAF_HASH, seq) in kinds
    assert (FindingKind.CHANGED, seq) in kinds
    assert {f.entry for f in report.findings if f.kind is FindingKind.CHANGED} == {4}
    roots = [f.text() for f in report.findings if f.kind is FindingKind.ROOT]
    assert len(roots) == 2  # the stored subtree hashes, and the signed checkpoint
    assert any("signed checkpoint" in t for t in roots)


def test_a_tampered_leaf_hash_is_named_by_its_record(session: Session) -> None:
    books = _october(session)
    cid = books.community_id
    _unguard(session, "transparency_record")
    session.execute(
        text("UPDATE transparency_record SET leaf_hash = :h WHERE community_id = :c AND seq = 3"),
        {"h": bytes(32), "c": cid},
    )
    report = log.audit(session, cid)
    leaf = [f for f in report.findings if f.kind is FindingKind.LEAF_HASH]
    assert [f.seq for f in leaf] == [3]
    assert leaf[0].text() == "log record 3 has a leaf hash that is not the hash of its body"
    # Proofs hash small subtrees again from the stored leaf hashes, so they differ too;
    # the bodies still give the signed root, and no entry changed.
    others = [f for f in report.findings if f.kind is not FindingKind.LEAF_HASH]
    assert [f.kind for f in others] in ([], [FindingKind.ROOT])
    assert not any("signed checkpoint" in f.text() for f in others)


def test_a_rewritten_log_with_its_hashes_redone_still_fails_the_signed_checkpoint(
    session: Session,
) -> None:
    """Body, leaf hash and every stored node rewritten consistently: only the signature holds."""
    books = _october(session)
    cid = books.community_id
    seq = _record_seq(session, books, 2)
    bodies = [r.body for r in log.iter_records(session, cid)]
    bodies[seq] = bodies[seq].replace(b"2358", b"2300")
    tree = merkle.MemoryTree([merkle.leaf_hash(b) for b in bodies])
    _unguard(session, "transparency_record", "transparency_node")
    session.execute(
        text(
            "UPDATE transparency_record SET body = :b, leaf_hash = :h"
            " WHERE community_id = :c AND seq = :s"
        ),
        {"b": bodies[seq], "h": merkle.leaf_hash(bodies[seq]), "c": cid, "s": seq},
    )
    nodes = session.execute(
        text("SELECT level, idx FROM transparency_node WHERE community_id = :c"), {"c": cid}
    ).all()
    for level, index in nodes:
        session.execute(
            text(
                "UPDATE transparency_node SET hash = :h"
                " WHERE community_id = :c AND level = :l AND idx = :i"
            ),
            {"h": tree.node(level, index), "c": cid, "l": level, "i": index},
        )
    report = log.audit(session, cid)
    assert {(f.kind, f.entry) for f in report.findings} == {
        (FindingKind.CHANGED, 2),
        (FindingKind.ROOT, None),
    }
    root = next(f.text() for f in report.findings if f.kind is FindingKind.ROOT)
    assert "the signed checkpoint says" in root


def test_a_voucher_link_removed_and_a_public_copy_changed_are_named(session: Session) -> None:
    books = _october(session)
    cid = books.community_id
    _unguard(session, "ledger_entry_voucher")
    session.execute(
        text("DELETE FROM ledger_entry_voucher WHERE community_id = :c AND entry_id = 5"),
        {"c": cid},
    )
    guard = {
        "sqlite": "DROP TRIGGER ledger_voucher_no_update",
        "postgresql": "DROP TRIGGER ledger_voucher_guard ON ledger_voucher",
    }
    session.execute(text(guard[session.get_bind().dialect.name]))
    session.execute(
        text(
            "UPDATE ledger_voucher SET public_sha256 = :p WHERE community_id = :c AND sha256 = :s"
        ),
        {"p": "dd" * 32, "c": cid, "s": SHA_A},
    )
    report = log.audit(session, cid)
    assert [(f.kind, f.record_kind, f.key, f.field) for f in report.findings] == [
        (FindingKind.NOT_IN_LEDGER, service.VOUCHER_KIND, f"5 {SHA_B}", None),
        (FindingKind.CHANGED, service.PUBLIC_COPY_KIND, SHA_A, "public_sha256"),
    ]
    assert report.findings[1].text() == (
        f'ledger.voucher_public_copy {SHA_A}: public_sha256 is "{"dd" * 32}" in the database;'
        f' log record {report.findings[1].seq} says "{SHA_C}"'
    )


def test_a_deleted_log_record_is_missing_and_its_entry_has_no_record(session: Session) -> None:
    books = _october(session)
    cid = books.community_id
    seq = _record_seq(session, books, 3)
    _unguard(session, "transparency_record")
    session.execute(
        text("DELETE FROM transparency_record WHERE community_id = :c AND seq = :s"),
        {"c": cid, "s": seq},
    )
    report = log.audit(session, cid)
    kinds = {(f.kind, f.entry, f.seq) for f in report.findings}
    assert (FindingKind.MISSING_FROM_LOG, None, seq) in kinds  # the log position
    assert (FindingKind.MISSING_FROM_LOG, 3, None) in kinds  # the entry
    assert FindingKind.ROOT in {f.kind for f in report.findings}


def test_progress_is_reported_up_to_the_total(session: Session) -> None:
    books = _october(session)
    seen: list[tuple[int, int]] = []
    log.audit(session, books.community_id, progress=lambda done, total: seen.append((done, total)))
    size = log.tree_size(session, books.community_id)
    assert seen[-1] == (size, size)
    assert len(seen) > 2  # a batch at a time
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_audited_communities_are_those_with_books_or_a_log(session: Session) -> None:
    books = _october(session)
    other = make_community(session)
    assert books.community_id in log.audited_communities(session)
    assert other.id not in log.audited_communities(session)


# --- the command -------------------------------------------------------------------------


def _committed_books(engine: Engine) -> int:
    with Session(engine) as session:
        community = make_community(session, code="jc", name="荆川东园")
        user = make_user(session)
        service.open_chart(session, community.id, on=date(2024, 9, 1))
        books = Books(community.id, user.id)
        post(
            session,
            books,
            draft(date(2024, 9, 30), "期初信托资金", ("1001", "50000.00"), ("3001", "-50000.00")),
        )
        pay(session, books, date(2024, 10, 8), "660801", "23.58", "10月公共用水")
        pay(
            session,
            books,
            date(2024, 10, 15),
            "6601",
            "5300.00",
            "10月人员工资",
            counterparty="王建国",
            person=True,
        )
        log.sign_checkpoint(session, community.id, origin="sunshine/jc")
        session.commit()
        return community.id


def test_the_command_passes_clean_books_and_exits_1_naming_a_changed_entry(
    cli_database: Engine,
) -> None:
    community_id = _committed_books(cli_database)
    clean = runner.invoke(app, ["audit", "--community", "jc"])
    assert clean.exit_code == 0, clean.output
    assert "荆川东园 (jc)" in clean.output
    assert log.root(Session(cli_database), community_id).hex() in clean.output

    with Session(cli_database) as session:  # behind the app's back
        session.execute(text("DROP TRIGGER ledger_posting_no_update"))
        session.execute(
            text("UPDATE ledger_posting SET amount_fen = 5300 WHERE entry_id = 3 AND line = 1")
        )
        session.commit()
    found = runner.invoke(app, ["audit"])  # every community
    assert found.exit_code == 1, found.output
    assert "荆川东园 (jc)" in found.output
    changed = [line for line in found.output.splitlines() if "[changed]" in line]
    assert len(changed) == 1
    assert "凭证 3" in changed[0]  # the deployment's language: zh_CN


def test_the_command_refuses_an_unknown_community(cli_database: Engine) -> None:
    result = runner.invoke(app, ["audit", "--community", "nowhere"])
    assert result.exit_code != 0


def test_a_record_of_a_kind_no_part_checks_is_named(session: Session) -> None:
    books = _october(session)
    stray = log.append(
        session, books.community_id, kind=LogKind("elsewhere.notice"), record={"n": 1}
    )
    report = log.audit(session, books.community_id)
    assert [(f.kind, f.seq) for f in report.findings] == [(FindingKind.UNKNOWN_KIND, stray.seq)]
    assert report.findings[0].text() == (
        f"log record {stray.seq} is of kind elsewhere.notice, which no part of Sunshine checks"
    )


def test_the_exact_rebuild_lays_an_entry_out_as_as_record(session: Session) -> None:
    """The record the audit names fields against is the one posting logs (sane values)."""
    books = _october(session)
    cid = books.community_id
    for number in range(1, 7):
        entry = service.get_entry(session, cid, number)
        header = (
            entry.id, entry.booked_on, str(entry.period), entry.narration, entry.counterparty,
            entry.counterparty_is_person, entry.budget_line, entry.reverses_id, entry.reason,
            entry.source,
        )  # fmt: skip
        codes = {a.id: a.code for a in service.list_accounts(session, cid)}
        legs: list[list[object]] = [
            [codes[p.account_id], p.amount.value, p.memo] for p in entry.postings
        ]
        vouchers: list[object] = list(posted_with(session, cid, [number]).get(number, []))
        record = _stored_record(header, legs, vouchers)
        assert record == service.record_of(session, cid, number)
