"""Latency of the language reward on 2,000-word CoTs, against naive per-sentence langdetect.

Three CoTs of ~2,000 counted words each (pure English, English/Chinese half and half,
English/French half and half) are scored with :func:`check_language` and with the naive
baseline the policy warns about: seeded ``langdetect.detect`` (all 55 profiles) on every
sentence.  Both run in this process, in the same run, and the figures are printed as
per-call median and p95 plus the ratio baseline / ours.  Our per-call answer cache is
emptied before each call, so repeated runs do not flatter us.

    .venv/bin/python benchmarks/bench_language.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections.abc import Callable

from reward_server.verifiers.language import check_language
from reward_server.verifiers.language.detect import detect

EN = [
    "Okay, so I need to figure out how many positive integers satisfy both conditions.",
    "Let me start by rewriting the equation $x^2 - 5x + 6 = 0$ in factored form.",
    "That gives us two roots, and we should check which of them are valid.",
    "Wait, I think I made a mistake in the previous step when I expanded the square.",
    "If we subtract the second equation from the first, the constant term cancels out.",
    "So the sum of the roots equals the negative of the linear coefficient.",
    "Now let me plug these values back into the original expression to verify.",
    "Hmm, that does not match, so maybe the assumption about parity was wrong.",
    "The gradient of the loss with respect to the weights is computed by backpropagation.",
    "Binary search works here because the array is already sorted in increasing order.",
    "Alternatively, we could use dynamic programming to avoid recomputing subproblems.",
    "Therefore the final answer should be twelve, but let me double check once more.",
]
ZH = [
    "首先我们需要理解题目在问什么。",
    "我们要找出同时满足两个条件的正整数的个数。",
    "如果用第一个方程减去第二个方程，常数项就消掉了。",
    "等一下，我应该先检查一下判别式的符号。",
    "所以两根之和等于一次项系数的相反数。",
    "因为数组是有序的，所以这里可以用二分查找。",
]
FR = [
    "Bon, il faut que je trouve combien d'entiers positifs vérifient les deux conditions.",
    "Commençons par réécrire l'équation sous une forme factorisée.",
    "Attends, je crois que je me suis trompé à l'étape précédente.",
    "Si on soustrait la deuxième équation de la première, le terme constant disparaît.",
    "Donc la somme des racines est égale à l'opposé du coefficient linéaire.",
    "La recherche dichotomique marche ici parce que le tableau est déjà trié.",
]

_WORD = re.compile(r"[\u4e00-\u9fff]|[^\W\d_\u4e00-\u9fff]{2,}")
_SENTENCE = re.compile(r"(?<=[.!?。？！])\s*")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def make_cot(banks: list[list[str]], words: int = 2000, seed: int = 0) -> str:
    """About ``words`` words, the banks contributing equal shares, sentences shuffled."""
    rng = random.Random(seed)
    parts: list[str] = []
    for bank in banks:
        count = 0
        while count < words / len(banks):
            sentence = rng.choice(bank)
            parts.append(sentence)
            count += _words(sentence)
    rng.shuffle(parts)
    return "<think>\n" + " ".join(parts) + "\n</think>\nThe answer is 12."


def naive(completion: str) -> float:
    """The baseline: langdetect on every sentence, words counted per sentence."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    cot = completion.split("<think>", 1)[-1].split("</think>", 1)[0]
    total = on = 0
    for sentence in _SENTENCE.split(cot):
        n = _words(sentence)
        if not n:
            continue
        try:
            lang = detect(sentence)
        except LangDetectException:
            continue
        total += n
        on += n if lang == "en" else 0
    return on / total if total else 1.0


def ours_cold(completion: str) -> float | None:
    """check_language with langdetect's answer cache emptied: no help from earlier calls."""
    detect.cache_clear()
    return check_language(completion, "en").score


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm-up: profile loading, regex compilation
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    cots = {
        "pure English": make_cot([EN]),
        "mixed en/zh": make_cot([EN, ZH]),
        "mixed en/fr": make_cot([EN, FR]),
    }
    print(
        f"{'CoT (~2,000 words)':<20}{'ours p50':>10}{'ours p95':>10}{'naive p50':>11}"
        f"{'naive p95':>11}{'speed-up':>10}{'score':>8}{'naive':>8}"
    )
    for name, cot in cots.items():
        ours = timed(lambda cot=cot: ours_cold(cot), args.repeats)
        base = timed(lambda cot=cot: naive(cot), max(3, args.repeats // 5))
        score = check_language(cot, "en").score
        speedup = statistics.median(base) / statistics.median(ours)
        print(
            f"{name:<20}{statistics.median(ours) * 1e3:>8.1f}ms{p95(ours) * 1e3:>8.1f}ms"
            f"{statistics.median(base) * 1e3:>9.1f}ms{p95(base) * 1e3:>9.1f}ms"
            f"{speedup:>9.1f}x{score:>8.3f}{naive(cot):>8.3f}"
        )


if __name__ == "__main__":
    main()
