"""One beancount task per process, for bench/baselines.py (runs in bench/.venv-tools).

    beancount_task.py load    FILE            load, validate, sum every account
    beancount_task.py account FILE ACCOUNT DATE   one account's balance before DATE
    beancount_task.py month   FILE FIRST END      Income and Expenses in [FIRST, END)

Every task loads the whole file with beancount.loader.load_file (parse, booking,
plugins, validation: what bean-check does) and exits 1 if beancount reports any
error, then answers from the loaded entries, as bean-query or fava would. The
answer is printed as "RESULT <number>" so the harness can cross-check the tools:
load prints the final balance of Assets:Bank:Operating, account the balance asked
for, month the raw sum of Income and Expenses postings (ledger-cli's sign).
Whether the pickle cache is used is left to BEANCOUNT_DISABLE_LOAD_CACHE.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from decimal import Decimal

from beancount import loader
from beancount.core import data

REFERENCE_ACCOUNT = "Assets:Bank:Operating"


def postings(entries):
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                yield entry.date, posting


def main(argv):
    task, path, *rest = argv
    entries, errors, _options = loader.load_file(path)
    if errors:
        for error in errors[:10]:
            print(error, file=sys.stderr)
        print(f"{len(errors)} errors", file=sys.stderr)
        return 1
    if task == "load":
        totals = defaultdict(Decimal)
        for _date, posting in postings(entries):
            totals[posting.account] += posting.units.number
        print(f"accounts {len(totals)}")
        result = totals[REFERENCE_ACCOUNT]
    elif task == "account":
        account, before = rest[0], dt.date.fromisoformat(rest[1])
        result = sum(
            (p.units.number for d, p in postings(entries) if p.account == account and d < before),
            Decimal(0),
        )
    elif task == "month":
        first, end = dt.date.fromisoformat(rest[0]), dt.date.fromisoformat(rest[1])
        by_account = defaultdict(Decimal)
        for d, p in postings(entries):
            if first <= d < end and p.account.startswith(("Income:", "Expenses:")):
                by_account[p.account] += p.units.number
        for account in sorted(by_account):
            print(f"{by_account[account]:>14} CNY  {account}")
        result = sum(by_account.values(), Decimal(0))
    else:
        print(f"unknown task {task}", file=sys.stderr)
        return 2
    print(f"RESULT {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
