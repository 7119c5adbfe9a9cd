"""The audit's reader of the log: each record in seq order, its leaf hash, the tree refolded.

`LogScan` reads a community's records in seq order, BATCH at a time, as the driver's own
row tuples (`infra.bulk.Statement`), checks each leaf hash against its body, folds the
leaves into the RFC 9162 tree one at a time (a frontier of log2(n) hashes), compares
each subtree hash it completes from level STORED_FROM up with the stored one, notes the
root at each signed checkpoint's size, and hands each record to the check registered for
its kind, through the check's sorter, which runs here, beside the reading (in the child
process when the log is read in parallel: `audit_sources`). A record of a kind no check
knows is named.

Odd storage is named, never crashed on: a body stored as text is hashed as its UTF-8
bytes and reported; a position that is not a whole number is reported and skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.infra.bulk import Statement
from sunshine.kernel import merkle
from sunshine.kernel.errors import Problem
from sunshine.transparency.models import LogNode
from sunshine.transparency.models import LogRecord
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_rows import LogRow
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.log import STORED_FROM

BATCH = 20_000  # log records per query
_RECORD = LogRecord.__table__.c
_NODE = LogNode.__table__.c


def log_size(session: Session, community_id: int) -> int:
    """The tree's size: one past the highest whole-number position (others are odd rows)."""
    where = _RECORD.community_id == community_id
    last = session.scalar(select(func.max(_RECORD.seq)).where(where))
    if last is not None and type(last) is not int:  # SQLite keeps what it was given
        last = session.scalar(
            select(func.max(_RECORD.seq)).where(where, func.typeof(_RECORD.seq) == "integer")
        )
    return 0 if last is None else int(last) + 1


class RecordSorter:
    """Turns a check's records of one batch into what its row side takes: by default, the rows.

    A check may sort its records here, where the log is read, to spare the caller's
    process (the journal sorts a million records by entry number this way).
    """

    def __init__(self, report: AuditReport) -> None:
        """Findings made while sorting go to `report` (the log side's)."""

    def sort(self, rows: list[LogRow]) -> object:
        return rows


@dataclass(slots=True)
class Route:
    """Where records of one kind go: the check's name, its sorter, and whether it reads bodies."""

    check: str
    sorter: RecordSorter
    bodies: bool
    rows: list[LogRow] = field(default_factory=list)


