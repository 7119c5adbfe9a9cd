"""What the monthly notice costs on 荆川东园's demo (SQLite): loading the demo, publishing,
the A4 PDF, a notice bundle and the handover archive. Medians of several runs.

    .venv/bin/python bench/notice_bench.py [--runs 5]

Writes bench/results/notice-<date>.json. Loading the demo includes the year's 106
entries with their voucher images, the budget and the twelve published, co-signed notices.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("SUNSHINE_VAR_DIR", tempfile.mkdtemp(prefix="sunshine-notice-bench-"))

from sqlalchemy.orm import Session  # noqa: E402

from sunshine.demo import service as demo  # noqa: E402
from sunshine.disclosure.service import cosigning  # noqa: E402
from sunshine.disclosure.service import exports  # noqa: E402
from sunshine.disclosure.service import notices  # noqa: E402
from sunshine.disclosure.service.notice_pdf import notice_pdf  # noqa: E402
from sunshine.entrypoints import cli  # noqa: E402, F401 - installs the community lookup
from sunshine.infra import clock  # noqa: E402
from sunshine.infra import migrate  # noqa: E402
from sunshine.infra.db import make_engine  # noqa: E402
from sunshine.infra.tenancy import CommunityRef  # noqa: E402
from sunshine.kernel.periods import Period  # noqa: E402

OCTOBER = Period(2024, 10)


def _median_s(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def _fresh(folder: Path, name: str) -> Session:
    engine = make_engine(f"sqlite:///{folder / name}")
    migrate.upgrade(engine)
    return Session(engine)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sunshine-notice-bench-"))
    loads = []
    for run in range(3):
        with _fresh(folder, f"load-{run}.db") as session:
            started = time.perf_counter()
            demo.load_reference_community(session)
            session.commit()
            loads.append(time.perf_counter() - started)
    with _fresh(folder, "bench.db") as session:
        community = demo.load_reference_community(session)
        session.commit()
        ref = CommunityRef(community.id, community.code, community.name)
        found = notices.get_notice(session, ref.id, OCTOBER)
        printed = notices.printed_checkpoint(session, ref.id, found)
        record = notices.record_of(found)
        url = notices.verify_url(ref, found, printed)
        cosign = cosigning.status_of(session, ref.id, found)
        notice_pdf(
            record, checkpoint=printed, cosign=cosign, verify_url=url
        )  # warm: fonts, templates
        pdf = notice_pdf(record, checkpoint=printed, cosign=cosign, verify_url=url)
        archive = exports.handover_archive(session, ref)
        session.rollback()
        result = {
            "command": " ".join(sys.argv),
            "date": clock.today().isoformat(),
            "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
            "demo_load_s": round(statistics.median(loads), 3),
            "preview_s": _median_s(
                lambda: notices.preview(session, ref, period=OCTOBER, today=date(2024, 11, 5)),
                args.runs,
            ),
            "pdf_s": _median_s(
                lambda: notice_pdf(record, checkpoint=printed, cosign=cosign, verify_url=url),
                args.runs,
            ),
            "pdf_kb": round(len(pdf) / 1024),
            "bundle_s": _median_s(
                lambda: notices.notice_bundle(session, ref, period=OCTOBER), args.runs
            ),
            "handover_s": _median_s(lambda: exports.handover_archive(session, ref), args.runs),
            "handover_kb": round(len(archive) / 1024),
        }
        session.rollback()
    out = REPO / "bench" / "results" / f"notice-{clock.today().isoformat()}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
