"""Importing a journal of postings from CSV: reading the file, matching accounts, booking batches.

The file format is the one ../shared/bench/gen_journal.py writes; the small journals here
are written inline so the tests do not depend on anything outside the repository.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner
from typer.testing import Result

from sunshine.entrypoints.cli import app
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.rules import Category
from sunshine.ledger.rules import journal_csv
from sunshine.ledger.service import importing
from sunshine.transparency import service as log
from tests.factories import make_community
from tests.ledger.builders import long_journal
from tests.ledger.builders import open_books

runner = CliRunner()
HEADER = "txn_id,date,account,amount,currency,narration\n"
JOURNAL = HEADER + (
    "T0000000,2020-01-01,Assets:Bank:Operating,350000.00,CNY,opening balances\n"
    "T0000000,2020-01-01,Equity:Opening-Balances,-350000.00,CNY,opening balances\n"
    "T0000001,2020-01-02,Assets:Clearing:WeChatPay,120.00,CNY,1-1-0101 parking fee 2020-01\n"
    "T0000001,2020-01-02,Income:Parking,-120.00,CNY,1-1-0101 parking fee 2020-01\n"
    "T0000002,2020-01-03,Expenses:Wages:Greening,4897.84,CNY,payroll gardener wages 2020-01\n"
    "T0000002,2020-01-03,Expenses:SocialInsurance,514.27,CNY,payroll gardener wages 2020-01\n"
    "T0000002,2020-01-03,Liabilities:Payable:IndividualIncomeTax,0.00,CNY,payroll gardener\n"
    "T0000002,2020-01-03,Assets:Bank:Operating,-5412.11,CNY,payroll gardener wages 2020-01\n"
    'T0000003,2020-02-01,Assets:Bank:Operating,80.00,CNY,"ads, elevator"\n'
    'T0000003,2020-02-01,Income:Advertising:Elevator,-80.00,CNY,"ads, elevator"\n'
)


def _rows(text: str) -> list[journal_csv.Txn | journal_csv.BadTxn]:
    rows = journal_csv.reader(io.StringIO(text))
    assert journal_csv.read_header(rows) == []
    return list(journal_csv.transactions(rows))


# --- reading the file ------------------------------------------------------------------


def test_rows_are_grouped_into_transactions_and_zero_amounts_are_left_out() -> None:
    txns = _rows(JOURNAL)
    assert [t.txn_id for t in txns] == ["T0000000", "T0000001", "T0000002", "T0000003"]
    wages = txns[2]
    assert isinstance(wages, journal_csv.Txn)
    assert wages.booked_on == date(2020, 1, 3)
    assert wages.line == 6  # the header is line 1
    assert [name for name, _ in wages.legs] == [
        "Expenses:Wages:Greening",
        "Expenses:SocialInsurance",
        "Assets:Bank:Operating",
    ]
    assert sum(amount.value for _, amount in wages.legs) == 0
    ads = txns[3]
    assert isinstance(ads, journal_csv.Txn)
    assert ads.narration == "ads, elevator"


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ("T1,2020-01-01,A:B,1.00,CNY,x\nT1,2020-01-01,Income:X,-2.00,CNY,x\n", "unbalanced"),
        ("T1,2020-13-01,A:B,1.00,CNY,x\nT1,2020-13-01,Income:X,-1.00,CNY,x\n", "mixed_dates"),
        ("T1,2020-01-01,A:B,1.00,CNY,x\nT1,2020-01-02,Income:X,-1.00,CNY,x\n", "mixed_dates"),
        ("T1,2020-01-01,A:B,1.001,CNY,x\nT1,2020-01-01,Income:X,-1.00,CNY,x\n", "amount"),
        ("T1,2020-01-01,A:B,1.00,USD,x\nT1,2020-01-01,Income:X,-1.00,USD,x\n", "currency"),
        ("T1,2020-01-01,A:B,1.00,CNY,x\nT1,2020-01-01,,-1.00,CNY,x\n", "no_account"),
        ("T1,2020-01-01,A:B\n", "short_row"),
        ("T1,2020-01-01,A:B,0.00,CNY,x\nT1,2020-01-01,Income:X,0.00,CNY,x\n", "too_few_postings"),
    ],
)
def test_a_bad_transaction_is_reported_with_its_line_and_reason(rows: str, code: str) -> None:
    [bad] = _rows(HEADER + rows)
    assert isinstance(bad, journal_csv.BadTxn)
    assert bad.txn_id == "T1"
    assert bad.line == 2
    assert code in {p.code for p in bad.problems}


def test_a_transaction_whose_rows_are_not_together_is_reported_not_merged() -> None:
    text = HEADER + (
        "T1,2020-01-01,A:B,1.00,CNY,x\nT1,2020-01-01,Income:X,-1.00,CNY,x\n"
        "T2,2020-01-01,A:B,1.00,CNY,x\nT2,2020-01-01,Income:X,-1.00,CNY,x\n"
        "T1,2020-01-01,A:B,1.00,CNY,x\nT1,2020-01-01,Income:X,-1.00,CNY,x\n"
    )
    txns = _rows(text)
    assert [type(t).__name__ for t in txns] == ["Txn", "Txn", "BadTxn"]
    assert isinstance(txns[2], journal_csv.BadTxn)
    assert txns[2].line == 6
    assert txns[2].problems[0].code == "txn_split"


def test_a_wrong_header_is_refused() -> None:
    rows = journal_csv.reader(io.StringIO("id,day,acct\n"))
    assert [p.code for p in journal_csv.read_header(rows)] == ["bad_header"]
    assert [p.code for p in journal_csv.read_header(iter([]))] == ["empty_file"]


def test_the_survey_finds_every_account_and_the_earliest_day() -> None:
    found = journal_csv.survey(io.StringIO(JOURNAL))
    assert found.first_day == date(2020, 1, 1)
    assert "Income:Advertising:Elevator" in found.accounts
    assert len(found.accounts) == 8


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("Assets:Bank:Operating", Category.TRUST_BANK),
        ("Assets:Clearing:Alipay", Category.OTHER_ASSET),
        ("Liabilities:Advances:PropertyFees", Category.PREPAYMENT),
        ("Equity:Opening-Balances", Category.OPENING_EQUITY),
        ("Income:Parking", Category.PARKING_RENT),
        ("Income:Advertising:Elevator", Category.COMMON_REVENUE),
        ("Income:PropertyFeesX", Category.OTHER_INCOME),  # a prefix matches whole segments only
        ("Expenses:Utilities:Water", Category.UTILITIES),
        ("Expenses:Whatever", Category.OTHER_APPROVED),
        ("Stuff:Misc", None),
    ],
)
def test_an_account_name_implies_its_category(name: str, category: Category | None) -> None:
    assert journal_csv.category_for(name) is category


# --- matching accounts and booking -----------------------------------------------------


def test_accounts_match_by_code_or_name_and_opened_accounts_get_free_codes(
    session: Session,
) -> None:
    books = open_books(session)
    match = importing.match_accounts(session, books.community_id, ["1001", "Parking rent", "X:Y"])
    assert match.codes == {"1001": "1001", "Parking rent": "6002"}
    assert match.missing == ["X:Y"]
    with pytest.raises(Invalid) as refused:
        importing.open_accounts(session, books.community_id, ["X:Y"], on=date(2020, 1, 1))
    assert refused.value.problems[0].where == "X:Y"
    opened = importing.open_accounts(
        session,
        books.community_id,
        ["Income:Parking", "Assets:Bank:Operating"],
        on=date(2020, 1, 1),
    )
    assert opened == {"Assets:Bank:Operating": "1901", "Income:Parking": "6901"}
    again = importing.match_accounts(session, books.community_id, ["Income:Parking"])
    assert again.codes == {"Income:Parking": "6901"}


def test_a_batch_is_booked_once_with_totals_and_log_records(session: Session) -> None:
    community = make_community(session)
    cid = community.id
    txns = [t for t in _rows(JOURNAL) if isinstance(t, journal_csv.Txn)]
    names = {name for t in txns for name, _ in t.legs}
    codes = importing.open_accounts(session, cid, sorted(names), on=date(2020, 1, 1))
    first = importing.book_batch(session, cid, txns, codes, actor_id=None)
    assert (first.booked, first.already, first.postings) == (4, 0, 9)
    again = importing.book_batch(session, cid, txns, codes, actor_id=None)
    assert (again.booked, again.already, again.postings) == (0, 4, 0)
    assert service.entry_count(session, cid) == 4
    assert log.tree_size(session, cid) == len(codes) + 4  # the accounts, then the entries
    assert service.mismatches(session, cid) == []
    report = service.income_and_spending(session, cid, first=Period(2020, 1), last=Period(2020, 2))
    assert report.income_total == Fen.parse("200.00")
    assert report.spending_total == Fen.parse("5412.11")


# --- the command -----------------------------------------------------------------------


def _journal(tmp_path: Path, text: str = JOURNAL) -> Path:
    path = tmp_path / "postings.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _entries(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(JournalEntry)) or 0


def test_the_command_refuses_unknown_accounts_by_name_then_opens_them_on_request(
    cli_database: Engine, tmp_path: Path
) -> None:
    with Session(cli_database) as session:
        make_community(session, code="jc")
        session.commit()
    path = _journal(tmp_path)
    refused = runner.invoke(app, ["ledger", "import", str(path), "-c", "jc", "--lang", "en"])
    assert refused.exit_code == 2, refused.output
    assert "Income:Advertising:Elevator" in refused.output
    assert "--open-accounts" in refused.output
    assert _entries(cli_database) == 0
    done = runner.invoke(
        app, ["ledger", "import", str(path), "-c", "jc", "--open-accounts", "--lang", "en"]
    )
    assert done.exit_code == 0, done.output
    assert "Booked 4 entries (9 postings)" in done.output
    again = runner.invoke(app, ["ledger", "import", str(path), "-c", "jc", "--lang", "en"])
    assert again.exit_code == 0, again.output
    assert "Booked 0 entries" in again.output
    assert "4 were booked before" in again.output
    assert _entries(cli_database) == 4


def test_the_command_books_the_good_transactions_and_lists_the_bad_ones(
    cli_database: Engine, tmp_path: Path
) -> None:
    with Session(cli_database) as session:
        make_community(session, code="jc")
        session.commit()
    bad = (
        "T0000009,2020-02-02,Assets:Bank:Operating,12.00,CNY,x\n"
        "T0000009,2020-02-02,Income:Parking,-11.00,CNY,x\n"
    )
    path = _journal(tmp_path, JOURNAL + bad)
    result = runner.invoke(
        app,
        ["ledger", "import", str(path), "-c", "jc", "--open-accounts", "--batch", "2"],
    )
    assert result.exit_code == 1, result.output
    assert "T0000009" in result.output
    assert "12" in result.output  # its line number
    assert "不为零" in result.output or "zero" in result.output
    assert _entries(cli_database) == 4


def test_the_command_reads_a_file_with_a_byte_order_mark(
    cli_database: Engine, tmp_path: Path
) -> None:
    with Session(cli_database) as session:
        make_community(session, code="jc")
        session.commit()
    path = tmp_path / "bom.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in csv.reader(io.StringIO(JOURNAL)):
            writer.writerow(row)
    result = runner.invoke(app, ["ledger", "import", str(path), "-c", "jc", "--open-accounts"])
    assert result.exit_code == 0, result.output
    assert _entries(cli_database) == 4


def test_statistics_can_be_refreshed_between_batches_on_either_database(session: Session) -> None:
    community = make_community(session)
    txns = [t for t in _rows(JOURNAL) if isinstance(t, journal_csv.Txn)]
    names = sorted({name for t in txns for name, _ in t.legs})
    codes = importing.open_accounts(session, community.id, names, on=date(2020, 1, 1))
    importing.book_batch(session, community.id, txns[:2], codes, actor_id=None)
    importing.refresh_statistics(session)  # ANALYZE on PostgreSQL, nothing on SQLite
    later = importing.book_batch(session, community.id, txns[2:], codes, actor_id=None)
    assert later.booked == 2
    assert service.mismatches(session, community.id) == []


# --- the command, booking set-wise -----------------------------------------------------


def _import(path: Path, *options: str) -> Result:
    return runner.invoke(app, ["ledger", "import", str(path), "-c", "jc", "--lang", "en", *options])


def _assert_sound_books(engine: Engine, count: int) -> None:
    """Entries 1…count in file order, one log record each, totals and audit clean."""
    with Session(engine) as session:
        [cid] = session.scalars(select(JournalEntry.community_id).distinct()).all()
        ids = session.execute(
            select(JournalEntry.id, JournalEntry.external_id).order_by(JournalEntry.id)
        ).all()
        assert [tuple(row) for row in ids] == [(n, f"T{n - 1:07d}") for n in range(1, count + 1)]
        accounts = len(service.list_accounts(session, cid))
        assert log.tree_size(session, cid) == accounts + count
        assert service.mismatches(session, cid) == []
        assert log.audit(session, cid).findings == []


def test_the_command_imported_twice_books_once(cli_database: Engine, tmp_path: Path) -> None:
    with Session(cli_database) as session:
        make_community(session, code="jc")
        session.commit()
    path = _journal(tmp_path, long_journal(25))
    done = _import(path, "--open-accounts", "--batch", "7")
    assert done.exit_code == 0, done.output
    assert "Booked 25 entries (50 postings)" in done.output
    assert "0 were booked before" in done.output
    again = _import(path, "--batch", "7")
    assert again.exit_code == 0, again.output
    assert "Booked 0 entries (0 postings)" in again.output
    assert "25 were booked before" in again.output
    _assert_sound_books(cli_database, 25)


def test_an_import_resumed_after_a_partial_one_books_the_rest_with_gapless_numbers(
    cli_database: Engine, tmp_path: Path
) -> None:
    with Session(cli_database) as session:
        make_community(session, code="jc")
        session.commit()
    whole = long_journal(25)
    lines = whole.splitlines(keepends=True)
    part = tmp_path / "part.csv"
    part.write_text("".join(lines[: 1 + 2 * 10]), encoding="utf-8")  # the first 10
    first = _import(part, "--open-accounts")
    assert first.exit_code == 0, first.output
    assert "Booked 10 entries" in first.output
    # Batches of 4: the third (T8-T11) is half booked, and the ones after it were
    # prepared with entry numbers that assumed all of it was new.
    rest = _import(_journal(tmp_path, whole), "--batch", "4")
    assert rest.exit_code == 0, rest.output
    assert "Booked 15 entries (30 postings)" in rest.output
    assert "10 were booked before" in rest.output
    _assert_sound_books(cli_database, 25)


def test_the_command_stops_with_code_2_naming_an_account_that_is_not_open(
    cli_database: Engine, tmp_path: Path
) -> None:
    with Session(cli_database) as session:
        community = make_community(session, code="jc")
        names = sorted(journal_csv.survey(io.StringIO(JOURNAL)).accounts)
        codes = importing.open_accounts(session, community.id, names, on=date(2020, 1, 1))
        service.close_account(session, community.id, codes["Income:Parking"], on=date(2020, 1, 2))
        log.platform_signer(session, community.id, origin="sunshine/jc")
        session.commit()
    result = _import(_journal(tmp_path), "--batch", "1")
    assert result.exit_code == 2, result.output
    assert "earlier batches stay booked" in result.output
    assert (
        f"T0000001: {codes['Income:Parking']}: account {codes['Income:Parking']} is not open"
        in (result.output)
    )
    assert _entries(cli_database) == 1  # T0000000, the batch before
    logged = len(names) + 1 + 1  # the accounts opened, the one closed, and T0000000
    assert f"Signed checkpoint {logged} of sunshine/jc" in result.output  # what was booked


def test_the_command_books_the_good_transactions_of_a_batch_that_holds_a_bad_one(
    cli_database: Engine, tmp_path: Path
) -> None:
    """The bad transactions travel from the preparing process with their batch."""
    with Session(cli_database) as session:
        make_community(session, code="jc")
        session.commit()
    bad = (
        "T0000009,2020-02-02,Assets:Bank:Operating,12.00,USD,x\n"
        "T0000009,2020-02-02,Income:Parking,-11.00,USD,x\n"
    )
    result = _import(_journal(tmp_path, JOURNAL + bad), "--open-accounts")
    assert result.exit_code == 1, result.output
    assert "Booked 4 entries (9 postings)" in result.output
    assert "T0000009" in result.output
    assert "USD" in result.output
    assert _entries(cli_database) == 4


def test_a_line_holding_only_a_transaction_id_is_listed_as_too_short(
    cli_database: Engine, tmp_path: Path
) -> None:
    with Session(cli_database) as session:
        make_community(session, code="jc")
        session.commit()
    result = _import(_journal(tmp_path, JOURNAL + "T0000009\n"), "--open-accounts")
    assert result.exit_code == 1, result.output
    assert "Booked 4 entries (9 postings)" in result.output
    assert "T0000009" in result.output
    assert _entries(cli_database) == 4


# --- the checkpoint signed at the end ------------------------------------------------


def _flat(output: str) -> str:
    """The output as one line: the console wraps long ones."""
    return " ".join(output.split())


def test_the_command_signs_a_checkpoint_that_holds_the_new_entries(
    cli_database: Engine, tmp_path: Path
) -> None:
    with Session(cli_database) as session:
        cid = make_community(session, code="jc").id
        log.platform_signer(session, cid, origin="sunshine/jc")  # as the first signature made it
        session.commit()
    done = _import(_journal(tmp_path), "--open-accounts")
    assert done.exit_code == 0, done.output
    with Session(cli_database) as session:
        [checkpoint] = log.list_checkpoints(session, cid)
        size = len(service.list_accounts(session, cid)) + 4  # the accounts, then the entries
        assert checkpoint.tree_size == log.tree_size(session, cid) == size
        assert checkpoint.root_hash == log.root(session, cid)
        [key] = log.public_keys(session, cid)
        assert log.signed_note(session, cid, checkpoint).signed_by(key)
    root = checkpoint.root_hash.hex()
    assert f"Signed checkpoint {size} of sunshine/jc (root {root})." in _flat(done.output)
    again = _import(_journal(tmp_path))
    assert again.exit_code == 0, again.output
    assert f"Checkpoint {size} of sunshine/jc already holds every record (root {root})." in _flat(
        again.output
    )
    with Session(cli_database) as session:
        assert len(log.list_checkpoints(session, cid)) == 1


def test_without_a_signing_key_the_command_books_and_says_that_nothing_was_signed(
    cli_database: Engine, tmp_path: Path
) -> None:
    with Session(cli_database) as session:
        cid = make_community(session, code="jc").id
        session.commit()
    done = _import(_journal(tmp_path), "--open-accounts")
    assert done.exit_code == 0, done.output
    assert "Booked 4 entries (9 postings)" in done.output
    said = _flat(done.output)
    assert "No checkpoint was signed: this server holds no signing key for sunshine/jc." in said
    assert "until `sunshine checkpoint sign -c jc` runs where the key is." in said
    in_chinese = runner.invoke(app, ["ledger", "import", str(_journal(tmp_path)), "-c", "jc"])
    assert in_chinese.exit_code == 0, in_chinese.output
    assert "未签署检查点" in in_chinese.output
    with Session(cli_database) as session:
        assert log.list_checkpoints(session, cid) == []
        assert log.public_keys(session, cid) == []  # and no key was made
    assert not log.has_platform_key("sunshine/jc")
