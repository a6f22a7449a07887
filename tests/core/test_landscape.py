"""The loss landscape and its contour lines, and Newton's iterates from the learner's start."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from logreg_core import fit_exact, landscape, load_dataset, mean_loss, train


def test_landscape_equals_core_loss_at_sampled_points(five_points):
    X, y = five_points
    surface = landscape.loss_grid(X, y, [1.0], -3.0, (0, 1), (-1, 4), (-10, 2), 100)
    assert surface.loss.shape == (100, 100)
    rng = np.random.default_rng(0)
    for row, col in rng.integers(0, 100, size=(20, 2)):
        expected = mean_loss(X, y, [surface.a[col]], surface.c[row])
        assert surface.loss[row, col] == pytest.approx(expected, rel=1e-12)


def test_slice_holds_the_other_parameters(cancer_std):
    X, y = cancer_std
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


def test_grid_ranges_hold_every_point_with_padding():
    path = np.array([[0.0, 0.0], [2.0, -4.0]])
    (a_low, a_high), (c_low, c_high) = landscape.grid_ranges([path], [np.array([3.0, 1.0])],
                                                             (0, 1))
    assert a_low < 0 < 3 < a_high and c_low < -4 < 1 < c_high
    assert a_high - a_low == pytest.approx(3 * 1.5) and c_high - c_low == pytest.approx(7.5)


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


def test_a_path_lies_under_another_within_a_share_of_the_picture():
    """By hand on the unit square (a picture from 0 to 10 and from 0 to 1): a path along the
    diagonal under a two-point diagonal; 0.5% off it across, still under; 2% off, not; its
    points outside the picture do not count; a path with none inside lies under nothing."""
    over = np.array([[0.0, 0.0], [10.0, 1.0]])
    along = np.column_stack([np.linspace(0, 10, 11), np.linspace(0, 1, 11)])
    pictured = ((0.0, 10.0), (0.0, 1.0))
    assert landscape.lies_under(along, over, *pictured)
    assert landscape.lies_under(along + np.array([0.0, 0.005]), over, *pictured)
    assert not landscape.lies_under(along + np.array([0.0, 0.02]), over, *pictured)
    outside = np.vstack([along, [[50.0, 7.0]]])  # far off, beyond the picture
    assert landscape.lies_under(outside, over, *pictured)
    assert not landscape.lies_under(np.array([[20.0, 5.0]]), over, *pictured)
    assert landscape.lies_under(np.array([[5.0, 0.5]]), np.array([[5.0, 0.5]]), *pictured)



def _by_hand_under(path, over, share=0.01):
    """Every point of ``path``'s segments in the unit square within ``share`` of ``over``'s,
    both sampled 1e-4 apart (so within 1e-4 of exact), by plain loops."""
    def dense(pts):
        out = [pts[0]]
        for a, b in itertools.pairwise(pts):
            n = int(np.ceil(np.hypot(*(b - a)) / 1e-4)) + 1
            out += [a + t * (b - a) for t in np.linspace(0.0, 1.0, n)]
        return np.array(out)
    p, q = dense(path), dense(over)
    p = p[np.all((p >= 0) & (p <= 1), axis=1)]
    return len(p) > 0 and all(np.min(np.hypot(*(q - x).T)) <= share for x in p)


def test_a_segment_drawn_across_the_picture_is_not_under_a_path_apart_from_it():
    """A walk: Newton's path on breast cancer had one corner in the picture, the start every
    run shares, and its first segment crossed the picture far from the learner's path; the
    corners alone said it lay under it. Here by hand: from the shared start (0.5, 0.5) one
    path goes out of the picture to the right at (3, 0.5), the other down-left; the drawn
    segment is 0.5 from it at the picture's edge."""
    over = np.array([[0.5, 0.5], [0.3, 0.3], [0.2, 0.25]])
    out = np.array([[0.5, 0.5], [3.0, 0.5], [9.0, 0.6]])
    unit = ((0.0, 1.0), (0.0, 1.0))
    assert not _by_hand_under(out, over)
    assert not landscape.lies_under(out, over, *unit)
    # corners in and out, with every drawn point near the path over it: under
    along = np.array([[0.5, 0.5], [0.3, 0.305], [-2.0, -2.0]])
    over_long = np.array([[0.5, 0.5], [0.3, 0.3], [-2.0, -2.0]])
    assert _by_hand_under(along, over_long)
    assert landscape.lies_under(along, over_long, *unit)
    # a segment between two points outside the picture that cuts its corner, from (0, 0.9)
    # to (0.1, 1): drawn, so it counts (under itself, not under a path far from it)
    cut = np.array([[-0.2, 0.7], [0.3, 1.2]])
    assert _by_hand_under(cut, cut[::-1]) and landscape.lies_under(cut, cut[::-1], *unit)
    assert not _by_hand_under(cut, over) and not landscape.lies_under(cut, over, *unit)


