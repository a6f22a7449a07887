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
it; one trim took 0.2 to 8 ms, outside the interpreter's lock (ctypes releases it). What stays
is mostly the caches' results, which their ``max_entries`` bound.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
import time

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
def start_trimming(seconds: float = TRIM_SECONDS) -> threading.Thread | None:
    """Start (once per process) a daemon thread that calls `trim` every ``seconds``.

    Returns the thread, or None where there is no glibc (nothing to call).
    """
    if _glibc() is None:
        return None

    def every() -> None:
        while True:
            time.sleep(seconds)
            trim()

    thread = threading.Thread(target=every, name="descent-lab-malloc-trim", daemon=True)
    thread.start()
    return thread
