"""The math verifier's parts, one concept each: extraction, normalisation, the exact fast
path, the guards, the LaTeX front end, scalar equality and the gold cache."""

from __future__ import annotations

import sys
from fractions import Fraction

import pytest

from reward_server.verifiers.math import check_math
from reward_server.verifiers.math.extract import extract_answer, find_boxes
from reward_server.verifiers.math.guards import check_text, check_tree
from reward_server.verifiers.math.latex import LatexError, parse_expression
from reward_server.verifiers.math.normalise import is_prose, normalise
from reward_server.verifiers.math.numbers import read_literal, words_to_number
from reward_server.verifiers.math.parse import _read_gold_cached, read_gold, read_value
from reward_server.verifiers.math.symbolic import scalars_equal, to_sympy
from reward_server.verifiers.math.values import (
    GuardTripped,
    Interval,
    Items,
    Relation,
    Scalar,
    Text,
)

# --- extraction ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "boxes", "unclosed"),
    [
        ("\\boxed{1} and \\boxed{\\frac{1}{2}}", ["1", "\\frac{1}{2}"], False),
        ("\\boxed{\\{1, 2\\}}", ["\\{1, 2\\}"], False),  # escaped braces do not count
        ("\\fbox{x}", ["x"], False),
        ("\\boxed{\\boxed{3}}", ["\\boxed{3}"], False),  # outermost only
        ("\\boxed 7.", ["7"], False),
        ("\\boxed{1} \\boxed{2", ["1"], True),
        ("no box", [], False),
    ],
)
def test_find_boxes(text: str, boxes: list[str], unclosed: bool) -> None:
    assert find_boxes(text) == (boxes, unclosed)


def test_extraction_methods_and_reasons() -> None:
    assert extract_answer("<think>\\boxed{1}</think>\\boxed{2}").answers == ("2",)
    assert extract_answer("<think>\\boxed{1}").reason.startswith("think block never closed")
    assert extract_answer("r</think> \\boxed{2}", prefilled=True).answers == ("2",)
    hedge = extract_answer("\\boxed{3} or \\boxed{4}")
    assert hedge.hedged and hedge.answers == ("3", "4")
    same = extract_answer("\\boxed{3}. Again: \\boxed{ 3 }")
    assert not same.hedged and same.answers == ("3",)
    assert extract_answer("The final answer is $\\frac{1}{2}$. I hope it is correct.").answers == (
        "\\frac{1}{2}",
    )
    assert extract_answer("**Final Answer**\n\n$24$").method == "anchored phrase"
    assert extract_answer("The answer is 5. Then 2 + 3 = 5 again.").answers == ()
    assert extract_answer("so we get 5").answers == ()
    assert extract_answer("$\\frac{1}{3}$").method == "whole answer"


def test_extraction_is_linear_on_huge_inputs() -> None:
    # Not a timing assertion: these would take minutes if any scan were quadratic.
    assert extract_answer("\\boxed{" * 30_000).reason == "unclosed \\boxed{"
    assert extract_answer("The answer is " * 10_000).answers == ()
    assert len(find_boxes("\\boxed{1}" * 20_000)[0]) == 20_000


# --- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$\\dfrac{1}{2}$", "\\frac{1}{2}"),
        ("\\frac12", "\\frac{1}{2}"),
        ("\\left( 1, 2 \\right]", "( 1, 2 ]"),
        ("1{,}250", "1250"),
        ("1\\,250\\,000", "1250000"),
        ("\\$12.50", "12.50"),
        ("20\\%", "20"),
        ("30^{\\circ}", "30"),
        ("15\\text{ cm}^2", "15"),
        ("5\\,\\mathrm{m}", "5"),
        ("7 apples.", "7"),
        ("twenty-five", "25"),
        ("x \\leq 3", "x \\le 3"),
        ("3 \\mathrm{i}", "3 i"),  # a text-type i is the imaginary unit, not a unit
        ("\\cos 60^\\circ", "\\cos(\\frac{60\\pi}{180})"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_number_words_and_prose() -> None:
    assert words_to_number("one hundred and five") == 105
    assert words_to_number("three thousand two hundred") == 3200
    assert words_to_number("three apples") is None
    assert is_prose("Monday") and is_prose("yes")
    assert not is_prose("x^2 + 1") and not is_prose("\\sin x") and not is_prose("5")


# --- the exact fast path ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "decimal"),
    [
        ("-17", Fraction(-17), False),
        ("2.50", Fraction(5, 2), True),
        (".5", Fraction(1, 2), True),
        ("\\frac{-3}{4}", Fraction(-3, 4), False),
        ("7/3", Fraction(7, 3), False),
        ("-1\\frac{1}{3}", Fraction(-4, 3), False),
        ("2.5\\cdot 10^{-3}", Fraction(1, 400), True),
        ("1.5e6", Fraction(1_500_000), True),
        ("0.1\\overline{6}", Fraction(1, 6), False),
        ("1011_2", Fraction(11), False),
    ],
)
def test_read_literal(text: str, value: Fraction, decimal: bool) -> None:
    literal = read_literal(text)
    assert literal is not None and literal.value == value and literal.decimal == decimal


