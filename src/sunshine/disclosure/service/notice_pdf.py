"""The printable A4 notice for the board (公示栏): a published notice record as HTML and PDF.

Renders only the frozen record (`disclosure.rules.notice`, format `sunshine.notice/1`) and
the checkpoint that covers it, so the paper says exactly what was published. Layout and
wording are in templates/disclosure/notice_print.html, in one language (Chinese unless
English is asked for); this module turns the record into display strings in that language:
money from integer fen to yuan text through `Fen`, dates as people write them, vouchers
by their number in the notice, a correction's changes in words, when it was published
and signed, a short address to type, and the QR code (segno, inline SVG: no file is
written) that carries the whole `verify_url`.

Not here: building or publishing the notice (service.notices), the web board's pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from urllib.parse import urlsplit

import segno
from markupsafe import Markup

from sunshine.disclosure.rules.notice import FORMAT
from sunshine.disclosure.rules.notice import PrintedCheckpoint
from sunshine.disclosure.rules.notice import change_cells
from sunshine.disclosure.rules.notice import change_item
from sunshine.disclosure.rules.notice import voucher_numbers
from sunshine.disclosure.service.cosigning import CosignStatus
from sunshine.infra import clock
from sunshine.infra.i18n import format_day
from sunshine.infra.pdf import html_to_pdf
from sunshine.infra.web import templates
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import shown_columns

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
_PARTS_EN = {
    "trust_account": "Trust account",
    "income": "Income",
    "spending": "Spending",
    "remuneration": "Trustee's remuneration",
}
_ACCOUNT_ITEMS_ZH = {"opening": "期初余额", "closing": "期末余额"}
_ACCOUNT_ITEMS_EN = {"opening": "opening balance", "closing": "closing balance"}


@dataclass(frozen=True, slots=True)
class Words:
    """The print's language: `t(zh, en)` picks one; `day` writes a date as its readers do."""

    locale: str

    @property
    def english(self) -> bool:
        return self.locale == "en"

    def t(self, zh: str, en: str) -> str:
        return en if self.english else zh

    def day(self, value: date | str) -> str:
        return format_day(value, "en" if self.english else "zh_CN")


@dataclass(frozen=True, slots=True)
class PrintLine:
    """One spending or remuneration row, as printed."""

    number: int
    booked_on: str
    narration: str
    account: str
    counterparty: str
    amount: str
    voucher: str


@dataclass(frozen=True, slots=True)
class PrintSection:
    """A contributed section as printed: headers, formatted cells, which columns are numbers."""

    numeral: str
    title: str
    headers: tuple[tuple[str, bool], ...]  # (name, right-aligned)
    rows: tuple[tuple[str, ...], ...]
    note: str


@dataclass(frozen=True, slots=True)
class PrintChange:
    part: str
    item: str
    was: str
    now: str


def notice_print_html(
    record: Mapping[str, object],
    *,
    checkpoint: PrintedCheckpoint,
    cosign: CosignStatus,
    verify_url: str,
    locale: str = "zh_CN",
) -> str:
    """The notice as a self-contained print page (inline CSS and QR), for a browser or the PDF."""
    if record.get("format") != FORMAT:
        raise ValueError(f"not a notice record of format {FORMAT}: {record.get('format')!r}")
    words = Words(locale)
    heading = _heading(record, words)
    context = {
        **heading,
        **_money(record, words),
        "t": words.t,
        "sections": _sections(record, words),
        "revision": _revision(record, words),
        "checkpoint": _checkpoint(checkpoint, verify_url, words),
        "cosigned": cosign.in_words(english=words.english),
        "when": when_published_and_signed(record, checkpoint, words),
    }
    return templates.env.get_template(TEMPLATE).render(context)


def notice_pdf(
    record: Mapping[str, object],
    *,
    checkpoint: PrintedCheckpoint,
    cosign: CosignStatus,
    verify_url: str,
    locale: str = "zh_CN",
) -> bytes:
    """The notice as an A4 PDF for the board: one page unless it truly has many lines."""
    page = notice_print_html(
        record, checkpoint=checkpoint, cosign=cosign, verify_url=verify_url, locale=locale
    )
    return html_to_pdf(page)


