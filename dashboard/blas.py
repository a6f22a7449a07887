"""One BLAS thread per call, however the server was started.

Streamlit serves every session as a thread of one process, and OpenBLAS (numpy's BLAS) starts
threads of its own for each call large enough: with a class sharing one server, those threads
fight each other for the cores. Measured here (issue notes): a 32-rate sweep on the breast
cancer data took 0.2 s with one BLAS thread and 7-13 s with two on a busy machine. Cloud runs
``streamlit run app.py`` with no environment of ours, and numpy is already imported by
Streamlit before app.py runs, so OPENBLAS_NUM_THREADS would come too late: instead this calls
OpenBLAS's own ``set_num_threads`` through ctypes, on the library numpy has loaded (what
threadpoolctl does, without the extra dependency).
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os

import numpy as np

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
            "openblas_set_num_threads64_", "openblas_set_num_threads")
_GETTERS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
            "openblas_get_num_threads64_", "openblas_get_num_threads")


@functools.cache
def _loaded_openblas() -> tuple[str, ...]:
    """Paths of the OpenBLAS libraries mapped into this process (Linux), else numpy's own.
    Looked up once: numpy loads its BLAS when it is imported, before the first call."""
    paths: list[str] = []
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = [line.split()[-1] for line in maps if "openblas" in line.lower()
                     and line.split()[-1].startswith("/")]
    except OSError:
        pass
    if not paths:
        libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
        paths = glob.glob(os.path.join(libs, "*openblas*"))
    return tuple(dict.fromkeys(paths))


def _call(library: ctypes.CDLL, names, *args):
    for name in names:
        function = getattr(library, name, None)
        if function is not None:
            return function(*args)
    return None


def limit_threads(n_threads: int = 1) -> int | None:
    """Set OpenBLAS to ``n_threads`` threads; return the count it reports, or None if no
    OpenBLAS was found (another BLAS: nothing to do)."""
    reported = None
    for path in _loaded_openblas():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        _call(library, _SETTERS, ctypes.c_int(n_threads))
        found = _call(library, _GETTERS)
        reported = found if found is not None else reported
    return reported


def blas_threads() -> int | None:
    """The thread count OpenBLAS reports now (None without OpenBLAS)."""
    for path in _loaded_openblas():
        try:
            found = _call(ctypes.CDLL(path), _GETTERS)
        except OSError:
            continue
        if found is not None:
            return found
    return None
