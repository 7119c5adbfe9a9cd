"""Spreadsheet cells that cannot run: the guard against formula injection in CSV exports.

A spreadsheet opening a CSV runs a cell that starts with =, +, - or @ (or a tab or a
carriage return before one) as a formula: `=HYPERLINK(…)` in a narration would leak or
mislead. `neutral` puts a single quote before such text, which spreadsheets read as "this
is text" (OWASP's advice); numbers are left as they are, so -12.50 and -9,618.58 stay
numbers. `restored` takes the quote away again, so an exported roster imports unchanged.
Text that already starts with a quote before such a cell gets one more, so that
`restored(neutral(text)) == text` for every text.

XLSX files carry types, so they need no quote: infra.spreadsheets writes their text as
text (never as a formula) and marks risky text with the quote-prefix style.
"""

from __future__ import annotations

import re

QUOTE = "'"
_TRIGGERS = ("=", "+", "-", "@")
# What a spreadsheet reads as a number: an optional sign, digits (with thousands commas or
# not) and decimals. Everything else that starts with a trigger is text that could run.
_NUMBER = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet could take `text`, opened from a CSV, for a formula."""
    if text[:1] in ("\t", "\r"):
        return True
    stripped = text.lstrip(" \t\r\n")  # leading blanks do not stop every spreadsheet
    return stripped.startswith(_TRIGGERS) and _NUMBER.fullmatch(stripped) is None


def _needs_quote(text: str) -> bool:
    return runs_as_formula(text) or (text.startswith(QUOTE) and _needs_quote(text[1:]))


def neutral(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet runs: quoted when it could be a formula."""
    return QUOTE + text if _needs_quote(text) else text


def restored(text: str) -> str:
    """The text `neutral` was given: its quote taken away again."""
    if text.startswith(QUOTE) and _needs_quote(text[1:]):
        return text[1:]
    return text
