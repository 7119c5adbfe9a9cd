"""A vote's public record: aggregates only, in whole dm², and checkable from its own figures."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import given

from sunshine.governance.rules.result import TallySettings
from sunshine.governance.rules.result import tally_vote
from sunshine.governance.rules.tally import Matter
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.rules.vote_record import dm2
from sunshine.governance.rules.vote_record import misstated
from sunshine.governance.rules.vote_record import tally_record
from sunshine.transparency.rules.records import problems_with_record
from tests.governance.support import NO
from tests.governance.support import YES
from tests.governance.support import ballot
from tests.governance.support import flats
from tests.governance.support import key
from tests.governance.test_tally_properties import MATTERS
from tests.governance.test_tally_properties import votes

TWO = (Matter(1, Item.HIRE_MANAGER), Matter(2, Item.CHANGE_USE_OF_COMMON_PARTS))


def _record() -> dict[str, object]:
    roll = flats("89.50", "120.25", "100", "100")
    ballots = [ballot(1, YES, YES), ballot(2, YES, NO), ballot(3, NO, YES),
               ballot(4, YES, YES, by_proxy=True)]  # fmt: skip
    return json.loads(json.dumps(tally_record(tally_vote(roll, TWO, ballots))))


def test_the_record_holds_aggregates_in_whole_dm2_and_no_voter() -> None:
    record = _record()
    assert problems_with_record(record) == []  # fit for the log: no float, plain JSON
    first, second = record["matters"]  # type: ignore[misc]
    assert first["item"] == 4
    assert first["raw"]["total"] == {"area_dm2": 40975, "heads": 4}
    assert first["raw"]["part"] == {"area_dm2": 30975, "heads": 3}  # the proxy is set aside
    assert first["raw"]["yes"] == {"area_dm2": 20975, "heads": 2}
    assert first["raw"]["quorum"]["rule"] == "art278.quorum"
    assert first["outcome"] == "passed"
    assert second["outcome"] == "rejected"  # items 6–8: 2 of 3 is short of three quarters
    assert record["set_aside"] == {"proxy_without_authorisation": 1}
    assert record["settings"] == {"count_parking": False, "silent_follow_majority": False}
    assert "owners:" not in json.dumps(record)


def test_an_outcome_that_does_not_follow_from_the_figures_is_named() -> None:
    record = _record()
    assert misstated(record) == []
    claimed = copy.deepcopy(record)
    claimed["matters"][1]["outcome"] = "passed"  # type: ignore[index]
    claimed["matters"][1]["raw"]["outcome"] = "passed"  # type: ignore[index]
    assert misstated(claimed) == [2]
    padded = copy.deepcopy(record)
    padded["matters"][0]["raw"]["no"]["heads"] = 2  # type: ignore[index]
    assert misstated(padded) == [1]  # participation no longer adds up


def test_under_the_silent_majority_setting_both_tallies_are_published() -> None:
    roll = flats("100", "100", "100", "100", "100")
    tally = tally_vote(
        roll, TWO[:1], [ballot(1, YES), ballot(2, YES), ballot(3, NO)],
        settings=TallySettings(silent_follow_majority=True),
        silent_eligible=frozenset({key(4), key(5)}),
    )  # fmt: skip
    [matter] = tally_record(tally)["matters"]  # type: ignore[misc]
    assert matter["raw"]["outcome"] == "quorum_not_reached"
    assert matter["adjusted"]["outcome"] == "passed"
    assert matter["silent"] == {"area_dm2": 20000, "heads": 2}
    assert matter["silence"] == "applied"
    assert matter["outcome"] == "passed"


def test_areas_are_whole_hundredths() -> None:
    assert dm2(Decimal("85.37")) == 8537
    with pytest.raises(ValueError, match="finer"):
        dm2(Decimal("85.375"))


@given(votes())
def test_every_honest_record_checks_out(drawn) -> None:
    roll, ballots, silent = drawn
    for setting in (False, True):
        tally = tally_vote(roll, MATTERS, ballots, settings=TallySettings(setting),
                           silent_eligible=silent)  # fmt: skip
        assert misstated(json.loads(json.dumps(tally_record(tally)))) == []
