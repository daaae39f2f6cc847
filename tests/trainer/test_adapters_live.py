"""OpenRLHF and verl against the real server over HTTP (and the client's happy path)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import pytest

from reward_server.config import Settings
from tests.support.live_server import live_server
from tests.support.scripted_server import closed_port_url
from trainer_client import RequestRejected, RewardClient, ServerReward
from trainer_client.env import read_env
from trainer_client.verl import (
    KEYS,
    code_spec,
    compute_score,
    compute_score_async,
    compute_score_batch,
    to_item,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "openrlhf_reward_func.py"
PROMPT = "User: what is 2+2?\nAssistant:"
GOOD = "<think>Two plus two is four.</think> The answer is \\boxed{4}."
WRONG = "<think>Two plus two is five.</think> The answer is \\boxed{5}."


@pytest.fixture(scope="module")
def url():
    with live_server(Settings(workers=2, sandbox={"enabled": False})) as base:
        yield base


@pytest.fixture
def env(monkeypatch, url):
    monkeypatch.setenv("REWARD_SERVER_URL", url)
    monkeypatch.setenv("REWARD_SERVER_RETRIES", "0")
    return monkeypatch


# -- the client and the TRL adapter on the real server -------------------------------
def test_client_scores_math_with_advantages(url):
    with RewardClient(url) as client:
        items = [
            {"completion": GOOD, "task": "math", "answer": "4"},
            {"completion": WRONG, "task": "math", "answer": "4"},
        ]
        response = client.score_response(items, group_size=2)
        assert [r.status for r in response.results] == ["ok", "ok"]
        good, wrong = response.results
        assert (good.scores.accuracy, good.scores.format) == (1.0, 1.0)
        assert wrong.scores.accuracy == 0.0 and good.reward > wrong.reward
        assert (
            response.advantages is not None and response.advantages[0] > 0 > response.advantages[1]
        )
        assert client.ready()


def test_server_reward_on_the_real_server(url):
    reward = ServerReward(
        url, num_generations=2, column_map={"solution": "answer"}, target_lang="en"
    )
    logged: dict[str, float] = {}
    out = reward(
        prompts=["q1", "q1", "q2", "q2"],
        completions=[
            [{"role": "assistant", "content": GOOD}],
            [{"role": "assistant", "content": WRONG}],
            GOOD,
            "no think block",
        ],
        solution=["4", "4", "4", "4"],
        log_metric=lambda k, v: logged.__setitem__(k, v),
    )
    assert all(isinstance(r, float) for r in out)
    assert out[0] > out[1] and out[2] == out[0] and out[3] < out[2]
    assert logged["rewards/server_reward/accuracy"] == 0.5
    assert logged["rewards/server_reward/language"] == 1.0


# -- OpenRLHF ---------------------------------------------------------------------------
def test_openrlhf_endpoint_one_many_and_empty(url):
    with RewardClient(url) as client:
        one = client.openrlhf([PROMPT + GOOD], [PROMPT], ["4"])
        assert one.rewards == [2.0] and one.scores == [1.0]  # scores: the 0-1 accuracy
        assert one.extra_logs == {
            "accuracy": [1.0],
            "format": [1.0],
            "language": [0.0],
            "scored": [1.0],
        }
        many = client.openrlhf(
            [PROMPT + GOOD, PROMPT + WRONG, PROMPT + GOOD, PROMPT + GOOD],
            [PROMPT] * 4,
            ["4", "4", json.dumps({"task": "none"}), {"task": "math", "answer": "\\frac{8}{2}"}],
        )
        assert many.rewards == [2.0, 1.0, 1.0, 2.0]
        assert many.scores == [1.0, 0.0, 1.0, 1.0]  # no accuracy: the reward
        empty = client.openrlhf([], [], [])
        assert (empty.rewards, empty.scores) == ([], [])
        assert set(many.extra_logs) == set(one.extra_logs) == set(empty.extra_logs)
        # No fallback reward unless the operator opts in: an unusable sample is a 422.
        with pytest.raises(RequestRejected, match="REWARD_OPENRLHF_FAILED_REWARD"):
            client.openrlhf(
                [PROMPT + GOOD, PROMPT + GOOD], [PROMPT] * 2, ["4", ["not", "a", "label"]]
            )


def load_example():
    # Exactly how OpenRLHF loads --remote_rm_url *.py
    spec = importlib.util.spec_from_file_location("reward_func", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.reward_func


@pytest.mark.trl
def test_openrlhf_drop_in_reward_func(env):
    import torch

    reward_func = load_example()
    out = reward_func(
        [PROMPT + GOOD, PROMPT + WRONG, PROMPT + "no tags"],
        [PROMPT] * 3,
        ["4", "4", json.dumps({"task": "none"})],
    )
    assert set(out) == {"rewards", "scores", "extra_logs"}
    assert isinstance(out["rewards"], torch.Tensor)
    assert out["rewards"].tolist() == [2.0, 1.0, 0.0]
    assert out["scores"].tolist() == [1.0, 0.0, 0.0]  # accuracy (0/1) for the dynamic filter
    assert set(out["extra_logs"]) == {"accuracy", "format", "language", "scored"}
    assert out["extra_logs"]["format"].tolist() == [1.0, 1.0, 0.0]
    assert out["extra_logs"]["scored"].tolist() == [1.0, 1.0, 1.0]
    single = reward_func([PROMPT + GOOD], [PROMPT], ["4"])  # recent OpenRLHF: one sample per call
    assert single["rewards"].tolist() == [2.0]


@pytest.mark.trl
def test_openrlhf_drop_in_with_the_server_down(env):
    env.setenv("REWARD_SERVER_URL", closed_port_url())
    env.setenv("REWARD_SERVER_FAILED_REWARD", "-1")
    out = load_example()([PROMPT + GOOD], [PROMPT], ["4"])
    assert out["rewards"].tolist() == [-1.0]
    assert out["extra_logs"]["scored"].tolist() == [0.0]


# -- verl -------------------------------------------------------------------------------
def test_verl_compute_score_same_keys_for_every_sample(env):
    right = compute_score("openai/gsm8k", GOOD, "4")
    wrong = compute_score("openai/gsm8k", WRONG, "4", extra_info={"split": "train"})
    junk = compute_score("openai/gsm8k", "", "4")
    assert right == {"score": 2.0, "acc": 1.0, "format": 1.0, "language": 0.0, "scored": 1.0}
    assert (wrong["acc"], wrong["score"]) == (0.0, 1.0)
    for result in (right, wrong, junk):
        assert tuple(result) == KEYS and all(isinstance(v, float) for v in result.values())


def test_verl_async_and_batch_forms(env):
    async def both():
        return await asyncio.gather(
            compute_score_async("math", GOOD, "4", reward_router_address=None),
            compute_score_async("math", WRONG, "4"),
        )

    right, wrong = asyncio.run(both())
    assert (right["acc"], wrong["acc"]) == (1.0, 0.0)
    batch = compute_score_batch(
        ["math"] * 5, [GOOD, WRONG, GOOD, WRONG, GOOD], ["4"] * 5, batch_size=2
    )
    assert [b["acc"] for b in batch] == [1.0, 0.0, 1.0, 0.0, 1.0]


def test_verl_code_sources_route_to_code_and_failures_stay_float(env):
    # This server has no sandbox: the code item is not scorable, which verl must see as
    # the failed reward with scored = 0.0 and the usual keys, never an exception.
    result = compute_score(
        "codecontests", "print(3)", json.dumps({"inputs": ["1 2\n"], "outputs": ["3\n"]})
    )
    assert tuple(result) == KEYS and result["scored"] == 0.0 and result["score"] == 0.0
    env.setenv("REWARD_SERVER_URL", closed_port_url())
    down = compute_score("gsm8k", GOOD, "4")
    assert down == {"score": 0.0, "acc": 0.0, "format": 0.0, "language": 0.0, "scored": 0.0}


def test_verl_routing_shapes():
    config = read_env({"REWARD_SERVER_URL": "http://x:1", "REWARD_SERVER_TARGET_LANG": "en"})
    item = to_item(
        "deepmind/code_contests",
        "src",
        {"inputs": ["1"], "outputs": ["2"], "time_limit_s": 3},
        None,
        config,
    )
    assert item["task"] == "code" and item["code"]["tests"] == [{"input": "1", "output": "2"}]
    assert item["code"]["time_limit_s"] == 3 and item["target_lang"] == "en"
    spec = code_spec("assert add(1, 2) == 3", {"entry_point": "add"})
    assert spec == {"test_code": "assert add(1, 2) == 3", "entry_point": "add"}
    assert code_spec(None, {"test_code": "assert f()"}) == {"test_code": "assert f()"}
    math_item = to_item("lighteval/MATH", "c", ["\\frac12", "0.5"], {"target_lang": "fr"}, config)
    assert (math_item["task"], math_item["answer"], math_item["target_lang"]) == (
        "math",
        "\\frac12",
        "fr",
    )
    custom = to_item("anything", "c", None, {"reward_item": {"task": "none"}}, config)
    assert custom["task"] == "none" and custom["completion"] == "c"
