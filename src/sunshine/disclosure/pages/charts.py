"""The board's charts, drawn on the server as SVG by pygal (no script, no network).

pygal is given `js=[]`, so the SVG names no script on the internet; it is shown in an
<img>, where its inline config script never runs. Sized for a phone: the SVG scales to
the screen's width, so the fonts are set large.

Money stays integer fen up to the last step. pygal needs numbers to place bars and
points, so `drawn` turns fen into yuan as a float there and only there: a drawn value
is never added, compared or printed as an amount (the page prints the exact figures).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence

import pygal
from pygal.style import Style

from sunshine.disclosure.service.board import CategoryAmount
from sunshine.disclosure.service.board import MonthFlow
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

Gettext = Callable[[str], str]
WIDTH = 480
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', sans-serif"


def _style(*colors: str, opacity: str = ".85") -> Style:
    return Style(
        opacity=opacity,
        opacity_hover=opacity,
        font_family=_FONT,
        background="white",
        plot_background="white",
        colors=colors,
        label_font_size=15,
        major_label_font_size=15,
        legend_font_size=16,
        value_font_size=14,
        no_data_font_size=20,
    )


def drawn(amount: Fen) -> float:
    """Yuan as a float, for pygal to place a bar or point. Drawing only: never an amount."""
    return amount.value / 100


def _axis(value: float) -> str:
    """A y-axis tick in whole yuan: '12,000'."""
    return f"{value:,.0f}"


def month_label(period: Period, locale: str) -> str:
    """A short month name for an axis: '9月' or 'Sep', with the year on January."""
    if locale == "zh_CN":
        name = f"{period.month}月"
        return f"{period.year}年{name}" if period.month == 1 else name
    name = _MONTHS_EN[period.month - 1]
    return f"{name} {period.year}" if period.month == 1 else name


def _options(gettext: Gettext, height: int, *colors: str) -> dict[str, object]:
    return {
        "js": [],
        "style": _style(*colors),
        "max_scale": 6,
        "truncate_label": -1,
        "truncate_legend": -1,
        "width": WIDTH,
        "height": height,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "value_formatter": _axis,
        "no_data_text": gettext("No data yet"),
        "margin": 12,
    }


def flows_chart(flows: Sequence[MonthFlow], *, locale: str, gettext: Gettext) -> bytes:
    """Income against spending, month by month: paired bars."""
    chart = pygal.Bar(x_label_rotation=-40, **_options(gettext, 340, "#1e7b4a", "#b42318"))
    chart.x_labels = [month_label(f.period, locale) for f in flows]
    chart.add(gettext("Income"), [drawn(f.income) for f in flows])
    chart.add(gettext("Spending"), [drawn(f.spending) for f in flows])
    rendered: bytes = chart.render()
    return rendered


def balance_chart(flows: Sequence[MonthFlow], *, locale: str, gettext: Gettext) -> bytes:
    """The trust account's balance at each month end: a line."""
    options = _options(gettext, 300)
    options["style"] = _style("#8a4b00", opacity=".25")
    chart = pygal.Line(x_label_rotation=-40, fill=True, show_legend=False, **options)
    chart.x_labels = [month_label(f.period, locale) for f in flows]
    chart.add(gettext("Trust account balance"), [drawn(f.closing) for f in flows])
    rendered: bytes = chart.render()
    return rendered


def categories_chart(
    categories: Sequence[CategoryAmount], *, locale: str, gettext: Gettext
) -> bytes:
    """Where the money went: one horizontal bar per category, the largest on top."""
    options = _options(gettext, 90 + 44 * max(len(categories), 1), "#e8a317")
    longest = max((len(c.name(locale)) for c in categories), default=0)
    # pygal sizes label room for Latin letters; a Chinese character is about twice as wide.
    extra = longest * 8 if locale == "zh_CN" else 0
    chart = pygal.HorizontalBar(show_legend=False, margin_left=12 + extra, **options)
    shown = list(reversed(categories))  # pygal draws the first label at the bottom
    chart.x_labels = [c.name(locale) for c in shown]
    chart.add(gettext("Spending"), [drawn(c.amount) for c in shown])
    rendered: bytes = chart.render()
    return rendered
