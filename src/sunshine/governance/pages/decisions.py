"""Committee decisions as pages: the list, each decision, the committee, the form, the settings.

The form is how a committee member records a decision; the settings say which steps
require one. /c/{code}/decisions and /c/{code}/decisions/{n} show everyone with a role in
the community what the log holds (members by number, never by name, LAW.md 3): the counts,
both steps with their rule and source, the settings, the recount from the log and what the decision
authorised. An announced decision is a public notice (READ_PUBLIC): where the community's
disclosure is public anyone, logged in or not, reads the announced ones; those not yet
announced stay with the community's members. /c/{code}/committee lists the members with
their roles and terms (no phones).
Recording a decision needs RECORD_DECISION; the requirement settings SET_DECISION_RULES.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.governance.models import Decision
from sunshine.governance.rules.decisions import About
from sunshine.governance.rules.decisions import Subject
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import authority
from sunshine.governance.service import committees
from sunshine.governance.service import decisions
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.authority import MatterKind
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem

router = APIRouter()

DECISIONS = "/c/{code}/decisions"
COMMITTEE = "/c/{code}/committee"
FormText = Annotated[str, Form(max_length=200)]
FormList = Annotated[list[str] | None, Form()]
ABSENT = "absent"


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark a message for translation where it is defined; templates translate it when shown."""
    return message


LABELS: dict[str, str] = {
    "meeting": N_("at a meeting"),
    "circulation": N_("by written circulation"),
    "adopted": N_("adopted"),
    "not_adopted": N_("not adopted"),
    "quorum_not_reached": N_("not decided: fewer than half of the members took part"),
    "yes": N_("in favour"),
    "no": N_("against"),
    "abstain": N_("abstained"),
    "absent": N_("absent"),
    "half_or_more": N_("half or more of all members (半数以上)"),
    "more_than_half": N_("more than half of all members (过半数)"),
    "budget": N_("a budget or its revision"),
    "expense": N_("an expense above the approval limit"),
    "month_close": N_("co-signing a month's close"),
    "signing_key": N_("registering a member's signing key"),
    "fee_change": N_("a fee change (a charge item's new rate)"),
    "trustee": N_("hiring or dismissing the trustee"),
    "common_parts": N_("a change of use of common parts (visitor parking, advertising)"),
    "other": N_("another matter"),
    "chair": N_("chair"),
    "vice_chair": N_("vice chair"),
    "member": N_("member"),
}


def matter_href(code: str, kind: str) -> str | None:
    """Where owners see the step a decision authorised."""
    return {
        "budget": f"/c/{code}/budget",
        "month_close": f"/c/{code}/ledger/close",
        "signing_key": f"/c/{code}/cosign",
    }.get(kind)


