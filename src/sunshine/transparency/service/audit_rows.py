"""The audit's comparison of log records with the rows they stand for, field by field.

A part's check derives, from its rows as stored, the record each row set should have
been logged as (`Derived`), reading values as the database driver returns them and
passing each through a reader below (`whole`, `text`, `day` …). A reader returns the
value as a record holds it, or `Odd` when the stored value has a type no record holds
(a REAL or text where a whole number belongs, bytes where text belongs, a NULL): `Odd`
equals nothing logged, so such a value is named, never crashed on.

`RowRecords` then pairs each logged record with its rows by key and names each field
that differs, with the logged and the stored value; rows with no record and records
whose rows are gone are named too. It suits kinds whose records number in the
thousands (accounts, notices, budgets, terms, voucher links): the derived records are
held in memory. The journal, with its millions of entries, streams (`ledger.service.audit`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from sunshine.kernel.errors import Problem
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind

LogRow = tuple[int, str, str, bytes, bytes]  # seq, kind, ref, body (or b""), leaf hash of body
MAX_FIELDS = 5  # differing fields named per record; the rest are counted
_SHOWN = 80  # characters of a value shown in a message


@dataclass(frozen=True, slots=True)
class Odd:
    """A stored value of a type no record holds, described (e.g. "REAL 1e+19")."""

    text: str


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


MISSING: Final = _Missing()  # a field one side has and the other lacks


def odd(value: object) -> Odd:
    """Describe a stored value as its SQL type and value."""
    if value is None:
        return Odd("NULL")
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return Odd(f"BLOB of {len(data)} bytes ({data[:8].hex()}…)")
    if isinstance(value, float):
        return Odd(f"REAL {value!r}")
    if isinstance(value, str):
        return Odd(f"TEXT {value[:_SHOWN]!r}")
    return Odd(f"{type(value).__name__} {str(value)[:_SHOWN]}")


def whole(value: object) -> int | Odd:
    """A whole number (fen, an id, a count): exactly an integer, nothing that looks like one."""
    return value if type(value) is int else odd(value)


def text(value: object) -> str | Odd:
    return value if type(value) is str else odd(value)


def text_or_none(value: object) -> str | Odd | None:
    return None if value is None else text(value)


def whole_or_none(value: object) -> int | Odd | None:
    return None if value is None else whole(value)


def flag(value: object) -> bool | Odd:
    """A boolean: PostgreSQL's own, or SQLite's 0 and 1."""
    if type(value) is bool:
        return value
    if type(value) is int and value in {0, 1}:
        return bool(value)
    return odd(value)


def day(value: object) -> str | Odd:
    """A date as "YYYY-MM-DD": PostgreSQL's date, or SQLite's text if it names a real day."""
    if type(value) is date:
        return value.isoformat()
    if type(value) is str:
        try:
            return date.fromisoformat(value).isoformat() if len(value) == 10 else odd(value)
        except ValueError:
            return odd(value)
    return odd(value)


def day_or_none(value: object) -> str | Odd | None:
    return None if value is None else day(value)


def month(value: object) -> str | Odd:
    """A period as "YYYY-MM" (stored as that text on both databases)."""
    if type(value) is str and len(value) == 7 and day(value + "-01") == value + "-01":
        return value
    return odd(value)


def differences(logged: object, stored: object, path: str = "") -> list[tuple[str, object, object]]:
    """Where `stored` differs from `logged`: (field path, logged value, stored value).

    Values are equal only with the same type (1 is not 1.0, nor True): a record holds
    JSON, so a stored value of another type is a difference even if it compares equal.
    """
    if type(logged) is dict and type(stored) is dict:
        found = []
        for key in sorted(logged.keys() | stored.keys()):
            where = f"{path}.{key}" if path else str(key)
            found += differences(logged.get(key, MISSING), stored.get(key, MISSING), where)
        return found
    if type(logged) is list and type(stored) is list:
        found = []
        for index in range(max(len(logged), len(stored))):
            mine = logged[index] if index < len(logged) else MISSING
            theirs = stored[index] if index < len(stored) else MISSING
            found += differences(mine, theirs, f"{path}[{index}]")
        return found
    if type(logged) is type(stored) and logged == stored:
        return []
    return [(path, logged, stored)]


def shown(value: object) -> str:
    """A value as a message shows it: JSON as logged, an odd one described."""
    if isinstance(value, Odd):
        return value.text
    if value is MISSING:
        return "nothing"
    try:
        written = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        written = repr(value)
    return written if len(written) <= _SHOWN else written[: _SHOWN - 1] + "…"


def parse_body(body: bytes) -> dict[str, object] | None:
    """A record's body as a JSON object, or None if it is not one."""
    try:
        record = json.loads(body)
    except (ValueError, TypeError):
        return None
    return record if type(record) is dict else None


@dataclass(frozen=True, slots=True)
class Derived:
    """The record that a set of stored rows should have been logged as, under its key."""

    key: str
    record: Mapping[str, object] | Odd


KeyOf = Callable[[Mapping[str, object]], str]


FIELD = "{kind} {key}: {field} is {stored} in the database; log record {seq} says {logged}"


def report_field(
    report: AuditReport,
    *,
    kind: str,
    key: str,
    seq: int,
    field: str,
    logged: object,
    stored: object,
    entry: int | None = None,
    message: str = FIELD,
) -> None:
    """Name one differing field: the kind, the key, the field, the logged and stored values.

    `message` may name the rows in a part's own words (the ledger: "entry {key}: …").
    """
    report.add(
        Problem(
            FindingKind.CHANGED,
            message,
            {
                "kind": kind,
                "key": key,
                "field": field,
                "stored": shown(stored),
                "seq": seq,
                "logged": shown(logged),
            },
        ),
        seq=seq,
        kind=kind,
        key=key,
        field=field,
        entry=entry,
    )


