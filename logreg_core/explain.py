r"""Formulas with the numbers filled in, and the checks behind "why it works".

Every number here comes from a `GradientPass` or another core result and is written with
`fmt` / `tex_number`, the same formatting the tables use, so formula and table agree to the
digits shown. User-supplied names pass through `tex_text` before they reach LaTeX.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .maths import GradientPass, sigmoid

_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}",
}


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&=])")


def md_escape(text: object, max_length: int = 200) -> str:
    """User text (a column name, a value, a message quoting them) safe inside Markdown.

    Streamlit renders Markdown in st.markdown, captions, notices and widget labels, including
    ``$...$`` as LaTeX and ``:name:`` as icons; every character with a meaning there is
    backslash-escaped so it shows as typed. Line breaks become spaces; the text is capped.
    """
    text = " ".join(str(text).split())
    if len(text) > max_length:
        text = text[:max_length] + "..."
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def fmt(value: float, digits: int = 4) -> str:
    """A number to ``digits`` significant digits, as the tables show it (no "-0")."""
    text = f"{float(value):.{digits}g}"
    return "0" if text in ("-0", "0") else text


def tex_number(value: float, digits: int = 4) -> str:
    """`fmt` for LaTeX: exponents as powers of ten, negatives in parentheses-safe form."""
    text = fmt(value, digits)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def tex_paren(value: float, digits: int = 4) -> str:
    """A number for use inside a product: negative numbers in parentheses."""
    text = tex_number(value, digits)
    return f"({text})" if text.startswith("-") else text


def tex_text(text: str, max_length: int = 40) -> str:
    r"""User text as a safe LaTeX ``\text{...}``: specials escaped, length capped."""
    text = str(text)[:max_length]
    return r"\text{" + "".join(_TEX_SPECIALS.get(ch, ch) for ch in text) + "}"


def _aligned(lhs: str, definition: str, numbers: str, result: str, arrow: bool = False) -> str:
    r"""One formula on three lines (definition, numbers, result), narrow enough for a phone.

    With ``arrow`` the first relation is the update arrow :math:`\leftarrow`.
    """
    first = r"\leftarrow" if arrow else "="
    return (
        rf"\begin{{aligned}} {lhs} &{first} {definition} \\ &= {numbers} \\ &= {result}"
        r" \end{aligned}"
    )


def _sum_terms(terms: list[str], max_terms: int = 6) -> str:
    if len(terms) <= max_terms:
        return " + ".join(terms)
    return " + ".join(terms[:3]) + r" + \cdots + " + terms[-1]


def step_formulas(
    X: np.ndarray,
    w: np.ndarray,
    b: float,
    grad_pass: GradientPass,
    learning_rate: float,
    l2: float = 0.0,
    digits: int = 4,
    max_features: int = 3,
) -> list[str]:
    """LaTeX lines for one step, from the logit of sample 1 to the new parameters.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    w : ndarray of shape (n_features,)
    b : float
    grad_pass : GradientPass
        The pass at (w, b) (it holds the labels' part: p - y).
    learning_rate : float
    l2 : float
    digits : int
    max_features : int
        Weights written out in full; the rest are summarized.

    Returns
    -------
    list of str
    """
    n_samples, n_features = X.shape
    f = lambda v: tex_number(v, digits)  # noqa: E731
    fp = lambda v: tex_paren(v, digits)  # noqa: E731
    shown = range(min(n_features, max_features))
    lines = []
    products = " + ".join(f"{fp(w[j])} \\cdot {fp(X[0, j])}" for j in shown)
    if n_features > max_features:
        products += r" + \cdots"
    lines.append(_aligned(r"z_1", r"w \cdot x_1 + b", f"{products} + {fp(b)}",
                          f(grad_pass.z[0])))
    lines.append(_aligned(
        r"p_1", r"\sigma(z_1) = \frac{1}{1 + e^{-z_1}}",
        rf"\frac{{1}}{{1 + e^{{{f(-grad_pass.z[0])}}}}}", f(grad_pass.p[0]),
    ))
    loss_terms = [fp(v) for v in grad_pass.sample_loss]
    penalty = r" + \tfrac{\lambda}{2}\lVert w \rVert^2" if l2 else ""
    penalty_value = f" + {f(grad_pass.penalty)}" if l2 else ""
    lines.append(_aligned(
        "J", rf"\frac{{1}}{{n}} \sum_i \ell_i{penalty}",
        rf"\frac{{1}}{{{n_samples}}}\left({_sum_terms(loss_terms)}\right){penalty_value}",
        f(grad_pass.loss),
    ))
    for j in shown:
        terms = [f"{fp(grad_pass.error[i])} \\cdot {fp(X[i, j])}" for i in range(n_samples)]
        reg = rf" + \lambda w_{{{j + 1}}}" if l2 else ""
        reg_value = f" + {fp(l2 * w[j])}" if l2 else ""
        lines.append(_aligned(
            rf"\frac{{\partial J}}{{\partial w_{{{j + 1}}}}}",
            rf"\frac{{1}}{{n}}\sum_i (p_i - y_i)\, x_{{i{j + 1}}}{reg}",
            rf"\frac{{1}}{{{n_samples}}}\left({_sum_terms(terms)}\right){reg_value}",
            f(grad_pass.dw[j]),
        ))
    lines.append(_aligned(
        r"\frac{\partial J}{\partial b}", r"\frac{1}{n}\sum_i (p_i - y_i)",
        rf"\frac{{1}}{{{n_samples}}}\left({_sum_terms([fp(e) for e in grad_pass.error])}\right)",
        f(grad_pass.db),
    ))
    for j in shown:
        new = w[j] - learning_rate * grad_pass.dw[j]
        lines.append(_aligned(
            rf"w_{{{j + 1}}}",
            rf"w_{{{j + 1}}} - \eta \frac{{\partial J}}{{\partial w_{{{j + 1}}}}}",
            rf"{f(w[j])} - {f(learning_rate)} \cdot {fp(grad_pass.dw[j])}", f(new),
            arrow=True,
        ))
    new_b = b - learning_rate * grad_pass.db
    lines.append(_aligned(
        "b", r"b - \eta \frac{\partial J}{\partial b}",
        rf"{f(b)} - {f(learning_rate)} \cdot {fp(grad_pass.db)}", f(new_b), arrow=True,
    ))
    if n_features > max_features:
        lines.append(
            rf"\text{{... and likewise for the other {n_features - max_features} weights}}"
        )
    return lines


@dataclass(frozen=True)
class LiveCheck:
    """A formula and the numbers that confirm it at the current point.

    Attributes
    ----------
    formula : str
        LaTeX.
    lhs, rhs : float
        The two sides, computed independently.
    detail : str
        One sentence saying what was compared.
    """

    formula: str
    lhs: float
    rhs: float
    detail: str

    @property
    def relative_error(self) -> float:
        scale = max(abs(self.lhs), abs(self.rhs), 1e-300)
        return abs(self.lhs - self.rhs) / scale


def why_it_works(z: float, y: float, x: float, digits: int = 4) -> list[LiveCheck]:
    r"""The three facts behind the gradient, each checked numerically at one sample.

    1. :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`, against a central difference of sigma.
    2. The chain rule :math:`\partial\ell/\partial p \cdot \partial p/\partial z = p - y`,
       multiplying the two factors as numbers.
    3. The log-odds :math:`\log(p / (1 - p))` give back z.

    Parameters
    ----------
    z : float
        Logit of the sample.
    y : float
        Its label.
    x : float
        Its first feature (for the weight's chain-rule factor).
    digits : int
    """
    p = float(sigmoid(z))
    q = float(sigmoid(-z))  # 1 - p, without the cancellation of 1 - p when p is near 1
    # sigma' is even, so difference on the side where sigma is small and keeps its digits
    h = 1e-5
    numeric = (float(sigmoid(-abs(z) + h)) - float(sigmoid(-abs(z) - h))) / (2 * h)
    f = lambda v: tex_number(v, digits)  # noqa: E731
    checks = [
        LiveCheck(
            rf"\sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = {f(p)} \cdot {f(q)} = "
            rf"{f(p * q)}",
            p * q, numeric,
            f"A central difference (σ(z + h) − σ(z − h)) / 2h with h = {h:.0e} gives "
            f"{numeric:.{digits + 2}g}.",
        )
    ]
    dl_dp = -y / p + (1 - y) / q if p > 0 and q > 0 else math.nan
    dp_dz = p * q
    if math.isfinite(dl_dp):
        checks.append(LiveCheck(
            rf"\frac{{\partial \ell}}{{\partial p}} \cdot \frac{{\partial p}}{{\partial z}} = "
            rf"\left(-\frac{{y}}{{p}} + \frac{{1 - y}}{{1 - p}}\right) p\,(1 - p) = "
            rf"{tex_paren(dl_dp, digits)} \cdot {f(dp_dz)} = {f(dl_dp * dp_dz)} = p - y",
            dl_dp * dp_dz, p - y if y == 0 else -q,
            f"The two factors multiply to {dl_dp * dp_dz:.{digits + 2}g}; p − y is "
            f"{(p - y if y == 0 else -q):.{digits + 2}g}. The p(1 − p) of the sigmoid cancels "
            f"the denominators of the loss, and times ∂z/∂w = x = {x:.{digits}g} this is the "
            "weight's gradient.",
        ))
    odds = math.log(p / q) if p > 0 and q > 0 else math.nan
    if math.isfinite(odds):
        checks.append(LiveCheck(
            rf"\log\frac{{p}}{{1 - p}} = \log\frac{{{f(p)}}}{{{f(q)}}} = {f(odds)} = z",
            odds, z,
            f"The model is linear in the log-odds: log(p / (1 − p)) = {odds:.{digits + 2}g} "
            f"and z = {z:.{digits + 2}g}.",
        ))
    return checks


def learning_rate_story(
    bound, n_samples: int, learning_rate: float, separable: bool, l2: float, digits: int = 4
) -> str:
    """Markdown: why rates below, near and above 2/L behave as they do, with this data's numbers.

    Parameters
    ----------
    bound : CurvatureBound
    n_samples : int
    learning_rate : float
    separable : bool
        Whether the data have no finite optimum (and l2 is 0).
    l2 : float
    digits : int
    """
    f = lambda v: fmt(v, digits)  # noqa: E731
    limit = bound.max_stable_learning_rate
    penalty = f" + λ = {f(bound.L - l2)} + {f(l2)}" if l2 else ""
    text = [
        f"**The limit for this data.** The largest eigenvalue of [X 1]ᵀ[X 1] is "
        f"λmax = {f(bound.lambda_max)}. Because the sigmoid's slope p(1 − p) is at most 1/4, "
        f"the loss can bend at most L = λmax / 4n{penalty} = {f(bound.L)} (n = {n_samples}) "
        f"in any direction, and a step of η = 2/L = **{f(limit)}** is the largest that can "
        f"never raise it. Your rate {f(learning_rate)} is {f(learning_rate / limit)} × that.",
        "**Below the limit: safe but possibly slow.** Each step moves η times the gradient. "
        "Where the loss is gently curved the gradient is small, so a small η crawls: halve "
        "η and every stretch of the curve takes about twice as many steps.",
        "**Just under 2/L: zig-zag.** Along the most curved direction a step of nearly 2/L "
        "overshoots the bottom of the valley and lands on the far side, almost as high. The "
        "weights swing back and forth while the loss still falls, a little each time.",
        "**Above 2/L: the overshoot can grow.** Where the loss bends as much as L, each step "
        "lands higher than it started, the next gradient is larger, and the loss climbs. "
        "The logistic loss flattens away from the data (p saturates at 0 or 1), so it "
        "rarely bends as much as L everywhere: some rates above the limit only oscillate and "
        "then settle, and very large ones diverge.",
    ]
    if separable:
        text.append(
            "**Why this data keeps improving forever.** A line splits the two classes "
            "perfectly and there is no L2 penalty, so scaling w and b up always lowers the "
            "loss: it creeps towards 0 without reaching it, and no rate ever finishes. The "
            "sweep's final loss just keeps falling with more steps; add L2 for a finite optimum."
        )
    return "\n\n".join(text)
