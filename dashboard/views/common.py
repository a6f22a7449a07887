"""Pieces several views share: number styling and the gradient check."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import charts, compute, tables
from ..context import ViewContext
from ..text import fmt


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
    floats = set(columns_of_kind(frame, "f"))
    return pd.DataFrame({i: [fmt(v, digits) for v in frame.iloc[:, i]] if name in floats
                         else frame.iloc[:, i] for i, name in enumerate(frame.columns)},
                        index=frame.index).set_axis(frame.columns, axis=1)


def full_height(frame) -> int:
    """Pixel height that shows every row of a small table without scrolling."""
    return 38 + 35 * len(frame)


def gradient_check_panel(ctx: ViewContext) -> None:
    """The analytic gradient against central differences, with the criterion used."""
    st.markdown("**Gradient check**: the gradient from (p − y)·x against the slope of the loss "
                "measured by nudging each parameter a little either way (a fourth-order "
                "central difference)")
    check = compute.check_gradient(ctx.data, tuple(ctx.w), ctx.b, ctx.settings.l2)
    if not check.finite:
        st.info("The loss overflows at the nudged points (the parameters are near the limits "
                "of double precision), so the gradient cannot be checked here; check an "
                "earlier step.")
        return
    show_frame(tables.gradient_check_table(check, ctx.names), ctx.digits, key="gradient_check",
               column_config={c: st.column_config.NumberColumn(format="%.1e")
                              for c in ("difference", "allowed")})
    st.latex(r"\begin{aligned} |g - \hat g| \le\; & \underbrace{100\,\epsilon \max(1, |J|)/h}"
             r"_{\text{rounding}} \\ & + \underbrace{10^{-6} \max(|g|, |\hat g|)}"
             r"_{\text{relative}} \end{aligned}")
    agree = int(check.passed.sum())
    total = check.passed.size
    worst = float((abs(check.difference) / check.allowed).max())
    st.caption(
        f"{agree} of {total} parameters agree within that allowance (ε = "
        f"{fmt(2.0 ** -52, 2)}, h the step of each parameter); the largest difference is "
        f"{fmt(worst, 2)} × its allowance."
        + ("" if agree == total else
           " A disagreement means the formula or the code is wrong at this point.")
    )
