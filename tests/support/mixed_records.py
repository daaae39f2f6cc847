"""A JSONL file of every kind of record a batch run meets, for comparing batch engines.

Math (right, wrong, unparsable golds), code (right, wrong, a compile error, an endless
loop: verdicts that do not depend on timing), items with no task (format only, or format
and language with a ``target_lang``), an unknown task, and lines that
are no item at all: broken JSON, a JSON value that is not an object, an object that is
not a valid item, an empty line.  Reproducible from its seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

#: Keys of sandbox details that are measured (time, memory), so differ between two runs.
MEASURED = frozenset({"time_s", "cpu_s", "memory_mb"})

_THINK = [
    "Let me work through this carefully.",
    "First I simplify, then I check the result.",
    "Je vérifie le calcul encore une fois.",
    "Ich rechne das nochmal nach.",
    "我再检查一遍这个结果。",
]
_ADD = "a, b = map(int, input().split())\nprint(a + b)"
_CODE = [
    ("python", _ADD, "right"),
    ("python", "print(5)", "half"),
    ("python", "print(", "syntax"),
    ("cpp", "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b;}", "right"),
]
_BAD_LINES = [
    "{not json",
    '["a", "list"]',
    '"just a string"',
    "",
    '{"task": "math", "answer": "1"}',
    '{"completion": 42, "task": "math"}',
    '{"completion": "x", "task": "math", "weights": {"accuracy": "lots"}}',
    '{"completion": "<think>a</think> b", "task": "poetry"}',
]


def _math(rng: random.Random, i: int) -> dict[str, Any]:
    a, b = rng.randint(2, 99), rng.randint(2, 99)
    gold = rng.choice([str(a * b), f"\\frac{{{a}}}{{{b}}}", f"{a}.5", "x^2+1", "\\sqrt{2}"])
    given = gold if rng.random() < 0.6 else rng.choice([str(a + b), "x^2-1", "1/2", "banana"])
    think = " ".join(rng.choice(_THINK) for _ in range(rng.randint(1, 6)))
    return {
        "id": f"math-{i}",
        "task": "math",
        "answer": gold if rng.random() > 0.02 else "\\frac{",
        "completion": f"<think>{think}</think> The answer is $\\boxed{{{given}}}$.",
        "target_lang": rng.choice([None, "en"]),
        "source": "mixed",
    }


def _code(rng: random.Random, i: int) -> dict[str, Any]:
    language, source, _ = rng.choices(_CODE, weights=[4, 4, 4, 1])[0]  # compiling is slow
    tests = [{"input": "2 3\n", "output": "5\n"}, {"input": "10 -4\n", "output": "6"}]
    item: dict[str, Any] = {
        "id": f"code-{i}",
        "task": "code",
        "completion": f"<think>A program.</think>\n```{language}\n{source}\n```",
        "code": {"language": language, "tests": tests},
    }
    if rng.random() < 0.03:  # an endless loop, stopped at its time limit
        item["completion"] = "<think>loop</think>\n```python\nwhile True:\n    pass\n```"
        item["code"] = {"tests": tests[:1], "time_limit_s": 0.3}
    return item


def _text(rng: random.Random, i: int) -> dict[str, Any]:
    think = " ".join(rng.choice(_THINK) for _ in range(rng.randint(1, 8)))
    if rng.random() < 0.5:
        shape = rng.choice([f"<think>{think}</think> done", think, f"<think>{think}", "</think>x"])
        return {"id": f"format-{i}", "completion": shape}
    return {
        "id": f"language-{i}",
        "target_lang": rng.choice(["en", "fr", "de", "zh"]),
        "completion": f"<think>{think}</think> ok",
    }


def write_mixed(path: Path, lines: int, *, code_share: float = 0.03, seed: int = 7) -> None:
    """``lines`` lines: about 5 % malformed, ``code_share`` code, the rest math and text."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(lines):
            roll = rng.random()
            if roll < 0.05:
                fh.write(rng.choice(_BAD_LINES) + "\n")
                continue
            if roll < 0.05 + code_share:
                item = _code(rng, i)
            elif roll < 0.6:
                item = _math(rng, i)
            else:
                item = _text(rng, i)
            fh.write(json.dumps({k: v for k, v in item.items() if v is not None}) + "\n")


def without_measurements(value: Any) -> Any:
    """``value`` with measured times and memory replaced by a marker.

    How an endless loop was stopped (the CPU or the wall-time limit first: ``reason``,
    ``signal``) depends on how busy the machine was, so it counts as measured too."""
    if isinstance(value, dict):
        stopped = (
            {"reason", "signal", "exit_code"} if value.get("verdict") == "time_limit" else set()
        )
        measured = MEASURED | stopped
        return {
            k: "<measured>" if k in measured else without_measurements(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [without_measurements(v) for v in value]
    return value


def same_results(a: Path, b: Path) -> tuple[int, int]:
    """Assert two output files match line for line (measurements aside).

    Returns (lines, lines that had to be compared without measurements)."""
    left = a.read_text(encoding="utf-8").splitlines(keepends=True)
    right = b.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(left) == len(right), (len(left), len(right))
    measured = 0
    for n, (x, y) in enumerate(zip(left, right, strict=True), start=1):
        if x == y:
            continue
        measured += 1
        assert without_measurements(json.loads(x)) == without_measurements(json.loads(y)), (
            f"line {n} differs:\n{x}\n{y}"
        )
    return len(left), measured
