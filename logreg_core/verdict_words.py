"""The words of a verdict (`verdicts.Verdict.describe`): what the tail of a run measured, and
what theory says of its rate, as sentences with the run's own figures.

Each function takes a verdict (and a function that writes a number to the digits that are
meaningful) and returns a clause; `MEASURED` is keyed by the tail's rule (`Verdict.basis`),
`THEORY` by what decided beside it (`Verdict.theory`).
"""

from __future__ import annotations

from .tails import CONVERGING, MAX_PERIOD, N_BLOCKS, RISE_RTOL, SETTLING

#: Digits the sentences use for their figures (fewer when fewer are meaningful).
SENTENCE_DIGITS = 4
#: Below 2/μ* a run whose tail's lowest loss is more than this many times the best fit's is
#: "held out" (`verdicts._held_out`), unless its rises shrink below `SHRINKING_DECAY` of theirs.
HELD_OUT_FACTOR, SHRINKING_DECAY = 2.0, 0.9
#: A full-batch run of momentum or Nesterov whose tail stays within this share of the best fit's
#: loss, its rises shrinking below `SHRINKING_DECAY`, is settling (`verdicts._damped_near`):
#: the 1% of the optimizers' table's "steps to within 1%".
NEAR_BEST_RTOL = 0.01
#: The guaranteed rate of descent on the bias alone, 2/(1/4): at w = 0 the loss is
#: J(0, b) = mean softplus(b) - ȳ b, whose curvature in b, σ(b)(1 - σ(b)), is at most 1/4 (the
#: penalty does not touch b). `verdicts.idle_weights`.
BIAS_ALONE_GUARANTEE = 8.0

#: A loss that rounds to 0 has underflowed: the logistic loss is never 0, only smaller than
#: the smallest double (4.9e-324).
UNDERFLOWED = "below 5e-324 (double precision rounds it to 0)"


def numbers(digits: int):
    def number(x: float) -> str:
        if x == 0:
            return UNDERFLOWED
        return f"{x:.{digits}g}"
    return number


def apart_from(rate: float, n):
    """``n`` for the limits beside a run's ``rate``: a limit that ``n`` writes as it writes
    the rate, but is not it, gets as many more digits as tell them apart (η = 0.6762 read
    "above the guaranteed rate 2/L = 0.6762": 2/L is 0.67619242, a walk)."""
    def number(x: float) -> str:
        text = n(x)
        if x == rate or text != n(rate):
            return text
        return next((f"{x:.{d}g}" for d in range(2, 18) if f"{x:.{d}g}" != f"{rate:.{d}g}"),
                    text)
    return number


def count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _band(low: float, high: float, n) -> str:
    """'between 0.6672 and 0.9543', or the width when the digits cannot tell the ends apart."""
    a, b = n(low), n(high)
    if a != b:
        return f"between {a} and {b}"
    return f"in a band {n(high - low)} wide at {a}"


def _rises(v) -> str:
    if v.n_rises == 1:
        return f"rose at step {v.first_rise:,}"
    if v.n_rises == v.steps:
        return "rose at every step"
    if v.n_rises == 2:
        return f"rose at steps {v.first_rise:,} and {v.last_rise:,}"
    return (f"rose at {v.n_rises:,} steps, first at step {v.first_rise:,} "
            f"and last at step {v.last_rise:,}")


def _ended(v, n) -> str:
    if v.final > v.start:
        return f"it ended at {n(v.final)}, above its start ({n(v.start)})"
    return f"it ended at {n(v.final)} (start {n(v.start)})"


def _loss_name(v) -> str:
    return "the full-data loss" if v.stochastic else "the loss"


def _last(v) -> str:
    return f"over the last {count(v.steps - v.since, 'step')}"


