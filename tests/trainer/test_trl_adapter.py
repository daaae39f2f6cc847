"""ServerReward / AsyncServerReward as TRL calls them (no torch needed), over loopback HTTP."""

from __future__ import annotations

import asyncio
import copy
import inspect
import math
import pickle

from hypothesis import given
from hypothesis import strategies as st

from tests.support.scripted_server import Script, closed_port_url, scripted_server
from trainer_client import AsyncServerReward, RetryPolicy, ServerReward
from trainer_client.trl import completion_text, prompt_text, rollout_groups

FAST = RetryPolicy(retries=1, backoff_base_s=0.01, backoff_max_s=0.02)


class Metrics:
    """Collects what a reward function hands to TRL's ``log_metric`` / ``log_extra``."""

    def __init__(self) -> None:
        self.metrics: dict[str, list[float]] = {}
        self.extra: dict[str, list] = {}

    def log_metric(self, name: str, value: float) -> None:
        self.metrics.setdefault(name, []).append(value)

    def log_extra(self, column: str, values: list) -> None:
        self.extra.setdefault(column, []).extend(values)


@given(st.lists(st.sampled_from("abc"), max_size=40), st.one_of(st.none(), st.integers(1, 8)))
def test_rollout_groups_cover_everything_with_one_prompt_each(prompts, g):
    groups = rollout_groups(prompts, g)
    assert [i for a, b in groups for i in range(a, b)] == list(range(len(prompts)))
    for a, b in groups:
        assert b > a and len(set(prompts[a:b])) == 1
        assert g is None or b - a <= g


def test_rollout_groups_split_partial_and_repeated_prompts():
    # A process that got the tail of one group and the head of the next.
    assert rollout_groups(["p"] * 3 + ["q"] * 4 + ["r"]) == [(0, 3), (3, 7), (7, 8)]
    # The same prompt drawn twice in a row: two groups of G.
    assert rollout_groups(["p"] * 8, 4) == [(0, 4), (4, 8)]
    chat = [[{"role": "user", "content": "x"}]] * 2 + [[{"role": "user", "content": "y"}]] * 2
    assert rollout_groups(chat, 2) == [(0, 2), (2, 4)]


def test_completion_and_prompt_text():
    assert completion_text("plain") == "plain"
    assert (
        completion_text([{"role": "assistant", "content": "<think>a</think> b"}])
        == "<think>a</think> b"
    )
    parts = [
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "<think>"}, {"type": "text", "text": "x"}],
        },
        {"role": "tool", "content": "ignored"},
    ]
    assert completion_text(parts) == "<think>x"
    assert (
        prompt_text([{"role": "system", "content": "s"}, {"role": "user", "content": "q?"}]) == "q?"
    )
    assert prompt_text("p") == "p"


def test_columns_map_onto_items_with_defaults():
    reward = ServerReward(
        "http://127.0.0.1:1",
        column_map={"solution": "answer"},
        target_lang="en",
        format={"answer_tags": True},
        preset="r1",
    )
    items = reward.build_items(
        ["p1", "p2", "p3"],
        ["c1", [{"role": "assistant", "content": "c2"}], "c3"],
        {
            "solution": [42, "x^2", None],
            "code": [None, None, '{"tests": [{"input": "1", "output": "1"}]}'],
            "target_lang": [None, "zh", None],
            "weights": ['{"format": 0.5}', None, None],
            "unrelated": ["a", "b", "c"],
            "environments": None,
        },
    )
    assert items[0] == {
        "completion": "c1",
        "answer": "42",
        "task": "math",
        "target_lang": "en",
        "format": {"answer_tags": True},
        "weights": {"format": 0.5},
        "preset": "r1",
    }
    assert (
        items[1]["completion"] == "c2"
        and items[1]["target_lang"] == "zh"
        and items[1]["task"] == "math"
    )
    assert items[2]["task"] == "code" and items[2]["code"]["tests"][0]["output"] == "1"
    assert "prompt" not in items[0] and "unrelated" not in items[0]
    explicit = ServerReward("http://127.0.0.1:1", task="none", send_prompt=True)
    (item,) = explicit.build_items(["the prompt"], ["c"], {"answer": ["1"], "task": ["math"]})
    assert item["task"] == "math" and item["prompt"] == "the prompt"


def test_one_request_per_group_and_trl_shaped_output():
    metrics = Metrics()
    with scripted_server() as (url, script):
        reward = ServerReward(url, num_generations=4, name="rm")
        assert reward.__name__ == "rm"
        prompts = ["p"] * 4 + ["q"] * 4
        completions = ["a", "bb", "FAIL", "dddd", "e", "ff", "ggg", "hhhh"]
        out = reward(
            prompts=prompts,
            completions=completions,
            completion_ids=[[1]] * 8,
            trainer_state=None,
            log_metric=metrics.log_metric,
            log_extra=metrics.log_extra,
            answer=["1"] * 8,
        )
    assert out == [1.0, 2.0, None, 4.0, 1.0, 2.0, 3.0, 4.0]
    assert sorted(len(s.body["items"]) for s in script.score_requests()) == [4, 4]
    assert metrics.metrics["rewards/rm/scored"] == [7 / 8]
    assert metrics.metrics["rewards/rm/accuracy"] == [1.0]
    assert metrics.metrics["rewards/rm/format"] == [0.5]
    assert "rewards/rm/language" not in metrics.metrics
    assert metrics.extra["rm_status"][2] == "error"
    assert math.isnan(metrics.extra["rm_accuracy"][2])


def test_a_dead_server_gives_none_for_its_groups_only():
    with scripted_server(Script().then((500,), (500,))) as (url, _):
        reward = ServerReward(url, num_generations=2, retry=FAST, max_concurrency=1)
        out = reward(prompts=["p", "p", "q", "q"], completions=["a", "b", "cc", "dd"])
    # The first group's two attempts met the scripted 500s; the second group was fine.
    assert out == [None, None, 2.0, 2.0]
    dead = ServerReward(closed_port_url(), retry=FAST)
    metrics = Metrics()
    assert (
        dead(prompts=["p"] * 3, completions=["a"] * 3, log_metric=metrics.log_metric) == [None] * 3
    )
    assert metrics.metrics["rewards/server_reward/scored"] == [0.0]


def test_async_variant_is_a_coroutine_function_with_the_same_results():
    with scripted_server() as (url, script):
        reward = AsyncServerReward(url, num_generations=2, name="rm_async")
        assert inspect.iscoroutinefunction(reward.__call__)
        metrics = Metrics()
        out = asyncio.run(
            reward(
                prompts=["p", "p", "q", "q"],
                completions=["a", "FAIL", "ccc", "d"],
                log_metric=metrics.log_metric,
            )
        )
    assert out == [1.0, None, 3.0, 1.0]
    assert len(script.score_requests()) == 2
    assert metrics.metrics["rewards/rm_async/scored"] == [0.75]


def test_reward_functions_pickle_and_copy_without_their_connections():
    with scripted_server() as (url, _):
        reward = ServerReward(url, name="rm", target_lang="en")
        assert reward(prompts=["p"], completions=["abc"]) == [3.0]
        for clone in (pickle.loads(pickle.dumps(reward)), copy.deepcopy(reward)):
            assert clone.__name__ == "rm" and clone.defaults == {"target_lang": "en"}
            assert clone(prompts=["p"], completions=["abcd"]) == [4.0]
