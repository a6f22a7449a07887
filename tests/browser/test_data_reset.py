"""The Data view's editor in the browser: the editor after "Put the data back" is a new one
(the browser keeps an editor's edits under its key, and would send them back); a row added
with its + reads blank, under rows numbered as the notices name them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    APP_TIMEOUT_MS,
    DESKTOP,
    PHONE,
    assert_clean,
    button,
    open_app,
    page_text,
    rerun,
    settle,
    slider_thumb,
)

pytestmark = pytest.mark.browser


def test_put_the_data_back_gives_an_editor_with_no_edits(new_page, app_url):
    page = new_page()
    editor = open_editor(page, app_url, "?data=iris_petals&tab=data")
    box = editor.bounding_box()
    cell = page.locator("input.gdg-input")  # the grid's editor of the cell double-clicked
    for _ in range(5):  # a busy machine may take the first double click before the grid
        # past the row markers and the row numbers (read-only): the first feature's cell
        page.mouse.dblclick(box["x"] + 130, box["y"] + 36 + 17)  # is ready for it
        if cell.count():
            break
        page.wait_for_timeout(500)
    expect(cell).to_be_focused()
    with rerun(page):  # the first cell of the first row: 4.7 becomes 50
        cell.fill("50")
        cell.press("Enter")
    # (the grid may send its edit after another rerun has started: wait for the edit's own;
    # a fresh clone's suite once read the page between the two)
    expect(page.get_by_test_id("stMain")).to_contain_text(
        "Edited: 100 rows in the table now.", timeout=APP_TIMEOUT_MS)
    with rerun(page):
        button(page, "edits_reset").click()
    expect(page.get_by_test_id("stMain").get_by_text("Edited:")).to_have_count(0)
    assert "You changed" not in page_text(page)
    with rerun(page):  # a later run: the browser sends no edits back
        slider_thumb(page, "steps").press("ArrowRight")
    text = page_text(page)
    assert "Edited:" not in text and "You changed" not in text
    expect(button(page, "edits_reset")).to_have_count(0)
    assert_clean(page)


def open_editor(page, app_url: str, query: str):
    """Open the page at ``query`` (the Data view) and give its editor, scrolled into view."""
    open_app(page, app_url, query)
    editor = page.locator('[class*="st-key-editor_"]').get_by_test_id("stDataFrame")
    editor.scroll_into_view_if_needed()
    settle(page)
    return editor


def grid_rows(editor) -> list[list[str]]:
    """The editor's rows as the grid writes them (its accessible table), the header first."""
    rows = editor.locator('[role="row"]')
    return [[c.inner_text() for c in rows.nth(i).locator(
        '[role="columnheader"], [role="gridcell"], [role="rowheader"]').all()]
        for i in range(rows.count())]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_row_added_with_the_plus_reads_blank_not_none(new_page, app_url, viewport):
    """A review: the new row's cell read a grey "None"; it reads blank, and its number too
    (the grid numbers no row added with its +; the notice names it "new row 1")."""
    page = new_page(viewport=viewport)
    editor = open_editor(page, app_url, "?data=five_points&tab=data")
    editor.hover()
    with rerun(page):
        page.get_by_role("button", name="Add row").click()
    expect(editor.locator('[role="row"]')).to_have_count(7)
    rows = grid_rows(editor)
    assert rows[0] == ["row", "x", "class 1"]
    assert [r[0] for r in rows[1:6]] == ["1", "2", "3", "4", "5"]
    assert rows[6] == ["", "", "false"], rows
    assert "None" not in editor.inner_text()
    assert_clean(page)


def test_after_a_middle_row_is_deleted_the_notice_names_rows_as_the_grid_does(new_page,
                                                                              app_url):
    """A review: with row 2 of the five points deleted and a row added with the +, the grid
    numbers its rows 1, 3, 4, 5 and the new one not at all (a live deletion leaves a gap), but
    the notice named the empty cell by position, "(row 5, x)": the grid's row 5 reads x = 5.
    It names it "new row 1", the row with no number."""
    page = new_page()
    editor = open_editor(page, app_url, "?data=five_points&tab=data")
    box = editor.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 36 + 35 + 17)  # row 2's marker: select it
    with rerun(page):
        page.keyboard.press("Delete")
    expect(editor.locator('[role="row"]')).to_have_count(5)
    editor.hover()
    with rerun(page):
        page.get_by_role("button", name="Add row").click()
    expect(editor.locator('[role="row"]')).to_have_count(6)
    assert [r[:2] for r in grid_rows(editor)[1:]] == [["1", "1"], ["3", "3"], ["4", "4"],
                                                      ["5", "5"], ["", ""]]
    expect(page.get_by_test_id("stMain")).to_contain_text(
        "a cell has no number (new row 1, x)", timeout=APP_TIMEOUT_MS)
    assert "(row 5, x)" not in page_text(page)
