"""The dashboard under Streamlit's AppTest: first run and reruns, against a minimal app.

The baseline is a three-widget Streamlit script run the same way, so the ratio separates the
dashboard's own work from AppTest's fixed cost on this machine.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pyarrow as pa
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import fields

from . import Check, Group, Pair

APP = str(Path(__file__).resolve().parent.parent / "app.py")
MINIMAL = """
import streamlit as st
st.title("Minimal")
rate = st.select_slider("rate", options=[0.1, 0.2, 0.5, 1.0], value=0.5, key="rate")
st.metric("rate", rate)
"""


def first_run(from_file: bool) -> AppTest:
    """A cold first run: caches emptied, the script run once."""
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60) if from_file else AppTest.from_string(
        MINIMAL, default_timeout=60
    )
    return at.run()


def rerunner(from_file: bool, key: str, values, **query: str):
    """A running app and a callable that sets the next value and reruns once."""
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60) if from_file else AppTest.from_string(
        MINIMAL, default_timeout=60
    )
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    cycle = itertools.cycle(values)

    def change() -> AppTest:
        at.select_slider(key=key).set_value(next(cycle)).run()
        return at

    return change


def _chart_points(_baseline: AppTest, measured: AppTest) -> Check:
    sizes = [
        pa.ipc.open_stream(ds.data.data).read_all().num_rows
        for element in measured.get("vega_lite_chart")
        for ds in element.proto.datasets
    ]
    return Check(
        "points per chart series at 100,000 steps",
        not measured.exception and max(sizes) <= 2000,
        f"largest series {max(sizes)} points (limit 2000); exceptions: {len(measured.exception)}",
    )


def _no_exception(_baseline: AppTest, measured: AppTest) -> Check:
    return Check("dashboard ran without exception", not measured.exception,
                 f"{len(measured.exception)} exception element(s)")


def prepare() -> list[Pair]:
    rates = [r for r in fields.LEARNING_RATE_GRID if 0.01 <= r <= 2]
    app_change = rerunner(True, "learning_rate", rates)
    minimal_change = rerunner(False, "rate", [0.1, 0.2, 1.0, 0.5])
    explorer_change = rerunner(True, "learning_rate", rates, tab="rates")

    def long_run() -> AppTest:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["steps"] = "100000"
        return at.run()

    return [
        Pair("AppTest first run, default page", lambda: first_run(False),
             lambda: first_run(True), target=None, agree=_no_exception, target_seconds=1.5),
        Pair("AppTest rerun after a learning-rate change", minimal_change, app_change,
             target=None, agree=_no_exception, target_seconds=0.3),
        Pair("AppTest rerun, rate change, Learning rates view open", minimal_change,
             explorer_change,
             target=None, agree=_no_exception, target_seconds=0.5),
        Pair("AppTest first run at 100,000 steps", lambda: first_run(False), long_run,
             target=None, agree=_chart_points, target_seconds=3.0),
    ]


GROUP = Group(
    name="app",
    description="the dashboard in AppTest: first run and rerun times, chart sizes",
    prepare=prepare,
)
