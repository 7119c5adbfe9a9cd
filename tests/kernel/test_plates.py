"""The plate tests the Foundation issue asks for: what people type becomes a normal plate,
and anything that is not a plate is refused with a reason a person can act on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.kernel.masking import mask_plate
from sunshine.kernel.plates import check_plate
from sunshine.kernel.plates import fold
from tests.strategies import valid_plates


def _codes(text: str) -> list[str]:
    return [p.code for p in check_plate(text).problems]


@pytest.mark.parametrize(
    "plate",
    [
        "苏D12345",
        "苏DA1234",
        "苏DAB123",
        "京A00001",
        "沪C9Z9Z9",
        "苏D1234挂",  # trailer
        "苏D1234学",  # driving school
        "粤B1234港",
    ],
)
def test_seven_character_ordinary_plates_are_valid(plate: str) -> None:
    checked = check_plate(plate)
    assert checked.ok
    assert checked.problems == ()
    assert checked.plate == plate


@pytest.mark.parametrize(
    "plate",
    [
        "苏DF12345",  # small new-energy car, F: not purely electric
        "苏DD12345",  # small, D: purely electric
        "苏DA12345",  # the 2022 letters A–K
        "苏DK12345",
        "苏DDA2345",  # second character may be a letter
        "苏D12345F",  # large new-energy vehicle
        "苏D12345D",
    ],
)
def test_eight_character_new_energy_plates_are_valid(plate: str) -> None:
    checked = check_plate(plate)
    assert checked.problems == ()
    assert checked.plate == plate


@pytest.mark.parametrize(
    ("typed", "plate"),
    [
        ("苏Ｄ１２３４５", "苏D12345"),  # full width, as Chinese input methods type it
        ("苏ＤＦ１２３４５", "苏DF12345"),
        ("苏D·12345", "苏D12345"),
        ("苏D・12345", "苏D12345"),
        ("苏 D 12345", "苏D12345"),
        (" 苏D12345 ", "苏D12345"),
        ("苏D-12345", "苏D12345"),
        ("苏D－12345", "苏D12345"),
        ("苏D.12345", "苏D12345"),
        ("苏d12345", "苏D12345"),  # lower case raised
        ("苏df12345", "苏DF12345"),
        ("苏ｄ·ａｂ１２３", "苏DAB123"),
    ],
)
def test_what_people_type_is_folded_to_the_normal_plate(typed: str, plate: str) -> None:
    checked = check_plate(typed)
    assert checked.problems == ()
    assert checked.plate == plate
    assert fold(typed) == plate


@pytest.mark.parametrize("typed", ["苏DI2345", "苏DO2345", "苏D1234O", "苏di2345", "苏DFO2345"])
def test_letters_i_and_o_are_refused(typed: str) -> None:
    checked = check_plate(typed)
    assert not checked.ok
    assert [p.code for p in checked.problems] == ["plate_letter_io"]
    assert checked.problems[0].where == "plate"
    assert "I or O" in checked.problems[0].text()


@pytest.mark.parametrize(("typed", "length"), [("苏D1234", 6), ("苏D123456789", 11), ("苏", 1)])
def test_a_plate_of_the_wrong_length_says_how_long_it_is(typed: str, length: int) -> None:
    checked = check_plate(typed)
    assert [p.code for p in checked.problems] == ["plate_length"]
    problem = checked.problems[0]
    assert problem.args["length"] == length
    assert problem.args["plate"] == typed
    assert f"has {length} characters" in problem.text()


@pytest.mark.parametrize("typed", ["AD12345", "台D12345", "1D12345", "DF12345X"])
def test_a_plate_must_start_with_a_known_province(typed: str) -> None:
    assert _codes(typed) == ["plate_province"]


def test_every_problem_is_reported_at_once() -> None:
    assert _codes("XO123") == ["plate_province", "plate_letter_io", "plate_length"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "plate_empty"),
        ("  · - ", "plate_empty"),
        ("苏112345", "plate_office"),
        ("苏D12挂45", "plate_chars"),
        ("苏D#2345", "plate_chars"),
        ("苏DX12345", "plate_new_energy"),  # X is not a new-energy letter
        ("苏D12345A", "plate_new_energy"),  # large vehicles end in D or F only
        ("苏DFA2B45", "plate_new_energy"),  # small: the last four are digits
    ],
)
def test_each_other_shape_error_has_its_own_code(typed: str, code: str) -> None:
    assert _codes(typed) == [code]


@given(valid_plates)
def test_a_valid_plate_survives_folding_unchanged(plate: str) -> None:
    assert fold(plate) == plate
    checked = check_plate(plate)
    assert checked.problems == ()
    assert checked.plate == plate


@given(st.text(max_size=12))
def test_checking_a_folded_plate_again_gives_the_same_answer(text: str) -> None:
    once = check_plate(text)
    assert fold(once.plate) == once.plate
    assert check_plate(once.plate) == once


@given(valid_plates, st.sampled_from(["·", " ", "-", "－", "・"]), st.integers(2, 6))
def test_a_separator_inside_a_valid_plate_is_dropped(plate: str, sep: str, at: int) -> None:
    assert check_plate(plate[:at] + sep + plate[at:]).plate == plate


@given(valid_plates)
def test_a_masked_plate_reveals_at_most_four_of_its_characters(plate: str) -> None:
    masked = mask_plate(plate)
    shown = masked.replace("*", "")
    assert len(shown) == 4
    assert masked == f"{plate[:2]}***{plate[-2:]}"
