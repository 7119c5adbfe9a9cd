"""Preparing an import's batches away from the database (`ledger.import_batches`), and the
quick path of reading a journal (`journal_csv._plain`).

Both are shortcuts past the one definition of a thing: a prepared record must be byte for
byte `canonical(as_record(...))`, a batch marked plain must be one `post_entries` accepts,
and the quick reader must give exactly what the full check gives. Pure: no database.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from datetime import date
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.kernel import merkle
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.rules import journal_csv
from sunshine.ledger.rules.import_batches import Books
from sunshine.ledger.rules.import_batches import prepare
from sunshine.ledger.rules.import_batches import record_shape
from sunshine.ledger.rules.import_batches import renumbered
from sunshine.ledger.rules.journal_csv import Txn
from sunshine.transparency.rules.records import canonical

SOURCE = "import"
OPENED = date(2000, 1, 1)
# The file's account names -> (code, account id), as `bulk_booking.books_for_import` reads them.
ACCOUNTS = {
    "Assets:Bank:Operating": ("1001", 1),
    "Equity:Opening-Balances": ("3001", 7),
    "Income:Parking": ("6002", 9),
    "Expenses:Wages": ("6601", 14),
    "Expenses:Cleaning": ("6603", 16),
    "Expenses:Remuneration": ("6610", 23),
}
CODES = {name: code for name, (code, _) in ACCOUNTS.items()}


def _books(**changes: object) -> Books:
    books = Books(
        accounts=ACCOUNTS,
        open_spans={code: (OPENED, None) for code, _ in ACCOUNTS.values()},
        closed_through=None,
        remuneration_codes=frozenset({"6610"}),
        source=SOURCE,
        stored_from=4,
        booking_window=rules.booking_window(date(2024, 12, 31)),
    )
    return dataclasses.replace(books, **changes)  # type: ignore[arg-type]


def _txn(number: int, day: date, narration: str, *legs: tuple[str, int], txn_id: str = "") -> Txn:
    return Txn(
        txn_id or f"T{number:07d}",
        day,
        narration,
        tuple((name, Fen(fen)) for name, fen in legs),
        number + 2,
    )


def _draft(txn: Txn) -> rules.EntryDraft:
    return rules.EntryDraft(
        booked_on=txn.booked_on,
        narration=txn.narration,
        postings=tuple(rules.PostingDraft(CODES[name], amount) for name, amount in txn.legs),
    )


def _record(txn: Txn, number: int) -> bytes:
    return canonical(rules.as_record(_draft(txn), number=number, source=SOURCE))


def _leaf(body: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + body).digest()


def _frontier(size: int) -> list[bytes]:
    """The frontier of a log of `size` made-up records."""
    leaves = [_leaf(f"record {seq}".encode()) for seq in range(size)]
    return merkle.append_leaves([], 0, leaves)[0]


def _ordinary_txns(count: int) -> list[Txn]:
    """Import-shaped transactions over three months, with awkward narrations."""
    narrations = ["保洁费 10月", '"quoted", \\ back', "100% done", "ads, elevator", "x"]
    txns = []
    for n in range(count):
        day = date(2024, 9, 28) + timedelta(days=3 * n)
        fen = 1000 + 37 * n
        legs: tuple[tuple[str, int], ...]
        if n % 3 == 0:
            legs = (("Expenses:Cleaning", fen), ("Assets:Bank:Operating", -fen))
        elif n % 3 == 1:
            legs = (("Assets:Bank:Operating", fen), ("Income:Parking", -fen))
        else:
            legs = (
                ("Expenses:Wages", fen),
                ("Expenses:Cleaning", 5),
                ("Assets:Bank:Operating", -fen - 5),
            )
        txns.append(_txn(n, day, narrations[n % len(narrations)], *legs))
    return txns


# --- the record template -------------------------------------------------------------

_awkward_characters = st.sampled_from(list('"\\%sd「」保洁费：,\n\t\r\u2028\x7f\x01 '))
narrations = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_characters="\x00"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        _awkward_characters,
    ),
    max_size=200,
)
account_codes = st.from_regex(r"[0-9A-Za-z.:_-]{1,32}", fullmatch=True)
nonzero_fen = st.integers(min_value=-(10**15), max_value=10**15).filter(bool)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31))


@given(
    number=st.integers(min_value=1),
    day=days,
    narration=narrations,
    legs=st.lists(st.tuples(account_codes, nonzero_fen), min_size=2, max_size=4),
)
def test_the_record_template_writes_what_as_record_and_canonical_write(
    number: int, day: date, narration: str, legs: list[tuple[str, int]]
) -> None:
    draft = rules.EntryDraft(
        booked_on=day,
        narration=narration,
        postings=tuple(rules.PostingDraft(code, Fen(fen)) for code, fen in legs),
    )
    expected = canonical(rules.as_record(draft, number=number, source=SOURCE))
    assert record_shape(SOURCE).body(number, day.isoformat(), narration, legs) == expected


# --- preparing a batch ---------------------------------------------------------------


def test_a_prepared_batch_holds_the_records_leaves_nodes_and_totals_the_ledger_would_write() -> (
    None
):
    txns = _ordinary_txns(20)
    seq, first = 13, 41  # a log of 13 records; 40 entries booked
    frontier = _frontier(seq)
    batch = prepare(txns, _books(), first=first, seq=seq, frontier=frontier)
    assert batch.plain
    assert len(batch) == 20
    assert (batch.first, batch.seq, batch.frontier) == (first, seq, frontier)
    assert batch.bodies == [_record(txn, first + i) for i, txn in enumerate(txns)]
    assert batch.leaves == [_leaf(body) for body in batch.bodies]
    after, nodes = merkle.append_leaves(frontier, seq, batch.leaves, from_level=4)
    assert batch.nodes == [(n.level, n.index, n.hash) for n in nodes]
    assert {(n.level, n.index) for n in nodes} == {(4, 0), (4, 1), (5, 0)}  # 13 + 20 = 33
    assert batch.next_frontier == after
    assert batch.postings_count == sum(len(txn.legs) for txn in txns)
    assert json.loads(batch.entries) == [
        [i, t.booked_on.isoformat(), t.booked_on.isoformat()[:7], t.narration, t.txn_id]
        for i, t in enumerate(txns)
    ]
    assert json.loads(batch.postings) == [
        [i, line, ACCOUNTS[name][1], t.booked_on.isoformat(), amount.value]
        for i, t in enumerate(txns)
        for line, (name, amount) in enumerate(t.legs, start=1)
    ]
    totals: dict[tuple[int, str], tuple[int, int]] = {}
    for txn in txns:
        for name, amount in txn.legs:
            key = (ACCOUNTS[name][1], str(Period.of(txn.booked_on)))
            debit, credit = totals.get(key, (0, 0))
            value = amount.value
            totals[key] = (debit + max(value, 0), credit + max(-value, 0))
    assert batch.totals == totals
    assert {period for _, period in batch.totals} == {"2024-09", "2024-10", "2024-11"}


def test_a_batch_prepared_on_an_empty_log_starts_the_tree() -> None:
    txns = _ordinary_txns(3)
    batch = prepare(txns, _books(), first=1, seq=0, frontier=[])
    assert batch.bodies == [_record(txn, n) for n, txn in enumerate(txns, start=1)]
    assert batch.nodes == []  # below level 4 nothing is stored
    assert merkle.root_from_frontier(batch.next_frontier, 3) == merkle.root_of(batch.leaves)


def test_an_empty_batch_prepares_to_nothing() -> None:
    frontier = _frontier(5)
    batch = prepare([], _books(), first=6, seq=5, frontier=frontier)
    assert (len(batch), batch.postings_count, batch.nodes, batch.totals) == (0, 0, [], {})
    assert batch.next_frontier == frontier
    assert batch.plain


DAY = date(2024, 10, 15)
WAGES = ("Expenses:Wages", 530000)
BANK = ("Assets:Bank:Operating", -530000)


@pytest.mark.parametrize(
    ("txn", "books"),
    [
        pytest.param(
            _txn(1, DAY, "工资", WAGES, BANK),
            _books(open_spans={"1001": (OPENED, None), "6601": (date(2024, 10, 16), None)}),
            id="an account opens the day after",
        ),
        pytest.param(
            _txn(1, DAY, "工资", WAGES, BANK),
            _books(open_spans={"1001": (OPENED, None), "6601": (OPENED, DAY)}),
            id="an account closed on the day",
        ),
        pytest.param(
            _txn(1, DAY, "工资", WAGES, BANK),
            _books(open_spans={"1001": (OPENED, None)}),
            id="an account not in the chart's spans",
        ),
        pytest.param(
            _txn(1, DAY, "工资", WAGES, BANK),
            _books(closed_through=Period(2024, 10)),
            id="the period is closed",
        ),
        pytest.param(
            _txn(1, DAY, "工资", WAGES, BANK),
            _books(closed_through=Period(2024, 12)),
            id="a later period is closed",
        ),
        pytest.param(
            _txn(
                1,
                DAY,
                "酬金",
                ("Expenses:Remuneration", 300000),
                ("Assets:Bank:Operating", -300000),
            ),
            _books(),
            id="the trustee's remuneration",
        ),
        pytest.param(_txn(1, DAY, "退款 13812345678", WAGES, BANK), _books(), id="a phone number"),
        pytest.param(
            _txn(1, DAY, "退款 １３８ 1234-5678", WAGES, BANK),
            _books(),
            id="a disguised phone number",
        ),
        pytest.param(
            _txn(1, DAY, "身份证 320402199001011234", WAGES, BANK), _books(), id="an ID number"
        ),
        pytest.param(
            _txn(
                1,
                DAY,
                "巨款",
                ("Expenses:Wages", rules.MAX_AMOUNT.value + 1),
                ("Assets:Bank:Operating", -rules.MAX_AMOUNT.value - 1),
            ),
            _books(),
            id="an amount above the limit",
        ),
        pytest.param(_txn(1, DAY, "a\x00b", WAGES, BANK), _books(), id="a NUL in the narration"),
        pytest.param(_txn(1, DAY, "x" * 201, WAGES, BANK), _books(), id="a narration too long"),
        pytest.param(_txn(1, DAY, "   ", WAGES, BANK), _books(), id="a blank narration"),
    ],
)
def test_a_batch_needing_the_full_checks_is_not_plain(txn: Txn, books: Books) -> None:
    ordinary = _ordinary_txns(5)
    batch = prepare([*ordinary[:2], txn, *ordinary[2:]], books, first=1, seq=0, frontier=[])
    assert not batch.plain
    assert len(batch) == 6  # prepared all the same: the writer books it the ordinary way


@pytest.mark.parametrize(
    "books",
    [
        pytest.param(_books(), id="everything open"),
        pytest.param(_books(closed_through=Period(2024, 9)), id="the month before is closed"),
        pytest.param(
            _books(open_spans={"1001": (DAY, None), "6601": (OPENED, date(2024, 10, 16))}),
            id="opened that day, closed the day after",
        ),
    ],
)
def test_an_ordinary_batch_is_plain(books: Books) -> None:
    biggest = rules.MAX_AMOUNT.value
    txns = [
        _txn(1, DAY, "工资", WAGES, BANK),
        _txn(2, DAY, "x" * 200, ("Expenses:Wages", biggest), ("Assets:Bank:Operating", -biggest)),
        _txn(3, DAY, "电话费 0519-1234", WAGES, BANK),
    ]
    assert prepare(txns, books, first=1, seq=0, frontier=[]).plain


def _full_check_passes(txn: Txn, books: Books) -> bool:
    """What `post_entries` checks of an import's entry, from the same facts."""
    draft = _draft(txn)
    day = txn.booked_on
    open_codes = frozenset(
        code
        for code, (opened, closed) in books.open_spans.items()
        if opened <= day and (closed is None or day < closed)
    )
    closed = books.closed_through
    first, last = books.booking_window
    return (
        not rules.problems_with(draft, open_codes)
        and (closed is None or draft.effective_period > closed)
        and first <= day <= last
    )


