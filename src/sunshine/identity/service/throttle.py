"""How often someone may try to log in or ask for a code, and the bookkeeping behind it.

Logging in, by password or by one-time code (accounts.py calls `check_login` before
checking the secret and `record_login` after):

1. Per account and address pair. The `login_max_failures`-th failure in a row pauses the
   pair for `login_backoff_seconds`; each further failure doubles the pause, up to
   `login_backoff_max_minutes` (1, 2, 4 … 60 minutes). During a pause even the right
   password is refused. A success ends the run, and so does a day without a failure.
   Guessing one account from one address is thus slowed to about two dozen tries a day,
   and someone elsewhere cannot lock the owner's address out: their failures are theirs.
2. Per address, over all accounts: `login_max_failures_per_ip` failures within
   `login_window_minutes` pause the address (one password tried on many accounts).
3. Per account, from everywhere: past `login_account_ceiling` failures within the window
   (guessing from many addresses), addresses that have not logged in to the account
   within `login_known_days` share one try per `login_ceiling_seconds`.

Rules 2 and 3 do not apply to an address that has logged in to the account within
`login_known_days` (the owner's own); only rule 1 does, and only that address's own
failures feed it. So the ceiling slows a distributed guesser, and the owner on a new
device, but never locks the owner's own address out.

Codes sent: per phone number and per address, `code_per_phone_*` and `code_per_client_*`
a minute, an hour and a day (sliding windows), counted whether or not the phone has an
account, so the answer reveals nothing. Requests refused are not counted, so hammering
does not prolong the wait. An address that has logged in with the phone is counted on
its own for that phone, so strangers asking for codes do not use up the owner's.

Two requests at once: every check and its count happen in the transaction that has first
locked the guard rows concerned (`_hold`, an upsert: a row lock on PostgreSQL, the write
lock on SQLite), so sixty wrong passwords at once are counted one after another, and 150
requests for one phone at once send one code. Functions here never commit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta

from sqlalchemy import ColumnElement
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session

from sunshine.identity.models import CodeRequest
from sunshine.identity.models import LoginAttempt
from sunshine.identity.models import LoginGuard
from sunshine.identity.rules import Limit
from sunshine.identity.rules import backoff
from sunshine.identity.rules import wait_before_next
from sunshine.infra import clock
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Throttled

ANY = "*"  # the guard row of an account as a whole, or of an address as a whole
SUBJECT_LENGTH = 80  # identity_login_guard.subject, identity_login_attempt.subject
CLIENT_LENGTH = 64  # their client columns
PHONE_LENGTH = 20  # identity_code_request.phone


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    return message


FROM_HERE = N_(
    "too many failed logins from here; you may try again in {minutes} min, after {until}"
)
CEILING = N_(
    "this account has had many wrong passwords from elsewhere, so new devices are slowed "
    "down; you may try again in {minutes} min, after {until}, or from a device that has "
    "logged in to it before"
)
CODES = N_(
    "codes were asked for too often; you may ask for another in {minutes} min, after {until}"
)


def check_login(session: Session, *, subject: str, client: str, now: datetime) -> LoginGuard:
    """The locked guard of this account and address; Throttled if it may not try now."""
    settings = get_settings()
    guard = _hold(session, subject, client)
    if guard.locked_until is not None and guard.locked_until > now:
        raise _throttled(FROM_HERE, guard.locked_until - now, now)
    if _known(guard, now):
        return guard
    window = timedelta(minutes=settings.login_window_minutes)
    per_address = [Limit(settings.login_max_failures_per_ip, window)]
    by_address = _recent_times(
        session,
        LoginAttempt.at,
        LoginAttempt.client == guard.client,
        _failed(),
        keep=per_address,
        now=now,
    )
    if wait := wait_before_next(by_address, per_address, now):
        raise _throttled(FROM_HERE, wait, now)
    failures = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.subject == guard.subject, _failed(), LoginAttempt.at > now - window)
    )
    if (failures or 0) >= settings.login_account_ceiling:
        _take_the_strangers_turn(session, guard.subject, now)
    return guard


def record_login(session: Session, guard: LoginGuard, *, succeeded: bool, now: datetime) -> None:
    """Count a login that was tried: the attempt, and the pair's run of failures."""
    settings = get_settings()
    # Only the last window's attempts are ever counted: this account's and this address's
    # older ones go, so the table stays as small as one window's traffic.
    counted = timedelta(minutes=max(settings.login_window_minutes, 24 * 60))
    for mine in (LoginAttempt.subject == guard.subject, LoginAttempt.client == guard.client):
        session.execute(delete(LoginAttempt).where(mine, LoginAttempt.at <= now - counted))
    session.add(
        LoginAttempt(subject=guard.subject, client=guard.client, at=now, succeeded=succeeded)
    )
    if succeeded:
        guard.failures, guard.locked_until, guard.last_success_at = 0, None, now
    else:
        forgotten = now - timedelta(hours=settings.login_failures_forgotten_hours)
        in_a_row = guard.last_failure_at is not None and guard.last_failure_at > forgotten
        guard.failures = guard.failures + 1 if in_a_row else 1
        guard.last_failure_at = now
        pause = backoff(
            guard.failures,
            free=settings.login_max_failures,
            base=timedelta(seconds=settings.login_backoff_seconds),
            cap=timedelta(minutes=settings.login_backoff_max_minutes),
        )
        guard.locked_until = now + pause if pause else None
    session.flush()


