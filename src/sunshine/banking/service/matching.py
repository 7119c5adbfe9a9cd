"""Matching bank lines to ledger entries: automatic for a whole account, by hand for one line.

Automatic matching reads the account's unmatched lines and the entries of their dates
(plus the window) in two queries, pairs them in memory (rules.matching) and writes the
pairs in one executemany. By hand, staff match a line to an entry, unmatch it, or explain
a line that has no entry (a reason); each step is kept with who took it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.banking.models import BankAccount
from sunshine.banking.models import BankLine
from sunshine.banking.models import MatchStep
from sunshine.banking.rules import matching
from sunshine.banking.service import book
from sunshine.banking.service.accounts import get_account
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound

AUTO, MANUAL = "auto", "manual"
HELD = "held"  # unmatched by staff: automatic matching leaves the line to them
REASON_MAX = 200
PAIRS_PER_UPDATE = 2000  # 4,000 parameters a statement, inside SQLite's limit


def _matched_entries(session: Session, community_id: int) -> set[int]:
    return set(
        session.scalars(
            select(BankLine.entry_id).where(
                BankLine.community_id == community_id, BankLine.entry_id.is_not(None)
            )
        )
    )


def auto_match(session: Session, community_id: int, account_id: int) -> int:
    """Match every open line of the account that has a best entry (not those staff unmatched)."""
    account = get_account(session, community_id, account_id)
    open_lines = session.execute(
        select(BankLine.id, BankLine.booked_on, BankLine.amount, BankLine.reference,
               BankLine.counterparty, BankLine.summary)
        .where(BankLine.community_id == community_id, BankLine.account_id == account_id,
               BankLine.entry_id.is_(None), BankLine.reason == "",
               BankLine.matched == "")
    ).all()  # fmt: skip
    if not open_lines:
        return 0
    window = timedelta(days=account.window_days)
    start = min(r.booked_on for r in open_lines) - window
    end = max(r.booked_on for r in open_lines) + window
    taken = _matched_entries(session, community_id)
    entries = [
        matching.BookSide(
            m.entry_id, m.booked_on, m.amount.value, f"{m.narration} {m.counterparty}"
        )
        for m in book.moves(
            session, community_id, ledger_code=account.ledger_code, start=start, end=end
        )
        if m.entry_id not in taken
    ]
    lines = [
        matching.BankSide(
            r.id, r.booked_on, r.amount.value, f"{r.reference} {r.counterparty} {r.summary}"
        )
        for r in open_lines
    ]
    pairs = matching.match(lines, entries, window_days=account.window_days)
    if pairs:
        _write_pairs(session, community_id, pairs)
    return len(pairs)


_PAIRS_POSTGRESQL = text(
    "UPDATE banking_line SET entry_id = pair.entry_id, matched = :auto"
    " FROM unnest(CAST(:lines AS integer[]), CAST(:entries AS integer[]))"
    " AS pair(line_id, entry_id)"
    " WHERE banking_line.community_id = :cid AND banking_line.id = pair.line_id"
)


def _write_pairs(session: Session, community_id: int, pairs: list[tuple[int, int]]) -> None:
    """Set-based: one UPDATE from two arrays (PostgreSQL) or from VALUES chunks (SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            _PAIRS_POSTGRESQL,
            {
                "cid": community_id,
                "auto": AUTO,
                "lines": [line for line, _ in pairs],
                "entries": [entry for _, entry in pairs],
            },
        )
        return
    for start in range(0, len(pairs), PAIRS_PER_UPDATE):
        chunk = pairs[start : start + PAIRS_PER_UPDATE]
        values = ", ".join(f"(:l{n}, :e{n})" for n in range(len(chunk)))
        params: dict[str, object] = {"cid": community_id, "auto": AUTO}
        for n, (line, entry) in enumerate(chunk):
            params[f"l{n}"], params[f"e{n}"] = line, entry
        session.execute(
            text(
                f"WITH pair(line_id, entry_id) AS (VALUES {values})"  # noqa: S608 - placeholders only
                " UPDATE banking_line SET entry_id = pair.entry_id, matched = :auto FROM pair"
                " WHERE banking_line.community_id = :cid AND banking_line.id = pair.line_id"
            ),
            params,
        )


def get_line(session: Session, community_id: int, line_id: int) -> BankLine:
    line = session.get(BankLine, (community_id, line_id))
    if line is None:
        raise NotFound("no bank line {id} in this community", args={"id": line_id})
    return line


def _step(
    session: Session, line: BankLine, action: str, actor_id: int | None, reason: str = ""
) -> None:
    session.add(
        MatchStep(
            community_id=line.community_id,
            line_id=line.id,
            action=action,
            entry_id=line.entry_id,
            reason=reason,
            actor_id=actor_id,
            at=clock.now(),
        )
    )


def match_line(
    session: Session, community_id: int, line_id: int, *, entry_id: int, actor_id: int | None
) -> BankLine:
    """Match the line to the entry by hand: same amount, and the entry matched to no other line."""
    line = get_line(session, community_id, line_id)
    account: BankAccount = get_account(session, community_id, line.account_id)
    if line.entry_id is not None:
        raise Conflict("bank line {id} is already matched; unmatch it first", args={"id": line_id})
    move = book.move_of(session, community_id, ledger_code=account.ledger_code, entry_id=entry_id)
    if move.amount != line.amount:
        raise Invalid(
            "entry {entry} moves {book} through the bank account; the line moves {bank}",
            args={"entry": entry_id, "book": str(move.amount), "bank": str(line.amount)},
        )
    if entry_id in _matched_entries(session, community_id):
        raise Conflict("entry {entry} is already matched to another line", args={"entry": entry_id})
    line.entry_id, line.matched, line.reason = entry_id, MANUAL, ""
    _step(session, line, "match", actor_id)
    session.flush()
    return line


def unmatch_line(
    session: Session, community_id: int, line_id: int, *, actor_id: int | None
) -> BankLine:
    line = get_line(session, community_id, line_id)
    if line.entry_id is None:
        raise Conflict("bank line {id} is not matched", args={"id": line_id})
    _step(session, line, "unmatch", actor_id)
    line.entry_id, line.matched = None, HELD
    session.flush()
    return line


def explain_line(
    session: Session, community_id: int, line_id: int, *, reason: str, actor_id: int | None
) -> BankLine:
    """Explain a line with no entry (the reason is staff-only); an empty reason withdraws it."""
    line = get_line(session, community_id, line_id)
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise Invalid("a reason is at most {max} characters", args={"max": REASON_MAX})
    if line.entry_id is not None:
        raise Conflict("bank line {id} is matched; it needs no explanation", args={"id": line_id})
    line.reason = reason
    _step(session, line, "explain", actor_id, reason)
    session.flush()
    return line