def _journal_txn(
    index: int, day: date, narration: str, names: Sequence[str], amounts: Sequence[int]
) -> Txn:
    """A transaction as `journal_csv` gives them: balanced, two or more non-zero legs."""
    legs = list(zip(names[:-1], amounts, strict=False))
    return _txn(index, day, narration, *legs, (names[-1], -sum(fen for _, fen in legs)))


_small_fen = st.integers(-(10**6), 10**6).filter(bool)
_big_fen = st.sampled_from([rules.MAX_AMOUNT.value, rules.MAX_AMOUNT.value + 1])
journal_txns = st.builds(
    _journal_txn,
    index=st.integers(0, 99),
    day=st.dates(min_value=date(2023, 12, 25), max_value=date(2024, 3, 5)),
    narration=st.sampled_from(
        ["保洁费"] * 12
        + ["x" * 200, "交 13812345678", "a\x00b", '100% "q" \\', "+86 138-1234-5678"]
    ),
    names=st.lists(st.sampled_from(sorted(ACCOUNTS)), min_size=2, max_size=4),
    amounts=st.lists(st.one_of(*[_small_fen] * 12, _big_fen), min_size=1, max_size=3),
).filter(lambda txn: all(amount.value for _, amount in txn.legs))
spans = st.tuples(
    st.sampled_from([date(2023, 12, 1)] * 6 + [date(2024, 1, 15), date(2024, 2, 1)]),
    st.sampled_from([None] * 6 + [date(2024, 2, 1), date(2024, 3, 1)]),
)
books_strategy = st.builds(
    _books,
    open_spans=st.fixed_dictionaries({code: spans for code, _ in ACCOUNTS.values()}),
    closed_through=st.sampled_from(
        [None] * 3 + [Period(2023, 12), Period(2024, 1), Period(2024, 2)]
    ),
)


