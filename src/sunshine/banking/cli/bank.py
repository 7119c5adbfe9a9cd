"""`sunshine bank account|import|match|reconcile CODE …`: a community's bank statements.

Each command is one transaction committed at the end: a refused statement (a line that
does not read, balances that do not add up) writes nothing and exits with code 2 after
naming the line. Messages are in the deployment's language (Chinese first).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from sunshine.banking.rules import reconciliation as rules
from sunshine.banking.service import accounts
from sunshine.banking.service import imports
from sunshine.banking.service import matching
from sunshine.banking.service import reconcile as reconciling
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid

app = typer.Typer(
    no_args_is_help=True, help="Bank statements: import, match, reconcile (银行对账)."
)
Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]
Account = Annotated[
    str, typer.Option("--account", help="Account number (when the community has several).")
]


def _(message: str) -> str:
    return gettext(get_settings().default_locale, message)


@app.command("account")
def account(
    code: Code,
    number: Annotated[str, typer.Argument(help="The account number.")],
    bank: Annotated[str, typer.Option("--bank", help="icbc, ccb, abc, boc or jsb.")],
    name: Annotated[str, typer.Option("--name", help="The account's name at the bank.")] = "",
    ledger_code: Annotated[str, typer.Option("--ledger-account")] = "1001",
    window: Annotated[int, typer.Option("--window", help="Date window for matching, days.")] = 3,
) -> None:
    """Add or change the community's bank account (its trust account, ledger 1001)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        found = accounts.set_account(
            session, ref.id, number=number, bank=bank, name=name, ledger_code=ledger_code,
            window_days=window,
        )  # fmt: skip
        session.commit()
        typer.echo(
            _("bank account {number} ({bank}) is set").format(number=found.number, bank=bank)
        )


@app.command("import")
def import_(
    code: Code,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX export.")],
    bank: Annotated[str, typer.Option("--bank", help="icbc, ccb, abc, boc or jsb.")],
    account_number: Account = "",
) -> None:
    """Import a statement as the bank exported it; importing it again adds nothing."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        done = imports.import_statement(
            session, ref.id, file.read_bytes(), bank=bank, account_number=account_number
        )
        matched = matching.auto_match(session, ref.id, done.account_id)
        session.commit()
    typer.echo(
        _("{added} lines added, {known} already held, {first} to {last}, closing balance {closing}")
        .format(added=done.added, known=done.known, first=done.first, last=done.last,
                closing=done.closing_balance)
    )  # fmt: skip
    typer.echo(_("{count} lines matched to ledger entries").format(count=matched))


@app.command("match")
def match(code: Code, account_number: Account = "") -> None:
    """Match the unmatched lines to ledger entries (amount, date window, reference text)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        found = accounts.pick_account(session, ref.id, account_number)
        matched = matching.auto_match(session, ref.id, found.id)
        session.commit()
    typer.echo(_("{count} lines matched to ledger entries").format(count=matched))


@app.command("reconcile")
def reconcile(
    code: Code,
    on: Annotated[str, typer.Option("--date", help="The day, YYYY-MM-DD.")],
    account_number: Account = "",
    record: Annotated[
        bool, typer.Option(help="Append it to the public log if it balances.")
    ] = True,
) -> None:
    """Print the reconciliation for a date; when it balances, append it to the public log."""
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise Invalid("{value} is not a date (YYYY-MM-DD)", args={"value": on}) from None
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        found = accounts.pick_account(session, ref.id, account_number)
        rec = reconciling.reconcile(session, ref.id, found, day)
        _print(rec)
        if record and rec.balanced:
            reconciling.record(session, ref.id, found, day, actor_id=None)
            session.commit()
            typer.echo(_("balanced: appended to the public log"))
        elif not rec.balanced:
            raise Invalid("the reconciliation for {on} does not balance: {left} is unexplained",
                          args={"on": day.isoformat(), "left": str(rec.unexplained)})  # fmt: skip


def _print(rec: rules.Reconciliation) -> None:
    typer.echo(_("Bank balance {amount}").format(amount=rec.bank_balance))
    typer.echo(_("Book balance {amount}").format(amount=rec.book_balance))
    for item in rec.items:
        typer.echo(f"  {item.booked_on}  {_(KIND_LABELS[item.kind])}  {item.amount}  {item.text}")
    typer.echo(_("Unexplained {amount}").format(amount=rec.unexplained))


KIND_LABELS = {
    rules.ItemKind.IN_TRANSIT: "booked, not yet in the bank",
    rules.ItemKind.BANK_FEE: "bank fee not yet booked",
    rules.ItemKind.EXPLAINED: "explained",
    rules.ItemKind.UNMATCHED: "bank line with no entry",
}
