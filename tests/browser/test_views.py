"""The views and the lesson: formulas, a click on the sweep chart, the lesson's navigation.

Run alone with ``python -m pytest -m browser``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LESSON_STEPS,
    PHONE,
    VIEWS,
    assert_clean,
    button,
    keyed,
    metric,
    open_app,
    open_step_expanders,
    open_view,
    overflow,
    page_text,
    query_of,
    rerun,
    settle,
    slider_thumb,
    tab,
    wait_for,
    wait_idle,
)
from tests.browser.test_words import forbidden_words

pytestmark = pytest.mark.browser

RATE_IN_LABEL = re.compile(r"learning rate[^:]*: ([^;]+);")
LESSON_TITLES = ["Forward pass", "Loss", "Gradient", "One update", "Many steps",
                 "Learning rate: small, middle, large", "Separable data"]


def test_every_view_parses_fits_a_phone_and_speaks_plainly(new_page, app_url,
                                                          artifacts_dir: Path):
    """One walk through every view at phone width: every formula parses (KaTeX), nothing is
    wider than the phone, and no internal name or outside path reaches the page (the text
    read is the app's whole DOM text, hidden parts too, and its accessible labels)."""
    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    broken, spilled, words, rendered = {}, {}, {}, 0
    for slug in VIEWS:
        open_view(page, slug)
        if slug == "step":
            open_step_expanders(page)
        settle(page)
        rendered += page.locator(".katex").filter(visible=True).count()
        errors = page.locator(".katex-error")
        if errors.count():
            broken[slug] = [e.get_attribute("title") for e in errors.all()]
            page.screenshot(path=artifacts_dir / f"katex-error-{slug}.png")
        sizes = overflow(page)
        if (sizes["mainScroll"] > sizes["mainClient"] + 1
                or sizes["docScroll"] > sizes["docClient"] + 1):
            spilled[slug] = sizes
        if found := forbidden_words(page_text(page)):
            words[slug] = found
    assert rendered >= 10, "too few formulas drawn to say that they parse"
    assert broken == {}, "KaTeX parse errors (see test-artifacts/katex-error-*.png)"
    assert spilled == {}, "views wider than the phone"
    assert words == {}, "internal names or outside paths"
    assert_clean(page)


def test_a_click_on_a_sweep_point_sets_the_learning_rate(page, app_url):
    open_app(page, app_url, "?tab=rates")
    settle(page)
    rate_thumb = slider_thumb(page, "learning_rate")
    expect(rate_thumb).to_have_attribute("aria-valuetext", "0.5")
    sweep = keyed(page, "sweep_chart")
    sweep.scroll_into_view_if_needed()
    points = sweep.locator('g.mark-symbol.role-mark path[aria-label^="learning rate"]')
    labels = points.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    rates = [float(RATE_IN_LABEL.match(label).group(1)) for label in labels]
    assert len(rates) >= 30, labels[:3]
    # The smallest rate, far from 0.5: its point is at the left end of the sweep.
    smallest = min(range(len(rates)), key=rates.__getitem__)
    box = points.nth(smallest).bounding_box()
    with rerun(page):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    expect(page).not_to_have_url(re.compile(r"[?&]lr=0\.5(&|$)"))
    picked = float(query_of(page.url)["lr"])
    assert picked == pytest.approx(rates[smallest], rel=1e-4), (picked, rates[smallest])
    expect(rate_thumb).to_have_attribute("aria-valuetext", query_of(page.url)["lr"])
    expect(tab(page, "rates")).to_have_attribute("aria-selected", "true")
    assert_clean(page)


def test_lesson_next_and_back(page, app_url):
    open_app(page, app_url, "?lesson=1")
    heading = page.get_by_text(re.compile(r"^Lesson, part \d of \d: "))
    expect(heading).to_have_text(f"Lesson, part 1 of {LESSON_STEPS}: {LESSON_TITLES[0]}")
    expect(button(page, "lesson_back")).to_be_disabled()
    expect(page.get_by_role("tab")).to_have_count(0)  # the lesson replaces the views

    for number in range(2, LESSON_STEPS + 1):
        with rerun(page):
            button(page, "lesson_next").click()
        expect(heading).to_have_text(
            f"Lesson, part {number} of {LESSON_STEPS}: {LESSON_TITLES[number - 1]}")
        expect(page).to_have_url(re.compile(rf"[?&]lesson={number}(&|$)"))
    expect(button(page, "lesson_next")).to_be_disabled()
    # Part 7 is the 5 points for 2,000 steps; it compares three rates, so it has no rate slider.
    expect(slider_thumb(page, "steps")).to_have_attribute("aria-valuetext", "2,000")
    expect(keyed(page, "learning_rate")).to_have_count(0)
    assert query_of(page.url)["data"] == "five_points"

    with rerun(page):
        button(page, "lesson_back").click()
    expect(heading).to_have_text(f"Lesson, part 6 of {LESSON_STEPS}: {LESSON_TITLES[5]}")
    expect(page).to_have_url(re.compile(r"[?&]lesson=6(&|$)"))
    assert query_of(page.url)["data"] == "wikipedia_students"

    with rerun(page):
        button(page, "lesson_leave").click()
    expect(heading).to_have_count(0)
    expect(tab(page, "step")).to_be_visible()
    expect(metric(page, "Loss at step 0")).to_be_visible()
    assert "lesson" not in query_of(page.url)
    assert_clean(page)


def test_a_click_on_the_landscape_starts_the_run_there(page, app_url):
    """A click near the heatmap's top left corner (small w, large b) sets the start there:
    the link, the start sliders and the surface around the new path follow."""
    open_app(page, app_url, "?tab=landscape")
    settle(page)
    chart = keyed(page, "landscape_chart")
    chart.scroll_into_view_if_needed()
    canvas = chart.locator("canvas").first  # the heatmap is drawn on a canvas
    box = canvas.bounding_box()
    for _ in range(50):  # under load the chart may still be laying out: wait until it is still
        page.wait_for_timeout(100)
        box, last = canvas.bounding_box(), box
        if box == last:
            break
    before = chart.get_by_test_id("stVegaLiteChart").get_attribute("aria-label")
    with rerun(page):  # inside the plot: right of the y axis' labels, below its top edge
        page.mouse.click(box["x"] + 0.15 * box["width"], box["y"] + 20)
    # The view's own rerun sees the new start and asks for a whole-page run, which writes the
    # link: under load that second run may still be going when the first one ends.
    wait_for(page, "() => new URLSearchParams(location.search).get('w0') !== '0'",
             "the link to carry the clicked start")
    wait_idle(page)
    query = query_of(page.url)
    w0, b0 = float(query["w0"]), float(query["b0"])
    assert w0 < 0 < b0, query  # the top left: left of w = 0 and above b = 0
    expect(slider_thumb(page, "w0_0")).to_have_attribute("aria-valuetext", query["w0"])
    expect(slider_thumb(page, "b0")).to_have_attribute("aria-valuetext", query["b0"])
    settle(page)
    after = chart.get_by_test_id("stVegaLiteChart").get_attribute("aria-label")
    assert after != before, after  # a new surface around the new path
    expect(tab(page, "landscape")).to_have_attribute("aria-selected", "true")
    assert_clean(page)
