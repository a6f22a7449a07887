"""The data's note and a table to edit it: move, add and remove points, flip labels."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from .. import explain, sources, tables
from ..charts import title_text
from ..context import ViewContext
from ..text import plural


def render(ctx: ViewContext) -> None:
    source = ctx.source  # as loaded, before the editor's edits
    refused = sources.edits_refused(source)
    if sources.changed(source.key):  # the note describes the data as loaded, not as it is
        unused = " (the table's edits are not used yet)" if refused else ""
        st.caption(f"You changed this data{unused}: it has "
                   f"{plural(len(ctx.data.y), 'sample')} now. The description below is of the "
                   "data as loaded; the line under it is of the data as it is now.")
    # the note's own title as a small heading, not a second page title (its "# ...")
    st.markdown(re.sub(r"^(#+) ", r"###\1 ", source.note, flags=re.MULTILINE))
    st.caption(explain.best_fit_text(ctx))
    if source.preview is not None:
        st.markdown("**The file as read**")
        st.dataframe(source.preview.head(100), key="upload_preview")
        st.caption((f"All {len(source.preview):,} rows." if len(source.preview) <= 100 else
                    f"First 100 of {len(source.preview):,} rows.")
                   + " Cells and column names are shown as plain text.")
    st.markdown("**Edit the data**")
    if len(source.y) > sources.EDIT_MAX_ROWS:
        st.caption(f"This data has {len(source.y):,} rows; the editor is offered up to "
                   f"{sources.EDIT_MAX_ROWS:,}.")
        return
    st.caption("Change a value to move a point, tick or untick *class 1* to flip its label, "
               "and add or delete rows (the + and the bin in the table's toolbar). Everything "
               "on the page follows. New rows start with label 0.")
    columns = tables.editor_columns(len(source.names))
    config = {column: st.column_config.NumberColumn(title_text(name, 40))
              for column, name in zip(columns, source.names, strict=True)}
    # default: a new row's class cell shows the label 0 it gets, an unticked box (it was an
    # empty cell, no box at all, under "New rows start with label 0": a walk)
    config[tables.EDITOR_LABEL] = st.column_config.CheckboxColumn(
        "class 1", help="Ticked: label 1. Unticked: label 0.", default=False)
    key = sources.live_editor_key(source.key)
    frame = sources.edited_frame(source, sources.kept_edits(source.key)["layers"])
    # rows numbered as the notices name them ("row 6, x"), from 1: the editor numbers a row
    # added with its + next; a cell with no number is blank, not a grey "None" (a review)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    st.data_editor(frame, key=key, num_rows="dynamic", width="stretch", column_config=config,
                   hide_index=False, placeholder="", on_change=sources.keep_live_edits,
                   args=(source.key, key))
    added, removed = sources.click_counts(source.key)
    if added or removed:  # the editor holds the data before them (a walk: "it has 2 samples
        # now" above a table of 1 row)
        st.caption(f"The table does not hold the {plural(added, 'sample')} added and "
                   f"{removed:,} removed beside the picture; the page uses both.")
    if refused:  # here, beside the cells it names, as well as at the top of the page
        st.warning(f"Your edits cannot be used yet: {refused} Until then the page shows the "
                   "data as it was.", icon=":material/block:")
    if layers := sources.edit_layers(source.key):
        rows = len(sources.edited_frame(source, layers))
        st.caption(f"Edited: {plural(rows, 'row')} in the table now. Edits are kept for this "
                   "data set, also when you open another and come back, until you put the "
                   "data back; they are not part of shared links.")
        st.button("Put the data back", key="edits_reset", on_click=sources.forget_changes,
                  args=(source.key,), icon=":material/undo:",
                  help="The data as loaded: the table's edits and the samples added or "
                       "removed beside the picture are undone.")
