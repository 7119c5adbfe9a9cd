"""`sunshine disclosure CODE [--public|--private]`: a community's public disclosure (公开披露).

With it on (the default), anyone may read the community's notices, board, budgets and
public voucher copies without logging in; with it off, only its members may.
"""

from __future__ import annotations

from typing import Annotated

import typer

from sunshine.infra.db import open_session
from sunshine.registry import service
from sunshine.registry.service import publicity


def disclosure(
    code: Annotated[str, typer.Argument(help="The community's code.")],
    public: Annotated[
        bool | None,
        typer.Option(
            "--public/--private",
            help="Open the public notices to everyone, or to members only; unset: show it.",
        ),
    ] = None,
) -> None:
    """Show or set whether a community's notices are public (公开披露)."""
    with open_session(writes=public is not None) as session:
        if public is None:
            community = service.get_community(session, code)
        else:
            community = publicity.set_public_disclosure(session, code, public=public)
            session.commit()
        shown = (
            "公开：任何人无需登录即可查看公示 / public: anyone may read the notices"
            if community.public_disclosure
            else "仅限本小区成员：需登录查看公示 / members only: the notices need a login"
        )
        typer.echo(f"{community.name} ({community.code}): {shown}")