@given(txns=st.lists(journal_txns, max_size=4), books=books_strategy)
def test_a_batch_is_plain_exactly_when_the_full_checks_pass_without_remuneration_or_nul(
    txns: list[Txn], books: Books
) -> None:
    batch = prepare(txns, books, first=1, seq=0, frontier=[])
    expected = all(
        _full_check_passes(txn, books)
        and not {CODES[name] for name, _ in txn.legs} & books.remuneration_codes
        and "\x00" not in txn.narration
        for txn in txns
    )
    assert batch.plain == expected


# --- renumbering ---------------------------------------------------------------------


@pytest.mark.parametrize("new_first", [1, 7, 96, 99_998, 123_456_789])
def test_a_renumbered_batch_holds_the_records_of_its_real_numbers(new_first: int) -> None:
    txns = _ordinary_txns(6)
    batch = prepare(txns, _books(), first=97, seq=96, frontier=_frontier(96))  # 97 … 102
    bodies, leaves = renumbered(batch, SOURCE, first=new_first)
    assert bodies == [_record(txn, new_first + i) for i, txn in enumerate(txns)]
    assert leaves == [_leaf(body) for body in bodies]
    assert batch.bodies == [_record(txn, 97 + i) for i, txn in enumerate(txns)]  # unchanged


