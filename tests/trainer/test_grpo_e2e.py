"""A real GRPOTrainer on CPU (tiny random Qwen2) rewarded by the real server over HTTP.

The second test kills the server (SIGKILL, workers included) after step 1 and brings it
back after step 2: step 2's groups must get ``None`` (TRL's NaN, ``scored == 0``), not
0.0, training must go on, and step 3 must be rewarded again.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.support.server_process import ServerProcess

pytestmark = [pytest.mark.trl, pytest.mark.slow]

DATASET = str(Path(__file__).resolve().parents[2] / "examples" / "grpo_math.jsonl")
NAME = "reward_server"


def argv(url: str, out: Path, steps: int, *extra: str) -> list[str]:
    return [
        "--tiny-random-model",
        "--cpu",
        "--dataset",
        DATASET,
        "--reward-url",
        url,
        "--num-generations",
        "4",
        "--per-device-train-batch-size",
        "8",
        "--max-completion-length",
        "12",
        "--max-steps",
        str(steps),
        "--learning-rate",
        "1e-3",
        "--output-dir",
        str(out),
        "--reward-retries",
        "1",
        "--reward-timeout",
        "30",
        *extra,
    ]


def step_logs(history: list[dict]) -> list[dict]:
    return [h for h in history if f"rewards/{NAME}/mean" in h]


@pytest.fixture(scope="module")
def server():
    with ServerProcess(workers=2) as proc:
        yield proc


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_two_grpo_steps_rewarded_by_the_server(server, tmp_path, mode):
    from trainer_client.train_grpo import main

    extra = ("--async-reward",) if mode == "async" else ()
    history = main(argv(server.url, tmp_path, 2, *extra))
    logs = step_logs(history)
    assert len(logs) == 2
    for log in logs:
        assert math.isfinite(log[f"rewards/{NAME}/mean"])
        assert log[f"rewards/{NAME}/scored"] == 1.0
        assert 0.0 <= log[f"rewards/{NAME}/format"] <= 1.0
        assert 0.0 <= log[f"rewards/{NAME}/accuracy"] <= 1.0
        assert math.isfinite(log["loss"])


def test_server_killed_mid_run_gives_none_then_rewards_return(tmp_path):
    from transformers import TrainerCallback

    from trainer_client.train_grpo import build_parser, build_trainer

    proc = ServerProcess(workers=1).start()
    events: list[str] = []

    class Chaos(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == 1:
                proc.stop()
                events.append("killed")
            elif state.global_step == 2:
                proc.start()
                events.append("restarted")

    try:
        args = build_parser().parse_args(argv(proc.url, tmp_path, 3))
        trainer = build_trainer(args, callbacks=[Chaos()])
        trainer.train()
    finally:
        proc.stop()
    assert events == ["killed", "restarted"]
    assert trainer.state.global_step == 3
    before, during, after = step_logs(trainer.state.log_history)
    assert math.isfinite(before[f"rewards/{NAME}/mean"]) and before[f"rewards/{NAME}/scored"] == 1.0
    # No reward at all, rather than a 0.0 the policy would learn from.
    assert during[f"rewards/{NAME}/scored"] == 0.0
    mean = during[f"rewards/{NAME}/mean"]  # NaN, which the trainer's log history stores as None
    assert mean is None or math.isnan(mean)
    assert math.isfinite(during["loss"])
    assert math.isfinite(after[f"rewards/{NAME}/mean"]) and after[f"rewards/{NAME}/scored"] == 1.0