def compare(
    report: AuditReport,
    *,
    kind: str,
    key: str,
    seq: int,
    logged: object,
    stored: object,
    entry: int | None = None,
    message: str = FIELD,
) -> bool:
    """Name up to MAX_FIELDS differing fields of one record; whether any differ."""
    # Plain equality first (fast): it takes 1 for True, but a reader gives each field one
    # type, and a logged value of another type means a forged record, which the tree names.
    found = [] if logged == stored else differences(logged, stored)
    for where, mine, theirs in found[:MAX_FIELDS]:
        report_field(
            report,
            kind=kind,
            key=key,
            seq=seq,
            field=where or "body",
            logged=mine,
            stored=theirs,
            entry=entry,
            message=message,
        )
    if len(found) > MAX_FIELDS:
        report.add(
            Problem(
                FindingKind.CHANGED,
                "{kind} {key}: {count} more fields differ from log record {seq}",
                {"kind": kind, "key": key, "count": len(found) - MAX_FIELDS, "seq": seq},
            ),
            seq=seq,
            kind=kind,
            key=key,
            entry=entry,
        )
    return bool(found)


class RowRecords:
    """Pairs records of one kind with the rows they stand for, by key (see the module doc).

    `key_of` reads the key from a logged record, `ref_of` the ref it is filed under.
    With `latest`, a key may be logged again as its rows change (an account closed): its
    rows must match its latest record, and the earlier ones are history.
    """

    def __init__(
        self,
        report: AuditReport,
        kind: str,
        derived: Iterable[Derived],
        *,
        key_of: KeyOf,
        ref_of: KeyOf,
        latest: bool = False,
    ) -> None:
        self.report, self.kind, self.latest = report, kind, latest
        self.key_of, self.ref_of = key_of, ref_of
        self.expected = {d.key: d for d in derived}
        self.seen: dict[str, tuple[int, Mapping[str, object]]] = {}  # key → newest record

    def take(self, rows: Iterable[LogRow]) -> None:
        """Check each record's ref, and pair it with its rows (now, or at `finish` if latest)."""
        for seq, _kind, ref, body, _leaf in rows:
            record = parse_body(body)
            key = None if record is None else self._key(record)
            if record is None or key is None:
                self._unreadable(seq)
                continue
            self._check_ref(seq, ref, record, key)
            if key in self.seen and not self.latest:
                self._repeated(seq, key)
                continue
            self.seen[key] = (seq, record)
            if not self.latest:
                self._pair(key, seq, record)

    def finish(self) -> None:
        """Compare the latest records (if so), then name the rows that no record stands for."""
        if self.latest:
            for key, (seq, record) in self.seen.items():
                self._pair(key, seq, record)
        for key in sorted(self.expected):
            self.report.add(
                Problem(
                    FindingKind.MISSING_FROM_LOG,
                    "{kind} {key} has no record in the log",
                    {"kind": self.kind, "key": key},
                ),
                kind=self.kind,
                key=key,
            )
        self.expected.clear()

    def _key(self, record: Mapping[str, object]) -> str | None:
        try:
            return self.key_of(record)
        except (KeyError, TypeError, ValueError):
            return None

    def _pair(self, key: str, seq: int, record: Mapping[str, object]) -> None:
        rows = self.expected.pop(key, None)
        if rows is None:
            self.report.add(
                Problem(
                    FindingKind.NOT_IN_LEDGER,
                    "log record {seq} ({kind} {key}) stands for rows the database no longer holds",
                    {"seq": seq, "kind": self.kind, "key": key},
                ),
                seq=seq,
                kind=self.kind,
                key=key,
            )
            return
        compare(self.report, kind=self.kind, key=key, seq=seq, logged=record, stored=rows.record)
        self.paired(key, seq, record)

    def paired(self, key: str, seq: int, record: Mapping[str, object]) -> None:
        """Check more once a record has met its rows (a kind's own row side may)."""

    def _check_ref(self, seq: int, ref: object, record: Mapping[str, object], key: str) -> None:
        try:
            expected = self.ref_of(record)
        except (KeyError, TypeError, ValueError):
            expected = None
        if ref != expected:
            self.report.add(
                Problem(
                    FindingKind.CHANGED,
                    "log record {seq} ({kind} {key}) is filed under {ref};"
                    " its body says {expected}",
                    {
                        "seq": seq,
                        "kind": self.kind,
                        "key": key,
                        "ref": shown(ref if type(ref) is str else odd(ref)),
                        "expected": shown(expected),
                    },
                ),
                seq=seq,
                kind=self.kind,
                key=key,
                field="ref",
            )

    def _unreadable(self, seq: int) -> None:
        self.report.add(
            Problem(
                FindingKind.CHANGED,
                "log record {seq} ({kind}) is not a record of its kind",
                {"seq": seq, "kind": self.kind},
            ),
            seq=seq,
            kind=self.kind,
        )

    def _repeated(self, seq: int, key: str) -> None:
        self.report.add(
            Problem(
                FindingKind.ORDER,
                "log record {seq} repeats {kind} {key}",
                {"seq": seq, "kind": self.kind, "key": key},
            ),
            seq=seq,
            kind=self.kind,
            key=key,
        )
