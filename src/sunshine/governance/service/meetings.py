"""The four-party joint meeting (四方联席): recorded, published to owners, corrected by versions.

Staff record a meeting as a draft: day, place, agenda, attendees by party (organisation,
role and name), minutes, resolutions and actions (owner, due day, typed references).
Publishing appends the minutes to the community's log as a `governance.minutes` record
(ref `meeting/N/v1`) and keeps it with a `MeetingMinutes` row; the meeting is then locked.
A correction changes the minutes or resolutions and publishes the next version, logged
with its reason. Actions are marked done afterwards; an action not done by its due day is
overdue (rules.meetings).

Nothing personal reaches the log (LAW.md 3): attendees' names are masked (霍**), an action
owned by an attendee is shown by that masked name, and free text that looks like it holds
a phone or ID number is refused wherever it is entered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Meeting
from sunshine.governance.models import MeetingAction
from sunshine.governance.models import MeetingMinutes
from sunshine.governance.rules import meetings as rules
from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.rules.meetings import MeetingState
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.masking import looks_personal
from sunshine.kernel.masking import mask_name
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records
from sunshine.transparency.rules.records import LogKind

LOG_KIND = LogKind("governance.minutes")
MAX_ITEMS = 50  # agenda items, attendees, resolutions or actions of one meeting
MAX_MINUTES = 20_000  # characters of minutes


def ref_of(meeting_id: int, version: int) -> str:
    return f"meeting/{meeting_id}/v{version}"


@dataclass(frozen=True, slots=True)
class Attendee:
    party: MeetingParty
    organisation: str
    role: str
    name: str

    def as_json(self) -> dict[str, str]:
        return {
            "party": self.party.value,
            "organisation": self.organisation,
            "role": self.role,
            "name": self.name,
        }

    @property
    def shown_name(self) -> str:
        """The name as owners and the log see it (霍**)."""
        return mask_name(self.name)


# --- free text ------------------------------------------------------------------------


def _text(value: str, *, field: str, longest: int, empty: bool = False) -> str:
    """Text as kept: trimmed, within its length, with no phone or ID number in it."""
    cleaned = value.strip()
    if not empty and not cleaned:
        raise Invalid(
            "this field may not be empty", problems=[Problem("empty", "required", {}, field)]
        )
    if len(cleaned) > longest:
        raise Invalid(
            "at most {n} characters", args={"n": longest},
            problems=[Problem("long", "at most {n} characters", {"n": longest}, field)],
        )  # fmt: skip
    if looks_personal(cleaned):  # published minutes go to the log, which is never erased
        raise Invalid(
            "this holds what looks like a phone or ID number; minutes may not",
            problems=[Problem("personal", "no phone or ID numbers", {}, field)],
        )
    return cleaned


def _line(value: str, *, field: str, longest: int = 200, empty: bool = False) -> str:
    return " ".join(_text(value, field=field, longest=longest, empty=empty).split())


def clean_refs(refs: Iterable[str]) -> list[str]:
    """Typed references in their written form, each once, in the order given."""
    cleaned: list[str] = []
    for ref in refs:
        if not ref.strip():
            continue
        try:
            one = rules.parse_ref(ref)
        except ValueError:
            kinds = ", ".join(kind.value for kind in rules.RefKind)
            raise Invalid(
                "{value} is not a reference KIND:NUMBER ({kinds})",
                args={"value": ref, "kinds": kinds},
                problems=[Problem("ref", "KIND:NUMBER", {}, "refs")],
            ) from None
        if one not in cleaned:
            cleaned.append(one)
    return cleaned


# --- reading --------------------------------------------------------------------------


def get_meeting(session: Session, community_id: int, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, (community_id, meeting_id))
    if meeting is None:
        raise NotFound("no joint meeting {id} in this community", args={"id": meeting_id})
    return meeting


def list_meetings(
    session: Session, community_id: int, *, published_only: bool = False
) -> list[Meeting]:
    """The meetings, latest first (owners: the published ones only)."""
    query = select(Meeting).where(Meeting.community_id == community_id)
    if published_only:
        query = query.where(Meeting.state == MeetingState.PUBLISHED)
    return list(session.scalars(query.order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def agenda_of(meeting: Meeting) -> list[str]:
    loaded: list[str] = json.loads(meeting.agenda)
    return loaded


def resolutions_of(meeting: Meeting) -> list[str]:
    loaded: list[str] = json.loads(meeting.resolutions)
    return loaded


def attendees_of(meeting: Meeting) -> list[Attendee]:
    return [
        Attendee(MeetingParty(a["party"]), a["organisation"], a["role"], a["name"])
        for a in json.loads(meeting.attendees)
    ]


def missing_parties(meeting: Meeting) -> list[MeetingParty]:
    """The four parties no attendee represents: empty when it counts as a joint meeting."""
    return rules.missing_parties(a.party for a in attendees_of(meeting))


def refs_of(action: MeetingAction) -> list[str]:
    loaded: list[str] = json.loads(action.refs)
    return loaded


def actions_of(session: Session, community_id: int, meeting_id: int) -> list[MeetingAction]:
    query = select(MeetingAction).where(
        MeetingAction.community_id == community_id, MeetingAction.meeting_id == meeting_id
    )
    return list(session.scalars(query.order_by(MeetingAction.id)))


def get_action(session: Session, community_id: int, action_id: int) -> MeetingAction:
    action = session.get(MeetingAction, (community_id, action_id))
    if action is None:
        raise NotFound("no meeting action {id} in this community", args={"id": action_id})
    return action


def owner_shown(meeting: Meeting, action: MeetingAction) -> str:
    """An action's owner as owners see it: an attendee's name masked, a role as written."""
    names = {a.name for a in attendees_of(meeting) if a.name}
    return mask_name(action.owner) if action.owner in names else action.owner


def versions(session: Session, community_id: int, meeting_id: int) -> list[MeetingMinutes]:
    """The published versions of a meeting's minutes, first to latest."""
    query = select(MeetingMinutes).where(
        MeetingMinutes.community_id == community_id, MeetingMinutes.meeting_id == meeting_id
    )
    return list(session.scalars(query.order_by(MeetingMinutes.version)))