SQUARE = (np.array([[-1.0, 1.0], [-1.0, -1.0], [1.0, 1.0], [1.0, -1.0]]),
          np.array([0.0, 0.0, 1.0, 1.0]))


def test_a_direction_perpendicular_to_the_slice_draws_nothing_there():
    """The square of corners (+-1, +-1) labelled by x1: swapping x2 and -x2 maps the data to
    itself, and so does swapping x1 -> -x1 with the labels, so the max-margin direction is
    (1, 0, 0) by hand (margin 1 on every corner); computed, its w[x2] and b are rounding."""
    from logreg_core.limits import max_margin_direction

    direction = max_margin_direction(*SQUARE)
    assert direction == pytest.approx([1.0, 0.0, 0.0], abs=1e-15)
    assert landscape.slice_direction(direction, (1, 2)) is None
    assert landscape.slice_direction([1.0, 0.0, 0.0], (1, 2)) is None  # exactly 0 too
    assert landscape.slice_direction(direction, (0, 2)) == pytest.approx([1.0, 0.0], abs=1e-15)
    assert landscape.slice_direction(direction, (0, 1)) == pytest.approx([1.0, 0.0], abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_subnormal=False), min_size=3, max_size=6)
       .filter(lambda v: np.linalg.norm(v) > 1e-3),
       st.floats(0.0, 4.0), st.floats(1e-9, 1.0), st.integers(0, 2**32 - 1))
def test_slice_direction_tells_rounding_from_a_real_part(values, ulps, part, seed):
    """Reference by construction: a direction whose slice part is exactly 0 plus a few ulps
    of noise is perpendicular; one whose part is a real share of it points along that part,
    the unit vector of the part as stored (in mpmath): a part of 1e-9 beside 1e-300 is stored
    subnormal, 6e-310 and 8e-310 to about 11 digits, not 0.6 and 0.8."""
    d = np.array(values)
    axes = tuple(np.random.default_rng(seed).choice(len(d), 2, replace=False))
    rest = d.copy()
    rest[list(axes)] = 0.0
    if not np.any(rest):
        return
    scale = np.max(np.abs(rest))  # (its norm may underflow)
    noisy = rest.copy()
    noisy[list(axes)] = ulps * np.finfo(float).eps * scale * np.array([1.0, -1.0])
    assert landscape.slice_direction(noisy, axes) is None
    real = rest.copy()
    real[list(axes)] = part * scale * np.array([0.6, 0.8])
    stored = [mp.mpf(float(real[i])) for i in axes]
    along = [float(v / mp.sqrt(stored[0] ** 2 + stored[1] ** 2)) for v in stored]
    assert landscape.slice_direction(real, axes) == pytest.approx(along, rel=1e-12)


def test_the_reachable_best_fit_is_the_nearest_on_the_line_of_best_fits():
    """By hand: with columns x and 2x no logit changes along v = (2, -1, 0)/sqrt(5); from
    (1, 1, 0) descent keeps v·theta = 1/sqrt(5), so of the best fits best + t v it reaches
    t = v·(start - best). Two constant columns leave a plane; L2 or independent columns, one."""
    X = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [-1.0, -2.0]])
    best = np.array([0.3, 0.1, -0.2])
    v = np.array([2.0, -1.0, 0.0]) / np.sqrt(5)
    start = np.array([1.0, 1.0, 0.0])
    point, dims = landscape.reachable_best_fit(X, best, start)
    assert dims == 1
    np.testing.assert_allclose(point, best + v * (v @ (start - best)), atol=1e-12)
    np.testing.assert_allclose(v @ point, v @ start, atol=1e-12)  # same part along the line
    assert landscape.reachable_best_fit(X, best, start, l2=0.1) == (pytest.approx(best), 0)
    two = np.array([[1.0, 3.0, 7.0], [2.0, 3.0, 7.0], [4.0, 3.0, 7.0]])
    assert landscape.reachable_best_fit(two, np.zeros(4), np.ones(4))[1] == 2
    apart = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.5]])
    point, dims = landscape.reachable_best_fit(apart, best, start)
    assert dims == 0 and np.array_equal(point, best)


