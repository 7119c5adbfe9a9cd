"""Voucher files: check the bytes, keep them once under their SHA-256, read them back.

A file lives at `var_dir/vouchers/<sha[:2]>/<sha>`, written atomically (a temporary file
in the same folder, then a rename), and never rewritten: the same bytes uploaded again,
in any community, are the same file. Who may see a file is decided by the rows in
`vouchers.py`: a community reaches a file only through its own `ledger_voucher` row,
and every opening of an original is logged there. The redacted public copy is stored
the same way and named on the original's row (set once, and written to the public log).

The checks come before anything is written, so a refused file leaves no file and no
row. A file written for an upload whose transaction later rolls back stays on disk: it
is harmless (unreachable without a row) and is reused if the same bytes come again.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import Voucher
from sunshine.ledger.rules.voucher_files import is_sha256_hex
from sunshine.ledger.rules.voucher_files import sha256_hex
from sunshine.ledger.rules.voucher_files import sniff_media_type
from sunshine.ledger.service.vouchers import get_voucher
from sunshine.ledger.service.vouchers import record_voucher_access
from sunshine.ledger.service.vouchers import register_voucher
from sunshine.ledger.service.vouchers import set_public_copy

log = logging.getLogger(__name__)
_MIB = 2**20


def voucher_max_bytes() -> int:
    """The largest file accepted (setting SUNSHINE_VOUCHER_MAX_BYTES, 10 MiB by default)."""
    return get_settings().voucher_max_bytes


def check_voucher_file(data: bytes) -> str:
    """Refuse an empty or too large file, or one that is not JPEG, PNG or PDF; its media type."""
    if not data:
        raise Invalid("the file is empty")
    limit = voucher_max_bytes()
    if len(data) > limit:
        raise Invalid(
            "the file is larger than the limit of {limit} MB", args={"limit": f"{limit / _MIB:g}"}
        )
    return sniff_media_type(data)


def store_voucher(
    session: Session, community_id: int, data: bytes, *, name: str, actor_id: int | None
) -> Voucher:
    """Check and keep an uploaded voucher; the same bytes again return the first record."""
    media_type = check_voucher_file(data)
    sha256 = sha256_hex(data)
    _keep(sha256, data)
    return register_voucher(
        session,
        community_id,
        sha256=sha256,
        media_type=media_type,
        size_bytes=len(data),
        original_name=name,
        actor_id=actor_id,
    )


def store_public_copy(
    session: Session, community_id: int, sha256: str, data: bytes, *, actor_id: int | None
) -> Voucher:
    """Keep the redacted copy owners see and name it on the voucher (once; logged publicly)."""
    voucher = get_voucher(session, community_id, sha256)
    if voucher.public_sha256 is not None:
        raise Conflict("voucher {sha256} already has a public copy", args={"sha256": sha256})
    check_voucher_file(data)
    public_sha256 = sha256_hex(data)
    if public_sha256 == sha256:
        raise Invalid("the public copy is the original itself: black out the personal data first")
    _keep(public_sha256, data)
    log.info("public copy %s of voucher %s by user %s", public_sha256, sha256, actor_id)
    return set_public_copy(session, community_id, sha256=sha256, public_sha256=public_sha256)


def publish_original(
    session: Session, community_id: int, sha256: str, *, actor_id: int | None
) -> Voucher:
    """Show owners the original as it is: staff state that it holds no personal data.

    A company's invoice or a utility bill names no private person; blacking out nothing
    would only add work. The choice is public: the log's public-copy record then names
    the original's own hash, so anyone can see that the original itself was published.
    """
    voucher = get_voucher(session, community_id, sha256)
    if voucher.public_sha256 is not None:
        raise Conflict("voucher {sha256} already has a public copy", args={"sha256": sha256})
    log.info("voucher %s published as it is by user %s", sha256, actor_id)
    return set_public_copy(session, community_id, sha256=sha256, public_sha256=sha256)


def voucher_bytes(sha256: str) -> bytes:
    """The stored file with this hash. NotFound if it is missing or no longer matches its hash."""
    if not is_sha256_hex(sha256):
        raise NotFound("voucher {sha256} was not uploaded", args={"sha256": sha256[:80]})
    try:
        data = _path(sha256).read_bytes()
    except FileNotFoundError:
        raise NotFound(
            "the file of voucher {sha256} is missing from the store", args={"sha256": sha256}
        ) from None
    if sha256_hex(data) != sha256:
        # Changed on disk behind the app's back: never serve it as the voucher.
        log.error("voucher file %s does not match its hash", sha256)
        raise NotFound(
            "the file of voucher {sha256} is damaged in the store", args={"sha256": sha256}
        )
    return data


def open_original(
    session: Session, community_id: int, sha256: str, *, user_id: int
) -> tuple[bytes, str]:
    """The original's bytes and media type; the opening is logged (LAW.md 3)."""
    voucher = get_voucher(session, community_id, sha256)
    data = voucher_bytes(sha256)
    record_voucher_access(session, community_id, sha256=sha256, user_id=user_id)
    return data, voucher.media_type


def open_public_copy(session: Session, community_id: int, sha256: str) -> tuple[bytes, str]:
    """The redacted copy's bytes and media type. NotFound if the voucher has none yet."""
    voucher = get_voucher(session, community_id, sha256)
    if voucher.public_sha256 is None:
        raise NotFound("voucher {sha256} has no public copy yet", args={"sha256": sha256})
    data = voucher_bytes(voucher.public_sha256)
    return data, sniff_media_type(data)


def voucher_entries(session: Session, community_id: int, sha256: str) -> list[int]:
    """The numbers of the entries this voucher backs, in order."""
    return list(
        session.scalars(
            select(EntryVoucher.entry_id)
            .where(EntryVoucher.community_id == community_id, EntryVoucher.sha256 == sha256)
            .order_by(EntryVoucher.entry_id)
        )
    )


def _path(sha256: str) -> Path:
    return get_settings().var_dir / "vouchers" / sha256[:2] / sha256


def _keep(sha256: str, data: bytes) -> None:
    """Write the file once, atomically: readers see the whole file or none."""
    path = _path(sha256)
    if path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the rename
        dir=path.parent, prefix=".incoming-", delete=False
    )
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)  # atomic on one file system
    finally:
        temporary.unlink(missing_ok=True)  # gone after the rename; left only by a failure
