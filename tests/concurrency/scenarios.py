"""Bursts of truly concurrent writes of each kind at a live server, and what must hold after.

Each burst sends all its requests at once (asyncio, one connection each) and keeps every
response. `problems` then reads the database behind the server and names anything wrong:
an entry number or log index skipped or taken twice, an accepted write missing or stored
twice, two reversals of one entry, notice versions not one per accepted publication, a
voucher's public copy logged twice or not the one accepted, an opening sent but not logged.
Shared by tests/concurrency and bench/concurrency_soak.py; `tag` keeps rounds apart.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import TypeVar

import httpx
from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import BudgetComment
from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.infra.web import CSRF_COOKIE
from sunshine.infra.web import CSRF_HEADER
from sunshine.infra.web import SESSION_COOKIE
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Voucher
from sunshine.ledger.models import VoucherAccess
from sunshine.ledger.service.vouchers import PUBLIC_COPY_KIND
from sunshine.transparency.models import LogRecord
from tests.concurrency.live import Site

CODE = "jcdy"
LEDGER = f"/api/v1/communities/{CODE}/ledger"
NOTICES = f"/api/v1/communities/{CODE}/notices"
VOUCHERS = f"/api/v1/communities/{CODE}/vouchers"
BUDGETS = f"/api/v1/communities/{CODE}/budgets"
BOOKED_ON = "2025-09-15"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_CSRF = "concurrency-csrf"
T = TypeVar("T")


@dataclass
class Burst:
    """One kind of write fired all at once: every answer, and what it was aimed at."""

    kind: str
    responses: list[httpx.Response]
    target: Any = None
    seconds: float = 0.0

    @property
    def statuses(self) -> Counter[int]:
        return Counter(r.status_code for r in self.responses)

    def accepted(self) -> list[httpx.Response]:
        return [r for r in self.responses if r.status_code in (200, 201)]

    def server_errors(self) -> list[str]:
        return [f"{r.status_code} {r.text[:200]}" for r in self.responses if r.status_code >= 500]


@dataclass
class Runner:
    """Fires bursts at `site` as its roles; `tag` makes this round's writes recognisable."""

    site: Site
    tag: str
    bursts: list[Burst] = field(default_factory=list)

    def client(self, role: str | None) -> httpx.AsyncClient:
        cookies = {CSRF_COOKIE: _CSRF}
        if role is not None:
            cookies[SESSION_COOKIE] = self.site.tokens[role]
        return httpx.AsyncClient(
            base_url=self.site.url,
            cookies=cookies,
            headers={CSRF_HEADER: _CSRF},
            timeout=120,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=0),
        )

    async def fire(
        self,
        kind: str,
        role: str | None,
        count: int,
        request: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
        target: Any = None,
    ) -> Burst:
        async with self.client(role) as client:
            start = time.perf_counter()
            responses = await asyncio.gather(*(request(client, i) for i in range(count)))
        burst = Burst(kind, list(responses), target, time.perf_counter() - start)
        self.bursts.append(burst)
        return burst

    async def bookings(self, count: int) -> Burst:
        def book(client: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            return client.post(f"{LEDGER}/entries", json=entry(f"{self.tag} booking {i}"))

        return await self.fire("booking", "staff", count, book)

    async def reads_while_booking(self, bookings: int, reads: int) -> Burst:
        """Reads of the entry list sent with a burst of bookings: they must not queue behind."""

        def read(client: httpx.AsyncClient, _i: int) -> Awaitable[httpx.Response]:
            return client.get(f"{LEDGER}/entries", params={"limit": 5})

        _, burst = await asyncio.gather(
            self.bookings(bookings), self.fire("entry list (GET)", "staff", reads, read)
        )
        return burst

    async def reversals(self, count: int) -> Burst:
        async with self.client("staff") as client:
            made = await client.post(f"{LEDGER}/entries", json=entry(f"{self.tag} to reverse"))
        made.raise_for_status()
        number = made.json()["number"]
        body = {"reason": f"{self.tag} reversal", "booked_on": "2025-09-20"}

        def reverse(client: httpx.AsyncClient, _i: int) -> Awaitable[httpx.Response]:
            return client.post(f"{LEDGER}/entries/{number}/reversal", json=body)

        return await self.fire("reversal", "staff", count, reverse, target=number)

    async def publications(self, count: int, period: str) -> Burst:
        """`count` publications of one month at once: at most one may become a version."""

        def publish(client: httpx.AsyncClient, _i: int) -> Awaitable[httpx.Response]:
            return client.post(f"{NOTICES}/{period}/publish", json={"reason": self.tag})

        return await self.fire("notice, same month", "staff", count, publish, target=period)

    async def publications_of(self, periods: list[str]) -> Burst:
        """One publication of each month, all at once."""

        def publish(client: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            return client.post(f"{NOTICES}/{periods[i]}/publish", json={"reason": self.tag})

        return await self.fire("notice, other months", "staff", len(periods), publish, periods)

    async def uploads(self, count: int, *, same: int) -> Burst:
        """`count` different files and `same` uploads of one more file, all at once."""

        def upload(client: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            data = PNG_MAGIC + f"{self.tag} voucher {min(i, count)}".encode()
            return client.post(VOUCHERS, files={"file": (f"v{i}.png", data, "image/png")})

        return await self.fire("voucher upload", "staff", count + same, upload)

    async def public_copies(self, count: int, sha256: str) -> Burst:
        """Different blacked-out copies of one voucher at once: one may become its public copy."""

        def upload(client: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            data = PNG_MAGIC + f"{self.tag} public copy {i}".encode()
            files = {"file": (f"p{i}.png", data, "image/png")}
            return client.post(f"{VOUCHERS}/{sha256}/public-copy", files=files)

        return await self.fire("public copy", "staff", count, upload, target=sha256)

    async def openings(self, count: int, sha256: str) -> Burst:
        """The same original opened at once: a GET that records each opening."""

        def open_original(client: httpx.AsyncClient, _i: int) -> Awaitable[httpx.Response]:
            return client.get(f"{VOUCHERS}/{sha256}/original")

        return await self.fire("voucher opening (GET)", "manager", count, open_original, sha256)

    async def comments(self, count: int, budget_id: int) -> Burst:
        def comment(client: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            body = {"line": 1, "body": f"{self.tag} 意见 {i}"}
            return client.post(f"{BUDGETS}/{budget_id}/comments", json=body)

        return await self.fire("budget comment", "owner", count, comment, target=budget_id)

    async def wrong_logins(self, count: int) -> Burst:
        def log_in(client: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            body = {"username": "admin", "password": f"wrong {i}"}
            return client.post("/api/v1/auth/login", json=body)

        return await self.fire("wrong password", None, count, log_in)

    async def open_budget(self, first: str) -> int:
        """A draft budget from `first`, opened for owners' comments; its id."""
        line = {"name_zh": "车位租金", "kind": "income", "amount": "86400.00", "accounts": ["6002"]}
        async with self.client("manager") as client:
            made = await client.post(
                BUDGETS, json={"first": first, "title": self.tag, "lines": [line]}
            )
            made.raise_for_status()
            budget_id = int(made.json()["id"])
            (await client.post(f"{BUDGETS}/{budget_id}/open")).raise_for_status()
        return budget_id


def run_in_own_loop(bursts: Coroutine[Any, Any, T]) -> T:
    """Run `bursts` in a thread with an event loop of its own.

    Another test may have left one running in this thread (Playwright's sync API does),
    and asyncio.run refuses to start a second.
    """
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, bursts).result()


def entry(narration: str) -> dict[str, object]:
    return {
        "booked_on": BOOKED_ON,
        "narration": narration,
        "postings": [
            {"account": "6601", "amount": "1.00"},
            {"account": "1001", "amount": "-1.00"},
        ],
    }


@dataclass(frozen=True)
class Books:
    """What the database behind the server holds, counted before and after the bursts."""

    notices: Counter[str]
    comments: int
    openings: Counter[str]

    @classmethod
    def read(cls, database_url: str) -> Books:
        engine = create_engine(database_url)
        try:
            with Session(engine) as session:
                notices = Counter(
                    str(period) for period in session.scalars(select(NoticeVersion.period))
                )
                comments = session.scalar(select(func.count()).select_from(BudgetComment)) or 0
                openings = Counter(session.scalars(select(VoucherAccess.sha256)))
        finally:
            engine.dispose()
        return cls(notices, comments, openings)


def problems(database_url: str, before: Books, bursts: list[Burst]) -> list[str]:
    """Everything the bursts left wrong in the database (nothing, when all is well)."""
    after = Books.read(database_url)
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            found = [*_numbering(session), *_bookings(session, bursts)]
            found += _reversals(session, bursts) + _vouchers(session, bursts)
    finally:
        engine.dispose()
    return found + _notices(before, after, bursts) + _counts(before, after, bursts)


def _numbering(session: Session) -> list[str]:
    found = []
    entries = list(session.scalars(select(JournalEntry.id).order_by(JournalEntry.id)))
    if entries != list(range(1, len(entries) + 1)):
        found.append(f"entry numbers are not 1..{len(entries)} without gaps")
    seqs = list(session.scalars(select(LogRecord.seq).order_by(LogRecord.seq)))
    if seqs != list(range(len(seqs))):
        found.append(f"log indexes are not 0..{len(seqs) - 1} without gaps")
    return found


def _of(bursts: list[Burst], kind: str) -> list[Burst]:
    return [burst for burst in bursts if burst.kind == kind]


def _bookings(session: Session, bursts: list[Burst]) -> list[str]:
    accepted = [r.json() for b in _of(bursts, "booking") for r in b.accepted()]
    narrations = Counter(session.scalars(select(JournalEntry.narration)))
    found = [
        f"booking {a['narration']!r} stored {narrations[a['narration']]} times"
        for a in accepted
        if narrations[a["narration"]] != 1
    ]
    numbers = [a["number"] for a in accepted]
    if len(set(numbers)) != len(numbers):
        found.append("two accepted bookings were given the same number")
    return found


def _reversals(session: Session, bursts: list[Burst]) -> list[str]:
    found = []
    for burst in _of(bursts, "reversal"):
        stored = session.scalar(
            select(func.count()).where(JournalEntry.reverses_id == burst.target)
        )
        if stored != 1 or len(burst.accepted()) != 1:
            found.append(
                f"entry {burst.target}: {stored} reversals stored, {len(burst.accepted())} accepted"
            )
    return found


def _vouchers(session: Session, bursts: list[Burst]) -> list[str]:
    hashes = {r.json()["sha256"] for b in _of(bursts, "voucher upload") for r in b.accepted()}
    stored = set(session.scalars(select(Voucher.sha256).where(Voucher.sha256.in_(hashes))))
    found = [f"voucher {sha} accepted but not stored" for sha in hashes - stored]
    for burst in _of(bursts, "public copy"):
        logged = session.scalar(
            select(func.count()).where(
                LogRecord.kind == PUBLIC_COPY_KIND, LogRecord.ref == burst.target
            )
        )
        shown = session.scalar(select(Voucher.public_sha256).where(Voucher.sha256 == burst.target))
        accepted = [r.json()["public_sha256"] for r in burst.accepted()]
        if logged != 1 or accepted != [shown]:
            found.append(
                f"voucher {burst.target}: {logged} public copies logged, {accepted} accepted"
            )
    return found


def _notices(before: Books, after: Books, bursts: list[Burst]) -> list[str]:
    published: Counter[str] = Counter()
    for burst in _of(bursts, "notice, same month") + _of(bursts, "notice, other months"):
        for response in burst.accepted():
            published[response.json()["notice"]["period"]] += 1
    found = []
    for period in set(published) | set(after.notices):
        made = after.notices[period] - before.notices[period]
        if made != published[period]:
            found.append(f"notice {period}: {made} versions stored, {published[period]} accepted")
    return found


def _counts(before: Books, after: Books, bursts: list[Burst]) -> list[str]:
    found = []
    comments = sum(len(b.accepted()) for b in _of(bursts, "budget comment"))
    if after.comments - before.comments != comments:
        found.append(f"{after.comments - before.comments} comments stored, {comments} accepted")
    for burst in _of(bursts, "voucher opening (GET)"):
        made = after.openings[burst.target] - before.openings[burst.target]
        if made != len(burst.accepted()):
            found.append(f"{made} openings logged, {len(burst.accepted())} files sent")
    return found


def table(bursts: list[Burst]) -> str:
    """Requests fired and answers per kind, as the report in docs/reliability.md shows them."""
    fired: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    answers: dict[str, Counter[int]] = {}
    for burst in bursts:
        fired[burst.kind] += len(burst.responses)
        seconds[burst.kind] += burst.seconds
        answers.setdefault(burst.kind, Counter()).update(burst.statuses)
    lines = [f"{'kind':<24} {'fired':>6} {'5xx':>5} {'s':>6}  answers"]
    for kind, count in fired.items():
        server = sum(n for status, n in answers[kind].items() if status >= 500)
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(answers[kind].items()))
        lines.append(f"{kind:<24} {count:>6} {server:>5} {seconds[kind]:>6.1f}  {statuses}")
    return "\n".join(lines)


_REPLAYED = re.compile(
    r"replaying \S+ (\S+) \(attempt \d+\) after a transient failure \((\w+)\): (\w+)"
)


def replays(site: Site) -> Counter[str]:
    """How often the server ran a request again, by failure and route (from its log)."""
    return Counter(
        f"{failure} ({cause}) on {_route(path)}"
        for path, failure, cause in _REPLAYED.findall(site.log_text())
    )


def _route(path: str) -> str:
    # …/entries/12/reversal -> …/entries/{n}/reversal; a voucher's hash likewise
    parts = path.split("/")
    return "/".join("{n}" if p.isdigit() or len(p) == 64 else p for p in parts)
