"""User text never reaches code, Markdown, LaTeX, Vega expressions or file names unescaped.

The audit of every path a user's text can take (column names and cells from an upload, link
values), one test per path:

- the downloaded script: tests/core/test_script.py (names only as a JSON literal);
- the history CSV: here (every text field quoted, formulas defused);
- Markdown (notices, captions, labels, options): here and tests/dashboard/test_fields.py,
  tests/dashboard/test_text.py (rendered by a CommonMark parser), and the browser tests
  (rendered by Chromium);
- LaTeX: the formulas name parameters w_1, w_2 ... and never a column (checked here);
- Vega: chart fields are our own names; a user's name is only a title (checked here);
- file names of downloads: fixed names, never user text (checked here);
- links: settings only, never a name or a cell (tests/dashboard/test_fields.py).
"""

import csv
import io
import json
import re

import numpy as np
import pytest

from dashboard import fields, tables
from tests.app.helpers import every_view, formulas, open_view, player, table

HOSTILE_PAIRS = [
    ["hours:studied", "slept"],           # a colon is Altair's field:type shorthand
    ["back\\slash", "new\nline"],         # backslash and newline broke Vega expressions
    ["carriage\rreturn", "tab\there"],
    ["a.b[0]", "=HYPERLINK(\"http://evil.example\")"],
    ["$x^2$", "**bold** :red[red]"],
]
#: Names the page uses for its own columns and fields.
COLLIDING_PAIRS = [["x", "label"], ["p", "y"]]


def upload(new_app, names, rows=40, seed=0, X=None, y=None):
    rng = np.random.default_rng(seed)
    if X is None:
        X = rng.normal(size=(rows, len(names)))
        y = (X[:, 0] + rng.normal(size=rows) > 0).astype(int)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*names, "passed"])
    writer.writerows([[*row, label] for row, label in zip(X, y, strict=True)])
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("hostile.csv", out.getvalue().encode(),
                                               "text/csv").run()
    at.selectbox(key="up_target").set_value("passed").run()
    return at


#: Names that are Markdown or HTML (the html_injection.csv fixture's header).
MARKUP_NAMES = ["<script>alert(1)</script>", "**bold**", "$\\alpha$",
                "<img src=x onerror=alert(1)>"]
#: What must never reach a Markdown element or a label raw.
RAW_MARKUP = ("<script>", "**bold**", "$\\alpha$", "$x^2$", "<img src=x", ":red[red]")


@pytest.mark.parametrize("names", [*HOSTILE_PAIRS, *COLLIDING_PAIRS, MARKUP_NAMES],
                         ids=lambda n: repr(n)[:30])
def test_hostile_names_never_break_a_view(new_app, names):
    """The one walk of every view with a user's names: nothing raises or shows an error, no
    name becomes a chart field (unless the page uses it itself) or LaTeX, and every
    Markdown element and label carries the names escaped."""
    at = upload(new_app, names)
    assert not at.exception and not at.error, [e.value for e in at.error]
    own = {n for pair in COLLIDING_PAIRS for n in pair}
    for slug in every_view(at):
        for element in at.get("vega_lite_chart"):
            spec = json.loads(element.proto.spec)
            fields_used = json.dumps(spec.get("encoding", {})) + json.dumps(spec.get("layer", []))
            for name in set(names) - own:  # a user's name may be a title, never a field
                assert f'"field": {json.dumps(name)}' not in fields_used, (slug, name)
        latex = "\n".join(formulas(at))
        for name in names:
            assert name not in latex or len(name) == 1, (slug, name)
        texts = [e.value for kind in ("markdown", "caption", "warning", "info", "success")
                 for e in at.get(kind)]
        texts += [w.label for kind in ("slider", "radio", "text_input", "toggle", "selectbox")
                  for w in at.get(kind)]
        for value in texts:
            for raw in RAW_MARKUP:
                assert raw not in value, (slug, raw, value[:200])


def test_the_notes_of_double_precision_show_hostile_names_as_plain_text(new_app):
    """The captions on the edges of double precision (derivatives computed as 0, losses at
    the log axis's floor) name the parameters by their features: on separable data at the
    slider's largest rate every error underflows, and the names stay text."""
    X = np.array([[-400.0, -300.0], [-300.0, -500.0], [300.0, 400.0], [500.0, 300.0]])
    at = upload(new_app, MARKUP_NAMES[:2], X=X, y=np.array([0, 0, 1, 1]))
    rates = at.select_slider(key="learning_rate")
    rates.set_value(rates.options[-1]).run()  # the slider's largest rate for these data
    at.toggle(key="log_scale").set_value(True).run()
    open_view(at, "step")
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    said = [c for c in captions if "from log space" in c or "1e-300" in c]
    assert len(said) == 2 and "\\<script\\>" in said[-1], captions
    for value in [*captions, *(m.value for m in at.markdown)]:
        for raw in RAW_MARKUP:
            assert raw not in value, (raw, value[:200])


def test_model_chart_of_two_hostile_features_keeps_its_points(new_app):
    at = upload(new_app, ["hours:studied", "new\nline"])
    points = player(at)["points"]
    assert len(points["x"]) == len(points["y"]) == 40


