"""Hypothesis strategies shared by the tests: money, weights, periods, plates."""

from __future__ import annotations

from hypothesis import strategies as st

from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.plates import PROVINCES

# A trillion yuan either way: far beyond any community's books, well inside BIGINT.
fen_values = st.integers(min_value=-(10**14), max_value=10**14)
fens = st.builds(Fen, fen_values)
non_negative_fens = st.builds(Fen, st.integers(min_value=0, max_value=10**14))

# Weights as a fee split uses them: areas in hundredths of m², whole shares, some zero.
weights = st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=40).filter(
    lambda ws: sum(ws) > 0
)

periods = st.builds(Period, st.integers(min_value=1900, max_value=9999), st.integers(1, 12))
month_shifts = st.integers(min_value=-1200, max_value=1200)

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # plates never use I or O
DIGITS = "0123456789"
SPECIAL_LAST = "挂学警港澳领"
SMALL_NEW_ENERGY = "DFABCEGHJK"

provinces = st.sampled_from(sorted(PROVINCES))
letters = st.sampled_from(LETTERS)
digits = st.sampled_from(DIGITS)
alnums = st.sampled_from(LETTERS + DIGITS)


def _join(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


ordinary_plates = _join(
    provinces, letters, alnums, alnums, alnums, alnums, st.sampled_from(LETTERS + DIGITS)
)
special_plates = _join(
    provinces, letters, alnums, alnums, alnums, alnums, st.sampled_from(SPECIAL_LAST)
)
small_new_energy_plates = _join(
    provinces, letters, st.sampled_from(SMALL_NEW_ENERGY), alnums, digits, digits, digits, digits
)
large_new_energy_plates = _join(
    provinces, letters, digits, digits, digits, digits, digits, st.sampled_from("DF")
)
valid_plates = st.one_of(
    ordinary_plates, special_plates, small_new_energy_plates, large_new_energy_plates
)
