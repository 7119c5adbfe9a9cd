"""The personal-number filter (`kernel.masking.looks_personal`): what it catches, what it
refuses by mistake, and what it costs, before and after issue 11.

    .venv/bin/python bench/personal_filter.py [--runs 3] [--count 1000000]

"Before" is the filter as it was at commit a28409b, read with `git show`, so the two are
measured in the same process on the same text. Four figures:

  disguises    the disguised forms of issue 11 and their neighbours: caught / tried; and
               10,000 disguises of valid numbers generated as tests/kernel/disguises.py does
  demo         every narration, reversal reason, posting memo, budget line name and note
               and budget comment of 荆川东园's demo: refused / checked (all are ordinary)
  realistic    100,000 narrations as a property office writes them (periods, dates, unit
               numbers, amounts, invoice, contract and account numbers, bank serials) and
               the sentences of the community's news article: refused / checked
  side by side 100,000 narrations whose numbers stand next to each other with only a space
               between ("¥1.72 64.52 64.52"): an upper bound, not a realistic rate
  speed        looks_personal on --count narrations of the synthetic journal the import
               benchmark books (../shared/bench/gen_journal.py), and on --count realistic
               Chinese ones; median of --runs, in seconds

Writes bench/results/personal-filter-<date>.json and prints the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("SUNSHINE_VAR_DIR", tempfile.mkdtemp(prefix="sunshine-filter-bench-"))

from hypothesis import HealthCheck  # noqa: E402
from hypothesis import Phase  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import settings  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from tests.kernel.disguises import disguised_personal_numbers  # noqa: E402
from tests.kernel.test_personal_numbers import DISGUISES  # noqa: E402

from sunshine.demo import service as demo  # noqa: E402
from sunshine.infra import migrate  # noqa: E402
from sunshine.infra.db import make_engine  # noqa: E402
from sunshine.kernel.masking import looks_personal  # noqa: E402

BEFORE_COMMIT = "a28409b"
ARTICLE = "seed/jingchuan-dongyuan.zh.txt"
Filter = Callable[[str], bool]
DEMO_TEXT = " UNION ALL ".join(
    f"SELECT {column} FROM {table}"
    for table, column in [
        ("ledger_entry", "narration"),
        ("ledger_entry", "reason"),
        ("ledger_posting", "memo"),
        ("disclosure_budget_line", "name_zh"),
        ("disclosure_budget_line", "note"),
        ("disclosure_budget_comment", "body"),
    ]
)


def filter_before() -> Filter:
    """looks_personal as it was before issue 11."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE_COMMIT}:src/sunshine/kernel/masking.py"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("masking_before")
    exec(compile(source, "masking_before.py", "exec"), module.__dict__)
    found: Filter = module.looks_personal
    return found


def shared_file(relative: str) -> Path:
    """A file of the shared folder beside the repository (or beside its worktree folder)."""
    for folder in (REPO.parent, REPO.parent.parent):
        if (path := folder / "shared" / relative).exists():
            return path
    raise SystemExit(f"shared/{relative} not found next to {REPO}")


def demo_texts() -> list[str]:
    """Every free text of the demo that the filter guards."""
    folder = Path(tempfile.mkdtemp(prefix="sunshine-filter-demo-"))
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        demo.load_reference_community(session)
        session.commit()
        texts = [row[0] for row in session.execute(text(DEMO_TEXT)) if row[0]]
    engine.dispose()
    return texts


def article_sentences() -> list[str]:
    """The sentences of the news article the demo community comes from."""
    words = shared_file(ARTICLE).read_text(encoding="utf-8")
    return [s.strip() for s in re.split(r"[。！？!?\n]", words) if s.strip()]


_ITEMS = ["物业费", "停车费", "生活垃圾清运费", "水费", "电费", "人员工资", "保洁用品", "电梯维保",
          "绿化养护", "道闸维修", "公示打印", "办公用品", "监控维修", "消防检测", "化粪池清掏"]  # fmt: skip
_COMPANIES = ["常州市自来水公司", "国网常州供电公司", "常州鼎盛物业服务有限责任公司", "某电梯公司"]


def _yuan(rnd: random.Random, *, grouped: bool) -> str:
    fen = rnd.randint(100, 50_000_000)
    return f"{fen // 100:,}.{fen % 100:02d}" if grouped else f"{fen // 100}.{fen % 100:02d}"


