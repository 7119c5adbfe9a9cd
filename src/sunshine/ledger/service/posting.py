"""Posting journal entries: one from a form, many from an import, and reversals.

How an entry is written, in this order (the migration 0003 explains why):

1. its postings; 2. its header row in `ledger_entry`, which seals it: the database
refuses further postings for an entry whose header exists, and checks that the postings
balance (SQLite: at once, in the header's insert trigger; PostgreSQL: at COMMIT, in a
deferred constraint trigger); 3. links to the vouchers named in the draft; 4. the
per-account, per-period totals (`ledger_account_total`), upserted in the same
transaction, from the same rows, so reports never read every posting; 5. the entry's
canonical record in the community's transparency log.

An import writes the same rows set-wise instead (`bulk_booking`), and on SQLite checks the
header trigger's rules once per batch; the tests compare the two ways row for row.

Entry numbers are max + 1 under a per-community lock (a PostgreSQL advisory transaction
lock; SQLite has one writer), so they have no gaps: a rolled-back transaction uses none.
Nothing here commits; a deferred check that fails at COMMIT is a bug in these rules.
"""

from __future__ import annotations

from collections import Counter
from collections import defaultdict
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.infra import spending_gate
from sunshine.infra.bulk import Layout
from sunshine.infra.db import Base
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.models import Voucher
from sunshine.ledger.service import terms as trust_terms
from sunshine.ledger.service.budget_lines import budget_line_problem
from sunshine.ledger.service.chart import accounts_by_code
from sunshine.ledger.service.entries import draft_from
from sunshine.ledger.service.entries import draft_of
from sunshine.ledger.service.entries import entry_count
from sunshine.ledger.service.entries import find_reversal
from sunshine.ledger.service.entries import get_entry
from sunshine.ledger.service.entries import posted_with
from sunshine.ledger.service.periods import closed_through
from sunshine.ledger.service.periods import lock_books
from sunshine.ledger.service.totals import add_to_totals
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import LogKind

MANUAL = "manual"
IMPORT = "import"
REMUNERATION = "remuneration"
REVERSAL = "reversal"
ENTRY_KIND = LogKind("ledger.entry")
IDS_PER_QUERY = 5000  # ids per IN (...) list, well inside SQLite's limit on bound parameters


@dataclass(frozen=True, slots=True)
class _Item:
    draft: rules.EntryDraft
    external_id: str | None = None
    reverses: int | None = None


def post_entry(
    session: Session,
    community_id: int,
    draft: rules.EntryDraft,
    *,
    actor_id: int | None,
    source: str = MANUAL,
    external_id: str | None = None,
) -> JournalEntry:
    """Check `draft`, book it with the next number, and append it to the transparency log.

    Raises Invalid with every problem found (rules.problems_with, a closed period, an
    unknown voucher, a remuneration amount other than the terms make due), or Conflict
    when the period's remuneration is already booked. With an `external_id` seen before,
    returns that entry if it has the same content and raises Conflict if not.
    """
    [number] = _post(
        session, community_id, [_Item(draft, external_id)], actor_id=actor_id, source=source
    )
    return get_entry(session, community_id, number)


def post_entries(
    session: Session,
    community_id: int,
    drafts: Sequence[rules.EntryDraft],
    *,
    actor_id: int | None,
    source: str = IMPORT,
    external_ids: Sequence[str | None] | None = None,
) -> list[int]:
    """Book many entries at once, all or none; returns their numbers in order.

    This is the import path: a few queries per batch whatever its size. Drafts whose
    external id is already booked (or repeated in the batch) with the same content are
    booked once and return the first number: importing a file twice books it once.
    Remuneration entries are refused here; book them with `book_remuneration`.
    """
    keys = list(external_ids) if external_ids is not None else [None] * len(drafts)
    if len(keys) != len(drafts):
        raise ValueError("one external id per draft")
    items = [_Item(draft, key) for draft, key in zip(drafts, keys, strict=True)]
    return _post(session, community_id, items, actor_id=actor_id, source=source)