def near_best(v, n) -> str:
    """What a run `verdicts._damped_near` calls settling measured: its swings, how near the
    best fit they stay, and how they shrink."""
    return (f"{_last(v)} the loss still went up and down, {_band(v.low, v.high, n)}, but "
            f"within {NEAR_BEST_RTOL:.0%} of the best fit (loss {n(v.best_loss)}), its rises "
            f"shrinking ({_shrinking(v)}); {_ended(v, n)}")


def _never_rose(v, n):
    if v.steps == 0:
        return f"no steps taken; the loss is {n(v.start)}"
    start, final = n(v.start), n(v.final)
    if start == final and abs(v.start - v.final) <= RISE_RTOL * abs(v.start):
        # a change within rounding, as "rose" takes it: more digits would show noise (at
        # η = 1e-12 the last digit read higher, beside "never rose": a second walk)
        return (f"{_loss_name(v)} never rose in {count(v.steps, 'step')}: it stayed at "
                f"{start}, to rounding")
    # "from 0.6931 to 0.6931" read as no change (a lesson walk): more digits, the certain ones
    # (all 17 where no twin was run or it agreed to the bit)
    certain = 17 if v.rounding_gap in (None, 0.0) else v.digits
    for digits in range(SENTENCE_DIGITS + 1, certain + 1):
        if start != final:
            break
        # (trailing zeros kept, so both read to the same digits: 0.693147181 to 0.693147180)
        start, final = (f"{x:#.{digits}g}".rstrip(".") for x in (v.start, v.final))
    return (f"{_loss_name(v)} never rose in {count(v.steps, 'step')}: it went from "
            f"{start} to {final}")


def stopped_moving(v, n):
    """'in double precision, though, its parameters have not moved since step 6: ...' ("though"
    only against theory's "would keep falling"; no "exactly 0" of terms that underflowed).
    Where the exact gradient is 0 (`Verdict.gradient_zero` "exact": every logit is exactly 0)
    nothing is a rounding effect: the state is a best fit, in exact arithmetic too (a walk:
    x = 1, 1, 1, 1 with labels 0 1 0 1 read "in double precision ... computes as 0")."""
    k = v.stopped_moving_at
    when = ("never moved from the start" if k == 0 else
            f"would not move again after step {k:,}" if k == v.steps else  # (the next step)
            f"have not moved since step {k:,}")
    stays = f"the loss stays {'at ' if v.final else ''}{n(v.final)}"
    if v.gradient_zero == "exact":
        where = "the start" if k == 0 else f"step {k:,}"
        return (f"its parameters {when}, in exact arithmetic too: the gradient there is exactly "
                "0 (every logit is exactly 0, so every p is exactly 0.5, and the terms of each "
                f"derivative cancel exactly), so {where} is a best fit (the loss is convex), "
                f"and {stays}")
    why = {"underflowed": "the gradient there computes as 0, every term of it below the "
                          "smallest double (its exact value is not 0)",
           "zero": "the gradient there computes as 0 (its exact value is not 0)",
           "unproven": "the gradient there computes as 0 (whether its exact value is 0 is "
                       "not decided here)",
           "order": "each update is below the rounding of w and b, by so little that summed "
                    "in another order it may move them by an ulp"}.get(
        v.gradient_zero, "each update is below the rounding of w and b")
    though = (", though," if v.theory in ("no_optimum", "below_floor", "above_local_stopped",
                                          "above_floor_stopped", "above_penalty_stopped")
              else "")
    return f"in double precision{though} its parameters {when}: {why}, so {stays}"


