"""The registry of views: each row of the tab table (`tabs.TABS`) with the code that draws it.

To add a view: write a module here with ``render(ctx: ViewContext) -> None``, add its row to
`tabs.TABS` and one entry to `RENDER`. Only the open view runs on a rerun.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..context import ViewContext
from ..tabs import TABS, Tab
from . import (
    buggy_loop,
    code,
    data_view,
    landscape,
    learning_rates,
    optimizers,
    share,
    step_detail,
    student,
    why,
    worked,
)

RENDER: dict[str, Callable[[ViewContext], None]] = {
    "step": step_detail.render, "rates": learning_rates.render, "optimizers": optimizers.render,
    "landscape": landscape.render, "worked": worked.render, "student": student.render,
    "buggy": buggy_loop.render, "why": why.render, "code": code.render, "share": share.render,
    "data": data_view.render,
}


@dataclass(frozen=True)
class View:
    """A tab and the function that draws it."""

    tab: Tab
    render: Callable[[ViewContext], None]

    @property
    def slug(self) -> str:
        return self.tab.slug

    @property
    def title(self) -> str:
        return self.tab.title


VIEWS: tuple[View, ...] = tuple(View(tab, RENDER[tab.slug]) for tab in TABS)
BY_SLUG = {view.slug: view for view in VIEWS}
BY_TITLE = {view.title: view for view in VIEWS}
