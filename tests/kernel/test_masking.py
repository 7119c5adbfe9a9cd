"""Masked forms of personal data, exactly as LAW.md 3 gives them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.kernel.masking import looks_personal
from sunshine.kernel.masking import mask_id_number
from sunshine.kernel.masking import mask_name
from sunshine.kernel.masking import mask_phone
from sunshine.kernel.masking import mask_plate


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张**"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧**"),
        ("王", "王**"),
        (" 李四 ", "李**"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_name_keeps_only_its_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@given(st.text(min_size=1).filter(lambda s: s.strip()))
def test_a_masked_name_never_shows_its_length(name: str) -> None:
    assert mask_name(name) == name.strip()[0] + "**"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0086 13812345678", "138****5678"),
        ("0519-86123456", "051****3456"),  # a Changzhou landline keeps its area code's head
        ("123456", "****"),
        ("", ""),
    ],
)
def test_a_phone_shows_three_then_four_digits(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("id_number", "masked"),
    [
        ("320402199001011234", "3204**********1234"),
        ("32040219900101123X", "3204**********123X"),
        ("320402900101123", "3204*******1123"),  # the old 15-digit form
        ("12345678", "********"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_an_id_number_shows_its_first_four_and_last_four(id_number: str, masked: str) -> None:
    assert mask_id_number(id_number) == masked


@pytest.mark.parametrize(
    ("plate", "masked"),
    [
        ("苏D12345", "苏D***45"),
        ("苏DF12345", "苏D***45"),  # new energy: the length is not given away
        ("苏D12345F", "苏D***5F"),
        ("苏D1", "***"),
        ("", "***"),
    ],
)
def test_a_plate_shows_province_letter_and_last_two(plate: str, masked: str) -> None:
    assert mask_plate(plate) == masked


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138-1234-5678",
        "138 1234 5678",
        "１３８１２３４５６７８",
        "+86 13812345678",
        "008613812345678",
        "业主张三13812345678反映",
        "32040219800101123X",
        "320402 19800101 123X",
    ],
)
def test_phone_and_id_numbers_are_caught_however_they_are_written(text: str) -> None:
    assert looks_personal(text)


@pytest.mark.parametrize(
    "text",
    ["10月公共水费", "SF-202410-0376", "2024-10-08 13:00", "5,300.00", "凭证 DZ-20241025-07", ""],
)
def test_ordinary_text_is_not_taken_for_personal_data(text: str) -> None:
    assert not looks_personal(text)
