"""The filter that keeps phone and ID numbers out of narrations and comments (LAW.md 3).

Whatever passes it may end in the append-only log, where it can never be erased, so a
disguise it misses is worse than a narration it refuses: Hypothesis writes valid numbers
in every disguise we know of and expects each one caught, and writes ordinary narrations
(dates, amounts, invoice and account numbers) and expects none refused.
"""

from __future__ import annotations

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings

from sunshine.kernel.masking import looks_personal
from tests.kernel.disguises import disguised_personal_numbers
from tests.kernel.disguises import id_numbers_15
from tests.kernel.disguises import id_numbers_18
from tests.kernel.disguises import mobile_numbers
from tests.kernel.disguises import ordinary_narrations

# The forms that got through before (issue 11), and their neighbours.
DISGUISES = [
    "联系电话(138)12345678",
    "138/1234/5678",
    "138\u200b1234\u200b5678",  # zero-width spaces
    "1\u200c3\u200d8\u20601234\ufeff5678",  # joiners, word joiner, BOM
    "138–1234—5678",  # en and em dashes
    "138 - 1234 - 5678",
    "138,1234,5678",
    "138，1234，5678",  # full-width commas
    "138_1234_5678",
    "138.1234.5678",
    "一三八一二三四五六七八",
    "壹叁捌壹贰叁肆伍陆柒捌",
    "幺三八 幺二三四 五六七八",
    "１３８１２３４５６７８",  # full-width digits
    "①③⑧①②③④⑤⑥⑦⑧",
    "业主张三13812345678反映",
    "王五一三八一二三四五六七八",  # a name ending in a numeral, then the number
    "tel:+86-138-1234-5678",
    "320402900101123",  # a 15-digit ID number
    "320402 900101 123",
    "32040219800101123X",
    "3204 0219 8001 0112 3X",
    "身份证 320402-19800101-1234",
]


@pytest.mark.parametrize("text", DISGUISES)
def test_every_known_disguise_is_caught(text: str) -> None:
    assert looks_personal(text)


@settings(max_examples=200)
@given(disguised_personal_numbers())
@example(("13812345678", "联系电话(138)12345678"))
def test_a_valid_number_is_caught_however_it_is_disguised(number_and_text: tuple[str, str]) -> None:
    _number, text = number_and_text
    assert looks_personal(text)


@given(mobile_numbers())
def test_a_mobile_number_written_plainly_is_caught(number: str) -> None:
    assert looks_personal(number)
    assert looks_personal(f"请致电{number}。")


@given(id_numbers_18())
def test_an_id_number_written_plainly_is_caught(number: str) -> None:
    assert looks_personal(number)
    assert looks_personal(f"身份证号{number}")


@given(id_numbers_15())
def test_an_old_15_digit_id_number_is_caught(number: str) -> None:
    assert looks_personal(number)


ORDINARY = [
    "10月公共水费",
    "2024-10-05",
    "2024-10-05 至 2024-10-31 保洁服务费",
    "2024.10.01-2024.10.31",
    "9,618.58",
    "收到 9,618.58 元",
    "发票号 03200190 金额 12,345.67",
    "科目 6601.02 人员工资",
    "凭证 DZ-20241025-07",
    "SF-202410-0376",
    "2024-10-08 13:00",
    "3幢2单元1102室 2024年10月物业费",
    "银行流水 202410080000123456",  # 18 digits, but no birth date where an ID has one
    "合同 HT-2024-0012 第3期",
    "",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_narrations_are_not_refused(text: str) -> None:
    assert not looks_personal(text)


@settings(max_examples=200)
@given(ordinary_narrations())
def test_generated_ordinary_narrations_are_not_refused(text: str) -> None:
    assert not looks_personal(text)
