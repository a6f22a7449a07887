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
