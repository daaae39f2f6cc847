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


# --- issue 9: the parts behind each class -------------------------------------------------


def test_proof_ladder_refutes_numerically_and_accepts_only_proofs() -> None:
    from reward_server.verifiers.math.symbolic import _proven_zero

    x = to_sympy("x")
    assert _proven_zero(to_sympy("\\sqrt{3+2\\sqrt{2}}") - to_sympy("1+\\sqrt{2}"))
    assert _proven_zero(to_sympy("e^{i\\pi/3}") - to_sympy("\\frac{1}{2}+\\frac{\\sqrt{3}}{2}i"))
    assert not _proven_zero(to_sympy("\\ln(1+10^{-90})"))
    assert not _proven_zero(to_sympy("2^{\\frac{1}{2^{1000}}}") - 1)  # degree 2^1000: no minpoly
    assert not _proven_zero(x + to_sympy("10^{-50}") - x + to_sympy("10^{-50}"))
    assert scalars_equal(Scalar("x"), Scalar("x + 10^{-50}")) == (False, "exact")


def test_juxtaposition_multiplies_and_mixed_numbers_need_a_proper_fraction() -> None:
    assert to_sympy("2(3)") == 6 and to_sympy("(2)(3)") == 6
    assert to_sympy("2\\frac{1}{2} + x") == to_sympy("x + \\frac{5}{2}")
    assert to_sympy("2\\frac{3}{2}") == 3
    assert read_value("4 1/2", None) == Scalar("4 1/2", Fraction(9, 2))
    assert read_literal("2\\frac{3}{2}") is None
    for improper in ("11 7/6", "4 4/0"):
        with pytest.raises(ValueError, match="mixed"):
            read_value(improper, None)


def test_odd_roots_of_negative_reals_are_real() -> None:
    assert to_sympy("\\sqrt[3]{-8}") == -2
    assert to_sympy("(-8)^{\\frac{2}{3}}") == 4
    assert to_sympy("(-8)^{-1/3}") == to_sympy("-\\frac{1}{2}")
    assert to_sympy("(-4)^{1/2}") == to_sympy("2i")  # even roots stay complex


def test_over_escaped_latex_is_read_once() -> None:
    from reward_server.verifiers.math.normalise import undo_escaping

    assert undo_escaping("\\\\frac{1}{2}") == "\\frac{1}{2}"
    assert undo_escaping("\\\\dfrac{2}{3} + \\frac{1}{72}") == "\\dfrac{2}{3} + \\frac{1}{72}"
    matrix = "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"
    assert undo_escaping(matrix) == matrix  # a row break is no escaped command
    assert normalise("x_{1}=1,\\quadx_{2}=2") == "x_{1}=1, x_{2}=2"


@pytest.mark.parametrize(
    ("text", "clock", "meridiem"),
    [("18:05", 65100, False), ("18:05:00", 65100, False), ("6:05 p.m.", 65100, True)],
)
def test_clock_times(text: str, clock: int, meridiem: bool) -> None:
    from reward_server.verifiers.math.values import Ratio

    value = read_value(text, None)
    assert isinstance(value, Ratio) and (value.clock, value.meridiem) == (clock, meridiem)


def test_ratios_and_times_compare_by_kind() -> None:
    from reward_server.verifiers.math.compare import compare

    def equal(gold: str, answer: str) -> bool:
        return compare(read_value(gold, None), read_value(answer, None))[0]

    assert equal("1:2", "2:4") and equal("1:2", "\\frac12") and equal("\\frac12", "1:2")
    assert not equal("3:00", "9:00") and not equal("12:00", "1:00")
    assert not equal("5:0", "3:0") and not equal("3:0", "3:0")
    assert equal("18:05", "6:05 p.m.") and not equal("6:05", "6:05 p.m.")


def test_real_sets_solve_differences_and_inequalities() -> None:
    from reward_server.verifiers.math.realsets import as_realset, realsets_equal

    def read(text: str):  # noqa: ANN202 - a test helper
        return read_value(text, None)

    assert realsets_equal(read("x \\le 3"), read("-2x \\ge -6")) == (True, "intervals")
    assert realsets_equal(read("(-3, 3)"), read("|x| < 3")) == (True, "intervals")
    union = read("[-\\frac32, -1] \\cup [1, \\frac32]")
    assert realsets_equal(union, read("1 \\le |z| \\le \\frac32")) == (True, "intervals")
    rays = read("(-\\infty, 1) \\cup (1, \\infty)")
    assert realsets_equal(rays, read("\\mathbb{R} \\setminus \\{1\\}")) == (True, "intervals")
    assert as_realset(read("\\sin x > 0")) is None  # not solved: compared as written
    assert realsets_equal(read("5"), read("x > 5")) is None  # no set of reals


def test_boxes_join_into_one_list() -> None:
    from reward_server.verifiers.math.check import join_boxes

    assert join_boxes(["(2, 2)", "(6, 2)"]) == "(2, 2), (6, 2)"
    assert join_boxes(["4", "4"]) == "4"
    assert join_boxes(["x = 1, y = 2", "x = 3, y = 4"]) == "x = 1, y = 2; x = 3, y = 4"


def test_answers_equal_is_the_policy_on_bare_answers() -> None:
    from reward_server.verifiers.math import answers_equal

    assert answers_equal("\\frac12", "x = 0.5")
    assert answers_equal("y = 4, b = 7", "b = 7, y = 4")
    assert not answers_equal("y = 4, b = 7", "7, 4")
    assert not answers_equal("3:00", "9:00")
    assert not answers_equal("\\frac{", "1")  # an unreadable reference is never equal
    assert not answers_equal("1", "9^{9^{9}}")  # nor a refused answer
