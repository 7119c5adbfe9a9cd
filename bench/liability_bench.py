"""`registry.service.liable_on` over a whole district: who pays each of N units on a day.

A fresh SQLite file (or the PostgreSQL database at --url) with one community of N units,
each with an owner; every tenth unit was sold mid-year (a transfer with its past owner),
every seventh has a tenant. The rows are written in bulk (SQL, not the services: the
figure is the query's, not the set-up's). Then liable_on runs --runs times for "owner"
and for "resident" on a day before and after the sales; the medians are printed as JSON.

    .venv/bin/python bench/liability_bench.py --units 100000
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from sunshine.infra import migrate
from sunshine.infra.db import make_engine
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Building
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import PastOwnership
from sunshine.registry.models import Residency
from sunshine.registry.models import Transfer
from sunshine.registry.models import Unit

SOLD_ON = date(2025, 7, 1)


def _fill(session: Session, units: int) -> int:
    draft = registry.CommunityDraft(
        code="bench", name="基准小区", city="常州市", district="钟楼区", street="永红街道",
        neighbourhood="锦阳苑社区", committee_kind=rules.CommitteeKind.PROPERTY_COMMITTEE,
    )  # fmt: skip
    cid = registry.create_community(session, draft).id
    buildings = (units + 999) // 1000
    session.execute(insert(Building), [
        {"community_id": cid, "id": b, "code": str(b), "name": f"{b}幢", "floors": 199}
        for b in range(1, buildings + 1)
    ])  # fmt: skip
    session.execute(insert(Unit), [
        {"community_id": cid, "id": u, "building_id": (u - 1) // 1000 + 1,
         "number": f"{(u - 1) // 1000 + 1}-1-{(u - 1) % 1000 // 10 + 1}{u % 10:02d}",
         "floor": (u - 1) % 1000 // 10 + 1, "use": "residential", "area": 90,
         "area_source": "registry", "sale_state": "delivered", "note": ""}
        for u in range(1, units + 1)
    ])  # fmt: skip
    # Party ids: the owner of unit u is u; a past owner units + u; a tenant 2 * units + u.
    extra = [(units + u) for u in range(10, units + 1, 10)]
    tenants = [(2 * units + u) for u in range(7, units + 1, 7)]
    session.execute(insert(Party), [
        {"community_id": cid, "id": p, "kind": "person", "name": f"人{p}", "phone": "",
         "id_number": "", "is_developer": False, "note": ""}
        for p in [*range(1, units + 1), *extra, *tenants]
    ])  # fmt: skip
    session.execute(insert(Ownership), [
        {"community_id": cid, "unit_id": u, "party_id": u, "share_percent": 100,
         "is_designated_voter": True, "registered": True}
        for u in range(1, units + 1)
    ])  # fmt: skip
    sold = list(range(10, units + 1, 10))
    session.execute(insert(Transfer), [
        {"community_id": cid, "id": i, "unit_id": u, "effective_on": SOLD_ON, "reason": "sale",
         "voucher_ref": "", "recorded_at": datetime.now(UTC), "recorded_by": "bench"}
        for i, u in enumerate(sold, start=1)
    ])  # fmt: skip
    session.execute(insert(PastOwnership), [
        {"community_id": cid, "id": i, "unit_id": u, "party_id": units + u, "share_percent": 100,
         "is_designated_voter": True, "registered": True, "valid_to": SOLD_ON, "transfer_id": i}
        for i, u in enumerate(sold, start=1)
    ])  # fmt: skip
    session.execute(insert(Residency), [
        {"community_id": cid, "unit_id": p - 2 * units, "party_id": p, "kind": "tenant"}
        for p in tenants
    ])  # fmt: skip
    session.commit()
    return cid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default="", help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'liability.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        cid = _fill(session, args.units)
        figures: dict[str, float] = {}
        for who in ("owner", "resident"):
            for label, day in (("before", date(2025, 3, 1)), ("after", date(2025, 9, 1))):
                times = []
                for _run in range(args.runs):
                    started = time.perf_counter()
                    liable = registry.liable_on(session, cid, day, who)  # type: ignore[arg-type]
                    times.append(time.perf_counter() - started)
                assert len(liable) == args.units
                figures[f"{who}_{label}_s"] = round(statistics.median(times), 3)
    print(json.dumps({"database": engine.dialect.name, "units": args.units, **figures}))
    engine.dispose()


if __name__ == "__main__":
    main()