def test_paths_that_cross_the_picture_at_every_step_are_judged_whole():
    """Two 400-point paths crossing the picture at every step (1.1e6 samples drawn): the same
    lines drawn in the other order lie under each other; the first half of them does not hide
    the whole (by hand: the points right of x = 0.51 are more than 0.01 from every point of it,
    whose x is at most 0.4988), nor does the whole moved right by half the picture. Each chunk
    of samples is held against the segments near it only."""
    n, unit = 400, ((0.0, 1.0), (0.0, 1.0))
    zig = np.column_stack([np.linspace(0.0, 1.0, n), (np.arange(n) % 2).astype(float)])
    assert landscape.lies_under(zig, zig[::-1], *unit)
    assert zig[:200, 0].max() < 0.4988
    assert not landscape.lies_under(zig, zig[:200], *unit)
    assert landscape.lies_under(zig[:200], zig, *unit)
    assert not landscape.lies_under(zig, zig + np.array([0.5, 0.0]), *unit)


def test_features_too_small_to_square_are_not_read_as_dependent_on_the_bias():
    """x = 1e-300, -1e-300, 2e-300 (labels 0 1 1): the rows of [x 1] are (x_i, 1), and any
    two of them have the 2x2 determinant x_i - x_j, not 0 in exact rationals, so [x 1] has
    rank 2 and the best fit is one point. The squares x_i² underflow to 0 in doubles, the
    column's length computed as 0 and the column was taken for one of zeros: the landscape
    said 'The best fits fill a line through the diamond' and moved the diamond to w = 0.
    Scaled by 1e300 the same points have rank 2 as well (the direction found must not
    depend on the unit), and shifted and scaled columns keep their flat direction."""
    tiny = [1e-300, -1e-300, 2e-300]
    assert Fraction(tiny[0]) - Fraction(tiny[1]) != 0
    X = np.array(tiny)[:, None]
    best = np.array([-3.385e299, 0.95])
    for column in (X, X * 1e300):
        assert landscape.flat_directions(np.column_stack([column, np.ones(3)])).shape[1] == 0
        point, dims = landscape.reachable_best_fit(column, best, np.zeros(2))
        assert dims == 0 and np.array_equal(point, best)
    # a constant column of tiny values duplicates the bias: one flat direction, (1, -1e-300)
    # up to length and sign, by hand
    flat = landscape.flat_directions(np.column_stack([np.full(3, 1e-300), np.ones(3)]))
    assert flat.shape[1] == 1
    v = flat[:, 0] / flat[0, 0]
    assert v[0] == 1.0 and v[1] == pytest.approx(-1e-300, rel=1e-12)


def test_angles_keep_their_digits_down_to_rounding():
    """Against mpmath's atan2 at 60 digits: an angle of 1e-10 radians (arccos of the cosine,
    which rounds to 1, read 0; one of 1e-15 radians read 8.5e-7 degrees), 1 radian, and
    vectors of 1e-300 whose squares underflow. Zero or infinite vectors have no angle."""
    mp.dps = 60
    for tiny in (1e-10, 1e-15, 0.3, 1.0):
        u, v = np.array([1.0, 0.0]), np.array([math.cos(tiny), math.sin(tiny)])
        for scale in (1.0, 1e-300):  # (the angle of the vectors as stored)
            a, c = u * scale, v * scale
            exact = mp.degrees(mp.atan2(mp.mpf(c[1]), mp.mpf(c[0])))
            assert landscape.angle_degrees(a, c) == pytest.approx(float(exact), rel=1e-12)
    # descent on one sample x = 5 of label 1 from 0 moves along (5, 1): a plain loop, then
    # the angle of its (w, b) to (5, 1) in mpmath
    w = b = 0.0
    for _ in range(200):
        error = 1 / (1 + math.exp(-(5 * w + b))) - 1
        w, b = w - 0.5 * error * 5, b - 0.5 * error
    exact = abs(mp.degrees(mp.atan2(mp.mpf(w), mp.mpf(b)) - mp.atan2(5, 1)))
    assert exact < 1e-14
    assert landscape.angle_degrees([w, b], np.array([5.0, 1.0]) / math.sqrt(26)) < 1e-13
    assert landscape.angle_degrees([0.0, 0.0], [1.0, 0.0]) is None
    assert landscape.angle_degrees([1.0, 0.0], [math.inf, 0.0]) is None


