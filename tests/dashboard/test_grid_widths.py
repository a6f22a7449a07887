"""A grid's columns are as wide as the longest text they show (a walk: a right-aligned column
sized when the numbers were short cut the start off "−10^(−4.343e+147)")."""

import numpy as np
import pytest

from dashboard.display import GRID_CHAR_WIDTH, grid_number_texts, grid_width, js_number_text


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
