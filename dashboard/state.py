"""Session state: the link read once, settings put in place, and the callbacks that change them.

Streamlit forbids setting a widget's value after the widget was drawn in a run, so every
change of a setting by the page itself (a reset, a scenario, a lesson step, a click on the
sweep chart, exact values typed in) happens in a callback, which runs before the next run
draws anything. During a normal run nothing writes a widget's value: a key press on a slider
is never overwritten by a stale value.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from logreg_core import DATASETS

from . import fields, link_notices
from .fields import Notice, Settings
from .text import md_escape

#: Session-state keys that are not settings: view state kept across reruns.
UI_DEFAULTS = {"land_compare": True, "predict_mode": False}
#: Session key of the parameters of a link made from an uploaded file, kept from the first
#: run until a file is uploaded (`apply_upload_link`) or another configuration replaces it.
UPLOAD_LINK = "upload_link"
#: Session key of the step a link names (``step=100``), kept from the first run until the run
#: it is a step of is known (`link_step_notice`): one cut short may end before it.
LINK_STEP = "link_step"


def apply_settings(settings: Settings, *, only_missing: bool = False,
                   keep_view: bool = True) -> None:
    """Put a configuration into session state (before widgets exist, or in a callback).

    ``only_missing`` fills just the keys that are absent (a run that ends early, as after a
    bad upload, leaves some widgets undrawn). ``keep_view`` leaves the open view alone: a
    new data set or a reset keeps the learner where they are; a link or a lesson sets it.
    """
    state = st.session_state
    for key, value in fields.state_values(settings).items():
        if key in state and (only_missing or (keep_view and key == "view")):
            continue
        if key == "dataset" and state.get("dataset") == fields.UPLOAD and not only_missing:
            continue  # an upload's defaults keep the data choice
        state[key] = value
    for key, value in UI_DEFAULTS.items():
        state.setdefault(key, value)
    if not only_missing:
        state.follow_end = settings.inspect >= settings.steps
        link_notices.forget()  # a whole configuration replaces the link's: see link_notices
        state.pop(UPLOAD_LINK, None)  # and a link's kept for an upload, for the same reason
        state.pop(LINK_STEP, None)


def initialize(lesson_settings: Callable[[int], Settings]) -> None:
    """On a session's first run, read the shared link (or the defaults) into session state.

    ``lesson_settings(n)`` gives lesson part n's own settings, which fill whatever a link to
    that part leaves out (passed in: the lesson draws widgets that call back into here). A
    part keeps its own data set: a link that names another one says so and is not used. A
    part that inspects its run's last step inspects the last of the steps a link gives,
    unless the link names the step (`fields.from_query`).
    """
    state = st.session_state
    if "initialized" in state:
        return
    query = st.query_params.to_dict()
    settings, notices = fields.from_query(query)
    if settings.lesson:
        base = lesson_settings(settings.lesson)
        lesson_notices = []
        if query.get("data", base.dataset) != base.dataset:
            named = query["data"]
            specific = {f.url for f in fields.FIELDS if f.data_specific or f.name == "dataset"}
            # the settings made for those data go with them, and are named (a walk: w0=5,1 of
            # ?lesson=2&data=iris_petals was dropped without a word)
            dropped = [k for k in query if k in specific and k != fields.FIELD["dataset"].url]
            nor = (f", nor are the settings it gives for those data "
                   f"({', '.join(md_escape(k, 20) for k in dropped)})" if dropped else "")
            lesson_notices.append(Notice(
                f"Part {settings.lesson} of the guided lesson uses "
                f"{md_escape(DATASETS[base.dataset].title)}, so the data this link names "
                f"(“{md_escape(named, 40)}”) is not used{nor}. Leave the lesson to choose your "
                "own.", about=("lesson",)))
            query = {k: v for k, v in query.items() if k not in specific}
        settings, notices = fields.from_query(query, base=base)
        notices = lesson_notices + notices
    apply_settings(settings, keep_view=False)
    if fields.FIELD["inspect"].url in query and not any("inspect" in n.about for n in notices):
        state[LINK_STEP] = settings.inspect  # read (`link_step_notice`)
    if not settings.lesson and query.get("data") == fields.UPLOAD:
        state[UPLOAD_LINK] = query  # read again once a file is uploaded
    link_notices.remember(repeated_keys(st.query_params) + notices, len(settings.w0))
    state.initialized = True


def link_step_notice(history, settings: Settings, when: str = "now") -> None:
    """Once the run of the link's settings is known: where the step the link names lies past
    its end, the page inspects the run's last step instead (and the address says so), and a
    notice says why. A walk: ``?lesson=4&lr=1000&l2=100&steps=100&step=100`` inspected step
    30 and the address read step=30 without a word: the numbers overflow at step 31.

    Parameters
    ----------
    history : logreg_core.History
        The run shown: it stops before the step that overflowed, or after the steps the
        page's work budget allows (``history.steps``, fewer than asked: `context.run_main`).
    settings : Settings
        The settings shown: a notice kept for later goes once they change (the learner has
        left the link's state).
    when : {"now", "later", "never"}
        "later" keeps the notice until the question on the page no longer waits for an
        answer it would give away (lesson part 4 asks whether the step after the inspected
        one raises the loss: the run's end is that answer); "never" drops it (parts 6 and 7
        do not show this run: `lesson.link_query`).
    """
    state = st.session_state
    kept = state.get(LINK_STEP)
    if kept is None:
        return
    shown = fields.with_changes(settings, digits=fields.DIGITS_DEFAULT)  # digits: words only
    if not isinstance(kept, dict):  # the link's step, read before its run was known
        last = history.steps_run
        if kept <= last:
            state.pop(LINK_STEP)
            return
        why = (f"the numbers overflow at step {last + 1:,}, so the run stops at step {last:,}"
               if last < history.steps else
               f"the page runs at most {last:,} steps on these data (the note on the run says "
               "why)")
        url = fields.FIELD["inspect"].url
        kept = state[LINK_STEP] = {"settings": shown, "text": (
            f"The link asks for **{url}** = {kept:,}, past the end of this run: {why}. Step "
            f"{last:,}, its last, is shown instead (the address now reads {url}={last}).")}
    if when == "never" or kept["settings"] != shown:
        state.pop(LINK_STEP)
    elif when == "now":
        state.pop(LINK_STEP)
        link_notices.add(Notice(kept["text"], about=("inspect",)))


def address_without_data() -> dict[str, str]:
    """The address while the page has no data to run (no file chosen yet, or one it cannot
    use): the link made from an upload that still waits for its file (`UPLOAD_LINK`), or
    ``data=upload`` alone, which opens the note to upload a file; never the settings of a
    run the page does not show (a failed upload kept the last run's in the address)."""
    return dict(st.session_state.get(UPLOAD_LINK)
                or {fields.FIELD["dataset"].url: fields.UPLOAD})


def apply_upload_link(start: Settings, sizes: fields.Sizes,
                      start_rate: Callable[[bool], float]) -> bool:
    """Apply the link made from an upload that the session opened with (`UPLOAD_LINK`) to
    the file just uploaded, and say which of its settings that file does not take.

    The link is read as any link is (`fields.from_query`), against the file's sizes: the
    starting weights need one per feature, the batch size at most the file's rows. A setting
    the link leaves out or gives wrong takes the file's own start (``start``); its rate is
    ``start_rate(standardize)``, the file's safe rate at the scaling the link asks for. The
    open view stays where the learner is: the link opened its view already. The link applies
    once: a later upload starts afresh.

    Returns
    -------
    bool
        Whether there was such a link (then the file's settings are in place).
    """
    query = st.session_state.pop(UPLOAD_LINK, None)
    if query is None:
        return False
    scaled = fields.from_query(query, base=start, sizes=sizes)[0].standardize
    start = fields.with_changes(start, learning_rate=start_rate(scaled))
    settings, notices = fields.from_query(query, base=start, sizes=sizes)
    apply_settings(settings)
    link_notices.remember([Notice(
        "The settings of the link this page opened with now apply to your file"
        + (", but for the parameters named below." if notices else ".")), *notices],
        sizes.n_features)
    return True


def repeated_keys(params) -> list[Notice]:
    """A notice for each key a link gives more than once: the page reads the last value (as
    ``st.query_params`` does), and says so rather than drop the others unseen."""
    setting_of = {f.url: f.name for f in fields.FIELDS}
    notices = []
    for key in dict.fromkeys(params.keys()):
        values = params.get_all(key)
        if len(values) > 1 and key in fields.LINK_KEYS:  # any other: `fields.unknown_keys`
            listed = ", ".join(f"“{md_escape(v, 40)}”" for v in values)
            notices.append(Notice(
                f"The link gives **{md_escape(key, 40)}** {len(values)} times ({listed}); the "
                "last one is used.",
                about=(setting_of[key],) if key in setting_of else ()))
    return notices


def current(n_features: int) -> Settings:
    return fields.from_state(st.session_state, n_features)


# --------------------------------------------------------------------------------------------
# Callbacks
# --------------------------------------------------------------------------------------------


def keep_upload() -> None:
    """Keep an uploaded file while other data are shown (a scenario, a lesson, another data
    set): the uploader's own state is dropped when it is not drawn, and the learner should
    not have to upload the file again to come back to it."""
    state = st.session_state
    if state.get("upload_file") is not None:
        state.kept_upload = state.upload_file


def on_dataset_changed() -> None:
    keep_upload()
    state = st.session_state
    if state.dataset != fields.UPLOAD:  # an upload gets its defaults with its file
        apply_settings(fields.defaults(state.dataset))
    state.pop("upload_applied", None)


def reset_to_defaults() -> None:
    """The data set's starting settings (the data as loaded: `sources.forget_changes`)."""
    state = st.session_state
    if state.dataset == fields.UPLOAD:
        state.pop("upload_applied", None)  # the next run applies the upload's defaults
    else:
        apply_settings(fields.defaults(state.dataset))


def load_settings(settings: Settings, keep_view: bool = True) -> None:
    """Callback: switch to a whole configuration (a scenario, a lesson step, the worked step)."""
    keep_upload()
    state = st.session_state
    state.pop("upload_applied", None)
    state.dataset = settings.dataset
    apply_settings(settings, keep_view=keep_view)


def on_inspect_changed() -> None:
    """The scrubber moved: it follows the end of the run from now on only if it is there."""
    state = st.session_state
    state.follow_end = state.inspect >= state.get("last_step", 0)


def follows_end(last: int) -> bool:
    """Whether the scrubber stays at the end of the run as the run grows or shrinks.

    A flag, not a value written into the scrubber by a callback: a rerun cut short before the
    scrubber is drawn (a fast burst of key presses on the steps slider) would leave the
    browser holding its old value, which it sends back and which would undo the callback.
    """
    state = st.session_state
    if "follow_end" not in state:
        state.follow_end = state.inspect >= last
    state.last_step = last
    return state.follow_end


def picked_rate(chart_state) -> float | None:
    """The rate of the point a click on the sweep chart picked (6 digits), or None."""
    selection = (chart_state or {}).get("selection") or {}
    points = selection.get("pick") or [{}]
    picked = points[0].get("learning_rate") if isinstance(points, list) else None
    return None if picked is None else float(f"{picked:.6g}")


#: Session key of a sweep click on a rate the page does not take (above 1000 where 2/μ* is
#: far larger): the view says so once, and the rate stays.
SWEEP_PICK_REFUSED = "sweep_pick_refused"


def on_sweep_pick() -> None:
    """A click on the sweep chart: its point's rate becomes the learning rate, if the page
    takes it (the sweep spans both limits, which may lie beyond the largest rate)."""
    state = st.session_state
    picked = picked_rate(state.get("sweep_chart"))
    if picked is None:
        return
    if not fields.LEARNING_RATE_MIN <= picked <= fields.LEARNING_RATE_MAX:
        state[SWEEP_PICK_REFUSED] = picked  # a rate no link or slider could hold
        return
    state.learning_rate = picked


def short_within(value: float, tolerance: float) -> float:
    """``value`` to the fewest significant digits (3 at least) that keep it within
    ``tolerance`` of itself: 123.4172 within 0.002 is 123.417, within 1 is 123."""
    for digits in range(3, 18):
        short = float(f"{value:.{digits}g}")
        if abs(short - value) <= tolerance:
            return short
    return float(value)


def picked_start(chart_state, cells: tuple[float, float]) -> tuple[float, float] | None:
    """The centre of the heatmap cell a click on the landscape picked, or None: as short as a
    learner would type it while it stays within a tenth of a cell (``cells``: the grid's
    spacing along each axis) of the centre, so that the start is where the click was."""
    selection = (chart_state or {}).get("selection") or {}
    points = selection.get("start_at") or [{}]
    point = points[0] if isinstance(points, list) else {}
    if point.get("at_a") is None or point.get("at_c") is None:
        return None
    return (short_within(float(point["at_a"]), abs(cells[0]) / 10),
            short_within(float(point["at_c"]), abs(cells[1]) / 10))


#: Session key of a landscape click outside the starting points allowed (its two values):
#: the landscape view says so once, and the start stays.
PICK_REFUSED = "landscape_pick_refused"


def on_landscape_pick(axes: tuple[int, int], n_features: int,
                      cells: tuple[float, float]) -> None:
    """A click on the loss landscape: the run starts at the cell clicked. ``axes`` are the
    parameters shown (j < n_features: weight j; j = n_features: the bias b); ``cells`` the
    grid's spacing along each (`picked_start`)."""
    state = st.session_state
    picked = picked_start(state.get("landscape_chart"), cells)
    if picked is None:
        return
    if any(abs(value) > fields.PARAM_MAX for value in picked):
        # A picture framed on a diverging run spans far more than a start may be.
        state[PICK_REFUSED] = picked
        return
    for j, value in zip(axes, picked, strict=True):
        state["b0" if j == n_features else fields.w0_key(j)] = value


#: Session key of an L2 strength typed into the box that the page does not take (the value
#: typed): between 0 and `fields.L2_MIN`, above `fields.L2_MAX` or below 0. The box says once
#: which strength it took instead.
L2_RAISED = "l2_raised"


def on_l2_changed() -> None:
    """The L2 box changed: a strength the page does not take becomes the nearest it takes,
    as a box does with a number past its bounds: one between 0 and `fields.L2_MIN` (see
    there) becomes `fields.L2_MIN`, one above `fields.L2_MAX` becomes `fields.L2_MAX`, a
    negative one 0; 0 stays 0. The box has no bounds of its own: with them the browser kept
    a 101 typed in it, outlined in red, while the page ran on with the λ before (found by a
    walk), and the page could not say so, as the browser never sent it the 101."""
    state = st.session_state
    typed = state.l2
    taken = nearest_l2(typed)
    state.pop(L2_RAISED, None)  # a warning is about the strength typed last
    if taken != typed:  # (-0 is 0: `text.link_number` writes it "0")
        state[L2_RAISED] = typed
        state.l2 = taken


def nearest_l2(typed: float) -> float:
    """The L2 strength the page takes nearest ``typed`` (0 for one that is not a number)."""
    if typed != typed or typed <= 0:
        return 0.0
    return min(max(typed, fields.L2_MIN), fields.L2_MAX)


def apply_exact_values(n_features: int) -> None:
    """Form callback: read the typed exact values, apply the valid ones, report the rest.

    Each box is read by its setting's own kind (`fields.exact_kind`): the same bounds and
    the same reading as a link's."""
    state = st.session_state
    problems = []
    keys = ["learning_rate", "steps", "b0", *(fields.w0_key(j) for j in range(n_features))]
    for key in keys:
        raw = str(state.get(f"exact_{key}", "")).strip()
        if not raw:
            continue
        kind = fields.exact_kind(key)
        value = kind.read(raw, {}, fields.Sizes(0, n_features))
        if value is None:
            problems.append((key, raw, kind.expected({}, fields.Sizes(0, n_features))))
            continue
        state[key] = value
    state.exact_problems = problems
