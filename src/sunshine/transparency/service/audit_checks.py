"""Transparency's own audit check of logged rows: the committee's co-signing keys.

The log checks itself in `audit` (leaves, subtrees, checkpoints, co-signatures); this
module stands behind the key changes that `service/keys.py` logs. From each committee
key's row it derives the records its life should have left (added, then confirmed and
retired if the row says so) and pairs them with those logged, so a key slipped into the
table, given to another member, or marked confirmed behind the app's back is named.
The platform's key is logged by what it signs; its row must belong to no member.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra.bulk import community_ids
from sunshine.infra.bulk import driver_rows
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.transparency.models import SigningKey
from sunshine.transparency.rules import records as rules
from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import register
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import Odd
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import shown
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import whole_or_none
from sunshine.transparency.service.keys import KEY_ADDED
from sunshine.transparency.service.keys import KEY_CONFIRMED
from sunshine.transparency.service.keys import KEY_RETIRED
from sunshine.transparency.service.log import COMMITTEE

KEYS = "transparency.keys"
_K = SigningKey.__table__.c


def _public(name: object, key: object) -> str | Odd:
    if type(name) is not str or not isinstance(key, bytes | bytearray | memoryview):
        return odd(key)
    try:
        return rules.PublicKey(name, bytes(key)).text()
    except Invalid:
        return odd(key)


class KeyAudit(RowRecords):
    """Committee keys' rows against their key records (module doc)."""

    def __init__(self, session: Session, community_id: int, report: AuditReport) -> None:
        self.platform_members: list[tuple[str, object]] = []
        derived = self._derived(session, community_id)
        super().__init__(
            report,
            KEYS,
            derived,
            key_of=lambda r: f"{r['key']}/{r['event']}",
            ref_of=lambda r: str(r["key"]),
        )
        for name, member in self.platform_members:
            report.add(
                Problem(
                    FindingKind.CHANGED,
                    "the platform key {key} belongs to member {member} in the database;"
                    " a platform key belongs to no member",
                    {"key": name, "member": shown(member)},
                ),
                kind=KEYS,
                key=name,
                field="member_id",
            )

    def _derived(self, session: Session, community_id: int) -> list[Derived]:
        query = select(
            _K.name, _K.role, _K.public_key, _K.member_id, _K.confirmed_at, _K.retired_at
        ).where(_K.community_id == community_id)
        found = []
        for name, role, key, member, confirmed, retired in driver_rows(session.connection(), query):
            label = name if type(name) is str else shown(odd(name))
            if role != COMMITTEE:
                if member is not None:
                    self.platform_members.append((label, odd(member)))
                continue
            added = {"event": "added", "key": text(name), "public_key": _public(name, key)}
            found.append(Derived(f"{label}/added", {**added, "member": whole_or_none(member)}))
            for event, at in (("confirmed", confirmed), ("retired", retired)):
                if at is not None:
                    found.append(Derived(f"{label}/{event}", {"event": event, "key": text(name)}))
        return found


def _with_keys(session: Session) -> set[int]:
    return community_ids(session, [SigningKey.__table__])


register(
    AuditCheck(
        name=KEYS,
        kinds=(KEY_ADDED, KEY_CONFIRMED, KEY_RETIRED),
        tables=(SigningKey.__tablename__,),
        rows=KeyAudit,
        communities=_with_keys,
    )
)
