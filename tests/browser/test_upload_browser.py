"""Uploading a CSV through the real page: hostile column names, a bad file, markup in a file.

Files are chosen through the browser's file chooser, as a person would.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    assert_clean,
    keyed,
    metric,
    open_app,
    player,
    rerun,
)

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad_csv"
#: Exactly two features (one with a colon, the other with a backslash and a line break) and
#: a label column named ``label``.
HOSTILE_COLUMNS = ["hours: studied", "sleep\\night\nhours", "label"]
HOSTILE_ROWS = [
    (0.5, 8.0, 0), (1.0, 7.5, 0), (1.5, 6.0, 0), (2.0, 7.0, 0), (2.5, 5.5, 1), (3.0, 6.5, 0),
    (3.5, 5.0, 1), (4.0, 6.0, 1), (4.5, 4.5, 1), (5.0, 7.0, 1), (1.2, 5.0, 1), (4.2, 8.0, 0),
]


#: The uploader's button that opens the file chooser: "Upload", then "Add files" beside a file.
CHOOSE_FILE = re.compile(r"^(Upload|Add files)")


def choose_upload(page, app_url: str) -> None:
    """Open the app and pick "Your own CSV file" in the sidebar's data box."""
    open_app(page, app_url)
    data_box = keyed(page.get_by_test_id("stSidebar"), "dataset")
    data_box.get_by_role("combobox").click()
    with rerun(page):
        page.get_by_role("option", name="Your own CSV file").click()
    expect(page.get_by_text("Choose a CSV file in the sidebar")).to_be_visible()


def upload(page, path: Path) -> None:
    """Choose ``path`` in the uploader's file chooser and wait for the runs it starts."""
    uploader = page.get_by_test_id("stFileUploader")
    with rerun(page):
        with page.expect_file_chooser() as chooser:
            uploader.get_by_role("button", name=CHOOSE_FILE).first.click()
        chooser.value.set_files(str(path))


def test_hostile_column_names_still_draw_the_model(page, app_url, tmp_path: Path):
    path = tmp_path / "hostile.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HOSTILE_COLUMNS)
        writer.writerows(HOSTILE_ROWS)
    choose_upload(page, app_url)
    upload(page, path)

    expect(metric(page, "Loss at step 0")).to_be_visible()
    # The player draws every sample, and its axes carry the names as plain text (a canvas
    # draws text; it never parses it as markup).
    drawn = player(page).evaluate(
        "root => ({n: root.__player.d.points.x.length, titles: root.__player.d.titles,"
        " drawn: Number(root.dataset.drawn)})")
    assert drawn["n"] == len(HOSTILE_ROWS) and drawn["drawn"] >= 1, drawn
    assert any("hours: studied" in t for t in drawn["titles"]), drawn
    assert any("sleep\\night hours" in t for t in drawn["titles"]), drawn
    assert_clean(page)


def test_a_bad_file_gets_its_message_and_the_page_keeps_working(page, app_url):
    choose_upload(page, app_url)
    upload(page, CORPUS / "xlsx_renamed.csv")
    expect(page.get_by_text("This looks like an Excel workbook (.xlsx)")).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0
    upload(page, CORPUS / "semicolon.csv")  # a good file replaces it, and training starts
    expect(metric(page, "Loss at step 0")).to_be_visible()
    assert_clean(page)


def test_markup_in_a_file_stays_text(page, app_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    choose_upload(page, app_url)
    upload(page, CORPUS / "html_injection.csv")
    expect(metric(page, "Loss at step 0")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Starting weights (4)").click()
    # The names show as typed, with their markup characters, not as bold text or HTML.
    expect(sidebar.get_by_text("Weight of **bold** at step 0", exact=True)).to_be_visible()
    expect(sidebar.get_by_text("Weight of <script>alert(1)</script> at step 0", exact=True)
           ).to_be_visible()
    # Inside the app (the page shell has scripts of its own) no element came from the file.
    injected = page.evaluate(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        ".querySelectorAll('img[src=\"x\"], script, b').length")
    assert injected == 0 and dialogs == []
    assert_clean(page)
