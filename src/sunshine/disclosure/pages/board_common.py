"""What the board, notice and verify pages share: paths, labels, formatting, rendering.

Nothing here is a route; `board` (the owners' board and its charts), `notices` (the
calendar, one notice, publishing) and `verify` (checking a printed notice) hold those.
The pages read a notice only from its frozen record (rules.notice describes the format),
so what they show is exactly what was published and logged.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.disclosure.rules.notice import change_cells
from sunshine.disclosure.rules.notice import change_item
from sunshine.disclosure.rules.notice import cited_vouchers
from sunshine.disclosure.rules.notice import voucher_numbers
from sunshine.disclosure.rules.schedule import Slot
from sunshine.disclosure.service import notices as service
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.i18n import DEFAULT_LOCALE
from sunshine.infra.i18n import format_day
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.money import Fen
from sunshine.kernel.sections import shown_columns

BOARD = "/c/{code}/board"
NOTICES = "/c/{code}/notices"
NOTICE = "/c/{code}/notices/{period}"
VERIFY = "/c/{code}/verify"


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark a message for translation where it is defined; templates translate it when shown."""
    return message


# The parts of a notice a revision's changes name (other parts are sections: their titles).
PARTS: dict[str, str] = {
    "trust_account": N_("Trust account"),
    "income": N_("Income"),
    "spending": N_("Spending"),
    "remuneration": N_("Trustee's remuneration"),
}
ITEMS: dict[str, str] = {"opening": N_("Opening balance"), "closing": N_("Closing balance")}
STATUSES: dict[str, str] = {
    "published": N_("Published"),
    "due": N_("Due"),
    "overdue": N_("Overdue"),
}
# The field a problem points at (Problem.where), as the publish form labels it.
FIELDS: dict[str, str] = {"reason": N_("Reason"), "period": N_("Month")}


def yuan(fen: object) -> str:
    """A record's integer fen as owners read it: 961858 -> '9,618.58' (anything else as text)."""
    if isinstance(fen, int) and not isinstance(fen, bool):
        return str(Fen(fen))
    return "" if fen is None else str(fen)


def named(item: Mapping[str, Any], stem: str, locale: str) -> str:
    """A record's bilingual name (`name_zh` / `name_en`, `title_zh` …) in the page's language."""
    chinese = str(item.get(f"{stem}_zh", ""))
    english = str(item.get(f"{stem}_en", ""))
    return chinese if locale == "zh_CN" or not english else english


def cell(value: object, kind: str, locale: str = DEFAULT_LOCALE) -> str:
    """A section's cell as text: fen as yuan, a day as the page writes one, the rest as is."""
    if kind == "fen":
        return yuan(value)
    if kind == "day" and value:
        return format_day(str(value), locale)
    return "" if value is None else str(value)


def _section(record: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    sections = record.get("sections") or []
    return next((s for s in sections if isinstance(s, Mapping) and s.get("key") == key), None)


def _value(value: object, section: Mapping[str, Any] | None) -> str:
    """A change's old or new value: fen as yuan; a section row's cells by their columns."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return " / ".join(cell(v, k) for v, k in change_cells(section, value))
    if isinstance(value, str):  # a line's details (narration, payee, vouchers)
        return value
    return yuan(value)


def _line_name(
    record: Mapping[str, Any], part: str, item: str, locale: str, gettext: Callable[[str], str]
) -> str:
    """A changed spending line by entry and account name (owners never read account codes)."""
    entry, _, account = item.partition("/")
    for line in record[part]["lines"]:
        if str(line["entry"]) == entry and str(line["account"]) == account:
            return f"{gettext('Journal entry')} {entry} · {named(line, 'account', locale)}"
    return f"{gettext('Journal entry')} {entry}"


def describe_changes(
    record: Mapping[str, Any], locale: str, gettext: Callable[[str], str]
) -> list[dict[str, str]]:
    """A revision's computed changes in words: which part, which item, what it was and is."""
    revision = record.get("revision") or {}
    income = {line["category"]: line for line in record["income"]["lines"]}
    described = []
    for change in revision.get("changes", []):
        part, item = str(change["part"]), str(change["item"])
        section = _section(record, part)
        if part in PARTS:
            part_text = gettext(PARTS[part])
        else:
            part_text = named(section, "title", locale) if section else part
        if part == "trust_account" and item in ITEMS:
            item_text = gettext(ITEMS[item])
        elif part == "income" and item in income:
            item_text = named(income[item], "name", locale)
        elif part in ("spending", "remuneration"):
            item_text = _line_name(record, part, item, locale, gettext)
        else:  # a section's row
            item_text = change_item(section, item, english=locale == "en")
        described.append(
            {
                "part": part_text,
                "item": item_text,
                "was": _value(change.get("was"), section),
                "now": _value(change.get("now"), section),
            }
        )
    return described


@dataclass(frozen=True, slots=True)
class Run:
    """Overdue notices back to back (2024-11 to 2025-06), shown as one line on the board."""

    first: Slot
    last: Slot
    count: int


def runs(slots: Sequence[Slot]) -> list[Run]:
    """Consecutive slots gathered into runs, oldest first: 25 overdue months read as 2 lines."""
    found: list[Run] = []
    for slot in slots:
        if found and found[-1].last.last.next() == slot.first:
            found[-1] = Run(found[-1].first, slot, found[-1].count + 1)
        else:
            found.append(Run(slot, slot, 1))
    return found


def cited_and_bare(record: Mapping[str, Any]) -> tuple[list[str], int]:
    """The vouchers a notice record cites (each once, in order) and its lines citing none."""
    parts = ("spending", "remuneration")
    lines = [line for part in parts for line in record.get(part, {}).get("lines", [])]
    return list(cited_vouchers(record)), sum(not line.get("vouchers") for line in lines)


def verify_path(session: Session, community: CommunityRef, version: NoticeVersion) -> str:
    """The verify page a printed notice's QR code leads to, as a path on this site."""
    printed = service.printed_checkpoint(session, community.id, version)
    parts = urlsplit(service.verify_url(community, version, printed))
    return f"{parts.path}?{parts.query}"


def rights(viewer: Viewer | None, community_id: int) -> dict[str, bool]:
    """What the viewer may do here, for the templates."""
    return {
        "can_publish": identity.can(viewer, Action.PUBLISH_NOTICE, community_id),
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, community_id),
        "can_cosign": identity.can(viewer, Action.COSIGN_NOTICE, community_id),
        "can_confirm_keys": identity.can(viewer, Action.CONFIRM_COSIGN_KEY, community_id),
    }


def render_board(
    request: Request,
    viewer: Viewer | None,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render a board page with the community, the viewer's rights and the formatting helpers."""
    base = {
        "community": community,
        "community_name": community.name,
        "yuan": yuan,
        "named": named,
        "cell": cell,
        "shown_columns": shown_columns,
        "voucher_numbers": voucher_numbers,
        "describe_changes": describe_changes,
        "parts": PARTS,
        "items": ITEMS,
        "statuses": STATUSES,
        "fields": FIELDS,
        **rights(viewer, community.id),
    }
    return render(request, template, {**base, **context}, status_code=status_code)
