"""`sunshine governance vote create|open|ballot|close|show|recount|receipt`: owners' votes.

Each command is one transaction committed at the end; a refusal writes nothing and exits
with code 2. Times are ISO (2026-12-10T09:00; without a zone, Beijing time). `--at` says
when a step happened when staff enter it afterwards (a paper ballot received earlier);
it defaults to now. Messages are in the deployment's language (Chinese first).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from sunshine.governance.models.votes import BallotWay
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.service import ballots
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.governance.service.ballots import Documents
from sunshine.governance.service.votes import MatterDraft
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.ledger import service as ledger

app = typer.Typer(no_args_is_help=True, help="Owners' votes (业主共同决定, 民法典第二百七十八条).")
Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]
VoteId = Annotated[int, typer.Argument(help="The vote's number.")]
At = Annotated[str, typer.Option("--at", help="When it happened (ISO); now by default.")]


def _(message: str) -> str:
    return gettext(get_settings().default_locale, message)


def _instant(text: str) -> datetime:
    """An ISO time; without a zone, Beijing time (where the owners read it)."""
    if not text:
        return clock.now()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("{value} is not a time (YYYY-MM-DDTHH:MM)", args={"value": text}) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.SHANGHAI)


def _matter(text: str) -> MatterDraft:
    item, _sep, title = text.partition(":")
    try:
        return MatterDraft(Item(int(item)), title.strip())
    except ValueError:
        raise Invalid("{value} is not ITEM:QUESTION (item 1 to 9)", args={"value": text}) from None


def _answers(given: list[str]) -> dict[int, Choice]:
    answers: dict[int, Choice] = {}
    for text in given:
        number, _sep, choice = text.partition("=")
        try:
            answers[int(number)] = Choice(choice.strip())
        except ValueError:
            raise Invalid("{value} is not MATTER=yes|no|abstain", args={"value": text}) from None
    return answers


def _scope(session: Session, cid: int, buildings: list[str], units: list[str]) -> Scope:
    return votes.scope_named(session, cid, buildings, units)


@app.command("create")
def create(
    code: Code,
    title: Annotated[str, typer.Argument(help="The vote's title (no names or phone numbers).")],
    matter: Annotated[list[str], typer.Option("--matter", help="ITEM:QUESTION, e.g. 5:更换电梯.")],
    opens: Annotated[str, typer.Option("--opens", help="When ballots open (ISO).")],
    closes: Annotated[str, typer.Option("--closes", help="When ballots close (ISO).")],
    notice: Annotated[str, typer.Option("--notice", help="The notice given to the owners.")],
    notice_on: Annotated[str, typer.Option("--notice-on", help="The day it was given.")],
    building: Annotated[list[str] | None, typer.Option("--building")] = None,
    unit: Annotated[list[str] | None, typer.Option("--unit")] = None,
    silent: Annotated[
        bool,
        typer.Option(
            "--silent-follow-majority",
            help="Only where the rules of procedure adopt it (LAW.md 1); off by default.",
        ),
    ] = False,
) -> None:
    """Draft a vote: its matters with their art. 278 items, scope, times and notice."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = votes.create_vote(
            session, ref.id, title=title, matters=[_matter(m) for m in matter],
            scope=_scope(session, ref.id, building or [], unit or []), opens_at=_instant(opens),
            closes_at=_instant(closes), notice_text=notice,
            notice_on=_instant(notice_on).date(), actor_id=None, silent_follow_majority=silent,
        )  # fmt: skip
        session.commit()
        typer.echo(_("vote {id} drafted: {title}").format(id=made.id, title=made.title))


@app.command("open")
def open_(code: Code, vote_id: VoteId, at: At = "") -> None:
    """Open a vote, freezing the roll of its scope as the registry stands."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        vote = counting.open_vote(session, ref.id, vote_id, at=_instant(at))
        roll = votes.roll_of(vote)
        session.commit()
    typer.echo(
        _("vote {id} open: {heads} owners, {area} m² on the roll")
        .format(id=vote_id, heads=roll.heads, area=roll.area)
    )  # fmt: skip


def _voucher(session: Session, cid: int, path: Path | None) -> str | None:
    """Keep a document as a ledger voucher (same bytes, same voucher); its SHA-256."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Invalid("{path} cannot be read", args={"path": str(path)}) from error
    return ledger.store_voucher(session, cid, data, name=path.name, actor_id=None).sha256


