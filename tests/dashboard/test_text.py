"""User text in Markdown: rendered by a CommonMark parser, it must come out as the same text.

markdown-it-py (test-only) stands in for the browser's renderer here; the browser tests open
the same hostile links in Chromium.
"""

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dashboard.text import fmt, label_escape, link_number, md_escape, percent, tex_number

RENDER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
HOSTILE = [
    "[Reset here](https://evil.example/x)", "https://evil.example", "www.evil.example",
    "mail me@evil.example", "![x](http://127.0.0.1:8619/q.png)",
    "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "**bold** _it_ `code`",
    ":red[red] :material/home:", "$x^2$", "# heading", "1. list", "- item", "> quote",
    "| a | b |", "~~strike~~", "<https://evil.example>", "line\nbreak\r\nand\u2028more",
]


def rendered(markdown: str) -> str:
    return RENDER.render(markdown)


def assert_no_markup(text: str, html: str) -> None:
    """The HTML Markdown made of escaped ``text`` has no element a user's text could open."""
    for tag in ("<a", "<img", "<strong", "<em", "<code", "<h1", "<ol", "<ul", "<blockquote",
                "<table", "<s>", "<script"):
        assert tag not in html, (text, html)


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_plain_text(text):
    html = rendered(f"Ignored: {md_escape(text)}")
    assert_no_markup(text, html)
    # what a reader sees is the text itself (whitespace runs become one space)
    import html as entities

    body = entities.unescape(html.removeprefix("<p>").removesuffix("</p>\n"))
    # what a reader sees: the text (the word joiners that break bare addresses are invisible)
    assert body.replace("\u2060", "") == "Ignored: " + " ".join(text.split())


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=60))
@example("\u2060")
def test_any_text_survives_escaping(text):
    import html as entities

    html = rendered(md_escape(text))
    assert "<a" not in html and "<img" not in html
    shown = entities.unescape(html.replace("<p>", "").replace("</p>\n", "").strip())
    # the word joiners md_escape adds are invisible; so are the reader's own (a hunt in the
    # suite: the text "\u2060" alone read back as "" once joiners were dropped on one side)
    shown, text = shown.replace("\u2060", ""), text.replace("\u2060", "")
    assert shown == " ".join(text.split()).strip() or shown.replace("\n", " ") == " ".join(
        text.split())


