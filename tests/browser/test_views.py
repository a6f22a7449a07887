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
    VIEWS,
    assert_clean,
    button,
    keyed,
    metric,
    open_app,
    open_view,
    query_of,
    rerun,
    settle,
    slider_thumb,
)

pytestmark = pytest.mark.browser

RATE_IN_LABEL = re.compile(r"learning rate[^:]*: ([^;]+);")
LESSON_TITLES = ["Forward pass", "Loss", "Gradient", "One update", "Many steps",
                 "Learning rate: too small, good, too large", "Separable data"]


def test_every_formula_parses(page, app_url, artifacts_dir: Path):
    open_app(page, app_url)
    broken, rendered = {}, 0
    for slug in VIEWS:
        open_view(page, slug)
        rendered += page.locator(".katex").filter(visible=True).count()
        errors = page.locator(".katex-error")
        if errors.count():
            broken[slug] = [e.get_attribute("title") for e in errors.all()]
            page.screenshot(path=artifacts_dir / f"katex-error-{slug}.png")
    assert rendered >= 10, "too few formulas drawn to say that they parse"
    assert broken == {}, "KaTeX parse errors (see test-artifacts/katex-error-*.png)"
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
    expect(page.get_by_role("tab", name=VIEWS["rates"], exact=True)).to_have_attribute(
        "aria-selected", "true")
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
    # Part 7 is the 5 points at rate 1 for 2,000 steps.
    expect(slider_thumb(page, "learning_rate")).to_have_attribute("aria-valuetext", "1")
    expect(slider_thumb(page, "steps")).to_have_attribute("aria-valuetext", "2,000")

    with rerun(page):
        button(page, "lesson_back").click()
    expect(heading).to_have_text(f"Lesson, part 6 of {LESSON_STEPS}: {LESSON_TITLES[5]}")
    expect(page).to_have_url(re.compile(r"[?&]lesson=6(&|$)"))
    assert query_of(page.url)["data"] == "wikipedia_students"

    with rerun(page):
        button(page, "lesson_leave").click()
    expect(heading).to_have_count(0)
    expect(page.get_by_role("tab", name=VIEWS["step"], exact=True)).to_be_visible()
    expect(metric(page, "Loss at step 0")).to_be_visible()
    assert "lesson" not in query_of(page.url)
    assert_clean(page)
