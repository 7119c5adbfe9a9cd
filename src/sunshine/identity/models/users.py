"""Tables for users, memberships, sessions, login codes, attempts and guards, and devices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.identity.rules import Role
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum


class User(Base):
    """Someone who logs in. Staff log in by username and password, owners and residents by phone."""

    __tablename__ = "identity_user"
    __audit__ = not_audited("personal data, which the log may never hold (LAW.md 3)")

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    username: Mapped[str | None] = mapped_column(String(40), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    global_role: Mapped[Role | None] = mapped_column(str_enum(Role))
    locale: Mapped[str] = mapped_column(String(8), default="zh_CN")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Membership(Base):
    """A role a user holds in one community."""

    __tablename__ = "identity_membership"
    __audit__ = not_audited("who holds which role is not published")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("identity_user.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)
    granted_at: Mapped[datetime]

    __table_args__ = (Index("ix_identity_membership_user", "user_id"),)


class WebSession(Base):
    """A server-side login session; the cookie carries the token, the table keeps its hash."""

    __tablename__ = "identity_session"
    __audit__ = not_audited("sign-in state")

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("identity_user.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class LoginCode(Base):
    """A one-time code sent to a phone. Only its keyed hash is kept (HMAC, infra/secrets.py)."""

    __tablename__ = "identity_login_code"
    __audit__ = not_audited("sign-in state")

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=0)


class LoginAttempt(Base):
    """One login try, kept for rate limiting by account/phone and by client address."""

    __tablename__ = "identity_login_attempt"
    __audit__ = not_audited("sign-in state")

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(80))  # username or phone
    client: Mapped[str] = mapped_column(String(64))  # client address
    at: Mapped[datetime]
    succeeded: Mapped[bool]

    __table_args__ = (
        Index("ix_identity_login_attempt_subject_at", "subject", "at"),
        Index("ix_identity_login_attempt_client_at", "client", "at"),
    )


class LoginGuard(Base):
    """How one address has fared logging in to one account: the state behind its backoff.

    `client` "*" is the account as a whole: its `locked_until` is when the next try from an
    unknown address may come while the account is over its ceiling (identity/service/throttle.py).
    INVARIANT: rows change only in a transaction that has locked them first (an upsert),
    so two logins at once count two failures.
    """

    __tablename__ = "identity_login_guard"
    __audit__ = not_audited("sign-in state")

    subject: Mapped[str] = mapped_column(String(80), primary_key=True)  # username or phone
    client: Mapped[str] = mapped_column(String(64), primary_key=True)  # address, or "*"
    failures: Mapped[int] = mapped_column(default=0)  # in a row, since the last success
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]


class CodeRequest(Base):
    """One one-time code asked for (sent or not: unknown phones are counted the same)."""

    __tablename__ = "identity_code_request"
    __audit__ = not_audited("sign-in state")

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    client: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_identity_code_request_phone_at", "phone", "requested_at"),
        Index("ix_identity_code_request_client_at", "client", "requested_at"),
    )


class DeviceCredential(TenantKeyed, Base):
    """A device of one community (gate camera, payment channel) that signs what it posts."""

    __tablename__ = "identity_device"
    __audit__ = not_audited("device credentials")

    key_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    secret: Mapped[str] = mapped_column(String(128))  # shared HMAC secret; shown once at creation
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("key_id"),)
