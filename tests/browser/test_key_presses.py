"""No lost key presses: five ArrowRight presses on a slider move it five grid positions.

Beside two CPU-burning processes (`bench.server.Burners`), as on a shared two-core machine,
the steps slider and the learning-rate slider each take five presses spaced 50 and 300 ms.
Once the app has settled, the thumb must stand five grid positions further and stay there,
and the loss metric and the link must follow. The presses counted per spacing go to
test-artifacts/key-presses.json.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench.server import Burners
from tests.browser.helpers import (
    APP_TIMEOUT_MS,
    LEARNING_RATE_GRID,
    STEPS_GRID,
    counters,
    fmt,
    metric_value,
    number,
    open_app,
    pause,
    query_of,
    record,
    reference_run,
    slider_thumb,
    wait_for_run_after,
    wait_idle,
)

pytestmark = pytest.mark.browser

PRESSES = 5
SPACINGS_MS = (50, 300)  # faster than a debounce, and a steady hand
BURNERS = 2
#: slider key -> (link parameter, grid, default value)
SLIDERS = {
    "steps": ("steps", STEPS_GRID, 200),
    "learning_rate": ("lr", LEARNING_RATE_GRID, 0.5),
}


def link_value(value: float) -> str:
    """A number as the link writes it: 20, 0.5, 1500 (no ".0")."""
    return re.escape(str(value).removesuffix(".0"))


def grid_position(grid, shown: str) -> int:
    return grid.index(type(grid[0])(number(shown)))


def press_and_count(new_page, app_url: str, key: str, spacing_ms: int) -> dict:
    """Press ArrowRight five times on a fresh page; return what the page shows afterwards."""
    param, grid, default = SLIDERS[key]
    page = new_page()
    open_app(page, app_url)
    thumb = slider_thumb(page, key)
    start = grid_position(grid, thumb.get_attribute("aria-valuetext"))
    assert grid[start] == default
    target = grid[start + PRESSES]
    before = counters(page)
    thumb.focus()
    for press in range(PRESSES):
        page.keyboard.press("ArrowRight")
        if press < PRESSES - 1:
            pause(spacing_ms / 1000)
    wait_for_run_after(page, before)
    shown = f"{target:,}" if key == "steps" else fmt(target)
    # Later presses may still be on their way: give the thumb time to get there (a thumb that
    # never does is counted below, not failed here, so every spacing gets recorded).
    holds(lambda: expect(thumb).to_have_attribute("aria-valuetext", shown,
                                                  timeout=APP_TIMEOUT_MS))
    wait_idle(page)
    moved = grid_position(grid, thumb.get_attribute("aria-valuetext")) - start
    pause(2.0)  # deliberately: a late rerun must not move the thumb back
    wait_idle(page)
    moved_later = grid_position(grid, thumb.get_attribute("aria-valuetext")) - start
    return {"page": page, "target": target, "moved": moved, "moved_after_2s": moved_later,
            "param": param}


def holds(check) -> bool:
    """Whether an ``expect`` passes (it waits up to the suite's timeout before saying no)."""
    try:
        check()
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize("key", list(SLIDERS))
def test_no_key_press_is_lost(new_page, app_url, key):
    results = {}
    with Burners(BURNERS):
        for spacing in SPACINGS_MS:
            result = press_and_count(new_page, app_url, key, spacing)
            page, target, param = result.pop("page"), result["target"], result["param"]
            # What the page shows must be the run of the slider's setting.
            steps, rate = (target, 0.5) if key == "steps" else (200, target)
            loss = metric_value(page, f"Loss at step {steps:,}")
            result["loss_metric_matches"] = holds(lambda loss=loss, steps=steps, rate=rate: (
                expect(loss).to_have_text(fmt(reference_run(rate, steps).loss[-1]))))
            result["link_matches"] = holds(lambda page=page, param=param, target=target: (
                expect(page).to_have_url(
                    re.compile(rf"[?&]{param}={link_value(target)}(&|$)"))))
            result["link"] = query_of(page.url).get(param)
            result["errors"] = page.get_by_test_id("stException").all_inner_texts() + list(
                page.console_errors)
            results[f"{spacing} ms"] = result
            page.context.close()
    record("key-presses.json", key, {
        spacing: {"presses": PRESSES, "positions_moved": r["moved"],
                  "positions_moved_after_2s": r["moved_after_2s"], "link": r["link"],
                  "loss_metric_matches": r["loss_metric_matches"]}
        for spacing, r in results.items()})
    moved = {spacing: (r["moved"], r["moved_after_2s"]) for spacing, r in results.items()}
    assert all(r["moved"] == PRESSES and r["moved_after_2s"] == PRESSES
               for r in results.values()), f"grid positions moved per spacing: {moved}"
    for spacing, r in results.items():
        assert r["loss_metric_matches"] and r["link_matches"], (spacing, r)
        assert r["errors"] == [], (spacing, r["errors"])
