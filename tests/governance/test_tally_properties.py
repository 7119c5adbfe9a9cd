"""Properties of the tally over generated rolls and ballots (Hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from sunshine.governance.rules.result import TallySettings
from sunshine.governance.rules.result import VoteTally
from sunshine.governance.rules.result import tally_vote
from sunshine.governance.rules.roll import Roll
from sunshine.governance.rules.roll import build_roll
from sunshine.governance.rules.tally import Ballot
from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.tally import Matter
from sunshine.governance.rules.tally import Outcome
from sunshine.governance.rules.thresholds import Item
from tests.governance.support import key
from tests.governance.support import unit

MATTERS = (Matter(1, Item.HIRE_MANAGER), Matter(2, Item.RAISE_MAINTENANCE_FUND))
areas = st.integers(min_value=1, max_value=50000).map(lambda hundredths: Decimal(hundredths) / 100)
answers = st.dictionaries(st.sampled_from([1, 2]), st.sampled_from(list(Choice)), max_size=2)


@st.composite
def votes(draw: st.DrawFn) -> tuple[Roll, list[Ballot], frozenset[str]]:
    """A roll of up to 12 units (some owners holding two) and ballots from some of them."""
    sizes = draw(st.lists(areas, min_size=1, max_size=12))
    owners = [draw(st.integers(min_value=1, max_value=len(sizes))) for _ in sizes]
    roll = build_roll(
        [unit(i, a, o) for i, (a, o) in enumerate(zip(sizes, owners, strict=True), 1)]
    )
    voting = draw(st.lists(st.sampled_from([v.key for v in roll.voters]), unique=True))
    ballots = [Ballot(voter, draw(answers)) for voter in voting]
    silent = frozenset(draw(st.lists(st.sampled_from([v.key for v in roll.voters]))))
    return roll, ballots, silent


def _outcomes(result: VoteTally) -> list[Outcome]:
    return [matter.outcome for matter in result.matters]


@given(votes(), st.booleans(), st.randoms(use_true_random=False))
def test_the_tally_never_depends_on_ballot_order(drawn, silent_on, random) -> None:
    roll, ballots, silent = drawn
    settings = TallySettings(silent_follow_majority=silent_on)
    shuffled = list(ballots)
    random.shuffle(shuffled)
    first = tally_vote(roll, MATTERS, ballots, settings=settings, silent_eligible=silent)
    assert first == tally_vote(roll, MATTERS, shuffled, settings=settings, silent_eligible=silent)


@given(votes())
def test_an_agreeing_ballot_never_turns_passed_into_anything_else(drawn) -> None:
    roll, ballots, _ = drawn
    before = _outcomes(tally_vote(roll, MATTERS, ballots))
    returned = {b.voter for b in ballots}
    for voter in roll.voters:
        if voter.key in returned:
            continue
        after = _outcomes(
            tally_vote(roll, MATTERS, [*ballots, Ballot(voter.key, {1: Choice.YES, 2: Choice.YES})])
        )
        for was, now in zip(before, after, strict=True):
            assert was is not Outcome.PASSED or now is Outcome.PASSED


@given(votes(), st.integers(min_value=2, max_value=7))
def test_scaling_every_area_alike_changes_no_outcome(drawn, factor) -> None:
    roll, ballots, _ = drawn
    scaled = build_roll(
        [unit(u.unit_id, u.area * factor, *(h.party_id for h in u.holders)) for u in roll.units]
    )
    assert _outcomes(tally_vote(roll, MATTERS, ballots)) == _outcomes(
        tally_vote(scaled, MATTERS, ballots)
    )


@given(votes())
def test_participation_and_agreement_add_up(drawn) -> None:
    roll, ballots, _ = drawn
    for result in tally_vote(roll, MATTERS, ballots).matters:
        raw = result.raw
        assert raw.part == raw.yes + raw.no + raw.abstain
        assert raw.part.heads <= raw.total.heads == len(roll.voters)
        assert raw.part.area <= raw.total.area
        assert raw.part.heads == sum(1 for b in ballots if raw.matter.number in b.answers)


def test_the_single_voter_checks() -> None:
    roll = build_roll([unit(1)])
    result = tally_vote(roll, MATTERS, [Ballot(key(1), {1: Choice.YES, 2: Choice.NO})])
    assert _outcomes(result) == [Outcome.PASSED, Outcome.REJECTED]


@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=15), st.data())
def test_single_unit_owners_pass_exactly_when_the_fractions_say_so(sizes, data) -> None:
    """An oracle of plain Fractions, one matter of each kind, for one-unit owners."""
    roll = build_roll([unit(i, Decimal(a) / 100) for i, a in enumerate(sizes, 1)])
    choices = [data.draw(st.sampled_from([None, *Choice])) for _ in sizes]
    ballots = [Ballot(key(i), {1: c, 2: c}) for i, c in enumerate(choices, 1) if c is not None]
    area = dict(zip(range(1, len(sizes) + 1), sizes, strict=True))
    took = [i for i, c in enumerate(choices, 1) if c is not None]
    agreed = [i for i, c in enumerate(choices, 1) if c is Choice.YES]

    def share(group: list[int], base: list[int]) -> tuple[Fraction, Fraction]:
        whole = sum(area[i] for i in base)
        return Fraction(sum(area[i] for i in group), whole), Fraction(len(group), len(base))

    quorum = all(s >= Fraction(2, 3) for s in share(took, list(area)))
    simple = bool(took) and all(s > Fraction(1, 2) for s in share(agreed, took))
    special = bool(took) and all(s >= Fraction(3, 4) for s in share(agreed, took))
    expected = [
        Outcome.NO_QUORUM if not quorum else Outcome.PASSED if ok else Outcome.REJECTED
        for ok in (simple, special)
    ]
    assert _outcomes(tally_vote(roll, MATTERS, ballots)) == expected


@given(votes())
def test_the_silent_following_an_agreeing_majority_never_undo_a_pass(drawn) -> None:
    roll, ballots, silent = drawn
    settings = TallySettings(silent_follow_majority=True)
    for result in tally_vote(
        roll, MATTERS, ballots, settings=settings, silent_eligible=silent
    ).matters:
        if result.raw.outcome is Outcome.PASSED and result.adjusted is not None:
            assert result.adjusted.yes.heads > result.adjusted.no.heads
            assert result.outcome is Outcome.PASSED
