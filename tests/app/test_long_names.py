"""A long column name reaches the model player capped, as every other title is.

Found by a walk: a CSV whose feature is named with 500 "a"s drew a picture whose x-axis
title ran past both edges. The server caps the name in characters (`charts.title_text`);
the player cuts what it draws to the canvas's width (tests/browser/test_player_titles.py).
"""

import pytest

from dashboard import charts, fields
from tests.app.helpers import player

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
