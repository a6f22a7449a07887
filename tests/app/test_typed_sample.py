"""The typed-sample form beside the picture: a value the data cannot hold is refused with a
message and the page goes on; "Put the data back" and Reset always undo the samples added;
the boxes' labels are read aloud without Markdown escapes; and the first screen's grid makes
its columns as wide as their longest numbers."""

import json

import numpy as np
import pandas as pd
import pytest

import logreg_core as lc
from dashboard import sources, tables
from tests.app.helpers import page_text, plain, table

DATA = {"student": ("hours_studied", "hours_slept"),
        "iris_petals": ("petal_length_cm", "petal_width_cm")}


def _add(at, x1, x2, label=0):
    at.number_input(key="add_x1").set_value(x1)
    at.number_input(key="add_x2").set_value(x2)
    at.radio(key="add_label").set_value(label)
    return next(b for b in at.button if b.label == "Add this sample").click().run()


def _first_table(at) -> pd.DataFrame:
    return table(at, "loss")


def _first_grid(at):
    """The first screen's grid: the first on the page, the gradient's columns first."""
    grid = at.dataframe[0]
    assert grid.value.columns[0] == "p − y"
    return grid


def _refusals(at) -> list[str]:
    return [i.value for i in at.info if "Not added" in i.value]


@pytest.mark.parametrize(("dataset", "x1", "x2", "named", "typed"), [
    ("student", 1e200, None, "hours_studied", "1e+200"),
    ("iris_petals", None, -1e151, "petal_width_cm", "-1e+151"),
])
def test_a_value_too_large_is_refused_and_the_page_goes_on(new_app, dataset, x1, x2, named,
                                                           typed):
    """A walk: 1e200 typed for a feature left the page showing only the data's error (with
    advice to standardize, which could not help), and no way back but a new session."""
    at = new_app(data=dataset).run()
    before = _first_table(at)
    means = lc.load_dataset(dataset).X.mean(axis=0)
    _add(at, means[0] if x1 is None else x1, means[1] if x2 is None else x2)
    assert not at.exception, [e.value for e in at.exception]
    text = plain(page_text(at))
    message = (f"Not added: {named} = {typed} is larger than 1e+150 in magnitude, too large to "
               "square in double precision. Type a value from -1e+150 to 1e+150 instead.")
    assert [plain(i.value) for i in at.info if "Not added" in i.value] == [message]
    assert [plain(t.value) for t in at.toast] == [message]
    assert not at.error and not at.warning  # no error of the data, no standardizing advice
    assert "Every sample at step" in text
    assert "You changed the data" not in text  # nothing was added
    pd.testing.assert_frame_equal(_first_table(at), before)  # the data as they were
    # and the page keeps working: a sample that fits is added
    _add(at, 2.0, 3.0, 1)
    assert not at.exception and not _refusals(at)
    assert "You changed the data: 1 added, 0 removed." in plain(page_text(at))


def test_the_limit_itself_is_accepted(new_app):
    at = new_app(data="student").run()
    _add(at, -1e150, 1e150)
    assert not at.exception and not _refusals(at) and not at.error
    assert "You changed the data: 1 added, 0 removed." in plain(page_text(at))


def test_a_sample_too_large_kept_from_before_is_dropped_with_a_message(new_app):
    """Clicks that hold such a sample (put there other than by the form, which refuses it)
    are not trained on: the page says so and shows the data without it."""
    at = new_app(data="student")
    key = sources.clicks_key("builtin:student")
    at.session_state[key] = [("add", 2.0, 3.0, 1), ("add", 1e200, 1.0, 0)]
    at.run()
    assert not at.exception and not at.error
    (warning,) = [plain(w.value) for w in at.warning]
    assert warning.startswith("Not added: hours_studied = 1e+200 is larger than 1e+150")
    assert warning.endswith("The page shows the data without that sample.")
    assert at.session_state[key] == [("add", 2.0, 3.0, 1)]
    text = plain(page_text(at))
    assert "Every sample at step" in text
    assert "You changed the data: 1 added, 0 removed." in text
    assert len(_first_table(at)) == 2  # the student and the sample that fits