def count_code_request(session: Session, *, phone: str, client: str, now: datetime) -> None:
    """Count a request for a code; Throttled (and not counted) when it is one too many."""
    phone, client = phone[:PHONE_LENGTH], client[:CLIENT_LENGTH]
    _hold(session, phone, ANY)  # phone first, then address: always in this order
    _hold(session, ANY, client)
    if wait := _wait_for_a_code(session, phone, client, now):
        raise _throttled(CODES, wait, now)
    yesterday = now - timedelta(days=1)
    for mine in (CodeRequest.phone == phone, CodeRequest.client == client):
        session.execute(delete(CodeRequest).where(mine, CodeRequest.requested_at <= yesterday))
    session.add(CodeRequest(phone=phone, client=client, requested_at=now))
    session.flush()


def _wait_for_a_code(session: Session, phone: str, client: str, now: datetime) -> timedelta:
    settings = get_settings()
    per_phone = _limits(
        settings.code_per_phone_minute, settings.code_per_phone_hour, settings.code_per_phone_day
    )
    per_client = _limits(
        settings.code_per_client_minute, settings.code_per_client_hour, settings.code_per_client_day
    )
    pair = session.get(LoginGuard, (phone, client))
    for_phone = [CodeRequest.phone == phone]
    if pair is not None and _known(pair, now):  # the owner's own count, apart from strangers'
        for_phone.append(CodeRequest.client == client)
    at = CodeRequest.requested_at
    by_phone = _recent_times(session, at, *for_phone, keep=per_phone, now=now)
    by_client = _recent_times(session, at, CodeRequest.client == client, keep=per_client, now=now)
    return max(
        wait_before_next(by_phone, per_phone, now), wait_before_next(by_client, per_client, now)
    )


def forget_failures(session: Session, subject: str) -> None:
    """End an account's runs of failures and pauses (its password was just reset).

    The addresses it logged in from stay known.
    """
    session.execute(
        update(LoginGuard)
        .where(LoginGuard.subject == subject[:SUBJECT_LENGTH])
        .values(failures=0, last_failure_at=None, locked_until=None)
    )


# --- helpers ---------------------------------------------------------------------------


def _hold(session: Session, subject: str, client: str) -> LoginGuard:
    """The guard row of `subject` and `client`, made if new and locked for this transaction."""
    subject, client = subject[:SUBJECT_LENGTH], client[:CLIENT_LENGTH]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(LoginGuard).values(subject=subject, client=client, failures=0)
    # Updating the row to itself takes its lock when it exists already.
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[LoginGuard.subject, LoginGuard.client],
            set_={"failures": LoginGuard.failures},
        )
    )
    guard = session.get(LoginGuard, (subject, client), populate_existing=True)
    assert guard is not None  # just upserted
    return guard


def _known(guard: LoginGuard, now: datetime) -> bool:
    """Whether this address logged in to this account lately: most likely its owner's."""
    days = get_settings().login_known_days
    return guard.last_success_at is not None and guard.last_success_at > now - timedelta(days=days)


def _failed() -> ColumnElement[bool]:
    return LoginAttempt.succeeded.is_(False)


def _recent_times(
    session: Session,
    at: InstrumentedAttribute[datetime],
    *where: ColumnElement[bool],
    keep: Sequence[Limit],
    now: datetime,
) -> list[datetime]:
    """The newest times that `keep`'s limits can look at (none is longer than a day)."""
    newest = max(limit.count for limit in keep)
    query = select(at).where(*where, at > now - timedelta(days=1)).order_by(at.desc()).limit(newest)
    return list(session.scalars(query))


def _limits(per_minute: int, per_hour: int, per_day: int) -> Sequence[Limit]:
    return [
        Limit(per_minute, timedelta(minutes=1)),
        Limit(per_hour, timedelta(hours=1)),
        Limit(per_day, timedelta(days=1)),
    ]


def _take_the_strangers_turn(session: Session, subject: str, now: datetime) -> None:
    """Over the ceiling: an unknown address tries only when the last one's turn is over."""
    account = _hold(session, subject, ANY)
    if account.locked_until is not None and account.locked_until > now:
        raise _throttled(CEILING, account.locked_until - now, now)
    account.locked_until = now + timedelta(seconds=get_settings().login_ceiling_seconds)
    session.flush()


def _throttled(message: str, wait: timedelta, now: datetime) -> Throttled:
    """The error, saying in minutes (rounded up) and by the clock when to try again."""
    until = clock.local(now + wait)
    if until.second or until.microsecond:  # "after 14:05" must not be a few seconds early
        until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)
    same_day = until.date() == clock.local(now).date()
    minutes = max(1, math.ceil(wait / timedelta(minutes=1)))
    shown = until.strftime("%H:%M" if same_day else "%m-%d %H:%M")
    return Throttled(message, retry_after=wait, args={"minutes": minutes, "until": shown})
