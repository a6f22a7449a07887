"""A long column name reaches the model player capped, as every other title is.

Found by a walk: a CSV whose feature is named with 500 "a"s drew a picture whose x-axis
title ran past both edges. The server caps the name in characters (`charts.title_text`);
the player cuts what it draws to the canvas's width (tests/browser/test_player_titles.py).
Where a selector or a weight's label cuts a name, its help gives the name whole.
"""

import pytest

from dashboard import charts, fields
from tests.app.helpers import open_view, plain, player

LONG = "a" * 500


def long_name_csv(*names: str) -> bytes:
    rows = [(0.5, 8.0, 0), (1.0, 7.5, 0), (1.5, 6.0, 0), (2.0, 7.0, 1), (2.5, 5.5, 0),
            (3.0, 6.5, 1), (3.5, 5.0, 1), (4.0, 6.0, 1)]
    lines = [",".join([*names, "label"])]
    lines += [",".join(str(v) for v in (*row[:len(names)], row[-1])) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def uploaded(new_app, *names: str, **query):
    at = new_app(**query).run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("long.csv", long_name_csv(*names),
                                               "text/csv").run()
    assert not at.exception and not at.error, [*at.exception, *at.error]
    return at


@pytest.mark.parametrize("standardize", [False, True])
def test_the_player_gets_the_capped_name(new_app, standardize):
    at = uploaded(new_app, LONG, "b" * 80)
    if standardize:
        at.toggle(key="standardize").set_value(True).run()
    suffix = " (standardized)" if standardize else ""
    titles = player(at)["titles"]
    assert titles == [charts.title_text(LONG) + suffix, charts.title_text("b" * 80) + suffix]
    assert titles[0] == "a" * 59 + "…" + suffix


def test_one_feature_gets_the_capped_name_and_the_probability_axis(new_app):
    titles = player(uploaded(new_app, LONG))["titles"]
    assert titles == ["a" * 59 + "…", "p = σ(w·x + b)"]


#: Two 77-character names, cut by every title and selector (at 30 to 60 characters).
STUDY = "average_number_of_hours_spent_studying_per_week_during_the_final_exam_period"
SLEEP = "average_number_of_hours_slept_per_night_during_the_final_exam_period_of_2024"


def test_the_selectors_and_weights_that_cut_a_name_give_it_whole_in_their_help(new_app):
    """A review: an upload's 77-character names were whole nowhere but in the file's preview;
    the sidebar's chips, the weights' labels and the landscape's axes all cut them."""
    at = uploaded(new_app, STUDY, SLEEP)
    for box in (at.selectbox(key="up_target"), at.multiselect(key="up_features")):
        help_text = plain(box.help)
        assert f"{STUDY[:59]}…: {STUDY}" in help_text and f": {SLEEP}" in help_text, help_text
    assert plain(at.multiselect(key="up_features").help).startswith(
        "Numeric columns are ticked to start with.")
    for j, name in enumerate((STUDY, SLEEP)):
        slider = at.slider(key=f"w0_{j}")
        assert name not in slider.label and plain(slider.help).endswith(f": {name}")
    open_view(at, "landscape")
    for key in ("land_x", "land_y"):
        help_text = plain(at.selectbox(key=key).help)
        assert help_text.startswith("In full:") and STUDY in help_text and SLEEP in help_text


def test_names_shown_whole_get_no_help_and_the_longest_are_capped(new_app):
    at = uploaded(new_app, "hours", "sleep")
    assert at.slider(key="w0_0").help in (None, "")
    assert at.multiselect(key="up_features").help == "Numeric columns are ticked to start with."
    at = uploaded(new_app, "h" * 600)
    assert plain(at.slider(key="w0_0").help).endswith(": " + "h" * 500 + "…")
