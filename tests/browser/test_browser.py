"""The dashboard in a real browser: headless Chromium against `streamlit run app.py`.

Run alone with ``python -m pytest -m browser``. Screenshots, the server's log and notes on
each screenshot go to test-artifacts/ at the repo root.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app, wait_for_app

pytestmark = pytest.mark.browser

TITLE = "How logistic regression learns"
SEED_001_LINK = "?data=five_points&lr=0.1&steps=1&w0=2.197&b0=-6.593&step=0"
TABS = [
    "Step in detail", "Landscape", "Seed 001: worked example", "Seed 002: one student",
    "Seed 003 on trial", "Why it works", "Loop vs vectorized", "Share & download", "Data",
]
#: The link of the default view (settings.py's keys; the app may add more).
DEFAULT_QUERY = {
    "data": "five_points", "lr": "0.5", "steps": "200", "w0": "0", "b0": "0", "l2": "0",
    "std": "0", "step": "200", "log": "0", "digits": "4",
}
SIZES = {"desktop": (1400, 1000), "phone": (390, 844)}
TALL = 2400  # Streamlit scrolls an inner container, so a tall viewport shows more of the page
TALL_MAX = 6000


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Rendered text as typed: KaTeX's minus sign (U+2212) as "-", no zero-width spaces."""
    return text.replace("\u2212", "-").replace("\u200b", "").strip()


def metric(page, label: str):
    """The st.metric whose label is exactly ``label``."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=exact))


def metric_value(page, label: str):
    return metric(page, label).get_by_test_id("stMetricValue")


def latex_texts(scope) -> list[str]:
    """The rendered text of every KaTeX formula in ``scope``, normalized."""
    texts = scope.locator(".katex-html").evaluate_all("els => els.map(e => e.textContent)")
    return [norm(t) for t in texts]


def slider_thumb(scope, label: str):
    """The keyboard-focusable thumb of the st.slider / st.select_slider labelled ``label``."""
    return scope.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")


def query_of(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def assert_clean(page) -> None:
    """No Python exception box on the page, no console error and no uncaught page error."""
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, f"exception on the page: {exceptions.all_inner_texts()}"
    assert page.console_errors == [], f"browser errors: {page.console_errors}"


def main_overflow(page) -> dict:
    """Widths of the scrolling main container and of the document (for overflow checks)."""
    return page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const root = document.documentElement;
            return {mainScroll: main.scrollWidth, mainClient: main.clientWidth,
                    mainScrollHeight: main.scrollHeight,
                    docScroll: root.scrollWidth, docClient: root.clientWidth};
        }"""
    )


def assert_layout_ok(page) -> dict:
    assert page.get_by_test_id("stException").count() == 0
    sizes = main_overflow(page)
    assert sizes["mainScroll"] <= sizes["mainClient"] + 1, f"main block overflows: {sizes}"
    assert sizes["docScroll"] <= sizes["docClient"] + 1, f"page overflows: {sizes}"
    return sizes


def settle(page) -> None:
    """Wait until every visible Vega-Lite chart has drawn and the web fonts are loaded.

    Charts in tabs that are not shown draw only once their tab opens, so only visible ones
    are waited for.
    """
    charts = page.get_by_test_id("stVegaLiteChart").filter(visible=True)
    expect(charts.locator("svg.marks, canvas.marks")).to_have_count(charts.count())
    page.evaluate("() => document.fonts.ready.then(() => true)")
    # Two animation frames, so a resize observer's redraw has reached the screen.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


# ----------------------------------------------------------------------------------------
# Tests
# ----------------------------------------------------------------------------------------


def test_default_page_renders(page, app_url):
    open_app(page, app_url)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(metric_value(page, "Loss at step 0")).to_have_text("0.6931")
    expect(metric(page, "Loss at step 200")).to_be_visible()
    for name in TABS:
        expect(page.get_by_role("tab", name=name, exact=True)).to_have_count(1)
    query = query_of(page.url)
    assert {key: query.get(key) for key in DEFAULT_QUERY} == DEFAULT_QUERY
    assert_clean(page)


