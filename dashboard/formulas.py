r"""Formulas with the numbers filled in (LaTeX), from core results only.

Every number is a `GradientPass` or `WhyFacts` field written with `tex_number`, the same
formatting the tables use, so formula and table agree to the digits shown. Each formula is
an ``aligned`` block of short lines (definition, numbers, result) so that it fits a phone;
long sums show their first terms, a ``\cdots`` and the last.
"""

from __future__ import annotations

import numpy as np

from logreg_core import GradientPass
from logreg_core.checks import WhyFacts

from .text import tex_number, tex_paren


def _aligned(lhs: str, definition: str, numbers: str, result: str, arrow: bool = False) -> str:
    first = r"\leftarrow" if arrow else "="
    return (rf"\begin{{aligned}} {lhs} &{first} {definition} \\ &= {numbers} \\ &= {result}"
            r" \end{aligned}")


def _sum_terms(terms: list[str], max_terms: int = 4) -> str:
    if len(terms) <= max_terms:
        return " + ".join(terms)
    return " + ".join(terms[:2]) + r" + \cdots + " + terms[-1]


def step_formulas(X: np.ndarray, w: np.ndarray, b: float, grad_pass: GradientPass,
                  learning_rate: float, l2: float = 0.0, digits: int = 4,
                  max_features: int = 3) -> list[str]:
    """LaTeX lines for one step, from the logit of sample 1 to the new parameters.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
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
    shown = range(min(n_features, max_features))
    products = " + ".join(f"{fp(w[j])} \\cdot {fp(X[0, j])}" for j in shown)
    if n_features > max_features:
        products += r" + \cdots"
    lines = [
        _aligned("z_1", r"w \cdot x_1 + b", f"{products} + {fp(b)}", f(grad_pass.z[0])),
        _aligned("p_1", r"\sigma(z_1) = \frac{1}{1 + e^{-z_1}}",
                 rf"\frac{{1}}{{1 + e^{{{f(-grad_pass.z[0])}}}}}", f(grad_pass.p[0])),
    ]
    penalty = r" + \tfrac{\lambda}{2}\lVert w \rVert^2" if l2 else ""
    penalty_value = f" + {f(grad_pass.penalty)}" if l2 else ""
    lines.append(_aligned(
        "J", rf"\frac{{1}}{{n}} \sum_i \ell_i{penalty}",
        rf"\frac{{1}}{{{n_samples}}}\left({_sum_terms([fp(v) for v in grad_pass.sample_loss])}"
        rf"\right){penalty_value}",
        f(grad_pass.loss)))
    for j in shown:
        terms = [f"{fp(grad_pass.error[i])} \\cdot {fp(X[i, j])}" for i in range(n_samples)]
        reg = rf" + \lambda w_{{{j + 1}}}" if l2 else ""
        reg_value = f" + {fp(grad_pass.l2_term[j])}" if l2 else ""
        lines.append(_aligned(
            rf"\frac{{\partial J}}{{\partial w_{{{j + 1}}}}}",
            rf"\frac{{1}}{{n}}\sum_i (p_i - y_i)\, x_{{i{j + 1}}}{reg}",
            rf"\frac{{1}}{{{n_samples}}}\left({_sum_terms(terms)}\right){reg_value}",
            f(grad_pass.dw[j])))
    lines.append(_aligned(
        r"\frac{\partial J}{\partial b}", r"\frac{1}{n}\sum_i (p_i - y_i)",
        rf"\frac{{1}}{{{n_samples}}}\left({_sum_terms([fp(e) for e in grad_pass.error])}\right)",
        f(grad_pass.db)))
    for j in shown:
        new = w[j] - learning_rate * grad_pass.dw[j]
        lines.append(_aligned(
            rf"w_{{{j + 1}}}",
            rf"w_{{{j + 1}}} - \eta \frac{{\partial J}}{{\partial w_{{{j + 1}}}}}",
            rf"{f(w[j])} - {f(learning_rate)} \cdot {fp(grad_pass.dw[j])}", f(new), arrow=True))
    lines.append(_aligned(
        "b", r"b - \eta \frac{\partial J}{\partial b}",
        rf"{f(b)} - {f(learning_rate)} \cdot {fp(grad_pass.db)}",
        f(b - learning_rate * grad_pass.db), arrow=True))
    if n_features > max_features:
        lines.append(rf"\text{{... and likewise for the other {n_features - max_features} "
                     r"weights}}")
    return lines


def why_formulas(facts: WhyFacts, digits: int = 4) -> list[tuple[str, str, float, float]]:
    """The three facts as (title, LaTeX, left side, right side), skipping any that cannot be
    evaluated in double precision (p or 1 - p equal to 0)."""
    f = lambda v: tex_number(v, digits)  # noqa: E731
    out = [(
        "The sigmoid's slope is built from the sigmoid itself",
        rf"\sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = {f(facts.p)} \cdot {f(facts.q)} = "
        rf"{f(facts.slope)}",
        facts.slope, facts.slope_numeric,
    )]
    if facts.chain is not None:
        out.append((
            "The chain rule cancels to p − y",
            rf"\frac{{\partial \ell}}{{\partial p}} \cdot \frac{{\partial p}}{{\partial z}} = "
            rf"\left(-\frac{{y}}{{p}} + \frac{{1 - y}}{{1 - p}}\right) p\,(1 - p) = "
            rf"{tex_paren(facts.dl_dp, digits)} \cdot {f(facts.slope)} = {f(facts.chain)} "
            "= p - y",
            facts.chain, facts.error,
        ))
    if facts.log_odds is not None:
        out.append((
            "The logit is the log-odds",
            rf"\log\frac{{p}}{{1 - p}} = \log\frac{{{f(facts.p)}}}{{{f(facts.q)}}} = "
            rf"{f(facts.log_odds)} = z",
            facts.log_odds, facts.z,
        ))
    return out
