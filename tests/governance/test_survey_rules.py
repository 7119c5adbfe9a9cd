"""A survey's shares: exact, half up to one decimal of a percent, at the boundaries."""

from __future__ import annotations

import pytest

from sunshine.governance.rules.survey import LABEL
from sunshine.governance.rules.survey import Channel
from sunshine.governance.rules.survey import Question
from sunshine.governance.rules.survey import count
from sunshine.governance.rules.survey import percent_tenths
from sunshine.governance.rules.survey import result_record
from sunshine.governance.rules.survey import shown_percent

Q = Question(1, "是否同意？", ("同意", "不同意", "无意见"))


@pytest.mark.parametrize(
    ("count_", "valid", "tenths"),
    [
        (115, 159, 723),  # the reference community: 72.327…% → 72.3
        (1, 8, 125),  # 12.5% exactly
        (1, 16, 63),  # 6.25% → 6.3: half up, not to even
        (3, 16, 188),  # 18.75% → 18.8
        (1, 2000, 1),  # 0.05% → 0.1: the half rounds up
        (1, 2001, 0),  # 0.0499…% → 0.0: just under the half
        (2, 3, 667),  # 66.666…% → 66.7
        (1, 3, 333),  # 33.333…% → 33.3
        (0, 5, 0),
        (5, 5, 1000),
    ],
)
def test_shares_round_half_up_on_the_exact_fraction(count_: int, valid: int, tenths: int) -> None:
    assert percent_tenths(count_, valid) == tenths


def test_no_valid_response_has_no_share_never_zero() -> None:
    assert percent_tenths(0, 0) is None
    assert shown_percent(None) == "—"
    assert shown_percent(723) == "72.3"
    assert shown_percent(5) == "0.5"


def test_a_count_outside_the_valid_responses_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0"):
        percent_tenths(6, 5)


def test_the_reference_survey_counts_115_of_159() -> None:
    answers = (
        [(Channel.DOOR, {"1": 1})] * 115
        + [(Channel.PHONE, {"1": 2})] * 31
        + [(Channel.PHONE, {"1": 3})] * 13
        + [(Channel.PAPER, {})] * 4
    )
    result = count([Q], answers, asked=192)
    [question] = result.questions
    assert (result.asked, result.responses, question.valid, question.blank) == (192, 163, 159, 4)
    assert [(o.count, o.percent) for o in question.options] == [
        (115, "72.3"),
        (31, "19.5"),
        (13, "8.2"),
    ]
    assert result.channels == {"online": 0, "door": 115, "phone": 44, "paper": 4}
    record = result_record(result)
    assert record["binding"] is False
    assert record["label"] == LABEL == "意见征求，不具表决效力"


def test_an_option_the_question_does_not_have_is_a_blank() -> None:
    result = count([Q], [(Channel.DOOR, {"1": 4}), (Channel.DOOR, {"2": 1})], asked=5)
    assert (result.questions[0].valid, result.questions[0].blank) == (0, 2)
    assert [o.tenths for o in result.questions[0].options] == [None, None, None]


def test_more_responses_than_units_asked_is_refused() -> None:
    with pytest.raises(ValueError, match="more responses"):
        count([Q], [(Channel.DOOR, {"1": 1})] * 3, asked=2)


def test_shares_rounded_alone_may_not_add_up_to_100() -> None:
    result = count([Q], [(Channel.DOOR, {"1": n}) for n in (1, 2, 3)], asked=3)
    assert [o.percent for o in result.questions[0].options] == ["33.3", "33.3", "33.3"]
