"""A survey's result (意见征求): shares of the valid responses, exactly; never a decision.

A survey asks owners (one response per unit) or households non-binding questions, each
answered by one option. For each question the valid responses are those choosing one of
its options; a blank is a response but not a valid one for that question. An option's
share is `count / valid`, an exact fraction; it is shown as a percentage to one decimal,
rounded half up (四舍五入) on the exact fraction, never on a float: 115 / 159 = 72.327…%
→ 72.3%, 1 / 8 = 12.5%, 1 / 16 = 6.25% → 6.3%. Each share is rounded alone, so shown
shares may add up to 99.9% or 100.1%; the counts are exact. With no valid response there
is no share (None), never 0%.

Nothing here is a threshold: a survey passes nothing (LAW.md 1, "Surveys are not
decisions"); every result carries `binding: False` and the label that says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

LABEL = "意见征求，不具表决效力"
LABEL_EN = "Opinion survey: not binding, not an owners' vote"
MAX_QUESTION_FIELDS = 20  # a form reads at most this many questions
ROUNDING = "percent to one decimal, half up on the exact fraction; shares rounded alone"


class AskedOf(StrEnum):
    OWNERS = "owners"  # the owners, one response per unit
    HOUSEHOLDS = "households"  # the households living there, one response per unit


class Channel(StrEnum):
    ONLINE = "online"  # by the owner or resident, logged in
    DOOR = "door"  # door to door, entered by staff
    PHONE = "phone"  # by phone, entered by staff
    PAPER = "paper"  # a paper form, entered by staff


@dataclass(frozen=True, slots=True)
class Question:
    number: int
    text: str
    options: tuple[str, ...]


def percent_tenths(count: int, valid: int) -> int | None:
    """The share `count / valid` in tenths of a percent, rounded half up; None when valid is 0."""
    if valid <= 0:
        return None
    if not 0 <= count <= valid:
        raise ValueError("an option's count lies between 0 and the valid responses")
    exact = Fraction(count * 1000, valid)
    floor = exact.numerator // exact.denominator
    return floor + (1 if exact - floor >= Fraction(1, 2) else 0)


def shown_percent(tenths: int | None) -> str:
    """Tenths of a percent as printed: 723 → "72.3"; None → "—"."""
    if tenths is None:
        return "—"
    return f"{tenths // 10}.{tenths % 10}"


@dataclass(frozen=True, slots=True)
class OptionShare:
    number: int  # 1-based, in the question's order
    text: str
    count: int
    tenths: int | None  # percent of the valid responses, in tenths, half up

    @property
    def percent(self) -> str:
        return shown_percent(self.tenths)


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: Question
    valid: int
    blank: int
    options: tuple[OptionShare, ...]


@dataclass(frozen=True, slots=True)
class SurveyResult:
    asked: int
    responses: int
    channels: Mapping[str, int]
    questions: tuple[QuestionResult, ...]


def count(
    questions: Sequence[Question],
    answers: Iterable[tuple[Channel, Mapping[str, int]]],
    *,
    asked: int,
) -> SurveyResult:
    """Count the counting responses, one per unit.

    Each response maps a question's number to the chosen option's number (1-based); a
    question left out, or an option it does not have, is a blank for that question.
    """
    answered = list(answers)
    if len(answered) > asked:
        raise ValueError("more responses than units asked")
    channels = {c.value: 0 for c in Channel}
    for channel, _ in answered:
        channels[channel.value] += 1
    results = []
    for question in questions:
        counts = [0] * len(question.options)
        for _channel, chosen in answered:
            option = chosen.get(str(question.number))
            if option is not None and 1 <= option <= len(question.options):
                counts[option - 1] += 1
        valid = sum(counts)
        shares = tuple(
            OptionShare(n, text, counts[n - 1], percent_tenths(counts[n - 1], valid))
            for n, text in enumerate(question.options, start=1)
        )
        results.append(QuestionResult(question, valid, len(answered) - valid, shares))
    return SurveyResult(asked, len(answered), channels, tuple(results))


def result_record(result: SurveyResult) -> dict[str, object]:
    """The result as the log and the notice hold it: aggregates only, no unit, no person."""
    return {
        "binding": False,
        "label": LABEL,
        "rounding": ROUNDING,
        "asked": result.asked,
        "responses": result.responses,
        "channels": dict(result.channels),
        "questions": [
            {
                "number": q.question.number,
                "valid": q.valid,
                "blank": q.blank,
                "options": [
                    {"number": o.number, "text": o.text, "count": o.count, "percent": o.percent}
                    for o in q.options
                ],
            }
            for q in result.questions
        ],
    }
