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
    TITLE,
    VIEWS,
    WORKED_LINK,
    assert_clean,
    button,
    fmt,
    gradient_table,
    html_table,
    latex_texts,
    loss_chart,
    metric,
    metric_value,
    norm,
    number,
    open_app,
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
WORKED_EXACT = {"loss J": 0.1855, "dw": 0.2497, "db": 0.0998, "w′": 2.1720, "b′": -6.6030}
WORKED_TEXTBOOK = {"dw": "0.2496", "db": "0.0998", "w′": "2.172", "b′": "-6.603"}


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
    assert titles == [norm(t) for t in VIEWS.values()]
    expect(page.get_by_role("tab", name="Step in detail")).to_have_attribute(
        "aria-selected", "true")
    for key, value in {"learning_rate": "0.5", "steps": "200", "inspect": "200"}.items():
        expect(slider_thumb(page, key)).to_have_attribute("aria-valuetext", value)
    query = query_of(page.url)
    assert {key: query.get(key) for key in DEFAULT_QUERY} == DEFAULT_QUERY
    assert_clean(page)


def test_first_screen_shows_loss_gradient_table_and_worked_step(page, app_url):
    """At 1400x1000 with the sidebar open, without scrolling: the three panels, as text."""
    open_app(page, app_url)
    settle(page)
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    assert page.get_by_test_id("stMain").evaluate("e => e.scrollTop") == 0

    chart, table, worked = loss_chart(page), gradient_table(page), worked_table(page)
    for name, element in {"loss chart": chart, "gradient table": table,
                          "worked step": worked}.items():
        expect(element).to_have_count(1)
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert within_viewport(box, DESKTOP), f"the {name} is not on the first screen: {box}"

    # The loss chart is SVG with real text, and says what it shows in words.
    expect(chart.locator("svg.marks")).to_have_count(1)
    axis_text = chart.locator("svg.marks text").all_text_contents()
    assert "loss" in axis_text, axis_text
    assert "caption under the chart" in chart.get_attribute("aria-label")
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="Loss 0.6931 at step 0")
    expect(caption).to_have_count(1)
    assert within_viewport(caption.bounding_box(), DESKTOP), "the loss chart's figures"

    # The gradient table is an HTML table of the inspected step, numbers as text.
    ref = reference_run(0.5, 200)
    rows = html_table(table)
    assert [r["x"] for r in rows] == ["1", "2", "3", "4", "5"], rows
    assert list(rows[0]) == ["x", "y", "z", "p", "loss", "p - y", "(p - y) * x"], rows[0]
    for row in rows:  # every sample's logit and probability at step 200
        z = ref.w[-1] * number(row["x"]) + ref.b[-1]
        assert row["z"] == fmt(z), row
        assert row["p"] == fmt(1 / (1 + math.exp(-z))), row

    # The worked step: the textbook's figures beside the exact ones, as Markdown table text.
    rows = html_table(worked)
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
    tex_before = latex_texts(panel)
    assert tex_before, "no formula in Step in detail"
    rows_before = html_table(gradient_table(page))

    thumb = slider_thumb(page, "inspect")
    expect(thumb).to_have_attribute("aria-valuetext", "200")
    thumb.focus()
    with rerun(page):
        page.keyboard.press("Home")

    expect(thumb).to_have_attribute("aria-valuetext", "0")
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
    expect(slider_thumb(page, "inspect")).to_have_attribute("aria-valuetext", "0")
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
