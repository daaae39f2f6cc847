"""The math verifier never hangs, never raises, and always answers in range.

Everything here runs ``check_math`` in a separate worker process and waits for each answer
with a timeout, so that a hang fails one test instead of stalling the suite.  The timeout
is a hang detector, not a performance claim (figures live in ``benchmarks/bench_math.py``):
the guards answer every pathological input below in milliseconds.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: Seconds one input may take before we call it a hang (the service's deadline is 2-5 s).
HANG_S = 5.0


def _serve(conn: Any) -> None:
    """Worker loop: score ``(completion, gold, prefilled)`` requests until told to stop."""
    from reward_server.verifiers.math import check_math

    while True:
        request = conn.recv()
        if request is None:
            return
        completion, gold, prefilled = request
        try:
            outcome = check_math(completion, gold, prefilled=prefilled)
            conn.send(("ok", outcome.score, outcome.status, outcome.details, outcome.error_type))
        except BaseException as exc:  # noqa: BLE001 - the property under test: never happens
            conn.send(("raised", repr(exc), None, None, None))


class Worker:
    """One long-lived child process running ``check_math``, restarted after a hang."""

    def __init__(self) -> None:
        self._ctx = mp.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self.conn, child = self._ctx.Pipe()
        self.proc = self._ctx.Process(target=_serve, args=(child,), daemon=True)
        self.proc.start()
        child.close()

    def score(
        self, completion: str, gold: str, prefilled: bool = False, timeout: float = HANG_S
    ) -> tuple:
        self.conn.send((completion, gold, prefilled))
        if not self.conn.poll(timeout):
            self.proc.kill()
            self.proc.join()
            self._start()
            raise AssertionError(
                f"check_math did not answer within {timeout} s: {completion[:80]!r} / {gold[:80]!r}"
            )
        return self.conn.recv()

    def close(self) -> None:
        self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    w = Worker()
    w.score("\\boxed{\\frac{\\sqrt{3}}{2}}", "\\sin(\\pi/3)", timeout=60)  # imports, parser warm-up
    yield w
    w.close()


def _check_answer(result: tuple) -> None:
    kind, score, status, _details, _error_type = result
    assert kind == "ok", result
    assert score in (0.0, 1.0, None)
    assert status in ("ok", "invalid", "timeout"), result  # "error" would be a bug of ours
    assert (score is None) == (status != "ok")


# --- pathological inputs ---------------------------------------------------------------

HUGE = [
    "9^{9^{9}}",
    "2^{10^9}",
    "10!!!!!!",
    "9^{9^{9}}!",
    "\\sqrt{9^{9^{9}}}",
    "(x+1)^{1000000}",
    "x^{2^{100}}",
    "e^{e^{e^{100}}}",
    "\\sin(10^{10^{10}})",
    "10^{10^{10}} - 10^{10^{10}}",
    "\\binom{100000}{50000}",
    "\\binom{10^{9}}{5}",
    "1" * 5000,
    "(" * 200 + "1" + ")" * 200,
    "{" * 500 + "1" + "}" * 500,
    "\\frac{1}{" * 60 + "2" + "}" * 60,
    "\\sqrt{" * 80 + "2" + "}" * 80,
    "2^{2^{2^{2^{2^{2}}}}}",
    "\\sum_{i=1}^{10^{9}} i",
    "\\prod_{k=1}^{10^9} k",
    "-" * 2000 + "1",
    "+".join(["x"] * 3000),
    ",".join(str(i) for i in range(3000)),
    "\\{" * 100 + "1" + "\\}" * 100,
    "1/" * 1000 + "1",
    "x^" * 500 + "2",
    "\\left(" * 100 + "1" + "\\right)" * 100,
]


@pytest.mark.parametrize("expr", HUGE, ids=[f"huge{i}" for i in range(len(HUGE))])
def test_pathological_answer_is_refused_quickly(worker: Worker, expr: str) -> None:
    result = worker.score(f"<think>r</think> \\boxed{{{expr}}}", "5")
    _check_answer(result)
    # Refused by a guard (timeout, no reward) or read and found unequal (0.0): never 1.
    assert (result[1], result[2]) in ((0.0, "ok"), (None, "timeout")), result


@pytest.mark.parametrize("expr", HUGE, ids=[f"huge{i}" for i in range(len(HUGE))])
def test_pathological_gold_is_refused_quickly(worker: Worker, expr: str) -> None:
    result = worker.score("<think>r</think> \\boxed{5}", expr)
    _check_answer(result)
    assert result[1] != 1.0


def test_tower_answer_is_a_timeout_with_guard_reason(worker: Worker) -> None:
    kind, score, status, details, error_type = worker.score("\\boxed{9^{9^{9}}}", "7")
    assert (kind, score, status, error_type) == ("ok", None, "timeout", "too_complex")
    assert details["comparison"] == "guard" and details["reason"].startswith("guard")


def test_pathological_gold_is_invalid_not_scored(worker: Worker) -> None:
    kind, score, status, _, error_type = worker.score("\\boxed{5}", "2^{10^{9}}")
    assert (kind, score, status, error_type) == ("ok", None, "invalid", "gold_too_complex")


@pytest.mark.parametrize(
    "completion",
    [
        "<think>" + "a" * 100_000,  # truncated: no answer
        "<think>r</think>" + "word " * 20_000,  # prose, no anchor
        "<think>r</think>" + "\\boxed{" * 20_000,  # unclosed boxes
        "<think>r</think>\\boxed{" + "1" * 100_000 + "}",  # one huge box
        "<think>r</think>" + "\\boxed{1}" * 12_000,  # many boxes
        "<think>r</think>" + "{" * 50_000 + "}" * 50_000 + "\\boxed{5}",
        "<think>r</think>The answer is " + "1+" * 50_000 + "1",
        "<think>r</think>" + "$" * 100_000,
        "</think>" * 13_000 + "\\boxed{5}",
        "<think>r</think>" + "The answer is 5. " * 6000,
        # inputs that make backtracking regular expressions quadratic or worse
        "<think>r</think>answer" + " " * 100_000,
        "<think>r</think>The answer is" + " " * 100_000 + "5",
        "<think>r</think>The answer is 5" + ". a" * 34_000,
        "<think>r</think>" + "\\boxed 1 " * 12_000,
        "<think>r</think>The answer is 5^" + " " * 100_000 + "\\circ",
        "<think>r</think>\\boxed{5" + " " * 100_000 + "\\text{cm}}",
    ],
    ids=[f"100kB-{i}" for i in range(16)],
)
def test_100kb_completion_answers_quickly(worker: Worker, completion: str) -> None:
    assert len(completion) >= 100_000
    result = worker.score(completion, "5")
    _check_answer(result)
    assert result[2] in ("ok", "timeout"), result  # answered (or refused) well within the deadline


# --- properties ---------------------------------------------------------------------------

TOKENS = [
    "0",
    "1",
    "2",
    "3",
    "7",
    "9",
    "12",
    "0.5",
    "x",
    "y",
    "n",
    "i",
    "e",
    "\\pi",
    "+",
    "-",
    "\\cdot",
    "/",
    "^",
    "_",
    "!",
    "(",
    ")",
    "[",
    "]",
    "\\{",
    "\\}",
    "{",
    "}",
    ",",
    ";",
    ".",
    "=",
    "<",
    ">",
    "\\le",
    "\\ge",
    "\\frac",
    "\\dfrac",
    "\\sqrt",
    "\\boxed{",
    "\\fbox{",
    "\\text{",
    "\\infty",
    "\\cup",
    "\\pm",
    "\\%",
    "$",
    " ",
    "\\left(",
    "\\right)",
    "&",
    "\\\\",
    "\\begin{pmatrix}",
    "\\end{pmatrix}",
    "<think>",
    "</think>",
    "\\overline{",
    "\\times 10^{",
    "\\binom",
    "\\sin",
    "\\log",
    "or",
    "and",
    "The answer is ",
    "**Answer:** ",
    "\n",
    "^\\circ",
    "_2",
    "\\emptyset",
    "(C)",
    "yes",
    "three",
    "1,000",
    "\\,",
    "\\approx",
    "\\in",
    "\\mathbb{R}",
    "9^{9^{9}}",
    ":",
    "3:00",
    " p.m.",
    "\\setminus",
    "|",
    "\\sqrt[3]{",
    "\\begin{vmatrix}",
    "\\end{vmatrix}",
    "\\begin{cases}",
    "\\end{cases}",
    "\\quad",
    "\\\\frac",
    "4 1/2",
    "0,375",
    ",\\! ",
    "(a, b) = ",
    "|AB| = ",
    "Answer $",
    " is our answer.",
    "<|im_start|>",
    "weeks",
]
latexish = st.lists(st.sampled_from(TOKENS), max_size=24).map("".join)
golds = st.one_of(
    latexish,
    st.sampled_from(
        [
            "4",
            "\\frac{1}{2}",
            "0.5",
            "x^2+1",
            "(1,2]",
            "\\{1,2\\}",
            "C",
            "\\text{yes}",
            "x \\le 3",
            "\\pm 2",
            "3+4i",
            "\\begin{pmatrix}1\\\\2\\end{pmatrix}",
            "1011_2",
        ]
    ),
    st.text(max_size=30),
)
completions = st.one_of(
    latexish,
    latexish.map(lambda s: f"<think>r</think> The answer is \\boxed{{{s}}}."),
    st.text(max_size=300),
)
#: Examples per property: 250 in the ordinary run; set REWARD_MATH_PROPERTY_EXAMPLES=10000
#: for the thorough run (about ten minutes on two cores).
PROPERTY_EXAMPLES = int(os.environ.get("REWARD_MATH_PROPERTY_EXAMPLES", "250"))
PROPERTY_SETTINGS = settings(
    max_examples=PROPERTY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(completion=completions, gold=golds, prefilled=st.booleans())
def test_never_raises_always_in_range_and_answers_in_time(
    worker: Worker, completion: str, gold: str, prefilled: bool
) -> None:
    _check_answer(worker.score(completion, gold, prefilled))


@PROPERTY_SETTINGS
@given(completion=completions, gold=golds)
def test_deterministic(worker: Worker, completion: str, gold: str) -> None:
    first = worker.score(completion, gold)
    second = worker.score(completion, gold)
    assert first == second


@PROPERTY_SETTINGS
@given(answer=latexish, gold=golds)
def test_a_boxed_answer_never_beats_an_unreadable_gold(
    worker: Worker, answer: str, gold: str
) -> None:
    kind, score, status, _, _ = worker.score(f"\\boxed{{{answer}}}", gold)
    assert kind == "ok"
    if status != "ok":
        assert score is None