def reverse_entry(
    session: Session,
    community_id: int,
    entry_id: int,
    *,
    reason: str,
    actor_id: int | None,
    booked_on: date,
) -> JournalEntry:
    """Cancel an entry with a new one that negates every posting and names it and why.

    Both stay visible. An entry is reversed at most once (the database holds a unique key
    on `reverses_id`), and a reversal is not itself reversed: to restore what a reversal
    cancelled, post the original again, which reads plainly on the public ledger. The
    reversal may fall in a later period than the original (which may be closed by then).
    """
    lock_books(session, community_id)
    original = get_entry(session, community_id, entry_id)
    if original.reverses_id is not None:
        raise Conflict(
            "entry {number} is itself a reversal; post the original again instead",
            args={"number": entry_id},
        )
    if (by := find_reversal(session, community_id, entry_id)) is not None:
        raise Conflict(
            "entry {number} is already reversed by entry {by}",
            args={"number": entry_id, "by": by.id},
        )
    problems = []
    if not reason.strip():
        problems.append(Problem("reason", "say why the entry is reversed", where="reason"))
    if booked_on < original.booked_on:
        problems.append(
            Problem("reversal_date", "a reversal cannot predate its entry", where="booked_on")
        )
    if problems:
        raise Invalid("the entry was not reversed", problems=problems)
    draft = rules.reversing_draft(
        draft_of(session, original), booked_on=booked_on, reason=reason.strip()
    )
    [number] = _post(
        session,
        community_id,
        [_Item(draft, reverses=entry_id)],
        actor_id=actor_id,
        source=REVERSAL,
    )
    return get_entry(session, community_id, number)


# --- writing -------------------------------------------------------------------------


def _post(
    session: Session,
    community_id: int,
    items: list[_Item],
    *,
    actor_id: int | None,
    source: str,
) -> list[int]:
    if not items:
        return []
    lock_books(session, community_id)  # before any check, so the checks see a settled state
    known = _known_external_ids(session, community_id, items)
    fresh: list[_Item] = []
    slots: list[int] = []  # per item: its stored number (> 0), or -1 - its index in `fresh`
    in_batch: dict[str, int] = {}
    for item in items:
        key = item.external_id
        if key is not None and key in known:
            slots.append(known[key])
        elif key is not None and key in in_batch:
            slots.append(-1 - in_batch[key])
        else:
            if key is not None:
                in_batch[key] = len(fresh)
            slots.append(-1 - len(fresh))
            fresh.append(item)
    first = entry_count(session, community_id) + 1
    if fresh:
        accounts = _check(session, community_id, fresh)
        _write(session, community_id, fresh, first, accounts, actor_id=actor_id, source=source)
    return [slot if slot > 0 else first - 1 - slot for slot in slots]


def _fingerprint(draft: rules.EntryDraft) -> dict[str, object]:
    return rules.as_record(draft, number=0, source="")


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), IDS_PER_QUERY):
        yield values[start : start + IDS_PER_QUERY]


def _known_external_ids(session: Session, community_id: int, items: list[_Item]) -> dict[str, int]:
    """External ids already booked, with their numbers; the same id with other content conflicts."""
    wanted = sorted({item.external_id for item in items if item.external_id is not None})
    known: dict[str, tuple[int, dict[str, object]]] = {}
    codes: dict[int, str] = {}
    for chunk in _chunks(wanted):
        entries = list(
            session.scalars(
                select(JournalEntry).where(
                    JournalEntry.community_id == community_id, JournalEntry.external_id.in_(chunk)
                )
            )
        )
        if entries and not codes:
            codes = {a.id: a.code for a in accounts_by_code(session, community_id).values()}
        vouchers = posted_with(session, community_id, [e.id for e in entries])
        for entry in entries:
            assert entry.external_id is not None  # selected by it
            draft = draft_from(entry, codes, vouchers)
            known[entry.external_id] = (entry.id, _fingerprint(draft))
    repeated = Counter(item.external_id for item in items if item.external_id is not None)
    seen: dict[str, dict[str, object]] = {}
    for item in items:
        if item.external_id is None or (
            item.external_id not in known and repeated[item.external_id] < 2
        ):
            continue  # a new key, once: nothing to compare it with
        fingerprint = _fingerprint(item.draft)
        earlier = known.get(item.external_id, (0, seen.get(item.external_id, fingerprint)))[1]
        if earlier != fingerprint:
            raise Conflict(
                "{key} was already booked with different content",
                args={"key": item.external_id},
            )
        seen[item.external_id] = fingerprint
    return {key: number for key, (number, _) in known.items()}