def idle_words(v, n) -> str:
    """What theory says of a run whose weights stayed exactly 0 (`verdicts.idle_weights`):
    what the penalty (or the local limit) would do to weights that are not 0, that these never
    left 0, and why; with "exact" sums and η ≤ 8, that no step raises the loss at w = 0."""
    r = v.regime
    # only the clause of this side is written: each names a limit the others may not have
    # (without L2 there is no 2/λ; writing all three raised a TypeError on x = -2, 2, -2, 2
    # with labels 0 0 1 1 at η = 5, λ = 0, between 2/μ* = 2 and 8: a review)
    if r.penalty_side == "above":
        would = (f"above 2/λ = {n(r.penalty_limit)} the penalty alone would make every step "
                 "overshoot the weights by more")
    elif r.penalty_side == "at":
        would = (f"at 2/λ = {n(r.penalty_limit)} the penalty alone would flip the weights' "
                 "sign without shrinking them")
    else:
        would = (f"above the local limit 2/μ* = {n(r.local)} {_best_fit(r, n)} is unstable "
                 "only along the weights (along b alone its curvature is ȳ(1 - ȳ) ≤ 1/4, "
                 "below 2/η)")
    # (with no L2 there is no penalty to act on anything)
    penalty = "the penalty acts on no weight and " if r.l2 else ""
    if v.weights_idle == "exact":
        text = (f"{would}, but every weight starts at 0 and stays there: at w = 0 the gradient "
                "of every weight is exactly 0 whatever b is (for each feature, its sum over "
                "all samples and its sum over the samples labelled 1 are both exactly 0), so "
                f"{penalty}descent moves b alone")
        if v.kind == CONVERGING:
            text += (", on the loss at w = 0, whose curvature in b is at most 1/4: at or "
                     f"below 2/(1/4) = {BIAS_ALONE_GUARANTEE:g} no step raises it, and each "
                     "lowers it while the gradient is not 0")
        return text
    return (f"{would}, but in this run every weight stayed exactly 0: the gradient of every "
            "weight computed as exactly 0 at every step, though at w = 0 it is not exactly 0 "
            "for every b (for some feature, its sum over all samples or its sum over the "
            "samples labelled 1 is not 0), so descent moved b alone")


def never_changed(v):
    """'in double precision, though, the loss never changed in 500 steps: ...' (its
    `Verdict.loss_unchanged`; "though" against a theory that says it falls), with the loss to
    every digit, the one double it was at every state."""
    though = ", though," if v.theory else ""
    return (f"in double precision{though} the loss never changed in {count(v.steps, 'step')}: "
            "the parameters (w, b) moved, but every change that made to the loss was lost to "
            f"rounding, and it computes as the same double, {float(v.final)!r}, at every step")


def _quiet(v, n):
    return (f"{_loss_name(v)} {_rises(v)}, and has not risen in the "
            f"{count(v.steps - v.since, 'step')} since; {_ended(v, n)}")


def _cycle(v, n):
    return (f"a {v.period}-cycle {_band(v.low, v.high, n)} since step {v.since:,}; the loss "
            f"repeats every {v.period:,} steps to the end")


def _ratio(x: float) -> str:
    """A ratio to 2 significant digits, or as many more as it takes not to read 1."""
    for digits in (2, 3, 4, 6):
        text = f"{x:.{digits}g}"
        if float(text) != 1.0:
            return text
    return text


def _shrinking(v) -> str:
    return (f"the rises of the last stretch add up to {_ratio(v.decay)} times those of the "
            "first" if v.decay is not None else "")


def _damped(v, n):
    return (f"the loss still rises at times, but its rises are shrinking ({_last(v)}, "
            f"{_shrinking(v)}); {_ended(v, n)}")


def _pattern(v, n):
    if v.chaotic:  # its ups and downs alternate, but its values never repeat: no cycle forms
        return (f"{_last(v)} the loss moved {_band(v.low, v.high, n)} without settling or "
                f"repeating its values, its rises and falls in a pattern of period {v.period}")
    swings = ("its swings not shrinking" if v.decay is None or v.decay >= 1 else
              f"its swings shrinking ({_shrinking(v)})")
    return (f"{_last(v)} the loss went up and down in a pattern that repeats every "
            f"{v.period} steps, {_band(v.low, v.high, n)}, {swings}; it is not an exact "
            "cycle yet")


