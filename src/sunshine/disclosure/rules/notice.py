"""The monthly notice as a frozen record: what it holds, and what changed between versions.

A notice is built from the books (`disclosure.service.notices`) into `NoticeFigures`,
then frozen by `notice_record` into the one JSON-ready dict that is logged, stored,
shown on the web, printed on the board and exported. Renderers read only that dict, so
what owners see is exactly what was published (record format below, `FORMAT`).

    {"format": "sunshine.notice/1", "community": {"code", "name"},
     "first": "2024-10", "period": "2024-10", "version": 1, "published_on": "2024-11-05",
     "trust_account": {"opening_on", "opening_fen", "closing_on", "closing_fen"},
     "income": {"lines": [{"category", "name_zh", "name_en", "amount_fen"}], "total_fen"},
     "spending": {"lines": [LINE], "total_fen"},
     "remuneration": {"lines": [LINE], "total_fen"},
     "other_movements_fen": int,   # closing - (opening + income - spending - remuneration)
     "sections": [kernel.sections.Section.as_record()],
     "revision": null | {"replaces": 1, "reason": "…", "changes": [CHANGE]}}

    LINE = {"entry", "booked_on", "narration", "account", "account_zh", "account_en",
            "counterparty" (masked), "amount_fen", "vouchers": [sha256]}
    CHANGE = {"part": "spending" | "remuneration" | "income" | "trust_account" | a section key,
              "item": what (entry/account, a category, "opening"/"closing", a row's first cell),
              "was": value or null, "now": value or null,
              "field": "details" only when a line's narration, payee or vouchers changed
                       (then was/now are text: "水费 · 常州通用自来水有限公司 · 凭证 1fe06eae")}
    An entry's postings to one account are one item (their sum); a section's rows repeat
    no first cell (a second "X" is "X #2").

Income lists the five public streams always (property fees, parking rent, visitor parking,
garbage fees, revenue from common parts: LAW.md 2 wants the last booked apart), and other
income when there is any. Spending is every expense posting of the period line by line,
except the trustee's remuneration, which is its own part (DESIGN.md, trust rule 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import Section

FORMAT = "sunshine.notice/1"
LOG_KIND = "disclosure.notice"

# category value -> (Chinese, English): the streams every notice lists, in this order.
STREAMS: tuple[tuple[str, str, str], ...] = (
    ("property_fee", "物业服务费", "Property service fees"),
    ("parking_rent", "车位租金", "Parking rent"),
    ("visitor_parking", "临时停车费", "Visitor parking"),
    ("garbage_fee", "生活垃圾清运费", "Garbage clearance fees"),
    ("common_revenue", "公共收益（广告、场地租金等）", "Revenue from common parts"),
)
OTHER_INCOME = ("other_income", "其他收入", "Other income")


@dataclass(frozen=True, slots=True)
class Line:
    """One spending or remuneration line: an expense posting with its entry and vouchers."""

    entry: int
    booked_on: date
    narration: str
    account: str
    account_zh: str
    account_en: str
    counterparty: str  # as owners see it (a person masked)
    amount: Fen  # on the expense side: a reversal's line is negative
    vouchers: tuple[str, ...] = ()

    def as_record(self) -> dict[str, object]:
        return {
            "entry": self.entry,
            "booked_on": self.booked_on.isoformat(),
            "narration": self.narration,
            "account": self.account,
            "account_zh": self.account_zh,
            "account_en": self.account_en,
            "counterparty": self.counterparty,
            "amount_fen": self.amount.value,
            "vouchers": list(self.vouchers),
        }


@dataclass(frozen=True, slots=True)
class NoticeFigures:
    """Everything a notice states, read from the books for periods first..last."""

    community_code: str
    community_name: str
    first: Period
    last: Period
    opening: Fen  # trust account (bank and cash) at the end of the day before `first`
    closing: Fen  # … at the end of `last`
    income: Mapping[str, Fen]  # by category value
    spending: tuple[Line, ...]
    remuneration: tuple[Line, ...]
    sections: tuple[Section, ...] = ()

    @property
    def opening_on(self) -> date:
        return self.first.previous().last_day

    @property
    def closing_on(self) -> date:
        return self.last.last_day


@dataclass(frozen=True, slots=True)
class Revision:
    """Why a version replaces the one before it; the changes are computed, not typed."""

    replaces: int
    reason: str


def _total(values: Sequence[Fen]) -> Fen:
    return sum(values, Fen(0))


def income_lines(income: Mapping[str, Fen]) -> list[dict[str, object]]:
    streams = list(STREAMS)
    if income.get(OTHER_INCOME[0], Fen(0)) != Fen(0):
        streams.append(OTHER_INCOME)
    return [
        {
            "category": key,
            "name_zh": zh,
            "name_en": en,
            "amount_fen": income.get(key, Fen(0)).value,
        }
        for key, zh, en in streams
    ]


def notice_record(
    figures: NoticeFigures,
    *,
    version: int,
    published_on: date,
    revision: Revision | None = None,
    previous: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Freeze `figures` as the notice's record; a revision names what changed since `previous`."""
    if (revision is None) != (version == 1):
        raise ValueError("version 1 has no revision, and every later version has one")
    income = income_lines(figures.income)
    income_total = sum(int(str(line["amount_fen"])) for line in income)
    spending_total = _total([line.amount for line in figures.spending])
    remuneration_total = _total([line.amount for line in figures.remuneration])
    expected = figures.opening.value + income_total - spending_total.value
    record: dict[str, object] = {
        "format": FORMAT,
        "community": {"code": figures.community_code, "name": figures.community_name},
        "first": str(figures.first),
        "period": str(figures.last),
        "version": version,
        "published_on": published_on.isoformat(),
        "trust_account": {
            "opening_on": figures.opening_on.isoformat(),
            "opening_fen": figures.opening.value,
            "closing_on": figures.closing_on.isoformat(),
            "closing_fen": figures.closing.value,
        },
        "income": {"lines": income, "total_fen": income_total},
        "spending": {
            "lines": [line.as_record() for line in figures.spending],
            "total_fen": spending_total.value,
        },
        "remuneration": {
            "lines": [line.as_record() for line in figures.remuneration],
            "total_fen": remuneration_total.value,
        },
        "other_movements_fen": figures.closing.value - expected + remuneration_total.value,
        "sections": [section.as_record() for section in figures.sections],
        "revision": None,
    }
    if revision is not None:
        changes = changes_between(previous or {}, record)
        record["revision"] = {
            "replaces": revision.replaces,
            "reason": revision.reason,
            "changes": changes,
        }
    return record


