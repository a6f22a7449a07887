"""Share & download: the page's full link, and the two downloads.

Run alone with ``python -m pytest -m browser``.
"""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    APP_TIMEOUT_MS,
    assert_clean,
    keyed,
    metrics,
    open_app,
    open_url,
    open_view,
    player,
    query_of,
    rerun,
    slider_thumb,
    tab,
    view_picker,
)

pytestmark = pytest.mark.browser


def test_share_view_shows_the_full_link_and_it_opens_the_same_page(new_page, app_url):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    open_app(page, app_url)
    # Away from the defaults first, so the link has something to carry.
    thumb = slider_thumb(page, "learning_rate")
    thumb.focus()
    with rerun(page):
        page.keyboard.press("ArrowRight")
    expect(thumb).to_have_attribute("aria-valuetext", "1")
    scrubber = player(page).locator("input.scrub")
    scrubber.focus()
    with rerun(page):
        page.keyboard.press("PageDown")
    expect(scrubber).not_to_have_attribute("aria-valuetext", "step 200")
    open_view(page, "rates")  # the view a student should land on
    panel = open_view(page, "share")

    box = keyed(panel, "share_link")
    code = box.locator("code")
    expect(code).to_have_count(1)
    link = code.inner_text().strip()
    parts = urlsplit(link)
    base = urlsplit(app_url)
    assert (parts.scheme, parts.hostname, parts.port) == ("http", base.hostname, base.port), link
    assert parts.path == "/", link
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    # The whole address of the view the teacher came from, never the Share view itself.
    assert query["tab"] == "rates", link
    assert query == query_of(page.url), (link, page.url)
    assert {"data", "lr", "steps", "w0", "b0", "l2", "std", "step"} <= set(query), link
    assert query["lr"] == "1" and query["step"] != "200", link

    # The copy button is there without hovering (a phone cannot hover), and copies the link.
    copy = box.get_by_role("button", name="Copy the link to this view")
    expect(copy).to_be_visible()
    copy.click()
    expect(copy).to_have_text("Copied")
    page.wait_for_function("t => navigator.clipboard.readText().then(c => c === t)", arg=link,
                           timeout=APP_TIMEOUT_MS)
    shown = metrics(page)
    assert_clean(page)

    fresh = new_page()
    open_url(fresh, link)  # exactly the link as shown
    expect(tab(fresh, "rates")).to_have_attribute("aria-selected", "true")
    expect(view_picker(fresh, "rates")).to_have_attribute("aria-checked", "true")
    expect(fresh.get_by_test_id("stAlertContentWarning")).to_have_count(0)
    assert metrics(fresh) == shown
    expect(slider_thumb(fresh, "learning_rate")).to_have_attribute("aria-valuetext", "1")
    assert_clean(fresh)


def test_downloads_history_and_script(page, app_url, tmp_path: Path):
    open_app(page, app_url)
    panel = open_view(page, "share")

    with page.expect_download(timeout=APP_TIMEOUT_MS) as info:
        keyed(panel, "download_history").get_by_role("button").click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == "descent_lab_five_points_history.csv"
    history_path = tmp_path / download.suggested_filename
    download.save_as(history_path)
    history = pd.read_csv(history_path)
    assert len(history) == 201
    assert list(history.columns[:4]) == ["step", "w[x]", "b", "loss"]
    assert history["step"].tolist() == list(range(201))
    assert abs(history["loss"].iloc[0] - np.log(2)) <= 1e-12

    with page.expect_download(timeout=APP_TIMEOUT_MS) as info:
        keyed(panel, "download_script").get_by_role("button").click()
    download = info.value
    assert download.failure() is None
    workdir = tmp_path / "run"
    workdir.mkdir()
    script_path = workdir / download.suggested_filename
    download.save_as(script_path)
    # -I: isolated mode, so nothing of the repository or the environment helps the script.
    run = subprocess.run([sys.executable, "-I", script_path.name], capture_output=True,
                         text=True, timeout=120, cwd=workdir, check=False)
    assert run.returncode == 0, run.stderr
    rerun_csv = pd.read_csv(StringIO(run.stdout))
    assert list(rerun_csv.columns) == ["step", "x", "b", "loss"]
    assert len(rerun_csv) == len(history)
    np.testing.assert_array_equal(rerun_csv["loss"].to_numpy(), history["loss"].to_numpy())
    np.testing.assert_array_equal(rerun_csv["x"].to_numpy(), history["w[x]"].to_numpy())
    np.testing.assert_array_equal(rerun_csv["b"].to_numpy(), history["b"].to_numpy())
    assert_clean(page)