def test_read_literal_refuses_what_is_not_a_plain_number() -> None:
    assert read_literal("\\sqrt{2}") is None
    assert read_literal("x") is None
    assert read_literal("1/0") is None
    with pytest.raises(GuardTripped):
        read_literal("9" * 5000)
    with pytest.raises(GuardTripped):
        read_literal("1e99999")


def test_fast_path_needs_no_sympy() -> None:
    code = (
        "import sys\n"
        "from reward_server.verifiers.math import check_math\n"
        "assert check_math('<think>r</think> \\\\boxed{1{,}250}', '1250').score == 1.0\n"
        "assert check_math('\\\\boxed{0.333}', '\\\\frac13').score == 0.0\n"
        "print('sympy' in sys.modules, 'latex2sympy2_extended' in sys.modules)\n"
    )
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- guards and the LaTeX front end -------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["9^{9^{9}}", "2^{10^9}", "10!!!!!!", "e^{e^{e^{100}}}", "(x+1)^{10^6}", "3000!"]
)
def test_tree_guard_refuses_before_evaluation(text: str) -> None:
    tree = parse_expression(text)  # unevaluated: parsing itself is cheap
    with pytest.raises(GuardTripped):
        check_tree(tree)


@pytest.mark.parametrize("text", ["2^{64}", "20!", "e^{i\\pi/3}", "x^{100}", "\\frac{1}{2^{99}}"])
def test_tree_guard_lets_ordinary_values_through(text: str) -> None:
    check_tree(parse_expression(text))


@pytest.mark.parametrize(
    "text", ["(" * 20 + "1" + ")" * 20, "x" * 700, "\\sum_{i=1}^{n} i", "\\binom{100000}{5}"]
)
def test_text_guard(text: str) -> None:
    with pytest.raises(GuardTripped):
        check_text(text)


def test_latex_front_end_reads_decimals_exactly_and_rejects_junk() -> None:
    import sympy

    assert parse_expression("0.1") == sympy.Rational(1, 10)  # never a binary float
    assert to_sympy("{x}^{2}+2x+1") == to_sympy("x^2+2x+1")
    with pytest.raises(LatexError):
        parse_expression("3+")
    with pytest.raises(LatexError):
        parse_expression("1, 2")  # structure is ours, not the library's


# --- scalar equality ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "answer", "equal", "method"),
    [
        ("\\frac{1}{8}", "0.125", True, "exact"),
        ("\\frac{1}{3}", "0.333", False, "exact"),
        ("\\pi", "3.14159265358979323846264338327950288", False, "proof"),
        ("\\sqrt{2}", "\\frac{2}{\\sqrt{2}}", True, "structural"),
        ("1+\\sqrt{2}", "\\sqrt{3+2\\sqrt{2}}", True, "proof"),
        ("\\frac{1}{2^{98}}", "\\frac{1}{2^{99}}", False, "exact"),
        ("(x+1)^2", "x^2+2x+1", True, "random points"),
        ("|x|", "x", False, "random points"),
        ("\\sin(2x)", "2\\sin x \\cos x", True, "random points"),
    ],
)
def test_scalars_equal(gold: str, answer: str, equal: bool, method: str) -> None:
    g, a = read_value(gold, None), read_value(answer, None)
    assert isinstance(g, Scalar) and isinstance(a, Scalar)
    assert scalars_equal(g, a) == (equal, method)


# --- structure and the gold cache -----------------------------------------------------------


def test_structure_is_read_in_the_light_of_the_gold() -> None:
    assert isinstance(read_value("3,100,200", read_value("1, 2, 3", None)), Items)
    assert read_value("3,100,200", read_value("5", None)) == Scalar("3100200", Fraction(3100200))
    assert isinstance(read_value("x \\le 3", None), Relation)
    assert isinstance(read_value("\\mathbb{R}", None), Interval)
    assert read_value("\\text{Yes}", None) == Text("yes")


def test_gold_is_parsed_once_per_group() -> None:
    _read_gold_cached.cache_clear()
    gold = "\\frac{\\sqrt{3}}{2}"
    for k in range(16):
        check_math(f"<think>r</think> \\boxed{{\\sin(\\pi/3) + {k} - {k}}}", gold)
    info = _read_gold_cached.cache_info()
    assert (info.misses, info.hits) == (1, 15)
    assert read_gold(gold) is read_gold(gold)


def test_invalid_gold_never_scores_and_says_why() -> None:
    for gold in ("\\frac{", "", "3+", "2^{10^{9}}"):
        outcome = check_math("\\boxed{3}", gold)
        assert outcome.status == "invalid" and outcome.score is None and outcome.message
    assert check_math("\\boxed{3}", "2^{10^{9}}").error_type == "gold_too_complex"
