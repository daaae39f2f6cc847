"""trainer_client runs on a GPU host without the server: only reward_server.schemas and the
trainer protocols (pydantic only) may come along."""

from __future__ import annotations

import json
import subprocess
import sys

import trainer_client

MODULES = [
    "trainer_client",
    "trainer_client.trl",
    "trainer_client.openrlhf",
    "trainer_client.verl",
    "trainer_client.env",
    "trainer_client.train_grpo",
    "trainer_client.tiny_model",
]
FORBIDDEN = ("fastapi", "starlette", "uvicorn", "torch", "trl", "transformers", "datasets")


def test_importing_the_client_pulls_in_no_server_and_no_framework():
    code = (
        "import importlib, json, sys\n"
        f"for m in {MODULES!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    roots = {name.split(".")[0] for name in loaded}
    assert not roots & set(FORBIDDEN), roots & set(FORBIDDEN)
    server_modules = {name for name in loaded if name.startswith("reward_server")}
    allowed = {"reward_server", "reward_server.schemas", "reward_server.protocols"}
    assert server_modules - allowed <= {
        name for name in server_modules if name.startswith("reward_server.protocols.")
    }
    assert "reward_server.schemas" in server_modules


def test_public_names():
    for name in trainer_client.__all__:
        assert getattr(trainer_client, name) is not None
    assert {"RewardClient", "AsyncRewardClient", "ServerReward", "AsyncServerReward"} <= set(
        trainer_client.__all__
    )
