"""`sunshine billing receipt|arrears|terms CODE …`: receipts, arrears, collection terms.

Refusals (no such receipt) print their reason and exit with code 2 (the root command).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sunshine.billing.rules import collect as rules
from sunshine.billing.rules.income import IncomeBasis
from sunshine.billing.service import arrears as arrears_service
from sunshine.billing.service import printing
from sunshine.billing.service import terms as terms_service
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.registry import service as registry

Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]
BASIS_NAMES = {
    IncomeBasis.BILLED: "开单时（权责发生制）",
    IncomeBasis.COLLECTED: "收款时（收付实现制）",
}


def receipt(
    code: Code,
    number: Annotated[int, typer.Argument(help="The receipt's number.", min=1)],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the receipt here.")] = None,
    half: Annotated[bool, typer.Option("--half", help="Half A4 (A5 landscape).")] = False,
) -> None:
    """Show a receipt (收款收据), or write it as a PDF in Chinese."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        view = printing.receipt_view(session, ref.id, ref.name, number)
    if pdf is not None:
        pdf.write_bytes(printing.receipt_pdf(view, half=half))
        typer.echo(f"receipt {view.number} → {pdf}")
        return
    state = " 已退款 refunded" if view.refunded else ""
    typer.echo(
        f"No. {view.number:08d} {view.issued_on} {view.unit} {view.amount} 元 "
        f"({view.capitals}) entry #{view.entry_id} check {view.check_code}{state}"
    )


def arrears(
    code: Code,
    on: Annotated[str, typer.Option("--on", help="As of this day (YYYY-MM-DD); today.")] = "",
) -> None:
    """The arrears by unit and ageing band (欠费账龄), as of a day."""
    day = date.fromisoformat(on) if on else clock.today()
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        numbers = {u.id: u.number for u in registry.list_units(session, ref.id)}
        rows = arrears_service.ageing_by_unit(session, ref.id, day)
    table = Table("房号 unit", *(f"{b.key} 天" for b in rules.BANDS), "合计 total")
    for row in sorted(rows, key=lambda r: numbers.get(r.key, "")):
        table.add_row(numbers.get(row.key, "?"), *(str(b) for b in row.bands), str(row.total))
    Console(emoji=False, highlight=False).print(table)


def terms(
    code: Code,
    late_fee_bp: Annotated[
        int,
        typer.Option(help="The contract's daily late-fee rate in basis points (万分之); 0: none."),
    ] = 0,
    from_day: Annotated[int, typer.Option(help="The fee runs from this day past due.")] = 1,
    cap_bp: Annotated[
        int | None, typer.Option(help="Its cap in basis points of what is owed, if written.")
    ] = None,
    clause: Annotated[str, typer.Option(help="The clause quoted, e.g. 委托合同第十二条.")] = "",
    public_rooms: Annotated[
        bool, typer.Option(help="Public figures may list room numbers (never amounts).")
    ] = False,
    income_on: Annotated[
        IncomeBasis | None,
        typer.Option(
            "--income-on",
            help="Income when billed (the default) or when collected (收付实现制);"
            " fixed once there are bills. Unchanged if not given.",
        ),
    ] = None,
) -> None:
    """Record the community's collection terms: late-fee clause, public rooms, income basis."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        terms_service.set_terms(
            session,
            ref.id,
            late_fee_bp=late_fee_bp,
            late_fee_from_day=from_day,
            late_fee_cap_bp=cap_bp,
            clause_ref=clause,
            public_rooms=public_rooms,
            income_on=income_on,
        )
        basis = terms_service.income_basis(session, ref.id)
        session.commit()
    fee = f"万分之{late_fee_bp}/日 from day {from_day}" if late_fee_bp else "none 无"
    typer.echo(
        f"late fee 违约金: {fee}; rooms in public 公开房号: {public_rooms};"
        f" income 收入确认: {BASIS_NAMES[basis]} {basis.value}"
    )