def test_learning_rate_keyboard_change_updates_loss(page, app_url):
    open_app(page, app_url)
    sidebar = page.get_by_test_id("stSidebar")
    thumb = slider_thumb(sidebar, "Learning rate η")
    expect(thumb).to_have_attribute("aria-valuetext", "0.5")
    final_loss = metric_value(page, "Loss at step 200")
    before = final_loss.inner_text()

    thumb.focus()
    page.keyboard.press("ArrowRight")
    wait_for_app(page)

    expect(thumb).to_have_attribute("aria-valuetext", "1")
    expect(final_loss).not_to_have_text(before)
    expect(metric_value(page, "Loss at step 0")).to_have_text("0.6931")  # start unchanged
    expect(page.get_by_label("Learning rate η: exact value")).to_have_value("1")
    expect(page).to_have_url(re.compile(r"[?&]lr=1(&|$)"))
    assert query_of(page.url)["lr"] == "1"
    assert_clean(page)


def test_inspect_step_scrubber_updates_step_detail(page, app_url):
    open_app(page, app_url)
    panel = page.get_by_test_id("stTabPanel").first  # "Step in detail", open by default
    table = panel.get_by_test_id("stDataFrame").first
    formulas = panel.locator(".katex-html")
    expect(metric(page, "w at step 200")).to_be_visible()
    tex_before = latex_texts(panel)
    assert tex_before, "no formula under the step table"
    cells = table.locator('[role="gridcell"]')
    p_sample_1 = table.get_by_test_id("glide-cell-4-0")  # column p, first sample
    expect(p_sample_1).to_be_attached()  # the grid mirrors its cells once it has drawn
    cells_before = cells.all_text_contents()
    table_png_before = table.screenshot()

    thumb = slider_thumb(page.get_by_test_id("stMain"), "Inspect step")
    expect(thumb).to_have_attribute("aria-valuetext", "200")
    thumb.focus()
    page.keyboard.press("Home")
    wait_for_app(page)

    expect(thumb).to_have_attribute("aria-valuetext", "0")
    expect(metric(page, "w at step 0")).to_be_visible()
    expect(metric_value(page, "w at step 0")).to_have_text("0")
    expect(metric_value(page, "b at step 0")).to_have_text("0")
    expect(formulas.first).not_to_have_text(tex_before[0])
    tex_after = latex_texts(panel)
    assert tex_after != tex_before
    # At step 0 (w = b = 0) every logit is 0, every p is 0.5, every loss is log 2.
    assert tex_after[0].endswith("=0"), tex_after[0]
    loss_line = next(t for t in tex_after if t.startswith("J="))
    assert loss_line.endswith("=0.6931"), loss_line
    # The table itself: its accessible cells (glide-data-grid mirrors them in the DOM) and
    # its pixels both changed.
    expect(p_sample_1).to_have_text("0.5")
    assert cells.all_text_contents() != cells_before
    assert table.screenshot() != table_png_before
    assert query_of(page.url)["step"] == "0"
    assert_clean(page)


def test_link_with_parameters_opens_seed_001(page, app_url):
    open_app(page, app_url, SEED_001_LINK)
    expect(metric_value(page, "Loss at step 0")).to_have_text("0.1855")
    expect(metric_value(page, "w at step 0")).to_have_text("2.197")
    expect(metric_value(page, "b at step 0")).to_have_text("-6.593")
    expect(metric(page, "Loss at step 1")).to_be_visible()
    expect(slider_thumb(page.get_by_test_id("stSidebar"), "Learning rate η")).to_have_attribute(
        "aria-valuetext", "0.1")
    expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(0)

    tex = latex_texts(page.get_by_test_id("stTabPanel").first)
    update_w = next(t for t in tex if t.startswith("w1←"))
    update_b = next(t for t in tex if t.startswith("b←"))
    assert update_w.endswith("=2.172"), update_w
    assert update_b.endswith("=-6.603"), update_b
    query = query_of(page.url)
    assert {k: query[k] for k in ("data", "lr", "steps", "w0", "b0", "step")} == {
        "data": "five_points", "lr": "0.1", "steps": "1", "w0": "2.197", "b0": "-6.593",
        "step": "0",
    }
    assert_clean(page)