def record_of(minutes: MeetingMinutes) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(minutes.body)
    return loaded


@dataclass(frozen=True, slots=True)
class Overdue:
    action: MeetingAction
    meeting: Meeting
    days: int  # past its due day


def overdue(
    session: Session, community_id: int, *, today: date, published_only: bool = False
) -> list[Overdue]:
    """Actions not done with their due day gone by (on the due day they are on time)."""
    query = (
        select(MeetingAction, Meeting)
        .join(
            Meeting,
            (Meeting.community_id == MeetingAction.community_id)
            & (Meeting.id == MeetingAction.meeting_id),
        )
        .where(
            MeetingAction.community_id == community_id,
            MeetingAction.done_on.is_(None),
            MeetingAction.due_on < today,
        )
        .order_by(MeetingAction.due_on, MeetingAction.id)
    )
    if published_only:
        query = query.where(Meeting.state == MeetingState.PUBLISHED)
    return [
        Overdue(action, meeting, rules.days_overdue(action.due_on, action.done_on, today))
        for action, meeting in session.execute(query)
    ]


# --- recording a draft ----------------------------------------------------------------


def _draft(session: Session, community_id: int, meeting_id: int) -> Meeting:
    meeting = get_meeting(session, community_id, meeting_id)
    if meeting.state is not MeetingState.DRAFT:
        raise Conflict(
            "meeting {id}'s minutes are published: correct them with a new version",
            args={"id": meeting_id},
        )
    return meeting


def _room(items: list[object]) -> None:
    if len(items) >= MAX_ITEMS:
        raise Invalid("a meeting holds at most {n} of each list", args={"n": MAX_ITEMS})


def create_meeting(
    session: Session,
    community_id: int,
    *,
    title: str,
    held_on: date,
    place: str,
    actor_id: int | None,
) -> Meeting:
    """A joint meeting being recorded (a draft owners do not see yet)."""
    meeting = Meeting(
        community_id=community_id,
        title=_line(title, field="title"),
        held_on=held_on,
        place=_line(place, field="place"),
        agenda="[]",
        attendees="[]",
        minutes="",
        resolutions="[]",
        state=MeetingState.DRAFT,
        version=0,
        created_by=actor_id,
        created_at=clock.now(),
    )
    session.add(meeting)
    session.flush()
    return meeting