def _irregular(v, n):
    return (f"{_last(v)} the loss moved {_band(v.low, v.high, n)} without settling, growing "
            f"steadily or repeating (no cycle of period up to {MAX_PERIOD})")


def _levelling(v, n):
    how = ("the loss kept rising" if v.measured == SETTLING
           else f"the loss swung {_band(v.low, v.high, n)} with peaks still rising")
    return (f"{_last(v)} {how}, but ever more slowly (the growth from one stretch to the next "
            f"fell to {_ratio(v.slowdown)} times its first value), levelling off; "
            f"{_ended(v, n)}")


def _short(v, n):
    text = f"in only {count(v.steps, 'step')} the loss {_rises(v)}; {_ended(v, n)}"
    if not v.theory:
        text += ". Too few steps to tell whether it settles, cycles or grows"
    return text


def _growth(v, n):
    factor = _ratio(v.growth)  # not "x1 per step" (a lesson walk: the factor was 1.00001)
    rate = (f"x{factor}" if float(factor) != 1.0 else
            f"{(v.growth - 1) * 100:.2g}% more")
    return (f"{_last(v)} the largest loss grew in each of {N_BLOCKS} stretches, about "
            f"{rate} per step, to {n(v.high)}, without levelling off")


def _overflow(v, n):
    return (f"the numbers overflowed at step {v.stopped_at:,} and training stopped there; the "
            f"last finite loss was {n(v.final)} (start {n(v.start)})")


def _trend_down(v, n):
    history = "its trend never rose" if v.measured == CONVERGING else "its trend rose earlier on"
    return (f"the trend of the full-data loss is still falling (by {n(-v.trend)} {_last(v)}, "
            f"against mini-batch noise of {n(v.noise)}) and {history}; {_ended(v, n)}")


def _noise(v, n):
    return (f"{_last(v)} the full-data loss moved {_band(v.low, v.high, n)} with no trend "
            f"beyond the noise (trend {n(v.trend)}, noise {n(v.noise)})")


MEASURED = {
    "never_rose": _never_rose, "quiet": _quiet, "cycle": _cycle, "damped": _damped,
    "pattern": _pattern, "irregular": _irregular, "levelling": _levelling, "short": _short,
    "growth": _growth, "overflow": _overflow, "trend_down": _trend_down, "noise": _noise,
}


def _best_fit(r, n) -> str:
    return "the best fit" + (f" (loss {n(r.optimum_loss)})" if r.optimum_loss else "")


def _floor(r, n) -> str:
    """The floor of a loss with no best fit whose samples are not all split strictly
    (`separation`), as a noun phrase with what sets it."""
    return (f"the floor of the loss, {n(r.floor)} (set by the {r.on_line:,} samples "
            "on every line that splits the classes, approached only as the weights grow "
            "without bound)")


def _floor_limit(r, n) -> str:
    return (f"the floor's local limit 2/μ₀* = {n(r.floor_local)} (μ₀*: the largest curvature "
            "of the loss near the floor)")


