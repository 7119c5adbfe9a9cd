"""Use cases for people who log in: users, roles, sessions, one-time codes, rate limits, access.

Functions take an open Session and never commit. Secrets are kept only as hashes:
passwords with argon2, session tokens with SHA-256 (long random values), login codes
with HMAC-SHA256 under the server's secret (infra/secrets.py): a code has only a
million values, so a hash anyone could compute would give it away.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.identity.models import LoginCode
from sunshine.identity.models import Membership
from sunshine.identity.models import User
from sunshine.identity.models import WebSession
from sunshine.identity.rules import Role
from sunshine.identity.service import throttle
from sunshine.identity.service.senders import CodeSender
from sunshine.infra import clock
from sunshine.infra.secrets import server_secret
from sunshine.infra.settings import get_settings
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("no such user: this hash only spends the same time")
CODE_MINUTES = 10
CODE_MAX_TRIES = 5
MIN_PASSWORD = 8
SUBJECT_LENGTH = throttle.SUBJECT_LENGTH  # identity_login_attempt.subject


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- users and roles -------------------------------------------------------


def add_user(
    session: Session,
    *,
    display_name: str,
    username: str | None = None,
    phone: str | None = None,
    password: str | None = None,
    global_role: Role | None = None,
) -> User:
    """Create a user who logs in by username + password, by phone + code, or both."""
    problems: list[Problem] = []
    if not display_name.strip():
        problems.append(Problem("name_empty", "the name is empty", where="display_name"))
    if not username and not phone:
        problems.append(Problem("no_login", "give a username or a phone number", where="username"))
    if username and password is None:
        problems.append(
            Problem("password_missing", "a username needs a password", where="password")
        )
    if password is not None and len(password) < MIN_PASSWORD:
        problems.append(
            Problem(
                "password_short",
                "the password needs at least {n} characters",
                {"n": MIN_PASSWORD},
                "password",
            )
        )
    if username and find_user_by_username(session, username):
        problems.append(
            Problem(
                "username_taken",
                "the username {username} is taken",
                {"username": username},
                "username",
            )
        )
    if phone and find_user_by_phone(session, phone):
        problems.append(
            Problem(
                "phone_taken",
                "the phone number {phone} already has an account",
                {"phone": phone},
                "phone",
            )
        )
    if problems:
        raise Invalid("the user was not added", problems=problems)
    user = User(
        display_name=display_name.strip(),
        username=username or None,
        phone=phone or None,
        password_hash=_hasher.hash(password) if password else None,
        global_role=global_role,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


def find_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def find_user_by_phone(session: Session, phone: str) -> User | None:
    return session.scalar(select(User).where(User.phone == phone))


def get_user(session: Session, user_id: int) -> User:
    """The user with this id. Raises NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user {id} does not exist", args={"id": user_id})
    return user


def grant_role(session: Session, *, user_id: int, community_id: int, role: Role) -> Membership:
    """Give `user_id` a role in one community; granting it again changes nothing."""
    if role in (Role.CITY_SUPERVISOR, Role.PLATFORM_ADMIN):
        raise Invalid(
            "the role {role} is city-wide; set it on the user instead", args={"role": role.value}
        )
    existing = session.get(Membership, (community_id, user_id, role))
    if existing is not None:
        return existing
    membership = Membership(
        community_id=community_id, user_id=user_id, role=role, granted_at=clock.now()
    )
    session.add(membership)
    session.flush()
    # Ids only: who holds a role is not published, and a name is personal data (LAW.md 3).
    log.info("role %s granted to user %d in community %d", role.value, user_id, community_id)
    return membership


def revoke_role(session: Session, *, user_id: int, community_id: int, role: Role) -> None:
    """Take a role away; taking away a role that is not held is a no-op."""
    held = session.get(Membership, (community_id, user_id, role))
    if held is None:
        return
    session.delete(held)
    session.flush()
    log.info("role %s revoked from user %d in community %d", role.value, user_id, community_id)


def roles_of(session: Session, user_id: int) -> dict[int, frozenset[str]]:
    """The user's roles by community id."""
    result: dict[int, set[str]] = {}
    for membership in session.scalars(select(Membership).where(Membership.user_id == user_id)):
        result.setdefault(membership.community_id, set()).add(membership.role.value)
    return {community: frozenset(roles) for community, roles in result.items()}


def holders_of(session: Session, community_ids: Iterable[int], role: Role) -> frozenset[int]:
    """The users who hold `role` in any of the communities (user ids)."""
    ids = list(community_ids)
    if not ids:
        return frozenset()
    query = select(Membership.user_id).where(
        Membership.community_id.in_(ids), Membership.role == role
    )
    return frozenset(session.scalars(query))


def list_members(session: Session, community_id: int) -> list[tuple[User, Role]]:
    """Everyone with a role in the community, with that role."""
    query = (
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community_id)
        .order_by(Membership.role, User.display_name)
    )
    return [(user, role) for user, role in session.execute(query)]


# --- sessions --------------------------------------------------------------


