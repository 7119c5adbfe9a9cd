"""`sunshine user add` (people who log in, with their roles) and `sunshine codes` (dev codes).

Output is in the deployment's default language (zh_CN). Communities are named by code;
identity sits below registry and may not import it, so it finds them through
`infra.tenancy`, whose lookup the root command installs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import GLOBAL_ROLES
from sunshine.identity.rules import Role
from sunshine.identity.schemas import clean_phone
from sunshine.identity.service.senders import LogSender
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import translations
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid

user_app = typer.Typer(
    no_args_is_help=True, pretty_exceptions_show_locals=False, help="People who log in."
)


def _(message: str) -> str:
    return translations(get_settings().default_locale).gettext(message)


def pgettext(context: str, message: str) -> str:
    return str(translations(get_settings().default_locale).pgettext(context, message))


def _community_id(session: Session, code: str) -> int:
    return tenancy.resolve(session, code).id


def _memberships(communities: list[str], roles: list[Role]) -> list[tuple[str, Role]]:
    if len(communities) != len(roles):
        raise Invalid("give one --role for each --community")
    wide = [role.value for role in roles if role in GLOBAL_ROLES]
    if wide:
        raise Invalid(
            "the role {role} is city-wide; set it on the user instead", args={"role": wide[0]}
        )
    return list(zip(communities, roles, strict=True))


@user_app.command("add")
def add(
    name: Annotated[str, typer.Option("--name", help="The name shown to others.")],
    username: Annotated[str | None, typer.Option(help="Staff login name.")] = None,
    password: Annotated[
        str | None, typer.Option(help="Staff password; asked for (hidden) when omitted.")
    ] = None,
    phone: Annotated[str | None, typer.Option(help="Mobile number for code login.")] = None,
    community: Annotated[
        list[str] | None, typer.Option(help="Community code; pair each with a --role.")
    ] = None,
    role: Annotated[list[Role] | None, typer.Option(help="Role in that community.")] = None,
    global_role: Annotated[
        Role | None, typer.Option(help="city_supervisor or platform_admin.")
    ] = None,
) -> None:
    """Add a user who logs in by username and password, by phone and code, or both."""
    pairs = _memberships(community or [], role or [])
    if global_role is not None and global_role not in GLOBAL_ROLES:
        raise Invalid("the global role must be city_supervisor or platform_admin")
    if username and password is None:
        password = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    with open_session(writes=True) as session:
        user = identity.add_user(
            session,
            display_name=name,
            username=username or None,
            phone=clean_phone(phone) if phone else None,
            password=password,
            global_role=global_role,
        )
        for code, held in pairs:
            community_id = _community_id(session, code)
            identity.grant_role(session, user_id=user.id, community_id=community_id, role=held)
        session.commit()
        typer.echo(
            _("Added user {id}: {name}").format(id=user.id, name=user.display_name),
        )


def codes(
    limit: Annotated[int, typer.Option(min=1, help="How many of the newest codes.")] = 20,
) -> None:
    """Show recent development login codes, newest first (Asia/Shanghai time)."""
    recent = LogSender(get_settings().code_log).recent(limit)
    console = Console()
    if not recent:
        console.print(_("No login codes have been sent yet."))
        return
    table = Table(title=_("Login codes"))
    for header in (_("Time"), _("Phone number"), pgettext("login", "Code")):
        table.add_column(header)
    for entry in recent:
        sent_at = clock.local(datetime.fromisoformat(entry["at"]))
        table.add_row(sent_at.strftime("%Y-%m-%d %H:%M:%S"), entry["phone"], entry["code"])
    console.print(table)