def same_content(a: Mapping[str, object], b: Mapping[str, object]) -> bool:
    """Whether two records state the same figures (version, date and revision aside)."""
    ignored = {"version", "published_on", "revision"}
    return {k: v for k, v in a.items() if k not in ignored} == {
        k: v for k, v in b.items() if k not in ignored
    }


def _items(record: Mapping[str, object], part: str) -> dict[str, object]:
    """A part of a record as item -> value, for comparing two versions."""
    if part == "trust_account":
        account = _mapping(record.get(part))
        return {"opening": account.get("opening_fen"), "closing": account.get("closing_fen")}
    if part == "income":
        lines = _lines(_mapping(record.get(part)).get("lines"))
        return {str(line["category"]): line["amount_fen"] for line in lines}
    if part in ("spending", "remuneration"):
        lines = _lines(_mapping(record.get(part)).get("lines"))
        out: dict[str, object] = {}
        for line in lines:  # an entry may post to one account twice: one item, their sum
            key = f"{line['entry']}/{line['account']}"
            out[key] = int(str(out.get(key, 0))) + int(str(line["amount_fen"]))
        return out
    for section in _lines(record.get("sections")):
        if section.get("key") == part:
            rows: dict[str, object] = {}
            for row in _rows(section.get("rows")):
                key, n = str(row[0]), 2
                while key in rows:
                    key, n = f"{row[0]} #{n}", n + 1
                rows[key] = row[1:]
            return rows
    return {}


def _details(record: Mapping[str, object], part: str) -> dict[str, str]:
    """Each line's narration, payee and vouchers as text, by the same item key as `_items`."""
    out: dict[str, list[str]] = {}
    for line in _lines(_mapping(record.get(part)).get("lines")):
        vouchers = line.get("vouchers")
        shown = " ".join(str(v)[:8] for v in vouchers) if isinstance(vouchers, list) else ""
        text = f"{line['narration']} · {line['counterparty']} · 凭证 {shown or '—'}"
        out.setdefault(f"{line['entry']}/{line['account']}", []).append(text)
    return {key: "；".join(texts) for key, texts in out.items()}


