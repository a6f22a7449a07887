r"""Formatting numbers and escaping user text, for Markdown, LaTeX and links.

Every number on the page goes through `fmt` (or `tex_number` inside formulas), so a table and
a formula show the same digits. Every user- or link-supplied string that reaches a
Markdown-rendering element goes through `md_escape` (Streamlit renders Markdown in labels,
captions, notices and options: links, images, ``:red[...]``, ``$...$`` LaTeX and
``:material/...:`` icons included).
"""

from __future__ import annotations

import math
import re

from logreg_core.checks import NORMAL

#: Every character with a meaning in Streamlit's Markdown (CommonMark, GitHub extensions,
#: LaTeX between dollars, colour and icon directives between colons), escaped with a backslash.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&=\"'^@%])")


#: Where GitHub-flavoured Markdown turns bare text into a link (``http://``, ``https://``,
#: ``www.``, ``mailto:``, an e-mail address) even when every special character is escaped: a
#: word joiner (U+2060, an invisible character) before the scheme's colon, after "www" and
#: after "@" breaks the match.
_AUTOLINKS = re.compile(r"(?i)((?:https?|ftp)(?=://)|(?:mailto|xmpp)(?=:)|\bwww(?=\.)|@)")


def md_escape(text: object, max_length: int = 200) -> str:
    """User text (a column name, a link value, a message quoting them) safe inside Markdown.

    Line breaks and other whitespace runs become one space; the text is capped at
    ``max_length`` characters; every Markdown-special character is backslash-escaped, and
    bare addresses are broken with an invisible word joiner, so the text shows as typed and
    never becomes a link, an image, a formula or a colour.
    """
    text = " ".join(str(text).split())
    if len(text) > max_length:
        text = text[:max_length] + "…"
    text = _AUTOLINKS.sub("\\1\u2060", text)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


#: A backslash `md_escape` put before "_", "-" or "." with a letter or digit on each side:
#: there it means nothing in Markdown ("_" between letters opens and closes no emphasis,
#: "-" and "." start a list only at the start of a line); and one before "(", "!", "'" or
#: '"' anywhere, or ")" after anything but a leading number: with "[" and "]" escaped, no
#: parenthesis closes a link and no "!" opens an image, and only "1)" starts a list.
_NEEDLESS_ESCAPE = re.compile(r"(?<=[^\W_])\\([_.-])(?=[^\W_])|\\([(!'\"])|\\(\))")


def _needless(match: re.Match) -> str:
    """A `_NEEDLESS_ESCAPE` match without its backslash, but for ")" after a leading number."""
    if match.group(3) and re.fullmatch(r"\d{1,9}", match.string[:match.start()]):
        return match.group(0)  # "1)" would start a list
    return next(g for g in match.groups() if g)


def label_escape(text: object, max_length: int = 200) -> str:
    """User text (a column name) for a widget's label: as `md_escape`, without the backslashes
    Markdown does not need. A browser gives a label's Markdown source to screen readers as
    the field's name (``aria-label``), so "hours\\_studied" was read with its backslash;
    "hours_studied" renders as the same text and is read as it is written."""
    return _NEEDLESS_ESCAPE.sub(_needless, md_escape(text, max_length))


def fmt(value: float, digits: int = 4) -> str:
    """A number to ``digits`` significant digits, as tables show it (no "-0"); below the
    smallest normal double (2.2e-308), to no more digits than the double holds: those of the
    shortest decimal that reads back as it (4.9e-324, the double nearest to e^-745 =
    2.8e-324, reads "5e-324").

    A number written with an exponent and rounded to get there keeps its trailing zeros
    (`_exponent_digits`): printf's %g dropped them, so a loss of 4999.7 at 2 digits read
    "5e+03", one digit. A number that is exactly the shorter decimal (a typed η = 1e-05)
    reads as it is typed.

    Non-finite values never reach the page as "nan" or "inf": they read "overflow" (the only
    way the core produces one) so that a missed case is visible rather than silently wrong.
    """
    value = float(value)
    if not math.isfinite(value):
        return "overflow"
    if 0 < abs(value) < NORMAL:  # a subnormal double: the digits that tell it from the next
        digits = min(digits, _shortest_digits(value))
    text = _exponent_digits(f"{value:.{digits}g}", value, digits)
    return "0" if text in ("-0", "0") else text


def _exponent_digits(text: str, value: float, digits: int) -> str:
    """``text`` (``value`` written with printf's ``%.{digits}g``) with the trailing zeros of
    its mantissa kept where it has an exponent and is not ``value`` itself, so that it shows
    ``digits`` significant digits: "5.0e+03" for 4999.7 at 2 digits, not "5e+03".

    Only with an exponent: the grids write a number in plain decimals as the browser's
    printf does (`display.number_format`), which drops trailing zeros and keeps no others,
    and a sentence writing "0.5000" beside a grid's "0.5" would read as two numbers. The
    gradient check's grid writes a column holding a number that takes an exponent as this
    does (`display.show_frame`'s ``exponents_as_text``); the per-sample grids keep numbers,
    which sort as numbers, in the grid's printf form.
    """
    if "e" not in text or float(text) == value:
        return text
    mantissa, exponent = f"{value:#.{digits}g}".split("e")
    return f"{mantissa.rstrip('.')}e{exponent}"


