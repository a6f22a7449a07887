r"""Where a run is heading: converging, settling, oscillating or diverging, and why.

A verdict has two parts, and its sentence says both:

**What theory says of the rate** (`RateRegime`, for full-batch gradient descent, from
`limits.learning_rate_limits`), wherever it decides:

- at or below the guaranteed rate 2/L every step lowers the loss: *converging*;
- above the local limit 2/μ* descent cannot settle at the best fit: *oscillating*, bounded;
- with L2 and a rate above 2/λ the penalty alone makes each step overshoot by more, so the weights
  grow geometrically until the numbers overflow: *diverging* (unless the weights never leave 0,
  `idle_weights`: the penalty acts on no weight then);
- between 2/L and 2/μ* a step may raise the loss, and the best fit is stable: descent that comes
  close enough settles there. Whether a run comes that close, theory does not say: one whose tail
  approaches the best fit is *settling*, one whose tail still swings (or is held in an exact cycle,
  a second attractor) is *oscillating*;
- above 2/L on data with no best fit a step may raise the loss, but where a line has every sample
  strictly on its side (or all labels are the same) the loss falls towards 0 in the long run:
  *settling* (in exact arithmetic: a run whose updates fall below the rounding of w and b stops
  moving, `Verdict.stopped_moving_at`, and its sentence says so). Where some samples lie on every
  line that splits the classes (`separation`), the loss has a floor above 0 instead, the best loss
  of those samples, and near it the curvature tends to theirs: its local limit 2/μ₀* is read as
  2/μ* is (below it *settling* towards the floor, above it *oscillating*).

Where theory alone decides, the kind does not change with the number of steps: it is the same at N
and N + 1 steps. Within `LIMIT_RTOL` of the local limit, where the linear analysis cannot decide,
and for runs theory says nothing about (other optimizers, mini-batches, a best fit that could not
be computed), the kind is the measured one; but a full-batch run of momentum or Nesterov whose
tail swings ever less within `NEAR_BEST_RTOL` of a known best fit is *settling* (`_damped_near`),
as the same damped zig-zag of plain descent is.

**What the tail of the run measured** (`tails.measure`): its rises, a cycle and its period, a band,
shrinking or growing swings, a trend under mini-batch noise. When theory and the tail disagree (a
run above the local limit that has not started to swing yet), the sentence says what was measured
"so far".

**Which digits are meaningful.** A run that oscillates (as theory says or as measured), and any
full-batch run above 2/L (`RateRegime.rounding_may_grow`: a run that settles in the end can part
from its twin on the way), is run again with its samples summed in the reverse order (`train` does
it); the largest relative difference between the two loss curves (`rounding_gap`) gives the
significant digits that are certain (`digits`), and the first step at which they differ by more
than `CHAOS_RTOL` (`parted_at`) is where rounding starts to decide the state. Such a difference on
an oscillating run that is not an exact cycle makes it *chaotic*: its later digits depend on how
the computer rounded."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .tails import (
    CONVERGING,
    DIVERGING,
    MIN_STEPS_TO_JUDGE,
    OSCILLATING,
    RISE_RTOL,
    SETTLING,
    measure,
)
from .twins import (
    CHAOS_RTOL,
    EXTRA_BITS,
    first_index,
    gradients_apart,
    largest_gap,
    loss_apart,
    loss_gaps,
    shared_digits,
)
from .verdict_words import (
    BIAS_ALONE_GUARANTEE,
    HELD_OUT_FACTOR,
    MEASURED,
    NEAR_BEST_RTOL,
    SENTENCE_DIGITS,
    SHRINKING_DECAY,
    THEORY,
    apart_from,
    count,
    idle_words,
    near_best,
    never_changed,
    numbers,
    stopped_moving,
)

__all__ = ["CONVERGING", "DIVERGING", "OSCILLATING", "RISE_RTOL", "SETTLING", "RateRegime",
           "Verdict", "classify_run", "ends_at_lowest", "lowest_step"]

#: A rate within this relative distance of a limit is "at" it: the local limit is known to
#: about 1e-9 (Newton's method stops at 1e-10 of the parameters), and at the limit itself the
#: linear analysis cannot tell whether descent settles.
LIMIT_RTOL = 1e-6
#: Significant digits of a double that can agree at most.
MAX_DIGITS = 15


@dataclass(frozen=True)
class RateRegime:
    """What the learning-rate limits say of full-batch descent at one rate.

    Attributes
    ----------
    learning_rate : float
    guaranteed : float
        2/L: at or below it every step lowers the loss.
    local : float or None
        2/μ*: above it descent cannot settle at the best fit; None without a best fit.
    optimum_loss : float or None
    l2 : float
        L2 strength λ; above 2/λ the weights grow until they overflow.
    no_optimum : bool
        True when there is no finite best fit (separable classes without L2, or one label).
    reason : str
        Why there is no local limit (empty when there is one).
    floor : float or None
        Without a best fit, the infimum of the loss: 0, or above 0 where some samples lie on
        every splitting line (`separation`); None where there is a best fit or it is unknown.
    floor_local : float or None
        2/μ₀*, the floor's local limit, where the floor is above 0 and known.
    on_line : int
        How many samples lie on every splitting line.
    """

    learning_rate: float
    guaranteed: float
    local: float | None
    optimum_loss: float | None
    l2: float
    no_optimum: bool
    reason: str = ""
    floor: float | None = None
    floor_local: float | None = None
    on_line: int = 0

    @property
    def target_loss(self) -> float | None:
        """The loss descent settles towards below the local limit: the best fit's, or
        without one the floor's."""
        return self.optimum_loss if self.local is not None else self.floor

    @property
    def rounding_may_grow(self) -> bool:
        """Whether rounding errors may grow along the run: above 2/L. At or below it one step
        of descent on a convex loss whose curvature is at most L is nonexpansive (it moves
        two states no further apart), so two runs that round differently part only by the
        rounding of each step added up: a replay in long double agrees with the run to
        1.4e-13 of the parameters over 3,000 steps on every built-in data set."""
        return self.learning_rate > self.guaranteed

    @property
    def penalty_limit(self) -> float | None:
        """2/λ, or None without L2."""
        return 2.0 / self.l2 if self.l2 > 0 else None

    @property
    def penalty_side(self) -> str | None:
        """Where the rate sits against 2/λ: "above" it, "at" it (within `LIMIT_RTOL`), or
        None below it or without L2."""
        penalty, eta = self.penalty_limit, self.learning_rate
        if penalty is None or eta < penalty * (1 - LIMIT_RTOL):
            return None
        return "above" if eta > penalty * (1 + LIMIT_RTOL) else "at"


