"""The tab table: every view's value in a link, its title and the older names that still open
it. A leaf module (it imports nothing of the dashboard), so that the settings (`fields`) can
check a link's ``tab`` without loading a single view; `views` attaches each view's code to
its row.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    """One tab of the page.

    Attributes
    ----------
    slug : str
        Its value in a link (``?tab=rates``).
    title : str
        The tab's label.
    aliases : tuple of str
        Older link values that still open it (links shared before a view was renamed).
    """

    slug: str
    title: str
    aliases: tuple[str, ...] = ()


TABS: tuple[Tab, ...] = (
    Tab("step", "Step in detail", ("Step in detail",)),
    Tab("rates", "Learning rates"),
    Tab("optimizers", "Optimizers"),
    Tab("landscape", "Landscape", ("Loss landscape",)),
    Tab("worked", "Worked example", ("Worked example: 5 points", "Seed 001: worked example")),
    Tab("student", "One student", ("One student, two features", "Seed 002: one student")),
    Tab("buggy", "Buggy loop", ("A buggy loop on trial", "Seed 003 on trial")),
    Tab("why", "Why (p − y)x", ("Why (p − y)·x", "Why it works")),
    Tab("code", "Loop vs vectorized"),
    Tab("share", "Share", ("Share & download",)),
    Tab("data", "Data", ("Data",)),
)
DEFAULT_TAB = "step"


@dataclass(frozen=True)
class Group:
    """One entry of the page's tab row: what the learner does there, and its views."""

    slug: str
    title: str
    members: tuple[str, ...]


#: Six entries for eleven views: a newcomer sees what to do, then picks a view inside.
GROUPS: tuple[Group, ...] = (
    Group("step", "Take a step apart", ("step",)),
    Group("rates", "Compare learning rates", ("rates", "optimizers")),
    Group("landscape", "Walk the loss landscape", ("landscape",)),
    Group("textbook", "Check the textbook", ("worked", "student", "buggy")),
    Group("how", "See why and how", ("why", "code")),
    Group("data", "Your data and links", ("data", "share")),
)
GROUP_OF: dict[str, Group] = {m: g for g in GROUPS for m in g.members}
#: Every value of ``?tab=`` that opens a view: its slug, its title and its older names.
ALIASES: dict[str, str] = {alias: tab.slug for tab in TABS
                           for alias in (tab.slug, tab.title, *tab.aliases)}
