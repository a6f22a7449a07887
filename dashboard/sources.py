"""Where the data of a rerun come from: a built-in set or an upload, the table editor's edits,
and standardization."""

from __future__ import annotations

import copy
import hashlib
import json
import math

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core.maths import MAX_ABS_FEATURE

from . import compute, tables
from .compute import Data, Source
from .text import first_of, md_escape

EDIT_MAX_ROWS = 1000  # the table editor is offered up to this many rows


def builtin_source(name: str) -> Source:
    data = lc.load_dataset(name)
    return Source(key=f"builtin:{name}", X=data.X, y=data.y, names=tuple(data.feature_names),
                  title=data.info.title, note=data.note)


def _state_key(prefix: str, source_key: str) -> str:
    """A session-state key of a source's own: ``prefix`` and a digest of its key."""
    return prefix + hashlib.sha1(source_key.encode()).hexdigest()[:12]


def editor_key(source_key: str) -> str:
    """The stem of the data editor's widget keys for a source (a new source starts with no
    edits); `live_editor_key` adds the number of the editor drawn now."""
    return _state_key("editor_", source_key)


def edits_key(source_key: str) -> str:
    """Session-state key of the edits kept for a source (`kept_edits`)."""
    return _state_key("edits_", source_key)


def has_edits(edits) -> bool:
    return bool(edits) and any(edits.get(k) for k in ("edited_rows", "added_rows",
                                                     "deleted_rows"))


def kept_edits(source_key: str) -> dict:
    """The edits of a source, kept in session state of our own: a data editor has no state
    once it is not drawn (another view is open), and its edits would go with it.

    ``{"layers": [...], "live": edits}``: each layer is one editor's edits (Streamlit's
    ``edited_rows``, ``added_rows``, ``deleted_rows``) of the table the layers before it
    made; ``live`` is the editor drawn now, copied on every change (`keep_live_edits`).
    """
    return st.session_state.get(edits_key(source_key)) or {"layers": [], "live": None}


def edit_layers(source_key: str) -> list[dict]:
    """Every edit of a source, in order: the kept layers, then the live editor's."""
    kept = kept_edits(source_key)
    return [*kept["layers"], *([kept["live"]] if has_edits(kept["live"]) else [])]


def keep_live_edits(source_key: str, widget_key: str) -> None:
    """The editor's on_change: copy its edits, which outlive it here."""
    kept = kept_edits(source_key)
    st.session_state[edits_key(source_key)] = {
        "layers": kept["layers"], "live": copy.deepcopy(st.session_state.get(widget_key))}


def live_editor_key(source_key: str) -> str:
    """The widget key of the editor to draw now. When the last one is gone (the Data view was
    closed, so Streamlit dropped its state), its edits become a layer and a new editor, over
    the edited table, starts with none. After `forget_changes` the key is new too: the
    browser keeps an editor's edits under its old key."""
    kept = kept_edits(source_key)
    stem = f"{editor_key(source_key)}_{st.session_state.get(_forgotten_key(source_key), 0)}"
    key = f"{stem}_{len(kept['layers'])}"
    if key not in st.session_state and has_edits(kept["live"]):
        kept = {"layers": [*kept["layers"], kept["live"]], "live": None}
        st.session_state[edits_key(source_key)] = kept
        key = f"{stem}_{len(kept['layers'])}"
    return key


def _forgotten_key(source_key: str) -> str:
    """Session-state key of how many times a source's changes were forgotten."""
    return _state_key("forgotten_", source_key)


def forget_changes(source_key: str) -> None:
    """Callback: a source's data as loaded again. The samples added or removed on the plane
    and the table editor's edits are gone, and the next editor starts with none."""
    state = st.session_state
    state.pop(clicks_key(source_key), None)
    state.pop(edits_key(source_key), None)
    state[_forgotten_key(source_key)] = state.get(_forgotten_key(source_key), 0) + 1


