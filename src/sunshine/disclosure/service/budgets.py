"""Use cases of the year's budget: draft it, open it for comments, approve it, revise it.

Callers write `from sunshine.disclosure.service import budgets` and
`budgets.create_budget(session, community_id, ..., actor_id=...)`. Functions never commit.
A refused step raises `Conflict` (wrong state) or `Invalid` (bad lines, text or
document) with every problem, before anything is written.

Comments are public without names (LAW.md 3): `list_comments` returns `PublicComment`
values, which carry no author; the author's id stays in the table only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.models.budgets import BudgetComment
from sunshine.disclosure.models.budgets import BudgetDecision
from sunshine.disclosure.models.budgets import BudgetLine
from sunshine.disclosure.rules import budget as rules
from sunshine.disclosure.service.budget_log import log_decision
from sunshine.infra import authority as authorities
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger

_KINDS = {
    ledger_rules.AccountKind.INCOME: rules.LineKind.INCOME,
    ledger_rules.AccountKind.EXPENSE: rules.LineKind.SPENDING,
}


@dataclass(frozen=True, slots=True)
class PublicComment:
    """A comment as everyone sees it: no author. `mine` is true only for its author."""

    id: int
    version: int
    line_number: int
    body: str
    posted_on: date
    mine: bool


# --- reads ----------------------------------------------------------------------------


def get_budget(session: Session, community_id: int, budget_id: int) -> Budget:
    """The budget with this id in the community. Raises NotFound."""
    budget = session.get(Budget, (community_id, budget_id))
    if budget is None:
        raise NotFound("there is no budget {id}", args={"id": budget_id})
    return budget


def list_budgets(session: Session, community_id: int) -> list[Budget]:
    """The community's budgets, the latest year first."""
    query = select(Budget).where(Budget.community_id == community_id).order_by(Budget.first.desc())
    return list(session.scalars(query))


def find_budget_for(
    session: Session, community_id: int, period: Period, *, in_force: bool = True
) -> Budget | None:
    """The budget whose year holds `period` (by default only an approved or revised one)."""
    query = select(Budget).where(
        Budget.community_id == community_id,
        Budget.first <= period,
        Budget.first > period.shift(-rules.YEAR_MONTHS),
    )
    found = session.scalars(query).first()
    if found is None or (in_force and not found.state.in_force):
        return None
    return found


def lines_of(
    session: Session, community_id: int, budget_id: int, *, version: int | None = None
) -> list[rules.LineDraft]:
    """The lines of one version (default: the budget's current one), numbered from 1."""
    if version is None:
        version = get_budget(session, community_id, budget_id).version
    query = (
        select(BudgetLine)
        .where(
            BudgetLine.community_id == community_id,
            BudgetLine.budget_id == budget_id,
            BudgetLine.version == version,
        )
        .order_by(BudgetLine.number)
    )
    return [_draft(line) for line in session.scalars(query)]


def decisions_of(session: Session, community_id: int, budget_id: int) -> list[BudgetDecision]:
    """The budget's approval and revisions, oldest first: its history of versions."""
    query = (
        select(BudgetDecision)
        .where(BudgetDecision.community_id == community_id, BudgetDecision.budget_id == budget_id)
        .order_by(BudgetDecision.version)
    )
    return list(session.scalars(query))


def list_comments(
    session: Session, community_id: int, budget_id: int, *, viewer_id: int | None = None
) -> list[PublicComment]:
    """Every comment on the budget, oldest first, without its author."""
    query = (
        select(BudgetComment)
        .where(BudgetComment.community_id == community_id, BudgetComment.budget_id == budget_id)
        .order_by(BudgetComment.posted_at, BudgetComment.id)
    )
    return [
        PublicComment(
            id=c.id,
            version=c.version,
            line_number=c.line_number,
            body=c.body,
            posted_on=clock.local(c.posted_at).date(),
            mine=viewer_id is not None and c.author_id == viewer_id,
        )
        for c in session.scalars(query)
    ]


def account_kinds(session: Session, community_id: int) -> dict[str, rules.LineKind | None]:
    """Every account code of the community's chart, with the kind of line it may serve."""
    return {
        code: _KINDS.get(account.kind)
        for code, account in ledger.accounts_by_code(session, community_id).items()
    }


