"""Screenshots for a person to look at, with the checks a screenshot alone cannot make.

Written to test-artifacts/ under stable names: ``screenshot-<desktop|phone>-<light|dark>.png``
(the first screen at the device's size), the same with ``-tall`` (the viewport enlarged to
the whole page: Streamlit scrolls an inner container, so ``full_page`` would show one screen),
``screenshot-learning-rates.png`` and ``screenshot-lesson.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_clean,
    assert_no_horizontal_overflow,
    enlarge_to_content,
    open_app,
    settle,
)

pytestmark = pytest.mark.browser

DEVICES = {"desktop": DESKTOP, "phone": PHONE}

#: The app's background and its title's colour, and what the browser prefers.
COLOURS = """
() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const app = getComputedStyle(document.querySelector('[data-testid="stApp"]'));
  const title = getComputedStyle(document.querySelector('h1'));
  return {background: rgb(app.backgroundColor), text: rgb(title.color),
          prefersDark: matchMedia('(prefers-color-scheme: dark)').matches};
}
"""
#: Text cells of the page's HTML tables that read as a missing value.
MISSING_CELLS = """
() => [...document.querySelectorAll('[data-testid="stMain"] td, [data-testid="stMain"] th')]
  .map(c => c.textContent.trim()).filter(t => /^(None|nan|NaN|null|undefined)$/.test(t))
"""


def luminance(rgb: list[float]) -> float:
    """Relative luminance (WCAG) of an sRGB colour given as 0-255 channels."""
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", list(DEVICES))
def test_screenshots(new_page, app_url, artifacts_dir: Path, device, scheme):
    viewport = DEVICES[device]
    page = new_page(viewport=viewport, color_scheme=scheme)
    open_app(page, app_url)
    settle(page)
    page.screenshot(path=artifacts_dir / f"screenshot-{device}-{scheme}.png")
    assert_no_horizontal_overflow(page, f"{device} {scheme}")

    colours = page.evaluate(COLOURS)
    assert colours["prefersDark"] == (scheme == "dark")
    dark_background = luminance(colours["background"]) < 0.2
    assert dark_background == (scheme == "dark"), colours
    assert contrast(colours["background"], colours["text"]) >= 7, colours
    assert page.evaluate(MISSING_CELLS) == []

    enlarge_to_content(page, viewport["width"])
    page.screenshot(path=artifacts_dir / f"screenshot-{device}-{scheme}-tall.png")
    assert_no_horizontal_overflow(page, f"{device} {scheme}, whole page")
    assert_clean(page)


def test_screenshot_of_the_learning_rates_view(new_page, app_url, artifacts_dir: Path):
    page = new_page(viewport=DESKTOP)
    open_app(page, app_url, "?tab=rates")
    expect(page.get_by_role("tab", name="Learning rates")).to_have_attribute(
        "aria-selected", "true")
    enlarge_to_content(page, DESKTOP["width"])
    page.screenshot(path=artifacts_dir / "screenshot-learning-rates.png")
    assert page.evaluate(MISSING_CELLS) == []
    assert_no_horizontal_overflow(page, "learning rates")
    assert_clean(page)


def test_screenshot_of_the_lesson(new_page, app_url, artifacts_dir: Path):
    page = new_page(viewport=DESKTOP)
    open_app(page, app_url, "?lesson=6")  # three rates on twenty students: the richest part
    expect(page.get_by_text("Lesson, part 6 of 7")).to_be_visible()
    enlarge_to_content(page, DESKTOP["width"])
    page.screenshot(path=artifacts_dir / "screenshot-lesson.png")
    assert page.evaluate(MISSING_CELLS) == []
    assert_no_horizontal_overflow(page, "lesson")
    assert_clean(page)
