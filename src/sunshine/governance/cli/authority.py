"""`sunshine governance require|link CODE …`: which steps need a decision, and the links.

`require` lists the community's settings or changes one (logged); `link` lists which
decision or owners' vote matter authorised which budget version, close, key or expense, or
links one by hand (a step taken while its requirement was off), checked as the steps are.
"""

from __future__ import annotations

from typing import Annotated

import typer

from sunshine.governance.service import authority
from sunshine.identity import service as identity
from sunshine.infra import tenancy
from sunshine.infra.authority import MatterKind
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.infra.settings import get_settings

Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]


def _(message: str) -> str:
    return gettext(get_settings().default_locale, message)


def require(
    code: Code,
    kind: Annotated[
        str | None,
        typer.Argument(help="budget, expense, month_close, fee_change …; none: list them."),
    ] = None,
    required: Annotated[
        bool | None,
        typer.Option("--on/--off", help="Require a committee decision for it, or stop."),
    ] = None,
    by: Annotated[str | None, typer.Option(help="Username of who changes it.")] = None,
) -> None:
    """List which steps need a committee decision, or change one (logged)."""
    with open_session(writes=kind is not None) as session:
        ref = tenancy.resolve(session, code)
        if kind is not None:
            if required is None:
                typer.secho(_("say --on or --off"), err=True)
                raise typer.Exit(2)
            which = authority.parse_kind(kind)
            actor = None if by is None else identity.acting_user(session, by).user_id
            authority.set_requirement(session, ref.id, which, required=required, actor_id=actor)
            session.commit()
        settings = authority.requirements(session, ref.id)
    for each in MatterKind:
        shown = _("required") if settings[each] else _("not required")
        typer.echo(f"{each.value}\t{shown}")


def link(
    code: Code,
    matter: Annotated[
        str | None, typer.Argument(help="e.g. budget:2024/v1; none: list every link.")
    ] = None,
    cited: Annotated[
        str | None, typer.Argument(help="decision:N, or vote:V/M for an owners' vote matter.")
    ] = None,
    by: Annotated[str | None, typer.Option(help="Username of who links it.")] = None,
) -> None:
    """List the links, show one matter's, or link one by hand (checked as the steps, logged)."""
    with open_session(writes=cited is not None) as session:
        ref = tenancy.resolve(session, code)
        if matter is None:
            for row in authority.links(session, ref.id):
                typer.echo(f"{row.matter_kind.value}:{row.matter_ref}\t{row.authority}")
            return
        which = authority.parse_matter(matter)
        if cited is not None:
            actor = None if by is None else identity.acting_user(session, by).user_id
            authority.check(session, ref.id, which, cited, actor)
            session.commit()
        found = authority.find(session, ref.id, which)
    typer.echo(f"{which.text()}\t{found or _('no decision linked')}")
