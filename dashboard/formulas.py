r"""Formulas with the numbers filled in (LaTeX), from core results only.

Every number is a `GradientPass` or `WhyFacts` field written with `tex_number`, the same
formatting the tables use, so formula and table agree to the digits shown. Each formula is
an ``aligned`` block of short lines (definition, numbers, result) so that it fits a phone;
long sums show their first terms, a ``\cdots`` and the last.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from logreg_core import GradientPass, gradient_update
from logreg_core.checks import (
    NORMAL,
    WhyFacts,
    log10_outputs,
    lost_derivatives,
    lost_logit,
    signed_log10_errors,
)

from .text import fmt_log10, other_weights, tex_number, tex_paren, tex_text


def _aligned(lhs: str, definition: str, numbers, result: str, arrow: bool = False,
             relation: str = "=") -> str:
    r"""One formula as an ``aligned`` block: the definition, the numbers (one line, or several
    for a long sum), the result (after ``relation``: ``<`` for a value that underflowed)."""
    first = r"\leftarrow" if arrow else "="
    lines = [numbers] if isinstance(numbers, str) else numbers
    middle = rf" \\ &= {lines[0]}" + "".join(rf" \\ &\quad {line}" for line in lines[1:])
    return (rf"\begin{{aligned}} {lhs} &{first} {definition}{middle} \\ &{relation} {result} "
            r"\end{aligned}")


#: The smallest positive double, in LaTeX: a positive value that underflowed is below it.
SMALLEST = r"5 \times 10^{-324}"


def _positive_result(value: float, f: Callable[[float], str]) -> tuple:
    """`_aligned`'s result arguments for a value that is never 0 (σ(z), a loss): written by
    ``f``, or, where it underflowed to 0, "< `SMALLEST`"."""
    return (f(value),) if value != 0 else (SMALLEST, False, "<")


#: Most characters a line of a formula shows (its LaTeX commands and braces not counted), so
#: that a phone's width (358 px of formula at 390 px) holds it: measured in Chromium, a line of
#: 30 under ∂J/∂w₁ was 357 px, and one of 31 was 363 px.
LINE_CHARS = 29


def _shown_length(latex: str) -> int:
    """About how many characters ``latex`` shows: a command (``\\times``) as one, braces and
    ``^`` as none."""
    return len(re.sub(r"\\[a-zA-Z]+", "x", re.sub(r"[{}^\s]|\\left|\\right", "", latex)))


def _joined_lines(terms: list[str], per_line: int, lead: str = "", tail: str = "") -> list[str]:
    r"""``terms`` joined with ``+``, at most ``per_line`` to a line, each line after the first
    starting with its own ``+``. A term that would take a line past `LINE_CHARS` shown starts
    the next: two products of numbers as long as 1.437e-347648724 on one line were 573 px
    wide, and scrolled sideways on a phone (a walk). A product too long for a line of its own
    is broken after its ``\cdot``: at 10 digits one product of two negative numbers is 380 px.
    ``lead`` (a sum's ``1/n`` and parenthesis) is shown before the first line and ``tail``
    after the last, and each counts there."""
    lines: list[str] = []
    count = 0  # terms on the last line
    for k, term in enumerate(terms):
        end = tail if k == len(terms) - 1 else ""
        joined = f"{lines[-1]} + {term}" if lines else ""
        if lines and count < per_line and _shown_length(
                (lead if len(lines) == 1 else "") + joined + end) <= LINE_CHARS:
            lines[-1], count = joined, count + 1
            continue
        text = f"+ {term}" if lines else term
        first, cdot, rest = text.partition(r" \cdot ")
        if cdot and _shown_length((lead if not lines else "") + text + end) > LINE_CHARS:
            lines += [first, rf"\cdot {rest}"]  # nothing more on the product's second line
            count = per_line
        else:
            lines.append(text)
            count = 1
    return lines


def _split(left: str, op: str, right: str) -> list[str]:
    """``left op right`` on one line, or, where that is longer than `LINE_CHARS` shown, on
    two: the second starts with ``op``."""
    one = f"{left} {op} {right}"
    return [one] if _shown_length(one) <= LINE_CHARS else [left, f"{op} {right}"]


def _wrapped(text: str) -> bool:
    """Whether the whole of ``text`` is one group in parentheses: "(-0.5)", not "(-1) · 2"."""
    depth = 0
    for k, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return char == ")" and k == len(text) - 1
    return False


def _sum_lines(prefix: str, n_terms: int, term: Callable[[int], str], suffix: str = "",
               per_line: int = 2) -> list[str]:
    r"""``prefix(t_0 + t_1 + \cdots + t_{n-1})suffix``, term ``i`` written by ``term(i)``,
    broken after every ``per_line`` terms so a phone's width holds each line. A long sum shows
    its first two terms, a ``\cdots`` and the last: only those are written."""
    if n_terms == 1 and _wrapped(only := term(0)):  # one term in its own parentheses: not
        return [f"{prefix}{only}{suffix}"]  # "1/1 ((< 5e-324))" (a walk)
    if n_terms > 3:
        terms = [term(0), term(1), r"\cdots", term(n_terms - 1)]
    else:
        terms = [term(i) for i in range(n_terms)]
    lines = _joined_lines(terms, per_line, lead=f"{prefix}(", tail=f"){suffix}")
    lines[0] = rf"{prefix}\left({lines[0]}" + (r"\right." if len(lines) > 1 else "")
    for k in range(1, len(lines)):
        lines[k] = rf"\left. {lines[k]}" + (r"\right." if k < len(lines) - 1 else "")
    lines[-1] += rf"\right){suffix}"
    return lines


def step_formulas(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float,
                  grad_pass: GradientPass, learning_rate: float, l2: float = 0.0,
                  digits: int = 4, max_features: int = 3) -> list[str]:
    """LaTeX lines for one step, from the logit of sample 1 to the new parameters.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), labels 0/1
        For an error p - y that underflowed: its true value, as the tables write it.
    w : ndarray of shape (n_features,)
    b : float
    grad_pass : GradientPass
        The pass at (w, b).
    learning_rate, l2 : float
    digits : int
    max_features : int
        Weights written out in full; the rest are summarized.
    """
    n_samples, n_features = X.shape
    f = lambda v: tex_number(v, digits)  # noqa: E731
    fp = lambda v: tex_paren(v, digits)  # noqa: E731

    # p - y, p and a loss are never 0: one that underflowed is written at its true size, as
    # the tables write it (`display.underflowed_as_text`: they showed -6.639e-1738 where this
    # formula wrote a bound; at z = -800, p - y = p read 3.668e-348 beside p_1 < 5e-324)
    error_sign, error_size = signed_log10_errors(grad_pass.z, y)
    log_p, log_loss = log10_outputs(grad_pass.z, y)

    def positive(value: float, log10_size: float, write=f) -> str:
        return write(value) if value >= NORMAL else tex_text(fmt_log10(1.0, log10_size, digits))

    def fe(i: int) -> str:
        if abs(grad_pass.error[i]) >= NORMAL:
            return fp(grad_pass.error[i])
        text = tex_text(fmt_log10(error_sign[i], error_size[i], digits))
        return f"({text})" if text.startswith("-") else text

    # a derivative whose every term underflowed is computed as 0, and says so beside its
    # exact value (`lost_derivatives`), which the tables write
    lost_sign, lost_size = lost_derivatives(X, y, grad_pass)

    def fd(j: int, value: float) -> str:
        if value != 0 or lost_sign[j] == 0:
            return f(value)
        exact = tex_text(fmt_log10(lost_sign[j], lost_size[j], digits))
        return rf"{exact} \;\text{{(computed as 0)}}"

    def fl(i: int) -> str:
        return positive(grad_pass.sample_loss[i], log_loss[i], fp)
    shown = range(min(n_features, max_features))
    per_line = 2 if digits <= 5 else 1  # what a phone's width holds
    products = [f"{fp(w[j])} \\cdot {fp(X[0, j])}" for j in shown]
    if n_features > max_features:
        products.append(r"\cdots")
    products.append(fp(b))
    rows = _joined_lines(products, per_line)
    # a logit whose every product underflowed computes as 0: its exact value, and that
    z_sign, z_size = lost_logit(X[0], w, b, grad_pass.z[0])
    z_text = (f(grad_pass.z[0]) if not z_sign else
              rf"{tex_text(fmt_log10(z_sign, z_size, digits))} \;\text{{(computed as 0)}}")
    lines = [
        _aligned("z_1", r"w \cdot x_1 + b", rows, z_text),
        _aligned("p_1", r"\sigma(z_1) = \frac{1}{1 + e^{-z_1}}",
                 rf"\frac{{1}}{{1 + e^{{{f(-grad_pass.z[0])}}}}}",
                 positive(grad_pass.p[0], log_p[0])),
    ]
    penalty = r" + \tfrac{\lambda}{2}\lVert w \rVert^2" if l2 else ""
    penalty_value = f" + {f(grad_pass.penalty)}" if l2 else ""
    lines.append(_aligned(
        "J", rf"\frac{{1}}{{n}} \sum_i \ell_i{penalty}",
        _sum_lines(rf"\frac{{1}}{{{n_samples}}}", n_samples,
                   fl, penalty_value, per_line),
        *_positive_result(grad_pass.loss, f)))
    for j in shown:
        def term(i: int, j: int = j) -> str:
            return f"{fe(i)} \\cdot {fp(X[i, j])}"

        reg = rf" + \lambda w_{{{j + 1}}}" if l2 else ""
        reg_value = f" + {fp(grad_pass.l2_term[j])}" if l2 else ""
        lines.append(_aligned(
            rf"\frac{{\partial J}}{{\partial w_{{{j + 1}}}}}",
            rf"\frac{{1}}{{n}}\sum_i (p_i - y_i)\, x_{{i{j + 1}}}{reg}",
            _sum_lines(rf"\frac{{1}}{{{n_samples}}}", n_samples, term, reg_value, per_line),
            fd(j, grad_pass.dw[j])))
    lines.append(_aligned(
        r"\frac{\partial J}{\partial b}", r"\frac{1}{n}\sum_i (p_i - y_i)",
        _sum_lines(rf"\frac{{1}}{{{n_samples}}}", n_samples, fe,
                   per_line=per_line),
        fd(n_features, grad_pass.db)))
    def step(old: float, slope: float) -> list[str]:
        return _split(f(old), "-", rf"{f(learning_rate)} \cdot {fp(slope)}")

    update = gradient_update(w, b, grad_pass, learning_rate)
    for j in shown:
        lines.append(_aligned(
            rf"w_{{{j + 1}}}",
            rf"w_{{{j + 1}}} - \eta \frac{{\partial J}}{{\partial w_{{{j + 1}}}}}",
            step(w[j], grad_pass.dw[j]), f(update.new_w[j]), arrow=True))
    lines.append(_aligned(
        "b", r"b - \eta \frac{\partial J}{\partial b}", step(b, grad_pass.db),
        f(update.new_b), arrow=True))
    if n_features > max_features:
        lines.append(rf"\text{{... and likewise for "
                     rf"{other_weights(n_features - max_features)}}}")
    return lines


def why_formulas(facts: WhyFacts, digits: int = 4) -> list[tuple[str, str, float, float]]:
    """The three facts as (title, LaTeX, left side, right side), skipping any that cannot be
    evaluated in double precision (where p, 1 - p or the slope is below the smallest normal
    double, 0 included: `logreg_core.checks.why_facts`)."""
    f = lambda v: tex_number(v, digits)  # noqa: E731
    facts_and_guards = (  # (what must be there to evaluate it, the fact), built only then
        (facts.slope_numeric, lambda: (
            "The sigmoid's slope is built from the sigmoid itself",
            _aligned(r"\sigma'(z)", r"\sigma(z)\,(1 - \sigma(z))",
                     _split(f(facts.p), r"\cdot", f(facts.q)), f(facts.slope)),
            facts.slope, facts.slope_numeric)),
        (facts.chain, lambda: (
            "The chain rule cancels to p − y",
            _aligned(r"\frac{\partial \ell}{\partial p} \cdot \frac{\partial p}{\partial z}",
                     r"\left(-\frac{y}{p} + \frac{1 - y}{1 - p}\right) \\ &\quad \cdot p\,(1 - p)",
                     _split(tex_paren(facts.dl_dp, digits), r"\cdot", f(facts.slope)),
                     rf"{f(facts.chain)} = p - y"),
            facts.chain, facts.error)),
        (facts.log_odds, lambda: (
            "The logit is the log-odds",
            rf"\begin{{aligned}} \log\frac{{p}}{{1 - p}} &= "
            rf"\log\frac{{{f(facts.p)}}}{{{f(facts.q)}}} \\ &= {f(facts.log_odds)} = z "
            r"\end{aligned}",
            facts.log_odds, facts.z)),
    )
    return [fact() for guard, fact in facts_and_guards if guard is not None]
