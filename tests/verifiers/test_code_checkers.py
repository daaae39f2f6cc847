"""Output checkers: whole outputs compared, never truncated to the shorter one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reward_server.verifiers.code.checkers import CHECKERS, checker, floats_equal, tokens_equal

CASES = [
    # (checker, output, expected, equal)
    ("tokens", "1 2 3\n", "1 2 3", True),
    ("tokens", "1\r\n2\r\n3\r\n", "1 2 3", True),
    ("tokens", "  1   2\t3  \n\n", "1\n2\n3\n", True),
    ("tokens", "1 2", "1 2 3", False),  # a prefix is not enough
    ("tokens", "1 2 3 4", "1 2 3", False),  # nor is extra output
    ("tokens", "", "", True),
    ("tokens", "", "0", False),
    ("tokens", "Yes", "YES", False),
    ("tokens", "12", "1 2", False),
    ("case_insensitive", "Yes\n", "YES", True),
    ("case_insensitive", "STRASSE", "straße", True),
    ("case_insensitive", "yes no", "YES", False),
    ("lines", "a b\nc\n", "a b\nc", True),
    ("lines", "a b  \nc\n\n\n", "a b\nc", True),
    ("lines", "a\r\nb\r\n", "a\nb\n", True),
    ("lines", "a b\nc", "a\nb c", False),  # same tokens, other lines
    ("lines", "a\n\nb", "a\nb", False),
    ("lines", "a\nb", "a\nb\nc", False),
    ("exact", "a b\n", "a b", True),
    ("exact", "a b\r\n", "a b\n", True),
    ("exact", "a  b", "a b", False),
    ("exact", "a b ", "a b", False),
    ("float", "0.3333333", "0.333333333", True),
    ("float", "1e-9", "0", True),
    ("float", "1000000.1", "1000000", True),  # relative
    ("float", "0.34", "0.333333", False),
    ("float", "1.0 2.0", "1.0", False),
    ("float", "nan", "nan", True),
    ("float", "inf", "1e400", False),  # "inf" is not a numeric token here
    ("float", "1e400", "1e400", True),
    ("float", "1e400", "1e399", False),
    ("float", "1.0000000001e400", "1e400", True),
    ("float", "abc", "abc", True),
    ("float", "abc", "abd", False),
    ("float", "1_000", "1000", False),
]


@pytest.mark.parametrize(("name", "output", "expected", "equal"), CASES)
def test_checker_cases(name, output, expected, equal):
    assert checker(name)(output, expected) is equal


def test_float_tolerance_is_configurable():
    assert checker("float", 1e-2)("3.14", "3.1416")
    assert not checker("float", 1e-6)("3.14", "3.1416")


def test_unknown_checker():
    with pytest.raises(ValueError):
        checker("fuzzy")


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(output=text, expected=text, name=st.sampled_from(CHECKERS))
def test_checkers_never_raise_and_answer_a_bool(output, expected, name):
    assert checker(name)(output, expected) in (True, False)


@given(expected=text, name=st.sampled_from(CHECKERS))
def test_every_checker_accepts_the_expected_output_itself(expected, name):
    assert checker(name)(expected, expected)


@given(
    tokens=st.lists(st.from_regex(r"[A-Za-z0-9.+-]{1,8}", fullmatch=True), min_size=1, max_size=20),
    cut=st.integers(min_value=0, max_value=19),
)
def test_a_strict_prefix_never_passes(tokens, cut):
    cut = min(cut, len(tokens) - 1)
    output, expected = " ".join(tokens[:cut]), " ".join(tokens)
    assert not tokens_equal(output, expected)
    assert not floats_equal(output, expected)


@given(
    a=st.floats(allow_nan=False, allow_infinity=False, width=32),
    b=st.floats(allow_nan=False, allow_infinity=False, width=32),
)
def test_float_checker_is_consistent_with_the_tolerance(a, b):
    close = abs(a - b) <= 1e-6 or abs(a - b) <= 1e-6 * abs(b)
    assert floats_equal(repr(a), repr(b)) is close
