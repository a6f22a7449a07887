"""A link with a copy button that is always visible (st.code's own appears only on hover,
which a phone never does).

A Streamlit custom component (components v2): Streamlit has no clipboard call of its own. No
build step and nothing fetched: its HTML, CSS and JavaScript are the strings below, and the
link is passed as data and written as text (``textContent``, never HTML). Chromium tests click
it (tests/browser/test_share.py).
"""

from __future__ import annotations

import streamlit as st

_CSS = """
.copy-link { display: flex; gap: 0.5rem; align-items: stretch; flex-wrap: wrap; }
.copy-link code { flex: 1 1 16rem; overflow-wrap: anywhere; padding: 0.5rem 0.75rem;
  border-radius: 0.5rem; font-size: 0.85rem; background: var(--st-secondary-background-color);
  color: var(--st-text-color); }
.copy-link button { flex: 0 0 auto; padding: 0.4rem 0.9rem; border-radius: 0.5rem;
  border: 1px solid var(--st-border-color, #999); background: var(--st-background-color);
  color: var(--st-text-color); font: inherit; cursor: pointer; min-height: 2.5rem; }
.copy-link button:focus-visible { outline: 2px solid var(--st-primary-color); }
"""

_JS = """
export default function (component) {
  const { data, parentElement } = component;
  let box = parentElement.querySelector(".copy-link");
  if (!box) {
    box = document.createElement("div");
    box.className = "copy-link";
    const code = document.createElement("code");
    const button = document.createElement("button");
    button.type = "button";
    box.append(code, button);
    parentElement.append(box);
    button.addEventListener("click", async () => {
      const text = code.textContent;
      let copied = false;
      try {
        await navigator.clipboard.writeText(text);
        copied = true;
      } catch (error) {
        const range = document.createRange();  // no clipboard access: select it instead
        range.selectNodeContents(code);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      button.textContent = copied ? "Copied" : "Selected: press Ctrl+C";
      box.dataset.copied = copied ? "yes" : "selected";
      setTimeout(() => { button.textContent = "Copy link"; }, 2000);
    });
  }
  box.querySelector("code").textContent = data.link;
  const button = box.querySelector("button");
  button.textContent = "Copy link";
  button.setAttribute("aria-label", "Copy the link to this view");
}
"""

_COMPONENT = st.components.v2.component("descent_lab_copy_link", css=_CSS, js=_JS)


def copy_link(link: str, *, key: str) -> None:
    """The link as text and a button that copies it."""
    _COMPONENT(key=key, data={"link": link}, height="content")