def _shortest_digits(value: float) -> int:
    """Significant digits of the shortest decimal that reads back as ``value`` (Python's
    ``repr``): for a subnormal double, the digits it holds (5e-324; 1.5e-323, which is 3 units
    of 2^-1074, where "1e-323" would read back as 2 units)."""
    mantissa = repr(abs(float(value))).split("e")[0].replace(".", "").strip("0")
    return max(1, len(mantissa))


def fmt_apart(a: float, b: float, digits: int = 4) -> tuple[str, str]:
    """Two different numbers, each to ``digits`` significant digits, or to as many more (up
    to 17, which tells any two doubles apart) as it takes for them to read differently. With
    more digits both keep their trailing zeros, so they read to the same number of digits
    (0.1854930365520 and 0.1854930365519, not 0.185493036552)."""
    d = apart_digits(a, b, digits)
    if d is None or d == digits:
        return fmt(a, digits), fmt(b, digits)
    return fmt_all_digits(a, d), fmt_all_digits(b, d)


def apart_digits(a: float, b: float, digits: int = 4) -> int | None:
    """The fewest significant digits, from ``digits`` up to 17, at which ``a`` and ``b``
    round to different numbers (`fmt_all_digits`: 5000 and 4999.7 both round to 5.0e+03 at
    2 digits, though `fmt` writes the exact one shorter); None where they never do (equal
    doubles)."""
    return next((d for d in range(digits, 18) if fmt_all_digits(a, d) != fmt_all_digits(b, d)),
                None)


def fmt_all_digits(value: float, digits: int) -> str:
    """`fmt` with trailing zeros kept (no bare trailing point)."""
    text = fmt(value, digits)
    if text in ("0", "overflow"):
        return text
    return f"{float(value):#.{digits}g}".replace(".e", "e").rstrip(".")


def percent(share: float) -> str:
    """A share as a whole percentage that never reads 100% or 0% unless it is: 568 of 569
    is "> 99%", not "100%". Halves round up, as the player's readout rounds (JavaScript's
    ``Math.round``), so the two agree."""
    whole = math.floor(100 * share + 0.5)
    if whole == 100 and share < 1:
        return "> 99%"
    if whole == 0 and share > 0:
        return "< 1%"
    return f"{whole}%"


def spacing_words(value: float, digits: int = 4) -> str:
    """"that spacing is 5.7e-14 at 300": the spacing of doubles at ``value`` away from 0, the
    larger of its two gaps, for the sentences that say a change of at most half of it leaves a
    parameter where it is (rounding to nearest drops it)."""
    return f"that spacing is {fmt(math.ulp(value), 2)} at {fmt(value, digits)}"


def fmt_loss(value: float, digits: int = 4) -> str:
    """A loss as `fmt` writes it, except one that rounds to 0: the logistic loss is never 0,
    so a 0 has underflowed (it is below the smallest double, 5e-324) and reads so."""
    return "< 5e-324" if float(value) == 0.0 else fmt(value, digits)


def fmt_log10(sign: float, log10_size: float, digits: int = 4) -> str:
    """A number given by its sign and the log10 of its size, as `fmt` writes numbers with an
    exponent: for sizes beyond double precision (-2.896e-760 from -1 and -759.538).

    The mantissa keeps only the digits the double ``log10_size`` holds: its spacing times
    ln 10 is the mantissa's relative error (3 digits at a size of 1e12). Where none is left,
    the number is written as a power of ten, its exponent to ``digits``: "-10^(-1.209e+153)"
    (a walk found an exponent of 154 digits behind a made-up mantissa of 1, cut from the
    left in a narrow table to read "464910").
    """
    certain = -math.log10(math.ulp(abs(log10_size)) * math.log(10)) if log10_size else 17
    if certain < 1:
        return f"{'-' if sign < 0 else ''}10^({fmt(log10_size, digits)})"
    digits = max(1, min(digits, math.floor(certain)))
    exponent = math.floor(log10_size)
    mantissa = 10.0 ** (log10_size - exponent)
    # "2.500", "+00"; 9.9995 rounded up to the next power of ten: "1.000", "+01". Its
    # trailing zeros kept, as `fmt` keeps them, unless it is exactly the shorter decimal
    text, shift = f"{mantissa:.{digits - 1}e}".split("e")
    if float(f"{mantissa:.{digits}g}") == mantissa and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{'-' if sign < 0 else ''}{text}e{exponent + int(shift):+d}"