def edited_frame(source: Source, layers: list[dict]):
    """The editor's table of a source after ``layers`` of edits (`tables.apply_edits`)."""
    frame = tables.editable_frame(source.X, source.y, len(source.names))
    for layer in layers:
        frame = tables.apply_edits(frame, layer)
    return frame


def with_edits(source: Source) -> Source:
    """The source after the table editor's edits (or as it was, with a notice, if they cannot
    be used yet)."""
    edited = _edited(source)
    if isinstance(edited, str):
        st.error(f"Your edits of the table cannot be used yet: {edited} Until then the page "
                 "shows the data as it was.")
        return source
    return edited


def edits_refused(source: Source) -> str | None:
    """Why the table editor's edits of a source cannot be used yet (Markdown), or None."""
    edited = _edited(source)
    return edited if isinstance(edited, str) else None


def _edited(source: Source) -> Source | str:
    """The source after the table editor's edits, or why they cannot be used (Markdown): an
    empty cell is named by its row and column, which the editor shows ("X holds missing
    values in 1 row(s)" named neither, a walk)."""
    layers = edit_layers(source.key)
    if not layers:
        return source
    X, y = tables.edited_arrays(edited_frame(source, layers))
    if cells := _cells_without_a_number(X, source.names, grid_row_labels(source)):
        return cells
    try:
        X, y = lc.check_data(X, y)
    except lc.LogRegInputError as error:
        return md_escape(error, 500)
    digest = hashlib.sha1(json.dumps(layers, sort_keys=True, default=str).encode()).hexdigest()
    return Source(key=f"{source.key}|edits:{digest[:16]}", X=X, y=y, names=source.names,
                  title=source.title + " (edited)", note=source.note, preview=source.preview)


def grid_row_labels(source: Source) -> list[str]:
    """Each row of the edited table as the editor on screen numbers it: "row 4", or "new row
    1" for a row added with its + (the grid gives it no number). The grid shows the table of
    the kept layers numbered from 1, and the live editor's edits over it: a row deleted there
    leaves a gap in the numbers, not a renumbering. The notices named rows by position, so
    on ?data=five_points&tab=data with row 2 deleted and a row added the notice said "(row 5,
    x)" beside a grid whose row 5 read x = 5, and whose empty cell was in the new row."""
    kept = kept_edits(source.key)
    stem = f"{editor_key(source.key)}_{st.session_state.get(_forgotten_key(source.key), 0)}"
    live_on_screen = has_edits(kept["live"]) and f"{stem}_{len(kept['layers'])}" in \
        st.session_state
    layers = kept["layers"] if live_on_screen else edit_layers(source.key)
    shown = len(edited_frame(source, layers))
    if not live_on_screen:
        return [f"row {i + 1}" for i in range(shown)]
    live = kept["live"]
    deleted = {int(r) for r in live.get("deleted_rows") or []}
    added = len(live.get("added_rows") or [])
    return ([f"row {i + 1}" for i in range(shown) if i not in deleted]
            + [f"new row {k + 1}" for k in range(added)])


def _cells_without_a_number(X: np.ndarray, names, labels=None) -> str | None:
    """The table's cells that hold no finite number, by row and column, in words: each row by
    its label (`grid_row_labels`), or its position from 1."""
    bad = np.argwhere(~np.isfinite(X))
    if not len(bad):
        return None
    if labels is None or len(labels) != len(X):
        labels = [f"row {i + 1}" for i in range(len(X))]
    # "; " between cells: each is "row 6, x"
    cells = first_of([f"{labels[i]}, {md_escape(names[j], 40)}" for i, j in bad], 3, "; ")
    empty = np.isnan(X[tuple(bad.T)])
    what = ("no number" if empty.all() else "a number too large for a double"
            if not empty.any() else "no number, or one too large for a double")
    return (f"{'a cell has' if len(bad) == 1 else 'cells have'} {what} ({cells}): type one, "
            "or delete the row.")


def clicks_key(source_key: str) -> str:
    """Session-state key of the samples added and removed on the plane for a source."""
    return _state_key("clicks_", source_key)


