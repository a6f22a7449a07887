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
from dashboard import lesson
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


def written_as_printf(value: float, text: str, digits: int) -> bool:
    """Whether ``text`` writes ``value`` as the page's sentences do, checked against Python's
    own ``%g`` and not the page's formatting: ``%g``'s number to at most ``digits``
    significant digits, an exponent exactly where ``%g`` writes one and spelled as it ("e-05",
    two digits at least: d3 wrote "0.00001235" and "1e+3"), "-" for a minus (d3's is
    U+2212), and a 0 that is a loss below the smallest double as "< 5e-324"."""
    if value == 0:
        return text in ("0", "< 5e-324")
    shown = significant(text)
    reference = f"{value:.{shown}g}"
    same_form = ("e" in text) == ("e" in reference) and (
        "e" not in text or text.split("e")[1] == reference.split("e")[1])
    return (shown <= digits and float(text) == float(reference) and same_form
            and "\u2212" not in text)


def quantitative_number_tooltips(at) -> list[tuple[str, str]]:
    """(field, format) of each tooltip that leaves a loss or a weight to the browser's d3."""
    return [(t["field"], t.get("format")) for spec in specs(at) for t in tooltips(spec)
            if t.get("field") in LOSS_OR_WEIGHT and t.get("type") == "quantitative"]


#: The lesson's "Many steps": its default, a run whose loss ends at 7.440e-45 (d3's tooltip
#: wrote "7.44e-45"), one whose two ends read alike to 4 digits (the caption writes 5:
#: 0.69315 and 0.69314; d3 wrote "0.6931" for both) and one that zig-zags (its envelope).
LESSON = ({}, {"lr": "1000", "steps": "100000"}, {"lr": "0.0001", "steps": "1"},
          {"lr": "2.5", "steps": "200"})


@pytest.mark.parametrize("query", LESSON)
@pytest.mark.parametrize("digits", [2, 4, 8])
def test_the_lessons_loss_chart_writes_each_loss_as_its_caption_does(new_app, digits, query):
    at = page(new_app, {"lesson": "5", **query}, digits)
    assert not quantitative_number_tooltips(at)
    rows = pd.concat([f for frames in chart_datasets(at) for f in frames if "loss_text" in f])
    data = lc.load_dataset("five_points")
    settings = lesson.settings_for(5)
    run = lc.train(data.X, data.y, learning_rate=float(query.get("lr", settings.learning_rate)),
                   steps=int(query.get("steps", settings.steps)))
    # each point a point of the run, at its step (the envelope's melt drew its steps, 0 to
    # 200, as a third line of losses)
    assert list(rows["loss"]) == [run.loss[int(k)] for k in rows["step"]]
    for loss, text in rows[["loss", "loss_text"]].itertuples(index=False):
        assert written_as_printf(loss, text, max(digits, 5)), (loss, text)
    # the caption's inspected step, first and last loss, word for word
    caption = next(c.value for c in at.caption if c.value.startswith("Loss "))
    last = len(run.loss) - 1
    by_step = dict(zip(rows["step"], rows["loss_text"], strict=True))
    assert f"Inspected step {last:,}: {by_step[last]}." in caption, (caption, by_step[last])
    assert f", {by_step[last]} at step {last:,}" in caption
    if 0 in by_step:  # (an envelope's lines need not pass through step 0)
        assert caption.startswith(f"Loss {by_step[0]} at step 0, "), (caption, by_step[0])


#: The landscape: the default, the 20 students at a rate nobody picked, and a run that
#: diverges (weights in the thousands and beyond, losses with exponents).
LANDSCAPE = (*SETTINGS, {"data": "wikipedia_students", "lr": "1000", "steps": "50"})


@pytest.mark.parametrize("query", LANDSCAPE)
@pytest.mark.parametrize("digits", [2, 8])
def test_the_landscapes_tooltips_write_losses_and_weights_as_the_page_does(new_app, digits,
                                                                           query):
    at = page(new_app, query, digits, "landscape")
    assert not quantitative_number_tooltips(at)
    fields_shown = {t["field"] for spec in specs(at) for t in tooltips(spec)}
    assert {"loss_text", "a_text", "c_text"} <= fields_shown
    checked = 0
    for frame in (f for frames in chart_datasets(at) for f in frames):
        for number, text in (("loss", "loss_text"), ("a", "a_text"), ("c", "c_text")):
            if text in frame:
                for value, written in frame[[number, text]].itertuples(index=False):
                    assert written_as_printf(value, written, digits), (value, written)
                    checked += 1
    assert checked > 100


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
