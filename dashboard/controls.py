"""The widgets of the settings in `fields.FIELDS`: one control per setting, keyed by its name.

Sliders show the exact value in use: a rate or a step count typed in (or arriving in a link)
that is not on the slider's grid is inserted into it, and starting weights keep every digit
on a slider in steps of 0.01. Exact values are typed into one form ("Exact values"),
applied by a callback, so no second widget per setting can disagree with its slider.
"""

from __future__ import annotations

import math
import sys

import streamlit as st

import logreg_core as lc
from logreg_core.checks import NORMAL

from . import fields, sources, state, tables
from .fields import PARAM_SLIDER_LIMIT, w0_key
from .text import fmt, full_names_help, label_escape, link_number, md_escape

PERSIST = {"persist_state": "session"}


def weight_label(name: str) -> str:
    """A starting weight's label. Plain words: a screen reader reads a label's Markdown
    source, so "w\\[x\\]" would be read with its backslashes; a user's name is escaped only
    where it holds a character with a meaning in Markdown (`label_escape`). ``name`` as the
    tables write it (`tables.feature_labels`): a column named "b" read "Weight of b at step 0"
    above "Bias b at step 0" (a review)."""
    return f"Weight of {label_escape(name, 40)} at step 0"


def _slider_range(value: float) -> tuple[float, float]:
    """[-10, 10], widened to hold a typed or linked value beyond it (to the next whole
    number, never past the ±1000 a link or the form accepts)."""
    limit = max(PARAM_SLIDER_LIMIT, min(float(math.ceil(abs(value))), fields.PARAM_MAX))
    return -limit, limit


def dataset_select(where, locked: bool = False) -> None:
    """The data choice; ``locked`` in the lesson, where each part keeps its own data (then it
    is said in words, not drawn as a greyed-out box that is hard to read and does nothing)."""
    if locked:
        name = st.session_state.dataset
        title = lc.DATASETS[name].title if name in lc.DATASETS else "Your own CSV file"
        where.markdown(f"**Data:** {md_escape(title)}")
        where.caption("Each part of the lesson picks its data; leave the lesson to choose "
                      "your own.")
        return
    where.selectbox(
        "Data", [*lc.DATASETS, fields.UPLOAD], key="dataset", on_change=state.on_dataset_changed,
        format_func=lambda name: lc.DATASETS[name].title if name in lc.DATASETS
        else "Your own CSV file", **PERSIST,
    )


def learning_rate_slider(where, label: str = "Learning rate η", typed: bool = True) -> None:
    """The rate's slider; ``typed`` where the page draws *Exact values* beside it (the lesson
    does not: its help named a form the lesson has not)."""
    value = st.session_state.learning_rate
    options = sorted({*fields.LEARNING_RATE_GRID, value})
    where_from = "typed under *Exact values*" if typed else "a link gives"
    where.select_slider(label, options, key="learning_rate", format_func=link_number,
                        help="η (eta), the step size: each step moves w and b by η times "
                             f"the gradient. 1-2-5 steps on a log scale; a rate {where_from} "
                             "takes its place among them.", **PERSIST)


def steps_slider(where) -> None:
    value = st.session_state.steps
    options = sorted({*fields.STEPS_GRID, value})
    where.select_slider("Steps", options, key="steps", format_func=lambda v: f"{v:,}",
                        help="Roughly even on a log scale, from 1 to 100,000.", **PERSIST)


def starting_point(where, names) -> None:
    """A slider per starting weight and one for the bias. Beyond two features the weights are
    in an expander whose sliders are drawn only while it is open: 30 sliders cost the browser
    a fifth of a second on every first load, and the server a widget each on every rerun.
    Their values live in session state either way (`persist_state`), so a closed expander
    keeps the start a link or the learner set."""
    n_features = len(names)
    box = where
    if n_features > 2:
        box = where.expander(f"Starting weights ({n_features})", key="start_weights",
                             on_change="rerun")
        if not box.open:  # under the closed expander: inside it would be hidden too
            where.caption(starting_weights_summary(n_features))
    if box is where or box.open:
        for j, name in enumerate(tables.feature_labels(names)):
            low, high = _slider_range(st.session_state[w0_key(j)])
            box.slider(weight_label(name), low, high, step=0.01,
                       help=full_names_help([(name, names[j])]),
                       format="%.4g", key=w0_key(j), **PERSIST)
    low, high = _slider_range(st.session_state.b0)
    where.slider("Bias b at step 0", low, high, step=0.01, format="%.4g", key="b0", **PERSIST)


def reset_button(where, source_key: str) -> None:
    """Reset: the data set's starting settings, and its data as loaded (the samples added or
    removed beside the picture, `player`, and the Data view's edits undone), the way out of
    whatever they did to the page."""
    where.button("Reset", key="reset", on_click=_reset, args=(source_key,),
                 icon=":material/restart_alt:",
                 help="This data set's starting settings, and its data as loaded: the samples "
                      "added or removed beside the picture and the edits of its table are "
                      "undone.")


