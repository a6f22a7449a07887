"""The default page and its first screen, in headless Chromium against `streamlit run app.py`.

Run alone with ``python -m pytest -m browser``.
"""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    DEFAULT_QUERY,
    DESKTOP,
    TAB_TITLES,
    TITLE,
    WORKED_LINK,
    assert_clean,
    button,
    fmt,
    gradient_table,
    html_table,
    keyed,
    latex_texts,
    loss_chart,
    metric,
    metric_value,
    model_picture,
    norm,
    number,
    open_app,
    open_step_expanders,
    player,
    player_step,
    query_of,
    reference_run,
    rerun,
    settle,
    slider_thumb,
    within_viewport,
    worked_table,
)

pytestmark = pytest.mark.browser

#: The worked step's exact figures to 4 decimals, and the textbook's printed ones.
WORKED_EXACT = {"loss J": 0.1855, "∂J/∂w": 0.2497, "∂J/∂b": 0.0998, "w′": 2.1720,
                "b′": -6.6030}
WORKED_TEXTBOOK = {"∂J/∂w": "0.2496", "∂J/∂b": "0.0998", "w′": "2.172", "b′": "-6.603"}


def test_default_page_renders_the_right_numbers(page, app_url):
    open_app(page, app_url)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    ref = reference_run(0.5, 200)
    expect(metric_value(page, "Loss at step 0")).to_have_text("0.6931")
    expect(metric_value(page, "Loss at step 200")).to_have_text(fmt(ref.loss[-1]))
    expect(metric_value(page, "w at step 200")).to_have_text(fmt(ref.w[-1]))
    expect(metric_value(page, "b at step 200")).to_have_text(fmt(ref.b[-1]))
    expect(metric_value(page, "Accuracy at step 200")).to_have_text("100%")
    titles = [norm(t) for t in page.get_by_role("tab").all_inner_texts()]
    assert titles == [norm(t) for t in TAB_TITLES]
    assert len(titles) <= 6  # a newcomer sees at most six entries
    expect(page.get_by_role("tab", name=TAB_TITLES[0])).to_have_attribute(
        "aria-selected", "true")
    for key, value in {"learning_rate": "0.5", "steps": "200"}.items():
        expect(slider_thumb(page, key)).to_have_attribute("aria-valuetext", value)
    expect(player(page)).to_have_attribute("data-step", "200")
    query = query_of(page.url)
    assert {key: query.get(key) for key in DEFAULT_QUERY} == DEFAULT_QUERY
    assert_clean(page)


def first_screen_blocks(page, dataset: str) -> dict:
    """The blocks the first screen must show without scrolling, for the data set."""
    main = page.get_by_test_id("stMain")
    blocks = {"rate slider": keyed(page, "learning_rate"), "steps slider": keyed(page, "steps"),
              "loss curve": loss_chart(page), "model picture": model_picture(page),
              "play button": player(page).locator("button.play")}
    if dataset == "five_points":
        blocks["gradient table"] = gradient_table(page)
        blocks["worked step"] = worked_table(page)
    else:  # 100 samples: a scrolling grid, and beside it the plane's editing controls
        blocks["gradient table"] = main.get_by_test_id("stDataFrame").first
        blocks["adding samples"] = main.get_by_text("Move the boundary by hand", exact=True)
    return blocks


