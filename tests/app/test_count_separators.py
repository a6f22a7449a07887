"""Counts read alike wherever the page writes them: with the thousands separator, as the
sentences write steps ("step 20,000"). The verdict read "since step 1036" beside "step 20,000"
(the 20 students at η = 1000, 20,000 steps), and the optimizers' table "steps run" 2000
beside "1,999" in the next column and "2,000 steps" above it (a review). Reference: the
grouping written out by hand (`grouped`), never the page's formatting."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

import logreg_core as lc
from logreg_core import verdict_words
from logreg_core.tails import MAX_PERIOD
from tests.app.helpers import open_popover, page_text, plain, table

#: A whole number of four or more digits with no separator, standing alone in text.
BARE = re.compile(r"(?<![\d.,e\-+^{/=])\d{4,}(?![\d]|[.,]\d)")


def grouped(n: int) -> str:
    """``n`` with a comma between each group of three digits, from the right, by hand."""
    digits = str(n)
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


def test_a_cycles_start_reads_with_the_separator_as_the_steps_beside_it(new_app):
    at = open_popover(new_app(data="wikipedia_students", lr="1000", steps="20000").run())
    assert not at.exception, at.exception
    text = plain(page_text(at))
    data = lc.load_dataset("wikipedia_students")
    since = lc.train(data.X, data.y, learning_rate=1000.0, steps=20000,
                     w0=[0.0], b0=0.0).verdict.since
    assert since >= 1000  # the review's state: a cycle from step 1036
    assert f"since step {grouped(since)};" in text
    assert "step 20,000" in text
    said = re.search(r"Measured: ([^\n]*)", text)[1]
    assert not BARE.findall(said), said


def test_the_optimizers_steps_run_column_groups_its_digits_as_the_sentences(new_app):
    at = new_app(data="wikipedia_students", tab="optimizers").run()
    assert not at.exception, at.exception
    rows = table(at, "steps run")
    (grid,) = [d for d in at.dataframe if "steps run" in d.value.columns]
    # the grid writes it with Streamlit's printf: "%,d" groups by three with ","
    assert json.loads(grid.proto.columns)["steps run"]["type_config"]["format"] == "%,d"
    assert 2000 in set(rows["steps run"])
    assert f"Up to {grouped(2000)} steps" in plain(page_text(at))
    # the column beside, written as text, groups the same way
    assert all(BARE.search(t) is None for t in rows["steps to within 1%"]), rows


def test_the_worked_long_runs_steps_group_their_digits(new_app):
    at = new_app(data="five_points", tab="worked").run()
    (grid,) = [d for d in at.dataframe if "boundary -b/w" in d.value.columns]
    assert max(grid.value["step"]) == 20000
    assert json.loads(grid.proto.columns)["step"]["type_config"]["format"] == "%,d"


steps = st.integers(0, 100_000)


@settings(max_examples=200, deadline=None)
@given(first=steps, last=steps, n_rises=st.integers(1, 100_000), since=steps,
       period=st.integers(2, MAX_PERIOD), stopped=steps)
def test_the_verdicts_counts_are_grouped(first, last, n_rises, since, period, stopped):
    v = SimpleNamespace(first_rise=first, last_rise=last, n_rises=n_rises, steps=100_001,
                        since=since, period=period, stopped_at=stopped, low=0.5, high=0.75,
                        final=1.0, start=0.6931)
    n = verdict_words.numbers(4)
    texts = [verdict_words._rises(v), verdict_words._cycle(v, n),
             verdict_words._overflow(v, n)]
    for text in texts:
        assert not BARE.findall(text), text
    assert re.search(rf"steps? {grouped(first)}(?![\d,])", texts[0]), texts[0]
    assert f"since step {grouped(since)};" in texts[1]
    assert f"every {grouped(period)} steps" in texts[1]
    assert f"at step {grouped(stopped)} " in texts[2]