def realistic(rnd: random.Random) -> str:
    """One narration as a property office writes one."""
    day = date(2020, 1, 1) + timedelta(days=rnd.randrange(2200))
    unit = f"{rnd.randint(1, 4)}幢{rnd.randint(1, 3)}单元{rnd.randint(1, 6)}0{rnd.randint(1, 4)}室"
    item, company = rnd.choice(_ITEMS), rnd.choice(_COMPANIES)
    period = f"{day.year}年{day.month}月"
    forms = [
        f"收到{unit}{period}{item}",
        f"{day.isoformat()} 收{unit}{item} {_yuan(rnd, grouped=True)}元",
        f"支付{period}{item}（户号 {rnd.randint(10**9, 10**10 - 1)}）",
        f"付{company}{item} 发票号 {rnd.randint(10**7, 10**8 - 1)}",
        f"{day:%Y.%m.%d}-{day + timedelta(days=30):%Y.%m.%d} {item}",
        f"{day.isoformat()}至{(day + timedelta(days=30)).isoformat()}保洁服务费",
        f"退还{unit}装修押金{_yuan(rnd, grouped=False)}元",
        f"冲销第{rnd.randint(1, 999)}号凭证：科目记错",
        f"电梯维保合同HT-{day.year}-{rnd.randint(1, 99):04d}第{rnd.randint(1, 12)}期",
        f"银行流水号 {day:%Y%m%d}{rnd.randint(0, 10**10 - 1):010d} 手续费",
        (
            f"采购{item}{rnd.randint(1, 50)}件，单价{_yuan(rnd, grouped=False)}元，"
            f"合计{_yuan(rnd, grouped=True)}元"
        ),
        f"{period}{item} 科目 {rnd.randint(5001, 6999)}.{rnd.randint(1, 20):02d}",
        f"凭证 DZ-{day:%Y%m%d}-{rnd.randint(1, 99):02d} {item}",
        f"{day:%m月%d日} {item} {_yuan(rnd, grouped=True)}",
    ]
    return rnd.choice(forms)


def side_by_side(rnd: random.Random) -> str:
    """Numbers next to each other with one space between: the hard case for any filter."""
    day = date(2000, 1, 1) + timedelta(days=rnd.randrange(13000))
    parts = [day.isoformat(), day.strftime("%Y/%m/%d"), f"{day.year}-{day.month:02d}"]
    pieces = [
        rnd.choice([*parts, _yuan(rnd, grouped=True), _yuan(rnd, grouped=False)])
        for _ in range(rnd.randint(1, 4))
    ]
    return rnd.choice(_ITEMS) + " " + " ".join(pieces)


def journal_narrations(count: int) -> Iterator[str]:
    """The narrations of the import benchmark's synthetic journal."""
    spec = importlib.util.spec_from_file_location(
        "gen_journal", shared_file("bench/gen_journal.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for _tid, _day, _payee, narration, _legs in module.gen(count, 20240601, date(2020, 1, 1), 5):
        yield narration


def generated_disguises(count: int) -> list[str]:
    """`count` disguises of valid numbers, as the Hypothesis test writes them."""
    found: list[str] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(disguised_personal_numbers())
    def collect(number_and_text: tuple[str, str]) -> None:
        found.append(number_and_text[1])

    collect()
    return found


def refused(check: Filter, texts: list[str]) -> dict[str, object]:
    hits = [t for t in texts if check(t)]
    return {"refused": len(hits), "checked": len(texts), "examples": hits[:5]}


def seconds(check: Filter, texts: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for narration in texts:
            check(narration)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    before, rnd = filter_before(), random.Random(20241005)
    filters = {"before": before, "after": looks_personal}
    corpora = {
        "demo": demo_texts(),
        "realistic": [realistic(rnd) for _ in range(100_000)] + article_sentences(),
        "side_by_side": [side_by_side(rnd) for _ in range(100_000)],
    }
    generated = generated_disguises(10_000)
    journal = list(journal_narrations(args.count))
    chinese = [realistic(rnd) for _ in range(args.count)]
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "disguises": {
            name: {"caught": sum(map(check, DISGUISES)), "tried": len(DISGUISES)}
            for name, check in filters.items()
        },
        "generated_disguises": {
            name: {"caught": sum(map(check, generated)), "tried": len(generated)}
            for name, check in filters.items()
        },
        "false_positives": {
            corpus: {name: refused(check, texts) for name, check in filters.items()}
            for corpus, texts in corpora.items()
        },
        "seconds": {
            name: {
                f"journal_{args.count}": seconds(check, journal, args.runs),
                f"realistic_{args.count}": seconds(check, chinese, args.runs),
            }
            for name, check in filters.items()
        },
    }
    out = (
        REPO / "bench" / "results" / f"personal-filter-{datetime.now(UTC).date().isoformat()}.json"
    )
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
