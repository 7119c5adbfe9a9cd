"""Masked forms of private data for anything shown beyond its owner (LAW.md 3).

name → first character + '**' (张**), phone → 3 + **** + 4 (138****5678),
ID number → first 4 + stars + last 4, plate → province + letter + *** + last 2 (苏D***45).
The star count never reveals the length of what it hides, except for ID numbers,
whose length is fixed by law.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date

_DIGITS = re.compile(r"\D")

# --- personal numbers in free text (`looks_personal`) ---------------------------------

# Chinese numerals as a phone number is read out or written on a form (幺 and 两 for 1 and 2
# when spoken; ○ for 〇). 十, 百, 拾 … are not digits of a number read digit by digit.
_NUMERAL_FORMS = (
    "〇零○", "一壹幺", "二贰貳两兩", "三叁參", "四肆",
    "五伍", "六陆陸", "七柒", "八捌", "九玖",
)  # fmt: skip
_NUMERALS = {char: str(digit) for digit, chars in enumerate(_NUMERAL_FORMS) for char in chars}
# Digits that NFKC leaves alone but unicodedata.digit reads (❶, ➀, ⓵ …).
_OTHER_DIGITS = (
    "\u1369-\u1371\u19da\u24f5-\u24ff\u2776-\u2793"
    "\U00010a40-\U00010a43\U00010e60-\U00010e68\U00011052-\U0001105a"
)
_DIGIT_LIKE = rf"\d{''.join(_NUMERALS)}{_OTHER_DIGITS}"
_SHORTEST = 11  # a mobile number; ID numbers have 15 or 18 digits
_INVISIBLE = "\u115f\u1160\u3164\uffa0"  # Hangul fillers: letters (Lo) that show nothing
# _SHORTEST digit-like characters with no letter between them: most narrations have no such
# run and stop here, before anything slower (a superset of what `_Skeleton` reads as one).
# Tried only where a group of digits starts, and possessive, so a long run costs one pass.
_DIGIT_RUN = re.compile(
    rf"(?<![{_DIGIT_LIKE}])(?:[{_DIGIT_LIKE}][\W_{_INVISIBLE}]*+){{{_SHORTEST}}}"
)
_MOBILE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
# Provinces (11 Beijing … 65 Xinjiang), 71 Taiwan, 81/82 Hong Kong and Macao, 83 residence
# permits; 9x foreigners' permanent residence. The date is checked in `_born`.
_REGION = r"(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3]|9\d)\d{4}"
_ID_18 = re.compile(rf"{_REGION}(?:19|20)\d{{9}}[\dX]")
_ID_15 = re.compile(rf"{_REGION}\d{{9}}")
_LENGTHS = frozenset({11, 13, 15, 18})  # mobile, 86 + mobile, 0086 + mobile or ID-15, ID-18
_LONGEST = 18
_MAX_GAP = 3  # separator characters between two digit groups that a reader still joins


def looks_personal(text: str) -> bool:
    """Whether free text holds what looks like a mobile or resident ID number (LAW.md 3).

    Text that reaches the append-only log or a public page must not: it can never be
    erased. The text is read as a person would read it: NFKC (full-width and circled
    digits), format and zero-width characters dropped, Chinese numerals (一三八, 壹叁捌,
    幺, 〇) taken as digits, and digit groups parted by up to three separator characters
    (spaces, dashes, slashes, commas, dots, underscores, brackets) joined, so
    "联系电话(138)12345678", "138/1234/5678" and "+86 １３８…" are caught. A number counts
    when whole groups join into a mobile number (1[3-9] and nine digits, +86 or 0086
    allowed before it) or an ID number (18 digits, or 15 of the old form, with a region
    code and a real birth date where ID numbers have them), so dates such as 2024-10-05,
    amounts such as 9,618.58 and invoice numbers are not. Not caught: digits spelled out
    in words or letters (O for 0), or parted by words or by more than three separators.

    It runs once per distinct narration of an import: text without eleven digits that
    no letter parts (most narrations) is answered by one regular expression
    (bench/personal_filter.py measures it).
    """
    plain = unicodedata.normalize("NFKC", text)
    if _DIGIT_RUN.search(plain) is None:
        return False
    return any(
        len(digits) in _LENGTHS and _is_personal_number(digits)
        for cluster in _CLUSTER.findall(plain.translate(_SKELETON))
        if len(cluster) - cluster.count("-") >= _SHORTEST  # a date, an amount: too few digits
        for digits in _candidates(_groups(cluster))
    )


# Chinese numerals are read as digits but marked: the skeleton writes them as full-width
# digits, which NFKC has already turned into ASCII everywhere else in the text.
_NUMERAL_DIGITS = "０１２３４５６７８９"
_AS_ASCII = str.maketrans(_NUMERAL_DIGITS, "0123456789")
# A cluster: digit groups parted by at most _MAX_GAP separators, perhaps an ID's X at the end.
_CLUSTER = re.compile(
    rf"[0-9{_NUMERAL_DIGITS}]+(?:-{{1,{_MAX_GAP}}}[0-9{_NUMERAL_DIGITS}]+)*(?:-{{0,{_MAX_GAP}}}X)?"
)
_SEPARATORS = re.compile("-+")


class _Skeleton(dict[int, str | None]):
    """The `str.translate` table that writes text as the digit reader sees it, filled on demand.

    Digits (any script, circled, dingbat) become ASCII digits, Chinese numerals full-width
    digits, X and x an X, letters and ideographs "a" (they end a number), invisible
    characters (format, control, combining, Hangul fillers) nothing, and every other
    character, a separator, "-".
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        seen: str | None
        if (numeral := _NUMERALS.get(char)) is not None:
            seen = _NUMERAL_DIGITS[int(numeral)]
        elif (value := unicodedata.digit(char, None)) is not None:
            seen = str(value)
        elif char in "Xx":
            seen = "X"
        elif unicodedata.category(char)[0] in "CM" or char in _INVISIBLE:
            seen = None
        else:
            seen = "a" if char.isalnum() else "-"
        self[code] = seen
        return seen