def _check(session: Session, community_id: int, items: list[_Item]) -> dict[str, Account]:
    """Every problem of every item, raised together; returns the chart by code."""
    accounts = accounts_by_code(session, community_id)
    closed = closed_through(session, community_id)
    vouchers = _known_vouchers(session, community_id, items)
    remuneration_codes = frozenset(
        code for code, a in accounts.items() if a.category is rules.Category.REMUNERATION
    )
    open_on: dict[date, frozenset[str]] = {}
    budgets: dict[Period, frozenset[str]] = {}
    problems: list[Problem] = []
    today = clock.today()
    for index, item in enumerate(items, start=1):
        draft = item.draft
        day = draft.booked_on
        if day not in open_on:
            open_on[day] = _open_on(accounts, day)
        found = rules.problems_with(draft, open_on[day])
        undated = rules.booking_day_problems(day, today=today)  # then its month may not exist
        found.extend(undated)
        period = draft.effective_period if not undated else None
        if closed is not None and period is not None and period <= closed:
            found.append(
                Problem("period_closed", "the period {period} is closed", {"period": str(period)})
            )
        found.extend(
            Problem("unknown_voucher", "voucher {sha256} was not uploaded", {"sha256": sha})
            for sha in sorted(set(draft.vouchers) - vouchers)
        )
        if period is not None and item.reverses is None:  # a reversal keeps its original's
            line = budget_line_problem(session, community_id, draft.budget_line, period, budgets)
            found.extend([line] if line is not None else [])
        if item.reverses is None and not undated:  # a reversal pays nobody
            found.extend(_gate_problems(session, community_id, draft, accounts))
        touches = {p.account_code for p in draft.postings} & remuneration_codes
        if touches and item.reverses is None and not undated:
            found.extend(_remuneration_problems(session, community_id, draft, items, accounts))
        label = item.external_id or (str(index) if len(items) > 1 else "")
        problems.extend(_located(p, label) for p in found)
    if problems:
        raise Invalid("the entry was not posted", problems=problems)
    return accounts


def _gate_problems(
    session: Session, community_id: int, draft: rules.EntryDraft, accounts: dict[str, Account]
) -> list[Problem]:
    """The spending gate's problems (infra.spending_gate): spending above the approval limit.

    Only debits of expense accounts count; the trustee's remuneration is governed by the
    trust terms, not by an expense.
    """
    debits: dict[str, int] = defaultdict(int)
    for posting in draft.postings:
        account = accounts.get(posting.account_code)
        if (
            account is not None
            and account.kind is rules.AccountKind.EXPENSE
            and account.category is not rules.Category.REMUNERATION
            and posting.amount.value > 0
        ):
            debits[posting.account_code] += posting.amount.value
    spending = spending_gate.Spending(
        community_id, draft.booked_on, tuple(sorted(debits.items())),
        spending_gate.paying_expense(),
    )  # fmt: skip
    return spending_gate.problems(session, spending)


def _open_on(accounts: dict[str, Account], day: date) -> frozenset[str]:
    return frozenset(
        code
        for code, a in accounts.items()
        if a.opened_on <= day and (a.closed_on is None or day < a.closed_on)
    )


def _located(problem: Problem, label: str) -> Problem:
    if not label:
        return problem
    where = f"{label}: {problem.where}" if problem.where else label
    return Problem(problem.code, problem.message, problem.args, where)


def _known_vouchers(session: Session, community_id: int, items: list[_Item]) -> set[str]:
    wanted = sorted({sha for item in items for sha in item.draft.vouchers})
    found: set[str] = set()
    for chunk in _chunks(wanted):
        found.update(
            session.scalars(
                select(Voucher.sha256).where(
                    Voucher.community_id == community_id, Voucher.sha256.in_(chunk)
                )
            )
        )
    return found


