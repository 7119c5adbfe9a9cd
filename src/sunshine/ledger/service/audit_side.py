"""The audit of the ledger's other records, each against the rows it stands for.

Accounts, vouchers attached after posting, public copies of vouchers, and trust terms.
Their records number in the thousands at most (they grow with the chart, with vouchers
attached after posting, and with contract changes, not with entries), so each row side
derives every record from the rows up front (`audit_rows.RowRecords`), reading values as
stored, and names each field that differs, each row with no record and each record
whose rows are gone. An account may be logged again (when it is closed): its row must
match its latest record.

INVARIANT: each derived record is laid out as the service logs it (`chart.account_record`,
`terms._record`, `vouchers.attach_voucher`, `vouchers.set_public_copy`): the demo audits
clean (tests/test_audit_edits.py), which pins them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra.bulk import driver_rows
from sunshine.kernel.errors import Problem
from sunshine.ledger.models import Account
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import TrustTerms
from sunshine.ledger.models import Voucher
from sunshine.ledger.service.chart import ACCOUNT_KIND
from sunshine.ledger.service.terms import TERMS_KIND
from sunshine.ledger.service.vouchers import PUBLIC_COPY_KIND
from sunshine.ledger.service.vouchers import VOUCHER_KIND
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import LogRow
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import day
from sunshine.transparency.service.audit_rows import day_or_none
from sunshine.transparency.service.audit_rows import month
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import shown
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import text_or_none
from sunshine.transparency.service.audit_rows import whole

_A, _T = Account.__table__.c, TrustTerms.__table__.c
_V, _L = Voucher.__table__.c, EntryVoucher.__table__.c
_VOUCHERS = Voucher.__table__


def _key(value: object) -> str:
    return value if type(value) is str else shown(odd(value))


def accounts(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    """The chart's accounts against their latest `ledger.account` records."""
    query = select(
        _A.id, _A.code, _A.name_zh, _A.name_en, _A.kind, _A.category, _A.parent_code,
        _A.opened_on, _A.closed_on,
    ).where(_A.community_id == community_id)  # fmt: skip
    derived = [
        Derived(
            _key(code),
            {
                "account": whole(account_id),
                "code": text(code),
                "name_zh": text(name_zh),
                "name_en": text(name_en),
                "kind": text(kind),
                "category": text(category),
                "parent_code": text_or_none(parent),
                "opened_on": day(opened_on),
                "closed_on": day_or_none(closed_on),
            },
        )
        for account_id, code, name_zh, name_en, kind, category, parent, opened_on, closed_on in (
            driver_rows(session.connection(), query)
        )
    ]
    return RowRecords(
        report,
        ACCOUNT_KIND,
        derived,
        key_of=lambda r: str(r["code"]),
        ref_of=lambda r: str(r["code"]),
        latest=True,
    )


def trust_terms(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    """Each version of the trust terms against its `ledger.trust_terms` record."""
    query = select(
        _T.effective_from, _T.kind, _T.fixed_fen, _T.rate_basis_points, _T.base_categories,
        _T.account_code, _T.settlement_code, _T.contract_ref,
    ).where(_T.community_id == community_id)  # fmt: skip
    derived = []
    for period, kind, fixed, rate, bases, account, settlement, contract in driver_rows(
        session.connection(), query
    ):
        categories = text(bases)
        derived.append(
            Derived(
                _key(period),
                {
                    "effective_from": month(period),
                    "kind": text(kind),
                    "fixed_fen": whole(fixed),
                    "rate_basis_points": whole(rate),
                    "base_categories": (
                        [c for c in categories.split(",") if c]
                        if isinstance(categories, str)
                        else categories
                    ),
                    "account_code": text(account),
                    "settlement_code": text(settlement),
                    "contract_ref": text(contract),
                },
            )
        )
    key_of = lambda r: str(r["effective_from"])  # noqa: E731 - the key is the ref
    return RowRecords(report, TERMS_KIND, derived, key_of=key_of, ref_of=key_of)


class VoucherAudit:
    """Vouchers attached after posting, and public copies, against their rows.

    Also named: a voucher link, of any entry, whose voucher row is gone (an entry's own
    record names its vouchers by hash; the hash must still name a stored voucher).
    """

    def __init__(self, session: Session, community_id: int, report: AuditReport) -> None:
        self.session, self.community_id, self.report = session, community_id, report
        self.sides: dict[str, RowRecords] = {
            VOUCHER_KIND: RowRecords(
                report,
                VOUCHER_KIND,
                self._attached(),
                key_of=lambda r: f"{r['entry']} {r['sha256']}",
                ref_of=lambda r: str(r["entry"]),
            ),
            PUBLIC_COPY_KIND: RowRecords(
                report,
                PUBLIC_COPY_KIND,
                self._copies(),
                key_of=lambda r: str(r["sha256"]),
                ref_of=lambda r: str(r["sha256"]),
            ),
        }

    def take(self, rows: Iterable[LogRow]) -> None:
        for row in rows:
            self.sides[row[1]].take([row])

    def finish(self) -> None:
        for side in self.sides.values():
            side.finish()
        self._links_without_voucher()

    def _attached(self) -> list[Derived]:
        query = (
            select(_L.entry_id, _L.sha256, _V.media_type)
            .outerjoin(_VOUCHERS, (_V.community_id == _L.community_id) & (_V.sha256 == _L.sha256))
            .where(_L.community_id == self.community_id, _L.with_entry.is_(False))
        )
        return [
            Derived(
                f"{entry} {_key(sha)}",
                {
                    "entry": whole(entry),
                    "sha256": text(sha),
                    "media_type": odd(None) if media_type is None else text(media_type),
                },
            )
            for entry, sha, media_type in driver_rows(self.session.connection(), query)
        ]

    def _copies(self) -> list[Derived]:
        query = select(_V.sha256, _V.public_sha256).where(
            _V.community_id == self.community_id, _V.public_sha256.is_not(None)
        )
        return [
            Derived(_key(sha), {"sha256": text(sha), "public_sha256": text(public)})
            for sha, public in driver_rows(self.session.connection(), query)
        ]

    def _links_without_voucher(self) -> None:
        query = (
            select(_L.entry_id, _L.sha256)
            .outerjoin(_VOUCHERS, (_V.community_id == _L.community_id) & (_V.sha256 == _L.sha256))
            .where(_L.community_id == self.community_id, _V.sha256.is_(None))
        )
        for entry, sha in driver_rows(self.session.connection(), query):
            self.report.add(
                Problem(
                    FindingKind.STRAY_ROWS,
                    "entry {entry} is backed by voucher {sha256}, which has no voucher row",
                    {"entry": str(entry), "sha256": _key(sha)},
                ),
                entry=entry if type(entry) is int else None,
                kind=VOUCHER_KIND,
                key=_key(sha),
                field="sha256",
            )
