"""Amounts in Chinese financial capitals (大写), as receipts and letters print them.

A receipt states its amount twice, in figures and in capitals, so a figure cannot be
altered by a stroke; the capitals follow the banks' rules (零 where places are skipped,
整 when there are no fen).
"""

from __future__ import annotations

from sunshine.kernel.money import Fen

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿")


def capital_amount(amount: Fen) -> str:
    """The amount in Chinese financial capitals: 9,618.58 → 玖仟陆佰壹拾捌元伍角捌分."""
    fen = amount.value
    if fen < 0:
        return "负" + capital_amount(Fen(-fen))
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    text = (_whole(yuan) or "零") + "元"
    if not jiao and not cents:
        return text + "整"
    if not cents:
        return f"{text}{DIGITS[jiao]}角整"
    middle = f"{DIGITS[jiao]}角" if jiao else "零"
    return f"{text}{middle}{DIGITS[cents]}分"


def _whole(number: int) -> str:
    """A whole number in capitals, with 零 where places are skipped (below 10^12)."""
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _four(group) + GROUPS[index]
        gap = False
    return text


def _four(group: int) -> str:
    text, gap = "", False
    for place in (3, 2, 1, 0):
        digit = group // 10**place % 10
        if digit == 0:
            gap = bool(text)
            continue
        if gap:
            text += "零"
            gap = False
        text += DIGITS[digit] + PLACES[place]
    return text
