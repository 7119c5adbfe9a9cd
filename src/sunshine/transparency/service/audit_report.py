"""What the audit (`audit.py`) hands back: what it read, and each difference in plain words.

A finding's message is a `Problem`: an English template with its fields, translated at
the edge like every error. Besides the message, a finding names what it is about, so
that callers and tests need not read the text: the log record (`seq`), the record kind
and the key of the rows it stands for ("ledger.account", "1001"), the field that differs,
and for the ledger's journal the entry number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum

from sunshine.kernel import merkle
from sunshine.kernel.errors import Problem
from sunshine.kernel.errors import Translate

MAX_FINDINGS = 1000  # kept in full; beyond this they are only counted
Progress = Callable[[int, int], None]  # (done, total), counted in log records


class FindingKind(StrEnum):
    CHANGED = "changed"  # the rows no longer give the record the log holds
    MISSING_FROM_LOG = "missing_from_log"  # rows (or log positions) with no record
    NOT_IN_LEDGER = "not_in_ledger"  # a record whose rows are gone, or never were
    ORDER = "order"  # a record repeated, or out of order
    GAP = "gap"  # entry numbers skip: entries removed with their records
    STRAY_ROWS = "stray_rows"  # postings or voucher links whose entry row is gone
    LEAF_HASH = "leaf_hash"  # a record's stored leaf hash is not the hash of its body
    ROOT = "root"  # the tree differs from its stored hashes or its signed checkpoints
    TOTALS = "totals"  # stored per-period totals differ from the sums of the postings
    STORAGE = "storage"  # a value stored as a type its column never holds (text in bytes)
    UNKNOWN_KIND = "unknown_kind"  # a record of a kind that no part checks
    SIGNATURE = "signature"  # a checkpoint's note or a co-signature does not verify


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference, with what it is about (see the module doc)."""

    kind: FindingKind
    problem: Problem
    entry: int | None = None
    seq: int | None = None
    record_kind: str | None = None
    key: str | None = None
    field: str | None = None

    def text(self, translate: Translate = _same) -> str:
        return self.problem.text(translate)


@dataclass(slots=True)
class AuditReport:
    """What the audit read of one community, and every difference it found."""

    community_id: int
    records: int = 0  # log records read
    counts: Counter[str] = field(default_factory=Counter)  # records per kind, rows read
    root: bytes = merkle.EMPTY_ROOT  # recomputed from the record bodies
    checkpoint_size: int | None = None  # the latest signed checkpoint's tree size, if any
    findings: list[Finding] = field(default_factory=list)
    omitted: int = 0  # findings beyond MAX_FINDINGS, counted but not kept

    @property
    def clean(self) -> bool:
        return not self.findings and not self.omitted

    @property
    def finding_count(self) -> int:
        return len(self.findings) + self.omitted

    def add(
        self,
        problem: Problem,
        *,
        entry: int | None = None,
        seq: int | None = None,
        kind: str | None = None,
        key: str | None = None,
        field: str | None = None,
    ) -> None:
        """Keep a finding; its kind is the problem's code (a FindingKind value)."""
        if len(self.findings) < MAX_FINDINGS:
            finding = Finding(FindingKind(problem.code), problem, entry, seq, kind, key, field)
            self.findings.append(finding)
        else:
            self.omitted += 1

    def merge(self, other: AuditReport) -> None:
        """Take the findings and counts of a report made elsewhere (the log's reader)."""
        self.counts.update(other.counts)
        for finding in other.findings:
            if len(self.findings) < MAX_FINDINGS:
                self.findings.append(finding)
            else:
                self.omitted += 1
        self.omitted += other.omitted

    def entries_named(self) -> list[int]:
        """The entry numbers the findings name, each once, in order."""
        return sorted({f.entry for f in self.findings if f.entry is not None})

    def about(self, kind: str, key: str | None = None) -> list[Finding]:
        """The findings about records of `kind` (and about the rows of `key`, if given)."""
        return [f for f in self.findings if f.record_kind == kind and (key is None or f.key == key)]
