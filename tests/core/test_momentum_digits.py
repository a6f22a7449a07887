"""The certain digits of momentum's, Nesterov's and Adam's last losses, against the same runs
in exact arithmetic (mpmath loops of each update, written from the formulas).

A walk of the optimizers' view: on the 5 points at η = 50 (β = 0.9, 200 steps) the table
gave momentum's last loss as a bare "1.021e-11", four digits claimed, where the exact run ends
at 3.60e-10; at η = 100 "3.297e-23" where it ends at 3.3005e-23. Its twin summed in the
reverse order ends 8e-13 from it: with five samples and one feature, both orders round
alike, and part from the exact run together (`twins.farther`).
"""

import mpmath
import pytest

from logreg_core import Adam, Momentum, Nesterov, load_dataset, train

STEPS = 200


def _softplus(u):
    """log(1 + e^u), with no cancellation on either side."""
    return mpmath.log1p(mpmath.exp(u)) if u < 0 else u + mpmath.log1p(mpmath.exp(-u))


def _loss_grad(xs, ys, w, b):
    """The mean logistic loss of one feature and its gradient, each sample seen from its own
    label's side (no 1 - p, no z - z)."""
    n, loss, dw, db = len(xs), mpmath.mpf(0), mpmath.mpf(0), mpmath.mpf(0)
    for x, label in zip(xs, ys, strict=True):
        u = (w * x + b) * (1 if label == 0 else -1)  # the logit from the wrong side
        loss += _softplus(u)
        error = (1 if label == 0 else -1) / (1 + mpmath.exp(-u))  # p - y
        dw, db = dw + error * x, db + error
    return loss / n, [dw / n, db / n]


def exact_losses(kind: str, eta: float, steps: int = STEPS) -> list:
    """Every loss of the run (``kind`` "momentum", "nesterov" or "adam"; β = 0.9) on the 5
    points from w = b = 0, in mpmath (60 digits): steps + 1 of them."""
    d = load_dataset("five_points")
    xs, ys = [mpmath.mpf(float(v)) for v in d.X[:, 0]], [int(v) for v in d.y]
    theta, v, m, s = ([mpmath.mpf(0)] * 2 for _ in range(4))
    beta, b1, b2, eps = (mpmath.mpf(c) for c in (0.9, 0.9, 0.999, 1e-8))
    losses = []
    for t in range(1, steps + 1):
        loss, g = _loss_grad(xs, ys, *theta)
        losses.append(loss)
        if kind == "nesterov":
            ahead = [th - eta * beta * vj for th, vj in zip(theta, v, strict=True)]
            g = _loss_grad(xs, ys, *ahead)[1]
        if kind == "adam":
            m = [b1 * mj + (1 - b1) * gj for mj, gj in zip(m, g, strict=True)]
            s = [b2 * sj + (1 - b2) * gj * gj for sj, gj in zip(s, g, strict=True)]
            theta = [th - eta * (mj / (1 - b1 ** t)) / (mpmath.sqrt(sj / (1 - b2 ** t)) + eps)
                     for th, mj, sj in zip(theta, m, s, strict=True)]
        else:
            v = [beta * vj + gj for vj, gj in zip(v, g, strict=True)]
            theta = [th - eta * vj for th, vj in zip(theta, v, strict=True)]
    return [*losses, _loss_grad(xs, ys, *theta)[0]]


def _exact_last_loss(kind: str, eta: float) -> mpmath.mpf:
    """The run's last loss in mpmath (60 digits), from w = b = 0."""
    return exact_losses(kind, eta)[-1]


OPTIMIZERS = {"momentum": lambda eta: Momentum(eta, beta=0.9),
              "nesterov": lambda eta: Nesterov(eta, beta=0.9), "adam": Adam}


def _claims_only_exact_digits(kind: str, eta: float) -> int:
    """The digits the verdict calls certain of the last loss (at most 4, as the table writes
    it) read the same in the exact run; returns how many it claims."""
    d = load_dataset("five_points")
    h = train(d.X, d.y, optimizer=OPTIMIZERS[kind](eta), w0=[0.0], b0=0.0, steps=STEPS)
    certain, last = min(4, h.verdict.final_digits), float(h.loss[-1])
    exact = _exact_last_loss(kind, eta)
    if last == 0:  # written "< 5e-324", no digit claimed
        assert exact < 5e-324
        return 0
    assert f"{last:.{certain}g}" == f"{float(exact):.{certain}g}" or not certain, (
        kind, eta, last, exact, certain)
    return certain


