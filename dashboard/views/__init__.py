"""The registry of views: the single source of the tab names and their values in a link.

To add a view: write a module here with ``render(ctx: ViewContext) -> None`` and add one line
to `VIEWS`. Only the open view runs on a rerun.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..context import ViewContext
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


@dataclass(frozen=True)
class View:
    """One tab of the page.

    Attributes
    ----------
    slug : str
        Its value in a link (``?tab=rates``).
    title : str
        The tab's label.
    render : callable (ViewContext) -> None
    aliases : tuple of str
        Older link values that still open it (links shared before a view was renamed).
    """

    slug: str
    title: str
    render: Callable[[ViewContext], None]
    aliases: tuple[str, ...] = ()


VIEWS: tuple[View, ...] = (
    View("step", "Step in detail", step_detail.render, ("Step in detail",)),
    View("rates", "Learning rates", learning_rates.render),
    View("optimizers", "Optimizers", optimizers.render),
    View("landscape", "Landscape", landscape.render, ("Loss landscape",)),
    View("worked", "Worked example", worked.render,
         ("Worked example: 5 points", "Seed 001: worked example")),
    View("student", "One student", student.render,
         ("One student, two features", "Seed 002: one student")),
    View("buggy", "Buggy loop", buggy_loop.render,
         ("A buggy loop on trial", "Seed 003 on trial")),
    View("why", "Why (p − y)x", why.render, ("Why (p − y)·x", "Why it works")),
    View("code", "Loop vs vectorized", code.render),
    View("share", "Share", share.render, ("Share & download",)),
    View("data", "Data", data_view.render, ("Data",)),
)
BY_SLUG = {view.slug: view for view in VIEWS}
BY_TITLE = {view.title: view for view in VIEWS}
#: Every value of ``?tab=`` that opens a view: its slug, its title and its older names.
ALIASES = {alias: view.slug for view in VIEWS for alias in (view.slug, view.title, *view.aliases)}
