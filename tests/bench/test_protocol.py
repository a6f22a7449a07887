"""The load client's view of Streamlit's protocol, held against AppTest's.

`bench.protocol` speaks Streamlit's internal websocket messages (BackMsg, ClientState,
ForwardMsg deltas and hashes), which a Streamlit upgrade may change without notice; the load
benchmark would then measure nothing and say so nowhere. Here a real ``streamlit run`` server
is driven by the protocol client and the same pages are run by AppTest (Streamlit's own
test runner): both must see the same widgets, the same notices, and the same response to a
moved slider.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bench.protocol import Session
from tests import async_run

REPO = Path(__file__).resolve().parents[2]


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def apptest_view(query: dict[str, str]) -> tuple[set[str], list[str]]:
    """Widget keys and warning texts of one page run by AppTest."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params.update(query)
    at.run()
    # Widgets are keyed elements, and the keyed tab rows, expanders and popovers (blocks that
    # tell the server when they open); a keyed plain container (a flex container, keyed for
    # a style) holds no state.
    keys = {key for node in walk(at._tree)
            if isinstance(key := getattr(node, "key", None), str) and not key.startswith("$$")
            and getattr(node, "type", None) != "flex_container"}
    return keys, [w.value for w in at.warning]


async def protocol_view(url: str, query: str) -> tuple[Session, object]:
    """One page run by the protocol client (the session closed again)."""
    session = Session(url, query)
    result = await session.open()
    await session.close()
    return session, result


def test_the_protocol_client_sees_what_apptest_sees(protocol_server):
    query = {"lr": "banana", "steps": "50"}  # a bad value: the page warns about it
    session, result = async_run.run(protocol_view(protocol_server.url, "lr=banana&steps=50"))
    assert result.ok, result.problem()
    keys, warnings = apptest_view(query)
    assert set(session.widgets) == keys
    assert result.warnings == warnings and any("banana" in w for w in warnings)
    assert "lr=0.5" in session.query  # the corrected link, as the address bar gets it


def test_a_moved_slider_reaches_the_server_and_reruns_the_page(protocol_server):
    async def move() -> tuple[str, str, object]:
        session = Session(protocol_server.url, "")
        first = await session.open()
        assert first.ok, first.problem()
        before = session.query
        with pytest.raises(ValueError, match="not an option"):  # a value, not its label
            session.widget_state("learning_rate", 2.0)
        moved = await session.set_widget("learning_rate", "2")  # the label the slider shows
        after = session.query
        await session.close()
        return before, after, moved

    before, after, moved = async_run.run(move())
    assert moved.ok and moved.messages > 0, moved.problem()
    assert "lr=0.5" in before and "lr=2" in after and "lr=0.5" not in after
