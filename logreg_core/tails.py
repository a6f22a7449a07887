r"""What the tail of a loss curve measures: the rules behind every verdict's measured part.

`measure` reads the losses :math:`\ell_0, \dots, \ell_T` of a run (state 0 first, T steps)
and names what the curve did, from its tail: ``converging``, ``settling``, ``oscillating`` or
``diverging`` as measured, with the rule that decided (its *basis*) and the facts behind it.
`verdicts.classify_run` sets this beside what the learning-rate limits say of the rate.

The rules, in the order they are tried (full-batch runs)
-------------------------------------------------------
A step t *rises* when :math:`\ell_t - \ell_{t-1} > \text{RISE\_RTOL} \max(|\ell_t|,
|\ell_{t-1}|)`. The *tail* is the last `TAIL_FRACTION` of the steps, cut into `N_BLOCKS`
blocks of consecutive steps.

1. **overflow** (diverging): the run stopped because the numbers overflowed (``stopped_at``).
2. **never_rose** (converging): no step rises.
3. **quiet** (settling): no step rises in the final stretch of at least `QUIET_FRACTION` of the
   run. A loss that only falls is bounded below (by 0) and so converges; a cycle of period up
   to `MAX_PERIOD` rises at least once per period, so a stretch this long rules cycles out.
4. **cycle** (oscillating): the last ``max(CYCLE_REPEATS * P, CYCLE_MIN_STATES)`` losses
   repeat with period P (2 <= P <= `MAX_PERIOD`, the smallest that fits) to within
   `CYCLE_RTOL` of their range (plus rounding), and the pattern contains a rise.
   ``since`` is the first step from which losses one period apart agree to within
   `CYCLE_SINCE_RTOL` of the range, to the end.
5. **short** (oscillating): fewer than `MIN_STEPS_TO_JUDGE` steps, it rose, and rules 3-4 did
   not apply: too few steps to tell; the sentence says so.
6. **growth** (diverging): the largest loss of each tail block beats the previous block's by
   more than `GROWTH_MIN_STEP` (relative) in every block, and the growth is not levelling off
   (the last block-to-block growth in log scale is at least `GROWTH_KEEPS_UP` times the
   first). True divergence (e.g. L2 with ``learning_rate * l2 > 2``, where the weights grow
   geometrically) keeps a constant rate; a run heading for a bounded level or cycle grows ever
   more slowly and is left to rule 9.
7. **damped** (settling): the total rise in each tail block (the sum of the rises in it) never
   grows by more than `DECAY_SLACK` from one block to the next, the last block's is at most
   `DECAY_RATIO` times the first block's, and the rises head for zero: the last block has none,
   or the level the totals approach, extrapolated from the last three blocks by Aitken's
   delta-squared (exact for a geometric decay), is at most `DECAY_LIMIT_RATIO` times the last
   block's total. Rises that shrink towards a positive size (a cycle being approached from
   above) fail this test.
8. **pattern** (oscillating): the up/down pattern of the steps (which steps rise) repeats with
   a period P <= `MAX_PERIOD` over the last half of the tail, each period holding both a rise
   and a fall: a cycle that has not locked in to `CYCLE_RTOL` yet (near a period-doubling
   bifurcation the approach takes thousands of steps), while the rises are not dying out.
   ``since``, ``low``, ``high`` and ``decay`` describe only the part of the tail over which
   the pattern holds: from the state before the first step s such that every step from s on
   rises or falls as the step P later does (the tail's start at the earliest), to the end.
   (The whole tail read "a pattern that
   repeats every 2 steps, between 0.1204 and 6.407" on the 5 points at η = 5, 40 steps,
   whose tail rose and fell with period 3 before it alternated, from step 29 only, between
   0.1204 and 2.52: a review.)
9. **levelling**: the peaks grow in every block as in rule 6, but ever more slowly: settling
   when the tail never falls (a loss converging from below), oscillating otherwise.
10. **irregular** (oscillating): everything else: bounded in the tail, with no settling, no
    steady growth and no repeating pattern; the verdict reports the band.

Mini-batch runs (``stochastic=True``)
-------------------------------------
The full-data loss of a mini-batch run rises at many single steps from sampling noise alone, so
rules 4 and 7-10 (which read single steps) are replaced by rules on its *trend*, and the growth
rule asks for more:

- **growth** additionally needs the tail's largest loss to be at least `NOISY_GROWTH_FACTOR`
  times the first block's (noise moves the loss around a level; it cannot double it block
  after block).
- **trend_down** (converging, or settling if the trend ever rose): the tail's trend, the
  Theil-Sen line through the medians of its blocks, falls over the tail by more than
  `TREND_NOISE_RATIO` times the noise (the interquartile range of the tail's distances from
  that line). The trend *rose* if the median of some block of the whole run (`N_TREND_BLOCKS`
  blocks) exceeds the smallest median before it by more than the noise.
- **noise** (oscillating): otherwise: the full-data loss moves within a band around a level,
  with no trend that stands out from the noise; constant-rate SGD does not converge.

Short runs that settle or cycle by rules 3-4 within fewer than `MIN_STEPS_TO_JUDGE` steps say
in their sentence that they are too short to be sure.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

CONVERGING = "converging"
SETTLING = "settling"
OSCILLATING = "oscillating"
DIVERGING = "diverging"

#: A step rises when the loss grows by more than this relative amount. Rounding of a sum of n
#: positive terms is about log2(n) * 2.2e-16 (numpy sums pairwise), under 4e-15 even for
#: n = 50,000; at a converged optimum the loss jitters at that level. Real rises in the
#: teaching examples are 1e-9 or more, so 1e-12 separates the two with room on both sides.
RISE_RTOL = 1e-12

#: The tail is the last half of the steps: long enough to hold many periods of any cycle
#: worth naming and many blocks for trends; short enough to be past the start-up transient of
#: runs that settle into their long-run behaviour within the first half.
TAIL_FRACTION = 0.5

#: Blocks the tail is cut into for the growth and decay rules: 8 blocks make an accidental
#: pattern unlikely (8 block maxima of a stationary band increase in a row with probability
#: 1/8! = 2.5e-5) while keeping blocks long (125 steps in a 2,000-step run).
N_BLOCKS = 8

#: A final stretch this long (a fraction of all steps) without a rise means the run settled.
QUIET_FRACTION = 0.25

#: Longest cycle looked for: 64 covers several period doublings (2, 4, 8, ...); a longer cycle
#: is reported as an irregular band (rule 10), which describes it truthfully too.
MAX_PERIOD = 64

#: A cycle must show this many periods at the end of the run, and at least this many states.
CYCLE_REPEATS = 3
CYCLE_MIN_STATES = 12

#: Two losses one period apart match when they differ by at most this fraction of the cycle's
#: range (plus rounding). Attracting cycles lock in geometrically, to rounding (on the 20
#: students at rates 2 to 10, by step 200); a damped oscillation changes by (1 - r^P) of its
#: size per period, which is above 1e-6 unless its decay rate r is within 5e-7 of 1 (a run
#: that slow is a cycle for any practical number of steps).
CYCLE_RTOL = 1e-6

#: A cycle is dated from the first step after which losses one period apart agree to this
#: fraction of the cycle's range: a thousandth of the range is below what a chart can show,
#: so "since step s" is where the cycle starts on screen.
CYCLE_SINCE_RTOL = 1e-3

#: Growth rule: each block's largest loss must beat the previous block's by this (relative)...
GROWTH_MIN_STEP = 1e-3
#: ... and the last block-to-block growth (in log scale) must be at least this fraction of the
#: first: geometric divergence keeps a constant rate (ratio about 1); a run approaching a
#: bounded level grows ever more slowly (ratio falling towards 0).
GROWTH_KEEPS_UP = 0.5

#: Decay rule: block totals of the rises may grow by at most this factor from one block to the
#: next (a 2-cycle puts 62 or 63 rises in a 125-step block, a 1.6% wobble)...
DECAY_SLACK = 1.1
#: ... and the last block's total must be at most this fraction of the first block's ...
DECAY_RATIO = 0.5
#: ... and the extrapolated level the totals approach at most this fraction of the last one.
DECAY_LIMIT_RATIO = 0.5

#: Mini-batch runs: the growth must multiply the tail's largest loss by at least this.
NOISY_GROWTH_FACTOR = 2.0
#: Mini-batch runs: a trend counts when its change over the tail exceeds this many times the
#: noise (the interquartile range of the tail around its trend line).
TREND_NOISE_RATIO = 1.0
#: Mini-batch runs: the trend rose when a block median of the whole run beat the lowest one
#: before it by this many times the noise. A block median of W steps scatters far less than
#: single steps (their interquartile range is the noise), so twice the noise is well clear of
#: chance even for blocks of a few steps.
TREND_RISE_RATIO = 2.0
#: Mini-batch runs: blocks of the whole run whose medians trace the trend.
N_TREND_BLOCKS = 32

#: Runs with fewer steps get a caveat in their sentence.
MIN_STEPS_TO_JUDGE = 20



def measure(loss, stopped_at: int | None = None, stochastic: bool = False) -> dict:
    """What the loss curve did, judged on its tail (rules in the module docstring).

    Parameters
    ----------
    loss : array-like of shape (n_states,)
        Finite losses, state 0 first (n_states = steps + 1 >= 1). For mini-batch runs, the
        full-data loss.
    stopped_at : int or None
        The step at which the run overflowed and stopped (its state is not in ``loss``).
    stochastic : bool, default False
        True for mini-batch (SGD) runs: judged on the trend, not on single noisy steps.

    Returns
    -------
    dict
        The measured kind, the basis and the facts: the fields of `verdicts.Verdict` that
        describe the curve (see there).

    Raises
    ------
    ValueError
        ``loss`` is not a non-empty 1-D array of finite numbers.
    """
    loss = np.asarray(loss, dtype=float)
    if loss.ndim != 1 or loss.size == 0 or not np.all(np.isfinite(loss)):
        raise ValueError("loss must be a non-empty 1-D array of finite numbers")
    steps = loss.size - 1
    diff = np.diff(loss)
    rise = diff > RISE_RTOL * np.maximum(np.abs(loss[1:]), np.abs(loss[:-1]))
    ups = np.where(rise, diff, 0.0)
    rise_steps = np.flatnonzero(rise) + 1
    first_rise = int(rise_steps[0]) if rise_steps.size else None
    last_rise = int(rise_steps[-1]) if rise_steps.size else None
    stopped_at = None if stopped_at is None else int(stopped_at)
    facts = dict(
        first_rise=first_rise, stopped_at=stopped_at, steps=steps, start=float(loss[0]),
        final=float(loss[-1]), last_rise=last_rise, n_rises=int(rise_steps.size),
        stochastic=bool(stochastic),
    )

    if stopped_at is not None:
        if first_rise is None:  # nothing rose before: the overflow was the rise
            facts["first_rise"] = int(stopped_at)
        return dict(kind=DIVERGING, basis="overflow", **facts)
    if first_rise is None:
        return dict(kind=CONVERGING, basis="never_rose", **facts)
    if steps - last_rise >= QUIET_FRACTION * steps:
        return dict(kind=SETTLING, basis="quiet", since=last_rise, **facts)

    tail_start = steps - max(1, round(TAIL_FRACTION * steps))
    window = dict(since=tail_start, low=float(loss[tail_start:].min()),
                  high=float(loss[tail_start:].max()))
    # Block b covers the steps (not states) in bounds[b] .. bounds[b + 1] - 1, 1-based steps.
    n_blocks = max(1, min(N_BLOCKS, (steps - tail_start) // 2))
    bounds = np.linspace(tail_start + 1, steps + 1, n_blocks + 1).round().astype(int)

    if not stochastic:
        cycle = _find_cycle(loss, rise)
        if cycle is not None:
            return dict(kind=OSCILLATING, basis="cycle", **cycle, **facts)
    if steps < MIN_STEPS_TO_JUDGE:
        return dict(kind=OSCILLATING, basis="short", **window, **facts)
    growth, slowdown = _peak_growth(loss, bounds, stochastic)
    if growth is not None and slowdown is None:
        return dict(kind=DIVERGING, basis="growth", growth=growth, **window, **facts)
    if stochastic:
        return _judge_trend(loss, tail_start, window, facts)
    decay, dying = _rises_decay(ups, bounds)
    if dying:
        return dict(kind=SETTLING, basis="damped", decay=decay, **window, **facts)
    period = _rise_pattern(rise[tail_start:])
    if period is not None:
        since = max(tail_start, _pattern_since(rise, period))  # judged on the tail alone
        held = loss[since:]
        return dict(kind=OSCILLATING, basis="pattern", period=period, since=since,
                    low=float(held.min()), high=float(held.max()),
                    decay=_period_decay(ups, since, steps, period), **facts)
    if growth is not None:
        # Peaks still rising, ever more slowly: heading for a level. Without a fall in the
        # tail that is a loss converging from below; with falls, swings approaching a band.
        falls = np.any(diff[tail_start:] < -RISE_RTOL * np.abs(loss[tail_start + 1:]))
        kind = OSCILLATING if falls else SETTLING
        return dict(kind=kind, basis="levelling", growth=growth, slowdown=slowdown, **window,
                       **facts)
    return dict(kind=OSCILLATING, basis="irregular", decay=decay, **window, **facts)




# --------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------


def _find_cycle(loss: np.ndarray, rise: np.ndarray) -> dict | None:
    """The shortest period P the end of the run repeats with (rule 4), or None."""
    steps = loss.size - 1
    for period in range(2, MAX_PERIOD + 1):
        n_states = max(CYCLE_REPEATS * period, CYCLE_MIN_STATES)
        if n_states > loss.size:
            break
        end = loss[-n_states:]
        span = end.max() - end.min()
        rounding = RISE_RTOL * np.abs(end).max()
        if span <= rounding or not rise[-(n_states - 1):].any():
            continue  # flat: no oscillation to name
        tol = CYCLE_RTOL * span + rounding
        if np.all(np.abs(end[period:] - end[:-period]) <= tol):
            # Walk back to where the cycle began as a chart shows it: the first state t from
            # which every |loss[s] - loss[s - P]| <= CYCLE_SINCE_RTOL * span for s >= t + P.
            since_tol = max(tol, CYCLE_SINCE_RTOL * span)
            off = np.abs(loss[period:] - loss[:-period]) > since_tol  # off[k]: states k, k + P
            since = int(np.flatnonzero(off)[-1]) + 1 if off.any() else 0
            last = loss[steps - period + 1:]
            return dict(period=period, since=since, low=float(last.min()),
                        high=float(last.max()))
    return None


def _peak_growth(loss: np.ndarray, bounds: np.ndarray,
                 stochastic: bool) -> tuple[float | None, float | None]:
    """How the largest loss of each tail block grows (rule 5).

    Returns
    -------
    growth : float or None
        Average factor per step between the first and the last block's peak, when the peaks
        grow in every block; None otherwise.
    slowdown : float or None
        When they grow but level off: the last block-to-block growth (in log scale) over the
        first. None when the growth keeps up (divergence) or does not happen.
    """
    peaks = np.array([loss[a:b].max() for a, b in pairwise(bounds)])
    if np.any(peaks <= 0) or not np.all(peaks[1:] > peaks[:-1] * (1.0 + GROWTH_MIN_STEP)):
        return None, None
    if stochastic and peaks[-1] < NOISY_GROWTH_FACTOR * peaks[0]:
        return None, None
    centres = (bounds[:-1] + bounds[1:]) / 2
    growth = float(np.exp(np.log(peaks[-1] / peaks[0]) / (centres[-1] - centres[0])))
    steps_up = np.diff(np.log(peaks))
    slowdown = float(steps_up[-1] / steps_up[0])
    return growth, (slowdown if slowdown < GROWTH_KEEPS_UP else None)


def _rises_decay(ups: np.ndarray, bounds: np.ndarray) -> tuple[float | None, bool]:
    """Last block's total rise over the first's, and whether the rises die out (rule 6).

    ``ups[t - 1]`` is the rise at step t (0 where the loss did not rise).
    """
    totals = np.array([ups[a - 1:b - 1].sum() for a, b in pairwise(bounds)])
    first, last = totals[0], totals[-1]
    if first <= 0:
        return None, False
    decay = float(last / first)
    if np.any(totals[1:] > DECAY_SLACK * totals[:-1]) or decay > DECAY_RATIO:
        return decay, False
    if last > 0:
        a, b, c = totals[-3:]
        drop, next_drop = a - b, b - c
        if drop > 0 and 0 < next_drop < drop:  # shrinking drops: where do they lead?
            ratio = next_drop / drop
            level = c - next_drop * ratio / (1.0 - ratio)
            if level > DECAY_LIMIT_RATIO * c:
                return decay, False  # levelling off at a positive size: a cycle forming
    return decay, True


def _period_decay(ups: np.ndarray, start: int, steps: int, period: int) -> float | None:
    """The rises of the last whole periods after state ``start`` over those of the first (as
    many periods each, half the stretch at most), for a run whose rises repeat every
    ``period`` steps from step ``start + 1`` on.

    The blocks of `_rises_decay` hold one rise more or less of a short pattern by the parity
    of the step count, so on a short tail their ratio read 1.6 at 40 steps and 0.77 at 41 of
    one smoothly damped zig-zag (a walk); whole periods hold the same rises of each.
    """
    length = (steps - start) // 2 // period * period
    if length == 0:
        return None
    first = float(ups[start:start + length].sum())  # steps start + 1 ...
    last = float(ups[steps - length:steps].sum())  # ... and the last ``length`` steps
    return last / first if first > 0 else None


def _rise_pattern(rise: np.ndarray) -> int | None:
    """Shortest period P with which the up/down pattern of the last steps repeats (rule 7)."""
    for period in range(2, MAX_PERIOD + 1):
        n_steps = max(CYCLE_REPEATS * period, CYCLE_MIN_STATES, rise.size // 2)
        if n_steps > rise.size:
            break
        end = rise[-n_steps:]
        ups_and_downs = end[:period].any() and not end[:period].all()
        if ups_and_downs and np.array_equal(end[period:], end[:-period]):
            return period
    return None


def _pattern_since(rise: np.ndarray, period: int) -> int:
    """The state from which the up/down pattern of period P holds to the end of the run.

    ``rise[j]`` says whether step j + 1 rose. Step t rises or falls as step t + P does for
    every t from the first step after the last mismatch on; the state before that step is
    returned (0 when the pattern holds from the first step).
    """
    off = rise[period:] != rise[:-period]  # off[j]: steps j + 1 and j + 1 + P differ
    return int(np.flatnonzero(off)[-1]) + 1 if off.any() else 0


def _judge_trend(loss: np.ndarray, tail_start: int, window: dict, facts: dict) -> dict:
    """Mini-batch runs: the trend of the tail and whether the trend ever rose."""
    tail = loss[tail_start:]
    t = np.arange(tail_start, loss.size, dtype=float)
    n_blocks = min(N_BLOCKS, tail.size)
    blocks = np.array_split(np.arange(tail.size), n_blocks)
    centres = np.array([t[i].mean() for i in blocks])
    medians = np.array([np.median(tail[i]) for i in blocks])
    if n_blocks >= 2:
        pairs = np.triu_indices(n_blocks, 1)
        slope = float(np.median(
            (medians[pairs[1]] - medians[pairs[0]]) / (centres[pairs[1]] - centres[pairs[0]])
        ))
    else:
        slope = 0.0
    intercept = float(np.median(medians - slope * centres))
    residual = tail - (intercept + slope * t)
    q1, q3 = np.percentile(residual, [25, 75])
    noise = float(q3 - q1)
    trend = slope * (t[-1] - t[0])
    measured = dict(trend=trend, noise=noise, **window)
    if trend < -TREND_NOISE_RATIO * noise and trend < 0:
        whole = np.array_split(loss, min(N_TREND_BLOCKS, loss.size))
        block_medians = np.array([np.median(b) for b in whole])
        lowest_before = np.minimum.accumulate(block_medians)[:-1]
        rose = bool(np.any(block_medians[1:] > lowest_before + TREND_RISE_RATIO * noise))
        kind = SETTLING if rose else CONVERGING
        return dict(kind=kind, basis="trend_down", **measured, **facts)
    return dict(kind=OSCILLATING, basis="noise", **measured, **facts)


