"""The page on a phone (390x844): the first screen and the formulas of Step in detail (every
view's width is checked in test_views.py's walk through the views).

Run alone with ``python -m pytest -m browser``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    assert_clean,
    assert_no_horizontal_overflow,
    keyed,
    loss_chart,
    model_picture,
    open_app,
    open_step_expanders,
    open_view,
    player,
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


def test_phone_first_screen_rate_slider_picture_loss_and_play(new_page, app_url):
    """Without the sidebar, within the first one and a half screens: the rate slider, the
    model picture, the loss curve and Play (with the step buttons in one row), and the
    guided lesson's start button."""
    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    settle(page)
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    assert page.get_by_test_id("stMain").evaluate("e => e.scrollTop") == 0
    reach = 1.5 * PHONE["height"]
    blocks = {"rate slider": keyed(page, "learning_rate"), "model picture": model_picture(page),
              "loss curve": loss_chart(page), "lesson start": keyed(page, "lesson_main")}
    controls = player(page).locator(".controls button")
    for name in ("Play the run", "Step back", "Step forward"):
        blocks[name] = player(page).get_by_role("button", name=name, exact=True)
    for name, element in blocks.items():
        box = element.bounding_box()
        assert box is not None, name
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (name, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= reach, (name, box)
    boxes = [b for b in (controls.nth(i).bounding_box() for i in range(3))]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) <= min(box["height"] for box in boxes) / 2, boxes
    assert_no_horizontal_overflow(page, "first screen")
    # Play works on a phone too: frames are drawn.
    drawn = int(player(page).get_attribute("data-drawn"))
    blocks["Play the run"].click()
    expect(player(page)).not_to_have_attribute("data-drawn", str(drawn))
    assert_clean(page)


def test_phone_formulas_stay_within_their_containers(new_page, app_url):
    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    open_view(page, "step")
    open_step_expanders(page)
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


@pytest.mark.parametrize("query", [
    "?data=iris_petals&tab=step&digits=10",  # products of two 10-digit numbers in the sums
    "?tab=why&digits=10&w0=30&step=0",  # 1.068647458 × 10^13 · 9.357622969 × 10^-14
    "?tab=student&digits=10",  # the forward pass and the update, each on one line before
])
def test_phone_formulas_fit_without_scrolling_at_ten_digits(new_page, app_url, query):
    """At 10 digits five formulas of "Take a step apart" were 2 to 22 px wider than the
    phone's 358 px, and the three of "Why (p − y)·x" 430 to 780 px: each scrolled sideways.
    Now every line fits."""
    page = new_page(viewport=PHONE)
    open_app(page, app_url, query)
    if "tab=step" in query:
        open_step_expanders(page)
    settle(page)
    formulas = page.evaluate(KATEX_WIDTHS)
    assert len(formulas) >= 4, formulas
    wide = [f for f in formulas if f["ownScroll"] > f["ownClient"] + 1]
    assert wide == [], wide
