"""Check that every chain of equalities on the page holds, term by term, to the digits shown.

A chain is text like ``∂J/∂w = mean((p − y)·x) + λw = -0.2036 + 0.2026 = **-0.001**`` or a
LaTeX ``aligned`` block. Each segment that is pure arithmetic on shown numbers is evaluated in
interval arithmetic: a number shown with d significant digits stands for every value that
rounds to it, so consecutive numeric segments must overlap. Symbolic segments are skipped.
A plain module: the tests import it.
"""

from __future__ import annotations

import itertools
import math
import re

_NUMBER = re.compile(r"\d+(?:\.\d*)?(?:e[+-]?\d+)?")
_ALLOWED = set("0123456789.e+-*/() ")


def _interval(token: str, digits: int) -> tuple[float, float]:
    """The values that round to ``token`` when written with at most ``digits`` significant
    digits (printf %g drops trailing zeros, so "3" may stand for 3.0004 at four digits)."""
    value = float(token)
    if value == 0:
        return 0.0, 0.0  # %g writes any non-zero value with its exponent
    half = 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return value - half, value + half


class _Parser:
    """Recursive descent over + - * / and parentheses, on intervals."""

    def __init__(self, text: str, digits: int):
        self.digits = digits
        self.tokens = re.findall(r"\d+(?:\.\d*)?(?:e[+-]?\d+)?|[-+*/()]", text)
        self.at = 0

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self):
        self.at += 1
        return self.tokens[self.at - 1]

    def expression(self):
        low, high = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            a, b = self.term()
            low, high = (low + a, high + b) if op == "+" else (low - b, high - a)
        return low, high

    def term(self):
        low, high = self.factor()
        while self.peek() in ("*", "/"):
            op = self.take()
            a, b = self.factor()
            if op == "/":
                if a <= 0 <= b:
                    return -math.inf, math.inf
                a, b = 1 / b, 1 / a
            products = [low * a, low * b, high * a, high * b]
            low, high = min(products), max(products)
        return low, high

    def factor(self):
        token = self.take()
        if token == "-":
            low, high = self.factor()
            return -high, -low
        if token == "+":
            return self.factor()
        if token == "(":
            value = self.expression()
            assert self.take() == ")"
            return value
        return _interval(token, self.digits)


def evaluate(text: str, digits: int) -> tuple[float, float] | None:
    """The interval a numeric segment stands for, or None if it is not pure arithmetic."""
    text = (text.replace("**", "").replace("−", "-").replace("·", "*").replace("×", "*")
            .replace("\\cdot", "*").strip())
    if not text or not set(text) <= _ALLOWED or not _NUMBER.search(text):
        return None
    if re.search(r"[a-df-z]", text) or re.search(r"(?<![\d.])e", text):
        return None
    parser = _Parser(text, digits)
    try:
        value = parser.expression()
    except (AssertionError, IndexError, ValueError, ZeroDivisionError):
        return None
    return value if parser.at == len(parser.tokens) else None


def check_line(line: str, digits: int) -> list[str]:
    """Problems of one chain (empty when every numeric step overlaps the next)."""
    segments = re.split(r" = |←", line)
    values = [(s, evaluate(s, digits)) for s in segments]
    numeric = [(s, v) for s, v in values if v is not None]
    problems = []
    for (s1, a), (s2, b) in itertools.pairwise(numeric):
        slack = 1e-12 * max(1.0, abs(a[0]), abs(b[0]))
        if a[1] + slack < b[0] or b[1] + slack < a[0]:
            problems.append(f"{s1.strip()} ≠ {s2.strip()} in: {line}")
    return problems


def latex_lines(latex: str) -> list[str]:
    """An ``aligned`` block as chains: its lines joined with " = ", in plain arithmetic."""
    body = latex.replace("$$", "").replace("\n", " ")
    body = body.replace(r"\begin{aligned}", "").replace(r"\end{aligned}", "")
    body = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", body)
    body = re.sub(r"\\times 10\^\{(-?\d+)\}", r"e\1", body)
    body = re.sub(r"(\d)\s*e(-?\d)", r"\1e\2", body)
    body = body.replace(")(", ")*(")  # (1/n)(a + b): a product
    for tex, plain in ((r"\left(", "("), (r"\right)", ")"), (r"\left.", ""), (r"\right.", ""),
                       (r"\quad", ""), ("&", ""), (r"\cdot", "·"), (r"\leftarrow", "←")):
        body = body.replace(tex, plain)
    rows = [row.strip() for row in body.split(r"\\")]
    chain: list[str] = []
    for row in rows:
        if row.startswith("="):
            chain.append(row[1:])
        elif chain and row.startswith(("+", "-")) and chain[-1].count("(") > chain[-1].count(")"):
            chain[-1] += " " + row  # a long sum broken over lines
        elif chain:
            chain[-1] += " " + row
        else:
            chain.append(row)
    return [" = ".join(chain)]


#: A display formula inside Markdown (several formulas may share one element).
FORMULA = re.compile(r"\$\$\n(.*?)\n\$\$", re.S)


def check_page(markdown: list[str], latex: list[str], digits: int) -> list[str]:
    """Every problem of every chain on the page (numbers shown to at most ``digits``); the
    display formulas inside Markdown are read as LaTeX."""
    problems = []
    latex = [*latex, *(tex for block in markdown for tex in FORMULA.findall(block))]
    markdown = [FORMULA.sub("", block) for block in markdown]
    for block in markdown:
        for line in block.split("\n"):
            if " = " in line:
                problems += check_line(line.replace("  ", " "), digits)
    for block in latex:
        if r"\cdots" in block:
            continue  # the elided terms cannot be read back
        for line in latex_lines(block):
            problems += check_line(line, digits)
    return problems
