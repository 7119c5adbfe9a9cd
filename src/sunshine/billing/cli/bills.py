"""`sunshine billing items|add-item|rate|lease|run|pay CODE …`: bills from the command line.

Each change is one service call committed at once; refusals print their reasons and exit
with code 2 (the root command does that). `run --preview` writes nothing; a run shows a
progress bar while its bills are written.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn
from rich.progress import MofNCompleteColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeElapsedColumn
from rich.table import Table

from sunshine.billing import service
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.billing.schemas import bills as schemas
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session

Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]
Item = Annotated[str, typer.Option("--item", help="A charge item's code, e.g. garbage.")]
ACTOR = "cli"


def items(code: Code) -> None:
    """List the charge items and their rates (收费项目及单价)."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        table = Table("code", "名称 name", "kind", "account", "liable", "rates 单价（起）")
        for item in service.list_items(session, ref.id):
            rates = service.rates_of(session, ref.id, item.id)
            cited = service.rate_authorities(session, ref.id, item.id)
            steps = ", ".join(
                f"{schemas.yuan(r.rate_fen)} ({r.effective_from}"
                + (f", {cited[r.id]}" if r.id in cited else "")
                + ")"
                for r in rates
            )
            table.add_row(
                item.code, item.name, item.kind.value, item.account_code, item.liable.value, steps
            )
    Console(emoji=False, highlight=False).print(table)


def add_item(
    code: Code,
    item: Annotated[str, typer.Option("--code", help="The new item's code, e.g. garbage.")],
    name: Annotated[str, typer.Option(help="Its name, e.g. 生活垃圾清运费.")],
    kind: Annotated[ChargeKind, typer.Option(help="How it is measured.")],
    account: Annotated[str, typer.Option(help="Its income account, e.g. 6004.")],
    liable: Annotated[Liable, typer.Option(help="Who pays.")] = Liable.OWNER,
    first_month: Annotated[int, typer.Option(help="A yearly item's first month.")] = 1,
) -> None:
    """Add a charge item (收费项目)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        service.add_item(
            session,
            ref.id,
            code=item,
            name=name,
            kind=kind,
            account_code=account,
            liable=liable,
            first_month=first_month,
        )
        session.commit()
    typer.echo(f"charge item {item} added / 已添加收费项目")


def rate(
    code: Code,
    item: Item,
    yuan: Annotated[str, typer.Option("--rate", help="Yuan per measure, e.g. 1.85.")],
    since: Annotated[str, typer.Option("--from", help="Effective from, YYYY-MM-DD.")],
    authority: Annotated[
        str | None,
        typer.Option(help="The owners' vote or committee decision: vote:V/M or decision:N."),
    ] = None,
) -> None:
    """Set a charge item's rate from a day on; bills already issued keep theirs."""
    amount = schemas.parse_yuan(yuan, where="rate")
    day = schemas.parse_day(since, where="from")
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        found = service.item_by_code(session, ref.id, item)
        service.set_rate(
            session,
            ref.id,
            found.id,
            rate=amount,
            effective_from=day,
            actor=ACTOR,
            authority=authority,
        )
        session.commit()
    typer.echo(f"{item}: {amount} from {day} / 自{day}起单价{amount}")


def lease(
    code: Code,
    space: Annotated[str, typer.Option(help="The space, e.g. P01.")],
    unit_id: Annotated[int, typer.Option("--unit-id", help="The unit it is let to.")],
    since: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    until: Annotated[str | None, typer.Option("--until", help="Last day, YYYY-MM-DD.")] = None,
) -> None:
    """Let a parking space to a unit (billing's lease list until the parking part)."""
    starts = schemas.parse_day(since, where="from")
    ends = schemas.parse_day(until, where="until") if until else None
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        row = service.add_lease(
            session, ref.id, space=space, unit_id=unit_id, starts_on=starts, ends_on=ends
        )
        session.commit()
    typer.echo(f"lease {row.id}: {space}")


def run(
    code: Code,
    item: Item,
    period: Annotated[str, typer.Option(help="The month billed, YYYY-MM.")],
    preview: Annotated[bool, typer.Option("--preview", help="Say what would be billed.")] = False,
) -> None:
    """Bill a charge item for a month (开单): each liable unit or lease once, in the ledger."""
    month = schemas.parse_period(period)
    console = Console(emoji=False, highlight=False)
    with open_session(writes=not preview) as session:
        ref = tenancy.resolve(session, code)
        found = service.item_by_code(session, ref.id, item)
        if preview:
            plan = service.preview_run(session, ref.id, found.id, month)
            console.print(_summary("would bill / 将开单", plan))
            return
        with _bar(console) as bar:
            task = bar.add_task(f"{item} {month}", total=None)
            plan, done = service.post_run(
                session,
                ref.id,
                found.id,
                month,
                actor=ACTOR,
                progress=lambda written, total: bar.update(task, completed=written, total=total),
            )
        session.commit()
    console.print(_summary("billed / 已开单" if done else "nothing new / 无新账单", plan))


def pay(
    code: Code,
    unit_id: Annotated[int, typer.Option("--unit-id", help="The unit paid for.")],
    amount: Annotated[str, typer.Option(help="Yuan received.")],
    method: Annotated[str, typer.Option(help="cash, card or transfer.")] = "cash",
    reference: Annotated[str, typer.Option(help="The bank or card slip's number.")] = "",
) -> None:
    """Take a payment at the desk: oldest bills first, the rest a prepayment."""
    money = schemas.parse_yuan(amount, where="amount")
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        payment = service.take_payment(
            session,
            community_id=ref.id,
            unit_id=unit_id,
            amount=money,
            method=method,
            reference=reference,
            received_at=clock.now(),
            actor=ACTOR,
        )
        session.commit()
        typer.echo(f"payment {payment.id}, entry {payment.entry_id}: {money}")


def _summary(label: str, plan: service.Plan) -> str:
    return (
        f"{plan.item_code} {plan.period} {label}: {plan.count} bills 笔, "
        f"{plan.total} 元 (prepaid 预收抵扣 {plan.prepaid}); "
        f"billed before 已开 {plan.already}, nobody liable 无缴费人 {plan.skipped}"
    )


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
