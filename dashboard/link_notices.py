"""Notices about the link a session opened with, kept on the page for as long as they hold.

A link with a typo (``?lr=abc&steps=0``) gets one notice per value the page could not use,
naming the value used instead, and one per key it does not know (``?Steps=5``); a step past
the end of its run gets one once the run is known (`add`, from `state.link_step_notice`). A
teacher reads them after a click or two, so they stay, rerun after rerun (a popover opened, a
widget moved), until one of these:

- the learner changes a setting a notice is about: the value that notice names as used is
  no longer the one in use, so it goes (moving the rate ends the notice about ``lr``, not the
  one about ``steps``);
- the page loads a whole other configuration (another data set, Reset, a scenario, a lesson
  part, the worked step): the link is no longer what the page shows, so all go (`forget`,
  called by `state.apply_settings`);
- the learner dismisses them (`dismiss`).

A notice that has gone does not come back, even when its setting returns to the value it had.

Each notice is kept in session state as its text, the session-state keys of the settings it
is about, and their values once the run that first showed it had settled (`show`: the page
itself may move a value in its first run, as the inspected step to the end of a run cut
short, and that is no change by the learner).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import streamlit as st

from . import fields

#: Session key of the notices kept (a list of dicts: text, keys, values).
KEY = "link_notices"


def remember(notices: Sequence[str], n_features: int) -> None:
    """Keep the notices of the link just read (`fields.Notice`; a plain string is about no
    setting in particular and stays until dismissed or the configuration is replaced)."""
    st.session_state[KEY] = [
        {"text": str(notice), "keys": _keys(getattr(notice, "about", ()), n_features),
         "values": None}
        for notice in notices]


def add(notice: fields.Notice) -> None:
    """Keep one more notice about the link, found once its run is known (about no starting
    weight: their keys depend on the data's features)."""
    assert "w0" not in notice.about, notice.about
    st.session_state[KEY] = [*st.session_state.get(KEY, ()),
                             {"text": str(notice), "keys": _keys(notice.about, 0),
                              "values": None}]


def _keys(about: Sequence[str], n_features: int) -> tuple[str, ...]:
    """The session-state keys that hold these settings (one per starting weight)."""
    keys: list[str] = []
    for name in about:
        keys += ([fields.w0_key(j) for j in range(n_features)] if name == "w0" else [name])
    return tuple(keys)


def _values(keys: Sequence[str]) -> tuple:
    state = st.session_state
    return tuple(state.get(key) for key in keys)


def _holds(notice: dict) -> bool:
    return notice["values"] is None or _values(notice["keys"]) == notice["values"]


def holding() -> tuple[str, ...]:
    """The texts of the notices that still hold (changes nothing)."""
    return tuple(n["text"] for n in st.session_state.get(KEY, ()) if _holds(n))


def forget() -> None:
    """Drop every notice: the page no longer shows what the link set."""
    st.session_state.pop(KEY, None)


def dismiss() -> None:
    """Callback of the notices' Dismiss button."""
    forget()


@contextlib.contextmanager
def above() -> Iterator[None]:
    """Hold a place above what the block draws, and fill it with the notices once the block
    has run (`show`). A block cut short by a rerun draws none: the next run does."""
    box = st.container()
    yield
    show(box)


def show(box) -> None:
    """Draw the notices that still hold into ``box`` and drop the others for good.

    Call it once the run has settled (after the inspected step is in place): the values it
    records for a notice shown the first time are those the learner then sees.
    """
    state = st.session_state
    kept = [n for n in state.get(KEY, ()) if _holds(n)]
    for notice in kept:
        if notice["values"] is None:
            notice["values"] = _values(notice["keys"])
    if not kept:
        forget()
        return
    state[KEY] = kept
    with box:
        for notice in kept:
            st.warning(notice["text"], icon=":material/link:")
        st.button("Dismiss", key="link_notices_dismiss", on_click=dismiss, type="tertiary",
                  icon=":material/close:",
                  help="Hide these notices about the link. Each also goes when you change "
                       "the setting it is about.")
