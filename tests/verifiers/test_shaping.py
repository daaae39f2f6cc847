"""Length and repetition shaping against the published formulas, worked by hand.

Sources: DAPO (Yu et al. 2025, arXiv:2503.14476, Eq. 13, L_max = 20480 and L_cache = 4096
in the paper's runs); Kimi 1.5 (Kimi Team 2025, arXiv:2501.12599, §2.3.3 "Length Penalty");
open-r1 ``src/open_r1/rewards.py`` (``get_cosine_scaled_reward``, ``len_reward``,
``get_repetition_penalty_reward``).  Each table row is worked out by hand; each formula is
also written out below as the paper states it and compared on a grid.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reward_server.verifiers.shaping import (
    APPROXIMATION,
    ShapingOptionError,
    completion_length,
    cosine_scaled,
    cosine_scaled_reward,
    group_length_penalty,
    group_length_rewards,
    ngram_repetition,
    overlong_penalty,
    repetition_penalty,
    soft_overlong_penalty,
)

SQRT_HALF = math.sqrt(2) / 2

# --- DAPO Eq. 13 ----------------------------------------------------------------------------


def dapo_eq13(length: int, l_max: int, l_cache: int) -> float:
    """R_length(y) as printed in the DAPO paper."""
    if length <= l_max - l_cache:
        return 0.0
    if length <= l_max:
        return ((l_max - l_cache) - length) / l_cache
    return -1.0


@pytest.mark.parametrize(
    ("length", "max_len", "buffer", "factor", "expected"),
    [
        (0, 20480, 4096, 1.0, 0.0),
        (16384, 20480, 4096, 1.0, 0.0),  # L_max - L_cache: still free
        (16385, 20480, 4096, 1.0, -1 / 4096),
        (18432, 20480, 4096, 1.0, -0.5),  # half-way into the buffer
        (20480, 20480, 4096, 1.0, -1.0),
        (20481, 20480, 4096, 1.0, -1.0),
        (99999, 20480, 4096, 1.0, -1.0),
        (18432, 20480, 4096, 0.5, -0.25),  # verl's overlong_buffer.penalty_factor
        (90, 100, 20, 1.0, -0.5),
        (85, 100, 20, 1.0, -0.25),
        (100, 100, 100, 1.0, -1.0),  # the whole range is buffer
        (0, 100, 100, 1.0, 0.0),
    ],
)
def test_overlong_worked_values(
    length: int, max_len: int, buffer: int, factor: float, expected: float
) -> None:
    assert overlong_penalty(length, max_len=max_len, buffer=buffer, factor=factor) == pytest.approx(
        expected, abs=1e-12
    )


def test_overlong_equals_eq13_on_a_grid() -> None:
    for max_len, buffer in ((20480, 4096), (1000, 200), (64, 1), (10, 10)):
        for length in range(0, max_len + 3 * buffer, max(1, max_len // 997)):
            assert overlong_penalty(length, max_len=max_len, buffer=buffer) == pytest.approx(
                dapo_eq13(length, max_len, buffer), abs=1e-12
            )


# --- open-r1 cosine-scaled reward -----------------------------------------------------------


def open_r1_cosine(gen_len: int, is_correct: bool, max_len: int = 1000) -> float:
    """open-r1's cosine_scaled_reward body with its default values."""
    min_value_wrong, max_value_wrong, min_value_correct, max_value_correct = -1.0, -0.5, 0.5, 1.0
    progress = gen_len / max_len
    cosine = math.cos(progress * math.pi)
    if is_correct:
        min_value, max_value = min_value_correct, max_value_correct
    else:
        min_value, max_value = max_value_wrong, min_value_wrong
    return min_value + 0.5 * (max_value - min_value) * (1.0 + cosine)


@pytest.mark.parametrize(
    ("length", "correct", "expected"),
    [
        (0, True, 1.0),
        (250, True, 0.5 + 0.25 * (1 + SQRT_HALF)),
        (500, True, 0.75),
        (1000, True, 0.5),
        (0, False, -1.0),  # a short wrong answer loses the most
        (500, False, -0.75),
        (750, False, -0.5 - 0.25 * (1 - SQRT_HALF)),
        (1000, False, -0.5),
        (2000, True, 0.5),  # clamped at max_len (open-r1 would wrap back to 1.0)
        (3000, False, -0.5),
    ],
)
def test_cosine_worked_values(length: int, correct: bool, expected: float) -> None:
    assert cosine_scaled(length, correct) == pytest.approx(expected, abs=1e-12)