def test_put_back_and_reset_undo_the_samples_added(new_app):
    at = new_app(data="student").run()
    before = _first_table(at)
    for undo in ("put back", "reset"):
        _add(at, 2.0, 3.0, 1)
        assert len(_first_table(at)) == len(before) + 1
        if undo == "put back":
            at.button(key="clicks_reset").click().run()
        else:
            at.button(key="reset").click().run()
        assert not at.exception
        assert "You changed the data" not in plain(page_text(at)), undo
        pd.testing.assert_frame_equal(_first_table(at), before)


def test_where_the_run_cannot_be_drawn_the_samples_can_be_put_back(new_app):
    """Any error the changed data bring (here a label that is neither 0 nor 1, put in the
    session by hand: the form offers only 0 and 1) leaves "Put the data back" on the page."""
    at = new_app(data="student")
    at.session_state[sources.clicks_key("builtin:student")] = [("add", 2.0, 3.0, 2)]
    at.run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        "Labels must be 0 or 1; found 2: map the two classes to 0 and 1."]
    assert "You changed the data: 1 added, 0 removed." in plain(page_text(at))
    at.button(key="clicks_reset").click().run()
    assert not at.exception and not at.error
    assert "Every sample at step" in plain(page_text(at))


@pytest.mark.parametrize("dataset", DATA)
def test_the_boxes_are_named_without_markdown_escapes(new_app, dataset):
    """A screen reader hears a label's Markdown source: "hours\\_studied" was read with its
    backslash. The starting weights' sliders likewise."""
    at = new_app(data=dataset).run()
    names = DATA[dataset]
    assert at.number_input(key="add_x1").label == names[0]
    assert at.number_input(key="add_x2").label == names[1]
    weights = [s.label for s in at.slider if s.label.startswith("Weight of")]
    assert weights == [f"Weight of {name} at step 0" for name in names]
    at.toggle(key="predict_mode").set_value(True).run()  # and Predict first's questions
    questions = [r.label.rsplit(" at step", 1)[0] for r in at.radio
                 if r.label.startswith("∂J/∂w for")]
    assert questions == [f"∂J/∂w for {name}" for name in names]


def test_the_first_grid_is_as_wide_as_its_longest_numbers(new_app):
    """A walk: after a sample at (1e149, -1e149) the grid's p - y column read ".343e+147)" of
    "-10^(-4.343e+147)", its width kept from when its numbers were short. Each column whose
    longest text is wider than its header is now given a width of at least 7 px a character
    of that text, and 16 px of padding; the others the grid sizes to their headers."""
    at = new_app(data="student").run()
    _add(at, 1e149, -1e149)
    assert not at.exception
    grid = _first_grid(at)
    widths = {c: config.get("width") for c, config in json.loads(grid.proto.columns).items()}
    for column in ("p − y", "hours_studied", "hours_slept", "z"):
        longest = max(map(len, grid.value[column].astype(str)))  # text columns here
        if longest > len(column):  # else the grid sizes it to its header, which is wider
            assert widths[column] >= 7 * longest + 16, (column, widths[column], longest)
        else:
            assert widths.get(column) is None, column
    assert grid.value["p − y"].tolist()[0].startswith("-10^(-4.343e+147")  # by hand: below
    # the logistic error at z = -1e148 is about -e^(-1e148) = -10^(-1e148 / ln 10)
    assert np.isclose(1e148 / np.log(10), 4.343e147, rtol=1e-3)
    # a number column: 1e6 is written "1000000" by the grid (JavaScript writes no exponent
    # below 1e21), seven characters
    at = new_app(data="student").run()
    _add(at, 1e6, -1e6)
    grid = _first_grid(at)
    widths = {c: config.get("width") for c, config in json.loads(grid.proto.columns).items()}
    # "1000000" is shorter than "hours_studied": the grid sizes that column to its header;
    # z = 1e6·3 + ... is written in full, "3000000"-long or more, wider than "z"
    assert widths.get("hours_studied") is None and widths.get("hours_slept") is None
    longest = max(len(str(v)) for v in grid.value["z"].tolist())
    assert widths["z"] >= 7 * min(longest, 7) + 16