def _shown(markdown: str) -> str:
    """What a reader sees of one line of Markdown (the invisible word joiners dropped)."""
    import html as entities

    html = rendered(markdown)
    assert "<a" not in html and "<img" not in html, html
    return entities.unescape(html.replace("<p>", "").replace("</p>\n", "").strip()).replace(
        "\u2060", "")


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=60))
@example("hours_studied")
@example("_x_ a__b 1. x -y a_*b*_c")
@example("1) x")
@example("![a](b) [c](d) a\\(b a\\)c <a href='x'>")
def test_a_label_renders_as_the_text_itself(text):
    """A widget's label drops `md_escape`'s needless backslashes (a screen reader reads them:
    aria-label "hours\\_studied"), and still renders as the text, nothing else."""
    text = text.replace("\u2060", "")
    shown = _shown(label_escape(text))
    assert shown == " ".join(text.split()).strip() or shown.replace("\n", " ") == " ".join(
        text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_label_renders_as_plain_text(text):
    assert_no_markup(text, rendered(f"Ignored: {label_escape(text)}"))


@pytest.mark.parametrize(("name", "label"), [
    ("hours_studied", "hours_studied"), ("petal_length_cm", "petal_length_cm"),
    ("x.1-b", "x.1-b"), ("mean concave points", "mean concave points"),
    ("_x_", "\\_x\\_"), ("a__b", "a\\_\\_b"), ("1. x", "1\\. x"), ("- y", "\\- y"),
    # a walk: "petal width \(cm\)" was read aloud with its backslashes
    ("petal width (cm)", "petal width (cm)"), ("it's \"x\"!", "it's \"x\"!"),
    ("(1) a", "(1) a"), ("12) a", "12\\) a"), ("![a](b)", "!\\[a\\](b)"),
])
def test_a_label_has_a_backslash_only_where_markdown_needs_one(name, label):
    assert label_escape(name) == label


def test_long_text_is_capped():
    assert len(md_escape("x" * 5000, 100)) <= 101


def test_number_formats():
    assert fmt(-0.0) == "0" and fmt(0.249686) == "0.2497" and fmt(-6.602982, 4) == "-6.603"
    assert fmt(float("nan")) == "overflow" and fmt(float("inf")) == "overflow"
    assert tex_number(1.2e-5) == r"1.2 \times 10^{-5}"
    assert link_number(0.1) == "0.1" and link_number(100000.0) == "100000"
    assert float(link_number(0.1 + 0.2)) == 0.1 + 0.2


def test_a_percentage_reads_100_or_0_only_when_it_is():
    """568 of 569 on their label's side rounds to 100%, which would say every sample is."""
    assert percent(568 / 569) == "> 99%" and percent(1 / 569) == "< 1%"
    assert percent(1.0) == "100%" and percent(0.0) == "0%"
    assert percent(94 / 100) == "94%" and percent(1 / 8) == "13%"  # halves up, as JavaScript


def test_a_key_given_twice_in_a_link_is_said_not_dropped_unseen():
    """Found by a walk: ?lr=0.1&lr=5 silently used 5."""
    import streamlit as st

    from dashboard.state import repeated_keys

    class Params:  # what st.query_params answers for ?lr=0.1&lr=5&tab=why
        pairs = (("lr", "0.1"), ("lr", "5"), ("tab", "why"))

        def keys(self):
            return [k for k, _ in self.pairs]

        def get_all(self, key):
            return [v for k, v in self.pairs if k == key]

    assert callable(getattr(st.query_params, "get_all", None))  # Streamlit's own API
    assert repeated_keys(Params()) == [
        "The link gives **lr** 2 times (“0\\.1”, “5”); the last one is used."]

    class Hostile(Params):  # values with line breaks, a heading and a link
        pairs = (("lr", "[x](http://e)\r\n# h"), ("lr", "2"))

    (notice,) = repeated_keys(Hostile())
    assert "\r" not in notice and "\n" not in notice and "](" not in notice, notice
    assert "\\# h”" in notice, notice

    class Unknown(Params):  # a key no setting has: `fields.unknown_keys` names it instead
        pairs = (("a\r\n# h", "1"), ("a\r\n# h", "2"))

    assert repeated_keys(Unknown()) == []


def test_a_size_beyond_the_digits_of_its_log_is_written_as_a_power_of_ten():
    """Found by a walk (the 20 students at η = 1000, λ = 100, step 31): p − y of about
    10^(-1.2e153) was written with an exponent of 154 digits behind a mantissa of 1, which no
    double holds, and a narrow table cut it to read "464910". Reference: the spacing of a
    double by hand (2^(e - 52)), times ln 10, is the mantissa's relative error."""
    from dashboard.text import fmt_log10, tex_text

    size = -1.2088971723431877e153
    assert 2.0 ** (math.floor(math.log2(abs(size))) - 52) * math.log(10) > 10  # no digit
    assert fmt_log10(-1, size) == "-10^(-1.209e+153)"
    assert tex_text(fmt_log10(-1, size)) == r"-10^{-1.209 \times 10^{153}}"
    # at 5e12 the spacing is 2^-10, a relative error of 2.2e-3: two digits of the mantissa
    size = 5e12 + math.log10(3.14159)
    assert 2.0 ** (math.floor(math.log2(size)) - 52) == 2.0**-10
    assert fmt_log10(1, size) == "3.1e+5000000000000"
    assert fmt_log10(-1, -759.538) == "-2.897e-760"  # where every digit is held


@settings(max_examples=200, deadline=None)
@given(value=st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: v != 0))
@example(value=300.0)
@example(value=256.0)  # a power of two: the gap below is half the one above, which is said
def test_the_spacing_said_is_the_larger_gap_between_doubles_there(value):
    """Predict first and step detail say a change of at most half this spacing leaves the
    parameter where it is; by hand, the spacing from the binary exponent, and rounding to
    nearest: a change of more than half of it, either way, is never dropped (so a dropped one
    is at most half of it; at a power of two the gap below is half the one above)."""
    from dashboard.text import spacing_words

    said = spacing_words(value, 4)
    exponent = max(math.frexp(abs(value))[1] - 1, -1022)
    gap = 2.0 ** (exponent - 52)
    assert said == f"that spacing is {fmt(gap, 2)} at {fmt(value, 4)}"
    if 1e-300 < abs(value) < 1e308:  # (gap / 2 is a double)
        more = gap / 2 * (1 + 2.0**-10)
        assert value + more != value and value - more != value