# --- writes ---------------------------------------------------------------------------


def create_budget(
    session: Session,
    community_id: int,
    *,
    first: Period,
    title: str,
    lines: Sequence[rules.LineDraft] = (),
    actor_id: int | None,
) -> Budget:
    """Start a draft budget for the 12 months from `first`, optionally with its lines."""
    problems = rules.title_problems(title)
    if lines:
        problems += rules.line_problems(lines, account_kinds(session, community_id))
    if problems:
        raise Invalid("the budget was not created", problems=problems)
    overlap = session.scalar(
        select(Budget.first).where(
            Budget.community_id == community_id,
            Budget.first > first.shift(-rules.YEAR_MONTHS),
            Budget.first < first.shift(rules.YEAR_MONTHS),
        )
    )
    if overlap is not None:
        raise Conflict(
            "the budget from {other} already covers some of these months",
            args={"other": str(overlap)},
        )
    budget = Budget(
        community_id=community_id,
        first=first,
        title=title.strip(),
        state=rules.BudgetState.DRAFT,
        version=1,
        created_at=clock.now(),
        created_by=actor_id,
    )
    session.add(budget)
    session.flush()
    _add_lines(session, budget, lines)
    return budget


def set_lines(
    session: Session,
    community_id: int,
    budget_id: int,
    lines: Sequence[rules.LineDraft],
    *,
    actor_id: int | None,
) -> Budget:
    """Replace a draft budget's lines."""
    budget = _step(session, community_id, budget_id, rules.Step.EDIT)
    if problems := rules.line_problems(lines, account_kinds(session, community_id)):
        raise Invalid("the lines were not saved", problems=problems)
    session.execute(
        delete(BudgetLine).where(
            BudgetLine.community_id == community_id,
            BudgetLine.budget_id == budget_id,
            BudgetLine.version == budget.version,
        )
    )
    _add_lines(session, budget, lines)
    return budget


def open_for_comments(
    session: Session, community_id: int, budget_id: int, *, actor_id: int | None
) -> Budget:
    """Publish the draft to the owners for comments (开放式预算); its lines are then fixed."""
    budget = _step(session, community_id, budget_id, rules.Step.OPEN)
    if not lines_of(session, community_id, budget_id):
        raise Invalid(
            "the budget was not opened",
            problems=[Problem("no_lines", "a budget needs at least one line", where="lines")],
        )
    budget.state = rules.after(budget.state, rules.Step.OPEN)
    budget.opened_at = clock.now()
    budget.opened_by = actor_id
    session.flush()
    return budget


def approve_budget(
    session: Session,
    community_id: int,
    budget_id: int,
    *,
    decision_sha256: str,
    actor_id: int | None,
    authority: str | None = None,
) -> Budget:
    """Record the approval of the open budget, with the decision document (a voucher).

    `authority` cites the committee decision (`decision:N`) or owners' vote matter
    (`vote:V/M`) approving this version; the community's setting may require one
    (`infra.authority`: governance checks it and logs the link).
    """
    budget = _step(session, community_id, budget_id, rules.Step.APPROVE)
    _check_document(session, community_id, decision_sha256)
    matter = authorities.budget_matter(budget.first.year, budget.version)
    authorities.authorise(session, community_id, matter, authority, actor_id=actor_id)
    _decide(session, budget, reason="", decision_sha256=decision_sha256, actor_id=actor_id)
    budget.state = rules.after(budget.state, rules.Step.APPROVE)
    session.flush()
    return budget


