"""Vouchers as ledger rows: register an uploaded file's hash, link it, log who opened it.

Storing the bytes, sniffing their type and making the redacted public copy belong to
the upload code; it calls these once the file is stored under its SHA-256. Every link
goes to the transparency log (`ledger.voucher` records carry hashes, never names).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import Voucher
from sunshine.ledger.models import VoucherAccess
from sunshine.ledger.service.entries import get_entry
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import LogKind

VOUCHER_KIND = LogKind("ledger.voucher")
PUBLIC_COPY_KIND = LogKind("ledger.voucher_public_copy")
_HEX = frozenset("0123456789abcdef")


def _check_hash(value: str) -> None:
    if len(value) != 64 or not set(value) <= _HEX:
        raise Invalid("{sha256} is not a SHA-256 in hex", args={"sha256": value[:80]})


def register_voucher(
    session: Session,
    community_id: int,
    *,
    sha256: str,
    media_type: str,
    size_bytes: int,
    original_name: str,
    actor_id: int | None,
) -> Voucher:
    """Record a stored file; the same bytes again return the first record (kept once)."""
    _check_hash(sha256)
    existing = session.get(Voucher, (community_id, sha256))
    if existing is not None:
        return existing
    voucher = Voucher(
        community_id=community_id,
        sha256=sha256,
        media_type=media_type,
        size_bytes=size_bytes,
        original_name=original_name[:255],
        uploaded_at=clock.now(),
        uploaded_by=actor_id,
    )
    session.add(voucher)
    session.flush()
    return voucher


def get_voucher(session: Session, community_id: int, sha256: str) -> Voucher:
    voucher = session.get(Voucher, (community_id, sha256))
    if voucher is None:
        raise NotFound("voucher {sha256} was not uploaded", args={"sha256": sha256[:80]})
    return voucher


def list_vouchers(session: Session, community_id: int) -> list[Voucher]:
    """Every voucher of the community, oldest first."""
    return list(
        session.scalars(
            select(Voucher)
            .where(Voucher.community_id == community_id)
            .order_by(Voucher.uploaded_at, Voucher.sha256)
        )
    )


def set_public_copy(
    session: Session, community_id: int, *, sha256: str, public_sha256: str
) -> Voucher:
    """Name the redacted copy owners see. Set once: the database refuses a second change."""
    _check_hash(public_sha256)
    # Locked and read afresh: of two copies sent at once, the second waits for the first
    # and is refused here, not by the database's guard (PostgreSQL; SQLite has one writer).
    voucher = session.scalars(
        select(Voucher)
        .where(Voucher.community_id == community_id, Voucher.sha256 == sha256)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if voucher is None:
        raise NotFound("voucher {sha256} was not uploaded", args={"sha256": sha256})
    if voucher.public_sha256 is not None:
        raise Conflict("voucher {sha256} already has a public copy", args={"sha256": sha256})
    voucher.public_sha256 = public_sha256
    session.flush()
    record = {"sha256": sha256, "public_sha256": public_sha256}
    transparency.append(session, community_id, kind=PUBLIC_COPY_KIND, record=record, ref=sha256)
    return voucher


def attach_voucher(
    session: Session, community_id: int, *, entry_id: int, sha256: str
) -> EntryVoucher:
    """Link an uploaded voucher to a posted entry, and log the link."""
    get_entry(session, community_id, entry_id)
    voucher = get_voucher(session, community_id, sha256)
    if session.get(EntryVoucher, (community_id, entry_id, sha256)) is not None:
        raise Conflict(
            "voucher {sha256} already backs entry {number}",
            args={"sha256": sha256, "number": entry_id},
        )
    link = EntryVoucher(
        community_id=community_id,
        entry_id=entry_id,
        sha256=sha256,
        attached_at=clock.now(),
        with_entry=False,
    )
    session.add(link)
    session.flush()
    record = {"entry": entry_id, "sha256": sha256, "media_type": voucher.media_type}
    transparency.append(session, community_id, kind=VOUCHER_KIND, record=record, ref=str(entry_id))
    return link


def record_voucher_access(
    session: Session, community_id: int, *, sha256: str, user_id: int
) -> VoucherAccess:
    """Log that `user_id` opened the original (not the public copy) of a voucher."""
    get_voucher(session, community_id, sha256)
    access = VoucherAccess(
        community_id=community_id, sha256=sha256, user_id=user_id, opened_at=clock.now()
    )
    session.add(access)
    session.flush()
    return access


def voucher_accesses(session: Session, community_id: int, sha256: str) -> list[VoucherAccess]:
    return list(
        session.scalars(
            select(VoucherAccess)
            .where(VoucherAccess.community_id == community_id, VoucherAccess.sha256 == sha256)
            .order_by(VoucherAccess.opened_at, VoucherAccess.id)
        )
    )


def vouchers_without_public_copy(
    session: Session, community_id: int, hashes: Iterable[str]
) -> list[str]:
    """Those of `hashes` (in their order, once each) whose voucher has no public copy yet.

    A hash the community has no voucher for is left out: it is not a voucher of its own.
    """
    wanted = list(dict.fromkeys(hashes))
    if not wanted:
        return []
    pending = set(
        session.scalars(
            select(Voucher.sha256).where(
                Voucher.community_id == community_id,
                Voucher.sha256.in_(wanted),
                Voucher.public_sha256.is_(None),
            )
        )
    )
    return [sha for sha in wanted if sha in pending]


def community_accesses(
    session: Session, community_id: int, *, limit: int = 500
) -> list[VoucherAccess]:
    """The latest openings of any original in the community, newest first (at most `limit`)."""
    return list(
        session.scalars(
            select(VoucherAccess)
            .where(VoucherAccess.community_id == community_id)
            .order_by(VoucherAccess.opened_at.desc(), VoucherAccess.id.desc())
            .limit(limit)
        )
    )