def start_session(session: Session, *, user_id: int) -> str:
    """Open a login session and return its token (the cookie value); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        WebSession(
            token_hash=_sha256(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
        )
    )
    session.flush()
    return token


def end_session(session: Session, token: str) -> None:
    """Log out: the token stops working at once."""
    row = session.get(WebSession, _sha256(token))
    if row is not None and row.ended_at is None:
        row.ended_at = clock.now()
        session.flush()


def viewer_for_token(session: Session, token: str) -> Viewer | None:
    """The viewer behind a session cookie, or None if it is unknown, ended, expired or inactive."""
    token_hash = _sha256(token)
    row = session.get(WebSession, token_hash)
    if row is None or row.ended_at is not None or row.expires_at <= clock.now():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return _viewer(session, user, session_token_hash=token_hash)


def acting_user(session: Session, username: str) -> Viewer:
    """The active user with this username, as a viewer: for a command that names who acts.

    Operators at the command line name the person a step is recorded for (`sunshine ledger
    close --countersigned-by NAME`); that person's roles are checked as the page checks
    the logged-in viewer's. Raises NotFound.
    """
    user = find_user_by_username(session, username)
    if user is None or not user.is_active:
        raise NotFound("there is no active user {username}", args={"username": username})
    return _viewer(session, user)


def _viewer(session: Session, user: User, *, session_token_hash: str = "") -> Viewer:
    global_roles = frozenset({user.global_role.value}) if user.global_role else frozenset()
    return Viewer(
        user_id=user.id,
        display_name=user.display_name,
        roles=roles_of(session, user.id),
        global_roles=global_roles,
        session_token_hash=session_token_hash,
    )


# --- logging in ------------------------------------------------------------
# How often each may be tried (the rules, and why they cannot lock an owner out): throttle.py.


def login_with_password(session: Session, *, username: str, password: str, client: str) -> User:
    """Check a staff login. Every failure says the same thing, so usernames cannot be probed.

    The caller commits even when this raises Invalid, so that the failed attempt is
    counted (see identity/pages/login.py); Throttled means it was not tried at all.
    """
    now = clock.now()
    guard = throttle.check_login(session, subject=username, client=client, now=now)
    user = find_user_by_username(session, username)
    stored = user.password_hash if user is not None else None
    # Hash against a dummy when there is no such user, so timing does not reveal usernames.
    matches = _password_matches(stored or _DUMMY_HASH, password)
    ok = user is not None and user.is_active and stored is not None and matches
    throttle.record_login(session, guard, succeeded=ok, now=now)
    if not ok or user is None:
        raise Invalid("wrong username or password")
    return user


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _code_hash(phone: str, code: str) -> str:
    """A code's keyed hash: without the server's secret, a stolen table does not give codes."""
    return hmac.new(server_secret(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def send_login_code(session: Session, *, phone: str, client: str, sender: CodeSender) -> None:
    """Send a one-time code to a phone that belongs to an account.

    Unknown phones get no code but the same answer, and count toward the same limits,
    so the form does not reveal who lives in the community. Throttled when asked for
    too often (the caller commits nothing then; the request was not counted).
    """
    now = clock.now()
    throttle.count_code_request(session, phone=phone, client=client, now=now)
    user = find_user_by_phone(session, phone)
    if user is None or not user.is_active:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        LoginCode(
            phone=phone,
            code_hash=_code_hash(phone, code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    )
    session.flush()
    sender.send(phone, code)


def login_with_code(session: Session, *, phone: str, code: str, client: str) -> User:
    """Check a phone login code: the newest unused, unexpired one, at most five tries."""
    now = clock.now()
    guard = throttle.check_login(session, subject=phone, client=client, now=now)
    row = session.scalar(
        select(LoginCode)
        .where(LoginCode.phone == phone, LoginCode.used_at.is_(None), LoginCode.expires_at > now)
        .order_by(LoginCode.id.desc())
        .limit(1)
        .with_for_update()  # two tries at once are two of its five
    )
    user = find_user_by_phone(session, phone)
    ok = (
        row is not None
        and user is not None
        and user.is_active
        and row.tries < CODE_MAX_TRIES
        and hmac.compare_digest(row.code_hash, _code_hash(phone, code.strip()))
    )
    if row is not None:
        row.tries += 1
        if ok:
            row.used_at = now
    throttle.record_login(session, guard, succeeded=ok, now=now)
    if not ok or user is None:
        raise Invalid("the code is wrong or has expired; ask for a new one")
    return user


def set_password(session: Session, *, user_id: int, password: str) -> None:
    """Replace a user's password."""
    if len(password) < MIN_PASSWORD:
        raise Invalid("the password needs at least {n} characters", args={"n": MIN_PASSWORD})
    user = get_user(session, user_id)
    user.password_hash = _hasher.hash(password)
    if user.username:
        throttle.forget_failures(session, user.username)  # a reset ends any lockout
    session.flush()


def users_by_ids(session: Session, ids: Iterable[int]) -> dict[int, User]:
    """Users by id, for lists that show who did what."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(wanted)))}
