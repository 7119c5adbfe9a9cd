"""`sunshine ledger accounts|add-account|terms|remuneration|close|bundle`: book-keeping.

The chart of accounts (list it, extend it under a category), the trust contract's pay
clause (fixed per month, or a percentage of a stated base), the month's remuneration
booked from those terms (never typed), and closing a month for good (a manager's
request and a committee member's countersignature, each named). Each change is a
service call committed at once; refusals print their reasons and exit with code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra import i18n
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.infra.i18n import translations
from sunshine.infra.settings import get_settings
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.ledger import rules
from sunshine.ledger import schemas
from sunshine.ledger import service

Community = Annotated[str, typer.Option("--community", "-c", help="Community code, e.g. jcdy.")]
Lang = Annotated[str, typer.Option("--lang", help="Language of the output.")]
Month = Annotated[str, typer.Option("--period", help="A month, YYYY-MM.")]


def accounts(community: Community, lang: Lang = "zh_CN") -> None:
    """List the chart of accounts: code, names, kind, category, open or closed."""

    def _(message: str) -> str:
        return gettext(lang, message)

    def pgettext(context: str, message: str) -> str:
        return i18n.pgettext(lang, context, message)

    with open_session() as session:
        ref = tenancy.resolve(session, community)
        chart = service.list_accounts(session, ref.id)
    table = Table(title=_("Chart of accounts of {name}").format(name=ref.name))
    table.add_column(pgettext("account", "Code"))
    table.add_column(pgettext("account", "Name"))
    table.add_column(_("Category"))
    table.add_column(_("Opened"))
    table.add_column(_("Closed"))
    for account in chart:
        info = rules.CATEGORIES[account.category]
        table.add_row(
            account.code,
            account.name("en" if lang == "en" else "zh_CN"),
            info.name_en if lang == "en" else info.name_zh,
            account.opened_on.isoformat(),
            account.closed_on.isoformat() if account.closed_on else "",
        )
    Console(emoji=False, highlight=False).print(table)


def add_account(
    community: Community,
    code: Annotated[str, typer.Option(help="The new code, e.g. 660201.")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="Chinese name.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    category: Annotated[rules.Category, typer.Option(help="Where reports put it.")],
    parent: Annotated[str | None, typer.Option(help="Parent account code.")] = None,
    on: Annotated[str | None, typer.Option(help="Opened on (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Extend the chart: a new account under a known category (and parent)."""
    opened = schemas.parse_day(on, where="on") if on else clock.today()
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        template = rules.AccountTemplate(code, name_zh, name_en, category, parent)
        account = service.add_account(session, ref.id, template, on=opened)
        session.commit()
    typer.echo(f"{account.code} {account.name_zh} / {account.name_en}")


def terms(
    community: Community,
    effective_from: Annotated[str, typer.Option("--from", help="First month, YYYY-MM.")],
    fixed: Annotated[str | None, typer.Option(help="A fixed amount per month, yuan.")] = None,
    rate_bp: Annotated[
        int | None, typer.Option("--rate-bp", help="A share of the base, in 0.01 % (1000 = 10 %).")
    ] = None,
    base: Annotated[
        list[rules.Category] | None, typer.Option(help="Income categories the share is of.")
    ] = None,
    contract: Annotated[
        str, typer.Option(help="The contract clause the terms come from (required).")
    ] = "",
) -> None:
    """Record the trust contract's pay clause from a month on (a new version, never an edit)."""
    if (fixed is None) == (rate_bp is None):
        typer.secho("give either --fixed or --rate-bp (with --base)", err=True)
        raise typer.Exit(2)
    clause = rules.TrustTerms(
        effective_from=schemas.parse_period(effective_from),
        kind=rules.RemunerationKind.FIXED if fixed else rules.RemunerationKind.PERCENTAGE,
        fixed=Fen.parse(fixed) if fixed else ZERO,
        rate_basis_points=rate_bp or 0,
        base_categories=tuple(base or ()),
        contract_ref=contract,
    )
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        service.set_trust_terms(session, ref.id, clause, actor_id=None)
        session.commit()
    typer.echo(f"terms from {clause.effective_from}: {clause.kind.value}")


def remuneration(community: Community, period: Month) -> None:
    """Book a month's remuneration of the trustee, as the terms in force make it due."""
    month = schemas.parse_period(period)
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        entry = service.book_remuneration(session, ref.id, period=month, actor_id=None)
        session.commit()
        amount = sum((p.amount for p in entry.postings if p.amount.value > 0), ZERO)
    typer.echo(f"entry {entry.id}: {month} {amount}")


def close(
    community: Community,
    period: Month,
    requested_by: Annotated[
        str | None, typer.Option(help="Username of the trustee's manager who asks to close.")
    ] = None,
    countersigned_by: Annotated[
        str | None,
        typer.Option(help="Username of the committee member who countersigns: it closes then."),
    ] = None,
    authority: Annotated[
        str | None,
        typer.Option(help="The committee decision co-signing the close: decision:N (or vote:V/M)."),
    ] = None,
) -> None:
    """Close a month for good: a manager asks, a committee member countersigns, then it closes.

    The committee co-controls the books, so a month closes only at its countersignature,
    as on the staff page /c/CODE/ledger/close. Name who acts: --requested-by makes the
    request, --countersigned-by countersigns the request waiting for PERIOD (made here
    or on the page), or give both. Each named user must hold the role in the community,
    and whoever asked cannot countersign. Each step goes into the public log.
    """
    _ = translations(get_settings().default_locale).gettext
    if requested_by is None and countersigned_by is None:
        typer.secho(_("name who acts: --requested-by, --countersigned-by or both"), err=True)
        raise typer.Exit(2)
    month = schemas.parse_period(period)
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        if requested_by is not None:
            manager = _acting(session, ref.id, requested_by, Action.MANAGE_LEDGER)
            service.request_close(session, ref.id, period=month, actor_id=manager.user_id)
        if countersigned_by is not None:
            member = _acting(session, ref.id, countersigned_by, Action.COUNTERSIGN_CLOSE)
            waiting = service.pending_request(session, ref.id)
            if waiting is None or waiting.period != month:
                raise NotFound(
                    "no request to close {period} is waiting for a countersignature",
                    args={"period": str(month)},
                )
            service.countersign_close(
                session, ref.id, waiting.id, actor_id=member.user_id, authority=authority
            )
        session.commit()
    if countersigned_by is None:
        typer.echo(
            _("{period}: asked; it closes when a committee member countersigns").format(
                period=month
            )
        )
    else:
        typer.echo(_("closed through {period}").format(period=month))


def _acting(session: Session, community_id: int, username: str, action: Action) -> Viewer:
    """The named user, if their roles in the community allow `action` (as on the page)."""
    return identity.authorize(identity.acting_user(session, username), action, community_id)


def bundle(
    community: Community,
    entry: Annotated[int, typer.Option(help="The entry number.")],
    out: Annotated[Path, typer.Option(help="Where to write the bundle (JSON).")],
) -> None:
    """Export entry N as the books hold it, with its proof: `sunshine verify` checks it."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        data = service.entry_bundle(session, ref.id, entry, origin=ref.origin, sign=True)
        session.commit()  # keeps a checkpoint signed for this bundle
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    typer.echo(f"wrote {out}: entry {entry}")
