"""The model player's axis titles fit its canvas: a long name is cut with "…".

Found by a walk: a CSV whose feature is named with 500 "a"s drew the picture's x-axis title
past both edges (the server's cap, 60 characters, is wider than a 300-pixel canvas). The
player module runs here alone, in a blank page, on the data the page sends it (read through
AppTest): no server, so it is quick.
"""

from __future__ import annotations

import pytest

from dashboard.player import ASSETS
from tests.app.helpers import build, component_data
from tests.app.test_long_names import LONG, long_name_csv

pytestmark = pytest.mark.browser

MOUNT = "window.__mountPlayer = function (component)"


def sent_data(*names: str, standardize: bool = False) -> bytes:
    """The bytes the page gives the player for a CSV with these feature names."""
    at = build().run()
    at.selectbox(key="dataset").set_value("upload").run()
    at.file_uploader(key="upload_file").upload("long.csv", long_name_csv(*names),
                                               "text/csv").run()
    if standardize:
        at.toggle(key="standardize").set_value(True).run()
    (data,) = component_data(at, "descent_lab_player")
    return data


def drawn_titles(page, data: bytes, width: int) -> dict:
    """Mount the player in a ``width``-pixel box; its titles drawn and the room each has."""
    js = (ASSETS / "player.js").read_text(encoding="utf-8")
    assert "export default function (component)" in js
    page.set_content(f"<style>{(ASSETS / 'player.css').read_text(encoding='utf-8')}</style>"
                     f"<div id='box' style='width: {width}px'></div>")
    page.add_script_tag(content=js.replace("export default function (component)", MOUNT),
                        type="module")
    page.wait_for_function("() => typeof window.__mountPlayer === 'function'")
    return page.evaluate("""bytes => {
        const box = document.getElementById('box');
        window.__mountPlayer({data: Uint8Array.from(bytes), parentElement: box,
                              setTriggerValue: () => {}});
        const s = box.querySelector('.player').__player, g = s.geometry;
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = '12px sans-serif';
        const across = (g.b.x0 + g.b.x1) / 2, up = (g.b.y0 + g.b.y1) / 2;
        return {titles: g.titles, sent: s.d.titles, width: g.width,
                widths: g.titles.map(t => ctx.measureText(t).width),
                rooms: [2 * Math.min(across, g.width - across),
                        2 * Math.min(up, g.height - up)]};
    }""", list(data))


@pytest.mark.parametrize("width", [300, 700])
def test_a_long_name_is_cut_to_the_picture(new_page, width):
    page = new_page()
    drawn = drawn_titles(page, sent_data(LONG), width)
    assert drawn["width"] == width
    across, probability = drawn["titles"]
    assert across.startswith("aaaa") and across.endswith("…"), drawn
    # cut further than the server's 60 characters where the canvas is narrower than they are
    assert (len(across) < 60) == (width == 300), drawn
    assert drawn["widths"][0] <= drawn["rooms"][0] - 8, drawn  # inside both edges
    assert probability == drawn["sent"][1] == "p = σ(w·x + b)"  # a short title is kept
    assert page.console_errors == []


def test_two_long_names_keep_the_standardized_note(new_page):
    page = new_page()
    drawn = drawn_titles(page, sent_data(LONG, "W" * 300, standardize=True), 300)
    for title, width, room in zip(drawn["titles"], drawn["widths"], drawn["rooms"],
                                  strict=True):
        assert title.endswith("… (standardized)") and width <= room - 8, drawn
    assert page.console_errors == []


def test_a_name_that_fits_is_drawn_whole(new_page):
    page = new_page()
    drawn = drawn_titles(page, sent_data("hours studied", "sleep"), 300)
    assert drawn["titles"] == drawn["sent"] == ["hours studied", "sleep"]
