"""Cost of the instruction checks for a rollout group, against format + language on the same group.

A group of 16 completions of ~2,000 words each is scored in this process with
:func:`check_instructions` and, as the baseline, with the R1 format check plus the language
check (``check_format`` + ``check_language(..., "en")``), the per-item cost the server
already pays.  The bar: the instruction checks cost less than the baseline (ratio < 1).

Two shapes of completion: ``r1`` (a ~1,600-word think block, then a ~400-word answer with
bullets, highlights, sections and a postscript) and ``answer`` (no think block: all
~2,000 words are the answer, the worst case for us).  Two constraint loads: ``mix`` (three
constraints per completion, cycling through all 25 instruction types, so the group covers
every type) and ``all25`` (every completion carries all 25).  Strict and loose (IFEval's
eight variants per constraint).  All caches (ours and the language verifier's) are emptied
before each timed group, so repeats do not flatter either side.

    .venv/bin/python benchmarks/bench_instructions.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from reward_server.verifiers import lang_detect
from reward_server.verifiers.format import check_format
from reward_server.verifiers.instructions import (
    INSTRUCTION_IDS,
    check_instructions,
    langid,
    markup,
    nlp,
    warm_up,
)
from reward_server.verifiers.instructions import keywords as keyword_checks
from reward_server.verifiers.language import check_language

GROUP = 16
PROSE = [
    "Okay, so I need to figure out how many positive integers satisfy both conditions.",
    "Let me start by rewriting the equation in a factored form that is easier to read.",
    "That gives us two roots, and we should check which of them are valid here.",
    "Wait, I think I made a mistake in the previous step when I expanded the square.",
    "If we subtract the second equation from the first, the constant term cancels out.",
    "So the sum of the roots equals the negative of the linear coefficient, as expected.",
    "Now let me plug these values back into the original expression to verify them.",
    "Hmm, that does not match, so maybe the assumption about parity was wrong after all.",
    "Binary search works here because the array is already sorted in increasing order.",
    "Alternatively, we could use dynamic programming to avoid recomputing subproblems.",
    "Dr. Smith noted that the U.S. results were similar, e.g. within 3.5 percent.",
    "The river winds past the old mill, and the town grew up along its banks.",
]
KWARGS: dict[str, dict[str, Any]] = {
    "keywords:existence": {"keywords": ["river", "equation"]},
    "keywords:frequency": {"keyword": "roots", "frequency": 3, "relation": "at least"},
    "keywords:forbidden_words": {"forbidden_words": ["banana", "quantum"]},
    "keywords:letter_frequency": {"letter": "q", "let_frequency": 5, "let_relation": "at least"},
    "language:response_language": {"language": "en"},
    "length_constraints:number_sentences": {"num_sentences": 20, "relation": "at least"},
    "length_constraints:number_paragraphs": {"num_paragraphs": 4},
    "length_constraints:number_words": {"num_words": 300, "relation": "at least"},
    "length_constraints:nth_paragraph_first_word": {
        "num_paragraphs": 4,
        "nth_paragraph": 2,
        "first_word": "section",
    },
    "detectable_content:number_placeholders": {"num_placeholders": 2},
    "detectable_content:postscript": {"postscript_marker": "P.S."},
    "detectable_format:number_bullet_lists": {"num_bullets": 3},
    "detectable_format:constrained_response": {},
    "detectable_format:number_highlighted_sections": {"num_highlights": 2},
    "detectable_format:multiple_sections": {"section_spliter": "Section", "num_sections": 3},
    "detectable_format:json_format": {},
    "detectable_format:title": {},
    "combination:two_responses": {},
    "combination:repeat_prompt": {"prompt_to_repeat": "Explain the river problem."},
    "startend:end_checker": {"end_phrase": "Any other questions?"},
    "change_case:capital_word_frequency": {"capital_frequency": 5, "capital_relation": "less than"},
    "change_case:english_capital": {},
    "change_case:english_lowercase": {},
    "punctuation:no_comma": {},
    "startend:quotation": {},
}
assert set(KWARGS) == set(INSTRUCTION_IDS)


def _prose(rng: random.Random, words: int) -> str:
    out: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(PROSE)
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def _answer(rng: random.Random, words: int) -> str:
    """A markdown answer: title, sections, bullets, highlights, placeholders, a P.S."""
    quarter = max(words // 4, 10)
    parts = [
        "<<A Title>>",
        f"Section 1\n{_prose(rng, quarter)} *First highlight* and [name].",
        f"Section 2\n* {_prose(rng, 12)}\n* {_prose(rng, 12)}\n- {_prose(rng, 12)}",
        f"Section 3\n{_prose(rng, quarter)} **Second highlight** at [address].",
        f"{_prose(rng, quarter)}\n\nP.S. {_prose(rng, 12)} Any other questions?",
    ]
    return "\n\n".join(parts)


def make_group(shape: str, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    if shape == "r1":
        return [f"<think>{_prose(rng, 1600)}</think>\n\n{_answer(rng, 400)}" for _ in range(GROUP)]
    return [_answer(rng, 2500) for _ in range(GROUP)]  # ~2,000 words with the markup


def make_labels(load: str) -> list[dict[str, Any]]:
    ids = list(INSTRUCTION_IDS)
    if load == "all25":
        chosen = [ids] * GROUP
    else:
        chosen = [[ids[(3 * i + k) % len(ids)] for k in range(3)] for i in range(GROUP)]
    return [{"instruction_id": c, "kwargs": [KWARGS[i] for i in c]} for c in chosen]


def _clear_caches() -> None:
    lang_detect.detect.cache_clear()
    for cached in (
        nlp._capital_tokens,
        nlp.detect_language,
        langid._word_grams,
        keyword_checks.keyword_pattern,
        markup._pattern,
        markup._marker_pattern,
    ):
        cached.cache_clear()
    nlp._sentence_tokenizer().text_contains_sentbreak.cache_clear()


def _time_pair(
    baseline: Callable[[], object], ours: Callable[[], object], repeats: int
) -> tuple[list[float], list[float]]:
    """Both sides timed in alternation, so that load on a shared machine hits both alike."""
    base: list[float] = []
    mine: list[float] = []
    for _ in range(repeats):
        for run, samples in ((baseline, base), (ours, mine)):
            _clear_caches()
            start = time.perf_counter()
            run()
            samples.append((time.perf_counter() - start) * 1000)
    return base, mine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    warm_up()
    check_language("<think>Warm up the language profiles, please.</think> ok", "en")

    print(f"group of {GROUP} completions; median (p90) ms per group over {args.repeats} rounds;")
    print("ratio = median over rounds of instructions / (format + language) timed side by side")
    print(f"{'shape':7s} {'words':>6s} {'load':6s} {'mode':6s} {'format+language':>17s} "
          f"{'instructions':>14s} {'ratio':>6s}")  # fmt: skip
    worst = 0.0
    for shape in ("r1", "answer"):
        group = make_group(shape)
        words = statistics.mean(len(c.split()) for c in group)

        def baseline(group: list[str] = group) -> None:
            for completion in group:
                check_format(completion)
                check_language(completion, "en")

        for load in ("mix", "all25"):
            labels = make_labels(load)
            for strict in (True, False):

                def ours(
                    group: list[str] = group, labels: list[Any] = labels, strict: bool = strict
                ) -> None:
                    for completion, label in zip(group, labels):
                        outcome = check_instructions(completion, label, strict=strict)
                        assert outcome.status == "ok", outcome.message

                base, mine = _time_pair(baseline, ours, args.repeats)
                ratio = statistics.median(m / b for m, b in zip(mine, base))
                if load == "mix":
                    worst = max(worst, ratio)
                print(
                    f"{shape:7s} {words:6.0f} {load:6s} {'strict' if strict else 'loose':6s} "
                    f"{statistics.median(base):8.1f} ({_p90(base):6.1f}) "
                    f"{statistics.median(mine):7.1f} ({_p90(mine):6.1f}) {ratio:6.2f}"
                )
    print(f"worst ratio with the mixed load (the bar: < 1): {worst:.2f}")


def _p90(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


if __name__ == "__main__":
    main()