def revise_budget(
    session: Session,
    community_id: int,
    budget_id: int,
    lines: Sequence[rules.LineDraft],
    *,
    reason: str,
    decision_sha256: str,
    actor_id: int | None,
    authority: str | None = None,
) -> Budget:
    """Put a new version of the lines in force, with the reason and the decision document.

    The old versions stay. Without a document (a voucher of the community) nothing changes,
    nor without the decision (or vote) `authority` cites where the community requires one.
    """
    budget = _step(session, community_id, budget_id, rules.Step.REVISE)
    problems = rules.text_problems(reason, where="reason", limit=rules.REASON_LENGTH)
    problems += rules.line_problems(lines, account_kinds(session, community_id))
    if problems:
        raise Invalid("the budget was not revised", problems=problems)
    # A change to what the owners approved needs its decision on record, as approval does.
    _check_document(session, community_id, decision_sha256)
    matter = authorities.budget_matter(budget.first.year, budget.version + 1)
    authorities.authorise(session, community_id, matter, authority, actor_id=actor_id)
    budget.version += 1
    budget.state = rules.after(budget.state, rules.Step.REVISE)
    session.flush()
    _add_lines(session, budget, lines)
    _decide(
        session, budget, reason=reason.strip(), decision_sha256=decision_sha256, actor_id=actor_id
    )
    return budget


def comment_on_line(
    session: Session,
    community_id: int,
    budget_id: int,
    *,
    line_number: int,
    body: str,
    actor_id: int,
) -> BudgetComment:
    """An owner's comment on a line of the open budget, published without their name."""
    budget = _step(session, community_id, budget_id, rules.Step.COMMENT)
    problems = rules.text_problems(body, where="body", limit=rules.COMMENT_LENGTH)
    count = len(lines_of(session, community_id, budget_id, version=budget.version))
    if not 1 <= line_number <= count:
        problems.append(
            Problem("no_line", "the budget has no line {n}", {"n": line_number}, "line")
        )
    if problems:
        raise Invalid("the comment was not posted", problems=problems)
    comment = BudgetComment(
        community_id=community_id,
        budget_id=budget_id,
        version=budget.version,
        line_number=line_number,
        author_id=actor_id,
        body=body.strip(),
        posted_at=clock.now(),
    )
    session.add(comment)
    session.flush()
    return comment


def comment_count(session: Session, community_id: int, budget_id: int) -> int:
    query = select(func.count()).where(
        BudgetComment.community_id == community_id, BudgetComment.budget_id == budget_id
    )
    return session.scalar(query) or 0


# --- helpers --------------------------------------------------------------------------


def _step(session: Session, community_id: int, budget_id: int, step: rules.Step) -> Budget:
    budget = get_budget(session, community_id, budget_id)
    if problems := rules.step_problems(budget.state, step):
        raise Conflict("the budget cannot take this step now", problems=problems)
    return budget


def _check_document(session: Session, community_id: int, sha256: str) -> None:
    try:
        ledger.get_voucher(session, community_id, sha256)
    except NotFound:
        raise Invalid(
            "the decision document is not among the community's vouchers",
            problems=[
                Problem(
                    "no_document",
                    "upload the decision document first (as a voucher)",
                    where="document",
                )
            ],
        ) from None


def _decide(
    session: Session,
    budget: Budget,
    *,
    reason: str,
    decision_sha256: str | None,
    actor_id: int | None,
) -> None:
    session.add(
        BudgetDecision(
            community_id=budget.community_id,
            budget_id=budget.id,
            version=budget.version,
            reason=reason,
            decision_sha256=decision_sha256,
            decided_at=clock.now(),
            decided_by=actor_id,
        )
    )
    session.flush()
    lines = lines_of(session, budget.community_id, budget.id, version=budget.version)
    log_decision(session, budget, lines, reason=reason, decision_sha256=decision_sha256)


def _add_lines(session: Session, budget: Budget, lines: Sequence[rules.LineDraft]) -> None:
    session.add_all(
        BudgetLine(
            community_id=budget.community_id,
            budget_id=budget.id,
            version=budget.version,
            number=number,
            name_zh=line.name_zh.strip(),
            name_en=line.name_en.strip(),
            kind=line.kind,
            amount=line.amount,
            accounts=",".join(line.accounts),
            recurring=line.recurring,
            note=line.note.strip(),
        )
        for number, line in enumerate(lines, start=1)
    )
    session.flush()


def _draft(line: BudgetLine) -> rules.LineDraft:
    return rules.LineDraft(
        name_zh=line.name_zh,
        name_en=line.name_en,
        kind=line.kind,
        amount=line.amount,
        accounts=tuple(code for code in line.accounts.split(",") if code),
        recurring=line.recurring,
        note=line.note,
    )
