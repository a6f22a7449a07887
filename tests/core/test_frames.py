"""The animation's frames: every picture state is the model's, recomputed here by hand."""

import numpy as np
import pytest

import logreg_core as lc
from logreg_core.frames import MAX_FRAMES, frame_steps, model_frames, plane_line, slice_logits


def test_short_runs_show_every_step_and_long_ones_keep_the_ends_and_the_inspected():
    assert frame_steps(200).tolist() == list(range(201))
    steps = frame_steps(20_000, keep=(12_345,))
    assert len(steps) <= MAX_FRAMES + 2 and steps[0] == 0 and steps[-1] == 20_000
    assert 12_345 in steps and np.all(np.diff(steps) > 0)


def test_a_curve_frame_is_the_sigmoid_of_that_steps_model(five_points):
    X, y = five_points
    history = lc.train(X, y, learning_rate=0.5, steps=200)
    frames = model_frames(X, y, history)
    assert frames.kind == "curve" and len(frames.steps) == 201
    for f in (0, 7, 200):
        w, b = history.weights[f, 0], history.bias[f]
        by_hand = 1 / (1 + np.exp(-(w * frames.grid + b)))
        assert frames.p[f] == pytest.approx(by_hand, rel=1e-12)
        if w:
            assert frames.boundary[f] == pytest.approx(-b / w)
        z = w * X[:, 0] + b
        assert frames.accuracy[f] == np.mean((z >= 0) == (y == 1))
        assert frames.loss[f] == history.loss[f]
    assert np.isnan(frames.boundary[0])  # w = 0 at the start: no boundary


def test_a_plane_frame_holds_the_other_features_at_their_means():
    d = lc.load_dataset("breast_cancer")
    X = lc.Standardizer.fit(d.X).transform(d.X)
    history = lc.train(X, d.y, learning_rate=0.5, steps=30)
    frames = model_frames(X, d.y, history, axes=(3, 7))
    assert frames.kind == "plane"
    means = X.mean(axis=0)
    f = 17
    w, b = history.weights[f], history.bias[f]
    row, col = 5, 11
    point = means.copy()
    point[3], point[7] = frames.grid[col], frames.grid_y[row]
    assert frames.p[f, row, col] == pytest.approx(1 / (1 + np.exp(-(point @ w + b))), rel=1e-9)
    x0, y0, x1, y1 = frames.boundary[f]
    offset = b + sum(w[k] * means[k] for k in range(30) if k not in (3, 7))
    for x, v in ((x0, y0), (x1, y1)):  # both ends lie on p = 0.5
        assert w[3] * x + w[7] * v + offset == pytest.approx(0, abs=1e-9)
    assert np.isnan(frames.held[3]) and frames.held[0] == pytest.approx(means[0])


@pytest.mark.parametrize(("dataset", "axes"), [("student", (0, 1)), ("iris_petals", (0, 1)),
                                               ("breast_cancer", (3, 7))])
def test_plane_line_is_the_line_the_frames_draw(dataset, axes):
    """`plane_line` says where the picture's line is (the frames' own segment, nan where it
    misses the box), and on which side of it the whole picture lies when it misses."""
    d = lc.load_dataset(dataset)
    history = lc.train(d.X, d.y, learning_rate=0.1, steps=50, w0=[0.1] * d.n_features)
    frames = model_frames(d.X, d.y, history, axes=axes)
    for f in (0, 1, 50):
        line = plane_line(d.X, history.weights[f], history.bias[f], axes)
        np.testing.assert_array_equal(line.segment, frames.boundary[f])
        assert line.in_picture == bool(np.all(np.isfinite(frames.boundary[f])))
        if not line.in_picture:  # one side all over: every cell's p, as the picture shades it
            assert np.all(frames.p[f] > 0.5) if line.centre_z > 0 else np.all(frames.p[f] < 0.5)


def test_the_one_students_line_lies_outside_its_picture():
    """Found by a walk: the plane spans the one sample ± 1, and its line p = 0.5 at the
    default run (0.6048 x1 + 0.6413 x2 + 0.1683 = 0 at step 50) is far outside it."""
    d = lc.load_dataset("student")
    history = lc.train(d.X, d.y, learning_rate=0.1, steps=50, w0=[0.1, -0.2], b0=0.0)
    line = plane_line(d.X, history.weights[50], history.bias[50], (0, 1))
    assert not line.in_picture and line.centre_z > 0
    # a line through the sample itself is in the picture
    assert plane_line(d.X, [1.0, -1.0], 2.0, (0, 1)).in_picture  # 3 - 5 + 2 = 0


def test_frames_are_read_only():
    d = lc.load_dataset("iris_petals")
    history = lc.train(d.X, d.y, learning_rate=0.1, steps=10)
    frames = model_frames(d.X, d.y, history)
    with pytest.raises(ValueError):
        frames.p[0, 0, 0] = 1.0


def test_slice_logits_place_each_sample_where_the_plane_picture_draws_it():
    """Breast cancer from step 50, features 4 and 8 across and up: each sample's logit with
    those two of its own and the other 28 at their means, summed here one term at a time;
    the picture's line (`plane_line`) is where it is 0. On the first screen its count differs
    from the model's (found by a walk: 562 of 569 on their side, against 483 in the slice)."""
    d = lc.load_dataset("breast_cancer")
    X = lc.Standardizer.fit(d.X, list(d.feature_names)).transform(d.X)
    history = lc.train(X, d.y, learning_rate=0.5, steps=50)
    w, b = history.weights[50], float(history.bias[50])
    z = slice_logits(X, w, b, (3, 7))
    for i in (0, 100, 568):
        hand = w[3] * X[i, 3] + w[7] * X[i, 7] + b
        for k in range(30):
            if k not in (3, 7):
                hand += w[k] * sum(X[:, k]) / len(X)
        assert z[i] == pytest.approx(hand, rel=1e-12, abs=1e-12)
    segment = plane_line(X, w, b, (3, 7)).segment
    assert w[3] * segment[0] + w[7] * segment[1] + (z[0] - w[3] * X[0, 3] - w[7] * X[0, 7]) \
        == pytest.approx(0, abs=1e-9)
    full = X @ w + b
    assert np.sum((z >= 0) == (d.y == 1)) < np.sum((full >= 0) == (d.y == 1))