@dataclass(frozen=True)
class Verdict:
    """Where a run is heading, what theory says of its rate, and what was measured.

    Attributes
    ----------
    kind : {"converging", "settling", "oscillating", "diverging"}
        Where the run is heading: from theory where it decides, else as measured.
    measured : str
        The kind its tail alone shows (see `tails.measure`).
    theory : str
        What decided beside the tail: "below_guarantee", "below_local", "below_local_cycle",
        "below_local_swinging", "no_optimum", "above_local", "above_penalty", "at_penalty",
        "at_local", the same of the floor's local limit where there is no best fit ("..._floor"
        for "..._local"), "near_best" (no theory of the rate, but a tail that swings ever less
        near the best fit: `_damped_near`), or "" (theory says nothing here); after the run,
        "above_local_stopped", "above_floor_stopped" and "above_penalty_stopped" (`stopped`)
        or "weights_idle" (`idle_weights`).
    regime : RateRegime or None
    basis : str
        The tail's rule (`tails.measure`): "overflow", "never_rose", "quiet", "cycle", "short",
        "growth", "damped", "pattern", "levelling", "irregular", "trend_down", "noise".
    first_rise : int or None
        First step t with ``loss[t] > loss[t - 1]`` beyond rounding. For an overflow with no
        earlier rise, the step that overflowed.
    stopped_at : int or None
        The step at which the numbers overflowed and training stopped.
    steps : int
        Steps judged, ``len(loss) - 1``.
    start, final : float
        First and last loss.
    last_rise : int or None
    n_rises : int
    since : int or None
        First step of what was measured (the cycle, the quiet stretch, the stretch an up/down
        pattern holds over, the tail window).
    period : int or None
        Period of the cycle ("cycle") or of the up/down pattern ("pattern").
    low, high : float or None
        Smallest and largest loss of the cycle, of the pattern's stretch or of the tail window.
    growth, decay, slowdown, trend, noise : float or None
        The tail's measurements (see `tails`): growth per step of the peaks, the last stretch's
        rises over the first's, the slowing of the growth, the mini-batch trend and noise.
    stochastic : bool
    rounding_gap : float or None
        Largest relative difference between this run and the same run summed in another order; None
        when not measured (runs that are not oscillating).
    digits : int
        Significant digits of the run's losses that are certain, 0 to `MAX_DIGITS` (`MAX_DIGITS`
        when not measured).
    final_digits : int
        Significant digits of the last loss that are certain: those the two orders' last losses
        read alike when written to them (`twins.shared_digits`), and no more than their largest
        relative gap over the run's last tenth leaves, where the twin reached the same last
        state (else `digits`): a run whose orders parted early and stayed together since ends
        as certain as a stable one; one still parting late does not, however close its two
        last losses (Adam on the 20 students at η = 1: 2.5e-10 apart at step 2,000, 0.4% near
        step 1,825).
    chaotic : bool
    parted_at : int or None
        The first state at which the run summed in another order differs from it by more than
        `CHAOS_RTOL` of the loss: from there on rounding decides the state, and a replay by hand
        reaches other numbers. None where the twin was not run or never parted.
    gradients_parted_at : int or None
        In an oscillating run, the first state at which a partial derivative of the run and of the
        same run summed in another order differ by more than `GRADIENT_PART_RTOL` of the larger,
        and by more than the rounding of computing it at one state: from there on rounding decides
        the state too. Above the local limit the best fit repels: a swing that starts from rounding
        grows by ``|1 - eta mu*|`` a step, and changes the gradient, even its signs, long before it
        shows in the loss (which a small move of the state changes only to second order).
    rejoined_at : int or None
        Where a run that parted from its twin came back to it: the first state from which neither
        the losses nor the gradients are apart any more, to the run's end (a run that settles after
        an unstable stretch: breast cancer at 3.5e-5 parts by 3e-6 near step 928 and agrees with
        long double to 1e-11 by step 12,916). From there on rounding no longer decides the state.
        None where they never parted or are apart at the end.
    stopped_moving_at : int or None
        Plain descent (`training.stopped_moving_at`): the first state from which w and b stay
        exactly the same to the end, at least one step later: each update is below their rounding
        (or 0), a fixed point of the computed step, whatever exact arithmetic does.
    gradient_zero : str
        Why: "" (updates below the rounding), "order" (below it by less than the gradient's own
        rounding: summed in another order they may move), "underflowed" (the gradient computes
        as 0, every term below the smallest normal double, its exact value not 0), "exact" (the
        exact gradient is 0: `checks.gradient_exactly_zero`, a best fit), "zero" (it computes
        as 0, its exact value not 0) or "unproven" (it computes as 0; the exact value is not
        decided).
    weights_idle : str
        Where every weight is exactly 0 at every state of the run (`idle_weights`): "exact"
        where the gradient of every weight is exactly 0 at w = 0 whatever b is, "rounding"
        where it only computed as 0 at this run's states; "" otherwise.
    best_loss : float or None
        The best fit's loss a "near_best" verdict measured its tail against; None otherwise.
    stuck : bool
        An optimizer other than plain descent whose parameters never left the start, though
        the gradient there computed as not 0 (`unchanged`): Newton's method on x = 1e-300 ..
        4e-300 with labels 0 0 1 1, whose curvature and slope g·g underflow, so that its
        search finds no step that lowers the computed loss; it read "converging" beside
        "steps to within 1%: 0", where in exact arithmetic its first step takes w to 1.6e300.
    twin_kind : str
        The replays `rounding_gap` compares the run with: "order" (its samples summed in the
        reverse order), "long double" (the run in long double: `twins.long_double_problem`),
        "nudged" (its start moved by an ulp: `training.LONG_DOUBLE_WORK`), or two of them
        joined by " or " (at each state the further: `twins.farther`).
    loss_unchanged : bool
        The computed loss is the same double at every state, though the parameters moved
        (`unchanged`): each step changed it, in exact arithmetic, by less than its rounding.
        On x = 1e-300 to 4e-300 (labels 0 0 1 1) w grows by 2.5e-300 a step and every logit
        w·x underflows to 0: the loss is ln 2 at all 501 states, while the theory's sentence
        said "each lowers it while the gradient is not 0".
    """

    kind: str
    first_rise: int | None
    stopped_at: int | None
    basis: str
    steps: int
    start: float
    final: float
    last_rise: int | None = None
    n_rises: int = 0
    since: int | None = None
    period: int | None = None
    low: float | None = None
    high: float | None = None
    growth: float | None = None
    decay: float | None = None
    slowdown: float | None = None
    trend: float | None = None
    noise: float | None = None
    stochastic: bool = False
    measured: str = ""
    theory: str = ""
    regime: RateRegime | None = None
    rounding_gap: float | None = None
    digits: int = MAX_DIGITS
    final_digits: int = MAX_DIGITS
    chaotic: bool = False
    parted_at: int | None = None
    gradients_parted_at: int | None = None
    rejoined_at: int | None = None
    stopped_moving_at: int | None = None
    gradient_zero: str = ""
    weights_idle: str = ""
    loss_unchanged: bool = False
    best_loss: float | None = None
    twin_kind: str = "order"
    stuck: bool = False

    @property
    def rounding_decides_from(self) -> int | None:
        """The first state from which rounding decides the run's state (`parted_at` or
        `gradients_parted_at`, the earlier), None where the twin was not run or never
        parted."""
        found = [t for t in (self.parted_at, self.gradients_parted_at) if t is not None]
        return min(found, default=None)

    @property
    def replay_in_other_order(self) -> bool:
        """Whether the run is to be replayed with its samples in the reverse order, to measure
        which digits rounding decides (`classify_run`'s ``twin``): where it oscillates (as
        theory says or as measured), or is full batch above 2/L
        (`RateRegime.rounding_may_grow`); never under mini-batch noise. `train` and
        `learning_rate_sweep` both ask this."""
        return not self.stochastic and (
            OSCILLATING in (self.kind, self.measured)
            or (self.regime is not None and self.regime.rounding_may_grow))

    @property
    def gap_words(self) -> str:
        """`rounding_gap` as words: "3e-06 of the loss", "40% of the loss", "8 times the
        loss" (not "8e+00 of the loss": a lesson walk)."""
        gap = self.rounding_gap or 0.0
        if gap >= 1:
            return f"{gap:.2g} times the loss"
        return f"{gap:.0%} of the loss" if gap >= 0.01 else f"{gap:.0e} of the loss"

    @property
    def twin_words(self) -> str:
        """How the replays `rounding_gap` compares with were run (`twin_kind`), as words."""
        words = {"order": "with its samples added in the reverse order",
                 "long double": f"computed in long double ({EXTRA_BITS} more bits than a "
                                "double)",
                 "nudged": "from a start nudged by one rounding (an ulp of each parameter, "
                           "or of 1 where it is smaller)"}
        return " or ".join(words[kind] for kind in self.twin_kind.split(" or "))

    def rounding_decides(self, k: int) -> bool:
        """Whether rounding decides the state at step ``k``: from `rounding_decides_from` on,
        and before `rejoined_at` where the two orders came back together."""
        start = self.rounding_decides_from
        return (start is not None and k >= start
                and (self.rejoined_at is None or k < self.rejoined_at))

    @property
    def not_yet(self) -> bool:
        """Whether theory decides a kind this run has not shown (yet): measured swinging where
        theory says it settles, or heading down where theory says it swings or grows. A run
        measured converging shows settling; a run that ended above its start shows diverging
        (in 3 steps from 0.69 to 4.5e16 it read "Diverging in the long run, not yet": a
        lesson walk); at the local limit theory decides nothing."""
        return (bool(self.theory) and self.theory not in ("at_local", "at_floor", "near_best")
                and self.measured != self.kind
                and not (self.kind == SETTLING and self.measured == CONVERGING)
                and not self.shown_diverging and self.stopped_moving_at is None)

    @property
    def shown_diverging(self) -> bool:
        """Whether the run is diverging and has shown it: it ended above where it started."""
        return self.kind == DIVERGING and self.final > self.start

    @property
    def too_short(self) -> bool:
        """Whether the run is too short for what it measured to be sure: fewer than
        `MIN_STEPS_TO_JUDGE` steps that rose, even where the rises stopped (one quiet step
        after two rises is no settling) or seem to repeat; never one that stopped moving (its
        state is a fixed point: more steps change nothing)."""
        return (self.steps < MIN_STEPS_TO_JUDGE and self.basis in ("short", "quiet", "cycle")
                and self.stopped_moving_at is None)

    @property
    def kind_words(self) -> str:
        """The kind as words in a sentence, with what this run has shown of it: "settling in
        the long run, not yet" (`not_yet`); for a run `too_short` to judge, "oscillating so
        far (too few steps to tell)" where theory says nothing, "settling in the long run (too
        few steps to see it yet)" where it decides the kind; "converging in trend (mini-batch
        noise)" for a mini-batch run whose loss rises at many steps while its trend falls (in
        the optimizers' table, batch 1 read "converging" beside plain descent, though it rose
        at 58 of its last 99 steps: a visual walk); else the kind alone. A run whose loss never
        changed has its kind from theory, which holds in exact arithmetic, except where its
        weights stayed 0 by rounding alone (`idle_weights`): its kind is then the measured
        one, and exact arithmetic moves the weights (x = 1e149, -1e149, 2e149 with labels 0 1
        1 at η = 4.9e-292, above 2/μ* = 4.4e-298: every p rounds to 1/2 and w stays 0, where
        in mpmath the loss reaches 17.5 by step 47; the sweep said "converging in exact
        arithmetic")."""
        if self.stuck:  # "converging" of a run that took no step at all: a walk
            return "stuck at its start (no step lowered the loss as computed)"
        if self.loss_unchanged and self.weights_idle == "rounding":  # (no comma: a list's
            # item, "36 converging as computed, with every weight ..., 3 oscillating")
            return (f"{self.kind} as computed with every weight held at 0 by rounding (the "
                    "loss never changed)")
        if self.loss_unchanged:  # no progress to see: said wherever the kind stands alone
            return f"{self.kind} in exact arithmetic (the loss never changed)"
        if self.not_yet:
            return f"{self.kind} in the long run, not yet"
        if self.basis == "trend_down":  # beside a full-batch run's "converging": not alike
            return f"{self.kind} in trend (mini-batch noise)"
        if self.too_short and not self.shown_diverging:  # 1.1 to 60,810 in 3 steps: shown
            return (f"{self.kind} in the long run (too few steps to see it yet)" if self.theory
                    else f"{self.kind} so far (too few steps to tell)")
        return self.kind

    def describe(self) -> str:
        """Plain sentences: the kind, what theory says of the rate, and what was measured."""
        n = numbers(max(1, min(SENTENCE_DIGITS, self.digits)))
        measured = MEASURED[self.basis](self, n)
        head = ("Oscillating (mini-batch noise)" if self.basis == "noise" else
                self.kind_words.capitalize() if self.not_yet or self.basis == "trend_down"
                else self.kind.title())
        still = ("" if self.stopped_moving_at is None and not self.loss_unchanged else
                 f"; {stopped_moving(self, n)}" if self.stopped_moving_at is not None else
                 f"; {never_changed(self)}")
        if not self.theory:
            text = f"{head}: {measured}{still}."
        elif self.theory == "near_best":  # measured alone, against the best fit
            text = f"{head}: {near_best(self, n)}{still}."
        else:
            label = ("Measured so far" if (self.measured != self.kind or self.too_short)
                     and self.stopped_moving_at is None else "Measured")  # more steps: same
            theory = ("no_optimum_stopped" if self.theory == "no_optimum" and still else
                      self.theory)  # no "in the long run the loss falls" of a frozen run
            n_limits = apart_from(self.regime.learning_rate, numbers(SENTENCE_DIGITS))
            limits = (idle_words(self, n_limits) if theory == "weights_idle" else
                      THEORY[theory](self.regime, n_limits))
            text = f"{head}: {limits}{still}. {label}: {measured}."
        if self.too_short and self.basis in ("quiet", "cycle"):
            text += f" Only {count(self.steps, 'step')}: too few to be sure."
        if self.stuck:
            text += (" Its parameters never left the start, though the gradient there is not "
                     "0: no step it tried lowered the loss as computed.")
        if self.parted_at is not None:
            certain = ("not even the first significant digit of its losses is"
                       if self.digits == 0 else
                       "only the first significant digit of its losses is" if self.digits == 1
                       else f"only {self.digits} significant digits of its losses are")
            lead = "It is chaotic" if self.chaotic else "Rounding decides its later digits"
            there = ""
            if self.rejoined_at is not None:  # apart only for a while
                lead = (f"From step {self.rounding_decides_from:,} to step "
                        f"{self.rejoined_at - 1:,} rounding decides its later digits")
                there = " there"
            text += (f" {lead}: the same run {self.twin_words} differs from this one by up "
                     f"to {self.gap_words}, so {certain} certain{there}.")
        return text


