"""Honest playback: Play at "normal" runs the scrubber to the end, and Pause stops it.

Playback is timed, not counted: "normal" plays a whole run in about 10 s. The seconds it took
here from the press of Play to the scrubber's last step go to test-artifacts/playback.json
for the report; only that playback got to the end is asserted (no timing assert: a shared
machine is as slow as it is).
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PLAYBACK_TIMEOUT_MS,
    assert_clean,
    button,
    keyed,
    metric,
    open_app,
    pause,
    query_of,
    record,
    rerun,
    slider_thumb,
    wait_for,
    wait_idle,
)

pytestmark = pytest.mark.browser

LAST = 200
TARGET_SECONDS = 10.0  # the design's figure for "normal", for the record only

SCRUBBER_AT = """
([key, value]) => {
  const thumb = document.querySelector(`.st-key-${key} input[type="range"]`);
  return !!thumb && Number(thumb.getAttribute('aria-valuetext').replace(/,/g, '')) %s value;
}
"""


def wait_for_scrubber(page, op: str, value: int) -> None:
    """Wait until the scrubber's shown step compares to ``value`` (``op``: ">=", ">", ...)."""
    wait_for(page, SCRUBBER_AT % op, f"the scrubber to be {op} {value}",
             arg=["inspect", value], timeout=PLAYBACK_TIMEOUT_MS)


def shown_step(page) -> int:
    return int(slider_thumb(page, "inspect").get_attribute("aria-valuetext").replace(",", ""))


def pause_playback(page, play) -> None:
    """With playback running (the button reads Pause), press it; the app ends idle, the button
    reading Play."""
    expect(play).to_have_text(re.compile("Pause$"))
    with rerun(page):
        play.click()
    expect(play).to_have_text(re.compile("Play$"))
    wait_idle(page)


def test_play_reaches_the_end_and_pause_stops_it(page, app_url):
    open_app(page, app_url, "?step=0")
    thumb = slider_thumb(page, "inspect")
    expect(thumb).to_have_attribute("aria-valuetext", "0")
    speed = keyed(page, "play_speed").get_by_role("radio", name="normal")
    expect(speed).to_have_attribute("aria-checked", "true")
    play = button(page, "play")
    expect(play).to_have_text(re.compile("Play$"))

    started = time.monotonic()
    play.click()
    wait_for_scrubber(page, ">=", LAST)
    seconds = time.monotonic() - started
    record("playback.json", "normal", {
        "steps": LAST, "seconds_to_the_end": round(seconds, 2),
        "design_seconds": TARGET_SECONDS})
    wait_idle(page)
    # At the end playback stops by itself, and everything shows the last step.
    expect(play).to_have_text(re.compile("Play$"))
    expect(thumb).to_have_attribute("aria-valuetext", str(LAST))
    expect(metric(page, f"w at step {LAST}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"[?&]step={LAST}(&|$)"))

    # Play again (from the start, as it is at the end), then pause on the way.
    play.click()
    wait_for_scrubber(page, "<", LAST)
    wait_for_scrubber(page, ">", 0)
    pause_playback(page, play)
    paused = shown_step(page)
    assert 0 < paused < LAST
    pause(2.0)  # deliberately: eight ticks at 0.25 s, had it kept playing
    wait_idle(page)
    shown = {"scrubber": shown_step(page), "link": query_of(page.url).get("step"),
             "headline": [label for label in page.get_by_test_id("stMetricLabel")
                          .all_inner_texts() if label.startswith("w at step")]}
    assert shown == {"scrubber": paused, "link": str(paused),
                     "headline": [f"w at step {paused:,}"]}, shown
    assert_clean(page)


KEPT_NODES = """() => [...document.querySelectorAll(
    '[data-testid="stTable"], [data-testid="stVegaLiteChart"] svg')].map(node => {
        const kept = node.__marked === true; node.__marked = true; return kept; })"""


def test_play_and_pause_keep_the_charts_and_tables_in_place(page, app_url):
    """Starting and stopping playback updates the page's charts and tables in place: none is
    built again (the ticker that drives playback comes last on the page, see app.py)."""
    open_app(page, app_url, "?step=0")
    marked = page.evaluate(KEPT_NODES)  # marks the charts and the tables
    assert len(marked) >= 3 and not any(marked)
    play = button(page, "play")
    with rerun(page):
        play.click()
    wait_for_scrubber(page, ">", 0)
    pause_playback(page, play)
    assert page.evaluate(KEPT_NODES) == [True] * len(marked)
    assert_clean(page)