def short_address(url: str) -> str:
    """What a person types: host and path, no scheme, no query ('example.org/c/jcdy/verify')."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}".rstrip("/") or url


def when_published_and_signed(
    record: Mapping[str, object], checkpoint: PrintedCheckpoint, words: Words
) -> str:
    """'公示日期 2024年11月5日', and when the signature came later, the day it was signed."""
    published = words.day(_str(record["published_on"]))
    signed = words.day(clock.local(datetime.fromisoformat(checkpoint.signed_at)).date())
    if signed == published:
        return words.t(f"{published}公示并签署", f"Published and signed on {published}")
    return words.t(
        f"{published}公示；{signed}签署（晚于公示日期，签名覆盖签署时的整个日志，本公示在其中）",
        f"Published on {published}; signed on {signed}, later than it was published "
        "(the signature covers the whole log as it stood then, this notice included)",
    )


def yuan(value: object) -> str:
    """Integer fen from a record as yuan text: 961858 -> '9,618.58'."""
    return str(Fen(_int(value)))


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


def cited_vouchers(vouchers: object, numbers: Mapping[str, int], words: Words) -> str:
    """A line's vouchers by their number in the notice ('1、2' / '1, 2'), or 'none'."""
    cited = [str(numbers[str(v)]) for v in _list(vouchers) if str(v) in numbers]
    return words.t("、", ", ").join(cited) if cited else words.t("无凭证", "none")


def _heading(record: Mapping[str, object], words: Words) -> dict[str, object]:
    first, last = Period.parse(_str(record["first"])), Period.parse(_str(record["period"]))
    version = _int(record["version"])
    community = _map(record["community"])
    months = f"{first.month}月" if first == last else f"{first.month}月—{last.month}月"
    return {
        "community_name": _str(community["name"]),
        "community_code": _str(community["code"]),
        "months_zh": months,
        "period_text": words.t(period_zh(first, last), period_en(first, last)),
        "version_text": words.t(
            f"第{version}版（更正）" if version > 1 else f"第{version}版",
            f"Version {version} (correction)" if version > 1 else f"Version {version}",
        ),
        "published_text": words.day(_str(record["published_on"])),
    }


def _money(record: Mapping[str, object], words: Words) -> dict[str, object]:
    account = _map(record["trust_account"])
    income, spending = _map(record["income"]), _map(record["spending"])
    remuneration = _map(record["remuneration"])
    other = _int(record["other_movements_fen"])
    span_years = _str(record["first"])[:4] != _str(record["period"])[:4]
    numbers = voucher_numbers(record)
    return {
        "opening": yuan(account["opening_fen"]),
        "opening_on": words.day(_str(account["opening_on"])),
        "closing": yuan(account["closing_fen"]),
        "closing_on": words.day(_str(account["closing_on"])),
        "income_lines": [
            (_named(line, "name", words), yuan(line["amount_fen"]))
            for line in _maps(income["lines"])
        ],
        "income_total": yuan(income["total_fen"]),
        "spending_lines": _lines(spending["lines"], numbers, words, full_dates=span_years),
        "spending_total": yuan(spending["total_fen"]),
        "remuneration_lines": _lines(remuneration["lines"], numbers, words, full_dates=span_years),
        "remuneration_total": yuan(remuneration["total_fen"]),
        "other": yuan(other) if other else None,
    }


def _lines(
    lines: object, numbers: Mapping[str, int], words: Words, *, full_dates: bool
) -> list[PrintLine]:
    printed = []
    for number, line in enumerate(_maps(lines), start=1):
        booked_on = date.fromisoformat(_str(line["booked_on"]))
        short = words.t(f"{booked_on.month}月{booked_on.day}日", booked_on.strftime("%-d %b"))
        printed.append(
            PrintLine(
                number=number,
                booked_on=words.day(booked_on) if full_dates else short,
                narration=_str(line["narration"]),
                account=_named(line, "account", words),
                counterparty=_str(line["counterparty"]),
                amount=yuan(line["amount_fen"]),
                voucher=cited_vouchers(line["vouchers"], numbers, words),
            )
        )
    return printed