def test_the_model_caption_shows_hostile_names_as_plain_text(new_app):
    """The 2-D model chart's caption names both features (Markdown): a link, an image, a
    carriage return, LaTeX, bold and a colour must stay text."""
    names = ["[go](http://evil.example/x)\r$x^2$", "![i](http://127.0.0.1:9/q.png) **b** :red[r]"]
    at = upload(new_app, names)
    caption = [c.value for c in at.caption if c.value.startswith("At step ")]
    assert len(caption) == 1, [c.value for c in at.caption]
    text = caption[0]
    assert "x₁ is \\[go\\]\\(http" in text and "\r" not in text
    for live in ("](", "![", "**b**", ":red["):
        assert live not in text, (live, text)
    assert not re.search(r"(?<!\\)\$", text), text  # every $ escaped: no LaTeX


def test_the_standardized_boundary_caption_shows_a_hostile_name_as_plain_text(new_app):
    """The one-feature caption on standardized features names the feature's units (added
    this session): the name stays text there too."""
    name = "[go](http://evil.example/x)\r$x^2$ **b**"
    at = upload(new_app, [name])
    at.toggle(key="standardize").set_value(True).run()
    caption = [c.value for c in at.caption if c.value.startswith("At step ")]
    assert len(caption) == 1 and "in standardized units" in caption[0], caption
    text = caption[0]
    assert "in the units of \\[go\\]\\(http" in text and "\r" not in text
    for live in ("](", "**b**"):
        assert live not in text, (live, text)
    assert not re.search(r"(?<!\\)\$", text), text


@pytest.mark.parametrize("names", COLLIDING_PAIRS, ids=lambda n: "-".join(n))
def test_names_the_page_uses_itself_stay_the_users_features(new_app, names):
    at = upload(new_app, names)  # every view with these names: the walk above
    open_view(at, "step")
    features = [f"{n} (feature)" if n in tables.RESERVED else n for n in names]
    products = [tables.error_x_column(f) for f in features]
    rows = table(at, "z", nth=1)  # Step in detail's, in the pass's order
    assert list(rows.columns) == [*features, "y", "z", "p", "loss", "p − y", *products]
    # the first screen's grid: the columns the gradient averages first
    first = list(table(at, "z").columns)
    assert first == ["p − y", *products, *features, "y", "z", "p", "loss"]
    assert set(player(at)["points"]["label"]) <= {0, 1}  # the class, not the user's "label"
    assert rows[features[1]].dtype.kind == "f" and set(rows["y"]) <= {0, 1}


def test_history_csv_is_safe_in_a_spreadsheet():
    import logreg_core as lc

    names = ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(A1:A9)", "+cmd|' /C calc'!A0",
             "-2+3", "\tindent", "ok\rsplit"]
    X = np.random.default_rng(0).normal(size=(8, len(names)))
    history = lc.train(X, np.array([0, 1] * 4, dtype=float), learning_rate=0.1, steps=3)
    text = tables.to_csv(tables.history_frame(history, names))
    header = next(csv.reader(io.StringIO(text)))
    raw_header = text.split("\n", 1)[0]
    assert raw_header.startswith('"step"')  # every text field quoted
    for cell in header:
        assert not cell.startswith(tables.FORMULA_STARTS), cell
    assert "\r" not in raw_header  # control characters are gone from names
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert len(rows) == 4 and float(rows[0][-len(names) - 2]) == history.loss[0]


def test_download_file_names_are_fixed():
    import re

    from dashboard.views.share import file_names

    for dataset in (*fields.DATASETS, fields.UPLOAD, "../../etc/passwd", "a\nb"):
        for name in file_names(dataset):
            assert re.fullmatch(r"descent_lab_[a-z_]+\.(csv|py)", name), name


def test_a_wide_file_is_refused_with_a_message(new_app):
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    header = ",".join(f"c{j}" for j in range(100_000))
    content = f"{header}\n{','.join('1' for _ in range(100_000))}\n".encode()
    at.file_uploader(key="upload_file").upload("wide.csv", content, "text/csv").run()
    assert not at.exception
    assert "100,000 columns; the limit is 101" in at.error[0].value.replace("\\", "")


def test_the_slow_feature_note_shows_a_hostile_name_as_plain_text(new_app):
    """The note on one feature too tiny beside the bias (its condition number, why it starts
    standardized) names the feature: a link, a carriage return, LaTeX and bold stay text."""
    name = "[go](http://evil.example/x)\r$x^2$ **b**"
    at = upload(new_app, [name], X=np.array([[1e-300], [2e-300], [3e-300], [4e-300]]),
                y=np.array([0, 0, 1, 1]))
    open_view(at, "data")
    (note,) = [m.value for m in at.markdown if "times more curved" in m.value]
    assert "'\\[go\\]\\(http" in note and "\r" not in note
    for live in ("](", "**b**"):
        assert live not in note.replace("**Your file**", ""), (live, note)
    assert not re.search(r"(?<!\\)\$", note), note


@pytest.mark.parametrize("w", [1e9, -2.99e149])
def test_the_gradient_checks_nudge_notes_show_hostile_names_as_plain_text(w):
    """The notes on nudges stored off (w = 1e9, off by 1.7e-4 of h: checked with an
    allowance for it) and on nudges lost (w = -3e149, w + h is w: not checked) name the
    parameter by its feature, in Markdown; a hostile name stays text."""
    from dashboard.views.common import lost_nudge_text, rounded_nudge_text
    from logreg_core import checks, load_dataset

    data = load_dataset("five_points")
    check = checks.gradient_check(data.X, data.y, [w], 0.0, l2=100.0)
    theta = np.array([w, 0.0])
    for name in MARKUP_NAMES:
        text = (rounded_nudge_text if check.resolved else lost_nudge_text)(check, theta, [name])
        assert "w\\[" in text, text
        for raw in RAW_MARKUP:
            assert raw not in text, (raw, text)
