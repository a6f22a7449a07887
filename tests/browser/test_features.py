"""The features added after the first browser suite, in headless Chromium against the server.

The learning-rate explorer and a click on its sweep chart, playback of the inspected step, the
loss landscape, seed 003's bug switches, "predict first, then reveal", and the explorer at
phone width. Run alone with ``python -m pytest -m browser``; the screenshot goes to
test-artifacts/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app, wait_for_app
from tests.browser.test_browser import (
    assert_clean,
    main_overflow,
    metric_value,
    query_of,
    slider_thumb,
)

pytestmark = pytest.mark.browser

WAIT_MS = 20_000  # for expect(): a rerun on a busy two-CPU machine can take several seconds
SWEEP_TITLE = "Click a point to use its rate"
EXPLORER_CHARTS = [
    "Loss from the same start; thick line: your rate",
    SWEEP_TITLE,
    "Gradient descent, SGD and momentum",
]
PHONE = {"width": 390, "height": 844}
TALL_MAX = 8000


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def switch(scope, label: str):
    """The clickable label of the st.toggle / st.checkbox whose label starts with ``label``.

    Its input is visually hidden (a 1 px clip) under the label, so the label takes the click.
    """
    return scope.get_by_test_id("stCheckbox").filter(has_text=label).locator("label").first


def chart(scope, title: str):
    """The Vega-Lite chart whose (SVG-rendered) title is ``title``."""
    return scope.get_by_test_id("stVegaLiteChart").filter(has_text=title)


def settle_visible(page) -> None:
    """Wait until every visible chart has drawn (charts in hidden tabs never draw)."""
    charts = page.get_by_test_id("stVegaLiteChart").filter(visible=True)
    expect(charts.locator("svg.marks, canvas.marks")).to_have_count(charts.count(),
                                                                    timeout=WAIT_MS)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def open_tab(page, name: str):
    """Select a tab and return its (only visible) panel."""
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    panel = page.get_by_test_id("stTabPanel").filter(visible=True)
    expect(panel).to_have_count(1)
    return panel


def step_value(thumb) -> int:
    return int(thumb.get_attribute("aria-valuetext").replace(",", ""))


# ----------------------------------------------------------------------------------------
# Tests
# ----------------------------------------------------------------------------------------


def test_explorer_opens_and_a_sweep_click_sets_the_rate(page, app_url):
    open_app(page, app_url)
    final_loss = metric_value(page, "Loss at step 200")
    loss_before = final_loss.inner_text()
    assert query_of(page.url)["lr"] == "0.5"

    switch(page, "Compare learning rates").click()
    wait_for_app(page)
    expect(page.get_by_role("switch", name="Compare learning rates")).to_be_checked()
    for title in EXPLORER_CHARTS:
        expect(chart(page, title)).to_have_count(1, timeout=WAIT_MS)
        expect(chart(page, title).locator("svg.marks, canvas.marks")).to_have_count(1)
    expect(page.get_by_test_id("stNumberInput").filter(has_text="SGD batch size")).to_be_visible()
    assert query_of(page.url)["explore"] == "1"
    assert_clean(page)

    # The sweep's points are SVG symbols whose aria-label starts with their rate; the chart
    # picks the nearest point to a click. Click where the smallest rate's point is drawn.
    sweep = chart(page, SWEEP_TITLE)
    sweep.scroll_into_view_if_needed()
    points = sweep.locator('g.mark-symbol path[aria-label^="learning rate"]')
    labels = points.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    rates = [float(re.match(r"learning rate[^:]*: ([^;]+);", label).group(1))
             for label in labels]
    assert len(rates) >= 30, labels[:3]
    smallest = min(range(len(rates)), key=rates.__getitem__)
    box = points.nth(smallest).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    expect(page).not_to_have_url(re.compile(r"[?&]lr=0\.5(&|$)"), timeout=WAIT_MS)
    wait_for_app(page)
    picked = float(query_of(page.url)["lr"])
    assert any(abs(picked - rate) <= 1e-4 * rate for rate in rates), (picked, rates)
    assert picked == pytest.approx(rates[smallest], rel=1e-4)
    number_box = page.get_by_label("Learning rate η: exact value")
    expect(number_box).to_have_value(query_of(page.url)["lr"])
    expect(final_loss).not_to_have_text(loss_before, timeout=WAIT_MS)
    assert_clean(page)


def test_playback_advances_the_inspected_step_and_pause_stops_it(page, app_url):
    open_app(page, app_url, "?step=0")
    thumb = slider_thumb(page.get_by_test_id("stMain"), "Inspect step")
    expect(thumb).to_have_attribute("aria-valuetext", "0")

    page.get_by_role("button", name="▶ play").click()
    expect(page.get_by_role("button", name="⏸ pause")).to_be_visible(timeout=WAIT_MS)
    time.sleep(3)
    playing_step = step_value(thumb)
    assert playing_step > 0, "the inspected step did not advance in 3 s of playback"
    # The address bar follows within a tick.
    expect(page).to_have_url(re.compile(r"[?&]step=[1-9]\d*(&|$)"), timeout=WAIT_MS)

    page.get_by_role("button", name="⏸ pause").click()
    expect(page.get_by_role("button", name="▶ play")).to_be_visible(timeout=WAIT_MS)
    wait_for_app(page)
    paused_step = step_value(thumb)
    assert paused_step >= playing_step
    time.sleep(2)  # four ticks at the normal speed, had it kept playing
    wait_for_app(page)
    shown = {"scrubber": step_value(thumb), "link": query_of(page.url)["step"],
             "headline": [label for label in page.get_by_test_id("stMetricLabel")
                          .all_inner_texts() if label.startswith("w at step")]}
    assert shown["scrubber"] == paused_step, f"the step kept advancing after pause: {shown}"
    assert shown["link"] == str(paused_step), f"scrubber, link and views disagree: {shown}"
    assert shown["headline"] == [f"w at step {paused_step}"], shown
    assert_clean(page)


def test_landscape_tab_draws_its_chart(page, app_url):
    open_app(page, app_url)
    panel = open_tab(page, "Landscape")
    landscape = panel.get_by_test_id("stVegaLiteChart")
    expect(landscape.first).to_be_visible()
    expect(landscape.first.locator("svg.marks, canvas.marks")).to_have_count(1, timeout=WAIT_MS)
    assert panel.get_by_test_id("stSelectbox").count() == 0  # one feature: axes are w and b
    assert_clean(page)


def test_landscape_offers_two_axes_with_many_features(page, app_url):
    open_app(page, app_url, "?data=breast_cancer&steps=50")
    panel = open_tab(page, "Landscape")
    for label in ("Horizontal axis", "Vertical axis"):
        expect(panel.get_by_test_id("stSelectbox").filter(has_text=label)).to_be_visible()
    expect(panel.get_by_test_id("stVegaLiteChart").first.locator("svg.marks, canvas.marks")
           ).to_have_count(1, timeout=WAIT_MS)
    assert_clean(page)


def test_seed_003_bias_self_update_switch(page, app_url):
    open_app(page, app_url)
    panel = open_tab(page, "Seed 003 on trial")
    switch(panel, "the bias is updated with itself").click()
    wait_for_app(page)
    expect(panel.get_by_role("checkbox", name=re.compile(r"^the bias is updated with itself"))
           ).to_be_checked()
    expect(panel.get_by_text("Cannot interpret '1' as a data type")).to_be_visible()
    # The buggy run is labelled by its bug in the chart's legend.
    expect(chart(panel, "seed 003 with bias_self_update")).to_have_count(1, timeout=WAIT_MS)
    assert_clean(page)


def test_predict_first_then_reveal(page, app_url):
    open_app(page, app_url)
    panel = page.get_by_test_id("stTabPanel").first  # "Step in detail", open by default
    switch(panel, "Predict first, then reveal").click()
    wait_for_app(page)
    groups = panel.get_by_test_id("stRadio")
    expect(groups).to_have_count(3)
    expect(panel.get_by_text("Make your guesses, then reveal the step.")).to_be_visible()
    for k in range(3):
        groups.nth(k).get_by_test_id("stRadioOption").first.click()
        wait_for_app(page)
        expect(groups.nth(k).get_by_role("radio").first).to_be_checked()
    panel.get_by_role("button", name="Reveal", exact=True).click()
    wait_for_app(page)
    expect(panel.get_by_text(re.compile(r"[0-3] of 3 right"))).to_be_visible(timeout=WAIT_MS)
    assert_clean(page)


def test_explorer_fits_a_phone(new_page, app_url, artifacts_dir: Path):
    page = new_page(viewport=PHONE)
    open_app(page, app_url, "?explore=1")
    expect(chart(page, SWEEP_TITLE)).to_have_count(1)
    settle_visible(page)
    sizes = main_overflow(page)
    assert sizes["mainScroll"] <= sizes["mainClient"] + 1, f"main block overflows: {sizes}"

    # As tall as the content (capped), so the screenshot shows the whole explorer.
    tall = min(max(PHONE["height"], sizes["mainScrollHeight"]), TALL_MAX)
    page.set_viewport_size({"width": PHONE["width"], "height": tall})
    settle_visible(page)
    page.screenshot(path=artifacts_dir / "screenshot-phone-explorer.png")
    sizes = main_overflow(page)
    assert sizes["mainScroll"] <= sizes["mainClient"] + 1, f"main block overflows: {sizes}"
    assert_clean(page)
