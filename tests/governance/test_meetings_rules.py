"""The joint meeting's rules: four parties or the gap named, overdue at the boundary day, refs."""

from __future__ import annotations

import re
from datetime import date

import pytest

from sunshine.governance.rules.meetings import FOUR_PARTIES
from sunshine.governance.rules.meetings import ActionState
from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.rules.meetings import days_overdue
from sunshine.governance.rules.meetings import is_joint
from sunshine.governance.rules.meetings import is_overdue
from sunshine.governance.rules.meetings import missing_parties
from sunshine.governance.rules.meetings import next_version
from sunshine.governance.rules.meetings import parse_ref

P = MeetingParty
DUE = date(2024, 8, 31)


def test_all_four_parties_make_a_joint_meeting() -> None:
    assert is_joint([P.TRUSTEE, P.COMMITTEE, P.GRID_BRANCH, P.PARTY_COMMITTEE])
    assert missing_parties(FOUR_PARTIES) == []


def test_three_parties_are_not_a_joint_meeting_and_the_gap_is_named() -> None:
    three = [P.PARTY_COMMITTEE, P.COMMITTEE, P.TRUSTEE, P.TRUSTEE]  # two from the trustee
    assert not is_joint(three)
    assert missing_parties(three) == [P.GRID_BRANCH]
    assert missing_parties([]) == list(FOUR_PARTIES)


def test_a_guest_never_stands_in_for_one_of_the_four() -> None:
    with_police = [P.PARTY_COMMITTEE, P.COMMITTEE, P.TRUSTEE, P.GUEST]
    assert missing_parties(with_police) == [P.GRID_BRANCH]
    assert is_joint([*with_police, P.GRID_BRANCH])


def test_an_action_is_on_time_on_its_due_day_and_overdue_the_day_after() -> None:
    assert not is_overdue(DUE, None, date(2024, 8, 30))
    assert not is_overdue(DUE, None, DUE)
    assert is_overdue(DUE, None, date(2024, 9, 1))
    assert days_overdue(DUE, None, date(2024, 9, 1)) == 1
    assert days_overdue(DUE, None, DUE) == 0


def test_a_done_action_is_never_overdue_but_may_have_been_done_late() -> None:
    late = ActionState(DUE, date(2024, 9, 3))
    assert not late.is_overdue(date(2025, 1, 1))
    assert late.done_late
    assert not ActionState(DUE, DUE).done_late  # done on its due day: on time
    assert days_overdue(DUE, date(2024, 9, 3), date(2025, 1, 1)) == 0


def test_versions_count_up_from_one() -> None:
    assert next_version([]) == 1
    assert next_version([1]) == 2
    assert next_version([1, 2, 3]) == 4


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("expense:12", "expense:12"),
        (" Vote:3 ", "vote:3"),
        ("vote:3/2", "vote:3/2"),
        ("ticket：5", "ticket:5"),  # a full-width colon, as a Chinese keyboard types it
        ("decision:7", "decision:7"),
        ("meeting:2", "meeting:2"),
    ],
)
def test_typed_references_are_kept_in_one_written_form(given: str, kept: str) -> None:
    assert parse_ref(given) == kept


@pytest.mark.parametrize(
    "given", ["expense", "expense:", "expense:0", "invoice:3", "expense:3/2", "vote:3/0", "vote:x"]
)
def test_anything_else_is_not_a_reference(given: str) -> None:
    with pytest.raises(ValueError, match=re.escape(given)):
        parse_ref(given)
