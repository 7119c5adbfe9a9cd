"""Committee decisions: more than half present; 半数以上 (default) or 过半数 of all members."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.governance.rules.committee import CommitteeMajority
from sunshine.governance.rules.committee import CommitteeOutcome
from sunshine.governance.rules.committee import CommitteeSettings
from sunshine.governance.rules.committee import announce_by
from sunshine.governance.rules.committee import decide
from sunshine.governance.rules.decisions import DecisionFacts
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.decisions import decision_record
from sunshine.governance.rules.decisions import recount
from sunshine.governance.rules.tally import Choice
from sunshine.kernel.errors import Invalid

FOUR = frozenset({1, 2, 3, 4})
FIVE = frozenset({1, 2, 3, 4, 5})
STRICT = CommitteeSettings(majority=CommitteeMajority.MORE_THAN_HALF)
Y, N, A = Choice.YES, Choice.NO, Choice.ABSTAIN


def test_exactly_half_present_is_no_quorum() -> None:
    half = decide(FOUR, frozenset({1, 2}), {1: Y, 2: Y})
    assert not half.quorum_met
    assert half.outcome is CommitteeOutcome.NO_QUORUM  # though half of all members agreed
    assert decide(FOUR, frozenset({1, 2, 3}), {1: Y, 2: Y, 3: N}).quorum_met
    assert decide(FIVE, frozenset({1, 2, 3}), {}).quorum_met
    assert not decide(FIVE, frozenset({1, 2}), {}).quorum_met


def test_half_of_all_members_adopts_by_default() -> None:
    got = decide(FOUR, frozenset({1, 2, 3}), {1: Y, 2: Y, 3: N})
    assert got.settings.majority is CommitteeMajority.HALF_OR_MORE
    assert got.majority.rule == "committee.half_or_more"
    assert "半数以上" in got.majority.source
    assert got.outcome is CommitteeOutcome.ADOPTED


def test_half_of_all_members_is_not_enough_under_the_strict_setting() -> None:
    got = decide(FOUR, frozenset({1, 2, 3}), {1: Y, 2: Y, 3: N}, STRICT)
    assert got.majority.rule == "committee.more_than_half"
    assert got.outcome is CommitteeOutcome.NOT_ADOPTED
    assert decide(FOUR, frozenset({1, 2, 3}), {1: Y, 2: Y, 3: Y}, STRICT).outcome is (
        CommitteeOutcome.ADOPTED
    )


def test_the_majority_is_of_all_members_not_of_those_present() -> None:
    got = decide(FIVE, frozenset({1, 2, 3}), {1: Y, 2: Y, 3: A})  # 2 of 3 present, 2 of 5
    assert got.quorum_met
    assert (got.yes, got.no, got.abstain) == (2, 0, 1)
    assert got.outcome is CommitteeOutcome.NOT_ADOPTED
    assert decide(FIVE, frozenset({1, 2, 3}), {1: Y, 2: Y, 3: Y}, STRICT).outcome is (
        CommitteeOutcome.ADOPTED
    )


def test_only_present_members_vote() -> None:
    with pytest.raises(Invalid) as refused:
        decide(FOUR, frozenset({1, 2, 9}), {1: Y, 3: Y})
    assert [p.code for p in refused.value.problems] == ["committee_voter", "committee_member"]
    with pytest.raises(Invalid):
        decide(frozenset(), frozenset(), {})


def test_a_decision_is_announced_within_the_set_days() -> None:
    assert announce_by(date(2026, 12, 30)) == date(2027, 1, 2)
    assert announce_by(date(2026, 12, 1), CommitteeSettings(announce_within_days=5)) == date(
        2026, 12, 6
    )


def _record() -> dict[str, object]:
    facts = DecisionFacts(7, 1, "批准2027年度预算", Way.MEETING, date(2026, 12, 1), FIVE,
                          frozenset({1, 2, 3}), {1: Y, 2: Y, 3: Y})  # fmt: skip
    return decision_record(facts, decide(facts.members, facts.present, facts.votes))


def test_a_logged_decision_recounts_to_itself_from_its_own_facts() -> None:
    record = json.loads(json.dumps(_record()))  # as read back from the log
    assert record["outcome"] == "adopted"
    assert record["announce_by"] == "2026-12-04"
    assert recount(record) == record


def test_a_record_whose_outcome_does_not_follow_from_its_votes_is_caught() -> None:
    claimed = _record() | {"outcome": "adopted", "votes": {"1": "yes", "2": "no", "3": "no"}}
    assert recount(claimed)["outcome"] == "not_adopted"
    assert recount(claimed) != claimed
    stricter = _record() | {"settings": {"majority": "more_than_half", "announce_within_days": 3}}
    assert recount(stricter)["majority"] != stricter["majority"]  # the rule follows the setting
    with pytest.raises(ValueError, match="not a committee decision record"):
        recount({"decision": 1})


@st.composite
def meetings(draw: st.DrawFn) -> tuple[frozenset[int], frozenset[int], dict[int, Choice]]:
    members = frozenset(range(1, draw(st.integers(1, 15)) + 1))
    present = frozenset(draw(st.sets(st.sampled_from(sorted(members)))))
    votes = {m: draw(st.sampled_from(list(Choice))) for m in sorted(present)}
    return members, present, votes


@given(meetings())
def test_the_strict_setting_never_adopts_what_the_default_refuses(meeting) -> None:
    members, present, votes = meeting
    default = decide(members, present, votes)
    strict = decide(members, present, votes, STRICT)
    assert default.quorum_met == strict.quorum_met == (2 * len(present) > len(members))
    assert not strict.majority_met or default.majority_met
    assert default.majority_met == (2 * strict.yes >= len(members))
    assert strict.majority_met == (2 * strict.yes > len(members))


@given(meetings())
def test_a_member_changing_to_yes_never_undoes_an_adoption(meeting) -> None:
    members, present, votes = meeting
    before = decide(members, present, votes).outcome
    for member in sorted(present):
        after = decide(members, present, votes | {member: Y}).outcome
        assert before is not CommitteeOutcome.ADOPTED or after is CommitteeOutcome.ADOPTED
