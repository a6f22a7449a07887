"""Landscape, optimizers compared, seed 003's bugs on trial, the gradient check."""

import numpy as np
import pytest

from logreg_core import (
    Standardizer,
    explorer,
    fit_exact,
    landscape,
    load_dataset,
    loss_and_gradients,
    mean_loss,
    seeds,
    tables,
    train,
)


@pytest.fixture(scope="module")
def cancer():
    data = load_dataset("breast_cancer")
    return Standardizer.fit(data.X).transform(data.X), data.y


def test_landscape_equals_core_loss_at_sampled_points(five_points):
    X, y = five_points
    surface = landscape.loss_grid(X, y, [1.0], -3.0, (0, 1), (-1, 4), (-10, 2), 100)
    assert surface.loss.shape == (100, 100)
    rng = np.random.default_rng(0)
    for row, col in rng.integers(0, 100, size=(20, 2)):
        expected = mean_loss(X, y, [surface.a[col]], surface.c[row])
        assert surface.loss[row, col] == pytest.approx(expected, rel=1e-12)


def test_slice_holds_the_other_parameters(cancer):
    X, y = cancer
    history = train(X, y, learning_rate=0.5, steps=50)
    center_w, center_b = history.weights[-1], history.bias[-1]
    surface = landscape.loss_grid(X, y, center_w, center_b, (3, 7), (-2, 2), (-1, 3), 40,
                                  l2=0.05)
    rng = np.random.default_rng(1)
    for row, col in rng.integers(0, 40, size=(10, 2)):
        w = center_w.copy()
        w[3], w[7] = surface.a[col], surface.c[row]
        assert surface.loss[row, col] == pytest.approx(
            mean_loss(X, y, w, center_b, 0.05), rel=1e-12)
    # a weight against the bias
    surface = landscape.loss_grid(X, y, center_w, center_b, (0, 30), (-2, 2), (-1, 3), 30)
    w = center_w.copy()
    w[0] = surface.a[4]
    assert surface.loss[9, 4] == pytest.approx(mean_loss(X, y, w, surface.c[9]), rel=1e-12)


def test_contour_segments_lie_on_their_levels(five_points):
    X, y = five_points
    surface = landscape.loss_grid(X, y, [1.0], -3.0, (0, 1), (-1, 4), (-10, 2), 100)
    segments = landscape.contour_segments(surface, n_levels=8)
    assert segments["level"].nunique() == 8 and len(segments) > 100
    for _, seg in segments.sample(40, random_state=0).iterrows():
        for a, c in ((seg.a, seg.c), (seg.a2, seg.c2)):
            # linear interpolation along a cell edge: close to the level on a fine grid
            assert mean_loss(X, y, [a], c) == pytest.approx(seg.level, rel=0.05)


def test_path_on_the_landscape_is_the_history(five_points):
    X, y = five_points
    history = train(X, y, learning_rate=0.5, steps=3000)
    path = landscape.path_frame(history.weights, history.bias, history.loss, (0, 1), "gd")
    assert len(path) <= 400 and path["step"].iloc[[0, -1]].tolist() == [0, 3000]
    steps = path["step"].to_numpy()
    assert path["a"].to_numpy() == pytest.approx(history.weights[steps, 0])
    assert path["c"].to_numpy() == pytest.approx(history.bias[steps])
    assert path["loss"].to_numpy() == pytest.approx(history.loss[steps])


def test_newton_path_from_the_learners_start():
    data = load_dataset("wikipedia_students")
    fit = fit_exact(data.X, data.y, w0=[2.0], b0=-1.0)
    assert fit.converged and fit.path[0].tolist() == [2.0, -1.0]
    assert fit.path.shape == (fit.iterations + 1, 2)
    assert fit.path_loss[-1] == pytest.approx(fit.loss)
    assert np.all(np.diff(fit.path_loss) <= 0)  # the line search never lets the loss rise
    assert fit.w == pytest.approx(fit_exact(data.X, data.y).w, abs=1e-9)


def test_newton_on_separable_data_runs_off(five_points):
    X, y = five_points
    fit = fit_exact(X, y, max_iter=15, stop_at_proof=False)
    assert fit.separable and len(fit.path) == 16
    norms = np.linalg.norm(fit.path, axis=1)
    assert np.all(np.diff(norms[5:]) > 0) and np.all(np.diff(fit.path_loss[5:]) < 0)