@app.command("ballot")
def ballot(
    code: Code,
    vote_id: VoteId,
    party: Annotated[int, typer.Argument(help="The owner's number in the registry.")],
    answer: Annotated[list[str], typer.Option("--answer", help="MATTER=yes|no|abstain.")],
    way: Annotated[BallotWay, typer.Option("--way")] = BallotWay.PAPER,
    scan: Annotated[Path | None, typer.Option("--scan", help="The scanned ballot.")] = None,
    authorisation: Annotated[
        Path | None, typer.Option("--authorisation", help="The written proxy authorisation.")
    ] = None,
    voter: Annotated[str, typer.Option("--voter", help="Whose ballot, if several.")] = "",
    at: At = "",
) -> None:
    """Enter a ballot (paper with its scan, or proxy with the authorisation); print its receipt."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        cast = ballots.cast_ballot(
            session, ref.id, vote_id, party_id=party, answers=_answers(answer), way=way,
            at=_instant(at), voter=voter or None,
            documents=Documents(_voucher(session, ref.id, scan),
                                _voucher(session, ref.id, authorisation)),
        )  # fmt: skip
        session.commit()
    typer.echo(_("ballot entered; receipt code {receipt}").format(receipt=cast.receipt))


def _outcome(value: str) -> str:
    texts = {
        "passed": _("passed"),
        "rejected": _("not passed"),
        "quorum_not_reached": _("not passed: quorum not reached"),
    }
    return texts.get(value, value)


@app.command("close")
def close(code: Code, vote_id: VoteId, at: At = "") -> None:
    """Count a vote whose time is up and append the result to the public log."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        vote = counting.close_vote(session, ref.id, vote_id, at=_instant(at))
        session.commit()
        _print_result(counting.result_of(vote))


def _print_result(result: dict[str, object] | None) -> None:
    if result is None:
        return
    tally = result["tally"]
    assert isinstance(tally, dict)
    for matter in tally["matters"]:
        raw = matter["raw"]
        typer.echo(
            _("matter {number} (item {item}): {outcome}; {part} of {total} owners took part,"
              " {yes} agreed").format(
                number=matter["matter"], item=matter["item"],
                outcome=_outcome(matter["outcome"]), part=raw["part"]["heads"],
                total=raw["total"]["heads"], yes=raw["yes"]["heads"])
        )  # fmt: skip


@app.command("show")
def show(code: Code, vote_id: VoteId) -> None:
    """A vote: its state, times, matters and, once closed, its result."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        vote = votes.get_vote(session, ref.id, vote_id)
        typer.echo(f"{vote.id}\t{vote.state.value}\t{vote.title}")
        typer.echo(f"{clock.local(vote.opens_at).isoformat()} – "
                   f"{clock.local(vote.closes_at).isoformat()}")  # fmt: skip
        for matter in votes.matters_of(vote):
            typer.echo(f"{matter['number']}\t{matter['item']}\t{matter['title']}")
        _print_result(counting.result_of(vote))


@app.command("recount")
def recount(code: Code, vote_id: VoteId) -> None:
    """Count a closed vote again from its frozen roll and ballots; exit 1 if the log differs."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        same = counting.recount_from_log(session, ref.id, vote_id)
    if not same:
        typer.echo(_("vote {id}: the log's result is not what the ballots count to")
                   .format(id=vote_id))  # fmt: skip
        raise typer.Exit(1)
    typer.echo(_("vote {id}: counted again, the same result").format(id=vote_id))


@app.command("receipt")
def receipt(code: Code, vote_id: VoteId, receipt_code: Annotated[str, typer.Argument()]) -> None:
    """Find a ballot by its receipt code: replaced or not, counted or not."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        check = counting.check_receipt(session, ref.id, vote_id, receipt_code)
    if check.replaced:
        typer.echo(_("this ballot was replaced by a later one"))
    elif check.counted is None:
        typer.echo(_("this ballot will be counted when the vote closes"))
    else:
        counted = _("this ballot was counted")
        typer.echo(counted if check.counted else _("this ballot was not counted"))
