"""A grid's columns are as wide as the longest text they show (a walk: a right-aligned column
sized when the numbers were short cut the start off "−10^(−4.343e+147)")."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.display import (
    GRID_CHAR_WIDTH,
    grid_number_texts,
    grid_width,
    js_number_text,
    longest_number_texts,
)


@pytest.mark.parametrize(("value", "text"), [  # what String(x) gives in a JavaScript console
    (1e6, "1000000"), (-1e6, "-1000000"), (123.45, "123.45"), (100.0, "100"), (-0.5, "-0.5"),
    (0.000001234, "0.000001234"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e21, "1e+21"),
    (1.234e20, "123400000000000000000"), (2.0**53, "9007199254740992"), (0.0, "0"),
    (0.1 + 0.2, "0.30000000000000004"), (5e-324, "5e-324"), (-1.5e300, "-1.5e+300"),
])
def test_numbers_are_written_as_javascript_writes_them(value, text):
    assert js_number_text(value) == text


def test_the_grid_format_rounds_first_then_writes_as_javascript():
    """sprintf-js's %.4g: String(Number(x.toPrecision(4))); one text per distinct value, and
    none for a missing cell."""
    texts = grid_number_texts(np.array([1e6, 1234567.0, -0.012345678, 3.0, 3.0, np.nan]), 4)
    assert sorted(texts) == sorted(["1000000", "1235000", "-0.01235", "3"])


def test_a_column_is_wide_enough_for_its_longest_text():
    cells = ["3", "-10^(-4.343e+147)"]
    assert grid_width("p − y", cells) >= 17 * GRID_CHAR_WIDTH + 16  # 8 px padding each side
    # a column whose header is the wider is left to the grid, which measures it
    assert grid_width("x" * 500, ["1"]) is None
    assert grid_width("central difference", ["-0.007911"]) is None


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, -0.0, 0.5, 1.0, -1.0, 9.9995, 99999.5, 1e21, 9.9999e20, 1e-7, 9.9995e-7,
                     1e-6, 1e6, 2.0**53, 5e-324, 1e300, -1e-300, 1000.0, 0.001]),
    st.integers(-10**6, 10**6).map(float),
    st.integers(-30, 30).map(lambda e: 10.0**e),
)


@settings(max_examples=400, deadline=None)
@given(rows=st.integers(0, 8), width=st.integers(1, 3), data=st.data(), digits=st.integers(1, 17))
def test_the_longest_text_is_found_without_writing_every_value(rows, width, data, digits):
    """The width of a column comes from one text: it is as long as the longest of all of its
    texts (written one by one, the reference)."""
    grid = np.array(data.draw(st.lists(st.lists(NUMBERS, min_size=width, max_size=width),
                                       min_size=rows, max_size=rows)),
                    dtype=float).reshape(rows, width)
    for column, longest in zip(grid.T, longest_number_texts(grid, digits), strict=True):
        every = grid_number_texts(column, digits)
        assert [len(t) for t in longest] == ([max(map(len, every))] if every else [])
        assert set(longest) <= set(every)
