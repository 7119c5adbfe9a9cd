"""Chinese vehicle plates (GA 36-2018): normalise what people type and say what is wrong.

Ordinary plates have 7 characters: a province (苏), an issuing-office letter (D) and
five letters or digits, the last of which may be 挂 学 警 港 澳 领. New-energy plates
have 8: province, office letter, then either a D/F-type letter and five more
(small cars: 苏DF12345, with the 2022 letters A–K too), or five digits and D/F (large
vehicles: 苏D12345F). Letters I and O are never used, so 0/1 are not misread.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sunshine.kernel.errors import Problem

PROVINCES = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_ALNUM = _LETTERS | _DIGITS
_SPECIAL_LAST = frozenset("挂学警港澳领")
_SMALL_NEV = frozenset("DFABCEGHJK")
_SEPARATORS = frozenset(" \t·•・.．-－_—")


@dataclass(frozen=True, slots=True)
class PlateCheck:
    """The result of reading a typed plate: the normal form, or why it is not a plate."""

    plate: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def fold(text: str) -> str:
    """Full-width to half-width, separators dropped, letters raised: '苏Ｄ·ab123' → '苏DAB123'."""
    # Dropping a separator or raising a letter can leave text that NFKC would change again
    # ('A´' → 'A' + ' ' + U+0301 → 'A' + U+0301 → 'Á'), so fold until nothing changes; then
    # fold(fold(x)) == fold(x) and a stored plate reads the same when checked again.
    folded = text
    for _ in range(4):
        again = "".join(
            ch for ch in unicodedata.normalize("NFKC", folded) if ch not in _SEPARATORS
        ).upper()
        if again == folded:
            break
        folded = again
    return folded


def check_plate(text: str) -> PlateCheck:
    """Normalise `text` and list every reason it is not a valid plate."""
    plate = fold(text)
    problems = _problems(plate)
    return PlateCheck(plate, tuple(problems))


def _problems(plate: str) -> list[Problem]:
    if not plate:
        return [Problem("plate_empty", "the plate is empty", where="plate")]
    problems: list[Problem] = []
    if plate[0] not in PROVINCES:
        problems.append(
            Problem(
                "plate_province",
                "the plate {plate} must start with a province character such as 苏",
                {"plate": plate},
                "plate",
            )
        )
    if "I" in plate or "O" in plate:
        problems.append(
            Problem(
                "plate_letter_io",
                "the plate {plate} contains I or O, which plates never use (1 or 0?)",
                {"plate": plate},
                "plate",
            )
        )
    if len(plate) not in (7, 8):
        problems.append(
            Problem(
                "plate_length",
                "the plate {plate} has {length} characters; "
                "ordinary plates have 7, new-energy plates 8",
                {"plate": plate, "length": len(plate)},
                "plate",
            )
        )
        return problems
    if problems:
        return problems
    body = plate[2:]
    if plate[1] not in _LETTERS:
        problems.append(
            Problem(
                "plate_office",
                "the second character of {plate} must be a letter",
                {"plate": plate},
                "plate",
            )
        )
    elif len(plate) == 7 and not _ordinary_body(body):
        problems.append(
            Problem(
                "plate_chars",
                "after {head}, the plate {plate} must have five letters or digits",
                {"plate": plate, "head": plate[:2]},
                "plate",
            )
        )
    elif len(plate) == 8 and not _new_energy_body(body):
        problems.append(
            Problem(
                "plate_new_energy",
                "the new-energy plate {plate} must read like 苏DF12345 or 苏D12345F",
                {"plate": plate},
                "plate",
            )
        )
    return problems


def _ordinary_body(body: str) -> bool:
    head, last = body[:-1], body[-1]
    return all(ch in _ALNUM for ch in head) and (last in _ALNUM or last in _SPECIAL_LAST)


def _new_energy_body(body: str) -> bool:
    small = body[0] in _SMALL_NEV and body[1] in _ALNUM and all(ch in _DIGITS for ch in body[2:])
    large = all(ch in _DIGITS for ch in body[:5]) and body[5] in "DF"
    return small or large