def _named(item: Mapping[str, object], stem: str, words: Words) -> str:
    """A record's name in the print's language (`name_zh` / `name_en`; Chinese if no English)."""
    chinese, english = _str(item.get(f"{stem}_zh", "")), _str(item.get(f"{stem}_en", ""))
    return english if words.english and english else chinese


def _cell(value: object, kind: str, locale: str) -> str:
    if kind == "fen":
        return yuan(value)
    if kind == "count":
        return f"{_int(value):,}"
    if kind == "day" and value:
        return format_day(str(value), locale)  # the paper is read in one language too
    return str(value)


def _sections(record: Mapping[str, object], words: Words) -> list[PrintSection]:
    printed = []
    for index, section in enumerate(_maps(record["sections"])):
        columns = _maps(section["columns"])
        shown = shown_columns([dict(c) for c in columns], words.locale)
        kinds = [_str(column["kind"]) for column in columns]
        printed.append(
            PrintSection(
                numeral=words.t(NUMERALS[(4 + index) % len(NUMERALS)], str(5 + index)),
                title=_named(section, "title", words),
                headers=tuple(
                    (_named(columns[i], "name", words), kinds[i] != "text") for i in shown
                ),
                rows=tuple(
                    tuple(_cell(row[i], kinds[i], words.locale) for i in shown)
                    for row in _list(section["rows"])
                    if isinstance(row, list) and len(row) == len(columns)
                ),
                note=_named(section, "note", words),
            )
        )
    return printed


def _revision(record: Mapping[str, object], words: Words) -> dict[str, object] | None:
    revision = record.get("revision")
    if revision is None:
        return None
    revision = _map(revision)
    return {
        "replaces": _int(revision["replaces"]),
        "reason": _str(revision["reason"]),
        "changes": [_change(record, change, words) for change in _maps(revision["changes"])],
    }


def _change(
    record: Mapping[str, object], change: Mapping[str, object], words: Words
) -> PrintChange:
    part, item = _str(change["part"]), str(change["item"])
    none = words.t("（无）", "(none)")
    if part in ("trust_account", "income", "spending", "remuneration"):
        return PrintChange(
            part=words.t(_PARTS_ZH[part], _PARTS_EN[part]),
            item=_item_name(record, part, item, words),
            was=_fen_or_none(change["was"], none),
            now=_fen_or_none(change["now"], none),
        )
    section = next((s for s in _maps(record["sections"]) if s.get("key") == part), None)
    return PrintChange(
        part=_named(section, "title", words) if section else part,
        item=change_item(section, item, english=words.english),
        was=_row_text(change["was"], section, none, words.locale),
        now=_row_text(change["now"], section, none, words.locale),
    )


def _item_name(record: Mapping[str, object], part: str, item: str, words: Words) -> str:
    if part == "trust_account":
        return words.t(_ACCOUNT_ITEMS_ZH.get(item, item), _ACCOUNT_ITEMS_EN.get(item, item))
    lines = _maps(_map(record[part])["lines"])
    if part == "income":
        names = {_str(line["category"]): _named(line, "name", words) for line in lines}
        return names.get(item, item)
    entry, _, _account = item.partition("/")
    for line in lines:
        if str(line["entry"]) == entry and str(line["account"]) == _account:
            return _str(line["narration"]) + words.t(f"（分录 {entry}）", f" (entry {entry})")
    return words.t(f"分录 {entry}", f"entry {entry}")


def _fen_or_none(value: object, none: str) -> str:
    if isinstance(value, str):  # a line's details (narration, payee, vouchers)
        return value
    return none if value is None else yuan(value)


def _row_text(value: object, section: Mapping[str, object] | None, none: str, locale: str) -> str:
    if value is None:
        return none
    cells = change_cells(section, _list(value))
    return " / ".join(_cell(cell, kind, locale) for cell, kind in cells)


def _checkpoint(checkpoint: PrintedCheckpoint, verify_url: str, words: Words) -> dict[str, object]:
    qr = segno.make(verify_url, error="m")
    return {
        "fingerprint": checkpoint.fingerprint,
        "tree_size": f"{checkpoint.tree_size:,}",
        "short_address": short_address(verify_url),
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