def test_renumbering_to_the_same_first_number_returns_the_batchs_own_records() -> None:
    batch = prepare(_ordinary_txns(4), _books(), first=5, seq=4, frontier=_frontier(4))
    bodies, leaves = renumbered(batch, SOURCE, first=5)
    assert bodies == batch.bodies
    assert leaves == batch.leaves


# --- reading a journal: the quick path gives what the full check gives -----------------


def _reference(rows: list[list[str]]) -> list[Txn | journal_csv.BadTxn]:
    """The grouping loop as it was before the quick path: `_checked` for every group.

    (Before, the key of a group was read again from its first row, which failed on an
    empty row; `current` is the same key without that.)
    """
    seen: set[str] = set()
    found: list[Txn | journal_csv.BadTxn] = []
    group: list[tuple[int, list[str]]] = []
    current = ""
    for line, row in enumerate(rows, start=2):
        key = row[0].strip() if row else ""
        if group and key != current:
            found.append(journal_csv._checked(group, seen))
            group = []
        current = key
        group.append((line, row))
    if group:
        found.append(journal_csv._checked(group, seen))
    return found


_GOOD_IDS = ["T1", "T2", "T3", "x" * 64, "交易-1"]
_ODD_IDS = ["", " ", "y" * 65]
_GOOD_DAYS = ["2020-01-01", "2020-01-02", " 2020-01-01", "9999-12-31", "20200101"]
_ODD_DAYS = ["2020-13-01", "2020-02-30", "", "abc", "２０２０-01-01", "2020-01-01T00"]
_ODD_AMOUNTS = ["1.5", "1,000.00", "-0.00", "0.00", "0", "abc", "１２.００", "", "1.001", "+1.00"]
_ODD_AMOUNTS += [" 1.00 ", "-", ".50", "1e3", "-1.5", "--1.00", "1.-5", "99999999999999999.99"]
_GOOD_CURRENCIES = ["CNY", "", "cny", " CNY ", "Cny"]
_ODD_CURRENCIES = ["USD", "RMB", "ＣＮＹ", "CN Y"]
_GOOD_NAMES = ["Assets:Bank", "Income:Parking", " Expenses:X ", "资产:银行"]
_ODD_NAMES = ["", "  "]
_good_narrations = st.one_of(
    st.sampled_from(["x", "", " ", "a" * 200, " " + "a" * 200 + " ", '"q", \\ %']),
    st.text(max_size=200),
)
_odd_narrations = st.sampled_from(["a" * 201, " " + "a" * 201])


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