@pytest.mark.parametrize(("row", "said"), [
    (0, "There is no sample 0"), (101, "There is no sample 101"),
    (500, "There is no sample 500"), (1e200, "There is no sample 1e+200"),
    (2.5, "2.5 is not a row number"), (-3, "There is no sample -3"),
])
def test_a_row_the_data_does_not_have_removes_nothing_and_says_so(new_app, row, said):
    """Two walks: with its bounds the box kept a typed 500 in red and sent the row before, and
    "Remove it" removed row 1 unasked; as a whole-number box it turned 1e200 into 1 and 2.5
    into 2, and removed those. The iris petals have 100 rows."""
    at = new_app(data="iris_petals").run()
    at.number_input(key="remove_row").set_value(float(row))
    at.button(key="remove_sample").click().run()
    assert not at.exception
    assert [i.value for i in at.info] == [f"{said}: the rows go from 1 to 100. Nothing was "
                                          "removed."]
    clicks = sources.clicks_key("builtin:iris_petals")
    assert clicks not in at.session_state or not at.session_state[clicks]
    assert "You changed the data" not in plain(page_text(at))
    at.number_input(key="remove_row").set_value(100.0)  # the last row is there
    at.button(key="remove_sample").click().run()
    assert "You changed the data: 0 added, 1 removed." in plain(page_text(at))


@pytest.mark.parametrize(("key", "typed", "taken", "said"), [
    ("batch_size", 500, 5, "A batch size of 500 is outside 1 to 5, so it is 5."),
    ("batch_size", 0, 1, "A batch size of 0 is outside 1 to 5, so it is 1."),
    ("seed", -3, 0, "The seed -3 is outside 0 to 2,147,483,647, so it is 0."),
    ("batch_size", 1e200, 5, "A batch size of 1e+200 is outside 1 to 5, so it is 5."),
    ("batch_size", 2.7, 3, "A batch size of 2.7 is not a whole number, so it is 3."),
    ("batch_size", 4.5, 5, "A batch size of 4.5 is not a whole number, so it is 5."),
    ("seed", 12.25, 12, "The seed 12.25 is not a whole number, so it is 12."),
    ("seed", 2**31 - 1.5, 2**31 - 1,
     "The seed 2,147,483,646.5 is not a whole number, so it is 2,147,483,647."),
])
def test_an_sgd_box_past_its_range_takes_the_nearest_and_says_so(new_app, key, typed, taken,
                                                                  said):
    """As the L2 box: with bounds of its own the browser kept the value typed in red while
    the runs kept the one before, unsaid; and as whole-number boxes they turned a typed 2.7
    into 2 and 1e200 into 1 without a word (a walk). The 5 points: batches of 1 to 5."""
    at = new_app(tab="optimizers").run()
    at.number_input(key=key).set_value(float(typed)).run()
    assert not at.exception
    assert at.session_state[key] == taken and at.number_input(key=key).value == taken
    assert [w.value for w in at.warning] == [said]
    link = {"batch_size": "batch", "seed": "seed"}[key]
    assert at.query_params.get(link, str(taken)) == str(taken)  # 3 in a link, not 3.0
    at.run()  # said once
    assert not at.warning


@pytest.mark.parametrize("undo", ["reset", "clicks_reset", "edits_reset"])
def test_reset_and_put_back_undo_the_tables_edits_too(new_app, undo):
    """Reset undid the samples added beside the picture but not the Data view's edits of the
    table, and the Data view had no way back but undoing each edit: every way back now gives
    the data as loaded, and the editor after it starts with no edits. (Two features:
    "Put the data back" is beside the picture there too.)"""
    n = lc.load_dataset("iris_petals").n_samples
    flip = {"edited_rows": {"0": {tables.EDITOR_LABEL: False}}, "added_rows": [],
            "deleted_rows": [n - 1]}
    at = new_app(data="iris_petals", tab="data")
    at.session_state[sources.edits_key("builtin:iris_petals")] = {"layers": [flip], "live": None}
    at.run()
    text = plain(page_text(at))
    assert len(_first_table(at)) == n - 1
    assert f"You changed this data: it has {n - 1} samples now." in text
    assert "You changed the data in the Data view's table." in text
    _add(at, 2.0, 3.0, 1)
    assert "You changed the data: 1 added, 0 removed, and in the Data view's table." in plain(
        page_text(at))
    at.button(key=undo).click().run()
    assert not at.exception
    text = plain(page_text(at))
    assert "You changed" not in text and "Edited:" not in text, undo
    pd.testing.assert_frame_equal(_first_table(at),
                                  _first_table(new_app(data="iris_petals", tab="data").run()))
    # the editor drawn now is a new one, and shows the data as loaded
    (editor,) = [d for d in at.dataframe if d.key and d.key.startswith("editor_")]
    assert len(editor.value) == n and not sources.has_edits(at.session_state.get(editor.key))
