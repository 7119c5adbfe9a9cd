"""Hypothesis strategies for personal numbers and the ways people disguise them in free text.

Valid numbers first (mobile numbers; ID numbers of 18 digits with their check character,
and the old 15-digit form), then a disguise: each digit written as ASCII, full-width,
circled or a Chinese numeral, separators and zero-width characters between digits, a
country code, and words around it. Also ordinary narrations (dates, amounts, invoice
numbers, account codes) that must not be taken for personal data.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

_LOWER = "〇一二三四五六七八九"
_UPPER = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
_DINGBAT = "⓿❶❷❸❹❺❻❼❽❾"
SEPARATORS = [" ", "-", "/", ",", "_", ".", "—", "–", "·", "，", "、", "。", "(", ")", "（", "）",
              "[", "]", "~", "|", "*", "#", ":", "：", "\t", "\n", "\u3000"]  # fmt: skip
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f"]
_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643: 7, 9, 10, 5, 8, 4, 2, …
_CHECK = "10X98765432"
_BEFORE = ["", "联系电话", "业主张三", "电话：", "tel ", "身份证号", "请联系", "手机 ", "王先生"]
_AFTER = ["", "反映漏水", "，谢谢", " 收", "（本人）", " ok"]


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an 18-digit resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    """A mainland mobile number: 1, then 3 to 9, then nine digits."""
    return "1" + draw(st.sampled_from("3456789")) + draw(_digits(9))


_PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
              "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
              "63", "64", "65", "71", "81", "82", "83"]  # fmt: skip


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=count, max_size=count)


def _region(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(_PROVINCES)) + draw(_digits(4))


@st.composite
def id_numbers_18(draw: st.DrawFn) -> str:
    """A resident ID number: region, birth date, sequence, check character (may be X)."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
    first17 = _region(draw) + born.strftime("%Y%m%d") + draw(_digits(3))
    return first17 + id_check_character(first17)


@st.composite
def id_numbers_15(draw: st.DrawFn) -> str:
    """The first-generation ID number: region, birth date as YYMMDD, sequence."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)))
    return _region(draw) + born.strftime("%y%m%d") + draw(_digits(3))


def personal_numbers() -> st.SearchStrategy[str]:
    """Any of the three kinds of personal number, written plainly."""
    return st.one_of(mobile_numbers(), id_numbers_18(), id_numbers_15())


def _written(draw: st.DrawFn, char: str) -> str:
    if char == "X":
        return draw(st.sampled_from(["X", "x", "Ｘ", "ｘ"]))
    digit = int(char)
    forms = [char, chr(0xFF10 + digit), _LOWER[digit], _UPPER[digit], _CIRCLED[digit],
             _DINGBAT[digit]]  # fmt: skip
    return draw(st.sampled_from(forms))


def _between(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["none", "none", "separator", "invisible"]))
    if kind == "separator":
        return "".join(draw(st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3)))
    if kind == "invisible":
        return "".join(draw(st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=3)))
    return ""


@st.composite
def disguised(draw: st.DrawFn, number: str) -> str:
    """`number` as someone hiding it from a filter might type it, inside a sentence."""
    shown = _written(draw, number[0])
    for char in number[1:]:
        shown += _between(draw) + _written(draw, char)
    if len(number) == 11 and draw(st.booleans()):
        shown = draw(st.sampled_from(["+86 ", "+86", "0086", "(+86)", "＋８６ "])) + shown
    return draw(st.sampled_from(_BEFORE)) + shown + draw(st.sampled_from(_AFTER))


@st.composite
def disguised_personal_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A valid personal number and a disguise of it."""
    number = draw(personal_numbers())
    return number, draw(disguised(number))


# --- ordinary text ------------------------------------------------------------------

_WORDS = ["物业费", "水费", "电费", "人员工资", "保洁用品", "电梯维保", "绿化养护", "公示打印",
          "支付", "收到", "冲销", "凭证", "发票号", "合同", "第", "期", "月", "元", "转入",
          "property fee", "invoice", "paid", "refund", "科目"]  # fmt: skip


def _yuan(fen: int, *, grouped: bool) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan:,}.{cents:02d}" if grouped else f"{yuan}.{cents:02d}"


@st.composite
def ordinary_parts(draw: st.DrawFn) -> str:
    """One piece of a narration: a date, a month, an amount, an invoice or account number."""
    day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)))
    fen = draw(st.integers(min_value=1, max_value=99_999_999))  # under a million yuan
    return draw(
        st.sampled_from(
            [
                day.isoformat(),
                day.strftime("%Y/%m/%d"),
                f"{day.year}年{day.month}月{day.day}日",
                f"{day.year}-{day.month:02d}",
                _yuan(fen, grouped=True),
                _yuan(fen, grouped=False),
                f"¥{_yuan(fen, grouped=True)}",
                draw(_digits(8)),  # a VAT invoice number
                f"{draw(st.integers(1001, 6999))}.{draw(st.integers(1, 99)):02d}",  # an account
                f"DZ-{day:%Y%m%d}-{draw(st.integers(1, 99)):02d}",  # a voucher number
                (
                    f"{draw(st.integers(1, 12))}幢{draw(st.integers(1, 4))}单元"
                    f"{draw(st.integers(1, 33))}{draw(st.integers(1, 4)):02d}室"
                ),
            ]
        )
    )


@st.composite
def ordinary_narrations(draw: st.DrawFn) -> str:
    """A narration of words and ordinary numbers, each number set apart by a word."""
    pieces = draw(st.lists(st.tuples(st.sampled_from(_WORDS), ordinary_parts()), max_size=4))
    return " ".join(f"{word} {part}" for word, part in pieces)
