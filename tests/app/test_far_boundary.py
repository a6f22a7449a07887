"""A boundary x = −b/w beyond the largest double is written as the number it is, not as
"overflow" (a review: ``?w0=1e-310&b0=1&step=0``). References by mpmath, from the doubles."""

import re

import mpmath
import numpy as np
import pytest

import logreg_core as lc
from tests.app.helpers import build, plain

NUMBER = r"(-?\d(?:\.\d+)?e[+-]\d+)"


def said(at) -> re.Match:
    (caption,) = [plain(c.value) for c in at.caption if "boundary p = 0.5 is at" in c.value]
    found = re.search(r"x = .b/w = " + NUMBER + r" \(beyond the largest double\)"
                      r"(?: in standardized units, " + NUMBER + r" \(beyond the largest double\))?",
                      caption)
    assert found, caption
    assert "overflow" not in caption
    return found


def close(text: str, exact: mpmath.mpf) -> bool:
    return abs(mpmath.mpf(text) / exact - 1) < mpmath.mpf("5e-4")  # 4 digits


@pytest.mark.parametrize(("w", "b"), [(1e-310, 1.0), (-3e-320, 7.5), (2.5e-310, -900.0)])
def test_a_boundary_beyond_the_largest_double_is_written_as_the_number_it_is(w, b):
    at = build(data="five_points", w0=repr(w), b0=repr(b), step="0").run()
    assert not at.exception
    assert close(said(at)[1], -mpmath.mpf(b) / mpmath.mpf(w))


def test_in_standardized_units_and_in_the_datas_own():
    x = lc.load_dataset("wikipedia_students").X[:, 0]
    mean, scale = mpmath.mpf(float(np.mean(x))), mpmath.mpf(float(np.std(x)))
    at = build(data="wikipedia_students", std="1", w0="-1e-310", b0="1", step="0").run()
    assert not at.exception
    found = said(at)
    at_x = -mpmath.mpf(1) / mpmath.mpf(-1e-310)
    assert close(found[1], at_x) and close(found[2], mean + scale * at_x)
