"""Descent Lab: watch logistic regression learn by gradient descent, one number at a time.

Run with ``streamlit run app.py``. This file only wires: the page's configuration, session
state, the sidebar, the first screen and the view that is open. Every number comes from
`logreg_core`; everything shown is laid out by the `dashboard` package.
"""

from __future__ import annotations

import time
from dataclasses import replace

import altair as alt
import streamlit as st

import logreg_core as lc
from dashboard import (
    blas,
    context,
    controls,
    fields,
    lesson,
    memory,
    overview,
    predict,
    sources,
    state,
)
from dashboard import upload as upload_ui
from dashboard.compute import Source
from dashboard.views import BY_SLUG, BY_TITLE, VIEWS, share

st.set_page_config(page_title="Descent Lab", page_icon="📉", layout="wide")
# Altair checks every chart part against the Vega-Lite schema as it is built, which costs more
# than the rest of a rerun; the tests validate each chart builder's output instead.
alt.utils.schemapi.disable_debug_mode()
blas.limit_threads(1)  # why: see dashboard/blas.py
memory.limit_arenas(2)  # why: see dashboard/memory.py
# KaTeX's display formulas overflow their box by 2 px (an internal strut), which makes each
# one a scroll region a keyboard cannot reach (axe-core: scrollable-region-focusable); the
# padding holds that overflow. A constant: no user text goes into this HTML.
st.html("<style>.katex-display { padding-right: 4px; }</style>")

TITLE = "How logistic regression learns"
TICK_SECONDS = 0.25  # playback redraws about four times a second
INTRO = ("Each step scores every sample, turns the scores into probabilities, measures the loss "
         "and moves the weights against its gradient. Every number below follows the sliders.")


def sidebar_data() -> Source | None:
    """The sidebar's data part; returns the source, or None while an upload is missing."""
    sb = st.sidebar
    sb.title("Descent Lab")
    in_lesson = bool(st.session_state.lesson)
    controls.dataset_select(sb, locked=in_lesson)
    if in_lesson:  # each part keeps its own data, as shipped
        return sources.builtin_source(st.session_state.dataset)
    if st.session_state.dataset != fields.UPLOAD:
        return sources.builtin_source(st.session_state.dataset)
    upload_ui.uploader(sb)
    return upload_ui.upload_source(sb)


def sidebar_settings(names) -> None:
    """The sidebar's settings: in the lesson, only those that change the part shown."""
    sb = st.sidebar
    number = st.session_state.lesson
    shown = lesson.sidebar_controls(number)
    if "standardize" in shown:
        controls.standardize_toggle(sb)
    if "start" in shown:
        sb.markdown("**Starting point**")
        controls.starting_point(sb, names)
    if "l2" in shown:
        controls.l2_input(sb)
    if "digits" in shown:
        controls.digits_select(sb)
    row = sb.container(horizontal=True)
    if number:
        row.button("Reset this part", key="reset", on_click=lesson.go_to, args=(number,),
                   help="This part's own settings.", icon=":material/restart_alt:")
        return
    row.button("Reset", key="reset", on_click=state.reset_to_defaults,
               help="This data set's starting settings.", icon=":material/restart_alt:")
    row.button("Guided lesson", key="lesson_start", on_click=lesson.go_to, args=(1,),
               icon=":material/school:", help="Seven short parts, from one forward pass to "
                                              "separable data.")


def choose_safe_rate(data) -> None:
    """A new upload starts at a rate every step of which lowers the loss (below 2/L)."""
    guaranteed = lc.curvature_bound(data.X, 0.0).guaranteed_rate
    st.session_state.learning_rate = fields.safe_learning_rate(guaranteed)


def inspect_step(history) -> None:
    """Where the scrubber stands before it is drawn: playback's step, within the run."""
    s = st.session_state
    last = history.steps_run
    played = state.playback_step(last)
    if played is not None:
        s.inspect = played
        if played >= last:
            s.playing, s.follow_end = False, True
    elif state.follows_end(last):
        s.inspect = last
    s.inspect = min(s.inspect, last)
    if s.playing:
        s.last_tick = time.monotonic()


def play_ticker() -> None:
    """While playing, a fragment that asks for a full rerun per tick (none when a run is
    already that recent). Drawn last on the page: an element that comes and goes above the
    others shifts them all to new places, and the browser then builds every chart and table
    again on Play and on Pause, showing old and new copies until the run ends."""
    s = st.session_state
    if not s.playing:
        return

    @st.fragment(run_every=TICK_SECONDS)
    def ticker() -> None:
        if s.playing and time.monotonic() - s.last_tick >= TICK_SECONDS:
            st.rerun(scope="app")

    ticker()


def on_view_tab() -> None:
    st.session_state.view = BY_TITLE[st.session_state.view_tab].slug


def open_view(ctx) -> None:
    """The tabs; only the open one runs (and none while a prediction is open: each shows the
    gradient or the steps after this one)."""
    s = st.session_state
    if ctx.pending:
        st.info("Reveal your prediction above to open the views: they show the answer.",
                icon=":material/visibility_off:")
        return
    s.view_tab = BY_SLUG[s.view].title
    if s.view != "share":
        s.last_view = s.view  # what a link from the Share view opens
    tabs = st.tabs([v.title for v in VIEWS], key="view_tab", on_change=on_view_tab)
    for tab, view in zip(tabs, VIEWS, strict=True):
        with tab:
            if tab.open:
                view.render(ctx)


def main() -> None:
    state.initialize(lesson.settings_for)
    for notice in st.session_state.pop("link_notices", []):
        st.warning(notice, icon=":material/link:")
    s = st.session_state
    state.apply_settings(fields.defaults(fields.DEFAULT_DATASET), only_missing=True)
    source = sidebar_data()
    st.title(TITLE)
    if source is None:
        return
    edited = source if s.lesson else sources.with_edits(source)
    data = sources.training_data(edited, s.standardize)
    names = data.names
    if s.pop("choose_safe_rate", False):
        choose_safe_rate(data)
    s.batch_size = int(min(s.batch_size, data.n_samples))
    sidebar_settings(names)
    # The run comes first: its settings are in session state before their widgets are drawn.
    settings = state.current(len(names))
    try:
        history, cut = context.run_main(data, settings)
    except lc.LogRegInputError as error:
        overview.run_controls(names)
        overview.check_inputs_message(error)
        return
    inspect_step(history)
    settings = state.current(len(names))
    ctx = context.build(settings, source, data, history, cut)
    if not settings.lesson:
        ctx = replace(ctx, pending=predict.pending(settings, s, predict.key(ctx)))
    if settings.lesson:
        lesson.render(ctx)
    else:
        st.markdown(INTRO)
        overview.first_screen(ctx, names)
        open_view(ctx)
    sizes = fields.Sizes(data.n_samples, data.n_features)
    # The address bar opens what a shared link opens: never the Share view itself.
    linked = fields.with_changes(settings, view=share.shared_view(settings.view,
                                                                  s.get("last_view")))
    st.query_params.from_dict(fields.to_query(linked, sizes))
    play_ticker()


main()
