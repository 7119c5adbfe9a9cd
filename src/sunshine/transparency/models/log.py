"""Tables of the per-community transparency log: records, stored subtree hashes, checkpoints, keys.

Append-only: database triggers refuse UPDATE and DELETE on records and nodes (see the
migration), so a change behind the app's back has to rewrite the tables wholesale,
which `sunshine audit` and any owner's saved checkpoint then expose.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.infra.db import Base
from sunshine.infra.db import audited_by
from sunshine.infra.db import unlogged


class LogRecord(Base):
    """Leaf `seq` (0-based) of a community's tree: a canonical JSON record and its leaf hash."""

    __tablename__ = "transparency_record"
    __audit__ = audited_by("transparency.log")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))  # "ledger.entry", "ledger.voucher", "notice" …
    ref: Mapped[str] = mapped_column(String(64), default="")  # what it records, e.g. entry number
    body: Mapped[bytes] = mapped_column(LargeBinary)  # canonical JSON, UTF-8
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    appended_at: Mapped[datetime] = mapped_column(info=unlogged("outside the hashed body"))


class LogNode(Base):
    """The hash of a complete, aligned subtree: leaves [index·2^level, (index+1)·2^level).

    Stored from level 4 (16 leaves) up; smaller subtrees are rehashed from their leaves.

    Written once, when the subtree completes, so roots and proofs of a million-leaf tree
    need only about log2(n) primary-key reads.
    """

    __tablename__ = "transparency_node"
    __audit__ = audited_by("transparency.log")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column("idx", primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class Checkpoint(Base):
    """A signed statement of the tree's size and root at a moment (a signed note)."""

    __tablename__ = "transparency_checkpoint"
    __audit__ = audited_by(
        "transparency.log",
        rows_unlogged="which checkpoints exist is not logged: owners keep those they saw",
    )

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    tree_size: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)  # the signed note with the platform signature
    created_at: Mapped[datetime]


class SigningKey(Base):
    """A public key that signs or co-signs this community's checkpoints.

    The platform's private key for the community is kept outside the database (a file
    under var/keys, mode 0600); a committee member's private key never reaches the server.
    """

    __tablename__ = "transparency_key"
    __audit__ = audited_by(
        "transparency.log",
        "transparency.keys",
        rows_unlogged="the platform's key is not logged: it signs every checkpoint instead",
    )

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))  # "platform" or "committee"
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    added_at: Mapped[datetime] = mapped_column(info=unlogged("not signed"))
    retired_at: Mapped[datetime | None] = mapped_column(info=unlogged("logged as an event"))
    # A committee key belongs to a member (identity_user.id; none for the platform's) and
    # counts once another member or the manager confirmed it (service/keys.py).
    member_id: Mapped[int | None]
    device: Mapped[str] = mapped_column(
        String(80), default="", server_default="", info=unlogged("the member's own label")
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(info=unlogged("logged as an event"))
    confirmed_by: Mapped[int | None] = mapped_column(info=unlogged("who, not what"))


class Cosignature(Base):
    """A committee member's signature over a checkpoint's note, made offline with their own key."""

    __tablename__ = "transparency_cosignature"
    __audit__ = audited_by(
        "transparency.log",
        rows_unlogged="a co-signature is verified, but which exist is not logged",
    )

    community_id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    key_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    signature_line: Mapped[str] = mapped_column(Text)  # "— name base64(keyid || signature)"
    created_at: Mapped[datetime] = mapped_column(info=unlogged("not signed"))

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "tree_size"],
            ["transparency_checkpoint.community_id", "transparency_checkpoint.tree_size"],
        ),
    )
