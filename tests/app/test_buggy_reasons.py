"""The buggy loop's "makes no difference" lines give reasons that hold, on states nobody
picked: each reason is checked here from the data and the start, with scipy's sigmoid."""

import re

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.special import expit

import logreg_core as lc
from dashboard.views.buggy_loop import TRIAL_ROWS
from tests.app.helpers import build, page_text, plain

#: Starting weights and biases from the origin to where every sigmoid rounds to its label.
STARTS = (0.0, 0.1, -1.0, 10.0, -40.0, 1000.0)


def reasons(text: str) -> dict[str, str]:
    """Each bug's reason where its line says it changes nothing."""
    found = {}
    for bug, said in re.findall(r"- \*([^*]+)\*: (.*)", text):
        same = re.match(r"(?:makes no difference on this data|gives the same first step as "
                        r"the corrected loop from this start): (.*)\.$", said)
        if same:
            found[bug] = same.group(1)
    return found


@settings(max_examples=12, deadline=None)
@given(dataset=st.sampled_from(["student", "five_points", "wikipedia_students", "iris_petals",
                                "breast_cancer"]),
       w=st.sampled_from(STARTS), b=st.sampled_from(STARTS))
# a review: every error rounds to 0 at z = 80, and the page said the student's features (3
# and 5) "have the same values"; on many samples, "with one sample"
@example(dataset="student", w=10.0, b=0.0)
@example(dataset="breast_cancer", w=1000.0, b=0.0)
@example(dataset="iris_petals", w=-40.0, b=0.0)
def test_every_reason_the_buggy_loop_gives_holds(dataset, w, b):
    data = lc.load_dataset(dataset)
    at = build(data=dataset, std="0", tab="buggy", steps="5",
               w0=",".join([repr(w)] * data.n_features), b0=repr(b)).run()
    assert not at.exception, at.exception
    rows = min(TRIAL_ROWS, data.n_samples)
    X, y = data.X[:rows, :2], data.y[:rows]
    z = X @ np.full(X.shape[1], w) + b
    errors = expit(z) - y
    checks = {
        "with one sample, sample 1 is every sample": rows == 1,
        "with one sample the sum is the mean": rows == 1,
        "the running sum of the errors equals each error": rows == 1,
        "every sample is a copy of sample 1": bool(len(np.unique(X, axis=0)) == 1
                                                   and len(np.unique(y)) == 1),
        "both features have the same values here": X.shape[1] == 2 and bool(
            np.array_equal(X[:, 0], X[:, 1])),
        "every error a − y the loop computes is 0 (its σ(z) rounds to each sample's label), "
        "so every gradient is 0 with the bug or without": bool(np.all(errors == 0)),
        "the errors add up to 0": sum(errors.tolist()) == 0,
        # tautologies of the comparison the page makes (the same step, bit for bit)
        "the running sums happen to give the same gradient": True,
        "its gradients and its new w and b come out the same, to the last bit": True,
    }
    checks = {why.replace("−", "-"): holds for why, holds in checks.items()}  # as page_text
    for bug, why in reasons(plain(page_text(at))).items():
        assert why in checks, (bug, why)
        assert checks[why], (bug, why, dataset, w, b)
