"""`sunshine governance expense limits|propose|answer|object|reply|vote|pay|list|show`.

Spending approvals from the command line, by the same service as the pages. Each command is
one transaction committed at the end; a refusal writes nothing and exits with code 2. Who
acts is named by login (`--by`, a member's `USER`), since approvals are a person's. Amounts
are in yuan (4100.00), days ISO. Messages are in the deployment's language (Chinese first).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from sunshine.governance.rules.spending import Choice
from sunshine.governance.rules.spending import Emergency
from sunshine.governance.service import spending
from sunshine.identity import service as identity
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger

app = typer.Typer(no_args_is_help=True, help="Spending approvals (支出审批, LAW.md 2).")
Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]
Number = Annotated[int, typer.Argument(help="The expense's number.")]
By = Annotated[str, typer.Option("--by", help="The login who acts (username).")]


def _(message: str) -> str:
    return gettext(get_settings().default_locale, message)


def _yuan(text: str) -> Fen:
    try:
        return Fen.parse(text)
    except ValueError:
        raise Invalid("{where}: not an amount of money", args={"where": text}) from None


def _day(text: str) -> date:
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("not a day") from None


def _user(session: Session, username: str) -> int | None:
    if not username:
        return None
    user = identity.find_user_by_username(session, username)
    if user is None:
        raise NotFound("no login {name}", args={"name": username})
    return user.id


def _show(session: Session, cid: int, number: int) -> None:
    expense = spending.get_expense(session, cid, number)
    typer.echo(
        f"{expense.id}\t{expense.title}\t{expense.amount}\t{expense.need.value}\t"
        f"{expense.state.value}\t{expense.budget_mark.value}"
        + ("\t" + _("frozen by an objection") if expense.frozen else "")
        + (f"\tdecision {expense.decision_id}" if expense.decision_id else "")
        + (f"\t{expense.vote_ref}" if expense.vote_ref else "")
        + (f"\tentry {expense.paid_entry}" if expense.paid_entry else "")
    )


@app.command("limits")
def limits(
    code: Code,
    committee: Annotated[int, typer.Option("--committee", help="The approving committee.")],
    approval: Annotated[str, typer.Option("--approval", help="Committee approval above (yuan).")],
    vote: Annotated[str, typer.Option("--vote", help="Owners' vote above (yuan).")],
    needed: Annotated[int, typer.Option("--needed", help="Approvals needed (N of M).")],
    vote_account: Annotated[list[str] | None, typer.Option("--vote-account")] = None,
    routine: Annotated[list[str] | None, typer.Option("--routine")] = None,
    since: Annotated[str, typer.Option("--from", help="In force from (ISO day).")] = "",
    by: By = "",
) -> None:
    """Set the spending limits in force from a day (logged)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        row = spending.set_limits(
            session, ref.id, committee_id=committee, committee_limit=_yuan(approval),
            vote_limit=_yuan(vote), approvals_needed=needed, vote_accounts=vote_account or [],
            exempt_accounts=routine or [], effective_from=_day(since),
            actor_id=_user(session, by),
        )  # fmt: skip
        session.commit()
        typer.echo(_("spending limits {id} set").format(id=row.id))


@app.command("propose")
def propose(  # noqa: PLR0913, PLR0917 - one argument per option
    code: Code,
    title: Annotated[str, typer.Argument(help="What for (no names or phone numbers).")],
    amount: Annotated[str, typer.Option("--amount", help="Yuan, e.g. 4100.00.")],
    account: Annotated[str, typer.Option("--account", help="The ledger account, e.g. 6602.")],
    payee: Annotated[str, typer.Option("--payee")],
    line: Annotated[str, typer.Option("--line", help="The budget line.")] = "",
    quote: Annotated[list[Path] | None, typer.Option("--quote", help="Quote or contract.")] = None,
    on: Annotated[str, typer.Option("--on", help="Proposed on (ISO day).")] = "",
    emergency: Annotated[Emergency | None, typer.Option("--emergency")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why it could not wait.")] = "",
    vote: Annotated[str, typer.Option("--vote", help="vote:V/M that decided it.")] = "",
    by: By = "",
) -> None:
    """The trustee proposes an expense with its quote (stored as a ledger voucher)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        hashes = []
        for path in quote or []:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise Invalid("{path} cannot be read", args={"path": str(path)}) from error
            stored = ledger.store_voucher(session, ref.id, data, name=path.name, actor_id=None)
            hashes.append(stored.sha256)
        draft = spending.ExpenseDraft(
            title=title, amount=_yuan(amount), account=account, payee=payee,
            proposed_on=_day(on), budget_line=line or None, vouchers=tuple(hashes),
            emergency=emergency, emergency_reason=reason, vote_ref=vote or None,
        )  # fmt: skip
        made = spending.propose_expense(session, ref.id, draft, actor_id=_user(session, by))
        session.commit()
        _show(session, ref.id, made.id)


@app.command("answer")
def answer(
    code: Code,
    number: Number,
    user: Annotated[str, typer.Argument(help="The member's login.")],
    choice: Annotated[Choice, typer.Argument(help="approve or refuse.")],
    comment: Annotated[str, typer.Option("--comment")] = "",
    on: Annotated[str, typer.Option("--on", help="The day (ISO).")] = "",
) -> None:
    """A committee member approves or refuses (N of M decide; the decision is recorded)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        who = _user(session, user)
        assert who is not None  # a username was given
        spending.decide_expense(
            session, ref.id, number, user_id=who, choice=choice, comment=comment, on=_day(on)
        )
        session.commit()
        _show(session, ref.id, number)


@app.command("object")
def object_(code: Code, number: Number, text: str, by: By = "") -> None:
    """A supervisor objects: the expense is frozen until the trustee replies."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        spending.object_expense(session, ref.id, number, text=text, actor_id=_user(session, by))
        session.commit()
        _show(session, ref.id, number)


@app.command("reply")
def reply(code: Code, number: Number, text: str, by: By = "") -> None:
    """The trustee answers the objection; the expense moves again."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        spending.answer_objection(session, ref.id, number, text=text, actor_id=_user(session, by))
        session.commit()
        _show(session, ref.id, number)


@app.command("vote")
def link_vote(code: Code, number: Number, vote: str, by: By = "") -> None:
    """Link the closed owners' vote whose matter passed (vote:V/M)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        spending.link_vote(session, ref.id, number, vote, actor_id=_user(session, by))
        session.commit()
        _show(session, ref.id, number)


@app.command("pay")
def pay(
    code: Code,
    number: Number,
    on: Annotated[str, typer.Option("--on", help="Paid on (ISO day).")] = "",
    by: By = "",
) -> None:
    """Book the payment of an approved (or emergency) expense from the trust account."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        spending.pay_expense(
            session, ref.id, number, booked_on=_day(on), actor_id=_user(session, by)
        )
        session.commit()
        _show(session, ref.id, number)


@app.command("list")
def list_(code: Code) -> None:
    """Every expense: number, title, amount, what it needs, state, budget."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        for expense in spending.list_expenses(session, ref.id):
            _show(session, ref.id, expense.id)


@app.command("show")
def show(code: Code, number: Number) -> None:
    """One expense, and who answered how (member numbers)."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        _show(session, ref.id, number)
        for row in spending.approvals_of(session, ref.id, number):
            typer.echo(f"  {_('member')} {row.member_id}\t{row.choice.value}\t{row.comment}")