@pytest.mark.parametrize("dataset", ["five_points", "iris_petals"])
def test_first_screen_shows_its_blocks_without_scrolling(page, app_url, dataset):
    """At 1400x1000 with the sidebar open, without scrolling: the controls, the loss curve,
    the model picture, the per-sample table and (on the 5 points) the worked step."""
    open_app(page, app_url, f"?data={dataset}")
    settle(page)
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    assert page.get_by_test_id("stMain").evaluate("e => e.scrollTop") == 0
    for name, element in first_screen_blocks(page, dataset).items():
        expect(element).to_have_count(1)
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert within_viewport(box, DESKTOP), f"the {name} is not on the first screen: {box}"
    if dataset == "five_points":  # the worked table fits its column (it drew 45 px over it)
        table = worked_table(page).bounding_box()
        column = page.locator(".st-key-worked_step").bounding_box()
        assert table["x"] + table["width"] <= column["x"] + column["width"] + 0.5, (table, column)
    # The two canvases say what they show in words, and show the same step.
    for canvas in (loss_chart(page), model_picture(page)):
        assert len(canvas.get_attribute("aria-label") or "") >= 20
    expect(player(page)).to_have_attribute("data-step", "200")
    expect(page.get_by_text("Every sample at step 200", exact=True)).to_be_visible()
    assert_clean(page)


@pytest.mark.parametrize("width", [1180, 1280, 1366])
def test_the_worked_step_fits_its_column_on_a_laptop(new_page, app_url, width):
    """At 1,280 px with the sidebar open the worked table's column is 175 px, and its last
    column was cut: "0.249" for 0.2497 (a walk). In a column this narrow it is smaller."""
    page = new_page(viewport={"width": width, "height": 1000})
    open_app(page, app_url)
    column = page.locator(".st-key-worked_step")
    expect(column.locator("table")).to_have_count(1)
    inner, scroll = column.evaluate("c => [c.clientWidth, c.scrollWidth]")
    assert scroll <= inner, (width, inner, scroll)
    assert "0.2497" in column.inner_text()


#: Each cell of a table as its text and the number of lines it is drawn on.
CELL_LINES_JS = """t => [...t.querySelectorAll('th, td')].map(cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(text);
        for (const box of range.getClientRects()) tops.add(Math.round(box.top));
    }
    return [cell.textContent, tops.size];
})"""


@pytest.mark.parametrize("query", ["", "?lr=40&l2=0.05", "?lr=0.001&w0=-50&b0=20"])
def test_the_per_sample_table_keeps_each_number_on_one_line(page, app_url, query):
    """Found by a walk: at η = 40 a cell of the 5 points' table read "< 5e-" over "324", at
    η = 1000 "7.125e-" over "218", and the header "p - y" broke at its spaces. Every cell is
    one line now, and the static table fits its column (in these states; where its numbers
    are too long for it, at η = 1000, or at η = 40 with its underflowed errors written to
    their true size, -4.9e-453, the first screen shows a grid instead: no static table
    scrolls sideways, a scroll region a keyboard cannot reach)."""
    open_app(page, app_url, query)
    if query == "?lr=40&l2=0.05":
        assert gradient_table(page).count() == 0
        assert page.get_by_text("scroll sideways where they do not fit").count() == 1  # grid's
        assert_clean(page)
        return
    table = gradient_table(page)
    cells = table.evaluate(CELL_LINES_JS)
    assert len(cells) == 7 * 6, cells
    assert all(lines == 1 for _, lines in cells), [c for c in cells if c[1] != 1]
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    assert_clean(page)


def test_first_screen_tables_hold_the_inspected_step(page, app_url):
    """The per-sample table of step 200 and the worked step's exact and printed figures."""
    open_app(page, app_url)
    ref = reference_run(0.5, 200)
    rows = html_table(gradient_table(page))
    assert [r["x"] for r in rows] == ["1", "2", "3", "4", "5"], rows
    assert list(rows[0]) == ["x", "y", "z", "p", "loss", "p - y", "(p - y)·x"], rows[0]
    # as typed, the minus sign U+2212 the sentences write (the header read "p - y" beside
    # "First p − y" in the caption: a review)
    heads = gradient_table(page).locator("thead th").all_inner_texts()
    assert [h.strip() for h in heads][-2:] == ["p \u2212 y", "(p \u2212 y)·x"], heads
    for row in rows:  # every sample's logit and probability at step 200
        z = ref.w[-1] * number(row["x"]) + ref.b[-1]
        assert row["z"] == fmt(z), row
        assert row["p"] == fmt(1 / (1 + math.exp(-z))), row

    # The worked step: the textbook's figures beside the exact ones, as Markdown table text.
    rows = html_table(worked_table(page))
    exact_column = next(h for h in rows[0] if h.startswith("exact"))
    cells = {r["quantity"]: r for r in rows}
    for quantity, exact in WORKED_EXACT.items():
        shown = number(cells[quantity][exact_column])
        assert abs(shown - exact) <= 0.5e-4, (quantity, cells[quantity])
    for quantity, printed in WORKED_TEXTBOOK.items():
        assert cells[quantity]["textbook"] == printed, (quantity, cells[quantity])
    assert_clean(page)


