"""The tally of an owners' vote at every boundary LAW.md 1 names, matter by matter."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sunshine.governance.rules.result import Silence
from sunshine.governance.rules.result import TallySettings
from sunshine.governance.rules.result import tally_vote
from sunshine.governance.rules.roll import DEVELOPER
from sunshine.governance.rules.roll import Roll
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.roll import build_roll
from sunshine.governance.rules.tally import Ballot
from sunshine.governance.rules.tally import Count
from sunshine.governance.rules.tally import Matter
from sunshine.governance.rules.tally import MatterTally
from sunshine.governance.rules.tally import Outcome
from sunshine.governance.rules.thresholds import Item
from sunshine.kernel.errors import Invalid
from tests.governance.support import ABSTAIN
from tests.governance.support import NO
from tests.governance.support import YES
from tests.governance.support import ballot
from tests.governance.support import flats
from tests.governance.support import key
from tests.governance.support import partial
from tests.governance.support import unit

ONE = (Matter(1, Item.MANAGEMENT_COVENANT),)  # items 1–5, 9: more than half
SIX = (Matter(1, Item.RAISE_MAINTENANCE_FUND),)  # items 6–8: three quarters


def _one(roll: Roll, matters: tuple[Matter, ...], *ballots: Ballot) -> MatterTally:
    return tally_vote(roll, matters, ballots).matters[0].deciding


def test_the_tally_reports_total_participation_agreement_and_sources() -> None:
    got = _one(flats("100", "100", "100"), ONE, ballot(1, YES), ballot(2, YES), ballot(3, NO))
    assert got.total == Count(Decimal(300), 3)
    assert got.part == Count(Decimal(300), 3)
    assert got.yes == Count(Decimal(200), 2)
    assert got.no == Count(Decimal(100), 1)
    assert got.quorum.threshold.rule == "art278.quorum"
    assert got.approval.threshold.rule == "art278.items1-5,9"
    assert "第二百七十八条" in got.approval.threshold.source
    assert got.outcome is Outcome.PASSED


def test_exactly_two_thirds_taking_part_reaches_the_quorum() -> None:
    roll = flats("100", "100", "100")
    got = _one(roll, ONE, ballot(1, YES), ballot(2, YES))
    assert got.quorum.met
    assert got.outcome is Outcome.PASSED


def test_below_two_thirds_is_not_passed_for_lack_of_quorum_not_rejected() -> None:
    roll = flats("100", "100", "100.01")
    got = _one(roll, ONE, ballot(1, YES), ballot(2, YES))  # 2 of 3 heads, 200 of 300.01 m²
    assert got.quorum.heads_met
    assert not got.quorum.area_met
    assert got.outcome is Outcome.NO_QUORUM
    assert got.approval.met  # everyone who took part agreed, and still it did not pass


def test_quorum_by_area_without_headcount_fails() -> None:
    roll = flats("500", "10", "10", "10")  # 1 of 4 heads carries 94% of the area
    got = _one(roll, ONE, ballot(1, YES), ballot(2, YES))
    assert got.quorum.area_met
    assert not got.quorum.heads_met
    assert got.outcome is Outcome.NO_QUORUM


def test_exactly_three_quarters_passes_an_item_6_matter() -> None:
    roll = flats("100", "100", "100", "100")
    assert (
        _one(roll, SIX, ballot(1, YES), ballot(2, YES), ballot(3, YES), ballot(4, NO)).outcome
        is Outcome.PASSED
    )
    below = flats("100", "100", "100", "100.01")
    got = _one(below, SIX, ballot(1, YES), ballot(2, YES), ballot(3, YES), ballot(4, NO))
    assert got.approval.heads_met
    assert not got.approval.area_met
    assert got.outcome is Outcome.REJECTED


def test_exactly_half_rejects_an_item_1_to_5_or_9_matter() -> None:
    roll = flats("100", "100", "100", "100")
    votes = (ballot(1, YES), ballot(2, YES), ballot(3, NO), ballot(4, NO))
    got = _one(roll, ONE, *votes)
    assert not got.approval.area_met
    assert not got.approval.heads_met
    assert got.outcome is Outcome.REJECTED


def test_agreement_by_area_without_headcount_is_rejected_and_the_reverse() -> None:
    roll = flats("400", "100", "100", "100")
    by_area = _one(roll, ONE, ballot(1, YES), ballot(2, NO), ballot(3, NO), ballot(4, NO))
    assert (by_area.approval.area_met, by_area.approval.heads_met) == (True, False)
    assert by_area.outcome is Outcome.REJECTED
    by_heads = _one(roll, ONE, ballot(1, NO), ballot(2, YES), ballot(3, YES), ballot(4, YES))
    assert (by_heads.approval.area_met, by_heads.approval.heads_met) == (False, True)
    assert by_heads.outcome is Outcome.REJECTED


def test_abstentions_take_part_and_do_not_agree() -> None:
    roll = flats("100", "100", "100", "100")
    with_abstention = _one(
        roll, ONE, ballot(1, YES), ballot(2, YES), ballot(3, NO), ballot(4, ABSTAIN)
    )
    assert with_abstention.part == Count(Decimal(400), 4)
    assert with_abstention.abstain == Count(Decimal(100), 1)
    assert with_abstention.outcome is Outcome.REJECTED  # 2 of 4 participants is exactly half
    without = _one(roll, ONE, ballot(1, YES), ballot(2, YES), ballot(3, NO))
    assert without.outcome is Outcome.PASSED  # 2 of 3; 3 of 4 took part


def test_the_developer_is_one_person_however_much_it_holds() -> None:
    units = [unit(i, "100", developer_held=True) for i in range(1, 7)] + [
        unit(7, "100"),
        unit(8, "100"),
        unit(9, "100"),
    ]
    roll = build_roll(units)
    assert roll.heads == 4
    got = _one(roll, ONE, Ballot(DEVELOPER, {1: YES}), ballot(7, NO), ballot(8, NO), ballot(9, NO))
    assert got.yes == Count(Decimal(600), 1)
    assert (got.approval.area_met, got.approval.heads_met) == (True, False)
    assert got.outcome is Outcome.REJECTED


def test_a_multi_unit_owner_is_one_head_carrying_the_summed_area() -> None:
    roll = build_roll([unit(1, "100", 7), unit(2, "100", 7), unit(3, "100"), unit(4, "100")])
    got = _one(roll, ONE, ballot(7, YES), ballot(3, YES), ballot(4, NO))
    assert got.total == Count(Decimal(400), 3)
    assert got.yes == Count(Decimal(300), 2)
    assert got.outcome is Outcome.PASSED


def test_co_owners_cast_one_ballot_for_their_unit() -> None:
    roll = build_roll([unit(1, "100", 3, 4), unit(2, "100"), unit(3, "100", 9)])
    couple = Ballot(key(3, 4), {1: YES})
    got = _one(roll, ONE, couple, ballot(2, YES))
    assert got.part == Count(Decimal(200), 2)
    assert got.outcome is Outcome.PASSED
    with pytest.raises(Invalid) as twice:
        tally_vote(roll, ONE, [couple, Ballot(key(3, 4), {1: NO})])
    assert [p.code for p in twice.value.problems] == ["ballot_twice"]


def test_quorum_is_per_matter_and_a_partial_ballot_takes_part_only_where_it_answers() -> None:
    roll = flats("100", "100", "100")
    matters = (Matter(1, Item.HIRE_MANAGER), Matter(2, Item.CHANGE_USE_OF_COMMON_PARTS))
    votes = (ballot(1, YES, YES), partial(2, {1: YES}), partial(3, {1: NO}))
    first, second = tally_vote(roll, matters, votes).matters
    assert first.raw.part.heads == 3
    assert first.outcome is Outcome.PASSED
    assert second.raw.part == Count(Decimal(100), 1)
    assert second.raw.approval.met  # the one participant agreed …
    assert second.outcome is Outcome.NO_QUORUM  # … but one of three is no quorum


def test_a_scoped_vote_counts_only_the_owners_in_scope() -> None:
    units = [unit(1, building=1), unit(2, building=1), unit(3, building=1), unit(4, building=2)]
    lift = build_roll(units, scope=Scope(buildings=frozenset({1})))
    result = tally_vote(lift, ONE, [ballot(1, YES), ballot(2, YES), ballot(4, NO)])
    got = result.matters[0].deciding
    assert got.total == Count(Decimal(300), 3)  # building 2's owner is not in the total …
    assert got.part.heads == 2
    assert got.outcome is Outcome.PASSED
    assert [(a.voter, a.reason) for a in result.set_aside] == [
        (key(4), "not_on_roll")
    ]  # … nor counted


def test_a_proxy_counts_only_with_a_written_authorisation() -> None:
    roll = flats("100", "100", "100")
    with_paper = tally_vote(
        roll, ONE, [ballot(1, YES), ballot(2, YES, by_proxy=True, authorised=True)]
    )
    assert with_paper.matters[0].outcome is Outcome.PASSED
    assert with_paper.set_aside == ()
    without = tally_vote(roll, ONE, [ballot(1, YES), ballot(2, YES, by_proxy=True)])
    assert without.matters[0].raw.part.heads == 1
    assert without.matters[0].outcome is Outcome.NO_QUORUM
    assert [(a.voter, a.reason) for a in without.set_aside] == [
        (key(2), "proxy_without_authorisation")
    ]
    assert "书面授权" in without.set_aside[0].rule


def test_a_ballot_for_no_such_matter_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        tally_vote(flats("100"), ONE, [partial(1, {2: YES})])
    assert [p.code for p in refused.value.problems] == ["ballot_matter"]


def test_every_tally_records_the_settings_that_produced_it() -> None:
    result = tally_vote(flats("100"), ONE, [ballot(1, YES)])
    assert dict(result.settings) == {"count_parking": False, "silent_follow_majority": False}
    assert "第九条" in result.roll_source
    only = result.matters[0]
    assert only.silence is Silence.OFF
    assert only.adjusted is None


SILENT_ON = TallySettings(silent_follow_majority=True)


def test_silent_owners_are_counted_only_when_the_setting_is_on() -> None:
    roll = flats("100", "100", "100", "100", "100")
    votes = [ballot(1, YES), ballot(2, YES), ballot(3, NO)]
    silent = frozenset({key(4), key(5)})
    off = tally_vote(roll, ONE, votes, silent_eligible=silent).matters[0]
    assert off.outcome is Outcome.NO_QUORUM  # 3 of 5 is below two thirds
    on = tally_vote(roll, ONE, votes, settings=SILENT_ON, silent_eligible=silent).matters[0]
    assert on.silence is Silence.APPLIED
    assert on.raw.outcome is Outcome.NO_QUORUM  # both tallies are kept
    assert on.adjusted is not None
    assert on.adjusted.part == Count(Decimal(500), 5)
    assert on.adjusted.yes == Count(Decimal(400), 4)
    assert on.silent == Count(Decimal(200), 2)
    assert on.outcome is Outcome.PASSED


def test_only_owners_with_proven_delivery_and_no_ballot_count_as_silent() -> None:
    roll = flats("100", "100", "100", "100", "100")
    votes = [ballot(1, YES), ballot(2, YES), ballot(3, NO), partial(4, {})]
    # 4 returned a blank ballot (not silent); 5's delivery is not proven (not eligible)
    result = tally_vote(roll, ONE, votes, settings=SILENT_ON, silent_eligible=frozenset({key(4)}))
    only = result.matters[0]
    assert only.silence is Silence.NONE_SILENT
    assert only.adjusted is None
    assert only.outcome is Outcome.NO_QUORUM


def test_the_silent_never_follow_a_tie_nor_a_split_majority() -> None:
    roll = flats("100", "100", "100", "100", "100", "100")
    silent = frozenset({key(5), key(6)})
    tie = [ballot(1, YES), ballot(2, YES), ballot(3, NO), ballot(4, NO)]
    got = tally_vote(roll, ONE, tie, settings=SILENT_ON, silent_eligible=silent).matters[0]
    assert got.silence is Silence.NO_MAJORITY
    assert got.adjusted is None
    assert got.outcome is Outcome.REJECTED  # the raw tally decides
    split_roll = flats("300", "100", "100", "100", "100")
    split = [ballot(1, YES), ballot(2, NO), ballot(3, NO)]  # area says yes, heads say no
    got = tally_vote(
        split_roll, ONE, split, settings=SILENT_ON, silent_eligible=frozenset({key(4), key(5)})
    ).matters[0]
    assert got.silence is Silence.NO_MAJORITY


def test_the_silent_follow_a_majority_against_too() -> None:
    roll = flats("100", "100", "100", "100", "100")
    votes = [ballot(1, NO), ballot(2, NO), ballot(3, YES)]
    got = tally_vote(
        roll, ONE, votes, settings=SILENT_ON, silent_eligible=frozenset({key(4), key(5)})
    ).matters[0]
    assert got.adjusted is not None
    assert got.adjusted.no == Count(Decimal(400), 4)
    assert got.outcome is Outcome.REJECTED
