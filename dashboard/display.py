"""How numbers and charts reach the page: charts with a text alternative, grids and small
tables with every number to the digits chosen. A leaf of the dashboard (charts and text
only), used by the first screen, the lesson and every view alike."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from . import charts
from .text import fmt


def show_chart(chart, *, key: str, alt: str, where=None, **options):
    """A chart on the page, stretched to the width, with a text alternative for screen
    readers: a spec dict as it is, an Altair chart through `charts.to_spec` (no schema
    validation at run time)."""
    spec = chart if isinstance(chart, dict) else charts.to_spec(chart)
    (where or st).vega_lite_chart(spec=spec, width="stretch", key=key, alt=alt, **options)


def number_format(digits: int) -> str:
    """The grids' number format: ``digits`` significant digits (printf %g, as `fmt`)."""
    return f"%.{digits}g"


def show_frame(frame, digits: int, *, where=None, **options):
    """A scrolling grid of numbers, each shown to ``digits`` significant digits.

    Formatting is left to the grid (a printf format per column), not to a pandas Styler,
    whose per-cell formatting costs more than the rest of the table on every rerun.
    """
    config = {c: st.column_config.NumberColumn(format=number_format(digits))
              for c in columns_of_kind(frame, "f")}
    config.update({c: st.column_config.NumberColumn(format="%d")
                   for c in columns_of_kind(frame, "iu")})
    config.update(options.pop("column_config", {}))
    return (where or st).dataframe(frame, column_config=config, **options)


def columns_of_kind(frame, kinds: str) -> list:
    """Names of the columns whose numpy dtype kind is one of ``kinds`` ("f" floating, "iu"
    integer). What ``select_dtypes`` answers, at a fraction of its cost on every rerun."""
    return [name for name, dtype in frame.dtypes.items() if dtype.kind in kinds]


def text_frame(frame, digits: int):
    """A small table with every number already written as text (`fmt`), for ``st.table``."""
    # Column by column by position (a feature may share a column's name) from numpy arrays,
    # in one constructor call: `iloc` per column cost more than the rest of the first
    # screen's table on every rerun.
    columns = {i: ([fmt(v, digits) for v in values.tolist()] if values.dtype.kind == "f"
                   else values)
               for i, values in enumerate(column.to_numpy() for _, column in frame.items())}
    return pd.DataFrame(columns, index=frame.index).set_axis(frame.columns, axis=1)


def full_height(frame) -> int:
    """Pixel height that shows every row of a small table without scrolling."""
    return 38 + 35 * len(frame)