def _render(
    request: Request,
    viewer: Viewer | None,
    community: CommunityRef,
    name: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    return render(
        request,
        name,
        {
            "community": community,
            "labels": LABELS,
            "can_record": identity.can(viewer, Action.RECORD_DECISION, community.id),
            "can_set": identity.can(viewer, Action.SET_DECISION_RULES, community.id),
            **context,
        },
        status_code=status_code,
    )


# --- owners' pages ----------------------------------------------------------------------


def _shown(viewer: Viewer | None, community: CommunityRef, decision: Decision) -> bool:
    member = identity.can(viewer, Action.VIEW_COMMUNITY, community)
    return decisions.shown(decision, member=member)


@router.get(DECISIONS)
def list_page(
    request: Request, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """Every decision, the latest first: title, day, way, counts, outcome, announced on."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    rows = [
        (d, decisions.record_of(d))
        for d in reversed(decisions.list_decisions(session, community.id))
        if _shown(viewer, community, d)
    ]
    return _render(request, viewer, community, "governance/decisions.html", rows=rows)


@router.get(DECISIONS + "/new")
def new_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The form a committee member records a decision with: who was there, who voted how."""
    identity.authorize(viewer, Action.RECORD_DECISION, community.id)
    return _form(request, session, viewer, community)


def _form(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    found = committees.list_committees(session, community.id)
    roster = []
    for committee in found:
        members = committees.all_members(session, community.id, committee.id)
        names = committees.member_names(session, community.id, members)
        roster.append((committee, [(m, names[m.id]) for m in members]))
    return _render(
        request,
        viewer,
        community,
        "governance/decision_form.html",
        status_code=status_code,
        roster=roster,
        subjects=list(Subject),
        form=context.pop("form", {}),
        **context,
    )


def _votes(member: list[str], choice: list[str]) -> tuple[list[int], dict[int, Choice]]:
    """Those present and their votes, from the form's member numbers and choices."""
    if len(member) != len(choice):
        raise Invalid("every member needs a choice")
    present, votes = [], {}
    for number, picked in zip(member, choice, strict=True):
        if not number.isdigit() or picked not in {ABSENT, *(c.value for c in Choice)}:
            raise Invalid("every member needs a choice")
        if picked != ABSENT:
            present.append(int(number))
            votes[int(number)] = Choice(picked)
    return present, votes


@router.post(DECISIONS, dependencies=[CsrfChecked])
def record(  # noqa: PLR0913, PLR0917 - one argument per form field
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    committee: Annotated[int, Form()] = 0,
    title: FormText = "",
    way: FormText = "meeting",
    decided_on: FormText = "",
    about: FormText = "other",
    about_ref: FormText = "",
    member: FormList = None,
    choice: FormList = None,
) -> Response:
    """Count the decision by the rules, append it to the log, and show it."""
    me = identity.authorize(viewer, Action.RECORD_DECISION, community.id)
    typed = {
        "committee": committee,
        "title": title,
        "way": way,
        "decided_on": decided_on,
        "about": about,
        "about_ref": about_ref,
    }
    try:
        with session.begin_nested():
            try:
                day = date.fromisoformat(decided_on)
                manner, subject = Way(way), Subject(about)
            except ValueError:
                raise Invalid(
                    "the decision was not recorded",
                    problems=[Problem("form", "give the day, the way and the subject", {}, "")],
                ) from None
            present, votes = _votes(member or [], choice or [])
            row = decisions.record_decision(
                session,
                community.id,
                committee,
                title=title,
                way=manner,
                decided_on=day,
                present=present,
                votes=votes,
                actor_id=me.user_id,
                about=About(subject, about_ref),
            )
    except (Invalid, NotFound) as exc:
        return _form(request, session, viewer, community, status_code=422, error=exc, form=typed)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/decisions/{row.id}", status_code=303)


@router.get(DECISIONS + "/settings")
def settings_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """Which steps require a committee decision (all by default)."""
    identity.authorize(viewer, Action.SET_DECISION_RULES, community.id)
    return _settings(request, session, viewer, community)


def _settings(
    request: Request, session: Session, viewer: Viewer, community: CommunityRef, **context: Any
) -> Response:
    return _render(
        request,
        viewer,
        community,
        "governance/decision_settings.html",
        requirements=authority.requirements(session, community.id),
        **context,
    )


@router.post(DECISIONS + "/settings", dependencies=[CsrfChecked])
def save_settings(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    required: FormList = None,
) -> Response:
    """Require a decision for the kinds ticked; each change is logged."""
    me = identity.authorize(viewer, Action.SET_DECISION_RULES, community.id)
    ticked = set(required or [])
    now = authority.requirements(session, community.id)
    for kind in MatterKind:
        wanted = kind.value in ticked
        if now[kind] != wanted:
            authority.set_requirement(
                session, community.id, kind, required=wanted, actor_id=me.user_id
            )
    session.commit()
    return RedirectResponse(f"/c/{community.code}/decisions/settings", status_code=303)


@router.get(DECISIONS + "/{number}")
def decision_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    """One decision: who voted how by member number, the rule and settings, the recount."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    decision = decisions.get_decision(session, community.id, number)
    if not _shown(viewer, community, decision):
        raise NotFound("no announced decision {id} in this community", args={"id": number})
    links = authority.authorised_by_decision(session, community.id, decision.id)
    return _render(
        request,
        viewer,
        community,
        "governance/decision.html",
        decision=decision,
        record=decisions.record_of(decision),
        recount=decisions.recount_from_log(session, community.id, decision.id),
        links=[
            (
                f"{link.matter_kind.value}:{link.matter_ref}",
                matter_href(community.code, link.matter_kind.value),
                link,
            )
            for link in links
        ],
    )


@router.get(COMMITTEE)
def committee_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The committee and its members: member number, name, role and term; no phones."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    roster = []
    for committee in committees.list_committees(session, community.id):
        members = committees.all_members(session, community.id, committee.id)
        names = committees.member_names(session, community.id, members)
        roster.append((committee, [(m, names[m.id]) for m in members]))
    return _render(request, viewer, community, "governance/committee.html", roster=roster)