class LogScan:
    """The log's records in seq order: leaf hashes checked, the tree folded (see module doc).

    `size` and the checkpoint sizes come from the caller's snapshot, so that a reader in
    another transaction checks the same records: the log only grows.
    """

    def __init__(
        self,
        session: Session,
        community_id: int,
        report: AuditReport,
        *,
        size: int,
        checkpoints: Collection[int],
        routes: Mapping[str, Route],
    ) -> None:
        self.session, self.community_id, self.report = session, community_id, report
        self.size, self.routes = size, routes
        self.wanted = frozenset(checkpoints)
        self.roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT} if 0 in self.wanted else {}
        self.read = 0  # records read (and folded into the tree)
        self.expected = 0  # the next position
        self.frontier: list[bytes] = []  # of the records read, largest subtree first
        self.bad_leaves: list[int] = []  # named already: the subtrees above them are not
        self.nodes: Statement | None = None  # the stored subtree hashes of a level, compiled once

    def batches(self) -> Iterator[dict[str, object]]:
        """Per BATCH records: what each check's sorter made of its records, by check name."""
        connection = self.session.connection()
        r = _RECORD
        query = Statement(
            select(r.seq, r.kind, r.ref, r.body, r.leaf_hash)
            .where(
                r.community_id == self.community_id,
                r.seq >= bindparam("position", 0, type_=BigInteger),
                r.seq < self.size,
            )
            .order_by(r.seq)
            .limit(BATCH),
            connection.dialect,
        )
        position: Any = 0
        while True:
            rows = query.rows(connection, position=position)
            if not rows:
                break
            position = rows[-1][0] + 1
            yield self._fold(rows)
        if self.expected < self.size:
            self._lost(self.expected, self.size - 1)

    def _fold(self, rows: Sequence[tuple[Any, Any, Any, Any, Any]]) -> dict[str, object]:
        """Check each leaf hash, add the body's leaf to the tree (RFC 9162), route the records."""
        sha256, frontier, wanted, made = hashlib.sha256, self.frontier, self.wanted, []
        count, expected = self.read, self.expected
        routes = {kind: (route.rows.append, route.bodies) for kind, route in self.routes.items()}
        for seq, kind, ref, body, leaf in rows:
            if seq != expected:
                self.expected = expected
                if not self._moved_on(seq):
                    continue
            expected = seq + 1
            data = body if type(body) is bytes else self._odd_body(seq, body)
            digest = sha256(b"\x00" + data).digest()
            if digest != leaf:
                self._wrong_leaf(seq, leaf)
            frontier.append(digest)
            carry, level = count, 0
            while carry & 1:  # each trailing one bit: a subtree this leaf completes
                right = frontier.pop()
                frontier[-1] = sha256(b"\x01" + frontier[-1] + right).digest()
                carry >>= 1
                level += 1
                if level >= STORED_FROM:
                    made.append((level, count >> level, frontier[-1]))
            count += 1
            if count in wanted:
                self.roots[count] = merkle.root_from_frontier(frontier, count)
            route = routes.get(kind)
            if route is None:
                self._unknown(seq, kind)
            else:
                route[0]((seq, kind, ref, data if route[1] else b"", digest))
        self.read, self.expected = count, expected
        self._check_nodes(made)
        return self._sorted()

    def _sorted(self) -> dict[str, object]:
        by_check: dict[str, list[LogRow]] = {}
        for kind, route in self.routes.items():
            if route.rows:
                rows, route.rows = route.rows, []  # a new list for the next batch's appends
                self.report.counts[kind] += len(rows)
                if route.check in by_check:
                    by_check[route.check].extend(rows)
                else:
                    by_check[route.check] = rows
        return {name: self.routes[rows[0][1]].sorter.sort(rows) for name, rows in by_check.items()}

    def _moved_on(self, seq: object) -> bool:
        """At a position other than the next: name the gap; False to skip an odd position."""
        if type(seq) is not int:
            self._storage(None, "seq", odd(seq))
            return False
        self._lost(self.expected, seq - 1)
        return True

    def _check_nodes(self, made: list[tuple[int, int, bytes]]) -> None:
        """Compare the subtree hashes this batch completed with the stored ones."""
        levels: dict[int, dict[int, bytes]] = {}
        for level, index, hash_ in made:
            levels.setdefault(level, {})[index] = hash_
        connection = self.session.connection()
        if self.nodes is None:
            self.nodes = Statement(
                select(_NODE.idx, _NODE.hash).where(
                    _NODE.community_id == self.community_id,
                    _NODE.level == bindparam("level", 0, type_=BigInteger),
                    _NODE.idx.between(
                        bindparam("low", 0, type_=BigInteger),
                        bindparam("high", 0, type_=BigInteger),
                    ),
                ),
                connection.dialect,
            )
        for level, computed in sorted(levels.items()):
            found = self.nodes.rows(connection, level=level, low=min(computed), high=max(computed))
            stored = dict(found)
            for index, hash_ in sorted(computed.items()):
                if stored.get(index) != hash_ and not self._above_bad_leaf(level, index):
                    self._wrong_node(level, index, stored.get(index))

    def _above_bad_leaf(self, level: int, index: int) -> bool:
        return any(index << level <= seq < (index + 1) << level for seq in self.bad_leaves)

    def check_tree(self) -> None:
        """After the last batch: the root, and stored subtree hashes no complete subtree has."""
        report = self.report
        report.records = self.read
        report.root = merkle.root_from_frontier(self.frontier, self.read)
        extra = self.session.scalar(
            text(
                # (idx + 1) << level > size, without shifting past 64 bits
                "SELECT count(*) FROM transparency_node WHERE community_id = :c"
                " AND (level < :low OR level > :high OR idx >= (CAST(:size AS BIGINT) >> level))"
            ),
            {"c": self.community_id, "low": STORED_FROM, "high": 62, "size": self.read},
        )
        if extra:
            report.add(
                Problem(
                    FindingKind.ROOT,
                    "the log stores {count} subtree hashes that none of its {size} records make",
                    {"count": extra, "size": self.read},
                ),
                kind="transparency.log",
            )

    def _odd_body(self, seq: int, body: object) -> bytes:
        self._storage(seq, "body", odd(body))
        return body.encode("utf-8", "surrogatepass") if isinstance(body, str) else b""

    def _storage(self, seq: int | None, column: str, value: object) -> None:
        self.report.add(
            Problem(
                FindingKind.STORAGE,
                "log record {seq}: {column} is stored as {value}",
                {"seq": "?" if seq is None else seq, "column": column, "value": str(value)},
            ),
            seq=seq,
            kind="transparency.log",
            key=None if seq is None else str(seq),
            field=column,
        )

    def _unknown(self, seq: int, kind: object) -> None:
        self.report.add(
            Problem(
                FindingKind.UNKNOWN_KIND,
                "log record {seq} is of kind {kind}, which no part of Sunshine checks",
                {"seq": seq, "kind": kind if type(kind) is str else str(odd(kind))},
            ),
            seq=seq,
            kind="transparency.log",
            key=str(seq),
            field="kind",
        )

    def _lost(self, first: int, last: int) -> None:
        self.report.add(
            Problem(
                FindingKind.MISSING_FROM_LOG,
                "log records {first} to {last} are gone",
                {"first": first, "last": last},
            ),
            seq=first,
            kind="transparency.log",
            key=str(first),
        )

    def _wrong_leaf(self, seq: int, leaf: object) -> None:
        self.bad_leaves.append(seq)
        if type(leaf) is not bytes:
            self._storage(seq, "leaf_hash", odd(leaf))
            return
        self.report.add(
            Problem(
                FindingKind.LEAF_HASH,
                "log record {seq} has a leaf hash that is not the hash of its body",
                {"seq": seq},
            ),
            seq=seq,
            kind="transparency.log",
            key=str(seq),
            field="leaf_hash",
        )

    def _wrong_node(self, level: int, index: int, stored: object) -> None:
        self.report.add(
            Problem(
                FindingKind.ROOT,
                "the stored hash of subtree {index} at level {level} is {stored};"
                " its records give another",
                {
                    "level": level,
                    "index": index,
                    "stored": "—" if stored is None else _hex(stored),
                },
            ),
            kind="transparency.log",
            key=f"{level}/{index}",
            field="hash",
        )


def _hex(value: object) -> str:
    return value.hex() if isinstance(value, bytes) else str(odd(value))