def click_counts(source_key: str) -> tuple[int, int]:
    """How many samples were added and removed on the plane (or by typing) for a source."""
    ops = st.session_state.get(clicks_key(source_key)) or []
    added = sum(op[0] == "add" for op in ops)
    return added, len(ops) - added


def changed(source_key: str) -> bool:
    """Whether the learner changed a source's data on the page (the table editor, or clicks
    on the plane): what no link carries."""
    return bool(edit_layers(source_key) or st.session_state.get(clicks_key(source_key)))


def sample_problem(names, values) -> str | None:
    """Why a sample with these feature values cannot be added, in words that say what to type
    instead (Markdown: the names are escaped), or None if it can.

    A value must be a finite number at most `MAX_ABS_FEATURE` in magnitude, as
    `lc.check_data` wants of every value of X: the page refuses the sample itself rather than
    the data it would make (an added 1e200 had left the page showing only that error).
    """
    limit = f"{MAX_ABS_FEATURE:.0e}"
    for name, value in zip(names, values, strict=True):
        value = float(value)
        if math.isfinite(value) and abs(value) <= MAX_ABS_FEATURE:
            continue
        what = (f"is larger than {limit} in magnitude, too large to square in double precision"
                if math.isfinite(value) else "is not a finite number")
        return (f"Not added: {md_escape(name, 40)} = {md_escape(repr(value), 40)} {what}. "
                f"Type a value from -{limit} to {limit} instead.")
    return None


def with_clicks(source: Source, base_key: str) -> Source:
    """The source after the samples added and removed by clicks on the two-feature plane
    (``("add", x1, x2, label)`` in the features' own units, ``("remove", row)``), in order.
    ``base_key`` names the data as loaded, whose clicks these are.

    An added sample that `sample_problem` refuses (one put in session state some other way
    than `player.add_sample`, which refuses it first) is dropped from the clicks, with a
    message: the page goes on with the data without it.
    """
    ops = st.session_state.get(clicks_key(base_key)) or []
    problems = [sample_problem(source.names, op[1:3]) if op[0] == "add" else None
                for op in ops]
    if any(problems):
        ops = [op for op, problem in zip(ops, problems, strict=True) if not problem]
        st.session_state[clicks_key(base_key)] = ops
        refused = [problem for problem in problems if problem]
        st.warning(" ".join(refused) + " The page shows the data without "
                   + ("that sample." if len(refused) == 1 else "those samples."),
                   icon=":material/block:")
    if not ops:
        return source
    X, y = source.X.copy(), source.y.copy()
    for op in ops:
        if op[0] == "add":
            X = np.vstack([X, [op[1], op[2]]])
            y = np.append(y, float(op[3]))
        elif op[0] == "remove" and 0 <= op[1] < len(y) and len(y) > 1:
            X, y = np.delete(X, op[1], axis=0), np.delete(y, op[1])
    X.flags.writeable = False
    y.flags.writeable = False
    added = sum(op[0] == "add" for op in ops)
    digest = hashlib.sha1(json.dumps(ops).encode()).hexdigest()[:16]
    return Source(key=f"{source.key}|clicks:{digest}", X=X, y=y, names=source.names,
                  title=f"{source.title} (changed: {added} added, {len(ops) - added} removed)",
                  note=source.note, preview=source.preview)


def training_data(source: Source, standardize: bool, say: bool = True) -> Data:
    """The data as trained: standardized when asked (and possible; ``say`` whether to warn
    when it is not)."""
    if standardize:
        try:
            scaler = compute.standardizer(source)
        except lc.LogRegInputError as error:
            if say:
                st.warning(f"{md_escape(error, 500)} Showing the features unstandardized.")
        else:
            X = scaler.transform(source.X)
            X.flags.writeable = False
            return Data(key=source.key + "|std", X=X, y=source.y, names=source.names,
                        X_raw=source.X, title=source.title, standardized=True, scaler=scaler)
    return Data(key=source.key, X=source.X, y=source.y, names=source.names, X_raw=source.X,
                title=source.title, standardized=False)
