"""The learner's words: no internal names of the examples and no paths outside the repository.

The examples were once called "seed 001/002/003" after the notes they came from, and those
notes lived in a folder beside the repository; neither may reach the page. Here: every lesson
part with its answer revealed (the views are read in test_views.py's walk through them). The
text read is the app's whole DOM text (hidden parts too), chart text and the accessible
labels, titles and placeholders.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LESSON_STEPS,
    assert_clean,
    button,
    open_app,
    page_text,
    rerun,
)

pytestmark = pytest.mark.browser

FORBIDDEN = {
    "an example's old internal name": re.compile(r"seed[\s_-]*00", re.IGNORECASE),
    "a path outside the repository": re.compile(r"shared/|\.\./", re.IGNORECASE),
}


def forbidden_words(text: str) -> list[str]:
    """Each forbidden phrase found, with the text around it."""
    found = []
    for what, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 60):match.end() + 60].replace("\n", " ")
            found.append(f"{what}: …{around}…")
    return found


def test_no_internal_names_or_outside_paths_in_the_lesson(page, app_url):
    open_app(page, app_url, "?lesson=1")
    found = {}
    for number in range(1, LESSON_STEPS + 1):
        expect(page.get_by_text(f"Lesson, part {number} of {LESSON_STEPS}")).to_be_visible()
        with rerun(page):  # a guess, then the answer and its explanation
            page.locator(f"[class*='st-key-lesson_guess_{number}_']").get_by_role(
                "radio").first.check(force=True)
        with rerun(page):
            button(page, f"lesson_reveal_{number}").click()
        expect(page.get_by_text(re.compile(r"Right\.|Not quite"))).to_be_visible()
        if words := forbidden_words(page_text(page)):
            found[number] = words
        if number < LESSON_STEPS:
            with rerun(page):
                button(page, "lesson_next").click()
    assert found == {}
    assert_clean(page)
