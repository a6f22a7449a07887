"""Uploads whose start is an exact best fit: the page says the gradient is exactly 0 there,
not that double precision computed it as 0 (a walk)."""

import math

import pytest

from dashboard import fields
from tests.app.helpers import page_text


@pytest.mark.parametrize("xs", ["1,1,1,1", "-0,0,-0,0", "1,1,2,2,3,3"])
def test_an_upload_that_starts_at_its_best_fit_says_the_gradient_is_exactly_0(new_app, xs):
    """x = 1, 1, 1, 1 (or -0, 0, -0, 0; or 1, 1, 2, 2, 3, 3), labels 0 1 0 1 (0 1 0 1 0 1), from
    w = b = 0: by hand z = 0, p = 1/2, p - y = +-1/2, each x once with each sign, so dw =
    (1/2)(x1 - x2 + x3 - ...)/n = 0 and db = (1/2)(1 - 1 + 1 - ...)/n = 0 exactly: the start
    is the minimum and the loss ln 2 = 0.6931 throughout."""
    labels = (0, 1) * (len(xs.split(",")) // 2)
    rows = "\n".join(f"{x},{y}" for x, y in zip(xs.split(","), labels, strict=True))
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("start.csv", f"x,y\n{rows}\n".encode(),
                                               "text/csv").run()
    assert not at.exception
    p = 0.5
    assert sum((p - y) * float(x) for x, y in zip(xs.split(","), labels, strict=True)) == 0
    assert sum(p - y for y in labels) == 0
    text = page_text(at)
    assert ("its parameters never moved from the start, in exact arithmetic too: the gradient "
            "there is exactly 0 (every logit is exactly 0, so every p is exactly 0.5, and the "
            "terms of each derivative cancel exactly), so the start is a best fit (the loss is "
            f"convex), and the loss stays at {math.log(2):.4g}") in text
    assert "computes as 0" not in text
    assert "in double precision its parameters never moved" not in text
    # the loss at the last step is at the same (w, b): its change is 0 exactly, not "to
    # rounding" (a walk, on x = 1 1 2 2 3 3 with labels 0 1 0 1 0 1)
    (last,) = [m for m in at.metric if m.label.startswith("Loss at step ")
               and m.label != "Loss at step 0"]
    assert last.proto.delta == "0 exactly"
