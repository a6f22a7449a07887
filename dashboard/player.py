"""The model player: the model picture and the loss curve, moving together as the run plays.

Why a custom component (components v2): playback redrawn by the server was a full rerun four
times a second per playing student, and the browser rebuilt the page each time. Here the
frames are computed once by the core (`logreg_core.frames`) and sent with the page; the
browser plays them at 24 frames a second and asks the server for nothing until the learner
pauses, scrubs, steps or clicks (one rerun, so the tables follow the step shown). No build
step and nothing fetched: the JavaScript and CSS in ``dashboard/assets`` are sent as text,
and they draw on canvases; no user text becomes HTML (titles are canvas text).
tests/browser/test_playback.py counts the frames drawn and clicks the loss curve and the plane.

A click on the two-feature plane adds a sample of the chosen class (a click on a sample
removes it); `sources.with_clicks` applies them. The same can be done by keyboard with the
form under the picture, and "Put the data back" undoes them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from pathlib import Path

import numpy as np
import streamlit as st

from logreg_core.frames import MAX_FRAMES

from . import charts, compute, explain, sources, tables
from .context import ViewContext
from .text import fmt, label_escape

ASSETS = Path(__file__).resolve().parent / "assets"
_PLAYER = st.components.v2.component(
    "descent_lab_player", js=(ASSETS / "player.js").read_text(encoding="utf-8"),
    css=(ASSETS / "player.css").read_text(encoding="utf-8"))
PERSIST = {"persist_state": "session"}
#: Points of the loss curve sent to the player: more than a canvas this wide can show.
LOSS_POINTS = 600


def quantized(p: np.ndarray) -> str:
    """Probabilities in [0, 1] as one byte each (1/255 is finer than a colour can show), in
    base64: a plane of 24 x 24 cells over 200 frames is 115 kB instead of a megabyte."""
    levels = np.clip(np.rint(np.asarray(p) * 255), 0, 255).astype(np.uint8)
    return base64.b64encode(levels.tobytes()).decode("ascii")


def _numbers(values) -> list:
    """Floats for JSON, with nan (no boundary) as null."""
    return [None if not np.isfinite(v) else float(v) for v in np.ravel(values)]


def chosen_axes(ctx: ViewContext, where) -> tuple[int, ...]:
    """The features the picture draws: the only one, both, or the two the learner picks."""
    n = ctx.data.n_features
    if n <= 2:
        return tuple(range(n))
    names = list(ctx.names)
    # The options stay the names (what the session holds); they read as the tables write
    # them, "b (feature)" and not the bias's "b". A value the options no longer hold (other
    # data) goes back to the first option (Streamlit checks it against the options).
    shown = dict(zip(names, tables.feature_labels(names), strict=True))
    left, right = where.columns(2)
    first = left.selectbox("Across", names, index=0, key="plane_x",
                           format_func=lambda n: shown.get(n, str(n)), **PERSIST)
    second = right.selectbox("Up", [m for m in names if m != first], index=0, key="plane_y",
                             format_func=lambda n: shown.get(n, str(n)), **PERSIST)
    return names.index(first), names.index(second)


def player_data(ctx: ViewContext, axes: tuple[int, ...], editable: bool,
                picture_height: int, loss_height: int) -> bytes:
    """Everything the player draws, from the core's frames of this run, as the bytes it is sent.

    Two lines of JSON: first what changes from rerun to rerun (the step inspected, the digits,
    the loss curve, ...), then the frames, the samples and the grid (most of it: 50 kB on the
    5 points, 250 kB on breast cancer), written once per run and view and kept
    (`_frames_json`). A rerun that only moves the step inspected, the digits or the scale sends
    the same second line again without building it, and the browser parses it only when
    ``version`` changes. Sent as bytes, Streamlit only hashes them; a dict holding the text
    would be written as JSON twice more on every rerun (0.7 ms on the 5 points).

    Returns
    -------
    bytes
        ``json(head) + b"\\n" + json(run)``; JSON written by `json.dumps` has no raw newline.
    """
    history, k = ctx.history, ctx.k
    last = ctx.last_drawn  # a prediction hides the later steps
    keep = (k,) if history.steps_run + 1 > MAX_FRAMES else ()
    identity = hashlib.sha1(repr((ctx.data.key, history.steps, ctx.settings.learning_rate,
                                  ctx.settings.w0, ctx.settings.b0, ctx.settings.l2, axes,
                                  keep, last)).encode()).hexdigest()
    frames_json, kind, steps = _frames_json(identity, ctx, axes, keep, last)
    loss = history.loss[: last + 1]
    index = charts.downsample(loss, LOSS_POINTS, keep=(k,))
    log = bool(ctx.settings.log_scale)
    values = np.maximum(loss[index], charts.LOG_FLOOR) if log else loss[index]
    low, high = loss_range(values, log)
    head = json.dumps({
        "version": identity[:12], "kind": kind, "last": int(last),
        # while later steps are hidden, the steps asked for: the steps run (37 of 500 before
        # an overflow) would tell an open question's answer (a walk, reading the code)
        "total": int(history.steps if ctx.future_hidden else history.steps_run),
        "inspect": int(k), "seq": int(st.session_state.get(_SEQ, 0)),
        # each frame's loss as the page writes it (explain.loss_at), not formatted again here
        "loss_texts": [explain.loss_at(ctx, int(step)) for step in steps],
        "predicting": bool(ctx.pending), "editable": bool(editable and kind == "plane"),
        "picture_height": picture_height, "loss_height": loss_height,
        "loss_curve": {"steps": index.tolist(), "loss": _numbers(values), "log": log,
                       "range": [low, high]},
        "alt_picture": explain.player_picture_alt(ctx),
        "alt_loss": explain.player_loss_alt(ctx),
    }, allow_nan=False)  # a browser's JSON.parse takes no Infinity or NaN
    return head.encode() + b"\n" + frames_json


#: The loss axis spans at least this share of the loss's level (a ratio of 1 + this on a log
#: axis): at η = 1e-12 the loss moved by 2e-11, and an axis fitted to that drew a steep fall.
#: A change of 0.1% of the loss then rises or falls a tenth of the axis's height.
LEAST_LOSS_SPAN = 0.01


def loss_range(values: np.ndarray, log: bool) -> tuple[float, float]:
    """The loss axis's range for these losses: their lowest and highest, widened to at least
    `LEAST_LOSS_SPAN` of their level around their middle, and on a linear axis with a margin
    of 5% each side.

    Parameters
    ----------
    values : numpy.ndarray
        The losses drawn: finite, at least 0, and on a log axis at least `charts.LOG_FLOOR`.
    log : bool
        Whether the axis is logarithmic (then the least span is a ratio, taken around the
        geometric middle, and no margin is added).

    Returns
    -------
    tuple of float
        ``(low, high)`` with ``0 <= low < high <= `` the largest double (a loss near it made
        the margin inf, and a low below 0 made the browser's ``high - low`` inf), and
        ``low > 0`` on a log axis.
    """
    largest = float(np.finfo(float).max)
    low, high = float(np.min(values)), float(np.max(values))
    if log:
        ratio = 1.0 + LEAST_LOSS_SPAN
        if high < low * ratio:  # in logarithms, so that a loss near the largest double
            middle = (np.log(low) + np.log(high)) / 2  # does not overflow
            half = np.log(ratio) / 2
            with np.errstate(over="ignore"):  # inf, then the largest double
                low, high = float(np.exp(middle - half)), float(np.exp(middle + half))
        return low, min(high, largest)
    least = LEAST_LOSS_SPAN * high or 0.1  # a loss of 0 throughout: 0 to 0.05
    if high - low < least:
        middle = low + (high - low) / 2
        low, high = middle - least / 2, min(middle + least / 2, largest)
    span = high - low
    return max(low - 0.05 * span, 0.0), min(high + 0.05 * span, largest)


@st.cache_resource(show_spinner=False, max_entries=32)
def _frames_json(identity: str, _ctx: ViewContext, axes: tuple[int, ...], keep: tuple,
                 last: int) -> tuple[bytes, str, tuple[int, ...]]:
    """The run's frames, samples, grid and axis titles as JSON (UTF-8), the picture's kind and
    the frames' steps.

    Kept by ``identity``, a digest of everything they depend on (the data's key, the run's
    settings, the axes, the frames kept and the last step shown); ``_ctx`` is not hashed.
    """
    ctx = _ctx
    frames = compute.frames(ctx.data, ctx.settings.learning_rate, ctx.history.steps,
                            ctx.settings.w0, ctx.settings.b0, ctx.settings.l2, axes, keep)
    shown = frames.steps <= last
    X, y = ctx.data.X, ctx.data.y
    suffix = " (standardized)" if ctx.data.standardized else ""
    labels = tables.feature_labels(ctx.names, 60)  # "b (feature)", as the tables write it
    titles = [labels[a] + suffix for a in axes]
    return json.dumps({
        "x_range": _numbers(frames.x_range), "y_range": _numbers(frames.y_range),
        "grid": _numbers(frames.grid),
        "grid_y": None if frames.grid_y is None else _numbers(frames.grid_y),
        "frames": {
            "steps": frames.steps[shown].tolist(), "loss": _numbers(frames.loss[shown]),
            "accuracy": _numbers(frames.accuracy[shown]), "p": quantized(frames.p[shown]),
            "boundary": ([_numbers(b) for b in frames.boundary[shown]]
                         if frames.kind == "plane" else _numbers(frames.boundary[shown])),
        },
        "points": {"x": _numbers(X[:, axes[0]]),
                   "y": _numbers(X[:, axes[1]]) if len(axes) > 1 else None,
                   "label": y.astype(int).tolist()},
        "titles": titles if len(titles) > 1 else [titles[0], "p = σ(w·x + b)"],
    }, allow_nan=False).encode(), frames.kind, tuple(frames.steps[shown].tolist())


def show(ctx: ViewContext, *, key: str = "model_player", editable: bool = False,
         picture_height: int = 260, loss_height: int = 150, where=None) -> tuple[int, ...]:
    """The player, and under it what its picture shows in words. Returns the features the
    picture draws (`chosen_axes`)."""
    where = where or st
    axes = chosen_axes(ctx, where)
    data = player_data(ctx, axes, editable, picture_height, loss_height)
    with where.container():
        _PLAYER(key=key, data=data, on_inspect_change=lambda: _on_step(key),
                on_add_change=lambda: _on_add(key, ctx, axes),
                on_remove_change=lambda: _on_remove(key, ctx))
    if ctx.data.n_features > 2:
        where.caption("The other features are held at their means.")
    return axes


def _value(key: str, name: str):
    value = st.session_state.get(key)
    if value is None:
        return None
    return value.get(name) if hasattr(value, "get") else getattr(value, name, None)


#: Session-state key of the number of the player's last "inspect" the server has read, sent
#: back with every rerun: a rerun that carries an older number started before the learner's
#: last move, and the player keeps the step it shows rather than go back to that rerun's.
_SEQ = "player_seq"


def _on_step(key: str) -> None:
    """The learner paused, scrubbed, stepped or clicked the loss curve: inspect that step
    (a trigger: ``{"step": k, "seq": n}``, n counting the player's moves)."""
    moved = _value(key, "inspect")
    if not isinstance(moved, dict) or not isinstance(moved.get("step"), int | float):
        return
    s = st.session_state
    s.inspect = int(moved["step"])
    s.follow_end = s.inspect >= s.get("last_step", 0)
    if isinstance(moved.get("seq"), int | float):
        s[_SEQ] = max(int(moved["seq"]), int(s.get(_SEQ, 0)))


def _on_add(key: str, ctx: ViewContext, axes) -> None:
    """A click on the plane: a sample of the chosen class there, in the features' own units."""
    added = _value(key, "add")
    if not isinstance(added, dict):
        return
    point = np.zeros(ctx.data.n_features)
    point[list(axes)] = [float(added["x"]), float(added["y"])]
    if ctx.data.scaler is not None:  # the plane is drawn in standardized units
        point = point * ctx.data.scaler.scale + ctx.data.scaler.mean
    add_sample(ctx, float(point[0]), float(point[1]), int(added["label"]))


def _on_remove(key: str, ctx: ViewContext) -> None:
    removed = _value(key, "remove")
    if isinstance(removed, dict) and "index" in removed:
        remove_sample(ctx, int(removed["index"]))


def _ops(ctx: ViewContext) -> list:
    return st.session_state.setdefault(sources.clicks_key(ctx.source.key), [])


def add_sample(ctx: ViewContext, x1: float, x2: float, label: int) -> bool:
    """Add a sample, or refuse one the data could not hold (`sources.sample_problem`) and say
    why beside the controls; returns whether it was added."""
    problem = sources.sample_problem(ctx.source.names, (x1, x2))
    if problem:
        st.session_state[_REFUSED] = problem
        return False
    ops = list(_ops(ctx))
    ops.append(("add", x1, x2, label))
    st.session_state[sources.clicks_key(ctx.source.key)] = ops
    return True


#: Session-state key of a click that could not be done, said once beside the controls.
_REFUSED = "clicks_refused"


def remove_sample(ctx: ViewContext, row: int) -> None:
    """Remove sample ``row`` (from 0) of the data as shown; the last one stays (there would be
    nothing to train on), and the learner is told so rather than shown a count of removals
    that did not happen."""
    if ctx.data.n_samples <= 1:
        st.session_state[_REFUSED] = ("The last sample stays: with no samples there is "
                                      "nothing to train on.")
        return
    if not 0 <= row < ctx.data.n_samples:  # (a typed row is checked by `remove_typed_row`)
        return
    ops = list(_ops(ctx))
    ops.append(("remove", row))
    st.session_state[sources.clicks_key(ctx.source.key)] = ops


def remove_typed_row(ctx: ViewContext) -> None:
    """"Remove it": the row in the box when pressed (read then, not when the button was
    drawn: a number typed and the button pressed in one go took the row before). A number
    that is no row number removes nothing, and the box says so."""
    typed, n = float(st.session_state.remove_row), ctx.data.n_samples
    rows = f"the rows go from 1 to {n:,}. Nothing was removed."
    if not (math.isfinite(typed) and typed == int(typed)):
        st.session_state[_REFUSED] = f"{fmt(typed)} is not a row number: {rows}"
    elif not 1 <= typed <= n:
        st.session_state[_REFUSED] = f"There is no sample {fmt(typed)}: {rows}"
    else:
        remove_sample(ctx, int(typed) - 1)


def editing_controls(ctx: ViewContext, where=None) -> None:
    """The keyboard way to what a click on the plane does, and the way back."""
    where = where or st
    with where.expander("Add or remove a sample by typing"):
        names = [label_escape(n, 40) for n in tables.feature_labels(ctx.names)]  # aloud:
        # see label_escape; "b (feature)" as the tables write it, not the bias
        with st.form("add_sample", border=False):
            # One above the other: three columns side by side left the side column's boxes
            # 45 px wide ("4.90"), their labels cut mid-word (a walk at 1,400 px). They start
            # at the features' means to 4 digits (the box showed the mean's every digit,
            # "1.6760000000000006", whatever its format).
            start = [float(f"{v:.4g}") for v in np.mean(ctx.source.X[:, :2], axis=0)]
            x1 = st.number_input(names[0], value=start[0],
                                 format="%g", key="add_x1")
            x2 = st.number_input(names[1], value=start[1],
                                 format="%g", key="add_x2")
            label = st.radio("Class", [0, 1], horizontal=True, key="add_label")
            if (st.form_submit_button("Add this sample")
                    and add_sample(ctx, float(x1), float(x2), int(label))):
                st.rerun()  # refused, the run goes on and says why below
        # No bounds, and any number, not a whole one: with bounds the browser kept a 500
        # typed in the box (in red) and sent the row before, and a whole-number box turned
        # 1e200 into 1 and 2.5 into 2, and "Remove it" removed those rows unasked (walks);
        # `remove_typed_row` refuses a number that is no row of the data, and says so.
        st.number_input("Sample to remove (row number)", value=1.0, step=1.0, format="%g",
                        key="remove_row")
        st.button("Remove it", key="remove_sample", on_click=remove_typed_row, args=(ctx,))
    refused = st.session_state.pop(_REFUSED, None)
    if refused:  # and as a toast: on a phone this box is far below the picture clicked
        where.info(refused, icon=":material/block:")
        st.toast(refused, icon=":material/block:")
    changes_and_way_back(ctx.source.key, where)


def changes_and_way_back(source_key: str, where=None) -> None:
    """What the clicks and typed samples changed, and "Put the data back": beside the
    controls, and also where the run could not be drawn (never a dead end)."""
    added, removed = sources.click_counts(source_key)
    edited = bool(sources.edit_layers(source_key))
    if added or removed or edited:
        where = where or st
        clicked = bool(added or removed)
        what = (f": {added} added, {removed} removed" if clicked else "") + (
            (", and in the Data view's table" if clicked else " in the Data view's table")
            if edited else "")
        where.caption(f"You changed the data{what}. Links do not carry these changes.")
        where.button("Put the data back", key="clicks_reset", on_click=sources.forget_changes,
                     args=(source_key,), icon=":material/undo:")