def attend(
    session: Session,
    community_id: int,
    meeting_id: int,
    *,
    party: MeetingParty,
    organisation: str,
    role: str = "",
    name: str = "",
) -> Meeting:
    """Note an attendee: who they speak for, their organisation, role and name."""
    meeting = _draft(session, community_id, meeting_id)
    present = [a.as_json() for a in attendees_of(meeting)]
    _room(list(present))
    one = Attendee(
        party,
        _line(organisation, field="organisation", longest=100),
        _line(role, field="role", longest=40, empty=True),
        _line(name, field="name", longest=40, empty=True),
    )
    if one.as_json() in present:
        raise Conflict("this attendee is already noted")
    meeting.attendees = json.dumps([*present, one.as_json()], ensure_ascii=False)
    session.flush()
    return meeting


def add_agenda(session: Session, community_id: int, meeting_id: int, item: str) -> Meeting:
    meeting = _draft(session, community_id, meeting_id)
    agenda = agenda_of(meeting)
    _room(list(agenda))
    agenda.append(_line(item, field="agenda", longest=300))
    meeting.agenda = json.dumps(agenda, ensure_ascii=False)
    session.flush()
    return meeting


def set_minutes(session: Session, community_id: int, meeting_id: int, text: str) -> Meeting:
    meeting = _draft(session, community_id, meeting_id)
    meeting.minutes = _text(text, field="minutes", longest=MAX_MINUTES, empty=True)
    session.flush()
    return meeting


def resolve(session: Session, community_id: int, meeting_id: int, text: str) -> Meeting:
    """Add a resolution (议定事项) of the meeting."""
    meeting = _draft(session, community_id, meeting_id)
    resolutions = resolutions_of(meeting)
    _room(list(resolutions))
    resolutions.append(_line(text, field="resolution", longest=500))
    meeting.resolutions = json.dumps(resolutions, ensure_ascii=False)
    session.flush()
    return meeting


def add_action(
    session: Session,
    community_id: int,
    meeting_id: int,
    *,
    text: str,
    party: MeetingParty,
    owner: str,
    due_on: date,
    refs: Iterable[str] = (),
) -> MeetingAction:
    """An action of the meeting: what, whose (party, and a role or name), due when, about what."""
    meeting = _draft(session, community_id, meeting_id)
    _room(list(actions_of(session, community_id, meeting_id)))
    if due_on < meeting.held_on:
        raise Invalid(
            "an action is due on or after the day of the meeting",
            problems=[Problem("due", "on or after the meeting", {}, "due_on")],
        )
    action = MeetingAction(
        community_id=community_id,
        meeting_id=meeting_id,
        text=_line(text, field="text", longest=500),
        party=party,
        owner=_line(owner, field="owner", longest=80),
        due_on=due_on,
        done_on=None,
        refs=json.dumps(clean_refs(refs), ensure_ascii=False),
        created_at=clock.now(),
    )
    session.add(action)
    session.flush()
    return action


def mark_done(
    session: Session, community_id: int, action_id: int, *, on: date, actor_id: int | None
) -> MeetingAction:
    """Note the day an action was done (follow-up: also after the minutes are published)."""
    action = get_action(session, community_id, action_id)
    meeting = get_meeting(session, community_id, action.meeting_id)
    if action.done_on is not None:
        raise Conflict("action {id} was done on {on}", args={"id": action_id, "on": action.done_on})
    if on < meeting.held_on:
        raise Invalid("an action is done on or after the day of the meeting")
    if on > clock.today():
        raise Invalid("an action cannot be marked done on a day still to come")
    action.done_on, action.done_by = on, actor_id
    session.flush()
    return action


# --- publishing and correcting --------------------------------------------------------


