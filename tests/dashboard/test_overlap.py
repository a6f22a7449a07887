"""Which loss curves lie on each other on a chart's axis (`rate_charts.coinciding`), checked
over curves nobody picked against a reference written step by step."""

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import rate_charts

DOMAIN = (0.1, 10.0)  # two decades: lines closer than 0.02 decades draw as one
#: Losses near one another, at and above the axis's top, an overflow and a run that ended.
VALUES = (0.5, 0.501, 1.0, 1.003, 2.0, 9.9, 9.99, 10.0, 11.0, 1e300, math.inf, math.nan)


def on_chart(v: float) -> bool:
    return v <= DOMAIN[1]  # nan and inf are not


def steps(*rows: list[float]) -> int:
    """Steps all rows have, to the last where one is a number (an overflow, inf, has ended)."""
    m = min(map(len, rows))
    return max((k + 1 for k in range(m) if any(math.isfinite(r[k]) for r in rows)), default=0)


def lie(x: list[float], y: list[float]) -> bool:
    """Two curves lie on each other: at every step both have where one is drawn, both are
    numbers, within 1% of the axis's decades once clipped to it, and at least two steps, one
    with both on the chart, their losses there above 0."""
    low, high = DOMAIN
    n = steps(x, y)
    both = [k for k in range(n) if on_chart(x[k]) and on_chart(y[k])]
    if n < 2 or not both or any(x[k] <= 0 or y[k] <= 0 for k in both):
        return False
    for k in range(n):
        if not on_chart(x[k]) and not on_chart(y[k]):
            continue
        if not (math.isfinite(x[k]) and math.isfinite(y[k])):
            return False
        gap = abs(math.log10(min(max(x[k], low), high)) - math.log10(min(max(y[k], low), high)))
        if gap >= 0.01 * (math.log10(high) - math.log10(low)):
            return False
    return True


curves_strategy = st.dictionaries(
    st.sampled_from("abcde"), st.lists(st.sampled_from(VALUES), min_size=1, max_size=6),
    min_size=2, max_size=5)


@settings(max_examples=400, deadline=None)
@given(curves_strategy)
def test_groups_named_are_the_largest_whose_every_two_lie_on_each_other(curves):
    found = rate_charts.coinciding({k: np.array(v) for k, v in curves.items()}, DOMAIN)
    lying = {pair for pair in itertools.combinations(curves, 2) if lie(*map(curves.get, pair))}
    named = {pair for group in found for pair in itertools.combinations(group.names, 2)}
    assert named <= lying  # every two named together lie on each other
    assert lying <= named  # and every two that do are named
    for group in found:
        rows = [curves[k] for k in group.names]
        n = steps(*rows)
        on = [k for k in range(n) if all(on_chart(r[k]) for r in rows)]
        assert (group.steps, group.shown) == (n, len(on))
        assert group.ratio == max(max(r[k] for r in rows) / min(r[k] for r in rows) for k in on)
        for other in set(curves) - set(group.names):  # no curve could join it
            joined = [curves[k] for k in (*group.names, other)]
            m = min(map(len, joined))
            assert not all(lie(curves[other], curves[k]) for k in group.names) or not any(
                all(on_chart(r[k]) and r[k] > 0 for r in joined) for k in range(m))