def _remuneration_problems(
    session: Session,
    community_id: int,
    draft: rules.EntryDraft,
    items: list[_Item],
    accounts: dict[str, Account],
) -> list[Problem]:
    """A remuneration booking must be alone, the first of its period, and the computed amount."""
    if len(items) > 1:
        return [
            Problem(
                "remuneration_alone",
                "the trustee's remuneration is booked on its own, from the trust terms",
            )
        ]
    period = draft.effective_period
    if trust_terms.remuneration_booked(session, community_id, period) != ZERO:
        raise Conflict(
            "the remuneration for {period} is already booked", args={"period": str(period)}
        )
    codes = frozenset(c for c, a in accounts.items() if a.category is rules.Category.REMUNERATION)
    amount = rules.remuneration_booked(draft, codes)
    due = trust_terms.remuneration_due(session, community_id, period)
    if amount == due:
        return []
    return [
        Problem(
            "remuneration_amount",
            "the remuneration for {period} is {due} under the trust terms, not {amount}",
            {"period": str(period), "due": str(due), "amount": str(amount)},
        )
    ]


# Each row as `_write` builds it; the other columns are one value for all (infra.bulk).
_POSTING_ROWS = Layout(
    Base.metadata.tables[Posting.__tablename__],
    ("entry_id", "line", "account_id", "booked_on", "amount_fen", "memo"),
)
_ENTRY_FIELDS = (
    "id", "booked_on", "period", "narration", "counterparty", "counterparty_is_person",
    "budget_line", "reverses_id", "reason", "external_id",
)  # fmt: skip
_ENTRY_ROWS = Layout(Base.metadata.tables[JournalEntry.__tablename__], _ENTRY_FIELDS)
_LINK_ROWS = Layout(Base.metadata.tables[EntryVoucher.__tablename__], ("entry_id", "sha256"))


def _write(
    session: Session,
    community_id: int,
    items: list[_Item],
    first: int,
    accounts: dict[str, Account],
    *,
    actor_id: int | None,
    source: str,
) -> None:
    now = clock.now()
    ids = {code: account.id for code, account in accounts.items()}
    postings: list[tuple[object, ...]] = []
    headers: list[tuple[object, ...]] = []
    links: list[tuple[object, ...]] = []
    records: list[transparency.Entry] = []
    deltas: dict[tuple[int, Period], list[int]] = defaultdict(lambda: [0, 0])
    for number, item in enumerate(items, start=first):
        draft = item.draft
        period = draft.effective_period
        day = draft.booked_on
        for line, posting in enumerate(draft.postings, start=1):
            account_id = ids[posting.account_code]
            value = posting.amount.value
            postings.append((number, line, account_id, day, value, posting.memo))
            deltas[account_id, period][0 if value > 0 else 1] += abs(value)
        headers.append(
            (
                number,
                day,
                str(period),
                draft.narration,
                draft.counterparty,
                draft.counterparty_is_person,
                draft.budget_line,
                item.reverses,
                draft.reason,
                item.external_id,
            )
        )
        links.extend((number, sha) for sha in sorted(set(draft.vouchers)))
        record = rules.as_record(draft, number=number, source=source, reverses=item.reverses)
        records.append(transparency.Entry(ENTRY_KIND, record, ref=str(number)))
    # First, as it may refuse the batch (a month's total past its bound) before any row.
    add_to_totals(
        session,
        community_id,
        {key: (Fen(debit), Fen(credit)) for key, (debit, credit) in deltas.items()},
    )
    # INVARIANT: postings before headers (the header seals the entry; migration 0003).
    # Driver-level inserts: imports write millions of rows (infra.bulk says why).
    _POSTING_ROWS.insert(session, postings, ready={"amount_fen"}, community_id=community_id)
    _ENTRY_ROWS.insert(
        session,
        headers,
        ready={"period"},
        community_id=community_id,
        source=source,
        posted_by=actor_id,
        posted_at=now,
    )
    _LINK_ROWS.insert(session, links, community_id=community_id, attached_at=now, with_entry=True)
    transparency.append_many(session, community_id, records)
