"""The error's header reads "p − y" (with the minus sign U+2212) in every table and grid, as the
sentences and the first screen's grid write it: the step view's grid, the first screen's
static table, the lesson's table and the gradient check wrote "p - y" and "(p - y) * x" (a
hyphen, a star) beside "First p − y and (p − y)·x" (a review, on a phone's screenshot)."""

from __future__ import annotations

import json

import pytest

from tests.app.helpers import open_popover, open_view
from tests.app.test_lesson import reveal

MINUS = "\u2212"
ERROR = f"p {MINUS} y"  # typed here by code point, not read from the page's module


def headers(at) -> set[str]:
    """Every header of every table and grid on the page: the columns' names and the labels
    the grids show in their place."""
    found = {str(c) for e in [*at.dataframe, *at.table] for c in e.value.columns}
    for e in at.dataframe:
        config = json.loads(e.proto.columns or "{}")
        found |= {c["label"] for c in config.values() if isinstance(c, dict) and "label" in c}
    return found


def assert_one_spelling(at, *expected: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    found = headers(at)
    assert not [h for h in found if "p - y" in h or ("(p" in h and "*" in h)], found
    assert set(expected) <= found, found


@pytest.mark.parametrize(("query", "expected"), [
    ({}, (ERROR, f"(p {MINUS} y)·x")),  # the first screen's static table
    ({"data": "iris_petals"}, (ERROR, f"(p {MINUS} y)·x₁")),  # its grid, short labels
    ({"data": "student", "lr": "2.5", "steps": "37"}, (ERROR, f"(p {MINUS} y)·x₂")),
])
def test_the_first_screen_writes_the_error_one_way(new_app, query, expected):
    assert_one_spelling(new_app(**query).run(), *expected)


@pytest.mark.parametrize(("query", "product"), [
    ({}, "x"), ({"data": "iris_petals", "lr": "0.3"}, "petal_length_cm")])
def test_the_step_views_grid_and_gradient_check_write_it_as_the_first_screen(new_app, query,
                                                                               product):
    at = open_popover(open_view(new_app(**query).run(), "step"), "gradient_check_open")
    assert_one_spelling(at, ERROR, f"(p {MINUS} y)·{product}", f"from (p {MINUS} y)·x")


def test_the_lesson_and_the_textbook_comparison_write_it_so_too(new_app):
    at = reveal(new_app(lesson="3").run(), 3, "positive")
    assert_one_spelling(at, ERROR, f"(p {MINUS} y)·x")
    at = open_view(new_app().run(), "student")
    assert_one_spelling(at, f"with p {MINUS} y rounded to -0.67 first")