@st.composite
def journal_groups(draw: st.DrawFn) -> list[list[str]]:
    """The rows of one transaction: about half right, the rest wrong in one or more ways."""
    rate = draw(st.sampled_from([0, 0, 0, 1, 3]))  # in 20: how often each cell goes wrong

    def pick(good: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> str:
        return draw(odd if draw(st.integers(0, 19)) < rate else good)

    txn_id = pick(st.sampled_from(_GOOD_IDS), st.sampled_from(_ODD_IDS))
    day = pick(st.sampled_from(_GOOD_DAYS), st.sampled_from(_ODD_DAYS))
    count = draw(st.integers(1, 4))
    fen = draw(st.lists(st.integers(-(10**7), 10**7), min_size=count, max_size=count))
    if draw(st.integers(0, 19)) >= rate:
        fen[-1] = -sum(fen[:-1])  # balanced
    rows = []
    for amount in fen:
        row = [
            pick(st.just(txn_id), st.just(f" {txn_id}")),
            pick(st.just(day), st.sampled_from(_GOOD_DAYS + _ODD_DAYS)),
            pick(st.sampled_from(_GOOD_NAMES), st.sampled_from(_ODD_NAMES)),
            pick(st.just(_yuan(amount)), st.sampled_from(_ODD_AMOUNTS)),
            pick(st.sampled_from(_GOOD_CURRENCIES), st.sampled_from(_ODD_CURRENCIES)),
            pick(_good_narrations, _odd_narrations),
        ]
        shape = pick(st.just("whole"), st.sampled_from(["short", "long", "empty"]))
        if shape == "short":
            row = row[: draw(st.integers(1, 5))]
        elif shape == "long":
            row.append("extra")
        elif shape == "empty":
            row = []
        rows.append(row)
    return rows


@given(groups=st.lists(journal_groups(), max_size=8))
def test_reading_a_journal_quickly_gives_what_checking_every_transaction_gives(
    groups: list[list[list[str]]],
) -> None:
    rows = [row for group in groups for row in group]
    assert list(journal_csv.transactions(rows)) == _reference(rows)


def test_the_quick_path_leaves_a_bad_transaction_to_the_full_check() -> None:
    rows = [
        ["T1", "2020-01-01", "A:B", "1.00", "CNY", "x"],
        ["T1", "2020-01-01", "C:D", "-1.00", "CNY", "x"],
        ["T2", "2020-01-01", "A:B", "1.00", "CNY", "x"],
        ["T2", "2020-01-01", "C:D", "-1.00", "CNY", "x"],
        ["T1", "2020-01-01", "A:B", "1.00", "CNY", "x"],
        ["T1", "2020-01-01", "C:D", "-1.00", "CNY", "x"],
        ["T3", " 2020-01-02", "A:B", "1.5", "cny", " y "],
        ["T3", " 2020-01-02", "C:D", "-1.50", "", "y"],
    ]
    found = list(journal_csv.transactions(rows))
    assert found == _reference(rows)
    assert [type(t).__name__ for t in found] == ["Txn", "Txn", "BadTxn", "Txn"]
    assert found[3] == Txn("T3", date(2020, 1, 2), "y", (("A:B", Fen(150)), ("C:D", Fen(-150))), 8)


def test_a_transaction_whose_first_row_is_only_an_id_is_reported_as_short() -> None:
    rows = [["T1"], ["T1", "2020-01-01", "A:B", "1.00", "CNY", "x"]]
    expected = _reference(rows)
    assert [p.code for p in expected[0].problems] == ["short_row"]  # type: ignore[union-attr]
    assert list(journal_csv.transactions(rows)) == expected


_amount_texts = st.one_of(
    st.integers(-(10**15), 10**15).map(_yuan),
    st.sampled_from([*_ODD_AMOUNTS, "-0.05", "007.10", "1.23\n", "1٢.00", "1.2３", "- 1.00"]),
    st.from_regex(r"[-+ ]?[0-9١２]{0,4}[.,]?[0-9٢３]{0,3} ?", fullmatch=True),
)


@given(text=_amount_texts)
def test_reading_an_amount_quickly_gives_what_fen_parse_gives(text: str) -> None:
    try:
        expected: Fen | type[ValueError] = Fen.parse(text)
    except ValueError:
        expected = ValueError
    try:
        found: Fen | type[ValueError] = journal_csv._fen(text)
    except ValueError:
        found = ValueError
    assert found == expected


_csv_text = st.lists(
    st.sampled_from(['"', ",", "\n", "\r", "\r\n", "a", "b c", "交", " ", '""', "\x00", "x,y"]),
    max_size=30,
).map("".join)


@given(text=_csv_text)
def test_reading_rows_gives_what_the_csv_module_gives(text: str) -> None:
    def rows(read: Callable[[Iterable[str]], Iterator[list[str]]]) -> list[list[str]] | str:
        try:
            return list(read(io.StringIO(text, newline="")))
        except csv.Error as error:
            return f"csv.Error: {error}"

    assert rows(journal_csv.reader) == rows(csv.reader)