def test_link_with_bad_parameter_warns(page, app_url):
    open_app(page, app_url, "?lr=banana")
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("lr=")
    expect(warning).to_contain_text("banana")
    # The default rate is used instead, and the address bar is corrected.
    expect(metric_value(page, "Loss at step 200")).to_have_text("0.1711")
    assert query_of(page.url)["lr"] == "0.5"
    assert_clean(page)


def test_downloads_history_and_script(page, app_url, tmp_path: Path):
    open_app(page, app_url)
    page.get_by_role("tab", name="Share & download").click()

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the training history (CSV)").click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == "descent_lab_five_points_history.csv"
    history_path = tmp_path / download.suggested_filename
    download.save_as(history_path)
    history = pd.read_csv(history_path)
    assert len(history) == 201
    assert list(history.columns[:4]) == ["step", "w[x]", "b", "loss"]
    assert history["step"].tolist() == list(range(201))
    assert abs(history["loss"].iloc[0] - math.log(2)) <= 1e-12

    with page.expect_download() as info:
        page.get_by_role("button", name="Download a numpy script that reruns it").click()
    download = info.value
    assert download.failure() is None
    script_path = tmp_path / download.suggested_filename
    download.save_as(script_path)
    run = subprocess.run([sys.executable, str(script_path)], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path, check=False)
    assert run.returncode == 0, run.stderr
    rerun = pd.read_csv(StringIO(run.stdout))
    assert list(rerun.columns) == ["step", "x", "b", "loss"]
    assert len(rerun) == len(history)
    np.testing.assert_array_equal(rerun["loss"].to_numpy(), history["loss"].to_numpy())
    np.testing.assert_array_equal(rerun["x"].to_numpy(), history["w[x]"].to_numpy())
    np.testing.assert_array_equal(rerun["b"].to_numpy(), history["b"].to_numpy())
    assert_clean(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", list(SIZES))
def test_screenshots(new_page, app_url, artifacts_dir: Path, device, scheme):
    width, height = SIZES[device]
    page = new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    open_app(page, app_url)
    settle(page)
    stem = f"screenshot-{device}-{scheme}"
    page.screenshot(path=artifacts_dir / f"{stem}.png")
    sizes = assert_layout_ok(page)

    # A tall viewport, as tall as the main block's content, for a fuller picture.
    page.set_viewport_size({"width": width, "height": TALL})
    settle(page)
    tall = min(max(TALL, main_overflow(page)["mainScrollHeight"]), TALL_MAX)
    if tall > TALL:
        page.set_viewport_size({"width": width, "height": tall})
        settle(page)
    page.screenshot(path=artifacts_dir / f"{stem}-tall.png")
    tall_sizes = assert_layout_ok(page)

    colors = page.evaluate(
        """() => {
            const app = getComputedStyle(document.querySelector('[data-testid="stApp"]'));
            const title = document.querySelector('h1');
            return {background: app.backgroundColor,
                    text: title ? getComputedStyle(title).color : null,
                    prefersDark: matchMedia('(prefers-color-scheme: dark)').matches};
        }"""
    )
    (artifacts_dir / f"{stem}.json").write_text(json.dumps(
        {"viewport": [width, height], "tall_viewport": [width, tall], "colors": colors,
         "sizes": sizes, "tall_sizes": tall_sizes}, indent=2) + "\n")
    assert colors["prefersDark"] == (scheme == "dark")
    assert colors["background"] != colors["text"]
    assert_clean(page)


def test_every_tab_fits_a_phone(new_page, app_url):
    page = new_page(viewport={"width": 390, "height": 844})
    open_app(page, app_url)
    for name in TABS:
        tab = page.get_by_role("tab", name=name)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        expect(page.get_by_test_id("stTabPanel").filter(visible=True)).to_have_count(1)
        settle(page)
        assert_layout_ok(page)
    assert_clean(page)


def test_every_formula_parses(page, app_url, artifacts_dir: Path):
    open_app(page, app_url)
    broken = {}
    for name in TABS:
        tab = page.get_by_role("tab", name=name)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        errors = page.locator(".katex-error").filter(visible=True)
        if errors.count():
            broken[name] = [e.get_attribute("title") for e in errors.all()]
            errors.first.scroll_into_view_if_needed()
            page.screenshot(path=artifacts_dir / "katex-error.png")
    assert broken == {}, "KaTeX parse errors (see test-artifacts/katex-error.png)"
    assert_clean(page)
