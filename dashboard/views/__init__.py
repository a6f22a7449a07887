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
    View("landscape", "Loss landscape", landscape.render, ("Landscape",)),
    View("worked", "Worked example: 5 points", worked.render, ("Seed 001: worked example",)),
    View("student", "One student, two features", student.render, ("Seed 002: one student",)),
    View("buggy", "A buggy loop on trial", buggy_loop.render, ("Seed 003 on trial",)),
    View("why", "Why (p − y)·x", why.render, ("Why it works",)),
    View("code", "Loop vs vectorized", code.render, ("Loop vs vectorized",)),
    View("share", "Share & download", share.render, ("Share & download",)),
    View("data", "Data", data_view.render, ("Data",)),
)
BY_SLUG = {view.slug: view for view in VIEWS}
BY_TITLE = {view.title: view for view in VIEWS}
#: Every value of ``?tab=`` that opens a view: its slug, its title and its older names.
ALIASES = {alias: view.slug for view in VIEWS for alias in (view.slug, view.title, *view.aliases)}