def changes_between(
    old: Mapping[str, object], new: Mapping[str, object]
) -> list[dict[str, object]]:
    """Every item whose value differs between two records, part by part, in a stable order."""
    parts = ["trust_account", "income", "spending", "remuneration"]
    for record in (old, new):
        for section in _lines(record.get("sections")):
            key = str(section.get("key"))
            if key not in parts:
                parts.append(key)
    changes: list[dict[str, object]] = []
    for part in parts:
        was, now = _items(old, part), _items(new, part)
        changes.extend(
            {"part": part, "item": item, "was": was.get(item), "now": now.get(item)}
            for item in sorted(set(was) | set(now), key=_natural)
            if was.get(item) != now.get(item)
        )
        if part in ("spending", "remuneration"):
            old_text, new_text = _details(old, part), _details(new, part)
            changes.extend(
                {"part": part, "item": item, "field": "details", "was": text, "now": new_text[item]}
                for item, text in sorted(old_text.items(), key=lambda kv: _natural(kv[0]))
                if item in new_text and new_text[item] != text
            )
    return changes


def change_cells(section: Mapping[str, object] | None, value: object) -> list[tuple[object, str]]:
    """A changed section row's cells after its name, as (value, kind), for a reader.

    The name columns of either language are left out: the change names its row already.
    """
    cells = value if isinstance(value, list) else []
    columns = _lines(section.get("columns"))[1:] if section else []
    if len(columns) != len(cells):
        return [(cell, "text") for cell in cells]
    return [
        (cell, str(column.get("kind")))
        for cell, column in zip(cells, columns, strict=True)
        if not column.get("lang")
    ]


def change_item(section: Mapping[str, object] | None, item: str, *, english: bool) -> str:
    """A changed section row's name in the reader's language (its first cell is Chinese)."""
    columns = _lines(section.get("columns")) if section and english else []
    en = next((i for i, c in enumerate(columns) if c.get("lang") == "en"), None)
    name, mark, number = item.rpartition(" #")
    base = name if mark and number.isdigit() else item
    for row in _rows(section.get("rows")) if section and en is not None else []:
        if str(row[0]) == base and en is not None and len(row) > en:
            return str(row[en]) + item[len(base) :]
    return item


def _natural(item: str) -> tuple[int, str]:
    head = item.split("/", 1)[0]
    return (int(head), item) if head.isdigit() else (-1, item)


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _lines(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _rows(value: object) -> list[list[object]]:
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, list) and row]


def short_fingerprint(root_hash: bytes) -> str:
    """The first 8 bytes of a checkpoint's root, as the board prints it: '3F2A 9C1B 77E0 12D4'.

    Enough for a person to compare by eye (64 bits); the QR code carries the whole root.
    """
    text = root_hash[:8].hex().upper()
    return " ".join(text[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True, slots=True)
class PrintedCheckpoint:
    """The checkpoint a printed notice names: the log size and root that include it."""

    tree_size: int
    root_hash: bytes
    signed_at: str  # ISO time, UTC
    signers: tuple[str, ...]  # the key names that signed it (platform first, then committee)

    @property
    def fingerprint(self) -> str:
        return short_fingerprint(self.root_hash)


def cited_vouchers(record: Mapping[str, object]) -> dict[str, object]:
    """Every voucher the notice's lines cite, in order, once each: sha256 -> journal entry.

    The entry is that of the first spending or remuneration line citing the voucher.
    """
    cited: dict[str, object] = {}
    for part in ("spending", "remuneration"):
        for line in _lines(_mapping(record.get(part)).get("lines")):
            vouchers = line.get("vouchers")
            for sha in vouchers if isinstance(vouchers, list) else []:
                cited.setdefault(str(sha), line.get("entry"))
    return cited


def voucher_numbers(record: Mapping[str, object]) -> dict[str, int]:
    """Each voucher's number in the notice (sha256 -> 1, 2, 3…), as its lines list them.

    Spending first, then remuneration: the paper and the page cite "voucher 3" alike.
    """
    return {sha: n for n, sha in enumerate(cited_vouchers(record), 1)}