_SKELETON = _Skeleton()

# A group of digits as read: the digits in ASCII, and how many at its start and at its end
# were Chinese numerals, which may belong to a word beside the number (张三, 一次).
_Group = tuple[str, int, int]


def _groups(cluster: str) -> list[_Group]:
    parts = _SEPARATORS.split(cluster)
    if parts[-1] == "X":  # separators before an ID number's check character
        parts[-2:] = [parts[-2] + "X"]
    groups = []
    for part in parts:
        lead = len(part) - len(part.lstrip(_NUMERAL_DIGITS))
        trail = len(part) - len(part.rstrip(_NUMERAL_DIGITS))
        groups.append((part.translate(_AS_ASCII), lead, trail))
    return groups


def _candidates(groups: list[_Group]) -> Iterator[str]:
    """Digit strings of consecutive whole groups, with or without the numerals at either end."""
    for start, (first, lead, _trail) in enumerate(groups):
        for cut in range(min(lead, len(first) - 1) + 1):
            joined = first[cut:]
            for end in range(start, len(groups)):
                if end > start:
                    joined += groups[end][0]
                trail = groups[end][2]
                if len(joined) - trail > _LONGEST:
                    break
                for trim in range(min(trail, len(joined) - 1) + 1):
                    yield joined[: len(joined) - trim]


def _is_personal_number(digits: str) -> bool:
    """A mobile number, or an ID number with a real birth date."""
    if _MOBILE.fullmatch(digits):
        return True
    if _ID_18.fullmatch(digits):
        return _born(digits[6:14])
    return _ID_15.fullmatch(digits) is not None and _born("19" + digits[6:12])


def _born(yyyymmdd: str) -> bool:
    try:
        date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return True


def mask_name(name: str) -> str:
    """张三丰 → 张**; an organisation's name is shown as is only by callers that know it is one."""
    name = name.strip()
    return f"{name[0]}**" if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678. Anything shorter than 7 digits is hidden entirely."""
    digits = _DIGITS.sub("", phone)
    for prefix in ("0086", "86"):  # +86 138… must not show as 861****…
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits.removeprefix(prefix)
    if len(digits) < 7:
        return "****" if digits else ""
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(id_number: str) -> str:
    """320402199001011234 → 3204**********1234."""
    text = id_number.strip()
    if len(text) <= 8:
        return "*" * len(text)
    return f"{text[:4]}{'*' * (len(text) - 8)}{text[-4:]}"


def mask_plate(plate: str) -> str:
    """苏D12345 → 苏D***45; 苏DF12345 (new energy) → 苏D***45."""
    text = plate.strip()
    if len(text) < 4:
        return "***"
    return f"{text[:2]}***{text[-2:]}"