def test_optimizers_compared_and_steps_to_tolerance():
    data = load_dataset("wikipedia_students")
    runs = explorer.compared_trajectories(
        data.X, data.y, learning_rate=0.3, steps=3000, w0=[0.0], b0=0.0, l2=0.0,
        batch_size=5, momentum=0.9, seed=0)
    assert next(t.name for t in runs) == "gradient descent"
    assert runs[-1].name.startswith("Newton")
    gd = train(data.X, data.y, learning_rate=0.3, steps=3000)
    assert runs[0].loss == pytest.approx(gd.loss)
    best = fit_exact(data.X, data.y).loss
    table = explorer.steps_to_tolerance(runs, best).set_index("optimizer")
    newton_steps = table.loc["Newton's method (IRLS)", "steps to within 1%"]
    assert newton_steps < table.loc["gradient descent", "steps to within 1%"]
    close = np.flatnonzero(gd.loss <= best * 1.01)[0]
    assert table.loc["gradient descent", "steps to within 1%"] == close


def wiki_two_features():
    data = load_dataset("wikipedia_students")
    return np.column_stack([data.X[:, 0], np.sqrt(data.X[:, 0])]), data.y


def test_seed_003_loop_without_bugs_matches_the_core():
    X, y = wiki_two_features()
    run = seeds.seed_003_run(X, y, [0.0, 0.0], 0.0, 0.2, 100)
    history = train(X, y, learning_rate=0.2, steps=100)
    assert run.weights == pytest.approx(history.weights, rel=1e-10, abs=1e-12)
    assert run.bias == pytest.approx(history.bias, rel=1e-10, abs=1e-12)
    assert run.loss == pytest.approx(history.loss, rel=1e-10)
    assert run.reported == pytest.approx(history.loss[:-1], rel=1e-10)


def test_each_seed_003_bug_does_what_it_says():
    X, y = wiki_two_features()
    w, b, rate = np.array([0.3, -0.2]), 0.4, 0.1
    right_w, right_b, right_j = seeds.seed_003_step(X, y, w, b, rate)
    grad = loss_and_gradients(X, y, w, b)
    assert right_j == pytest.approx(grad.loss)
    assert right_w == pytest.approx(w - rate * grad.dw) and right_b == pytest.approx(
        b - rate * grad.db)

    # same sample: every pass sees sample 1, so the gradient is sample 1's alone
    w1, b1, j1 = seeds.seed_003_step(X, y, w, b, rate, {"same_sample"})
    one = loss_and_gradients(X[:1], y[:1], w, b)
    assert w1 == pytest.approx(w - rate * one.dw) and j1 == pytest.approx(one.loss)
    assert b1 == pytest.approx(b - rate * one.db)

    # accumulated error: sample i is weighted by the running sum of the errors
    w2, _, _ = seeds.seed_003_step(X, y, w, b, rate, {"accumulated_error"})
    running = np.cumsum(grad.error)
    assert w2 == pytest.approx(w - rate * (running[:, None] * X).mean(axis=0))

    # same feature: both weights get feature 2's gradient
    w3, _, _ = seeds.seed_003_step(X, y, w, b, rate, {"same_feature"})
    assert w3[0] - w[0] == pytest.approx(w3[1] - w[1])
    assert w3[1] == pytest.approx(right_w[1])

    # bias not averaged: db is m times too large
    _, b4, _ = seeds.seed_003_step(X, y, w, b, rate, {"bias_not_averaged"})
    assert b4 == pytest.approx(b - rate * len(y) * grad.db)

    # bias updated with itself: b shrinks by (1 - rate), whatever the data
    _, b5, _ = seeds.seed_003_step(X, y, w, b, rate, {"bias_self_update"})
    assert b5 == pytest.approx(b * (1 - rate))
    run = seeds.seed_003_run(X, y, w, 0.0, rate, 50, {"bias_self_update"})
    assert np.all(run.bias == 0.0)

    with pytest.raises(ValueError, match="unknown bug"):
        seeds.seed_003_step(X, y, w, b, rate, {"typo"})


def test_seed_003_bugs_hurt_the_fit():
    X, y = wiki_two_features()
    correct = seeds.seed_003_run(X, y, [0.0, 0.0], 0.0, 0.2, 200)
    for bug in ("same_sample", "accumulated_error", "same_feature"):
        buggy = seeds.seed_003_run(X, y, [0.0, 0.0], 0.0, 0.2, 200, {bug})
        assert buggy.loss[-1] > correct.loss[-1] * 1.05, bug


def test_numpy_rejects_the_seeds_zeros_call():
    message = seeds.numpy_zeros_error()
    assert message.startswith("TypeError") and "data type" in message


def test_gradient_check_table(cancer):
    X, y = cancer
    history = train(X, y, learning_rate=0.5, steps=20)
    names = load_dataset("breast_cancer").feature_names
    check = tables.gradient_check_table(X, y, history.weights[-1], history.bias[-1], names,
                                        l2=0.01)
    assert len(check) == 31 and check.index[-1] == "b"
    assert check["relative error"].max() < 1e-6
    wrong = check["analytic (p - y) x"].to_numpy() * 1.001  # a 0.1% error is caught
    assert np.max(np.abs(wrong - check["central difference"]) /
                  np.abs(check["central difference"]).max()) > 1e-6
