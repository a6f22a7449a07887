"""Accessibility: axe-core on four pages, text alternatives of the charts, keyboard access.

axe-core runs through axe-playwright-python (a test-only package, requirements-dev.txt) on
the default page, the Learning rates view, the lesson and the phone layout. Its summary
(counts by impact, and every serious or critical rule with its targets) goes to
test-artifacts/axe-summary.json.

What axe looks at: the app's own content only, ``[data-testid="stMain"]`` and the sidebar
``[data-testid="stSidebar"]``. Left out is Streamlit's page chrome outside them (the header
with its toolbar, main menu and status widget, the "Skip to main content" link, the
connection dialog): the app does not draw or configure those, so a finding there says
nothing about this app and could not be fixed in it.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_clean,
    open_app,
    record,
    rerun,
    settle,
    slider_thumb,
    tab,
)

pytestmark = pytest.mark.browser

#: The app's own content; see the module docstring for what is left out and why.
AXE_CONTEXT = {"include": [['[data-testid="stMain"]'], ['[data-testid="stSidebar"]']]}
AXE_OPTIONS = {"resultTypes": ["violations"]}
BLOCKING = ("serious", "critical")

#: page name -> (query, viewport)
PAGES = {
    "default": ("", DESKTOP),
    "learning-rates": ("?tab=rates", DESKTOP),
    "lesson": ("?lesson=5", DESKTOP),  # the part with the model player
    "phone": ("", PHONE),
}
def open_page(new_page, app_url: str, name: str):
    query, viewport = PAGES[name]
    page = new_page(viewport=viewport)
    open_app(page, app_url, query)
    settle(page)
    return page


def summarize(violations: list[dict]) -> dict:
    """Counts by impact (rules and nodes) and the blocking rules with their targets."""
    rules = Counter(v["impact"] for v in violations)
    nodes = Counter()
    for v in violations:
        nodes[v["impact"]] += len(v["nodes"])
    return {
        "rules_by_impact": dict(rules),
        "nodes_by_impact": dict(nodes),
        "serious_or_critical": [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]],
             "elements": [n["html"][:120] for n in v["nodes"]],
             "summaries": sorted({n.get("failureSummary", "").split("\n")[-1].strip()
                                  for n in v["nodes"]})}
            for v in violations if v["impact"] in BLOCKING],
        "other": [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
                  for v in violations if v["impact"] not in BLOCKING],
    }


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violation(new_page, app_url, name):
    page = open_page(new_page, app_url, name)
    results = Axe().run(page, context=AXE_CONTEXT, options=AXE_OPTIONS)
    summary = summarize(results.response["violations"])
    record("axe-summary.json", name, summary)
    assert_clean(page)
    assert summary["serious_or_critical"] == [], summary["serious_or_critical"]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_chart_has_a_text_alternative(new_page, app_url, name):
    """Every Vega-Lite chart and every canvas of the model player has a text alternative."""
    page = open_page(new_page, app_url, name)
    charts = page.locator('[data-testid="stVegaLiteChart"], .player canvas')
    assert charts.count() >= 1
    unnamed = charts.evaluate_all(
        """els => els.filter(e => {
            const byIds = attr => (e.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)
                .map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
            const name = (e.getAttribute('aria-label') || '') + byIds('aria-labelledby')
                + byIds('aria-describedby');
            return name.trim().length < 20;
        }).map(e => e.outerHTML.slice(0, 200))""")
    assert unnamed == [], unnamed
    assert_clean(page)


#: What has keyboard focus: the widget key of its container, its role and tag.
FOCUSED = """
() => {
  let host = document.activeElement, e = host;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) {  // into a component's shadow root
    host = e; e = e.shadowRoot.activeElement;
  }
  if (!e || e === document.body) return null;
  const box = (e.closest('[class*="st-key-"]') || host.closest('[class*="st-key-"]'));
  const key = box ? [...box.classList].find(c => c.startsWith('st-key-')).slice(7) : null;
  return {key, tag: e.tagName.toLowerCase(), type: e.getAttribute('type'),
          role: e.getAttribute('role'), cls: e.getAttribute('class') || '',
          text: (e.textContent || '').trim().slice(0, 40)};
}
"""
MAX_TABS = 150


def focus_target(focused: dict | None) -> str | None:
    """The control a focused element stands for, among those the test looks for."""
    if not focused:
        return None
    if focused["role"] == "tab":
        return "tabs"
    if focused["key"] in ("learning_rate", "steps") and focused["type"] == "range":
        return focused["key"]
    if focused["key"] == "model_player" and "scrub" in focused["cls"]:
        return "inspect"
    if focused["key"] == "model_player" and "play" in focused["cls"].split():
        return "play"
    return None


def tab_until(page, *wanted: str) -> list[str]:
    """Press Tab from the top of the page; the controls reached, in order, until every one of
    ``wanted`` has had focus (at most `MAX_TABS` presses)."""
    page.get_by_test_id("stApp").evaluate("e => document.activeElement.blur()")
    page.mouse.click(1, 1)  # the page, not a control: the next Tab starts at the top
    reached: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        target = focus_target(page.evaluate(FOCUSED))
        if target and target not in reached:
            reached.append(target)
        if target in wanted and set(wanted) <= set(reached):
            break
    return reached


def test_every_control_is_reachable_by_keyboard(page, app_url):
    open_app(page, app_url)
    settle(page)
    controls = ("learning_rate", "steps", "inspect", "play", "tabs")
    reached = tab_until(page, *controls)
    for control in controls:
        assert control in reached, f"{control} never got focus in {MAX_TABS} Tab presses: {reached}"
    # Tab order follows the page: rate and steps above the player, Play before its scrubber.
    assert reached.index("learning_rate") < reached.index("steps") < reached.index("play")
    assert reached.index("play") < reached.index("inspect")

    # Keyboard alone: Tab to the steps slider, then ArrowRight moves it.
    assert tab_until(page, "steps")[-1] == "steps"
    thumb = slider_thumb(page, "steps")
    expect(thumb).to_be_focused()
    expect(thumb).to_have_attribute("aria-valuetext", "200")
    with rerun(page):
        page.keyboard.press("ArrowRight")
    expect(thumb).to_have_attribute("aria-valuetext", "300")
    expect(page).to_have_url(re.compile(r"[?&]steps=300(&|$)"))
    # And the tabs: Tab to them, then ArrowRight and Enter open the next view.
    assert tab_until(page, "tabs")[-1] == "tabs"
    page.keyboard.press("ArrowRight")
    with rerun(page):
        page.keyboard.press("Enter")
    expect(tab(page, "rates")).to_have_attribute("aria-selected", "true")
    assert_clean(page)
