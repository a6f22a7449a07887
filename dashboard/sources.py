"""Where the data of a rerun come from: a built-in set or an upload, the table editor's edits,
and standardization."""

from __future__ import annotations

import copy
import hashlib
import json

import numpy as np
import streamlit as st

import logreg_core as lc

from . import compute, tables
from .compute import Data, Source
from .text import md_escape

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
    the edited table, starts with none."""
    kept = kept_edits(source_key)
    key = f"{editor_key(source_key)}_{len(kept['layers'])}"
    if key not in st.session_state and has_edits(kept["live"]):
        kept = {"layers": [*kept["layers"], kept["live"]], "live": None}
        st.session_state[edits_key(source_key)] = kept
        key = f"{editor_key(source_key)}_{len(kept['layers'])}"
    return key


def edited_frame(source: Source, layers: list[dict]):
    """The editor's table of a source after ``layers`` of edits (`tables.apply_edits`)."""
    frame = tables.editable_frame(source.X, source.y, len(source.names))
    for layer in layers:
        frame = tables.apply_edits(frame, layer)
    return frame


def with_edits(source: Source) -> Source:
    """The source after the table editor's edits (or as it was, with a notice, if they cannot
    be used yet)."""
    layers = edit_layers(source.key)
    if not layers:
        return source
    try:
        X, y = lc.check_data(*tables.edited_arrays(edited_frame(source, layers)))
    except lc.LogRegInputError as error:
        st.error(f"Your edits of the table cannot be used yet: {md_escape(error, 500)} Until "
                 "then the page shows the data as it was.")
        return source
    digest = hashlib.sha1(json.dumps(layers, sort_keys=True, default=str).encode()).hexdigest()
    return Source(key=f"{source.key}|edits:{digest[:16]}", X=X, y=y, names=source.names,
                  title=source.title + " (edited)", note=source.note, preview=source.preview)


def clicks_key(source_key: str) -> str:
    """Session-state key of the samples added and removed on the plane for a source."""
    return _state_key("clicks_", source_key)


def changed(source_key: str) -> bool:
    """Whether the learner changed a source's data on the page (the table editor, or clicks
    on the plane): what no link carries."""
    return bool(edit_layers(source_key) or st.session_state.get(clicks_key(source_key)))


def with_clicks(source: Source, base_key: str) -> Source:
    """The source after the samples added and removed by clicks on the two-feature plane
    (``("add", x1, x2, label)`` in the features' own units, ``("remove", row)``), in order.
    ``base_key`` names the data as loaded, whose clicks these are."""
    ops = st.session_state.get(clicks_key(base_key)) or []
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


def training_data(source: Source, standardize: bool) -> Data:
    """The data as trained: standardized when asked (and possible)."""
    if standardize:
        try:
            scaler = compute.standardizer(source)
        except lc.LogRegInputError as error:
            st.warning(f"{md_escape(error, 500)} Showing the features unstandardized.")
        else:
            X = scaler.transform(source.X)
            X.flags.writeable = False
            return Data(key=source.key + "|std", X=X, y=source.y, names=source.names,
                        X_raw=source.X, title=source.title, standardized=True, scaler=scaler)
    return Data(key=source.key, X=source.X, y=source.y, names=source.names, X_raw=source.X,
                title=source.title, standardized=False)
