"""`sunshine ledger accounts|add-account|terms|remuneration|close|bundle`: book-keeping.

The chart of accounts (list it, extend it under a category), the trust contract's pay
clause (fixed per month, or a percentage of a stated base), the month's remuneration
booked from those terms (never typed), and closing a month for good. Each change is a
service call committed at once; refusals print their reasons and exit with code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
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

    with open_session() as session:
        ref = tenancy.resolve(session, community)
        chart = service.list_accounts(session, ref.id)
    table = Table(title=_("Chart of accounts of {name}").format(name=ref.name))
    table.add_column(_("Code"))
    table.add_column(_("Name"))
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


def close(community: Community, period: Month) -> None:
    """Close a month and every earlier one for good: nothing more is booked into them."""
    month = schemas.parse_period(period)
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, community)
        service.close_period(session, ref.id, period=month, actor_id=None)
        session.commit()
    typer.echo(f"closed through {month}")


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