def fmt_log_quotient(num: float, den: float, digits: int = 4, times: float = 1.0) -> str:
    """``num / den`` (times ``times``) from logarithms, as `fmt_log10` writes it: for a
    quotient beyond the largest double (-b/w at b = 1, w = 1e-310 is -1e+310). ``num``,
    ``den`` and ``times`` non-zero and finite."""
    sign = math.copysign(1.0, num) * math.copysign(1.0, den) * math.copysign(1.0, times)
    return fmt_log10(sign, math.log10(abs(num)) - math.log10(abs(den))
                     + math.log10(abs(times)), digits)


def tex_number(value: float, digits: int = 4) -> str:
    """`fmt` for LaTeX: exponents as powers of ten."""
    return tex_text(fmt(value, digits))


def tex_text(text: str) -> str:
    """A number written by `fmt` or `fmt_log10`, for LaTeX: exponents as powers of ten."""
    if text == "overflow":
        return r"\text{overflow}"
    if "^(" in text:  # a power of ten whose exponent is itself large (`fmt_log10`)
        sign, exponent = text.removesuffix(")").split("10^(")
        return f"{sign}10^{{{tex_text(exponent)}}}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def fmt_printed(value: float | None) -> str:
    """A figure as a book printed it (``%g``: its own digits), or "—" where it printed none."""
    return "—" if value is None else f"{value:g}"


def other_weights(count: int) -> str:
    """The weights a formula leaves out, in words: "the last weight", "the other 27 weights"."""
    return "the last weight" if count == 1 else f"the other {count:,} weights"


def fmt_paren(value: float, digits: int = 4) -> str:
    """A number (`fmt`) for use after an operator: negative numbers in parentheses, so that
    "+ -1.5" reads "+ (-1.5)"."""
    text = fmt(value, digits)
    return f"({text})" if text.startswith("-") else text


def tex_paren(value: float, digits: int = 4) -> str:
    """A number for use inside a product: negative numbers in parentheses."""
    text = tex_number(value, digits)
    return f"({text})" if text.startswith("-") else text


def link_number(value: float) -> str:
    """A number as a link holds it: the shortest text that reads back as the same float.

    0.1, 2.197, 1e-05, 100000: as a person would type it, and exact; -0 as 0 (a link read
    "l2=-0" after -0 was typed, a walk).
    """
    text = repr(float(value) + 0.0)  # -0.0 + 0.0 is 0.0
    return text[:-2] if text.endswith(".0") else text


def join_and(items, sep: str = ", ") -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"`` (items apart by ``sep`` but the last two)."""
    items = list(items)
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + " and " + items[-1]


#: Characters of a user's name a widget's help gives in full, and names it gives at most
#: (`full_names_help`).
FULL_NAME_MAX, FULL_NAMES_SHOWN = 500, 10


def full_names_help(pairs, lead: str = "") -> str | None:
    """A widget's help (Markdown) giving in full each user's name its label or options show
    cut: ``pairs`` of (the text shown, the whole name), a pair counted cut where its text
    holds "…" and not the whole name; after ``lead``; None where nothing is cut and there is
    no lead. Titles and selectors cap a name at 30 to 60 characters, and an upload's
    77-character names were nowhere whole but in the file's preview (a review)."""
    lines = [f"{md_escape(shown)}: {md_escape(name, FULL_NAME_MAX)}" for shown, name in pairs
             if "…" in shown and " ".join(str(name).split()) not in shown]
    if not lines:
        return lead or None
    if len(lines) > FULL_NAMES_SHOWN:
        lines = [*lines[:FULL_NAMES_SHOWN], f"and {len(lines) - FULL_NAMES_SHOWN:,} more"]
    return (f"{lead}\n\n" if lead else "") + "In full:  \n" + "  \n".join(lines)


def first_of(items, shown: int, sep: str = ", ") -> str:
    """At most ``shown`` of the items as a sentence lists them, then how many more: "a",
    "a and b", "a, b and c", and past ``shown`` "a, b, c and 1,231 more" (the count written
    as sentences write counts); "" for none. ``sep`` parts items that hold a comma themselves
    ("row 6, x; row 7, x and 2 more").

    One way for every such list: four were written apart, two without the "and" ("for w[a],
    w[b]"), one with its count in brackets after a list already ended with "and" ("row 6, x,
    row 7, x and row 8, x (and 2 more)").
    """
    items = [str(item) for item in items]
    if not items:
        return ""
    if len(items) <= shown:
        return join_and(items, sep)
    more = f"{len(items) - shown:,} more"
    return f"{sep.join(items[:shown])} and {more}" if shown > 0 else more


#: A grid's format for a count, written as sentences write counts (`plural`: "2,000"):
#: Streamlit's printf format takes "," for the thousands separator.
COUNT_FORMAT = "%,d"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 step"``, ``"2 steps"``, ``"10,000 steps"``."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"
