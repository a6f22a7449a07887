"""Changed data (the Data view's table, samples added beside the picture) as every part of
the page describes it: found by a walk in Chromium."""

from __future__ import annotations

import json
import math

import mpmath
import numpy as np
import pytest

import logreg_core as lc
from dashboard import sources, tables
from tests.app.helpers import metric, page_text, plain, table
from tests.app.test_typed_sample import _add

FIVE = "builtin:five_points"


def _edited(new_app, layer: dict, source: str = FIVE, **query):
    at = new_app(**query)
    at.session_state[sources.edits_key(source)] = {"layers": [layer], "live": None}
    return at.run()


def test_load_this_step_puts_the_five_points_back(new_app):
    """With x₁ edited to 9, "Load this step" ran the textbook's w, b and η on the edited data
    (∂J/∂w = 2.047) beside the worked panel's figures for the 5 points (0.2497)."""
    moved = {"edited_rows": {"0": {tables.editor_columns(1)[0]: 9.0}}, "added_rows": [],
             "deleted_rows": []}
    at = _edited(new_app, moved)
    assert "These are the 5 points as loaded: you changed the data" in plain(page_text(at))
    assert "as loaded" in at.button(key="load_worked").help
    at.button(key="load_worked").click().run()
    assert not at.exception
    assert metric(at, "Loss at step 0") == "0.1855"  # the textbook's, by hand: 0.18549
    assert "You changed" not in plain(page_text(at))


def test_the_worked_views_own_start_says_which_data_it_is_on(new_app):
    flip = {"edited_rows": {"3": {tables.EDITOR_LABEL: False}}, "added_rows": [],
            "deleted_rows": []}
    text = plain(page_text(_edited(new_app, flip, tab="worked")))
    assert "On the 5 points as loaded, to compare with the textbook's table: you changed the " \
           "data, and the first screen runs on your data." in text


@pytest.mark.parametrize(("typed", "said"), [
    ({}, "a cell has no number (row 6, x)"),
    ({"__feature_0__": 1e400}, "a cell has a number too large for a double (row 6, x)"),
])
def test_an_empty_cell_is_named_beside_the_table_and_the_page_says_what_it_shows(
        new_app, typed, said):
    """A row added with no x: the message at the top said "X holds missing or infinite
    values in 1 row(s)", far from the table, naming neither; the Data view said "Edited: 5
    rows now" over a table of 6 and described the data as edited."""
    added = {"edited_rows": {}, "deleted_rows": [],
             "added_rows": [{**typed, tables.EDITOR_LABEL: True}]}
    at = _edited(new_app, added, tab="data")
    assert not at.exception
    message = (f"{said}: type one, or delete the row. Until then the page shows the data as "
               "it was.")
    assert [plain(e.value) for e in at.error] == [
        f"Your edits of the table cannot be used yet: {message}"]
    assert [plain(w.value) for w in at.warning] == [f"Your edits cannot be used yet: {message}"]
    text = plain(page_text(at))
    assert "You changed this data (the table's edits are not used yet): it has 5 samples" in text
    assert "Edited: 6 rows in the table now." in text
    assert metric(at, "Loss at step 200") == metric(new_app().run(), "Loss at step 200")


def test_cells_without_a_number_are_named_up_to_three(new_app):
    rows = [{tables.EDITOR_LABEL: False} for _ in range(5)]
    at = _edited(new_app, {"edited_rows": {}, "deleted_rows": [], "added_rows": rows},
                 tab="data")
    (warning,) = [plain(w.value) for w in at.warning]
    assert "cells have no number (row 6, x; row 7, x; row 8, x and 2 more)" in warning


def test_the_data_view_says_its_table_lacks_the_samples_added_beside_the_picture(new_app):
    """The student's Data view said "it has 2 samples now" above a table of 1 row."""
    at = new_app(data="iris_petals", tab="data").run()
    _add(at, 2.0, 3.0, 1)
    text = plain(page_text(at))
    n = lc.load_dataset("iris_petals").n_samples
    assert f"You changed this data: it has {n + 1} samples now." in text
    assert "The table does not hold the 1 sample added and 0 removed beside the picture; " \
           "the page uses both." in text
    (editor,) = [d for d in at.dataframe if d.key and d.key.startswith("editor_")]
    assert len(editor.value) == n
    assert np.isfinite(float(metric(at, "Loss at step")))


def test_one_sample_left_points_along_the_max_margin_direction_to_rounding(new_app):
    """The 5 points with the first four rows deleted: x = 5 with label 1. From w = b = 0 every
    gradient is a multiple of (5, 1), the max-margin direction of (w, b) here (by hand: the
    least (w, b) with 5w + b >= 1), so a plain loop's (w, b) at step 200 is 1.2e-15 degrees
    from it (mpmath). The landscape said 'points 8.54e-07° away from it': arccos of a cosine
    that rounds to 1 - 2^-53."""
    mpmath.mp.dps = 60
    w = b = 0.0
    for _ in range(200):
        error = 1 / (1 + math.exp(-(5 * w + b))) - 1
        w, b = w - 0.5 * error * 5, b - 0.5 * error
    angle = abs(mpmath.degrees(mpmath.atan2(w, b) - mpmath.atan2(5, 1)))
    assert angle < 1e-14
    deleted = {"edited_rows": {}, "added_rows": [], "deleted_rows": [0, 1, 2, 3]}
    text = plain(page_text(_edited(new_app, deleted, tab="landscape")))
    assert "At step 200, (w, b) points along it, less than 1e-06° away." in text
    assert "away from it" not in text


@pytest.mark.filterwarnings("error:.*fill value")  # pandas 4 raises where pandas 3 warns
@pytest.mark.parametrize("added", [{"__feature_0__": 2.5, tables.EDITOR_LABEL: False},
                                   {"__feature_0__": 2.5}])  # as sent before the default
def test_a_new_row_shows_the_class_it_gets(new_app, added):
    """A row added in the Data view's table showed an empty class cell (no box at all, in
    Chromium) under "New rows start with label 0". The class column now gives new rows an
    unticked box, which is the label 0 they get; a row kept from before, without a class,
    is shown unticked too. By hand: the five points plus x = 2.5 with label 0 are 6
    samples, 3 + 1 of them of label 0."""
    at = _edited(new_app, {"edited_rows": {}, "deleted_rows": [], "added_rows": [added]},
                 tab="data")
    assert not at.exception and not at.error and not at.warning
    (editor,) = [d for d in at.dataframe if d.key and d.key.startswith("editor_")]
    config = json.loads(editor.proto.columns)[tables.EDITOR_LABEL]
    assert config["default"] is False and config["type_config"]["type"] == "checkbox"
    assert editor.value[tables.EDITOR_LABEL].tolist() == [False, False, False, True, True,
                                                          False]
    assert "You changed this data: it has 6 samples now." in plain(page_text(at))
    rows = table(at, "y")  # the first screen's samples
    assert rows["x"].tolist() == ["1", "2", "3", "4", "5", "2.5"]  # a table of texts
    assert [str(v) for v in rows["y"].tolist()] == ["0", "0", "0", "1", "1", "0"]
