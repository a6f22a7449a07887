"""Every chart's tooltip writes a loss or a weight to the page's "Digits shown", as the captions
and grids do: the loss chart's wrote 6 significant digits ("0.254713") at 2 digits shown and at
8, the landscape's 4, the explorer's overlay and sweep 6 (a review). Read from the charts'
specs; the reference texts are Python's own ``%g`` at that many digits, never the page's
formatting."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import logreg_core as lc
from dashboard import fields, lesson
from tests.app.helpers import chart_datasets, open_view

#: Fields of the charts that hold a loss or a weight (the landscape's two parameters are a and
#: c; an envelope's two lines high and low).
LOSS_OR_WEIGHT = {"loss", "a", "c", "high", "low"}
#: The settings: the default data, and settings nobody picked.
SETTINGS = ({}, {"data": "wikipedia_students", "lr": "0.37", "steps": "150"})


def specs(at) -> list[dict]:
    """The Vega-Lite spec of every Altair chart on the page."""
    return [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]


def tooltips(spec) -> list[dict]:
    """Every tooltip entry (a field definition) anywhere in a spec."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "tooltip":
                found += [t for t in (value if isinstance(value, list) else [value])
                          if isinstance(t, dict)]
            else:
                found += tooltips(value)
    elif isinstance(spec, list):
        for item in spec:
            found += tooltips(item)
    return found


def number_formats(at) -> list[tuple[str, str]]:
    """(field, format) of each quantitative tooltip of a loss or a weight on the page."""
    return [(t["field"], t.get("format")) for spec in specs(at) for t in tooltips(spec)
            if t.get("field") in LOSS_OR_WEIGHT and t.get("type") == "quantitative"]


def page(new_app, query: dict, digits: int, slug: str | None = None):
    at = new_app(**query, digits=str(digits)).run()
    if slug:
        open_view(at, slug)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("query", SETTINGS)
@pytest.mark.parametrize("digits", [2, 8])
def test_the_lessons_loss_chart_gives_each_loss_to_the_digits_shown(new_app, digits, query):
    lesson_query = {**fields.to_query(lesson.settings_for(5)), **query}
    at = page(new_app, {k: str(v) for k, v in lesson_query.items()}, digits)
    found = number_formats(at)
    assert found and {f for _, f in found} == {f".{digits}~g"}, found  # d3: digits, no 0s
    assert {name for name, _ in found} == {"loss"}


@pytest.mark.parametrize("query", SETTINGS)
@pytest.mark.parametrize("digits", [2, 8])
def test_the_landscapes_tooltips_give_losses_and_weights_to_the_digits_shown(new_app, digits,
                                                                              query):
    at = page(new_app, query, digits, "landscape")
    found = number_formats(at)
    assert {name for name, _ in found} == {"loss", "a", "c"}, found
    assert {f for _, f in found} == {f".{digits}~g"}, found


def texts_for(at, run_contains: str) -> pd.DataFrame:
    """The rows of the charts' datasets with a written loss, of runs named with this text."""
    rows = pd.concat([f for frames in chart_datasets(at) for f in frames
                      if "loss_text" in f.columns])
    return rows[rows["run"].str.contains(run_contains, regex=False)]


@pytest.mark.parametrize("query", SETTINGS)
@pytest.mark.parametrize("digits", [2, 8])
def test_the_explorers_tooltips_give_your_runs_losses_to_the_digits_shown(new_app, digits,
                                                                           query):
    at = page(new_app, query, digits, "rates")
    data = lc.load_dataset(query.get("data", "five_points"))
    rate = float(query.get("lr", at.session_state["learning_rate"]))
    steps = int(query.get("steps", at.session_state["steps"]))
    run = lc.train(data.X, data.y, learning_rate=rate, steps=steps)
    assert run.verdict.rounding_decides_from is None  # every digit of this run is certain
    rows = texts_for(at, f"η = {rate:g}")
    assert len(rows)
    for step, loss, text in rows[["step", "loss", "loss_text"]].itertuples(index=False):
        assert loss == run.loss[int(step)]
        assert text == f"{loss:.{digits}g}", (step, loss, text)
    # the sweep's "loss after n steps": to the same digits, or fewer where rounding decides
    # the run's later ones (then the loss rounded to that many), never more
    sweep = next(f for frames in chart_datasets(at) for f in frames if "ended" in f.columns)
    exact = 0
    for final, ended in sweep[["final_loss", "ended"]].itertuples(index=False):
        if ended.startswith("overflowed"):
            continue
        shown = significant(ended)
        assert shown <= digits and float(ended) == float(f"{final:.{shown}g}"), (final, ended)
        exact += ended == f"{final:.{digits}g}"
    assert exact >= len(sweep) // 2, sweep[["final_loss", "ended"]]


def significant(text: str) -> int:
    """Significant digits written in a number's text ("0.2547" 4, "1.0e+02" 2)."""
    return len(text.split("e")[0].replace("-", "").replace(".", "").lstrip("0"))


@pytest.mark.parametrize("digits", [2, 8])
@pytest.mark.parametrize("slug", ["optimizers", "buggy"])
def test_the_other_loss_curves_give_losses_to_the_digits_shown(new_app, digits, slug):
    at = page(new_app, {}, digits, slug)
    rows = pd.concat([f for frames in chart_datasets(at) for f in frames
                      if "loss_text" in f.columns])
    assert len(rows)
    # a run whose later digits rounding decides writes fewer; never more than the setting
    assert max(map(significant, rows["loss_text"])) <= digits
    first = rows[rows["order"] == 0]  # gradient descent, the corrected loop: every digit sure
    assert list(first["loss_text"]) == [f"{v:.{digits}g}" for v in first["loss"]]
