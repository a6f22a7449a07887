"""Share this exact view, and download the run: its history and a script that reruns it."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from logreg_core.script import standalone_script

from .. import fields, sources, tables
from ..context import ViewContext
from ..copy_link import copy_link
from ..tabs import DEFAULT_TAB, GROUP_OF, TABS

BY_SLUG_TITLE = {tab.slug: tab.title for tab in TABS}


def page_link(settings: fields.Settings, sizes: fields.Sizes | None = None) -> str:
    """The full address of this view: the page's own address with the settings encoded."""
    query = urlencode(fields.to_query(settings, sizes))
    try:
        base = urlsplit(st.context.url or "")
    except Exception:  # no browser context (a script run outside a server)
        base = urlsplit("")
    return urlunsplit((base.scheme or "http", base.netloc or "localhost:8501", base.path or "/",
                       query, ""))


def file_names(dataset: str) -> tuple[str, str]:
    """Names of the two downloads: our own words and a data set's key, never user text."""
    safe = dataset if dataset in (*fields.DATASETS, fields.UPLOAD) else "data"
    return f"descent_lab_{safe}_history.csv", "descent_lab_run.py"


def shared_view(view: str, came_from: str | None) -> str:
    """The view a shared link opens: the one the teacher came from, never this page."""
    return came_from or DEFAULT_TAB if view == "share" else view


def render(ctx: ViewContext) -> None:
    settings, data, history = ctx.settings, ctx.data, ctx.history
    came_from = shared_view(settings.view, st.session_state.get("last_view"))
    shared = fields.with_changes(settings, view=came_from)
    changed = sources.changed(ctx.source.key)
    group = GROUP_OF[came_from].title if came_from in GROUP_OF else BY_SLUG_TITLE[came_from]
    where = (f"*{group}*" if group == BY_SLUG_TITLE[came_from] else
             f"*{group}: {BY_SLUG_TITLE[came_from]}*")
    if settings.dataset == fields.UPLOAD:
        st.markdown(f"**Share this view.** Links cannot carry files, so this link opens the "
                    f"view ({where}) and the settings that do not depend on the data, on the "
                    "5-point example, with a note to upload the same file under Data; once "
                    "it is uploaded, every setting in the link applies to it:")
    elif changed:
        st.markdown(f"**Share this view.** This link opens the same settings, step and view "
                    f"({where}), with every setting in the address, but not the same run:")
    else:
        st.markdown(f"**Share this exact view.** This link opens the same data, run, step and "
                    f"view ({where}), with every setting in the address:")
    if changed:
        st.caption("Links do not carry your changes to the data (the table's edits, the "
                   "samples added or removed on the plane): whoever opens it gets the data "
                   "as loaded, so the run, and every number drawn from it, differ from "
                   "these.")
    copy_link(page_link(shared, fields.Sizes(data.n_samples, data.n_features)),
              key="share_link")
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the training history (CSV)",
        data=lambda: tables.to_csv(tables.history_frame(history, data.names)),
        file_name=file_names(settings.dataset)[0], mime="text/csv",
        key="download_history", on_click="ignore")
    c2.download_button(
        "Download a numpy script that reruns it",
        data=lambda: standalone_script(
            data.X_raw, data.y, feature_names=list(data.names),
            learning_rate=settings.learning_rate, steps=history.steps_run, w0=settings.w0,
            b0=settings.b0, l2=settings.l2, standardize=data.standardized,
            stopped_early=history.steps_run < history.steps),
        file_name=file_names(settings.dataset)[1], mime="text/x-python", key="download_script",
        on_click="ignore")
    st.caption(
        f"The history has one row per state ({history.steps_run + 1:,} rows): weights, bias, "
        "loss and the gradient of the step taken from it; text cells that a spreadsheet would "
        "read as a formula (starting with "
        + ", ".join({"\t": "a tab", "\r": "a carriage return"}.get(c, f"“{c}”")
                    for c in tables.FORMULA_STARTS)
        + ") are written with a leading quote. The "
        "script needs only numpy and prints the same loss curve to the last digit"
        + (", stopping where this run stopped before its numbers overflowed."
           if history.steps_run < history.steps else "."))
