"""`dashboard.text.first_of`: one way to write "a, b, c and 4 more" for every list the page
cuts short. The references are written out by hand."""

from __future__ import annotations

import pytest

from dashboard.text import first_of


@pytest.mark.parametrize(("count", "expected"), [
    (0, ""),
    (1, "a1"),
    (2, "a1 and a2"),
    (3, "a1, a2 and a3"),  # shown: every item, the last after "and"
    (4, "a1, a2, a3 and 1 more"),  # shown + 1
    (1234, "a1, a2, a3 and 1,231 more"),  # the count with its thousands separator
])
def test_at_most_shown_items_then_how_many_more(count, expected):
    assert first_of([f"a{k}" for k in range(1, count + 1)], 3) == expected


def test_items_that_hold_commas_are_parted_by_the_separator_given():
    cells = ["row 6, x", "row 7, x", "row 8, x", "row 9, x", "row 10, x"]
    assert first_of(cells, 3, "; ") == "row 6, x; row 7, x; row 8, x and 2 more"
    assert first_of(cells[:2], 3, "; ") == "row 6, x and row 7, x"


def test_numbers_and_other_items_are_written_as_text():
    assert first_of(range(1, 8), 5) == "1, 2, 3, 4, 5 and 2 more"
    assert first_of(iter([1, 2]), 5) == "1 and 2"  # any iterable, read once
    assert first_of(["only"], 0) == "1 more"  # none shown: just the count