def test_cosine_equals_open_r1_within_max_len() -> None:
    for length in range(0, 1001):
        for correct in (True, False):
            assert cosine_scaled(length, correct) == pytest.approx(
                open_r1_cosine(length, correct), abs=1e-12
            )


def test_cosine_options() -> None:
    assert cosine_scaled(
        50, True, max_len=100, min_value_correct=0.0, max_value_correct=2.0
    ) == pytest.approx(1.0)
    assert cosine_scaled(
        0, False, max_len=100, min_value_wrong=-3.0, max_value_wrong=0.0
    ) == pytest.approx(-3.0)


# --- Kimi 1.5 group length reward -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lengths", "correct", "expected"),
    [
        ([100, 200, 300], [True, True, False], [0.5, 0.0, -0.5]),
        ([100, 200, 300], [False, False, True], [0.0, 0.0, -0.5]),
        ([10, 40, 20, 30], [True] * 4, [0.5, -0.5, 1 / 6, -1 / 6]),
        ([50, 50], [True, False], [0.0, 0.0]),  # all the same length
        ([7], [True], [0.0]),
        ([], [], []),
    ],
)
def test_group_length_worked_values(
    lengths: list[int], correct: list[bool], expected: list[float]
) -> None:
    assert group_length_rewards(lengths, correct) == pytest.approx(expected, abs=1e-12)


# --- open-r1 repetition penalty -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n", "max_penalty", "expected"),
    [
        ("a b c a b c", 3, -1.0, -0.25),  # 4 trigrams, 3 distinct
        ("the cat sat on the mat", 3, -1.0, 0.0),
        ("go go go go go", 2, -1.0, -0.75),  # 4 bigrams, 1 distinct
        ("go go go go go", 2, -0.5, -0.375),
        ("Hello hello HELLO", 1, -1.0, -2 / 3),  # lowercased
        ("A b", 3, -1.0, 0.0),  # fewer words than n
        ("", 3, -1.0, 0.0),
        ("x y x y x y", 2, 0.0, 0.0),
        (
            "one\ntwo\tone  two one two",
            2,
            -1.0,
            -0.6,
        ),  # any whitespace splits; 5 bigrams, 2 distinct
    ],
)
def test_repetition_worked_values(text: str, n: int, max_penalty: float, expected: float) -> None:
    assert ngram_repetition(text, n=n, max_penalty=max_penalty) == pytest.approx(
        expected, abs=1e-12
    )


def test_repetition_scope() -> None:
    loop = "<think>" + "I am stuck. " * 50
    assert repetition_penalty(loop).value < -0.9
    answer_only = repetition_penalty(loop, scope="answer")
    assert (answer_only.value, answer_only.details["reason"]) == (0.0, "no_answer")
    mixed = "<think>" + "again and " * 30 + "</think>A short distinct answer here."
    assert repetition_penalty(mixed, scope="answer").value == 0.0
    assert repetition_penalty(mixed).value < -0.5
    assert repetition_penalty("a b c a b c<|im_end|>").value == -0.25  # the token is not a word


# --- lengths and details --------------------------------------------------------------------


def test_given_token_count_wins() -> None:
    shaped = soft_overlong_penalty("short", max_len=100, buffer=20, completion_tokens=90)
    assert shaped.value == -0.5
    assert shaped.details["length"] == 90 and shaped.details["length_source"] == "given"


def test_approximation_is_stated() -> None:
    length = completion_length("abcdefghi")  # 9 bytes
    assert (length.tokens, length.source) == (3, "approx")
    details = cosine_scaled_reward("日本", True, max_len=10).details  # 6 bytes
    assert details["length"] == 2 and details["approximation"] == APPROXIMATION


def test_unloadable_tokenizer_falls_back_and_says_why() -> None:
    length = completion_length("abcd", tokenizer="/nonexistent/tokenizer-dir")
    assert (length.tokens, length.source) == (1, "approx")
    assert "tokenizer_error" in length.details()


def test_named_tokenizer_counts(tmp_path) -> None:
    tokenizers = pytest.importorskip("tokenizers")
    vocab = {"[UNK]": 0, "the": 1, "cat": 2}
    model = tokenizers.models.WordLevel(vocab, unk_token="[UNK]")
    tok = tokenizers.Tokenizer(model)
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    path = tmp_path / "tokenizer.json"
    tok.save(str(path))
    length = completion_length("the cat sat on the mat", tokenizer=str(path))
    assert (length.tokens, length.source) == (6, "tokenizer")
    assert length.details()["tokenizer"] == str(path)


