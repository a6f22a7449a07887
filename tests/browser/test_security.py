"""Link values in the real renderer: Markdown in a link parameter stays text.

A link's bad value is quoted in a warning notice, which Streamlit renders as Markdown. A value
written as a Markdown link or image must show literally: no ``<a href>`` to the attacker's
site, and no ``<img>`` that would make every visitor's browser call an address of the
attacker's choosing (here a tiny local HTTP server, which must never be called).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.server import free_port
from tests.browser.helpers import (
    assert_clean,
    norm,
    open_app,
    pause,
    recording_http_server,
    wait_idle,
)

pytestmark = pytest.mark.browser


LINK_VALUE = "[Reset here](https://evil.example/x)"


def open_with_link_value(page, app_url: str) -> None:
    open_app(page, app_url, "?data=" + LINK_VALUE.replace(" ", "%20"))
    expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(1)


def test_a_markdown_link_in_a_link_parameter_shows_literally(page, app_url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_with_link_value(page, app_url)
    warning = page.get_by_test_id("stAlertContentWarning")
    assert LINK_VALUE in norm(warning.inner_text()), warning.inner_text()
    # Not a Markdown link: no anchor reads "Reset here".
    assert page.get_by_role("link", name="Reset here").count() == 0
    assert not [url for url in requests if url.startswith("https://evil.example")], requests
    assert_clean(page)


def test_a_url_in_a_link_parameter_links_nowhere(page, app_url):
    """GitHub-flavoured Markdown links a bare https:// address even inside escaped text:
    md_escape breaks it with an invisible word joiner."""
    open_with_link_value(page, app_url)
    anchors = page.locator('a[href*="evil.example"]')
    assert anchors.count() == 0, anchors.evaluate_all("els => els.map(e => e.outerHTML)")


def test_a_markdown_image_in_a_link_parameter_loads_nothing(page, app_url):
    port = free_port()
    value = f"![x](http://127.0.0.1:{port}/q.png)"
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    with recording_http_server(port) as calls:
        open_app(page, app_url, "?lr=" + value)
        warning = page.get_by_test_id("stAlertContentWarning")
        expect(warning).to_have_count(1)
        assert value in norm(warning.inner_text()), warning.inner_text()
        images = page.locator(f'img[src*=":{port}"], image[href*=":{port}"]')
        assert images.count() == 0
        pause(2.0)  # deliberately: give a stray image time to be requested
        wait_idle(page)
        assert calls == [], f"the page called the attacker's address: {calls}"
    called = [url for url in requests if url.startswith(f"http://127.0.0.1:{port}/")]
    assert called == [], called
    # The bad value is ignored: the default rate is used.
    assert "lr=0.5" in page.url
    assert_clean(page)
