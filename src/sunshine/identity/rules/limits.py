"""How often someone may try to log in or ask for a code: the arithmetic, pure.

`wait_before_next` answers sliding-window limits (one-time code requests, failures from
one address); `backoff` is the growing pause after failed logins. The rules that use
them, and why they cannot lock an owner out, are in identity/service/throttle.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` tries in any span of `per` (a sliding window)."""

    count: int
    per: timedelta


def wait_before_next(
    times: Iterable[datetime], limits: Iterable[Limit], now: datetime
) -> timedelta:
    """How long from `now` until one more try fits every limit, given the earlier tries' times.

    Zero when it fits now. A limit is full when `count` tries lie in the last `per`; it
    has room again once the oldest try that must leave the window has left it.
    """
    earlier = sorted(times)
    wait = timedelta(0)
    for limit in limits:
        recent = [at for at in earlier if at > now - limit.per]
        if len(recent) >= limit.count:
            leaves = recent[len(recent) - limit.count] + limit.per
            wait = max(wait, leaves - now)
    return wait


def backoff(failures: int, *, free: int, base: timedelta, cap: timedelta) -> timedelta:
    """The pause after `failures` consecutive failed logins.

    None before the `free`-th failure, which earns `base`; each one after it earns twice
    the pause before, up to `cap`: with free=5, one minute and a cap of one hour, the 5th
    to 12th failures earn 1, 2, 4, 8, 16, 32, 60 and 60 minutes.
    """
    if failures < free:
        return timedelta(0)
    return min(cap, base * (1 << min(failures - free, 32)))