def minutes_record(
    meeting: Meeting,
    actions: Iterable[MeetingAction],
    *,
    minutes_id: int,
    version: int,
    published_on: date,
    reason: str = "",
) -> dict[str, object]:
    """The public record of one version of the minutes: names masked, nothing personal."""
    attendees = attendees_of(meeting)
    parties = [a.party for a in attendees]
    record: dict[str, object] = {
        "minutes": minutes_id,
        "meeting": meeting.id,
        "version": version,
        "title": meeting.title,
        "on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "published_on": published_on.isoformat(),
        "joint": rules.is_joint(parties),
        "missing": [party.value for party in rules.missing_parties(parties)],
        "attendees": [
            {
                "party": a.party.value,
                "organisation": a.organisation,
                "role": a.role,
                "name": a.shown_name,
            }
            for a in attendees
        ],
        "agenda": agenda_of(meeting),
        "text": meeting.minutes,  # the minutes themselves
        "resolutions": resolutions_of(meeting),
        "actions": [
            {
                "action": a.id,
                "text": a.text,
                "party": a.party.value,
                "owner": owner_shown(meeting, a),
                "due": a.due_on.isoformat(),
                "done": None if a.done_on is None else a.done_on.isoformat(),
                "refs": refs_of(a),
            }
            for a in actions
        ],
    }
    if version > 1:
        record["corrects"] = version - 1
        record["reason"] = reason
    return record


def _log_version(
    session: Session,
    meeting: Meeting,
    *,
    version: int,
    on: date,
    reason: str,
    actor_id: int | None,
) -> MeetingMinutes:
    if on < meeting.held_on:
        raise Invalid("minutes are published on or after the day of the meeting")
    row = MeetingMinutes(
        community_id=meeting.community_id,
        meeting_id=meeting.id,
        version=version,
        published_on=on,
        reason=reason,
        body="",
        log_seq=0,
        published_by=actor_id,
        published_at=clock.now(),
    )
    session.add(row)
    session.flush()  # the version's number goes into its record
    actions = actions_of(session, meeting.community_id, meeting.id)
    body = minutes_record(
        meeting, actions, minutes_id=row.id, version=version, published_on=on, reason=reason
    )
    logged = transparency.append(
        session, meeting.community_id, kind=LOG_KIND, record=body,
        ref=ref_of(meeting.id, version),
    )  # fmt: skip
    row.body, row.log_seq = records.canonical(body).decode("utf-8"), logged.seq
    meeting.state, meeting.version = MeetingState.PUBLISHED, version
    session.flush()
    return row


def publish(
    session: Session, community_id: int, meeting_id: int, *, on: date, actor_id: int | None
) -> MeetingMinutes:
    """Publish the minutes (version 1) to owners and the log; the meeting is locked after."""
    meeting = _draft(session, community_id, meeting_id)
    if not meeting.minutes.strip():
        raise Invalid(
            "minutes with no text cannot be published",
            problems=[Problem("empty", "required", {}, "minutes")],
        )
    return _log_version(session, meeting, version=1, on=on, reason="", actor_id=actor_id)


def correct(
    session: Session,
    community_id: int,
    meeting_id: int,
    *,
    reason: str,
    on: date,
    actor_id: int | None,
    minutes: str | None = None,
    resolutions: list[str] | None = None,
) -> MeetingMinutes:
    """Correct published minutes: the next version, logged with its reason.

    Published minutes are never edited in place: the earlier versions stay in the log and
    in `versions`, and owners see the latest with the corrections listed.
    """
    meeting = get_meeting(session, community_id, meeting_id)
    if meeting.state is not MeetingState.PUBLISHED:
        raise Conflict("meeting {id}'s minutes are not published yet", args={"id": meeting_id})
    why = _line(reason, field="reason", longest=500)
    before = (meeting.minutes, meeting.resolutions)
    if minutes is not None:
        meeting.minutes = _text(minutes, field="minutes", longest=MAX_MINUTES)
    if resolutions is not None:
        if len(resolutions) > MAX_ITEMS:
            raise Invalid("a meeting holds at most {n} of each list", args={"n": MAX_ITEMS})
        cleaned = [_line(r, field="resolution", longest=500) for r in resolutions]
        meeting.resolutions = json.dumps(cleaned, ensure_ascii=False)
    if (meeting.minutes, meeting.resolutions) == before:
        raise Conflict("the correction changes nothing in the minutes")
    if on < versions(session, community_id, meeting_id)[-1].published_on:
        raise Invalid("a correction is published on or after the version it corrects")
    version = rules.next_version(v.version for v in versions(session, community_id, meeting_id))
    return _log_version(session, meeting, version=version, on=on, reason=why, actor_id=actor_id)