def classify_run(loss, stopped_at: int | None = None, stochastic: bool = False,
                 regime: RateRegime | None = None, twin=None, gradients=None,
                 twin_gradients=None, gradient_floor=None,
                 best_loss: float | None = None, twin_kind: str = "order") -> Verdict:
    """Where a run is heading (module docstring).

    Parameters
    ----------
    loss : array-like of shape (n_states,)
        Finite losses, state 0 first.
    stopped_at : int or None
        The step at which the run overflowed and stopped (its state is not in ``loss``).
    stochastic : bool, default False
        True for mini-batch runs: judged on the trend of the full-data loss.
    regime : RateRegime, optional
        What the limits say of this rate (full-batch gradient descent only).
    twin : array-like of shape (m,), optional
        The losses of the same run summed in another order (or as ``twin_kind`` says), for
        the meaningful digits.
    gradients, twin_gradients : array-like of shape (k, n_params), optional
        The gradient at each state of the run and of its twin, for `gradients_parted_at`.
    gradient_floor : array-like of shape (k, n_params), optional
        A bound on the rounding of each computed gradient (`gradients_parted_at`).
    best_loss : float, optional
        The best fit's loss, for a full-batch run without ``regime`` (`train` gives it for
        momentum and Nesterov): a tail that swings ever less near it is settling
        (`_damped_near`).
    twin_kind : str, default "order"
        How ``twin`` was run (`Verdict.twin_kind`).

    Returns
    -------
    Verdict

    Raises
    ------
    ValueError
        ``loss`` is not a non-empty 1-D array of finite numbers.
    """
    facts = measure(loss, stopped_at, stochastic)
    verdict = Verdict(measured=facts["kind"], **facts)
    if regime is not None and not stochastic:
        kind, theory = _theory(verdict, regime)
        verdict = replace(verdict, kind=kind, theory=theory, regime=regime)
    # each comparison once: the loss gaps and the gradients' parting, over the common states
    by_gradient = (None if gradients is None or twin_gradients is None else
                   gradients_apart(gradients, twin_gradients, gradient_floor))
    if by_gradient is not None:
        verdict = replace(verdict, gradients_parted_at=first_index(by_gradient))
    if twin is not None:
        gaps = loss_gaps(loss, twin)
        gap = largest_gap(gaps)
        digits = _certain(gap)
        # the digits both last losses read alike (10.26 and 11.36 both read 1e+01, but summed
        # in other orders that run ends anywhere from 2.7 to 24: momentum on the 20 students
        # at η = 20, a review), and no more than the largest gap over the run's last tenth
        # allows, not the last state's alone: two orders still parting may be close at one
        # state by chance (Adam on x = 1, 3, labels 0 1, λ = 0.1, η = 2 ends at 0.3120 and
        # 0.3118, exactly (mpmath) at 0.3143, where the table said "0.312 (3 digits
        # certain)": a review); two that settle after parting stay close
        tail = gaps[-max(len(gaps) // 10, 1):]
        final = (min(_certain(largest_gap(tail)),
                     shared_digits(float(loss[-1]), float(twin[-1]), MAX_DIGITS))
                 if len(gaps) == len(loss) and np.isfinite(gaps[-1]) else digits)
        chaotic = (OSCILLATING in (verdict.kind, verdict.measured)
                   and verdict.basis != "cycle" and gap > CHAOS_RTOL)
        apart = loss_apart(gaps)
        verdict = replace(verdict, rounding_gap=gap, digits=digits, final_digits=final,
                          chaotic=chaotic, parted_at=first_index(apart), twin_kind=twin_kind)
        if by_gradient is not None:
            n = min(len(apart), len(by_gradient))
            apart = apart[:n] | by_gradient[:n]
        if verdict.rounding_decides_from is not None:
            last = int(np.flatnonzero(apart)[-1])
            if last + 1 < len(apart) == len(loss):  # together again, up to the run's end
                verdict = replace(verdict, rejoined_at=last + 1)
    if regime is None and not stochastic and best_loss and _damped_near(verdict, best_loss):
        verdict = replace(verdict, kind=SETTLING, theory="near_best", best_loss=best_loss,
                          chaotic=False)
    return verdict


def _certain(gap: float) -> int:
    """Significant digits two numbers a relative ``gap`` apart share: 0 to `MAX_DIGITS`."""
    return MAX_DIGITS if gap == 0 else int(min(MAX_DIGITS, max(0, -math.log10(gap))))


def _damped_near(v: Verdict, best_loss: float) -> bool:
    """Whether a full-batch run that theory says nothing of settles at the best fit as
    measured: its tail swings (an up/down pattern or irregularly, over enough steps), every
    loss of it is within `NEAR_BEST_RTOL` of ``best_loss``, its rises shrink below
    `SHRINKING_DECAY` of theirs, and rounding does not decide its last state. A walk: on iris
    (standardized, λ = 0.01, η = 1, 200 steps) momentum and Nesterov read "oscillating"
    while their rises shrank to 0.017 and 4e-6 of theirs within 0.01% of the best fit;
    plain descent's damped zig-zag was already "settling" (`_held_out`). Swings that do not
    shrink or a cycle stay oscillating. `train` asks this of momentum and Nesterov only:
    Adam's steps do not shrink with its gradients, and it may leave the best fit again."""
    return (v.kind == OSCILLATING and v.basis in ("pattern", "irregular") and not v.too_short
            and v.decay is not None and v.decay < SHRINKING_DECAY
            and v.high is not None and v.high <= (1 + NEAR_BEST_RTOL) * best_loss
            and not v.rounding_decides(v.steps))




def stopped(v: Verdict, at: int, why: str) -> Verdict:
    """``v`` of a run of plain descent whose parameters stay the same from state ``at`` on
    (`Verdict.stopped_moving_at`, `Verdict.gradient_zero`). Above 2/μ* theory says descent
    keeps swinging, but a run frozen at the best fit does not swing: it has settled there in
    double precision, and theory's swing is put in exact arithmetic (a walk: the 20 students
    started at the best fit at η = 1.9 read "so it keeps swinging" and "never moved"). The
    same above 2/λ, where theory says the weights grow until they overflow: frozen weights do
    not grow ("above_penalty_stopped"; weights frozen at 0 are `idle_weights`'s)."""
    v = replace(v, stopped_moving_at=at, gradient_zero=why)
    if v.theory in ("above_local", "above_floor", "above_penalty") and v.measured != OSCILLATING:
        v = replace(v, kind=SETTLING, theory=f"{v.theory}_stopped")
    return v


def idle_weights(v: Verdict, exact: bool) -> Verdict:
    r"""``v`` of a run of plain descent in which every weight is exactly 0 at every state
    (the state one more step would reach included); ``exact`` where the gradient of every
    weight is exactly 0 at w = 0 whatever b is.

    At w = 0 every logit is b, and the gradient of weight j is

    .. math:: \frac{1}{n} \sum_i (\sigma(b) - y_i) x_{ij} + \lambda \cdot 0
              = \frac{1}{n} \Big(\sigma(b) \sum_i x_{ij} - \sum_{y_i = 1} x_{ij}\Big),

    0 for every b exactly when both sums are 0. The penalty's pull λw acts on no weight
    then, so what theory says of the weights' swings above 2/λ (or 2/μ*, where only the
    weights' directions may be unstable: along b alone the best fit's curvature is
    ȳ(1 - ȳ) ≤ 1/4, so 2/μ* can be below `BIAS_ALONE_GUARANTEE` only through the weights)
    does not happen: descent moves b alone. A walk: x = -1, 1, -1, 1 with labels 0 0 1 1, λ
    = 1, η = 5, b = 1 read "Diverging: ... the weights grow geometrically until the numbers
    overflow" beside "every weight is 0"; the loss fell from 0.8133 to ln 2, the best fit.
    Where the sums are 0 and η ≤ `BIAS_ALONE_GUARANTEE` theory decides the kind anew: no step
    raises the loss J(0, b) (*converging*); elsewhere the kind is the measured one."""
    if v.theory not in ("above_penalty", "at_penalty") and not (
            v.theory == "above_local"
            and v.regime.learning_rate < BIAS_ALONE_GUARANTEE):
        return v
    converging = (exact and v.regime.learning_rate <= BIAS_ALONE_GUARANTEE
                  and v.first_rise is None)
    return replace(v, kind=CONVERGING if converging else v.measured, theory="weights_idle",
                   weights_idle="exact" if exact else "rounding")


def unchanged(v: Verdict, loss, moved: bool, pushed: bool = False) -> Verdict:
    """``v`` with `Verdict.loss_unchanged` set where it holds: at least one step, every
    computed loss the same double, and the parameters ``moved`` at some step. (Parameters
    that never moved are `stopped`'s, whose sentence says so, for plain descent; for other
    optimizers, where the gradient at the start computed as not 0 (``pushed``), the run is
    `Verdict.stuck`.)"""
    loss = np.asarray(loss)
    return replace(v, loss_unchanged=moved and loss.size > 1 and bool(np.all(loss == loss[0])),
                   stuck=pushed and not moved)


def _held_out(v: Verdict, regime: RateRegime) -> bool:
    """Whether a run below the local limit still swings far from the best fit: measured
    oscillating over enough steps, and its tail's lowest loss more than `HELD_OUT_FACTOR`
    times the best fit's (the 5 points at λ = 1e-9 and η = 713,857: 242 against 5.5e-7, for
    good). A damped zig-zag near the best fit (the 20 students at η = 1.8, 5e-5 above it;
    with λ = 0.1 at η = 1 from (-5, 5), 1.4 times it at step 30 and falling) is settling,
    whatever the parity of its steps; so is one far out whose rises shrink by more than
    `SHRINKING_DECAY` (the 5 points at λ = 0.01, η = 2, 50 steps: 0.51). Rises that barely
    shrink promise nothing: breast cancer (standardized, λ = 1e-9, η = 50) at 0.97 still
    swings at 6x the best fit at step 20,000."""
    if v.measured != OSCILLATING or v.too_short or not regime.target_loss:
        return False
    shrinking = v.decay is not None and v.decay < SHRINKING_DECAY
    low = v.low if v.low is not None else v.final
    return not shrinking and low > HELD_OUT_FACTOR * regime.target_loss


def _theory(v: Verdict, regime: RateRegime) -> tuple[str, str]:
    """The kind the limits decide for this rate, and which limit decided (module docstring)."""
    eta, penalty = regime.learning_rate, regime.penalty_limit
    if v.basis == "overflow":
        return DIVERGING, "above_penalty" if penalty and eta > penalty else ""
    if regime.penalty_side is not None:  # (at 2/λ, above 2/μ* <= 2/λ too)
        return DIVERGING, f"{regime.penalty_side}_penalty"
    if eta <= regime.guaranteed:
        return (CONVERGING, "below_guarantee") if v.first_rise is None else (v.measured, "")
    # the best fit's local limit, or without one the floor's (samples on every splitting
    # line: x = 1, 2, 2, 3 with labels 0 0 1 1 swings for good above 2/μ₀* = 3.2)
    local, of = ((regime.local, "local") if regime.local is not None else
                 (regime.floor_local, "floor") if regime.no_optimum else (None, ""))
    if local is not None:
        if eta > local * (1 + LIMIT_RTOL):
            return OSCILLATING, f"above_{of}"
        if eta < local * (1 - LIMIT_RTOL):
            if v.basis == "cycle":
                return OSCILLATING, f"below_{of}_cycle"
            # the best fit is stable here, yet nothing says a run comes close enough to it:
            # at η = 7e5 on the 5 points with λ = 1e-9 (2/μ* = 2.4e6) descent is held in a
            # 261-cycle for good (a walk, to a million steps)
            return (OSCILLATING, f"below_{of}_swinging") if _held_out(v, regime) else \
                (SETTLING, f"below_{of}")
        return (SETTLING if v.measured == CONVERGING else v.measured), f"at_{of}"
    if regime.no_optimum and regime.floor == 0:
        return SETTLING, "no_optimum"
    # the best fit could not be computed, or the floor above 0: the tail alone
    return v.measured, ""


def lowest_step(loss) -> int:
    """The first step whose loss is within rounding (`RISE_RTOL`) of the lowest loss: the
    step the page calls the lowest, with the same tolerance a verdict's "rose" uses."""
    loss = np.asarray(loss, dtype=float)
    low = float(np.min(loss))
    return int(np.flatnonzero(loss <= low + RISE_RTOL * abs(low))[0])


def ends_at_lowest(loss) -> bool:
    """Whether the last loss is within rounding of the lowest (see `lowest_step`)."""
    loss = np.asarray(loss, dtype=float)
    low = float(np.min(loss))
    return bool(loss[-1] <= low + RISE_RTOL * abs(low))
