"""Governance's answer to `infra.authority`: does this decision (or vote) authorise this step?

A community requires a committee decision for each kind of matter (`infra.authority.
MatterKind`) unless its setting says otherwise (`set_requirement`, logged). A step cites
`decision:N` (adopted, and about this very matter: `budget` and `2024/v1`) or `vote:V/M`
(matter M of owners' vote V, closed and passed). The accepted link is kept
(`governance_authority`) and appended to the community's log as a `governance.authority`
record: the matter and the authority, nothing about anyone.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import AuthorityLink
from sunshine.governance.models import Requirement
from sunshine.governance.rules.committee import CommitteeOutcome
from sunshine.governance.service.decisions import get_decision
from sunshine.governance.service.decisions import record_of
from sunshine.governance.service.votes import get_vote
from sunshine.infra import clock
from sunshine.infra.authority import Matter
from sunshine.infra.authority import MatterKind
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import LogKind

LINK_KIND = LogKind("governance.authority")
REQUIREMENT_KIND = LogKind("governance.requirement")
# Every kind the product asks a decision for is required until the community says not;
# the kinds issue 14 added later (a fee change, a change of trustee or of the use of common
# parts) are off until a
# community switches them on, so a community that never decided them keeps working as before.
OFF_BY_DEFAULT = frozenset({MatterKind.FEE_CHANGE, MatterKind.TRUSTEE, MatterKind.COMMON_PARTS})
DEFAULTS = {kind: kind not in OFF_BY_DEFAULT for kind in MatterKind}


def _refused(message: str, code: str, **args: object) -> Invalid:
    return Invalid(
        message, args=dict(args), problems=[Problem(code, message, dict(args), "authority")]
    )


# --- the settings ---------------------------------------------------------------------


def requirements(session: Session, community_id: int) -> dict[MatterKind, bool]:
    """Whether each kind of matter requires a decision here (the defaults where not set)."""
    rows = session.scalars(select(Requirement).where(Requirement.community_id == community_id))
    return DEFAULTS | {row.kind: row.required for row in rows}


def is_required(session: Session, community_id: int, kind: MatterKind) -> bool:
    return requirements(session, community_id)[kind]


def set_requirement(
    session: Session, community_id: int, kind: MatterKind, *, required: bool, actor_id: int | None
) -> Requirement:
    """Require (or stop requiring) a decision for `kind`; the change is logged."""
    row = session.scalar(
        select(Requirement).where(
            Requirement.community_id == community_id, Requirement.kind == kind
        )
    )
    if row is None:
        row = Requirement(community_id=community_id, kind=kind, required=required)
        session.add(row)
    row.required, row.set_by, row.set_at = required, actor_id, clock.now()
    session.flush()
    transparency.append(
        session,
        community_id,
        kind=REQUIREMENT_KIND,
        record={"setting": row.id, "kind": kind.value, "required": required},
        ref=kind.value,
    )
    return row


# --- the check (installed in infra.authority) ------------------------------------------


def parse_authority(text: str) -> tuple[str, int, int | None]:
    """`decision:7` → ("decision", 7, None); `vote:3/2` → ("vote", 3, 2). Invalid otherwise."""
    kind, _, rest = text.strip().partition(":")
    number, _, matter = rest.partition("/")
    if kind == "decision" and number.isdigit() and not matter:
        return kind, int(number), None
    if kind == "vote" and number.isdigit() and matter.isdigit():
        return kind, int(number), int(matter)
    raise _refused(
        "cite a committee decision as decision:N, or an owners' vote matter as vote:V/M",
        "authority_form",
    )


def _check_decision(session: Session, community_id: int, matter: Matter, number: int) -> None:
    try:
        decision = get_decision(session, community_id, number)
    except NotFound:
        raise _refused("there is no committee decision {n}", "no_decision", n=number) from None
    if str(record_of(decision)["outcome"]) != CommitteeOutcome.ADOPTED.value:
        raise _refused("committee decision {n} was not adopted", "not_adopted", n=number)
    if decision.subject.value != matter.kind.value or decision.subject_ref != matter.ref:
        raise _refused(
            "committee decision {n} is about {about}, not {matter}",
            "other_matter",
            n=number,
            about=f"{decision.subject.value}:{decision.subject_ref}",
            matter=matter.text(),
        )


def _check_vote(session: Session, community_id: int, number: int, item: int) -> None:
    try:
        vote = get_vote(session, community_id, number)
    except NotFound:
        raise _refused("there is no owners' vote {n}", "no_vote", n=number) from None
    record = json.loads(vote.body) if vote.body else {}
    tally = record.get("tally") if record.get("state") == "closed" else None
    if not isinstance(tally, dict):
        raise _refused("owners' vote {n} is not closed and counted", "vote_open", n=number)
    for counted in tally.get("matters", []):
        if counted.get("matter") == item:
            if counted.get("outcome") != "passed":
                raise _refused(
                    "matter {m} of owners' vote {n} did not pass", "not_passed", n=number, m=item
                )
            return
    raise _refused("owners' vote {n} has no matter {m}", "no_vote_matter", n=number, m=item)


def check(
    session: Session,
    community_id: int,
    matter: Matter,
    authority: str | None,
    actor_id: int | None,
) -> str | None:
    """Refuse a required step without a fitting authority; link and log the one cited."""
    cited = (authority or "").strip()
    if not cited:
        if is_required(session, community_id, matter.kind):
            raise _refused(
                "{matter} needs a committee decision: cite decision:N (or vote:V/M)",
                "decision_required",
                matter=matter.text(),
            )
        return None
    kind, number, item = parse_authority(cited)
    if item is None:
        _check_decision(session, community_id, matter, number)
    else:
        _check_vote(session, community_id, number, item)
    if find(session, community_id, matter) is not None:
        raise Conflict("{matter} is already authorised", args={"matter": matter.text()})
    canonical = f"decision:{number}" if item is None else f"vote:{number}/{item}"
    row = AuthorityLink(
        community_id=community_id,
        matter_kind=matter.kind,
        matter_ref=matter.ref,
        authority=canonical,
        decision_id=number if kind == "decision" else None,
        linked_by=actor_id,
        linked_at=clock.now(),
        log_seq=0,
    )
    session.add(row)
    session.flush()  # the link's number goes into its record
    logged = transparency.append(
        session,
        community_id,
        kind=LINK_KIND,
        record={"link": row.id, "matter": matter.text(), "authority": canonical},
        ref=matter.text(),
    )
    row.log_seq = logged.seq
    session.flush()
    return canonical


def find(session: Session, community_id: int, matter: Matter) -> str | None:
    """The authority linked to `matter`, if any."""
    return session.scalar(
        select(AuthorityLink.authority).where(
            AuthorityLink.community_id == community_id,
            AuthorityLink.matter_kind == matter.kind,
            AuthorityLink.matter_ref == matter.ref,
        )
    )


def links(session: Session, community_id: int) -> list[AuthorityLink]:
    """Every link, oldest first."""
    query = select(AuthorityLink).where(AuthorityLink.community_id == community_id)
    return list(session.scalars(query.order_by(AuthorityLink.id)))


def authorised_by_decision(
    session: Session, community_id: int, decision_id: int
) -> list[AuthorityLink]:
    """What a decision authorised (at most one matter: a decision is about one)."""
    query = select(AuthorityLink).where(
        AuthorityLink.community_id == community_id, AuthorityLink.decision_id == decision_id
    )
    return list(session.scalars(query.order_by(AuthorityLink.id)))


def parse_kind(text: str) -> MatterKind:
    """`month_close` → the kind; Invalid for another word."""
    try:
        return MatterKind(text.strip())
    except ValueError:
        raise Invalid(
            "{value} is not one of {kinds}",
            args={"value": text, "kinds": ", ".join(MatterKind)},
        ) from None


def parse_matter(text: str) -> Matter:
    """`budget:2024/v1` → the matter; Invalid for an unknown kind or an empty ref."""
    kind, _, ref = text.strip().partition(":")
    matter = Matter(parse_kind(kind), ref.strip())
    if not matter.ref or len(matter.ref) > 64:
        raise Invalid("name the matter, e.g. budget:2024/v1 or month_close:2024-10")
    return matter