@pytest.mark.parametrize("unit", [5e-324, 1e-320, 1e-300, 1.0, 1e150, 1e300])
def test_flat_directions_of_subnormal_features_are_finite(unit):
    """x = 1, 2, 3 and z = 2x in units of ``unit`` (doubles k·2^-1074 at 5e-324: exact
    multiples, checked in fractions): [x z 1] has rank 2 and its one flat direction is
    (2, -1, 0)/sqrt(5) up to sign, by hand. Dividing the null vectors by a subnormal column
    length overflowed to inf, and the direction read nan: the landscape put the diamond of
    its line of best fits at nan. A constant column of 5e-324 beside the same x duplicates
    the bias: its flat direction is (0, 1, -5e-324) up to length and sign, (0, 1, 0) to
    double precision."""
    x = np.array([1.0, 2.0, 3.0]) * unit
    z = np.array([2.0, 4.0, 6.0]) * unit
    assert all(Fraction(b) == 2 * Fraction(a) for a, b in zip(x, z, strict=True))
    flat = landscape.flat_directions(np.column_stack([x, z, np.ones(3)]))
    assert flat.shape == (3, 1) and np.all(np.isfinite(flat))
    v = flat[:, 0] * np.sign(flat[0, 0])
    assert v == pytest.approx([2 / 5 ** 0.5, -1 / 5 ** 0.5, 0.0], abs=1e-12)
    # from 0, descent keeps the part of (w, b) along (2, -1, 0) at 0 (by hand: the best fit
    # less its projection on it), and never moves b. Near 1e150 the rounding of the bias
    # entry outgrew the true entries, the direction came back as the bias's axis, and the
    # reachable best fit had b = 0 in place of the best fit's (weights of 3 / 5e-324 overflow)
    if unit < 1e-300:
        return
    best = np.array([3.0, 5.0, 0.75]) / unit
    best[-1] = 0.75
    reachable, dims = landscape.reachable_best_fit(np.column_stack([x, z]), best, np.zeros(3))
    along = (2 * best[0] - best[1]) / 5
    assert dims == 1 and reachable[-1] == pytest.approx(best[-1], rel=1e-12)
    assert reachable[:2] == pytest.approx(best[:2] - along * np.array([2.0, -1.0]), rel=1e-12)
    flat = landscape.flat_directions(np.column_stack([x, np.full(3, 5e-324), np.ones(3)]))
    assert flat.shape == (3, 1) and np.all(np.isfinite(flat))
    assert np.abs(flat[:, 0]) == pytest.approx([0.0, 1.0, 0.0], abs=1e-12)


def _exact_null_space(rows: list[list[float]]) -> list[list[Fraction]]:
    """The null space of the doubles in ``rows``, in fractions, by Gauss-Jordan elimination:
    one vector for each free column, that column's entry 1."""
    m = [[Fraction(v) for v in row] for row in rows]
    n_cols, pivots, r = len(m[0]), [], 0
    for c in range(n_cols):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        m[r] = [v / m[r][c] for v in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                m[i] = [a - m[i][c] * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(n_cols) if c not in pivots):
        v = [Fraction(0)] * n_cols
        v[free] = Fraction(1)
        for i, c in enumerate(pivots):
            v[c] = -m[i][free]
        basis.append(v)
    return basis


@pytest.mark.parametrize("near, tiny", [(-33, -70), (-36, -80), (-30, -1000)])
def test_a_small_true_entry_of_a_flat_direction_is_kept(near, tiny):
    """x = 1 + k 2^near (a feature near constant) beside z = k 2^tiny, k = 0..4: exactly
    x - 1 = 2^(near - tiny) z, one flat direction, (1, -2^(near - tiny), -1), mostly z's
    weight. In unit-length columns its z entry is about 1e-9 of the largest or less, and a
    rule dropping entries below 1e-9 read it as (1, 0, -1): the reachable best fit from 0
    then kept the best fit's w_z (1.3e21), which descent from 0 never moves. Reference: the
    null space of the doubles in fractions, and the reachable best fit by hand."""
    k = np.arange(5.0)
    x, z = 1 + k * 2.0**near, k * 2.0**tiny
    Xs = np.column_stack([x, z, np.ones(5)])
    (exact,) = _exact_null_space(Xs.tolist())
    largest = max(abs(v) for v in exact)
    reference = np.array([float(v / largest) for v in exact])
    reference /= math.sqrt(float(sum((v / largest) ** 2 for v in exact)))
    flat = landscape.flat_directions(Xs)
    assert flat.shape == (3, 1)
    v = flat[:, 0] * np.sign(flat[1, 0] * reference[1])
    assert v == pytest.approx(reference, rel=1e-5)
    # from 0, descent keeps f . theta at 0: the best fit less f (f . best), f the reference
    best = np.array([-0.3, 1.3 * 2.0 ** -tiny / 2 ** 3, -1.2])
    reachable, dims = landscape.reachable_best_fit(Xs[:, :2], best, np.zeros(3))
    by_hand = best - reference * float(reference @ best)
    assert dims == 1 and reachable == pytest.approx(by_hand, rel=1e-5, abs=1e-9 * abs(best[1]))
