"""A Streamlit client without a browser: the websocket protocol, spoken from asyncio.

A browser tab of a Streamlit app is one websocket, ``ws://<host>/_stcore/stream``, carrying
protobufs (``streamlit.proto``) both ways; every tab is one session of the one server process.
`Session` does what the frontend does on that socket, enough to load the server as visitors
would and to time it:

1. connect with the subprotocol ``streamlit`` (the frontend also puts its XSRF token and a
   previous session id in that header; a client that sends no Origin header needs neither);
2. send a ``BackMsg`` whose ``rerun_script`` is a ``ClientState`` carrying the page's query
   string (without the "?"), the page script hash (empty at first), the widget states and the
   browser context (time zone, locale, URL);
3. read ``ForwardMsg``\\ s: ``new_session`` starts a run, ``delta``\\ s build the page (widgets
   among their elements carry an ``id`` of the form ``$$ID-<hash>-<user key>``),
   ``page_info_changed`` rewrites the query string (the frontend puts it in the address bar and
   sends it back with the next rerun), and ``script_finished`` ends the run, unless its status
   is ``FINISHED_EARLY_FOR_RERUN`` (a rerun requested by the script or by a newer request
   follows);
4. to move a widget, send another ``rerun_script`` whose ``widget_states`` hold the widget's
   id and its new value in the field its type uses (a slider: ``double_array_value``, a
   button: ``trigger_value`` ...). Only the changed widgets are sent: the server keeps every
   other widget at its last value. A widget drawn inside a fragment (its delta carries a
   ``fragment_id``) is moved with that id in the ``ClientState``, as the frontend does, and
   the server reruns that fragment alone (``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``). Keyed tab
   rows, expanders and popovers are widgets too: their id is in their block's delta.

Like the frontend, the client tells the server which large messages it still holds
(``cached_message_hashes``), so the server sends a ``ref_hash`` instead of a repeat.

The websocket is the ``websockets`` package, which Streamlit 1.67 depends on (its server runs
on Starlette and uvicorn: there is no tornado any more).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

__all__ = ["Rerunners", "RunResult", "Session", "Widget", "cycle_value", "user_key_of"]

STREAM_PATH = "/_stcore/stream"
#: Statuses that end a run. FINISHED_EARLY_FOR_RERUN does not: another run follows it.
FINAL_STATUSES = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "ok",
}
#: The frontend keeps a large message for this many runs without it (the server option
#: ``global.maxCachedMessageAge``, 2 by default), so it reports it as cached that long.
CACHED_MESSAGE_AGE = 2


def user_key_of(widget_id: str) -> str | None:
    """The user key inside a widget id ``$$ID-<hash>-<key>``, or None for a keyless widget.

    Mirrors ``streamlit.runtime.state.common.user_key_from_element_id``.
    """
    key = widget_id.split("-", maxsplit=2)[-1]
    return None if key == "None" else key


@dataclass(frozen=True)
class Widget:
    """A widget as the last run drew it.

    Attributes
    ----------
    id : str
        Its element id, which the rerun request names.
    kind : str
        The element type (``slider``, ``button``, ``number_input`` ...).
    user_key : str or None
    proto : google.protobuf.message.Message
        The widget's own message (for its options, range, current value).
    fragment_id : str
        The fragment that drew it ("" outside any): moving it reruns that fragment alone, as
        the frontend asks.
    """

    id: str
    kind: str
    user_key: str | None
    proto: Message
    fragment_id: str = ""


@dataclass
class RunResult:
    """One script run as a client saw it.

    Attributes
    ----------
    status : str
        ``"ok"`` (finished successfully), ``"compile_error"``, ``"timeout"``, ``"closed"``
        (the connection was lost) or ``"connect_failed"``.
    seconds : float
        From the request (or the start of the connection) to the final ``script_finished``,
        or to the failure.
    exceptions : list of str
        Exception elements and compile errors, as ``"Type: message"``.
    errors : list of str
        ``st.error`` messages.
    warnings : list of str
        ``st.warning`` messages (the app's notices about a link it could not read).
    metrics : list of (str, str)
        ``st.metric`` labels and values, in the order they arrived: the run's figures, which
        tell whether a moved widget reached the script.
    elements : int
        Elements the run drew (``new_element`` deltas, also those sent as a ``ref_hash``).
    refs : int
        Messages sent as a ``ref_hash`` only (the client said it still held them).
    messages, bytes : int
        ForwardMsgs received and their size.
    reruns : int
        Runs the server ended early for a rerun before this one finished.
    fragment : bool
        The run was a fragment's alone (the rest of the page stayed as it was).
    """

    status: str
    seconds: float = 0.0
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    metrics: list[tuple[str, str]] = field(default_factory=list)
    elements: int = 0
    refs: int = 0
    messages: int = 0
    bytes: int = 0
    reruns: int = 0
    fragment: bool = False

    @property
    def ok(self) -> bool:
        """Finished successfully with no exception element and no error message."""
        return self.status == "ok" and not self.exceptions and not self.errors

    def problem(self) -> str:
        """One line saying what went wrong, or "" for an ok run."""
        if self.ok:
            return ""
        parts = [] if self.status == "ok" else [self.status]
        parts += [f"exception {text}" for text in self.exceptions[:2]]
        parts += [f"error {text}" for text in self.errors[:2]]
        return "; ".join(parts)[:300]


@dataclass(frozen=True)
class _Summary:
    """What a cacheable message told: kept by hash, for when the server sends only a ref."""

    element: bool = False  # a new element (not a block, not an edit of an earlier one)
    widget: Widget | None = None
    exception: str | None = None
    alert: tuple[int, str] | None = None
    metric: tuple[str, str] | None = None


_NOTHING = _Summary()


#: Keyed blocks that are widgets on the wire: their Block field and the value they send.
_BLOCK_WIDGETS = {"tab_container": "tabs", "expandable": "expander", "popover": "popover"}


def _summarize(msg: ForwardMsg) -> _Summary:
    """The widget, exception, alert or metric a delta carries, if any."""
    if msg.delta.WhichOneof("type") == "add_block":
        block = msg.delta.add_block
        kind = block.WhichOneof("type")
        widget_id = getattr(block, kind).id if kind in _BLOCK_WIDGETS else ""
        if widget_id.startswith("$$ID"):
            proto = type(getattr(block, kind))()
            proto.CopyFrom(getattr(block, kind))
            return _Summary(widget=Widget(widget_id, _BLOCK_WIDGETS[kind],
                                          user_key_of(widget_id), proto,
                                          msg.delta.fragment_id))
        return _NOTHING
    if msg.delta.WhichOneof("type") != "new_element":
        return _NOTHING
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind is None:
        return _Summary(element=True)
    if kind == "exception":
        exc = element.exception
        return _Summary(True, exception=f"{exc.type}: {exc.message}"[:500])
    if kind == "alert":
        return _Summary(True, alert=(element.alert.format, element.alert.body[:500]))
    if kind == "metric":
        return _Summary(True, metric=(element.metric.label, element.metric.body))
    body = getattr(element, kind)
    widget_id = getattr(body, "id", "") if "id" in body.DESCRIPTOR.fields_by_name else ""
    if widget_id.startswith("$$ID"):
        proto = type(body)()
        proto.CopyFrom(body)
        return _Summary(True, widget=Widget(widget_id, kind, user_key_of(widget_id), proto,
                                            msg.delta.fragment_id))
    return _Summary(element=True)


class Session:
    """One browser tab's worth of Streamlit session, without the browser.

    Parameters
    ----------
    base_url : str
        ``http://127.0.0.1:<port>`` (``https`` becomes ``wss``).
    query : str, optional
        The page's query string, with or without the leading "?".
    timeout : float, default 60
        Seconds a run may take, from the request to its ``script_finished``.

    Attributes
    ----------
    widgets : dict of str to Widget
        Keyed widgets of the runs so far, by user key (the latest drawing of each).
    query : str
        The query string as the app last set it (sent back with every rerun).
    runs : list of RunResult
        Every run of this session, in order.
    broken : bool
        True after a timeout or a lost connection: the session is not used again.

    Notes
    -----
    A session is driven by one coroutine at a time: each request waits for its own run.
    """

    def __init__(self, base_url: str, query: str = "", *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.ws_url = self.base_url.replace("http", "ws", 1) + STREAM_PATH
        self.query = query.lstrip("?")
        self.timeout = timeout
        self.widgets: dict[str, Widget] = {}
        self.runs: list[RunResult] = []
        self.broken = False
        self.closed_by_server = False
        self._ws: ClientConnection | None = None
        self._page_script_hash = ""
        self._summaries: dict[str, _Summary] = {}
        self._hash_last_run: dict[str, int] = {}  # hash -> index of the last run that sent it

    # -- requests ------------------------------------------------------------------------

    async def open(self) -> RunResult:
        """Connect and run the page once; the time includes the websocket handshake."""
        start = time.perf_counter()
        try:
            self._ws = await connect(
                self.ws_url,
                subprotocols=["streamlit"],  # type: ignore[list-item]
                # No client pings (a browser sends none; the server's pings are answered),
                # no proxy (the server is local), no limit on a message (charts are big) and
                # no limit on the receive queue, so that a slow bench process does not push
                # back on the server it measures.
                ping_interval=None,
                proxy=None,
                max_size=None,
                max_queue=None,
                open_timeout=self.timeout,
                user_agent_header="descent-lab-bench",
            )
        except (OSError, TimeoutError, InvalidHandshake) as error:
            self.broken = True
            result = RunResult("connect_failed", time.perf_counter() - start,
                               exceptions=[f"{type(error).__name__}: {error}"])
            self.runs.append(result)
            return result
        return await self._request(self._client_state(()), start)

    async def rerun(self, states: Sequence[WidgetState] = (),
                    fragment_id: str = "") -> RunResult:
        """Rerun with the given widget states (none: a plain rerun, as "R" in the app); with
        ``fragment_id``, only that fragment reruns."""
        client_state = self._client_state(states)
        client_state.fragment_id = fragment_id
        return await self._request(client_state, time.perf_counter())

    async def set_widget(self, key: str, value: Any) -> RunResult:
        """Give the widget of user key ``key`` a new value and wait for the rerun (of its
        fragment alone when a fragment drew it, as the frontend asks)."""
        return await self.rerun([self.widget_state(key, value)],
                                self.widget(key).fragment_id)

    async def click(self, key: str) -> RunResult:
        """Press the button of user key ``key`` and wait for the rerun."""
        return await self.set_widget(key, True)

    async def close(self) -> None:
        """Close the websocket (the server then ends the session as for a closed tab)."""
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None

    # -- widgets -------------------------------------------------------------------------

    def widget(self, key: str) -> Widget:
        """The widget of user key ``key`` from the runs so far.

        Raises
        ------
        KeyError
            If no run drew a widget with that key (the message lists the keys seen).
        """
        try:
            return self.widgets[key]
        except KeyError:
            raise KeyError(f"no widget with key {key!r}; keys seen: "
                           f"{', '.join(sorted(self.widgets)) or 'none'}") from None

    def find_key(self, keys: str) -> str:
        """The first of the comma-separated user ``keys`` that the runs so far drew.

        Lets a caller name a widget across versions of an app ("b0_input,b0").

        Raises
        ------
        KeyError
            If none was drawn (the message lists the keys seen).
        """
        for key in (k.strip() for k in keys.split(",")):
            if key in self.widgets:
                return key
        return self.widget(keys).user_key or keys  # raises, listing the keys seen

    def widget_state(self, key: str, value: Any) -> WidgetState:
        """The ``WidgetState`` that sets the widget of user key ``key`` to ``value``.

        Parameters
        ----------
        key : str
        value : object
            A number for a slider (or a pair for a range), a number for ``number_input``, an
            option label (or its index) for ``select_slider``, ``selectbox`` and ``radio``, a
            label (or a list of them) for ``segmented_control`` and ``pills``, the label of
            the tab to open for a keyed ``st.tabs``, a bool for a checkbox, a toggle or a keyed
            expander or popover (open), anything for a button (pressed).

        Returns
        -------
        streamlit.proto.WidgetStates_pb2.WidgetState
        """
        widget = self.widget(key)
        state = WidgetState(id=widget.id)
        kind, proto = widget.kind, widget.proto
        if kind == "slider" and proto.type == Slider.SELECT_SLIDER:
            kind = "select_slider"  # st.select_slider draws a Slider proto with options
        if kind in {"button", "download_button"}:
            state.trigger_value = True
        elif kind == "tabs":  # the label of the tab to open
            state.string_value = str(value)
        elif kind == "button_group":  # st.segmented_control and st.pills: the options chosen
            chosen = list(value) if isinstance(value, (list, tuple)) else [value]
            options = [option.content for option in proto.options]
            for label in chosen:
                if str(label) not in options:
                    raise ValueError(f"{label!r} is not an option of {key!r}: "
                                     f"{', '.join(options)}")
            state.string_array_value.data.extend(str(label) for label in chosen)
        elif kind in {"expander", "popover"}:
            state.bool_value = bool(value)
        elif kind == "slider":
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            state.double_array_value.data.extend(float(v) for v in values)
        elif kind == "number_input":
            if proto.data_type == NumberInput.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        elif kind in {"select_slider", "selectbox", "radio"}:
            label = proto.options[value] if isinstance(value, int) else str(value)
            if label not in proto.options:  # the server would quietly take another option
                raise ValueError(f"{label!r} is not an option of {key!r}: "
                                 f"{', '.join(proto.options)}")
            if kind == "select_slider":
                state.string_array_value.data.append(label)
            else:
                state.string_value = label
        elif kind == "checkbox":
            state.bool_value = bool(value)
        elif isinstance(value, bool):
            state.bool_value = value
        elif isinstance(value, int):
            state.int_value = value
        elif isinstance(value, float):
            state.double_value = value
        else:
            state.string_value = str(value)
        return state

    # -- the wire ------------------------------------------------------------------------

    def _client_state(self, states: Iterable[WidgetState]) -> ClientState:
        client_state = ClientState(query_string=self.query,
                                   page_script_hash=self._page_script_hash)
        client_state.widget_states.widgets.extend(states)
        run = len(self.runs)
        client_state.cached_message_hashes.extend(
            h for h, last in self._hash_last_run.items() if run - last <= CACHED_MESSAGE_AGE)
        context = client_state.context_info
        context.timezone = "UTC"
        context.timezone_offset = 0
        context.locale = "en-US"
        context.url = f"{self.base_url}/" + (f"?{self.query}" if self.query else "")
        context.is_embedded = False
        context.color_scheme = "light"
        return client_state

    async def _request(self, client_state: ClientState, start: float) -> RunResult:
        if self.broken or self._ws is None:
            result = RunResult("closed", 0.0)
            self.runs.append(result)
            return result
        try:
            await self._ws.send(BackMsg(rerun_script=client_state).SerializeToString())
            result = await self._read_run(start)
        except ConnectionClosed:
            result = RunResult("closed", time.perf_counter() - start)
        if result.status in {"closed", "timeout"}:
            # A late message of a timed-out run would be taken for the next run's: stop here.
            self.broken = True
            self.closed_by_server = result.status == "closed"
        self.runs.append(result)
        return result

    async def _read_run(self, start: float) -> RunResult:
        """Read ForwardMsgs until the run ends; the result of the run."""
        assert self._ws is not None
        result = RunResult("timeout")
        run_index = len(self.runs)
        deadline = start + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            try:
                if remaining <= 0:
                    raise TimeoutError
                data = await asyncio.wait_for(self._ws.recv(decode=False), remaining)
            except TimeoutError:
                result.seconds = time.perf_counter() - start
                return result
            except ConnectionClosed:
                result.status = "closed"
                result.seconds = time.perf_counter() - start
                return result
            result.messages += 1
            result.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta":
                summary = _summarize(msg)
                if msg.metadata.cacheable and msg.hash:
                    self._summaries[msg.hash] = summary
                    self._hash_last_run[msg.hash] = run_index
                self._note(summary, result)
            elif kind == "ref_hash":
                result.refs += 1
                self._hash_last_run[msg.ref_hash] = run_index
                if msg.ref_hash in self._summaries:
                    self._note(self._summaries[msg.ref_hash], result)
            elif kind == "new_session":
                if msg.new_session.page_script_hash:
                    self._page_script_hash = msg.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "session_event":
                event = msg.session_event
                if event.HasField("script_compilation_exception"):
                    exc = event.script_compilation_exception
                    result.exceptions.append(f"{exc.type}: {exc.message}"[:500])
            elif kind == "script_finished":
                if msg.script_finished in FINAL_STATUSES:
                    result.status = FINAL_STATUSES[msg.script_finished]
                    result.fragment = (msg.script_finished
                                       == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
                    result.seconds = time.perf_counter() - start
                    return result
                result.reruns += 1

    def _note(self, summary: _Summary, result: RunResult) -> None:
        result.elements += summary.element
        if summary.metric is not None:
            result.metrics.append(summary.metric)
        if summary.widget is not None and summary.widget.user_key is not None:
            self.widgets[summary.widget.user_key] = summary.widget
        if summary.exception is not None:
            result.exceptions.append(summary.exception)
        if summary.alert is not None:
            fmt, body = summary.alert
            if fmt == Alert.ERROR:
                result.errors.append(body)
            elif fmt == Alert.WARNING:
                result.warnings.append(body)


#: Where `cycle_value` puts a slider or number box within its range, in turn: consecutive
#: values differ, so every rerun is a real change.
_FRACTIONS = (0.5, 0.2, 0.8, 0.35, 0.65, 0.05, 0.95)


def cycle_value(widget: Widget, i: int) -> Any:
    """The ``i``-th value of a sequence that moves ``widget`` to a new value at every step.

    Parameters
    ----------
    widget : Widget
        A slider, number input, select slider, select box, radio, checkbox or button.
    i : int
        The step.

    Returns
    -------
    object
        A value for `Session.widget_state`.
    """
    proto = widget.proto
    if widget.kind == "slider" and proto.type == Slider.SELECT_SLIDER:
        return (i + 1) % len(proto.options)
    if widget.kind in {"slider", "number_input"}:
        has_range = widget.kind == "slider" or (proto.has_min and proto.has_max)
        lo, hi = (proto.min, proto.max) if has_range else (0.0, 100.0)
        value = lo + (hi - lo) * _FRACTIONS[i % len(_FRACTIONS)]
        whole = (proto.data_type == Slider.INT if widget.kind == "slider"
                 else proto.data_type == NumberInput.INT)
        return round(value) if whole else value
    if widget.kind in {"select_slider", "selectbox", "radio"}:
        return (i + 1) % len(proto.options)
    if widget.kind == "checkbox":
        return i % 2 == 0
    return True  # a button: every press is a new event


class Rerunners:
    """Sessions that rerun a page over and over from a thread, to keep a server busy.

    For measuring something else meanwhile (a key press in Chromium, say): `start` opens the
    sessions, `resume` lets each rerun back to back (moving the widget of user key ``key`` to
    a new value each time), `pause` stops them and waits for the reruns in flight, `stop`
    closes them.

    Parameters
    ----------
    base_url : str
    query : str
        The page every session opens.
    count : int
        Number of sessions.
    key : str
        User key of the widget each rerun moves (or comma-separated candidates: the first
        the page draws).
    timeout : float, default 120
        Seconds a run may take.

    Attributes
    ----------
    opened : list of RunResult
        The first run of every session.
    reruns : list of RunResult
        Every rerun, in the order they ended.
    """

    def __init__(self, base_url: str, query: str, count: int, key: str,
                 timeout: float = 120.0) -> None:
        self.base_url, self.query, self.count, self.key = base_url, query, count, key
        self.timeout = timeout
        self.opened: list[RunResult] = []
        self.reruns: list[RunResult] = []
        self.error: BaseException | None = None
        self._active = threading.Event()
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._in_flight = 0  # written by the loop thread only
        self._thread = threading.Thread(target=self._thread_main, name="rerunners", daemon=True)

    def start(self, timeout: float = 300.0) -> list[RunResult]:
        """Open every session (paused); the first run of each."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"{self.count} sessions did not open within {timeout:.0f} s")
        if self.error is not None:
            raise RuntimeError(f"the background sessions failed: {self.error!r}")
        return self.opened

    def resume(self) -> None:
        """Let every session rerun back to back."""
        self._active.set()

    def pause(self, wait: float = 60.0) -> bool:
        """Stop issuing reruns and wait until those in flight have ended (True if they did)."""
        self._active.clear()
        deadline = time.monotonic() + wait
        while self._in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._in_flight

    def stop(self) -> None:
        """Stop the reruns and close every session."""
        self._stopping.set()
        self._active.set()
        self._thread.join(timeout=self.timeout + 30)

    def _thread_main(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # reported to the caller of start
            self.error = error
            self._ready.set()

    async def _main(self) -> None:
        sessions = [Session(self.base_url, self.query, timeout=self.timeout)
                    for _ in range(self.count)]
        try:
            self.opened = list(await asyncio.gather(*(s.open() for s in sessions)))
            for session in sessions:
                session.find_key(self.key)  # fail now, and clearly, if the app has no such key
            self._ready.set()
            await asyncio.gather(*(self._loop(s) for s in sessions))
        finally:
            await asyncio.gather(*(s.close() for s in sessions))

    async def _loop(self, session: Session) -> None:
        key = session.find_key(self.key)
        i = 0
        while not self._stopping.is_set() and not session.broken:
            if not self._active.is_set():
                await asyncio.sleep(0.02)
                continue
            self._in_flight += 1
            try:
                value = cycle_value(session.widget(key), i)
                self.reruns.append(await session.set_widget(key, value))
            finally:
                self._in_flight -= 1
            i += 1
