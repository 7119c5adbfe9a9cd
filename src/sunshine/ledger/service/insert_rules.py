"""The rules the ledger's insert triggers hold on SQLite, written once.

Migration 0003 gave SQLite two BEFORE INSERT triggers: `ledger_posting_sealed` (no
posting for an entry whose header is in) and `ledger_entry_checked` (the header's checks:
balanced, one date, its month, no closed period, no reversal of a reversal). An import
drops them for a batch and checks their rules once over the batch's rows instead
(`bulk_booking`). Both come from the list below, so the two cannot drift apart:

- `InsertTrigger.create` is the trigger's CREATE statement. A test finds it, word for
  word, in a migrated database, so a migration that changes a trigger must change this
  list too, and the other way round; and `bulk_booking` drops a trigger only when the
  database holds exactly this text (otherwise it leaves the trigger to do its work).
- `InsertTrigger.first_refused` evaluates the same conditions, in the trigger's order,
  with each of the rows a batch wrote as NEW (`bulk_booking` says which rows, and why
  that gives what the trigger would have given row by row).

Each condition is SQL over NEW, the row being inserted, true when the row is refused.
PostgreSQL keeps its own trigger functions (migration 0003) and never drops them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    name: str  # how a refusal starts, e.g. "ledger_entry_balanced"
    says: str  # the rest of the refusal
    refuses: str  # SQL over NEW: true when the row is refused

    @property
    def message(self) -> str:
        return f"{self.name}: {self.says}"


@dataclass(frozen=True, slots=True)
class InsertTrigger:
    name: str
    table: str
    entry: str  # the column that names a refused row's entry
    rules: tuple[Rule, ...]

    @property
    def create(self) -> str:
        """The CREATE TRIGGER statement (SQLite), in the words migration 0003 used."""
        head = f"CREATE TRIGGER {self.name} BEFORE INSERT ON {self.table}"
        if len(self.rules) == 1:
            [rule] = self.rules
            return f"{head} WHEN {rule.refuses} BEGIN SELECT RAISE(ABORT, '{rule.message}'); END"
        raises = " ".join(
            f"SELECT RAISE(ABORT, '{r.message}') WHERE {r.refuses};" for r in self.rules
        )
        return f"{head} BEGIN {raises} END"

    def first_refused(self, rows: str) -> str:
        """A query for the first of the rows `rows` selects that a rule refuses.

        `rows` is a condition on the table's columns. The query gives the row's entry and
        the first rule, in the trigger's order, that refuses it.
        """
        cases = " ".join(f"WHEN {r.refuses} THEN '{r.name}'" for r in self.rules)
        return (
            f"SELECT entry, rule FROM (SELECT NEW.{self.entry} AS entry, CASE {cases} END AS rule "  # noqa: S608 - our own constants
            f"FROM {self.table} AS NEW WHERE {rows}) WHERE rule IS NOT NULL LIMIT 1"
        )


_POSTINGS_OF_NEW = "FROM ledger_posting WHERE community_id = NEW.community_id AND entry_id = NEW.id"

SEALED = InsertTrigger(
    "ledger_posting_sealed",
    "ledger_posting",
    "entry_id",
    (
        Rule(
            "ledger_posting_sealed",
            "the entry is already posted; postings precede their entry",
            "EXISTS (SELECT 1 FROM ledger_entry "
            "WHERE community_id = NEW.community_id AND id = NEW.entry_id)",
        ),
    ),
)
CHECKED = InsertTrigger(
    "ledger_entry_checked",
    "ledger_entry",
    "id",
    (
        Rule(
            "ledger_entry_balanced",
            "an entry needs two or more postings that sum to zero",
            f"(SELECT count(*) < 2 OR coalesce(sum(amount_fen), 0) <> 0 {_POSTINGS_OF_NEW})",
        ),
        Rule(
            "ledger_entry_same_day",
            "every posting must carry the date of its entry",
            f"EXISTS (SELECT 1 {_POSTINGS_OF_NEW} AND booked_on <> NEW.booked_on)",
        ),
        Rule(
            "ledger_entry_period",
            "the period must be the month of booked_on",
            "NEW.period <> substr(NEW.booked_on, 1, 7)",
        ),
        Rule(
            "ledger_period_closed",
            "nothing may be booked in a closed period",
            "EXISTS (SELECT 1 FROM ledger_period_close "
            "WHERE community_id = NEW.community_id AND period >= NEW.period)",
        ),
        Rule(
            "ledger_entry_reverses_reversal",
            "a reversal is not reversed",
            "NEW.reverses_id IS NOT NULL AND EXISTS (SELECT 1 FROM ledger_entry "
            "WHERE community_id = NEW.community_id AND id = NEW.reverses_id "
            "AND reverses_id IS NOT NULL)",
        ),
    ),
)
TRIGGERS = (SEALED, CHECKED)


def same_statement(one: str, other: str) -> bool:
    """Whether two SQL statements are the same but for spacing and line breaks."""
    return one.split() == other.split()
