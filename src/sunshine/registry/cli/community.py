"""`sunshine community create|list`: a platform admin sets up a community.

Then `sunshine user add` gives people their roles there and `sunshine roster import` fills it.

Refused facts raise Invalid: the root command prints every problem and exits with code 2.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sunshine.identity import service as identity
from sunshine.infra.db import open_session
from sunshine.infra.i18n import translations
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.registry import rules
from sunshine.registry import service
from sunshine.registry.schemas import community_draft
from sunshine.registry.service import trustee as trustees

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Communities (小区): create one, list them, change the trustee.",
)
Text = Annotated[str, typer.Option()]


def _(message: str) -> str:
    return translations(get_settings().default_locale).gettext(message)


@app.command("create")
def create(  # noqa: PLR0913, PLR0917 - one option per fact of the community
    code: Annotated[str, typer.Option(help="Short Latin code, its web address: /c/CODE.")],
    name: Annotated[str, typer.Option(help="The community's name, 荆川东园.")],
    city: Annotated[str, typer.Option(help="City, 常州市.")],
    district: Annotated[str, typer.Option(help="District, 天宁区.")],
    street: Annotated[str, typer.Option(help="Street office (街道) whose supervisors watch it.")],
    neighbourhood: Annotated[str, typer.Option(help="Neighbourhood committee (社区).")],
    address: Annotated[str, typer.Option(help="Street address.")] = "",
    trustee: Annotated[str, typer.Option(help="The trustee (property company).")] = "",
    trustee_since: Annotated[str, typer.Option(help="Day the trustee took over, 2024-01-01.")] = "",
    name_en: Annotated[str, typer.Option(help="English name.")] = "",
    built_year: Annotated[str, typer.Option(help="Year built.")] = "",
    committee_kind: Annotated[
        rules.CommitteeKind, typer.Option(help="owners_committee or property_committee.")
    ] = rules.CommitteeKind.OWNERS_COMMITTEE,
) -> None:
    """Create a community; then `user add` its people and `roster import` its roster."""
    draft = community_draft(
        {
            "code": code,
            "name": name,
            "name_en": name_en,
            "city": city,
            "district": district,
            "street": street,
            "neighbourhood": neighbourhood,
            "address": address,
            "trustee_company": trustee,
            "trustee_since": trustee_since,
            "built_year": built_year,
            "committee_kind": committee_kind.value,
        }
    )
    with open_session(writes=True) as session:
        community = service.create_community(session, draft)
        session.commit()
        typer.echo(
            _("Created the community {name} at /c/{code}.").format(
                name=community.name, code=community.code
            )
        )


@app.command("list")
def list_all() -> None:
    """Every community on this server: code, name and area."""
    with open_session() as session:
        table = Table()
        for header in (_("Community code"), _("Community name"), _("Supervisors' area")):
            table.add_column(header)
        for c in service.list_communities(session):
            table.add_row(c.code, c.name, f"{c.city}{c.district}{c.street}{c.neighbourhood}")
    Console().print(table)


@app.command("trustee")
def trustee(
    code: Annotated[str, typer.Argument(help="The community's code.")],
    company: Annotated[
        str | None, typer.Option(help="The new trustee (物业服务企业); unset: show it.")
    ] = None,
    dismiss: Annotated[bool, typer.Option(help="Dismiss the trustee, none hired.")] = False,
    since: Annotated[str, typer.Option("--from", help="The day it takes effect.")] = "",
    authority: Annotated[
        str | None,
        typer.Option(help="The owners' vote or committee decision: vote:V/M or decision:N."),
    ] = None,
    by: Annotated[str | None, typer.Option(help="Username of who records it.")] = None,
) -> None:
    """Show the trustee, or record its hiring or dismissal with the vote that decided it."""
    changing = company is not None or dismiss
    with open_session(writes=changing) as session:
        community = service.get_community(session, code)
        if changing:
            if not since:
                typer.secho("say --from YYYY-MM-DD / 请用 --from 指明生效日期", err=True)
                raise typer.Exit(2)
            try:
                day = date.fromisoformat(since)
            except ValueError:
                raise Invalid("{value} is not a day (YYYY-MM-DD)", args={"value": since}) from None
            actor = None if by is None else identity.acting_user(session, by).user_id
            trustees.change_trustee(
                session, community.id, company="" if dismiss else company or "",
                since=day, authority=authority, actor_id=actor,
            )  # fmt: skip
            session.commit()
        cited = trustees.trustee_authority(session, community)
        who = community.trustee_company or "（无）none"
        when = community.trustee_since.isoformat() if community.trustee_since else "—"
        typer.echo(
            f"{community.code}: 受托人 trustee {who}, 自 since {when}, 依据 by {cited or '—'}"
        )
