"""The Data view's editor numbers its rows as the notices name them, and a cell with no number
is blank: a row added with the grid's + showed a grey "None" in its cell, under no row numbers,
while the notice beside it said "a cell has no number (row 6, x)" (a review)."""

from __future__ import annotations

import math
import re

import pytest

from dashboard import sources, tables
from tests.app.helpers import plain


def editor(at):
    (found,) = at.get("data_editor")
    return found


@pytest.mark.parametrize(("data", "source", "n"), [
    ("five_points", "builtin:five_points", 5), ("iris_petals", "builtin:iris_petals", 100)])
def test_an_added_rows_empty_cell_is_blank_beside_the_row_the_notice_names(new_app, data,
                                                                             source, n):
    added = {"edited_rows": {}, "deleted_rows": [], "added_rows": [{tables.EDITOR_LABEL: True}]}
    at = new_app(data=data, tab="data")
    at.session_state[sources.edits_key(source)] = {"layers": [added], "live": None}
    at.run()
    assert not at.exception
    grid = editor(at)
    assert grid.proto.HasField("placeholder") and grid.proto.placeholder == ""  # blank
    frame = grid.value
    assert frame.index.name == "row" and list(frame.index) == list(range(1, n + 2))
    assert '"_index": {"hidden": false}' in grid.proto.columns  # the numbers are shown
    empty = [row for row in frame.index if math.isnan(frame.loc[row].iloc[0])]
    assert empty == [n + 1]  # the added row, numbered next
    (warning,) = [plain(w.value) for w in at.warning]
    assert re.search(rf"\(row {n + 1}, ", warning), warning  # the row the grid numbers so


def test_the_editor_of_unedited_data_numbers_its_rows_from_1(new_app):
    grid = editor(new_app(data="wikipedia_students", tab="data").run())
    assert list(grid.value.index) == list(range(1, 21))
