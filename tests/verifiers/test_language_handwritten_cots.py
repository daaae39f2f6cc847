"""Hand-written R1-style CoTs, labelled independently of the verifier (a second labeller).

The labels of ``tests/data/language_cases_cots.jsonl`` are computed by its generator,
``make_language_cases_cots.py``, from segments of known language with a word counter of
its own; the verifier must agree within 0.1 on 95 % of them and never be off by > 0.25.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from reward_server.verifiers.language import check_language

DATA = Path(__file__).resolve().parent.parent / "data"
CASES = [
    json.loads(line)
    for line in (DATA / "language_cases_cots.jsonl").read_text(encoding="utf-8").splitlines()
    if line
]


def _errors() -> list[tuple[str, float, float | None, float, dict]]:
    out = []
    for case in CASES:
        outcome = check_language(
            case["completion"], case["target_lang"], prefilled=case.get("prefilled", False)
        )
        got = outcome.score
        err = 1.0 if got is None else abs(got - case["expected"])
        out.append((case["name"], case["expected"], got, err, outcome.details))
    return out


def test_cot_set_is_big_and_varied() -> None:
    assert len(CASES) >= 60
    assert len({c["target_lang"] for c in CASES}) >= 8
    expected = [c["expected"] for c in CASES]
    for low, high in [(0.05, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.95)]:
        assert any(low <= e < high for e in expected), (low, high)


def test_cot_set_within_tolerance() -> None:
    misses = [e for e in _errors() if e[3] > 0.1]
    for name, expected, got, err, details in misses:
        print(f"MISS {name}: expected {expected}, got {got} (off {err:.3f}) {details}")
    assert len(misses) <= 0.05 * len(CASES), f"{len(misses)} of {len(CASES)} off by > 0.1"


def test_cot_set_no_gross_error() -> None:
    gross = [(n, e, g) for n, e, g, err, _ in _errors() if err > 0.25]
    assert not gross, gross


def test_cot_labels_are_reproduced_by_their_generator() -> None:
    path = DATA / "make_language_cases_cots.py"
    spec = importlib.util.spec_from_file_location("make_cots", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert [json.loads(json.dumps(c)) for c in module.build()] == CASES
    assert "reward_server" not in path.read_text(encoding="utf-8")


def _module(name: str):  # noqa: ANN202 - a test helper loading a data script
    spec = importlib.util.spec_from_file_location(name, DATA / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_hand_written_sentence_alone_is_its_own_language() -> None:
    """No sentence of either bank is cut at a false language switch or misjudged alone:
    comma and comma-less splitting must leave one-language sentences whole."""
    wrong = []
    for name in ("make_language_cases", "make_language_cases_cots"):
        for lang, sentences in _module(name).BANK.items():
            for sentence in sentences:
                outcome = check_language(f"<think>{sentence}</think>", lang)
                if outcome.score != 1.0:
                    wrong.append((lang, sentence, outcome.details["detected"]))
    assert not wrong, wrong
