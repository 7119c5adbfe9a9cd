"""The printable A4 notice for the board (公示栏): a published notice record as HTML and PDF.

Renders only the frozen record (`disclosure.rules.notice`, format `sunshine.notice/1`) and
the checkpoint that covers it, so the paper says exactly what was published. Layout and
wording are in templates/disclosure/notice_print.html (Chinese first, English beneath);
this module turns the record into display strings: money from integer fen to yuan text
through `Fen`, dates in Chinese, voucher ids shortened, a correction's changes in words,
and the QR code (segno, inline SVG: no file is written) that carries `verify_url`.

Not here: building or publishing the notice (service.notices), the web board's pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime

import segno
from markupsafe import Markup

from sunshine.disclosure.rules.notice import FORMAT
from sunshine.disclosure.rules.notice import PrintedCheckpoint
from sunshine.infra import clock
from sunshine.infra.pdf import html_to_pdf
from sunshine.infra.web import templates
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

TEMPLATE = "disclosure/notice_print.html"
NUMERALS = "一二三四五六七八九十"
QR_QUIET_ZONE = 3  # white modules around the code, so the box's border does not confuse a phone
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip
_PARTS_ZH = {
    "trust_account": "信托账户",
    "income": "收入",
    "spending": "支出",
    "remuneration": "受托人酬金",
}
_ACCOUNT_ITEMS_ZH = {"opening": "期初余额", "closing": "期末余额"}


@dataclass(frozen=True, slots=True)
class PrintLine:
    """One spending or remuneration row, as printed."""

    number: int
    booked_on: str
    narration: str
    account_zh: str
    counterparty: str
    amount: str
    voucher: str


@dataclass(frozen=True, slots=True)
class PrintSection:
    """A contributed section as printed: headers, formatted cells, which columns are numbers."""

    numeral: str
    title_zh: str
    title_en: str
    headers: tuple[tuple[str, str, bool], ...]  # (name_zh, name_en, right-aligned)
    rows: tuple[tuple[str, ...], ...]
    note_zh: str
    note_en: str


@dataclass(frozen=True, slots=True)
class PrintChange:
    part: str
    item: str
    was: str
    now: str


def notice_print_html(
    record: Mapping[str, object], *, checkpoint: PrintedCheckpoint, verify_url: str
) -> str:
    """The notice as a self-contained print page (inline CSS and QR), for a browser or the PDF."""
    if record.get("format") != FORMAT:
        raise ValueError(f"not a notice record of format {FORMAT}: {record.get('format')!r}")
    context = {
        **_heading(record),
        **_money(record),
        "sections": _sections(record),
        "revision": _revision(record),
        "checkpoint": _checkpoint(checkpoint, verify_url),
    }
    return templates.env.get_template(TEMPLATE).render(context)


def notice_pdf(
    record: Mapping[str, object], *, checkpoint: PrintedCheckpoint, verify_url: str
) -> bytes:
    """The notice as an A4 PDF for the board: one page unless it truly has many lines."""
    return html_to_pdf(notice_print_html(record, checkpoint=checkpoint, verify_url=verify_url))


def yuan(value: object) -> str:
    """Integer fen from a record as yuan text: 961858 -> '9,618.58'."""
    return str(Fen(_int(value)))


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_zh(first: Period, last: Period) -> str:
    """'2024年10月', '2024年10月—12月', or '2024年12月—2025年1月'."""
    if first == last:
        return f"{first.year}年{first.month}月"
    if first.year == last.year:
        return f"{first.year}年{first.month}月—{last.month}月"
    return f"{first.year}年{first.month}月—{last.year}年{last.month}月"


def period_en(first: Period, last: Period) -> str:
    start = f"{_MONTHS_EN[first.month - 1]} {first.year}"
    if first == last:
        return start
    if first.year == last.year:
        return f"{_MONTHS_EN[first.month - 1]}–{_MONTHS_EN[last.month - 1]} {last.year}"
    return f"{start} – {_MONTHS_EN[last.month - 1]} {last.year}"


def short_voucher(vouchers: object) -> str:
    """'凭证 3f2a9c1b' (the first voucher's sha256, 8 hex digits), '+N' for more, or '无凭证'."""
    ids = [str(v) for v in _list(vouchers)]
    if not ids:
        return "无凭证"
    more = f" +{len(ids) - 1}" if len(ids) > 1 else ""
    return f"凭证 {ids[0][:8].lower()}{more}"


def _heading(record: Mapping[str, object]) -> dict[str, object]:
    first, last = Period.parse(_str(record["first"])), Period.parse(_str(record["period"]))
    version = _int(record["version"])
    community = _map(record["community"])
    months = f"{first.month}月" if first == last else f"{first.month}月—{last.month}月"
    return {
        "community_name": _str(community["name"]),
        "community_code": _str(community["code"]),
        "period_zh": period_zh(first, last),
        "period_en": period_en(first, last),
        "months_zh": months,
        "version_zh": f"第{version}版（更正）" if version > 1 else f"第{version}版",
        "version_en": f"version {version} (correction)" if version > 1 else f"version {version}",
        "published_zh": chinese_date(date.fromisoformat(_str(record["published_on"]))),
        "published_on": _str(record["published_on"]),
        "span_years": first.year != last.year,
    }


def _money(record: Mapping[str, object]) -> dict[str, object]:
    account = _map(record["trust_account"])
    income, spending = _map(record["income"]), _map(record["spending"])
    remuneration = _map(record["remuneration"])
    other = _int(record["other_movements_fen"])
    span_years = _str(record["first"])[:4] != _str(record["period"])[:4]
    return {
        "opening": yuan(account["opening_fen"]),
        "opening_on": chinese_date(date.fromisoformat(_str(account["opening_on"]))),
        "closing": yuan(account["closing_fen"]),
        "closing_on": chinese_date(date.fromisoformat(_str(account["closing_on"]))),
        "income_lines": [
            (_str(line["name_zh"]), _str(line["name_en"]), yuan(line["amount_fen"]))
            for line in _maps(income["lines"])
        ],
        "income_total": yuan(income["total_fen"]),
        "spending_lines": _lines(spending["lines"], full_dates=span_years),
        "spending_total": yuan(spending["total_fen"]),
        "remuneration_lines": _lines(remuneration["lines"], full_dates=span_years),
        "remuneration_total": yuan(remuneration["total_fen"]),
        "other": yuan(other) if other else None,
    }


def _lines(lines: object, *, full_dates: bool) -> list[PrintLine]:
    printed = []
    for number, line in enumerate(_maps(lines), start=1):
        booked_on = date.fromisoformat(_str(line["booked_on"]))
        printed.append(
            PrintLine(
                number=number,
                booked_on=booked_on.isoformat() if full_dates else booked_on.strftime("%m-%d"),
                narration=_str(line["narration"]),
                account_zh=_str(line["account_zh"]),
                counterparty=_str(line["counterparty"]),
                amount=yuan(line["amount_fen"]),
                voucher=short_voucher(line["vouchers"]),
            )
        )
    return printed


def _cell(value: object, kind: str) -> str:
    if kind == "fen":
        return yuan(value)
    if kind == "count":
        return f"{_int(value):,}"
    return str(value)


def _sections(record: Mapping[str, object]) -> list[PrintSection]:
    printed = []
    for index, section in enumerate(_maps(record["sections"])):
        columns = _maps(section["columns"])
        kinds = [_str(column["kind"]) for column in columns]
        printed.append(
            PrintSection(
                numeral=NUMERALS[(4 + index) % len(NUMERALS)],
                title_zh=_str(section["title_zh"]),
                title_en=_str(section["title_en"]),
                headers=tuple(
                    (_str(c["name_zh"]), _str(c["name_en"]), kind != "text")
                    for c, kind in zip(columns, kinds, strict=True)
                ),
                rows=tuple(
                    tuple(_cell(cell, kind) for cell, kind in zip(row, kinds, strict=True))
                    for row in _list(section["rows"])
                    if isinstance(row, list)
                ),
                note_zh=_str(section.get("note_zh", "")),
                note_en=_str(section.get("note_en", "")),
            )
        )
    return printed


def _revision(record: Mapping[str, object]) -> dict[str, object] | None:
    revision = record.get("revision")
    if revision is None:
        return None
    revision = _map(revision)
    return {
        "replaces": _int(revision["replaces"]),
        "reason": _str(revision["reason"]),
        "changes": [_change(record, change) for change in _maps(revision["changes"])],
    }


def _change(record: Mapping[str, object], change: Mapping[str, object]) -> PrintChange:
    part, item = _str(change["part"]), str(change["item"])
    if part in ("trust_account", "income", "spending", "remuneration"):
        return PrintChange(
            part=_PARTS_ZH[part],
            item=_item_name(record, part, item),
            was=_fen_or_none(change["was"]),
            now=_fen_or_none(change["now"]),
        )
    section = next((s for s in _maps(record["sections"]) if s.get("key") == part), {})
    kinds = [_str(c["kind"]) for c in _maps(section.get("columns", []))][1:]
    return PrintChange(
        part=_str(section.get("title_zh", part)),
        item=item,
        was=_row_text(change["was"], kinds),
        now=_row_text(change["now"], kinds),
    )


def _item_name(record: Mapping[str, object], part: str, item: str) -> str:
    if part == "trust_account":
        return _ACCOUNT_ITEMS_ZH.get(item, item)
    lines = _maps(_map(record[part])["lines"])
    if part == "income":
        names = {_str(line["category"]): _str(line["name_zh"]) for line in lines}
        return names.get(item, item)
    entry, _, account = item.partition("/")
    for line in lines:
        if str(line["entry"]) == entry and str(line["account"]) == account:
            return f"{_str(line['narration'])}（分录 {entry}）"
    return f"分录 {entry}（科目 {account}）"


def _fen_or_none(value: object) -> str:
    if isinstance(value, str):  # a line's details (narration, payee, vouchers)
        return value
    return "（无）" if value is None else yuan(value)


def _row_text(value: object, kinds: Sequence[str]) -> str:
    if value is None:
        return "（无）"
    cells = _list(value)
    if len(cells) != len(kinds):
        return " / ".join(str(cell) for cell in cells)
    return " / ".join(_cell(cell, kind) for cell, kind in zip(cells, kinds, strict=True))


def _checkpoint(checkpoint: PrintedCheckpoint, verify_url: str) -> dict[str, object]:
    qr = segno.make(verify_url, error="m")
    signed_at = clock.local(datetime.fromisoformat(checkpoint.signed_at))
    return {
        "fingerprint": checkpoint.fingerprint,
        "tree_size": f"{checkpoint.tree_size:,}",
        "signers": "、".join(checkpoint.signers) or "（无）",
        "signed_at": signed_at.strftime("%Y-%m-%d %H:%M"),
        # segno writes the SVG itself (no user text inside), so it is safe to mark up.
        "qr_svg": Markup(qr.svg_inline(scale=1, border=QR_QUIET_ZONE, omitsize=True)),  # noqa: S704
        "verify_url": verify_url,
    }


def _map(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise TypeError(f"notice record: expected an object, got {value!r}")
    return value


def _maps(value: object) -> list[Mapping[str, object]]:
    return [_map(item) for item in _list(value)]


def _list(value: object) -> list[object]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"notice record: expected a list, got {value!r}")
    return list(value)


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"notice record: expected a whole number, got {value!r}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"notice record: expected text, got {value!r}")
    return value