THEORY = {
    "below_guarantee": lambda r, n: (
        f"at or below the guaranteed rate 2/L = {n(r.guaranteed)} no step raises the loss, "
        "and each lowers it while the gradient is not 0"),  # a start at the best fit stays
    "below_local": lambda r, n: (
        f"above the guaranteed rate 2/L = {n(r.guaranteed)} a step may raise the loss, but "
        f"below the local limit 2/μ* = {n(r.local)} {_best_fit(r, n)} is stable: descent "
        "that comes close enough settles there"),
    "below_local_cycle": lambda r, n: (
        f"below the local limit 2/μ* = {n(r.local)} descent settles at {_best_fit(r, n)} "
        "once it is close enough, but this run is held in a cycle farther out (a second, "
        "stable pattern of the same rate)"),
    "below_local_swinging": lambda r, n: (
        f"below the local limit 2/μ* = {n(r.local)} descent settles at {_best_fit(r, n)} "
        "once it is close enough, but this run has not come that close: lately its loss "
        f"stays above {HELD_OUT_FACTOR:g} times the best fit's, and theory cannot tell "
        "whether it ever will come close (another stable pattern of the same rate may hold "
        "it)"),
    "no_optimum": lambda r, n: (
        f"above the guaranteed rate 2/L = {n(r.guaranteed)} a step may raise the loss, but "
        "there is no best fit to overshoot: in the long run the loss falls towards 0 (where "
        "steps overshoot first, that zig-zag phase is longer the larger η is)"),
    "no_optimum_stopped": lambda r, n: (
        f"above the guaranteed rate 2/L = {n(r.guaranteed)} a step may raise the loss, but "
        "there is no best fit to overshoot: in exact arithmetic the loss would keep falling "
        "towards 0"),
    "above_local": lambda r, n: (
        f"above the local limit 2/μ* = {n(r.local)} descent cannot settle at "
        f"{_best_fit(r, n)}, so it keeps swinging"),
    "below_floor": lambda r, n: (
        f"above the guaranteed rate 2/L = {n(r.guaranteed)} a step may raise the loss; there "
        f"is no best fit, but below {_floor_limit(r, n)} {_floor(r, n)} is stable: descent "
        "that comes close enough falls towards it"),
    "below_floor_cycle": lambda r, n: (
        f"below {_floor_limit(r, n)} descent falls towards {_floor(r, n)} once it is close "
        "enough, but this run is held in a cycle farther out (a second, stable pattern of the "
        "same rate)"),
    "below_floor_swinging": lambda r, n: (
        f"below {_floor_limit(r, n)} descent falls towards {_floor(r, n)} once it is close "
        "enough, but this run has not come that close: lately its loss stays above "
        f"{HELD_OUT_FACTOR:g} times the floor, and theory cannot tell whether it ever will "
        "come close (another stable pattern of the same rate may hold it)"),
    "above_floor": lambda r, n: (
        f"there is no best fit, and above {_floor_limit(r, n)} descent cannot approach "
        f"{_floor(r, n)}, so it keeps swinging"),
    "above_floor_stopped": lambda r, n: (
        f"there is no best fit, and above {_floor_limit(r, n)} {_floor(r, n)} is unstable: in "
        "exact arithmetic the slightest move away from where this run stopped grows into "
        "swings"),
    "at_floor": lambda r, n: (
        f"there is no best fit, and this rate is at {_floor_limit(r, n)}, where the linear "
        f"analysis cannot tell whether descent approaches {_floor(r, n)}"),
    "above_local_stopped": lambda r, n: (
        f"above the local limit 2/μ* = {n(r.local)} {_best_fit(r, n)} is unstable: in exact "
        "arithmetic the slightest move away from it grows into swings"),
    "above_penalty_stopped": lambda r, n: (
        f"above 2/λ = {n(r.penalty_limit)} the penalty alone makes every step overshoot the "
        "weights by more, so no state is stable: in exact arithmetic the slightest move of "
        "the weights away from this one grows into swings"),
    "above_penalty": lambda r, n: (
        f"above 2/λ = {n(r.penalty_limit)} the penalty alone makes every step overshoot by "
        "more, so the weights grow geometrically until the numbers overflow"),
    "at_penalty": lambda r, n: (
        f"this rate is at 2/λ = {n(r.penalty_limit)}, where the penalty alone flips the "
        "weights' sign without shrinking them"
        + (f" (above the local limit 2/μ* = {n(r.local)}, so descent cannot settle)"
           if r.local is not None else "") +
        ": once the samples are far on their sides, every two steps push the weights out by "
        "about the same amount, so they grow without bound, linearly rather than "
        "geometrically"),
    "at_local": lambda r, n: (
        f"this rate is at the local limit 2/μ* = {n(r.local)}, where the linear analysis "
        "cannot tell whether descent settles"),
}
