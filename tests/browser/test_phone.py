"""The page on a phone (390x844): first screen, playback row, formulas, and every view's width.

Run alone with ``python -m pytest -m browser``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    VIEWS,
    assert_clean,
    assert_no_horizontal_overflow,
    keyed,
    loss_chart,
    open_app,
    open_view,
    settle,
)

pytestmark = pytest.mark.browser

#: For each KaTeX display formula: its container's widths, and its own.
KATEX_WIDTHS = """
() => [...document.querySelectorAll('.katex-display')]
  .filter(k => k.offsetParent !== null)
  .map(k => ({text: k.textContent.slice(0, 60),
              parentScroll: k.parentElement.scrollWidth,
              parentClient: k.parentElement.clientWidth,
              ownScroll: k.scrollWidth, ownClient: k.clientWidth,
              overflowX: getComputedStyle(k).overflowX}))
"""


def test_phone_first_screen_rate_slider_loss_chart_and_play_row(new_page, app_url):
    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    settle(page)
    # The sidebar stays closed: the controls that matter are in the main area.
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    assert page.get_by_test_id("stMain").evaluate("e => e.scrollTop") == 0

    slider = keyed(page, "learning_rate").bounding_box()
    chart = loss_chart(page).bounding_box()
    assert slider is not None and chart is not None
    top = min(slider["y"], chart["y"])
    bottom = max(slider["y"] + slider["height"], chart["y"] + chart["height"])
    both_on_first_screen = top >= 0 and bottom <= PHONE["height"]
    assert both_on_first_screen or bottom - top <= PHONE["height"], (
        f"rate slider {slider} and loss chart {chart} are more than a screen apart")
    assert slider["x"] >= 0 and slider["x"] + slider["width"] <= PHONE["width"]
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= PHONE["width"]

    # Back, Play and Next side by side in one row, in that order.
    boxes = [keyed(page, key).bounding_box() for key in ("step_back", "play", "step_forward")]
    assert all(box is not None for box in boxes), boxes
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) <= min(box["height"] for box in boxes) / 2, boxes
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"], boxes
    assert boxes[1]["x"] + boxes[1]["width"] <= boxes[2]["x"], boxes
    assert boxes[2]["x"] + boxes[2]["width"] <= PHONE["width"], boxes
    assert_clean(page)


def test_phone_formulas_stay_within_their_containers(new_page, app_url):
    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    open_view(page, "step")
    settle(page)
    formulas = page.evaluate(KATEX_WIDTHS)
    assert len(formulas) >= 6, formulas
    spilled = [f for f in formulas if f["parentScroll"] > f["parentClient"] + 1]
    assert spilled == [], spilled
    # A formula wider than the phone scrolls inside its own box instead of widening the page.
    for formula in formulas:
        if formula["ownScroll"] > formula["ownClient"] + 1:
            assert formula["overflowX"] in ("auto", "scroll"), formula
    assert_no_horizontal_overflow(page, "Step in detail")
    assert_clean(page)


def test_every_view_fits_a_phone(new_page, app_url):
    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    assert_no_horizontal_overflow(page, "first screen")
    for slug in VIEWS:
        open_view(page, slug)
        settle(page)
        assert_no_horizontal_overflow(page, slug)
    assert_clean(page)
