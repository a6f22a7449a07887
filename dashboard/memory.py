"""Fewer malloc arenas, and free pages given back, so that a class's visit leaves less memory
behind on the server.

glibc's allocator gives threads that allocate at the same time arenas of their own (up to
eight per core) and seldom returns an arena's free pages to the system. Every Streamlit
session runs its script in a thread of its own, so a class opening the app at once spreads
its short-lived arrays over many arenas, and the server keeps that memory after they leave.

Cloud runs ``streamlit run app.py`` with no environment of ours (MALLOC_ARENA_MAX=2 would be
the usual way), so this sets the same limit through ``mallopt`` when the app first runs. It
can only stop new arenas: those made before app.py ran stay. Measured by hand with the load
benchmark's protocol clients, 1, 3, 10 and 30 explorer sessions on breast cancer in turn and
then 60 s of quiet (2 cores): RSS 356 MB at the end and 60 s later (1.82x the idle RSS)
without a limit, 318 MB (1.64x) with this call, 274 MB (1.43x) with the environment
variable. Elsewhere (macOS, musl, Windows) there is no such call and nothing is done.

Even in few arenas, the pages a class's arrays freed stay with the process until glibc is
asked for them (``malloc_trim``), and no run asks once the class has left. So a daemon thread
asks every `TRIM_SECONDS`. The same protocol clients, 1, 3, 10 and 30 explorer sessions and
then 30 s of quiet, one process: 341 MB (1.77x the idle RSS) without it, 263 MB (1.37x) with
it; one trim took 0.2 to 8 ms, outside the interpreter's lock (ctypes releases it).

Two more holders were found by counting the server's objects after a class had left: the
closed sessions themselves, all of them, which Streamlit's store of sessions awaiting a
reconnect removes only on its next write (`reap_closed_sessions`), and the free pages of
Arrow's own allocator, in which Streamlit builds every table and chart it sends
(`release_arrow_pool`). Before it trims, the trimming thread has Streamlit's event loop reap
the sessions (Streamlit touches their store only there) and releases Arrow's pages itself.
Measured with the reaping still done in the thread: one process, 1, 3, 1,
1, 3, 3, 1, 10 and 30 explorer sessions on breast cancer in turn, each from its own start,
then 60 s of quiet (2 cores): 285 MB (1.53x the idle RSS) without them, 265 MB (1.41x) with
the sessions reaped, 236 MB (1.26x) with both. What stayed was mostly the caches' results,
which their ``max_entries`` bound in number but not in time.

So the thread also forgets every cached result once no browser has been connected for as
long as Streamlit keeps a closed tab's session (`IdleClock`). Measured with
``python -m bench --only load --workers 2 --phases concurrency`` (2 workers, 1, 3, 10 and 30
explorer sessions, then 60 s of quiet): 539 to 563 MB (1.30x to 1.36x the idle RSS) at the
last stops without it, 486 MB (1.17x) with it.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import ctypes.util
import functools
import gc
import logging
import threading
import time
from typing import Any

M_ARENA_MAX = -8  # glibc's mallopt parameter number for the arena limit
TRIM_SECONDS = 10.0  # how often the trimming thread gives free pages back


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library if it is glibc (``mallopt`` and ``malloc_trim`` are its own), else None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None
    wanted = ("gnu_get_libc_version", "mallopt", "malloc_trim")
    return libc if all(hasattr(libc, name) for name in wanted) else None


@functools.cache
def limit_arenas(n_arenas: int = 2) -> bool:
    """Ask glibc for at most ``n_arenas`` malloc arenas; True if it accepted."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(ctypes.c_int(M_ARENA_MAX), ctypes.c_int(n_arenas)))


def trim() -> bool:
    """Give the process's free heap pages back to the system now; True if any went back."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(ctypes.c_size_t(0)))


@functools.cache
def start_trimming(seconds: float = TRIM_SECONDS) -> threading.Thread:
    """Start (once per process) a daemon thread that every ``seconds`` reaps closed sessions,
    forgets the cached results of a server nobody has used for a while (`IdleClock`), and gives
    free pages back (`release_arrow_pool`, `trim`: the latter only with glibc).

    Returns the thread.
    """
    clock = IdleClock(reconnect_seconds())

    def every() -> None:
        while True:
            time.sleep(seconds)
            try:
                collect = _reap_on_event_loop() > 0
                if clock.tick(_served_and_unused(), time.monotonic()):
                    forget_results()
                    collect = True
                if collect:
                    gc.collect()  # a session holds cycles; an idle server runs no collection
                release_arrow_pool()
                trim()
            except Exception as error:  # a failed round must not end the thread
                # one line, no traceback: Python 3.11 formats one by parsing source with
                # `ast`, which races a script being compiled in another thread
                # ("SystemError: AST constructor recursion depth mismatch")
                logging.getLogger(__name__).warning("freeing memory failed: %r", error)

    thread = threading.Thread(target=every, name="descent-lab-malloc-trim", daemon=True)
    thread.start()
    return thread


class IdleClock:
    """When a server's cached results should be forgotten: once no browser has been connected
    for ``after`` seconds, and once per such quiet spell.

    Every result the app caches (`dashboard.compute`) is keyed by its inputs and computed again
    on demand, and the caches' ``max_entries`` bound how many they keep, not for how long: after
    a class has left, a server keeps its last results, 10 to 40 MB a process on breast cancer,
    until it stops. ``after`` is the time Streamlit keeps a closed tab's session for a
    reconnect (`reconnect_seconds`): past it no tab can come back to a session, and the next
    visitor pays for a first run of their page (0.05 to 0.1 s more on the default page and on
    breast cancer, in process).

    Parameters
    ----------
    after : float
        Seconds of no connected browser before results are forgotten.
    """

    def __init__(self, after: float) -> None:
        self.after = after
        self.quiet_since: float | None = None
        self.forgotten = False

    def tick(self, unused: bool, now: float) -> bool:
        """Whether to forget the results now, given whether the server is unused at ``now``."""
        if not unused:
            self.quiet_since, self.forgotten = None, False
            return False
        if self.quiet_since is None:
            self.quiet_since = now
        if self.forgotten or now - self.quiet_since < self.after:
            return False
        self.forgotten = True
        return True


def reconnect_seconds() -> float:
    """Seconds Streamlit keeps a closed tab's session for a reconnect
    (``server.disconnectedSessionTTL``)."""
    from streamlit import config

    return float(config.get_option("server.disconnectedSessionTTL"))


def forget_results() -> None:
    """Drop every cached result of every function (`st.cache_resource`, `st.cache_data`).
    A run that holds one keeps it; the next run computes it again."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


