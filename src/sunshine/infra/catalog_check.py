"""Find user-facing messages in the source that the zh_CN catalogs do not translate.

Used by the test suite and by `python -m sunshine.infra.catalog_check` when writing a
new part: it prints each missing msgid with the file and line it came from.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_dir

from sunshine.infra.i18n import translations

SRC = Path(__file__).resolve().parents[1]
# Python: gettext calls, and the English templates of our errors (Problem's 2nd argument).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "N_": None,
    "pgettext": ((1, "c"), 2),
    "Problem": (2,),
    "SunshineError": (1,),
    "NotFound": (1,),
    "Invalid": (1,),
    "Conflict": (1,),
    "Forbidden": (1,),
    "Unauthenticated": (1,),
    "Busy": (1,),
    "Throttled": (1,),
}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def messages() -> Iterator[tuple[str, str, int]]:
    """Every (msgid, file, line) in the package."""
    for msgid, _context, filename, line in messages_in_context():
        yield msgid, filename, line


def messages_in_context() -> Iterator[tuple[str, str | None, str, int]]:
    """Every (msgid, msgctxt or None, file, line) in the package."""
    found = extract_from_dir(str(SRC), METHODS, keywords=KEYWORDS, options_map=OPTIONS)
    for filename, line, message, _comments, context in found:
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            yield msgid, context, filename, line


def missing(locale: str = "zh_CN") -> list[tuple[str, str, int]]:
    """The messages with no translation in `locale`."""
    catalog = translations(locale)

    def translated(msgid: str, context: str | None) -> bool:
        if context is None:
            return catalog.gettext(msgid) != msgid
        return catalog.pgettext(context, msgid) != msgid

    return [(m, f, n) for m, c, f, n in messages_in_context() if not translated(m, c)]


def ambiguous() -> list[tuple[str, str, int]]:
    """Bare uses of a msgid that some other use gives a context: each must say which it means."""
    found = list(messages_in_context())
    with_context = {msgid for msgid, context, _f, _n in found if context is not None}
    return [(m, f, n) for m, c, f, n in found if c is None and m in with_context]


def main() -> None:
    """Print what is missing; exit 1 if anything is."""
    gaps = missing()
    for msgid, filename, line in gaps:
        sys.stdout.write(f"{filename}:{line}: {msgid}\n")
    sys.exit(1 if gaps else 0)


if __name__ == "__main__":
    main()
