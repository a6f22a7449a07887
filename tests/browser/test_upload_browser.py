"""Uploading files through the real page: a bad file, then one that tries to inject markup."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad_csv"


def choose_upload(page, app_url: str) -> None:
    page.goto(app_url + "/", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMetric"]', state="attached")
    wait_for_app(page, after_interaction=False)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Your own CSV file").click()
    wait_for_app(page)
    expect(page.get_by_text("Choose a CSV file in the sidebar")).to_be_visible()


def upload(page, name: str) -> None:
    page.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(
        str(CORPUS / name))
    wait_for_app(page)


def test_bad_file_gets_its_message_and_the_page_keeps_working(page, app_url):
    choose_upload(page, app_url)
    upload(page, "xlsx_renamed.csv")
    expect(page.get_by_text("This looks like an Excel workbook (.xlsx)")).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0
    upload(page, "semicolon.csv")  # a good file replaces it, and training starts
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    expect(page.get_by_text("Loss at step 0")).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0
    assert page.console_errors == []


def test_markup_in_a_file_stays_text(page, app_url, artifacts_dir):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    choose_upload(page, app_url)
    upload(page, "html_injection.csv")
    expect(page.get_by_text("Loss at step 0")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Starting weights (4)").click()
    # the names show as typed, with their markup characters, not as bold text or HTML
    expect(sidebar.get_by_text("w[**bold**] at step 0", exact=True)).to_be_visible()
    script_label = "w[<script>alert(1)</script>] at step 0"
    expect(sidebar.get_by_text(script_label, exact=True)).to_be_visible()
    page.get_by_role("tab", name="Data").click()
    wait_for_app(page, after_interaction=False)
    page.screenshot(path=artifacts_dir / "upload-injection.png")
    # inside the app (the page shell has scripts of its own), no element came from the file
    injected = page.evaluate(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        ".querySelectorAll('img[src=\"x\"], script, b').length")
    assert injected == 0 and dialogs == []
    assert page.get_by_test_id("stException").count() == 0
    assert page.console_errors == []
