"""Settings of the one server process every session shares: one BLAS thread per call, few
malloc arenas and free pages given back, no full garbage collection after each rerun (why:
the modules' docstrings and .streamlit/config.toml)."""

import ctypes.util
import platform
import tomllib
from pathlib import Path

import pytest

from dashboard import blas, memory

ROOT = Path(__file__).resolve().parents[2]


def test_blas_runs_one_thread_per_call_after_the_limit():
    if blas.blas_threads() is None:
        pytest.skip("numpy's BLAS here is not OpenBLAS: no thread count to set")
    before = blas.blas_threads()
    try:
        assert blas.limit_threads(2) == 2
        assert blas.limit_threads(1) == 1
        assert blas.blas_threads() == 1
    finally:
        blas.limit_threads(before)


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="mallopt's arena limit is glibc's")
def test_malloc_arenas_are_limited_on_glibc():
    assert ctypes.util.find_library("c")
    assert memory.limit_arenas(2) is True


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_one_trimming_thread_per_process_gives_freed_pages_back():
    thread = memory.start_trimming()
    assert thread is not None and thread.daemon and thread.is_alive()
    assert memory.start_trimming() is thread  # a rerun starts no second thread
    blocks = [bytearray(64 * 1024) for _ in range(4096)]  # 256 MiB in small heap blocks
    above = bytearray(64 * 1024)  # kept: the freed blocks sit below it, where free() keeps them
    del blocks
    assert memory.trim() is True
    del above


def test_the_served_app_skips_the_full_collection_after_each_rerun():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


class _Session:
    """Stands in for an AppSession in Streamlit's store of closed sessions."""

    def __init__(self, session_id: str) -> None:
        self.id = session_id
        self.shut_down = 0

    def shutdown(self) -> None:
        self.shut_down += 1


def _manager(ttl_seconds: float):
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    return WebsocketSessionManager(
        session_storage=MemorySessionStorage(ttl_seconds=ttl_seconds),
        uploaded_file_manager=None, script_cache=None, message_enqueued_callback=None)


def test_closed_sessions_past_their_reconnect_time_are_shut_down_and_let_go():
    """Streamlit's own session manager and store (their private names are what `memory` reads:
    this fails when an upgrade moves them): an expired closed session is removed and shut down
    at once, where the store alone keeps it until its next write; one still within its time is
    kept for a reconnect."""
    import time

    from streamlit.runtime.session_manager import SessionInfo

    manager = _manager(ttl_seconds=0.05)
    storage = manager._session_storage
    old = _Session("old")
    storage.save(SessionInfo(client=None, session=old))
    time.sleep(0.1)
    assert storage.get("old") is None  # reported absent: it can no longer be resumed ...
    assert len(storage._cache._data) == 1  # ... yet still held
    assert memory.reap_closed_sessions(manager) == 1
    assert old.shut_down == 1 and len(storage._cache._data) == 0

    manager = _manager(ttl_seconds=60)
    recent = _Session("recent")
    manager._session_storage.save(SessionInfo(client=None, session=recent))
    assert memory.reap_closed_sessions(manager) == 0
    assert recent.shut_down == 0 and manager.get_session_info("recent").session is recent


def test_nothing_is_reaped_without_a_running_server():
    assert memory._reap_on_event_loop() == 0


def test_arrows_free_pages_are_given_back():
    pyarrow = pytest.importorskip("pyarrow")
    table = pyarrow.table({"x": list(range(1_000_000))})
    del table
    memory.release_arrow_pool()  # no error; how much goes back is the allocator's to say


def test_the_idle_clock_forgets_once_per_quiet_spell_after_the_reconnect_time():
    clock = memory.IdleClock(after=30.0)
    assert not clock.tick(unused=True, now=100.0)  # the spell begins
    assert not clock.tick(unused=True, now=129.9)
    assert clock.tick(unused=True, now=130.0)  # 30 s with no browser: forget
    assert not clock.tick(unused=True, now=200.0)  # once per spell
    assert not clock.tick(unused=False, now=210.0)  # a visitor: the spell is over
    assert not clock.tick(unused=True, now=220.0)
    assert not clock.tick(unused=False, now=245.0)  # back before 30 s: nothing forgotten
    assert not clock.tick(unused=True, now=250.0)
    assert clock.tick(unused=True, now=280.0)


def test_the_clock_waits_as_long_as_streamlit_keeps_a_closed_tab():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert memory.reconnect_seconds() > 0
    assert config["server"]["disconnectedSessionTTL"] == 30  # what the served app uses


def test_forgetting_drops_cached_results_and_a_held_one_stays_whole():
    import numpy as np
    import streamlit as st

    calls = []

    @st.cache_resource(max_entries=4)
    def result(n: int) -> np.ndarray:
        calls.append(n)
        values = np.arange(n, dtype=float)
        values.flags.writeable = False
        return values

    held = result(3)
    assert result(3) is held and calls == [3]
    memory.forget_results()
    again = result(3)
    assert calls == [3, 3] and again is not held
    assert held.tolist() == [0.0, 1.0, 2.0]


def test_nothing_is_forgotten_without_a_running_server():
    """AppTest and a bare script have no connected browsers to count; the names the check reads
    are Streamlit's own (this fails when an upgrade moves them)."""
    from streamlit.runtime.runtime import Runtime, RuntimeState

    assert memory._served_and_unused() is False
    assert hasattr(RuntimeState, "NO_SESSIONS_CONNECTED")
    assert isinstance(Runtime.state, property) and callable(Runtime._get_async_objs)