def test_keyboard_change_of_the_learning_rate_updates_loss_and_link(page, app_url):
    open_app(page, app_url)
    thumb = slider_thumb(page, "learning_rate")
    expect(thumb).to_have_attribute("aria-valuetext", "0.5")
    final_loss = metric_value(page, "Loss at step 200")
    expect(final_loss).to_have_text(fmt(reference_run(0.5, 200).loss[-1]))

    thumb.focus()
    with rerun(page):
        page.keyboard.press("ArrowRight")

    expect(thumb).to_have_attribute("aria-valuetext", "1")
    expect(final_loss).to_have_text(fmt(reference_run(1.0, 200).loss[-1]))
    expect(metric_value(page, "Loss at step 0")).to_have_text("0.6931")  # the start is the same
    expect(page).to_have_url(re.compile(r"[?&]lr=1(&|$)"))
    assert_clean(page)


def test_scrubber_updates_the_gradient_table_and_the_formulas(page, app_url):
    open_app(page, app_url)
    panel = page.get_by_test_id("stTabPanel").filter(visible=True)  # Step in detail
    open_step_expanders(page)
    tex_before = latex_texts(panel)
    assert tex_before, "no formula in Step in detail"
    rows_before = html_table(gradient_table(page))

    scrub = player(page).locator("input.scrub")
    expect(scrub).to_have_attribute("aria-valuetext", "step 200")
    scrub.focus()
    with rerun(page):
        page.keyboard.press("Home")

    expect(scrub).to_have_attribute("aria-valuetext", "step 0")
    assert player_step(page) == 0
    expect(metric_value(page, "w at step 0")).to_have_text("0")
    expect(metric_value(page, "b at step 0")).to_have_text("0")
    expect(page.get_by_text("Every sample at step 0", exact=True)).to_be_visible()
    # At step 0 (w = b = 0) every logit is 0, every p is 0.5, every loss is log 2.
    rows = html_table(gradient_table(page))
    assert rows != rows_before
    assert {r["z"] for r in rows} == {"0"}, rows
    assert {r["p"] for r in rows} == {"0.5"}, rows
    assert {r["loss"] for r in rows} == {"0.6931"}, rows
    tex = latex_texts(panel)
    assert tex != tex_before
    assert tex[0].endswith("=0"), tex[0]
    loss_line = next(t for t in tex if t.startswith("J="))
    assert loss_line.endswith("=0.6931"), loss_line
    assert query_of(page.url)["step"] == "0"
    assert_clean(page)


def test_link_with_parameters_opens_the_worked_step(page, app_url):
    open_app(page, app_url, WORKED_LINK)
    expect(metric_value(page, "Loss at step 0")).to_have_text("0.1855")
    expect(metric_value(page, "w at step 0")).to_have_text("2.197")
    expect(metric_value(page, "b at step 0")).to_have_text("-6.593")
    expect(metric(page, "Loss at step 1")).to_be_visible()
    expect(slider_thumb(page, "learning_rate")).to_have_attribute("aria-valuetext", "0.1")
    expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(0)

    open_step_expanders(page)
    tex = latex_texts(page.get_by_test_id("stTabPanel").filter(visible=True))
    update_w = next(t for t in tex if t.startswith("w1←"))
    update_b = next(t for t in tex if t.startswith("b←"))
    assert update_w.endswith("=2.172"), update_w
    assert update_b.endswith("=-6.603"), update_b
    query = query_of(page.url)
    assert {k: query[k] for k in ("data", "lr", "steps", "w0", "b0", "step")} == {
        "data": "five_points", "lr": "0.1", "steps": "1", "w0": "2.197", "b0": "-6.593",
        "step": "0"}
    assert_clean(page)


