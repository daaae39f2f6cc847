"""Verifier plugins: the example package in examples/plugin, installed for real, in a real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.server_process import REPO, ServerProcess

EXAMPLE = REPO / "examples" / "plugin"
ANSWER = "<think>Look for a divisor.</think> 7 is prime: its only divisor above 1 is 7."


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin installed (as a wheel would be) into a directory of its own."""
    target = tmp_path_factory.mktemp("plugin-site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert list(target.glob("reward_plugin_example-*.dist-info/entry_points.txt"))
    return target


def _server(plugin_path: Path, **env: str) -> ServerProcess:
    return ServerProcess(extra_env={"PYTHONPATH": f"{REPO}:{plugin_path}", **env})


def test_an_installed_plugin_is_listed_and_scores_when_weighted(plugin_path: Path) -> None:
    with _server(plugin_path) as server:
        listing = httpx.get(f"{server.url}/v1/verifiers").json()
        assert listing["verifiers"]["coverage"]["placement"] == "worker"
        assert listing["components"]["coverage"] == ["coverage"]
        items = [
            {
                "completion": ANSWER,
                "required_words": ["prime", "divisor"],
                "weights": {"coverage": 1},
            },
            {
                "completion": ANSWER,
                "required_words": ["prime", "factor"],
                "weights": {"coverage": 1},
            },
            {"completion": ANSWER, "weights": {"coverage": 1}},  # the field it reads is missing
            {"completion": ANSWER, "required_words": ["prime"]},  # not weighted: not computed
        ]
        results = httpx.post(f"{server.url}/v1/score", json={"items": items}, timeout=60).json()[
            "results"
        ]
    assert [r["scores"].get("coverage") for r in results] == [1.0, 0.5, None, None]
    assert results[0]["reward"] == 2.0  # format 1 + coverage 1
    assert results[1]["details"]["coverage"]["missing"] == ["factor"]
    assert results[2]["status"] == "invalid" and results[2]["error"]["type"] == "missing_words"
    assert results[3]["status"] == "ok" and "coverage" not in results[3]["details"]


def test_plugins_can_be_switched_off(plugin_path: Path) -> None:
    with _server(plugin_path, REWARD_PLUGINS="false") as server:
        assert "coverage" not in httpx.get(f"{server.url}/v1/verifiers").json()["verifiers"]
        r = httpx.post(
            f"{server.url}/v1/score",
            json={"items": [{"completion": ANSWER, "weights": {"coverage": 1}}]},
        )
    assert r.status_code == 422 and "no verifier scores coverage" in r.text