def test_momentum_at_50_claims_no_digit_of_a_last_loss_rounding_decided():
    """The walk's state: 1.021e-11 against 3.60e-10 in exact arithmetic, no digit alike."""
    exact = _exact_last_loss("momentum", 50.0)
    assert 3.5e-10 < exact < 3.7e-10
    assert _claims_only_exact_digits("momentum", 50.0) == 0


def test_momentum_at_100_claims_the_two_digits_the_exact_run_shares():
    assert mpmath.nstr(_exact_last_loss("momentum", 100.0), 4) == "3.301e-23"
    assert _claims_only_exact_digits("momentum", 100.0) <= 3


@pytest.mark.parametrize("kind", list(OPTIMIZERS))
@pytest.mark.parametrize("eta", [5.0, 20.0, 200.0, 500.0])
def test_every_claimed_digit_is_the_exact_runs(kind, eta):
    """A sweep over rates where the loss rises and falls by many decades."""
    _claims_only_exact_digits(kind, eta)


def test_farther_keeps_at_each_state_the_replay_further_from_the_run():
    """By hand: the run 1, 1, 1; one replay 1.5, 1, nan; another 0.9, 3, 1.2."""
    import numpy as np

    from logreg_core.twins import farther

    twin, grads = farther([1.0, 1.0, 1.0], [([1.5, 1.0, np.nan], [[1], [2], [3]]),
                                            ([0.9, 3.0, 1.2], [[4], [5], [6]])])
    assert np.isnan(twin[2]) and list(twin[:2]) == [1.5, 3.0]
    assert grads[:, 0].tolist() == [1, 5, 3]


def test_a_replay_too_large_for_long_double_starts_nudged():
    """Breast cancer (standardized, 500 steps, 30 features): beyond `LONG_DOUBLE_WORK` the
    replay is a double one from a start an ulp away, and the sentence says so."""
    from logreg_core import Standardizer
    from logreg_core.training import LONG_DOUBLE_WORK

    d = load_dataset("breast_cancer")
    X = Standardizer.fit(d.X).transform(d.X)
    assert X.shape[0] * (X.shape[1] + 1) * 500 > LONG_DOUBLE_WORK
    v = train(X, d.y, optimizer=Momentum(0.5), steps=500).verdict
    assert v.first_rise is not None and v.twin_kind == "nudged"
    assert v.twin_words.startswith("from a start nudged by one rounding")


def test_where_long_double_is_quad_the_replay_starts_nudged_and_claims_no_more(monkeypatch):
    """Linux on ARM has an IEEE quad long double that software emulates, tens of times slower
    than the x87's 80-bit format: there (`np.finfo` nmant 112) no long-double replay runs, the
    nudged one does, and the walk's state still claims no digit rounding decided."""
    from types import SimpleNamespace

    import numpy as np

    from logreg_core.maths import LogisticProblem
    from logreg_core.twins import long_double_problem

    d = load_dataset("five_points")
    problem = LogisticProblem(d.X, d.y, 0.0)
    native = long_double_problem(problem)
    assert (native is None) == (np.finfo(np.longdouble).nmant != 63)
    real = np.finfo
    monkeypatch.setattr(np, "finfo", lambda t: SimpleNamespace(nmant=112) if np.dtype(t)
                        == np.dtype(np.longdouble) else real(t))
    assert long_double_problem(problem) is None
    v = train(d.X, d.y, optimizer=Momentum(50.0, beta=0.9), w0=[0.0], b0=0.0,
              steps=STEPS).verdict
    assert v.twin_kind == "nudged"
    assert _claims_only_exact_digits("momentum", 50.0) == 0


def test_the_sentence_names_the_long_double_replay_and_its_extra_bits():
    """Where long double is the x87's (a 64-bit significand beside a double's 53, by hand: 11
    bits more), the verdict says which replays it compared the run with."""
    import numpy as np

    if np.finfo(np.longdouble).nmant != 63:
        pytest.skip("no x87 long double here: the nudged replay runs (tested above)")
    d = load_dataset("five_points")
    v = train(d.X, d.y, optimizer=Momentum(50.0, beta=0.9), w0=[0.0], b0=0.0,
              steps=STEPS).verdict
    assert "long double" in v.twin_kind.split(" or ")
    assert "computed in long double (11 more bits than a double)" in v.twin_words