def test_load_this_step_button_loads_the_worked_step(page, app_url):
    open_app(page, app_url)
    with rerun(page):
        button(page, "load_worked").click()
    expect(metric_value(page, "Loss at step 0")).to_have_text("0.1855")
    expect(metric(page, "Loss at step 1")).to_be_visible()
    expect(player(page)).to_have_attribute("data-step", "0")
    expect(page).to_have_url(re.compile(r"[?&]w0=2\.197(&|$)"))
    query = query_of(page.url)
    assert (query["lr"], query["steps"], query["b0"]) == ("0.1", "1", "-6.593")
    assert_clean(page)


def test_link_with_a_bad_parameter_warns(page, app_url):
    open_app(page, app_url, "?lr=banana")
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("lr")
    expect(warning).to_contain_text("banana")
    # The default rate is used instead, and the address bar is corrected.
    expect(slider_thumb(page, "learning_rate")).to_have_attribute("aria-valuetext", "0.5")
    expect(metric_value(page, "Loss at step 200")).to_have_text(
        fmt(reference_run(0.5, 200).loss[-1]))
    expect(page).to_have_url(re.compile(r"[?&]lr=0\.5(&|$)"))
    assert_clean(page)


def test_exact_values_are_typed_in_their_popover_and_land_on_the_slider(page, app_url):
    """The popover's form is drawn only once it opens (a rerun): typing a rate there and
    applying it moves the slider, the run and the link."""
    open_app(page, app_url)
    assert page.get_by_role("textbox", name="Learning rate η").count() == 0  # not yet drawn
    with rerun(page):
        keyed(page, "exact_open").get_by_role("button", name="Exact values").click()
    box = page.get_by_role("textbox", name="Learning rate η")
    box.fill("0.37")
    with rerun(page):
        page.get_by_role("button", name="Apply").click()
    expect(slider_thumb(page, "learning_rate")).to_have_attribute("aria-valuetext", "0.37")
    expect(metric_value(page, "Loss at step 200")).to_have_text(
        fmt(reference_run(0.37, 200).loss[-1]))
    expect(page).to_have_url(re.compile(r"[?&]lr=0\.37(&|$)"))
    assert_clean(page)


def test_what_was_measured_opens_with_its_text(page, app_url):
    """The popover beside the verdict is drawn once it opens (a rerun) and stays open."""
    open_app(page, app_url)
    assert page.get_by_text("the sharpest the loss ever bends", exact=False).count() == 0
    with rerun(page):
        keyed(page, "measured_open").get_by_role("button", name="What was measured").click()
    expect(page.get_by_text("the sharpest the loss ever bends", exact=False).first).to_be_visible()
    assert_clean(page)


def test_closed_starting_weights_show_their_summary_and_open_to_sliders(page, app_url):
    """On 30 features the start sliders wait in a closed expander: the line under it is
    visible (not hidden inside it), and opening it draws a slider per weight."""
    open_app(page, app_url, "?data=breast_cancer&std=1")
    summary = page.get_by_test_id("stSidebar").get_by_text("All 30 start at 0.", exact=True)
    expect(summary).to_be_visible()
    assert slider_thumb(page, "w0_29").count() == 0
    with rerun(page):
        keyed(page, "start_weights").get_by_text("Starting weights (30)").click()
    expect(slider_thumb(page, "w0_29")).to_have_attribute("aria-valuetext", "0")
    expect(summary).to_have_count(0)
    assert_clean(page)
