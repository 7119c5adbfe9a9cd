"""`sunshine billing orders open|close-expired|book|refused`: online orders from the command line.

`close-expired` is the job cron or a systemd timer runs every few minutes: each community's
orders whose time has run out are closed at their channel and marked expired.
"""

from __future__ import annotations

from typing import Annotated

import typer

from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.billing.service.channels.registry import default_channel
from sunshine.infra import clock
from sunshine.infra.db import open_session
from sunshine.infra.i18n import translations
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.registry import service as registry

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Online orders: open one, close the expired, list refused notifications.",
)


def _(message: str) -> str:
    return translations(get_settings().default_locale).gettext(message)


@app.command("open")
def open_order(
    code: Annotated[str, typer.Argument(help="The community's code.")],
    unit: Annotated[str, typer.Argument(help="The unit's number, 1-1-101.")],
    amount: Annotated[str, typer.Argument(help="Yuan, 100.00.")],
    description: Annotated[str, typer.Option(help="What is paid for.")] = "物业费",
    bill: Annotated[
        list[int] | None,
        typer.Option("--bill", help="A bill the payer chose (repeat); else the oldest first."),
    ] = None,
) -> None:
    """Open an online order for a unit at the configured channel; print where to pay it."""
    try:
        fen = Fen.parse(amount)
    except ValueError:
        raise typer.BadParameter(amount) from None
    with open_session(writes=True) as session:
        community = registry.community_ref(session, code)
        found = registry.find_unit(session, community.id, unit) if community else None
        if community is None or found is None:
            raise NotFound("there is no unit {unit} in {code}", args={"unit": unit, "code": code})
        opened = online.open_order(
            session,
            community.id,
            unit_id=found.id,
            amount=fen,
            description=description,
            channel=default_channel(),
            now=clock.now(),
            minutes=get_settings().pay_order_minutes,
            bill_ids=bill or None,
        )
        session.commit()
        instruction = opened.instruction
        typer.echo(opened.order.order_no)
        typer.echo(instruction.url or instruction.code_url)


@app.command("close-expired")
def close_expired() -> None:
    """Close every community's orders whose time has run out, at their channels."""
    closed = 0
    with open_session(writes=True) as session:
        for community in registry.community_refs(session):
            closed += len(online.close_expired(session, community.id, now=clock.now()))
            session.commit()
    typer.echo(_("Closed {count} expired orders.").format(count=closed))


@app.command("book")
def book() -> None:
    """Book every paid order not yet in the ledger (the server does it as they are paid)."""
    booked = 0
    with open_session(writes=True) as session:
        communities = online_booking.communities_with_unbooked(session)
        session.rollback()  # the read began a transaction; each batch has its own
        for community_id in communities:
            while count := online_booking.book_paid_orders(session, community_id):
                session.commit()
                booked += count
    typer.echo(_("Booked {count} paid orders.").format(count=booked))


@app.command("refused")
def refused(limit: Annotated[int, typer.Option(min=1, max=1000)] = 50) -> None:
    """The latest refused notifications, newest first: when, channel, reason, order."""
    with open_session() as session:
        for row in online.refused_notices(session, limit=limit):
            when = clock.local(row.received_at).strftime("%Y-%m-%d %H:%M:%S")
            typer.echo(f"{when}\t{row.channel}\t{row.reason.value}\t{row.order_no}")
