"""AppTest helpers: a fresh app per test, and chart data read back from Vega-Lite elements."""

from pathlib import Path

import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def new_app():
    """Build an AppTest (not yet run) with optional query parameters; caches start empty."""
    st.cache_data.clear()

    def build(**query: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        for key, value in query.items():
            at.query_params[key] = value
        return at

    yield build
    st.cache_data.clear()


@pytest.fixture
def app(new_app):
    """The default page, run once and checked for exceptions."""
    at = new_app().run()
    assert not at.exception
    return at


def chart_datasets(at: AppTest) -> list[list]:
    """Every Altair chart on the page, as the list of its Arrow datasets (pandas frames)."""
    return [
        [pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in element.proto.datasets]
        for element in at.get("vega_lite_chart")
    ]


def loss_chart_frames(at: AppTest) -> list:
    """Datasets of the loss chart: the curve first, then the one-row marker."""
    for frames in chart_datasets(at):
        if frames and list(frames[0].columns) == ["step", "loss"]:
            return sorted(frames, key=len, reverse=True)
    raise AssertionError("no loss chart on the page")


def table(at: AppTest, column: str, nth: int = 0):
    """The ``nth`` dataframe on the page that has this column (or index label)."""
    found = [
        d.value for d in at.dataframe
        if column in d.value.columns or column in d.value.index
    ]
    assert len(found) > nth, f"no table with {column!r}"
    return found[nth]


def metric(at: AppTest, label_start: str) -> str:
    """Value of the first metric whose label starts with ``label_start``."""
    for m in at.metric:
        if m.label.startswith(label_start):
            return m.value
    raise AssertionError(f"no metric {label_start!r}; have {[m.label for m in at.metric]}")


def page_text(at: AppTest) -> str:
    """All markdown, captions, latex and notices on the page, as one string."""
    parts = []
    for kind in ("markdown", "caption", "latex", "warning", "error", "info", "success"):
        parts.extend(str(e.value) for e in at.get(kind))
    return "\n".join(parts).replace("−", "-")


def open_tab(at: AppTest, name: str) -> AppTest:
    """Open a tab (only the open tab's content runs) and rerun."""
    at.session_state["tab"] = name
    return at.run()