def test_group_penalty_details() -> None:
    shaped = group_length_penalty(
        ["a", "b", "c"], [True, False, True], completion_tokens=[10, 20, 30]
    )
    assert [s.value for s in shaped] == [0.5, 0.0, -0.5]
    assert shaped[1].details == {
        "length": 20,
        "length_source": "given",
        "group_size": 3,
        "group_min": 10,
        "group_max": 30,
        "correct": False,
    }
    mixed = group_length_penalty(["abcd" * 10, "abcd"], [True, True], completion_tokens=[None, 5])
    assert [s.details["length_source"] for s in mixed] == ["approx", "given"]


@pytest.mark.parametrize(
    "call",
    [
        lambda: overlong_penalty(1, max_len=10, buffer=11),
        lambda: overlong_penalty(1, max_len=0, buffer=0),
        lambda: overlong_penalty(1, max_len=10, buffer=2, factor=math.nan),
        lambda: cosine_scaled(1, True, max_len=0),
        lambda: cosine_scaled(1, True, min_value_correct=math.inf),
        lambda: group_length_rewards([1, 2], [True]),
        lambda: group_length_penalty(["a"], [True], completion_tokens=[1, 2]),
        lambda: ngram_repetition("a b", n=0),
        lambda: ngram_repetition("a b", max_penalty=0.5),
        lambda: repetition_penalty("a b", scope="reasoning"),  # type: ignore[arg-type]
        lambda: completion_length("a", completion_tokens=-1),
        lambda: completion_length("a", completion_tokens=True),
    ],
)
def test_options_out_of_domain_raise(call) -> None:
    with pytest.raises(ShapingOptionError):
        call()


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    length=st.integers(min_value=-10, max_value=10**6),
    max_len=st.integers(min_value=1, max_value=10**5),
    buffer_share=st.floats(min_value=0.001, max_value=1.0),
    factor=st.floats(min_value=0.01, max_value=10),
)
def test_overlong_range(length: int, max_len: int, buffer_share: float, factor: float) -> None:
    buffer = max(1, int(max_len * buffer_share))
    value = overlong_penalty(length, max_len=max_len, buffer=buffer, factor=factor)
    assert -factor <= value <= 0.0


@settings(max_examples=300, deadline=None)
@given(
    length=st.integers(min_value=-10, max_value=10**6),
    correct=st.booleans(),
    max_len=st.integers(min_value=1, max_value=10**5),
    values=st.lists(st.floats(min_value=-5, max_value=5), min_size=4, max_size=4),
)
def test_cosine_range(length: int, correct: bool, max_len: int, values: list[float]) -> None:
    a, b, c, d = values
    value = cosine_scaled(
        length,
        correct,
        max_len=max_len,
        min_value_wrong=a,
        max_value_wrong=b,
        min_value_correct=c,
        max_value_correct=d,
    )
    ends = (c, d) if correct else (a, b)
    assert min(ends) <= value <= max(ends)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), st.booleans()), max_size=32))
def test_group_range(rows: list[tuple[int, bool]]) -> None:
    values = group_length_rewards([r[0] for r in rows], [r[1] for r in rows])
    assert len(values) == len(rows)
    assert all(-0.5 <= v <= 0.5 for v in values)
    assert all(v <= 0.0 for v, (_, ok) in zip(values, rows) if not ok)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=400),
    n=st.integers(min_value=1, max_value=6),
    max_penalty=st.floats(min_value=-10, max_value=0),
    scope=st.sampled_from(["completion", "answer"]),
    tokens=st.none() | st.integers(min_value=0, max_value=10**5),
)
def test_any_text_stays_in_range_and_is_deterministic(
    text: str, n: int, max_penalty: float, scope: str, tokens: int | None
) -> None:
    rep = repetition_penalty(text, n=n, max_penalty=max_penalty, scope=scope)  # type: ignore[arg-type]
    assert max_penalty <= rep.value <= 0.0
    assert repetition_penalty(text, n=n, max_penalty=max_penalty, scope=scope) == rep  # type: ignore[arg-type]
    over = soft_overlong_penalty(text, max_len=100, buffer=50, completion_tokens=tokens)
    assert -1.0 <= over.value <= 0.0
    cos = cosine_scaled_reward(text, bool(n % 2), completion_tokens=tokens)
    assert -1.0 <= cos.value <= 1.0
    assert cosine_scaled_reward(text, bool(n % 2), completion_tokens=tokens) == cos
