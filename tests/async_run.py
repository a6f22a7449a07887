"""`run`: asyncio.run in a thread of its own.

The browser tests' Playwright (sync API) keeps an event loop running in the main thread for
the whole session, and asyncio.run refuses to start inside one; tests that speak the
websocket protocol after them run their coroutine in a fresh thread instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` to completion in a new thread's event loop; its result, or raise."""
    outcome: dict[str, Any] = {}

    def main() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=main, name="asyncio-run")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
