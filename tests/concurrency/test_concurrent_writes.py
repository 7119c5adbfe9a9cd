"""Many truly concurrent writes of each kind at a real server: no 5xx, and the books stay whole.

Issue 11 saw, on SQLite, one HTTP 500 ("database is locked") in each of ten rounds of two
simultaneous bookings, and 45 of 50 bookings, 9 of 10 notice publications, 14 of 20
reversals, 14 of 20 voucher uploads, 26 of 30 budget comments and 55 of 60 wrong
passwords fail the same way. Each burst here fires that many requests at once at
`sunshine serve` (a process of its own, on a demo database of its own: a SQLite file, or
a fresh database on the test run's PostgreSQL) and then checks the database behind it.
About 15 s per database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.concurrency.live import Site
from tests.concurrency.live import demo_site
from tests.concurrency.scenarios import Books
from tests.concurrency.scenarios import Burst
from tests.concurrency.scenarios import Runner
from tests.concurrency.scenarios import problems
from tests.concurrency.scenarios import replays
from tests.concurrency.scenarios import run_in_own_loop
from tests.concurrency.scenarios import table
from tests.conftest import DATABASES
from tests.demo_copies import DemoCopies

pytestmark = pytest.mark.db
OTHER_MONTHS = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]


@pytest.fixture(params=DATABASES)
def site(request: pytest.FixtureRequest, demo_copies: DemoCopies) -> Iterator[Site]:
    postgres = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    with demo_site(request.param, postgres_url=postgres, copies=demo_copies) as served:
        yield served


async def _every_kind(runner: Runner) -> dict[str, Burst]:
    budget_id = await runner.open_budget("2025-09")
    pairs = [await Runner(runner.site, f"pair {n}", runner.bursts).bookings(2) for n in range(10)]
    uploads = await runner.uploads(20, same=5)
    return {
        "pairs": Burst("booking", [r for pair in pairs for r in pair.responses]),
        "booking": await runner.bookings(50),
        "reversal": await runner.reversals(20),
        "same month": await runner.publications(10, "2025-09"),
        "other months": await runner.publications_of(OTHER_MONTHS),
        "upload": uploads,
        "public copy": await runner.public_copies(10, uploads.accepted()[0].json()["sha256"]),
        "opening": await runner.openings(20, uploads.accepted()[-1].json()["sha256"]),
        "comment": await runner.comments(30, budget_id),
        "login": await runner.wrong_logins(60),
    }


def test_concurrent_writes_of_every_kind_get_no_5xx_and_leave_the_books_whole(site: Site) -> None:
    before = Books.read(site.database_url)
    runner = Runner(site, tag="burst")

    burst = run_in_own_loop(_every_kind(runner))

    figures = f"{table(runner.bursts)}\nreplayed: {dict(replays(site))}"
    assert [error for b in runner.bursts for error in b.server_errors()] == [], figures
    assert "Traceback" not in site.log_text()
    assert "integrity error" not in site.log_text()  # every refusal the service's own
    assert problems(site.database_url, before, runner.bursts) == []
    assert burst["pairs"].statuses == {201: 20}  # two at once, ten times
    assert burst["booking"].statuses == {201: 50}
    assert burst["reversal"].statuses == {201: 1, 409: 19}
    assert burst["same month"].statuses[201] == 1
    assert burst["other months"].statuses == {201: len(OTHER_MONTHS)}
    assert burst["upload"].statuses == {201: 25}
    assert len({r.json()["sha256"] for r in burst["upload"].responses}) == 21
    assert burst["public copy"].statuses == {200: 1, 409: 9}
    assert burst["opening"].statuses == {200: 20}
    assert burst["comment"].statuses == {201: 30}
    assert all(400 <= status < 500 for status in burst["login"].statuses)