def _served_and_unused() -> bool:
    """True when this process serves the app (`_serving`) and no browser is connected to it;
    False in AppTest and a bare script, whose caches are left alone."""
    from streamlit.runtime.runtime import RuntimeState

    served = _serving()
    return served is not None and served[0].state == RuntimeState.NO_SESSIONS_CONNECTED


def _serving() -> tuple[Any, Any] | None:
    """``(runtime, event loop)`` of the server this process runs, or None without one whose
    loop runs (AppTest has a runtime whose loop does not run; a bare script has none), or
    where this Streamlit keeps them otherwise."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    instance = runtime.get_instance()
    try:
        loop = instance._get_async_objs().eventloop
    except (AttributeError, RuntimeError):  # not started, or kept otherwise
        return None
    return (instance, loop) if loop.is_running() else None


def _closed_session_store(manager: Any) -> tuple[Any, Any] | None:
    """Streamlit's store of closed sessions awaiting a reconnect, and the lock it is moved under:
    ``(cache, lock)``, the `TTLCache` inside `MemorySessionStorage` and the session manager's
    storage lock; None where this Streamlit keeps them otherwise (then nothing is done, and
    `tests/dashboard/test_process.py` fails, so that an upgrade is noticed)."""
    cache = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    lock = getattr(manager, "_storage_lock", None)
    if not callable(getattr(cache, "expire", None)) or lock is None:
        return None
    return cache, lock


def reap_closed_sessions(manager: Any) -> int:
    """Shut down the closed sessions whose time for a reconnect is over; how many there were.

    Streamlit keeps a closed tab's session (its state, its uploaded files) for
    ``server.disconnectedSessionTTL`` seconds, so that a reconnect resumes it. Its store
    removes an expired session only when it is next written to, that is when the next tab
    closes, and then drops it without shutting it down. So once the last tab of a class has
    closed, every session of the class stays in memory until someone else comes and goes, and
    their uploads stay with Streamlit's upload manager. This removes them on time and shuts
    each down (which releases its uploads and media), as closing it would. An expired session
    cannot be resumed (the store already reports it absent), so no visitor loses anything.

    Streamlit touches its store and shuts sessions down on its event loop only (the store is
    not thread-safe), so this must run there: `start_trimming`'s thread hands it over.

    Parameters
    ----------
    manager : streamlit.runtime.session_manager.SessionManager
    """
    store = _closed_session_store(manager)
    if store is None:
        return 0
    cache, lock = store
    with lock:  # the session manager moves sessions in and out of the store under it
        expired = cache.expire()
    for _, info in expired:
        info.session.shutdown()
    return len(expired)


def _reap_on_event_loop(timeout: float = 5.0) -> int:
    """Run `reap_closed_sessions` on the running server's event loop and wait for it; 0 without
    a running server (AppTest, a bare script) or where this Streamlit keeps it otherwise."""
    served = _serving()
    if served is None:
        return 0
    instance, loop = served
    manager = getattr(instance, "_session_mgr", None)

    # A plain callback and a future, not a coroutine: a coroutine that a stopped loop never
    # ran is reported "never awaited" when it is freed, in this thread, and formatting that
    # report parses source with `ast`, which races a script being compiled elsewhere
    # (Python 3.11: "SystemError: AST constructor recursion depth mismatch").
    done: concurrent.futures.Future[int] = concurrent.futures.Future()

    def reap() -> None:
        if done.set_running_or_notify_cancel():
            try:
                done.set_result(reap_closed_sessions(manager))
            except Exception as error:
                done.set_exception(error)

    loop.call_soon_threadsafe(reap)
    try:
        return done.result(timeout)
    except concurrent.futures.TimeoutError:  # a busy or stopping loop: the next round
        done.cancel()
        return 0


def release_arrow_pool() -> None:
    """Give the free memory that Arrow's allocator holds back to the system.

    Streamlit sends every table and chart as Arrow data, built in pyarrow's default pool
    (mimalloc or jemalloc, not glibc's malloc, so `trim` does not reach it), which keeps the
    pages it freed for later. Nothing is done where pyarrow is missing.
    """
    try:
        import pyarrow
    except ImportError:
        return
    pyarrow.default_memory_pool().release_unused()
