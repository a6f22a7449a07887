"""Helpers for AppTest tests: reading charts, tables, metrics and text back from a run.

A plain module (fixtures live in conftest.py): tests and benchmarks import from here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

import logreg_core as lc
from dashboard import fields
from logreg_core.limits import learning_rate_limits
from tests.app import chains

APP = str(Path(__file__).resolve().parents[2] / "app.py")


#: Expanders of "Take a step apart" drawn only while open (`dashboard.views.step_detail`):
#: the tests open them, so that every check of the formulas and of the gradient check still
#: runs wherever the view is open; ``build(closed=True)`` leaves them as a visitor finds them.
OPEN_IN_TESTS = ("step_formulas_open", "gradient_check_open")


def build(*, closed: bool = False, **query: str) -> AppTest:
    """An AppTest of the app (not yet run) opened with these link parameters, and with the
    step view's formulas and gradient check open unless ``closed``."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    if not closed:
        for key in OPEN_IN_TESTS:
            at.session_state[key] = True
    return at


def chart_datasets(at: AppTest) -> list[list]:
    """Every Altair chart on the page, as the list of its Arrow datasets (pandas frames)."""
    return [
        [pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in element.proto.datasets]
        for element in at.get("vega_lite_chart")
    ]


def frames_with(at: AppTest, *columns: str) -> list:
    """Every chart dataset that has all these columns."""
    return [f for frames in chart_datasets(at) for f in frames
            if all(c in f.columns for c in columns)]


def landscape_paths(at: AppTest):
    """Every descent path the landscape draws, one frame (columns run, step, a, c, loss): the
    other optimizers' paths (one dataset each) and yours, drawn over theirs."""
    return pd.concat(frames_with(at, "run", "a", "c"), ignore_index=True)


def loss_curve(at: AppTest) -> dict:
    """The loss curve the player draws: steps, losses and whether on a log scale."""
    return player(at)["loss_curve"]


def table(at: AppTest, column: str, nth: int = 0):
    """The ``nth`` dataframe or table on the page that has this column (or index label)."""
    found = [d.value for d in [*at.dataframe, *at.table]
             if column in d.value.columns or column in d.value.index]
    assert len(found) > nth, f"no table with {column!r}"
    return found[nth]


def metric(at: AppTest, label_start: str) -> str:
    """Value of the first metric whose label starts with ``label_start``."""
    for m in at.metric:
        if m.label.startswith(label_start):
            return m.value
    raise AssertionError(f"no metric {label_start!r}; have {[m.label for m in at.metric]}")


TEXT_KINDS = ("markdown", "caption", "latex", "warning", "error", "info", "success")


def page_text(at: AppTest) -> str:
    """All markdown, captions, latex and notices on the page, as one string."""
    parts = [str(e.value) for kind in TEXT_KINDS for e in at.get(kind)]
    return "\n".join(parts).replace("−", "-")


def formulas(at: AppTest) -> list[str]:
    """Every display formula on the page: ``st.latex`` elements and the ``$$`` blocks that
    share a Markdown element (`dashboard.display.show_formulas`)."""
    return [e.value for e in at.latex] + [tex for e in at.markdown
                                          for tex in chains.FORMULA.findall(e.value)]


def plain(markdown: str) -> str:
    """Markdown source back to the text a reader sees (backslash escapes and the invisible
    word joiners that break bare addresses removed)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def open_view(at: AppTest, slug: str) -> AppTest:
    """Open a view by its link value (only the open view runs) and rerun."""
    from dashboard.views import BY_SLUG

    at.session_state["view"] = slug
    at.session_state["view_tab"] = BY_SLUG[slug].title
    return at.run()


def uploaded_view(new_app, csv: bytes, slug: str) -> AppTest:
    """The page on an uploaded CSV, unstandardized, with the view ``slug`` open, run."""
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("u.csv", csv, "text/csv").run()
    at.session_state["standardize"] = False
    return open_view(at, slug)


def open_popover(at: AppTest, key: str = "measured_open") -> AppTest:
    """Open a popover or expander that is drawn only while open (``on_change="rerun"``):
    "What was measured" by default; "exact_open", "limits_open", "start_weights"."""
    at.session_state[key] = True
    return at.run()


def every_view(at: AppTest):
    """Open each view in turn, failing on an exception or an error notice; yields its slug
    with the page open on it."""
    from dashboard.views import VIEWS

    for view in VIEWS:
        open_view(at, view.slug)
        assert not at.exception, (view.slug, [e.value for e in at.exception])
        assert not at.error, (view.slug, [e.value for e in at.error])
        yield view.slug


def component_data(at: AppTest, name: str) -> list:
    """The data each custom component called ``name`` was given, in page order: its JSON read
    back, or its bytes."""
    return [e.proto.bytes if e.proto.WhichOneof("data") == "bytes" else json.loads(e.proto.json)
            for e in at.get("bidi_component") if e.proto.component_name == name]


def player(at: AppTest) -> dict:
    """The data the first screen's model player was given (its frames from the core), read
    as the player reads it: two lines of JSON, the second one under the first."""
    (data,) = component_data(at, "descent_lab_player")
    head, _, run = data.partition(b"\n")
    return {**strict_json(run), **strict_json(head)}


def _refuse(constant: str):
    raise ValueError(f"{constant} in the player's data: a browser's JSON.parse refuses it")


def strict_json(text: bytes) -> dict:
    """JSON read as a browser reads it: Infinity, -Infinity and NaN are errors."""
    return json.loads(text, parse_constant=_refuse)


def inspect(at: AppTest, step: int) -> AppTest:
    """Inspect ``step``, as the player does when the learner pauses or scrubs there, and rerun."""
    at.session_state["inspect"] = step
    at.session_state["follow_end"] = False
    return at.run()


def core_history(dataset="five_points", standardize=False, **kwargs):
    """A run of the core with the page's defaults for ``dataset`` (``kwargs`` override)."""
    data = lc.load_dataset(dataset)
    X = lc.Standardizer.fit(data.X).transform(data.X) if standardize else data.X
    d = fields.defaults(dataset)
    params = dict(learning_rate=d.learning_rate, steps=d.steps, w0=list(d.w0), b0=d.b0, l2=0.0)
    params.update(kwargs)
    return lc.train(X, data.y, **params, limits=learning_rate_limits(X, data.y, params["l2"]))


def caption_with(at, start: str) -> str:
    """The one caption that starts with ``start``."""
    found = [c.value for c in at.caption if c.value.startswith(start)]
    assert len(found) == 1, [c.value for c in at.caption]
    return found[0]
