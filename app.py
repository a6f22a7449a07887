"""Descent Lab: watch logistic regression learn by gradient descent, one number at a time.

Run with ``streamlit run app.py``. This file only wires: the page's configuration, session
state, the sidebar, the first screen and the view that is open. Every number comes from
`logreg_core`; everything shown is laid out by the `dashboard` package.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import altair as alt
import streamlit as st

import logreg_core as lc
from dashboard import (
    blas,
    context,
    controls,
    fields,
    lesson,
    link_notices,
    memory,
    overview,
    predict,
    sources,
    state,
)
from dashboard import upload as upload_ui
from dashboard.compute import Source
from dashboard.tabs import GROUP_OF, GROUPS
from dashboard.views import BY_SLUG, share

# The page's icon is a file of ours: a Material icon name would be fetched from the network.
ASSETS = Path(__file__).resolve().parent / "dashboard" / "assets"
st.set_page_config(page_title="Descent Lab", layout="wide",
                   page_icon=str(ASSETS / "icon.png"))
# Altair checks every chart part against the Vega-Lite schema as it is built, which costs more
# than the rest of a rerun; the tests validate each chart builder's output instead.
alt.utils.schemapi.disable_debug_mode()
blas.limit_threads(1)  # why: see dashboard/blas.py
memory.limit_arenas(2)  # why: see dashboard/memory.py
memory.start_trimming()
# The page's own styles (a constant file: no user text goes into it).
st.html(f"<style>{(ASSETS / 'page.css').read_text(encoding='utf-8')}</style>")

TITLE = "How logistic regression learns"
INTRO = ("Each step scores every sample, turns the scores into probabilities and moves the "
         "weights against the loss's gradient: press Play, or move a slider.")


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


def sidebar_settings(names, source_key: str) -> None:
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
    controls.reset_button(row, source_key)


def inspect_step(history) -> None:
    """Where the inspected step stands before anything is drawn: within the run, and at its
    end while it follows the end (playback runs in the browser: see dashboard/player.py)."""
    s = st.session_state
    last = history.steps_run
    if state.follows_end(last):
        s.inspect = last
    s.inspect = min(s.inspect, last)


def on_group_tab() -> None:
    """A tab of the row: open the view of that group the learner saw last (or its first)."""
    s = st.session_state
    group = next(g for g in GROUPS if g.title == s.view_tab)
    s.view = s.get(f"last_in_{group.slug}", group.members[0])


def open_view(ctx) -> None:
    """Six tabs, each what the learner does there, and inside one the views it holds; only
    the open view runs (and none while they would answer a prediction, `predict.views_wait`)."""
    s = st.session_state
    if predict.views_wait(ctx):
        return
    group = GROUP_OF[s.view]
    s.view_tab = group.title
    s[f"last_in_{group.slug}"] = s.view
    if group is not GROUP_OF["share"]:
        # What a link from the Share view opens: the last view outside the Share view's own
        # group (on the way to Share the learner passes through its neighbour, Data).
        s.last_view = s.view
    tabs = st.tabs([g.title for g in GROUPS], key="view_tab", on_change=on_group_tab)
    for tab, each in zip(tabs, GROUPS, strict=True):
        with tab:
            if not tab.open:
                continue
            if len(each.members) > 1:
                s[f"pick_{each.slug}"] = s.view
                st.segmented_control(
                    "View", list(each.members), key=f"pick_{each.slug}",
                    format_func=lambda slug: BY_SLUG[slug].title, required=True,
                    label_visibility="collapsed", on_change=on_pick, args=(each.slug,))
            BY_SLUG[s.view].render(ctx)


def on_pick(group: str) -> None:
    st.session_state.view = st.session_state[f"pick_{group}"]


#: Settings that only the open view shows (and the link carries): moving one of them reruns
#: the view alone. Any other setting, or the data, is shown by the first screen too.
VIEW_OWNED = ("view", "overlay_rates", "sweep_count", "batch_size", "seed", "momentum")
_FULL_RUN = "_view_area_in_full_run"


def outside_view(settings: fields.Settings, source_key: str) -> tuple:
    """What the rest of the page is drawn from: the settings but the view's own, the data's
    edits and clicks (no setting holds them), the link's notices that still hold and how far
    Predict first draws the run (its button in the views' place shows the whole run)."""
    s = st.session_state
    return (replace(settings, **dict.fromkeys(VIEW_OWNED)),
            repr(sources.edit_layers(source_key)),
            repr(s.get(sources.clicks_key(source_key))), link_notices.holding(),
            s.get("predict_run"), s.get("predict_seen"))


@st.fragment
def view_area(ctx, sizes: fields.Sizes, outside: tuple) -> None:
    """The tab row, the open view and the link in the address bar: a fragment, so that a tab,
    a view's picker or one of its own controls reruns this part only (opening a tab of the
    default page costs the server about half of what the whole page does: python -m bench
    --only load prints both).

    A fragment rerun keeps the arguments of the last full run. When a control of the view
    changed anything the rest of the page shows (a click on the sweep chart sets the rate,
    one on the landscape the start, the table editor the data), the whole page reruns.
    """
    if not st.session_state.pop(_FULL_RUN, False):  # the view's own rerun
        settings = state.current(len(ctx.names))
        if outside_view(settings, ctx.source.key) != outside:
            st.rerun(scope="app")
        ctx = replace(ctx, settings=settings)
    open_view(ctx)
    write_link(ctx.settings, sizes)


def write_link(settings: fields.Settings, sizes: fields.Sizes) -> None:
    """The address bar opens what a shared link opens: never the Share view itself."""
    s = st.session_state
    linked = fields.with_changes(settings, view=share.shared_view(settings.view,
                                                                  s.get("last_view")))
    st.query_params.from_dict(lesson.link_query(fields.to_query(linked, sizes),
                                                settings.lesson))


def main() -> None:
    with link_notices.above():  # the link's notices, drawn once the run has settled
        state.initialize(lesson.settings_for)
        s = st.session_state
        state.apply_settings(fields.defaults(fields.DEFAULT_DATASET), only_missing=True)
        source = sidebar_data()
        st.title(TITLE)
        if source is None:
            st.query_params.from_dict(state.address_without_data())
            return
        edited = source if s.lesson else sources.with_clicks(sources.with_edits(source), source.key)
        data = sources.training_data(edited, s.standardize)
        names = data.names
        s.batch_size = int(min(s.batch_size, data.n_samples))
        sidebar_settings(names, source.key)
        # The run comes first: its settings are in session state before their widgets are drawn.
        settings = state.current(len(names))
        try:
            history, cut = context.run_main(data, settings)
        except lc.LogRegInputError as error:
            overview.run_controls(names)
            overview.check_inputs_message(error, None if s.lesson else source.key)
            return
        inspect_step(history)
        settings = state.current(len(names))
        ctx = context.build(settings, source, data, history, cut)
        state.link_step_notice(history, settings, lesson.link_step_when(ctx))
        if not settings.lesson:
            ctx = predict.apply(s, ctx)
        sizes = fields.Sizes(data.n_samples, data.n_features)
        if settings.lesson:
            lesson.render(ctx)
            write_link(settings, sizes)
            return
        intro = st.container(horizontal=True, vertical_alignment="center")
        intro.markdown(INTRO)
        intro.button("Guided lesson", key="lesson_main", on_click=lesson.go_to, args=(1,),
                     icon=":material/school:", help="Seven short parts, from one forward pass "
                                                    "to separable data.")
        overview.first_screen(ctx, names)
        s[_FULL_RUN] = True
        view_area(ctx, sizes, outside_view(settings, source.key))


main()
