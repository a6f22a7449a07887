r"""The loss landscape: J over a plane of two parameters, its contour lines, and descent paths.

For one feature the plane is (w, b). For more, it is a 2-D slice: two chosen parameters vary
and every other one is held where it is at the inspected step. With ``a`` and ``c`` the two
varying coordinates (indices ``i`` and ``k`` of theta = (w, b)) and ``theta*`` the held point,

.. math:: z(a, c) = z^* + (a - \theta^*_i)\, x_i + (c - \theta^*_k)\, x_k

(with ``x`` of the bias equal to 1), so the whole grid is one broadcast: no Python loop over
grid points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .exact import flat_directions
from .maths import check_data, check_l2, check_parameters, l2_penalty, sample_losses

GRID_DEFAULT = 100


@dataclass(frozen=True)
class Landscape:
    """The loss on a grid over two parameters.

    Attributes
    ----------
    axes : tuple of two int
        Indices into theta = (w_1, ..., w_d, b) of the two varying parameters.
    a, c : ndarray of shape (n_grid,)
        Grid values of the first and second varying parameter.
    loss : ndarray of shape (n_grid, n_grid)
        ``loss[row, col]`` is J at ``a[col]``, ``c[row]`` (others held at ``center``).
    center : ndarray of shape (n_features + 1,)
        The held point theta*.
    """

    axes: tuple[int, int]
    a: np.ndarray
    c: np.ndarray
    loss: np.ndarray
    center: np.ndarray


def loss_grid(
    X, y, center_w, center_b: float, axes: tuple[int, int], a_range, c_range,
    n_grid: int = GRID_DEFAULT, l2: float = 0.0,
) -> Landscape:
    """J on an ``n_grid`` x ``n_grid`` grid over two parameters (see the module formula).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    center_w : array-like of shape (n_features,)
        Weights held fixed (except the varying ones).
    center_b : float
    axes : tuple of two distinct int
        Indices into (w_1, ..., w_d, b); ``n_features`` means the bias.
    a_range, c_range : tuple of two float
        Low and high ends of each axis.
    n_grid : int
    l2 : float

    Returns
    -------
    Landscape
    """
    X, y = check_data(X, y)
    w, b = check_parameters(center_w, center_b, X.shape[1])
    l2 = check_l2(l2)
    i, k = axes
    theta = np.append(w, b)
    A = np.column_stack([X, np.ones(X.shape[0])])
    a = np.linspace(*a_range, n_grid)
    c = np.linspace(*c_range, n_grid)
    # logits z for every grid point and sample: z = base + a x_i + c x_k, laid out
    # (grid rows [c], grid columns [a], samples) and built a block of rows at a time so the
    # working arrays stay small (a few MB) whatever the data size.
    base = A @ theta - theta[i] * A[:, i] - theta[k] * A[:, k]
    ai, ck = A[:, i], A[:, k]
    loss = np.empty((n_grid, n_grid))
    rows = max(1, 400_000 // (n_grid * X.shape[0]))
    with np.errstate(all="ignore"):
        for start in range(0, n_grid, rows):
            block = c[start:start + rows]
            z = base + a[:, None] * ai  # (n_grid [a], n_samples)
            z = z[None, :, :] + block[:, None, None] * ck
            loss[start:start + rows] = sample_losses(z, y).mean(axis=2)
    if l2:
        weights = np.broadcast_to(theta[:-1], (n_grid, n_grid, theta.size - 1)).copy()
        if i < theta.size - 1:
            weights[:, :, i] = a[None, :]
        if k < theta.size - 1:
            weights[:, :, k] = c[:, None]
        with np.errstate(over="ignore"):  # an overflowing grid point is an inf loss
            loss = loss + l2_penalty(weights, l2)[0]
    return Landscape(axes=(i, k), a=a, c=c, loss=loss, center=theta)


def contour_segments(landscape: Landscape, n_levels: int = 12) -> pd.DataFrame:
    """Contour lines of the landscape as straight segments (marching squares).

    Levels are spaced evenly in log(loss) between the grid's smallest and largest loss, so
    the narrow valley near the minimum gets as many lines as the steep walls.

    Returns
    -------
    DataFrame with columns level, a, c, a2, c2 (one segment per row)
    """
    loss, a, c = landscape.loss, landscape.a, landscape.c
    positive = loss[np.isfinite(loss) & (loss > 0)]
    if positive.size == 0 or positive.min() == positive.max():
        return pd.DataFrame(columns=["level", "a", "c", "a2", "c2"])
    levels = np.geomspace(positive.min(), positive.max(), n_levels + 2)[1:-1]
    v00, v01 = loss[:-1, :-1], loss[:-1, 1:]  # rows: c, cols: a
    v10, v11 = loss[1:, :-1], loss[1:, 1:]
    a0, a1 = a[:-1][None, :], a[1:][None, :]
    c0, c1 = c[:-1][:, None], c[1:][:, None]
    shape = v00.shape
    frames = []
    for level in levels:
        # where each of the four cell edges crosses the level (fraction t along the edge)
        with np.errstate(divide="ignore", invalid="ignore"):
            edges = (
                ((level - v00) / (v01 - v00), True, c0),  # bottom: c = c0, a from a0 to a1
                ((level - v10) / (v11 - v10), True, c1),  # top: c = c1
                ((level - v00) / (v10 - v00), False, a0),  # left: a = a0, c from c0 to c1
                ((level - v01) / (v11 - v01), False, a1),  # right: a = a1
            )
        crossings = []
        for t, along_a, fixed in edges:
            ok = (t >= 0) & (t < 1)
            if along_a:
                crossings.append((ok, a0 + t * (a1 - a0), np.broadcast_to(fixed, shape)))
            else:
                crossings.append((ok, np.broadcast_to(fixed, shape), c0 + t * (c1 - c0)))
        # a cell the level crosses twice holds one segment between the two crossings; saddle
        # cells (four crossings) are rare at this resolution and are left out
        cells = sum(ok.astype(int) for ok, _, _ in crossings) == 2
        ends = [np.full(shape, np.nan) for _ in range(4)]  # a, c of the first; a, c of second
        for ok, pa, pc in crossings:
            first = ok & cells & np.isnan(ends[0])
            second = ok & cells & ~first
            ends[0], ends[1] = np.where(first, pa, ends[0]), np.where(first, pc, ends[1])
            ends[2], ends[3] = np.where(second, pa, ends[2]), np.where(second, pc, ends[3])
        mask = cells & ~np.isnan(ends[2])
        frames.append(pd.DataFrame({
            "level": level, "a": ends[0][mask], "c": ends[1][mask],
            "a2": ends[2][mask], "c2": ends[3][mask],
        }))
    return pd.concat(frames, ignore_index=True)


def inside(path: np.ndarray, axes, a_range, c_range) -> bool:
    """Whether every finite point of ``path`` (shape (n_states, n_features + 1)) lies in the
    ranges along ``axes``: a path drawn on that picture never leaves it."""
    points = path[:, list(axes)]
    points = points[np.all(np.isfinite(points), axis=1)]
    return bool(np.all((points[:, 0] >= a_range[0]) & (points[:, 0] <= a_range[1])
                       & (points[:, 1] >= c_range[0]) & (points[:, 1] <= c_range[1])))


#: A direction's part along a slice's two axes counts as 0 when its length is at most this
#: many machine epsilons times the direction's: the part a rounding error leaves of an exact 0.
#: (On the square of corners (+-1, +-1), labels by the first coordinate, the max-margin
#: direction is (1, 0, 0) by symmetry and computes as (1, -4.4e-17, -4.4e-17): its part along
#: w[x2] and b, 0.3 eps, was drawn as a dashed line of its own, a review.)
SLICE_EPS = 1024


def slice_direction(direction, axes) -> np.ndarray | None:
    r"""The unit vector along which ``direction`` points in the slice over ``axes``, or None
    where its part there is 0 to rounding: :math:`\lVert d_{axes} \rVert \le`
    `SLICE_EPS` :math:`\cdot \varepsilon \lVert d \rVert` (the direction is then
    perpendicular to the slice, and points nowhere in it).

    Parameters
    ----------
    direction : array-like of shape (n_features + 1,)
        A direction of theta = (w, b), not 0.
    axes : tuple of two int
        Indices into theta of the slice's two parameters.

    Returns
    -------
    ndarray of shape (2,) or None
    """
    direction = np.asarray(direction, dtype=float)
    direction = direction / np.max(np.abs(direction))  # (no squares that underflow)
    part = direction[list(axes)]
    length = float(np.linalg.norm(part))
    if length <= SLICE_EPS * np.finfo(float).eps * float(np.linalg.norm(direction)):
        return None
    return part / length


def angle_degrees(theta, direction) -> float | None:
    """The angle between two vectors, in degrees, or None where either is 0.

    From Kahan's ``2 atan2(|u - v|, |u + v|)`` on the unit vectors, which keeps its digits
    at every angle: ``arccos`` of the cosine cannot tell an angle below about 1e-8 radians
    from 0, as a cosine that rounds to 1 - 2^-53 reads 8.5e-7 degrees (a single sample x = 5
    of label 1: descent's (w, b) stays along (5, 1), the max-margin direction, to 1.2e-15
    degrees in mpmath, and the landscape said it pointed 8.54e-07 degrees away). Each vector
    is divided by its largest entry first, so that entries of 1e-300 keep their length.
    """
    units = []
    for v in (theta, direction):
        v = np.asarray(v, dtype=float)
        peak = float(np.max(np.abs(v), initial=0.0))
        if not peak or not np.isfinite(peak):
            return None
        v = v / peak
        units.append(v / np.linalg.norm(v))
    u, v = units
    return float(np.degrees(2 * np.arctan2(np.linalg.norm(u - v), np.linalg.norm(u + v))))


def grid_ranges(paths: list[np.ndarray], extra: list[np.ndarray], axes, pad: float = 0.25):
    """Axis ranges that hold every path point and extra point, padded by a quarter.

    Parameters
    ----------
    paths : list of ndarray of shape (n_states, n_features + 1)
    extra : list of ndarray of shape (n_features + 1,)
    axes : tuple of two int
    pad : float

    Returns
    -------
    tuple of two (low, high) tuples
    """
    points = np.vstack([*paths, *[e[None, :] for e in extra]])[:, list(axes)]
    finite = points[np.all(np.isfinite(points), axis=1)]
    low, high = finite.min(axis=0), finite.max(axis=0)
    span = np.maximum(high - low, 1.0)
    low, high = low - pad * span, high + pad * span
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def lies_under(path: np.ndarray, over: np.ndarray, a_range, c_range,
               share: float = 0.01) -> bool:
    r"""Whether every point of ``path`` that the picture shows, its segments as drawn
    (clipped to the picture) included, lies within ``share`` of the polyline through
    ``over``, in units of the picture's width and height (the picture the unit square): drawn
    under it, the path is hidden by it. False where the picture shows no point of ``path``.

    The corner points alone are not enough: Newton's path on breast cancer has one corner in
    the picture, the start every run shares, and its first segment crosses the picture 3
    units (45% of its width) from the learner's path; "lies under your run's" was said of it
    (a walk). Each drawn segment is clipped to the unit square (Liang-Barsky) and sampled at
    most h = ``share`` / 8 apart; the distance to a polyline changes by at most as much as
    the point moves, so samples within ``share`` - h / 2 put every point within ``share``.

    The distance of a point p to a segment from s to s + d is
    :math:`\lVert p - (s + t d) \rVert` with :math:`t = \operatorname{clip}((p - s)\cdot d /
    \lVert d \rVert^2, 0, 1)`, the least over the segments.

    Parameters
    ----------
    path, over : ndarray of shape (n_points, 2)
        Points (a, c) in the order drawn (a point that is not finite is skipped, as the chart
        skips it).
    a_range, c_range : (low, high)
        The picture.
    share : float
    """
    low = np.array([a_range[0], c_range[0]], dtype=float)
    size = np.array([a_range[1] - a_range[0], c_range[1] - c_range[0]], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = (np.asarray(path, dtype=float) - low) / size
        q = (np.asarray(over, dtype=float) - low) / size
    p = p[np.all(np.isfinite(p), axis=1)]
    q = q[np.all(np.isfinite(q), axis=1)]
    step = share / 8
    shown = _drawn_samples(p, step)
    if not len(shown) or not len(q):
        return False
    start, d = (q[:-1], np.diff(q, axis=0)) if len(q) > 1 else (q, np.zeros_like(q))
    length = np.sum(d * d, axis=1)
    ends = np.minimum(start, start + d), np.maximum(start, start + d)  # each segment's box
    # In chunks of samples in the order drawn, each against the segments whose box comes
    # within the tolerance of the chunk's: a segment further out along either axis is
    # further from every sample of it. (Against every segment, two 400-point paths that cross
    # the picture at every step took 8 s: 1.1e6 samples, each against 399 segments.)
    for k in range(0, len(shown), 256):
        chunk = shown[k:k + 256]
        low, high = chunk.min(axis=0) - share, chunk.max(axis=0) + share
        near = np.flatnonzero(np.all((ends[1] >= low) & (ends[0] <= high), axis=1))
        if not near.size:
            return False
        offset = chunk[:, None, :] - start[None, near, :]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            t = np.clip(np.sum(offset * d[None, near], axis=2) / length[None, near], 0.0, 1.0)
        t = np.where(length[None, near] > 0, t, 0.0)
        gap = offset - t[:, :, None] * d[None, near]
        if not np.all(np.sqrt(np.sum(gap * gap, axis=2)).min(axis=1) <= share - step / 2):
            return False
    return True


def _drawn_samples(p: np.ndarray, step: float) -> np.ndarray:
    """Points of the polyline through ``p`` (shape (n, 2), the picture the unit square) that
    the picture shows, at most ``step`` apart along each segment clipped to it; a lone point
    where the polyline is one point inside. Shape (m, 2)."""
    inside = p[np.all((p >= 0) & (p <= 1), axis=1)]
    if len(p) < 2:
        return inside
    a, d = p[:-1], np.diff(p, axis=0)
    enter, leave = np.zeros(len(a)), np.ones(len(a))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for axis in range(2):  # Liang-Barsky: the part of each segment in 0 <= x <= 1
            t0, t1 = -a[:, axis] / d[:, axis], (1 - a[:, axis]) / d[:, axis]
            flat = d[:, axis] == 0
            out = flat & ((a[:, axis] < 0) | (a[:, axis] > 1))
            enter = np.where(flat, enter, np.maximum(enter, np.minimum(t0, t1)))
            leave = np.where(flat, leave, np.minimum(leave, np.maximum(t0, t1)))
            leave = np.where(out, -1.0, leave)
    keep = (enter <= leave) & np.all(np.isfinite(d), axis=1)
    a, d, enter, leave = a[keep], d[keep], enter[keep], leave[keep]
    counts = np.ceil(np.hypot(*(d * (leave - enter)[:, None]).T) / step).astype(int) + 1
    seg = np.repeat(np.arange(len(a)), counts)
    frac = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) / np.repeat(
        np.maximum(counts - 1, 1), counts)
    t = enter[seg] + frac * (leave - enter)[seg]
    return np.vstack([inside, a[seg] + t[:, None] * d[seg]])


def reachable_best_fit(X, best, start, l2: float = 0.0) -> tuple[np.ndarray, int]:
    r"""The best fit that gradient descent from ``start`` can reach, and how many dimensions
    the set of best fits has (0 where the best fit is unique).

    Without L2, where the features and the bias's column of ones are linearly dependent (a
    feature the same in every sample, or a combination of others), no logit changes along
    the null space F of ``[X 1]`` (`exact.flat_directions`, orthonormal), so every point of
    ``best`` + span(F) is a best fit. The gradient :math:`[X\ 1]^T (p - y) / n` has no part
    along F, so descent keeps :math:`F^T \theta` at its start's: the only best fit it can
    reach is :math:`\theta^* + F F^T (\theta_0 - \theta^*)`, the one nearest the start.
    (A walk: with a constant column the diamond marked the best fit Newton's method found, a
    different point of the line, on a contour of 0.79 in the slice where the run had reached
    the line at 0.6302.) With L2 > 0 the loss is strictly convex: ``best`` itself.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    best : array-like of shape (n_features + 1,)
        A best fit (w, b), bias last.
    start : array-like of shape (n_features + 1,)
        Where descent starts.
    l2 : float, default 0

    Returns
    -------
    point : ndarray of shape (n_features + 1,)
    dimensions : int
    """
    best = np.asarray(best, dtype=float)
    if l2 > 0:
        return best, 0
    X = np.asarray(X, dtype=float)
    flat = flat_directions(np.column_stack([X, np.ones(len(X))]))
    if not flat.shape[1]:
        return best, 0
    return best + flat @ (flat.T @ (np.asarray(start, dtype=float) - best)), flat.shape[1]
