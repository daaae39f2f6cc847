"""Steady load of rollout groups, as trainers send them, and what each one got back.

Used by the fault drills (``tests/ops``, ``scripts/fault-drill``) and by
``benchmarks/bench_load.py``.  A load is made of a few group *templates* (math, format +
language, code when the server has a sandbox), sent by N client threads in a loop.  Each
template is scored once on a quiet server first (:func:`baseline`); afterwards every
``ok`` result must carry exactly the baseline reward, so a fault that turned into a wrong
reward (a silent 0.0) cannot hide among the successes.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from trainer_client import RewardClient

GROUP = 16

_PROBLEMS = [
    ("2+2", "4", "4"),
    ("half of one", "\\frac{1}{2}", "0.5"),
    ("the square root of 144", "12", "12"),
    ("3 times 7", "21", "20"),  # a wrong answer: 0 accuracy is the model's own doing
    ("the roots of x^2-1", "\\pm 1", "-1, 1"),
    ("pi to two places", "3.14", "3.14"),
    ("2^10", "1024", "1024"),
    ("1/3 + 1/6", "\\frac{1}{2}", "\\frac{1}{2}"),
]

_SENTENCES = [
    "First I restate the problem in my own words so that nothing is missed.",
    "Then I check each assumption against the numbers given in the question.",
    "The second step follows from the first because the terms cancel out.",
    "I verify the result by substituting it back into the original equation.",
    "Finally the answer is consistent with every constraint we were given.",
]


def math_group(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    items = []
    for i in range(GROUP):
        what, gold, said = rng.choice(_PROBLEMS)
        thought = " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(3, 12)))
        completion = f"<think>We need {what}. {thought}</think> The answer is $\\boxed{{{said}}}$."
        if rng.random() < 0.15:
            completion = completion.replace("</think>", "")  # a broken format, scored 0
        items.append(
            {
                "id": f"m{seed}-{i}",
                "completion": completion,
                "task": "math",
                "answer": gold,
                "target_lang": "en",
            }
        )
    return items


def prose_group(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    items = []
    for i in range(GROUP):
        thought = " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(40, 160)))
        items.append(
            {
                "id": f"p{seed}-{i}",
                "completion": f"<think>{thought}</think> Done.",
                "target_lang": "en",
            }
        )
    return items


def code_group(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    right = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
    wrong = "```python\na, b = map(int, input().split())\nprint(a - b)\n```"
    tests = [{"input": f"{a} {b}\n", "output": f"{a + b}\n"} for a, b in [(1, 2), (5, 7), (0, 0)]]
    return [
        {
            "id": f"c{seed}-{i}",
            "completion": f"<think>Add them.</think>\n{rng.choice([right, wrong])}",
            "task": "code",
            "code": {"language": "python", "tests": tests},
        }
        for i in range(GROUP)
    ]


def templates(code: bool = False, n: int = 6) -> list[list[dict[str, Any]]]:
    """A realistic mix: half math groups, the rest prose (format + language), some code."""
    out: list[list[dict[str, Any]]] = []
    for k in range(n):
        out.append(math_group(k) if k % 2 == 0 else prose_group(k))
    if code:
        out.append(code_group(100))
    return out


def baseline(url: str, groups: list[list[dict[str, Any]]]) -> list[list[float | None]]:
    """The reward of every item of every template, on a quiet server; all must be ok."""
    with RewardClient(url, timeout_s=300) as client:
        rewards = []
        for group in groups:
            results = client.score(group)
            bad = [r for r in results if r.status != "ok"]
            assert not bad, f"baseline not ok: {bad[0]}"
            rewards.append([r.reward for r in results])
    return rewards


@dataclass
class Record:
    template: int
    sent_at: float
    done_at: float = 0.0
    code: int | None = None
    failure: str | None = None  # a connection error, a timeout
    results: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Verdict:
    """Every item of a load, judged against the baseline."""

    ok: int = 0
    wrong: int = 0  # ok, but not the baseline reward: a fault disguised as a reward
    retryable: Counter[str] = field(default_factory=Counter)  # error types
    not_retryable: Counter[str] = field(default_factory=Counter)

    @property
    def affected(self) -> int:
        return sum(self.retryable.values()) + sum(self.not_retryable.values())


def judge(records: list[Record], expected: list[list[float | None]]) -> Verdict:
    verdict = Verdict()
    for record in records:
        for item, reward in zip(record.results, expected[record.template], strict=False):
            if item["status"] == "ok":
                if item["reward"] == reward:
                    verdict.ok += 1
                else:
                    verdict.wrong += 1
            else:
                error = item.get("error") or {}
                kind = verdict.retryable if error.get("retryable") else verdict.not_retryable
                kind[f"{item['status']}:{error.get('type')}"] += 1
    return verdict


class SteadyLoad:
    """``clients`` threads sending template groups to ``/v1/score`` until stopped.

    Raw HTTP, so every answer is seen as it came; after a refusal a client waits what
    ``Retry-After`` says (capped), as ``RewardClient`` does, then sends its next group."""

    def __init__(
        self,
        url: str,
        groups: list[list[dict[str, Any]]],
        clients: int = 4,
        pause_s: float = 0.0,
        timeout_s: float = 120.0,
        headers: dict[str, str] | None = None,
        retry_after_max_s: float = 5.0,
    ) -> None:
        self.url = url
        self.retry_after_max_s = retry_after_max_s
        self.groups = groups
        self.clients = clients
        self.pause_s = pause_s
        self.timeout_s = timeout_s
        self.headers = headers or {}
        self.records: list[Record] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> SteadyLoad:
        for i in range(self.clients):
            thread = threading.Thread(target=self._run, args=(i,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> list[Record]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout_s + 30)
        return list(self.records)

    def _run(self, index: int) -> None:
        k = index
        with httpx.Client(timeout=self.timeout_s, headers=self.headers) as http:
            while not self._stop.is_set():
                template = k % len(self.groups)
                k += self.clients
                record = Record(template, time.monotonic())
                wait = 0.2  # a real client backs off; the drills count, they do not spin
                try:
                    response = http.post(
                        f"{self.url}/v1/score", json={"items": self.groups[template]}
                    )
                    record.code = response.status_code
                    if response.status_code == 200:
                        record.results = response.json()["results"]
                    elif "retry-after" in response.headers:
                        wait = min(float(response.headers["retry-after"]), self.retry_after_max_s)
                except httpx.HTTPError as exc:
                    record.failure = type(exc).__name__
                record.done_at = time.monotonic()
                with self._lock:
                    self.records.append(record)
                if record.failure or record.code != 200:
                    self._stop.wait(wait)
                elif self.pause_s:
                    self._stop.wait(self.pause_s)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def scrape(url: str, headers: dict[str, str] | None = None) -> dict[str, float]:
    """``/metrics`` as {series: value} (labels included in the series name)."""
    text = httpx.get(f"{url}/metrics", headers=headers or {}, timeout=30).text
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out
