"""Booking paid online orders as payments: one booker batch (500 orders), SQLite and PostgreSQL.

    .venv/bin/python bench/online_booking.py [--orders 500] [--runs 3] [--databases sqlite postgresql]

Each run makes a community of `--orders` units, each billed one month (100.00), opens one
development-channel order per unit for its bill and marks it paid as a notification
does; then times `online_booking.book_paid_orders` (the server's booker and `sunshine
billing orders book`): every order becomes a payment through `taking.take_payments`,
paying its bill, with its ledger entry and receipt, in one transaction, committed. The
books' writer (on SQLite, the database's) is held for that long, so notifications arriving
meanwhile wait for it. Prints the medians and writes bench/results/online-booking-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("SUNSHINE_VAR_DIR", tempfile.mkdtemp(prefix="sunshine-booking-bench-"))

from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from tests.billing.builders import SEPT  # noqa: E402
from tests.billing.builders import Place  # noqa: E402
from tests.billing.builders import community_with_units  # noqa: E402
from tests.billing.builders import item  # noqa: E402
from tests.billing.channels import senders  # noqa: E402
from tests.pg import running_postgres  # noqa: E402

from sunshine.billing import service as billing  # noqa: E402
from sunshine.billing.rules.channels import OrderStatus  # noqa: E402
from sunshine.billing.rules.charges import ChargeKind  # noqa: E402
from sunshine.billing.service import online  # noqa: E402
from sunshine.billing.service import online_booking  # noqa: E402
from sunshine.infra import clock  # noqa: E402
from sunshine.infra import migrate  # noqa: E402
from sunshine.infra import work  # noqa: E402
from sunshine.infra.db import make_engine  # noqa: E402
from sunshine.kernel.money import Fen  # noqa: E402


def _paid_orders(engine: Engine, count: int) -> int:
    """A community with `count` units, each billed and with a paid, unbooked order; its id."""
    with Session(engine) as session:
        place = community_with_units(session, ["100.00"] * count)
        fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
        billing.post_run(session, place.community_id, fee, SEPT, actor="bench")
        channel = senders.dev_channel()
        for n, (unit, bill) in enumerate(zip(place.units, _bills(session, place), strict=True)):
            order = online.open_order(
                session,
                place.community_id,
                unit_id=unit,
                amount=Fen(10000),
                description="物业费",
                channel=channel,
                now=clock.now(),
                minutes=30,
                bill_ids=[bill],
            ).order
            order.status, order.transaction_id, order.paid_at = (
                OrderStatus.PAID,
                f"BENCH{n}",
                clock.now(),
            )
        session.commit()
        return place.community_id


def _bills(session: Session, place: Place) -> list[int]:
    return [billing.unit_bills(session, place.community_id, unit)[0].id for unit in place.units]


def _run(engine: Engine, count: int) -> float:
    community_id = _paid_orders(engine, count)
    with work.unit_of_work(work.Work(writes=True)), Session(engine) as session:
        started = time.perf_counter()
        booked = online_booking.book_paid_orders(session, community_id, limit=count)
        session.commit()
        seconds = time.perf_counter() - started
    assert booked == count, booked
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=online_booking.BATCH)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    results: dict[str, object] = {"date": clock.today().isoformat(), "orders": args.orders}
    for database in args.databases:
        times = []
        for _ in range(args.runs):
            if database == "sqlite":
                engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp()) / 'booking.db'}")
                migrate.upgrade(engine)
                times.append(_run(engine, args.orders))
                engine.dispose()
                continue
            with running_postgres("booking_bench") as url:
                engine = make_engine(url)
                migrate.upgrade(engine)
                times.append(_run(engine, args.orders))
                engine.dispose()
        median = statistics.median(times)
        results[database] = {
            "seconds": times,
            "median_s": median,
            "per_order_ms": 1000 * median / args.orders,
        }
        print(f"{database}: {args.orders} orders booked in {median:.2f} s (median of {args.runs})")
    out = REPO / "bench" / "results" / f"online-booking-{results['date']}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
