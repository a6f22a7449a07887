"""The buggy loop's legend and table name every switched-on bug whole with three bugs on (a
walk once saw "with sample 1 only, error accumulated, db not av…"): the label the page sends is
the whole text, and the legend's label limit holds it at the project's measure of a 14 px
character (`display.GRID_CHAR_WIDTH`, `GRID_SPACE_WIDTH`). Reference: the bugs switched on here."""

from __future__ import annotations

import itertools
import json

import pytest

from dashboard.display import GRID_CHAR_WIDTH, GRID_SPACE_WIDTH
from logreg_core import examples
from tests.app.helpers import frames_with, table


def legend_limits(spec: dict) -> list[int]:
    """Every legend's ``labelLimit`` in a Vega-Lite spec."""
    found = []
    if isinstance(spec, dict):
        if isinstance(spec.get("legend"), dict) and "labelLimit" in spec["legend"]:
            found.append(spec["legend"]["labelLimit"])
        for value in spec.values():
            found += legend_limits(value)
    elif isinstance(spec, list):
        for value in spec:
            found += legend_limits(value)
    return found


@pytest.mark.parametrize("combo", list(itertools.combinations(examples.BUGS, 3))[::3])
def test_three_bugs_are_named_whole_in_the_legend_and_the_table(new_app, combo):
    at = new_app(data="student", tab="buggy").run()
    for name in examples.BUGS:
        at.checkbox(key=f"bug_{name}").set_value(name in combo)
    at.run()
    assert not at.exception, at.exception
    (label,) = {r for f in frames_with(at, "run") for r in f["run"]} - {"corrected loop"}
    rows = list(table(at, "true loss")["run"])
    assert rows == ["corrected loop", f"loop {label}"]
    assert "…" not in label
    for name in combo:  # each bug's own words, whole (`BUG_LABELS`' short names)
        short = {"same_sample": "sample 1 only", "accumulated_error": "error accumulated",
                 "same_feature": "one feature twice", "bias_not_averaged": "db not averaged",
                 "bias_self_update": "b − α·b"}[name]
        assert short in label, (short, label)
    width = (len(label) - label.count(" ")) * GRID_CHAR_WIDTH + label.count(" ") * GRID_SPACE_WIDTH
    (chart,) = [c for c in at.get("vega_lite_chart") if "run" in c.proto.spec]
    limits = legend_limits(json.loads(chart.proto.spec))
    assert limits and min(limits) >= width, (limits, width, label)
