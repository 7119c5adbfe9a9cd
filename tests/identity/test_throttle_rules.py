"""The arithmetic of the limits (identity.rules): sliding windows and the growing pause. Pure."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from sunshine.identity.rules import Limit
from sunshine.identity.rules import backoff
from sunshine.identity.rules import wait_before_next

NOW = datetime(2024, 10, 8, 6, 0, tzinfo=UTC)
CODES = [
    Limit(1, timedelta(minutes=1)),
    Limit(10, timedelta(hours=1)),
    Limit(20, timedelta(days=1)),
]
earlier = st.lists(
    st.integers(min_value=0, max_value=2 * 86_400).map(lambda s: NOW - timedelta(seconds=s)),
    max_size=40,
)


def _fits(times: list[datetime], at: datetime) -> bool:
    """Whether one more try at `at` keeps every limit: counted the slow, obvious way."""
    return all(sum(1 for t in times if at - limit.per < t <= at) < limit.count for limit in CODES)


@given(earlier)
def test_after_the_wait_one_more_try_fits_and_not_a_moment_before(times: list[datetime]) -> None:
    wait = wait_before_next(times, CODES, NOW)

    assert wait >= timedelta(0)
    assert _fits(times, NOW + wait)
    if wait:
        assert not _fits(times, NOW + wait - timedelta(microseconds=1))


def test_a_try_a_minute_ago_means_waiting_out_the_minute() -> None:
    assert wait_before_next([NOW - timedelta(seconds=20)], CODES, NOW) == timedelta(seconds=40)
    assert wait_before_next([NOW - timedelta(seconds=60)], CODES, NOW) == timedelta(0)
    assert wait_before_next([], CODES, NOW) == timedelta(0)


@given(st.integers(min_value=0, max_value=10_000))
def test_the_pause_never_shrinks_and_never_passes_the_cap(failures: int) -> None:
    pause = backoff(failures, free=5, base=timedelta(minutes=1), cap=timedelta(hours=1))
    following = backoff(failures + 1, free=5, base=timedelta(minutes=1), cap=timedelta(hours=1))

    assert timedelta(0) <= pause <= following <= timedelta(hours=1)


def test_the_pause_starts_at_the_fifth_failure_and_doubles() -> None:
    minutes = [
        backoff(n, free=5, base=timedelta(minutes=1), cap=timedelta(hours=1)) / timedelta(minutes=1)
        for n in range(1, 13)
    ]

    assert minutes == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
