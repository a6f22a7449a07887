r"""The model's picture at many steps of a run: what an animation of it draws, precomputed.

For a run (a `History`) and the data it trained on, `model_frames` picks up to `MAX_FRAMES`
of its states (all of them for short runs, evenly spaced otherwise, the first, the last and
any asked-for step always among them) and computes, for each, everything the picture shows:

- one feature: p(x) = σ(w x + b) on a grid of x, and the boundary x = −b/w (nan when w = 0);
- two features, or two chosen of more: p over a grid of the plane (the other features held at
  their means, :math:`z = w_i x_i + w_j x_j + b + \sum_{k \ne i, j} w_k \bar x_k`), and the line
  p = 0.5 clipped to the plot box (nan when it misses it or both weights are 0);
- for every frame: its step, its loss and the share of samples on their label's side.

The browser that plays it only scales and draws these numbers; it computes no model.
`plane_line` says, for one model, whether its line p = 0.5 is in that picture at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .maths import check_data, on_label_side, sigmoid
from .training import History

#: Frames of one animation: enough for 15 or more per second over ten seconds and more, and
#: few enough that a plane of 24 x 24 probabilities per frame stays a small message.
MAX_FRAMES = 240
CURVE_POINTS = 120
PLANE_CELLS = 24
#: Padding of the plot box around the samples, as a share of their range.
PAD = 0.15


@dataclass(frozen=True)
class Frames:
    """The picture of a run at its chosen steps (arrays read-only).

    Attributes
    ----------
    steps : ndarray of int, shape (n_frames,)
    loss : ndarray of shape (n_frames,)
    accuracy : ndarray of shape (n_frames,)
        Share of samples on their label's side of p = 0.5.
    weights : ndarray of shape (n_frames, n_features)
    bias : ndarray of shape (n_frames,)
    axes : tuple of int
        The features drawn: (j,) for a curve, (i, j) for a plane.
    x_range, y_range : tuple of two float
        The plot box (for a curve y is p, from a little below 0 to a little above 1).
    grid : ndarray
        Curve: x values, shape (CURVE_POINTS,). Plane: cell centres along x, shape (cells,).
    grid_y : ndarray or None
        Plane: cell centres along y, shape (cells,).
    p : ndarray
        Curve: shape (n_frames, CURVE_POINTS). Plane: shape (n_frames, cells, cells),
        ``p[f, row, col]`` at ``(grid[col], grid_y[row])``.
    boundary : ndarray
        Curve: shape (n_frames,), x of p = 0.5. Plane: shape (n_frames, 4), the line's end
        points (x0, y0, x1, y1) inside the box.
    held : ndarray of shape (n_features,)
        The values the undrawn features are held at (their means); nan for drawn ones.
    """

    steps: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    axes: tuple[int, ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    grid: np.ndarray
    grid_y: np.ndarray | None
    p: np.ndarray
    boundary: np.ndarray
    held: np.ndarray

    @property
    def kind(self) -> str:
        return "curve" if len(self.axes) == 1 else "plane"


def frame_steps(steps_run: int, max_frames: int = MAX_FRAMES, keep=()) -> np.ndarray:
    """The steps an animation of a run shows: every one when there are few enough, else
    ``max_frames`` evenly spaced, with step 0, the last and every step in ``keep``."""
    if steps_run + 1 <= max_frames:
        return np.arange(steps_run + 1)
    picked = np.linspace(0, steps_run, max_frames - len(tuple(keep))).round().astype(int)
    keep = [int(k) for k in keep if 0 <= k <= steps_run]
    return np.unique(np.concatenate([picked, keep, [0, steps_run]]))


def padded_range(values: np.ndarray, pad: float = PAD) -> tuple[float, float]:
    """A picture's range along one feature: its values' range widened by ``pad`` of itself
    each side, or by 1 where every value is the same (shape of ``values``: (n_samples,))."""
    low, high = float(np.min(values)), float(np.max(values))
    span = (high - low) * pad if high > low else 1.0
    return low - span, high + span


def model_frames(X, y, history: History, axes: tuple[int, ...] | None = None, keep=(),
                 max_frames: int = MAX_FRAMES) -> Frames:
    """The picture of ``history`` at up to ``max_frames`` of its steps (module docstring).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data the run trained on.
    y : array-like of shape (n_samples,)
    history : History
    axes : tuple of one or two int, optional
        Features to draw: by default the only one, or the first two.
    keep : iterable of int
        Steps that must be frames (the inspected one).
    max_frames : int

    Returns
    -------
    Frames
    """
    X, y = check_data(X, y)
    n_features = X.shape[1]
    if axes is None:
        axes = (0,) if n_features == 1 else (0, 1)
    steps = frame_steps(history.steps_run, max_frames, keep)
    W, B = history.weights[steps], history.bias[steps]
    Z = X @ W.T + B  # (n_samples, n_frames)
    accuracy = np.mean(on_label_side(Z, y[:, None]), axis=0)
    held = np.full(n_features, np.nan)
    others = [k for k in range(n_features) if k not in axes]
    held[others] = X[:, others].mean(axis=0)
    offset = B + (W[:, others] @ held[others] if others else 0.0)  # the bias with the rest held
    x_range = padded_range(X[:, axes[0]])
    # (-offset / w beyond the largest double, at b = 1 and w = 1e-310: no line to draw)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if len(axes) == 1:
            grid = np.linspace(*x_range, CURVE_POINTS)
            w = W[:, axes[0]]
            p = sigmoid(w[:, None] * grid[None, :] + offset[:, None])
            boundary = np.where(w != 0, -offset / np.where(w != 0, w, 1.0), np.nan)
            y_range, grid_y = (-0.06, 1.06), None  # room for the samples drawn at 0 and 1
        else:
            y_range = padded_range(X[:, axes[1]])
            edges_x = np.linspace(*x_range, PLANE_CELLS + 1)
            edges_y = np.linspace(*y_range, PLANE_CELLS + 1)
            grid, grid_y = (edges_x[:-1] + edges_x[1:]) / 2, (edges_y[:-1] + edges_y[1:]) / 2
            wi, wj = W[:, axes[0]], W[:, axes[1]]
            p = sigmoid(wi[:, None, None] * grid[None, None, :]
                        + wj[:, None, None] * grid_y[None, :, None] + offset[:, None, None])
            boundary = np.array([_segment(a, c, o, x_range, y_range)
                                 for a, c, o in zip(wi, wj, offset, strict=True)])
    frames = Frames(steps=steps, loss=history.loss[steps], accuracy=accuracy, weights=W,
                    bias=B, axes=tuple(axes), x_range=x_range, y_range=y_range, grid=grid,
                    grid_y=grid_y, p=p, boundary=boundary, held=held)
    for value in vars(frames).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return frames


@dataclass(frozen=True)
class PlaneLine:
    """The line p = 0.5 of one model in the plane picture of two features.

    Attributes
    ----------
    segment : ndarray of shape (4,)
        Its end points (x0, y0, x1, y1) inside the plot box, as `model_frames` draws it;
        four nans where it misses the box.
    centre_z : float
        The logit at the box's centre: where the line misses the box, its sign is that of z
        all over the picture (p above 0.5 where positive, below where negative).
    """

    segment: np.ndarray
    centre_z: float

    @property
    def in_picture(self) -> bool:
        return bool(np.all(np.isfinite(self.segment)))


def plane_line(X, w, b: float, axes: tuple[int, int]) -> PlaneLine:
    """Where the line p = 0.5 of the model ``(w, b)`` lies in the picture of features ``axes``
    (the others held at their means), in the plot box that `model_frames` draws.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    w : array-like of shape (n_features,)
    b : float
    axes : tuple of two int

    Returns
    -------
    PlaneLine
    """
    X = np.asarray(X, dtype=float)
    w = np.asarray(w, dtype=float)
    i, j = axes
    offset = _held_offset(X, w, b, axes)
    x_range, y_range = padded_range(X[:, i]), padded_range(X[:, j])
    with np.errstate(over="ignore", invalid="ignore"):
        centre = w[i] * sum(x_range) / 2 + w[j] * sum(y_range) / 2 + offset
    return PlaneLine(_segment(w[i], w[j], offset, x_range, y_range), float(centre))


def _held_offset(X: np.ndarray, w: np.ndarray, b: float, axes) -> float:
    """The bias of a picture of features ``axes``: b plus the other features' terms, each
    held at its mean."""
    others = [k for k in range(X.shape[1]) if k not in axes]
    return float(b + (w[others] @ X[:, others].mean(axis=0) if others else 0.0))


def slice_logits(X, w, b: float, axes: tuple[int, int]) -> np.ndarray:
    r"""Each sample's logit where the plane picture of features ``axes`` places it: its own
    values of those two, the other features held at their means (as `model_frames` draws it).

    .. math:: z^{\text{slice}}_i = w_a x_{ia} + w_c x_{ic} + b
              + \sum_{k \notin \{a, c\}} w_k \bar{x}_k

    On breast cancer at step 500 the model puts 562 of 569 samples on their label's side,
    while the picture, with the other 28 features at their means, places fewer there: the
    caption says both.

    Parameters
    ----------
    X, w, b, axes
        As `plane_line`: the data (n_samples, n_features), the model, the two features.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    X, w = np.asarray(X, dtype=float), np.asarray(w, dtype=float)
    i, j = axes
    with np.errstate(over="ignore", invalid="ignore"):
        return w[i] * X[:, i] + w[j] * X[:, j] + _held_offset(X, w, b, axes)


def _segment(a: float, c: float, o: float, x_range, y_range) -> np.ndarray:
    """End points of ``a x + c y + o = 0`` inside the box, or four nans if it misses it."""
    (x0, x1), (y0, y1) = x_range, y_range
    points = []
    with np.errstate(over="ignore", invalid="ignore"):  # a weight of 1e-313: far off the box
        if c != 0:
            points += [(x, -(a * x + o) / c) for x in (x0, x1)]
        if a != 0:
            points += [(-(c * v + o) / a, v) for v in (y0, y1)]
    eps = 1e-9 * max(x1 - x0, y1 - y0)
    inside = sorted({(float(x), float(v)) for x, v in points
                     if x0 - eps <= x <= x1 + eps and y0 - eps <= v <= y1 + eps})
    if len(inside) < 2:
        return np.full(4, np.nan)
    (xa, ya), (xb, yb) = inside[0], inside[-1]
    return np.array([xa, ya, xb, yb])