def _reset(source_key: str) -> None:
    sources.forget_changes(source_key)
    state.reset_to_defaults()


def starting_weights_summary(n_features: int) -> str:
    """What a closed expander of starting weights holds, in words (the values, not a guess)."""
    values = [float(st.session_state[w0_key(j)]) for j in range(n_features)]
    if len(set(values)) == 1:
        return f"All {n_features} start at {link_number(values[0])}."
    return f"{n_features} weights, from {link_number(min(values))} to {link_number(max(values))}."


def exact_values(where, names) -> None:
    """One form for every exact value: rate, steps, starting weights and bias; drawn only
    while its popover is open (its boxes cost every rerun otherwise)."""
    box = where.popover("Exact values", icon=":material/edit:", key="exact_open",
                        on_change="rerun")
    # In the open popover, above its form: drawn under the popover, it would cover them.
    problems = [f"“{md_escape(raw, 40)}” is not a valid value for {_name_of(key, names)}: "
                f"type {expected}." for key, raw, expected in
                st.session_state.pop("exact_problems", [])]
    inside = box if box.open else where
    for problem in problems:
        inside.error(problem)
    if box.open:
        with box:
            exact_form(names)


def exact_form(names) -> None:
    with st.form("exact_values", clear_on_submit=True, border=False):
        st.caption("Leave a box empty to keep its current value.")
        current = st.session_state
        st.text_input("Learning rate η", key="exact_learning_rate",
                      placeholder=link_number(current.learning_rate))
        st.text_input("Steps", key="exact_steps", placeholder=str(current.steps))
        for j, name in enumerate(tables.feature_labels(names)):
            st.text_input(weight_label(name), key=f"exact_{w0_key(j)}",
                          placeholder=link_number(current[w0_key(j)]))
        st.text_input("Bias b at step 0", key="exact_b0",
                      placeholder=link_number(current.b0))
        st.form_submit_button("Apply", on_click=state.apply_exact_values,
                              args=(len(names),), type="primary")


def _name_of(key: str, names) -> str:
    if key.startswith("w0_"):
        return f"the weight of {md_escape(tables.feature_labels(names)[int(key[3:])], 40)}"
    return {"learning_rate": "the learning rate", "steps": "the steps", "b0": "the bias"}[key]


def l2_input(where) -> None:
    # No min_value or max_value: the browser would keep a value past them in the box (in red)
    # and never send it, so the page could not say which λ it runs (`state.on_l2_changed`).
    where.number_input("L2 strength λ", format="%g", step=0.01, key="l2",
                       on_change=state.on_l2_changed,
                       help="λ (lambda), a penalty on large weights: adds λ/2·‖w‖² to the "
                            "loss (the bias is not penalized). "
                            "λ = 1/(C·n) is scikit-learn's C. 0, or from "
                            f"{link_number(fields.L2_MIN)} to {link_number(fields.L2_MAX)}.",
                       **PERSIST)
    typed = st.session_state.pop(state.L2_RAISED, None)
    if typed is not None:
        where.warning(l2_refused_words(typed, st.session_state.l2), icon=":material/block:")


def l2_refused_words(typed: float, taken: float) -> str:
    """Why the L2 box holds ``taken`` rather than the ``typed`` strength (`state.nearest_l2`)."""
    used = f"so λ is {link_number(taken)}"
    if typed != typed:
        return f"λ = {typed} is not a number, {used}."
    if typed > fields.L2_MAX:
        return (f"λ = {link_number(typed)} is above {link_number(fields.L2_MAX)}, the largest "
                f"L2 strength the page takes, {used}.")
    if typed < 0:
        return (f"λ = {link_number(typed)} is below 0: a negative penalty would reward large "
                f"weights rather than penalize them, {used}.")
    return (f"λ = {link_number(typed)} is below {link_number(fields.L2_MIN)}, the smallest "
            f"positive L2 strength the page takes, {used}: below "
            f"{fmt(NORMAL, 2)}, the smallest normal double, λ and the best fit's loss lose "
            f"digits, from about {fmt(2 / sys.float_info.max, 2)} down 2/λ overflows, and the "
            "best fit may not be computable. Type 0 for no penalty.")


def digits_select(where) -> None:
    where.select_slider("Digits shown",
                        options=list(range(fields.DIGITS_MIN, fields.DIGITS_MAX + 1)),
                        key="digits", **PERSIST)


def standardize_toggle(where) -> None:
    where.toggle("Standardize features", key="standardize",
                 help="z-scores: each feature minus its mean, over its standard deviation.",
                 **PERSIST)