NEAR = [5000.0, 4999.7, 5000.4, 0.5, 0.49996, 0.500004, 1e-5, 1.00002e-5, 9.99996e-6, 100.0,
        99.996, 100.03, 299.98, 12345.678, 6.02214076e23, 1.5e-300]


@pytest.mark.parametrize("digits", range(1, 11))
@pytest.mark.parametrize("value", NEAR + [-v for v in NEAR])
def test_a_number_with_an_exponent_shows_the_digits_asked_for(value, digits):
    """A loss of 4999.7 at 2 digits read "J = 5e+03" (printf's %g drops the trailing zero),
    one significant digit where 2 were asked for. Reference: the exact double rounded to
    ``digits`` significant digits by the decimal module (half to even, as printf), and where
    printf's rule puts an exponent (below 1e-4, or at 10^digits and above), counted by hand.
    A double that is a shorter decimal (its repr: a typed η = 1e-05) reads as typed; in plain
    decimals trailing zeros stay dropped, as the grids' printf drops them."""
    from decimal import ROUND_HALF_EVEN, Context, Decimal

    text = fmt(value, digits)
    rounded = Context(prec=digits, rounding=ROUND_HALF_EVEN).plus(Decimal(value))
    assert Decimal(text) == rounded, (text, rounded)
    exponent = rounded.adjusted()
    assert ("e" in text) == (exponent < -4 or exponent >= digits), text
    mantissa = text.split("e")[0].lstrip("-").replace(".", "").lstrip("0")
    # the digits of the shortest decimal that reads back as the double (Python's repr)
    shortest = repr(abs(value)).split("e")[0].replace(".", "").strip("0")
    if "e" in text and len(shortest) > digits:  # rounded: every digit asked for
        assert len(mantissa) == digits, text
    elif "e" in text:  # the double is that shorter decimal: written as it reads
        assert mantissa == shortest, text


def test_the_examples_read_as_asked():
    assert fmt(4999.7, 2) == "5.0e+03" and fmt(-4999.7, 3) == "-5.00e+03"
    assert fmt(99.996, 2) == "1.0e+02" and fmt(1.00002e-5, 4) == "1.000e-05"
    assert fmt(5000.0, 2) == "5e+03" and fmt(1e-5, 6) == "1e-05" and fmt(0.49996, 4) == "0.5"


def test_two_numbers_that_round_alike_are_not_told_apart_by_their_zeros():
    """5000 and 4999.7 both round to 5.0e+03 at 2 digits (by hand), though `fmt` writes the
    exact one "5e+03": the digits that tell them apart are 5 (5000.0 and 4999.7)."""
    from dashboard.text import apart_digits, fmt_apart

    assert apart_digits(5000.0, 4999.7, 2) == 5
    assert fmt_apart(5000.0, 4999.7, 2) == ("5000.0", "4999.7")


def test_a_size_from_its_log_keeps_its_zeros_as_fmt_does():
    """10^(log10 2.5000001 - 400): 2.500e-400 at 4 digits (a mantissa rounded to 2.5 keeps its
    zeros); 10^-400 exactly reads 1e-400; 9.99996e-400 rounds up to 1.000e-399."""
    from dashboard.text import fmt_log10

    assert fmt_log10(-1, math.log10(2.5000001) - 400, 4) == "-2.500e-400"
    assert fmt_log10(1, -400.0, 4) == "1e-400"
    assert fmt_log10(1, math.log10(9.99996) - 400, 4) == "1.000e-399"
    assert fmt_log10(1, math.log10(9.99996) - 400, 1) == "1e-399"
