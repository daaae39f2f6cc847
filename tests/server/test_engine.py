"""The in-process API (``from reward_server import score``) against a real uvicorn server."""

from __future__ import annotations

import httpx
import pytest

import reward_server
from reward_server import Engine, InvalidItems, Settings
from reward_server.verifiers import default_verifiers
from reward_server.verifiers.format import check_format as format_inline
from reward_server.verifiers.language import check_language as language_inline
from reward_server.verifiers.math import check_math as math_inline
from tests.support.fault_verifiers import hang_on_marker
from tests.support.live_server import live_server

GOOD = "<think>Half of one is one half.</think> The answer is $\\boxed{0.5}$."
ITEMS = [
    {"id": "right", "task": "math", "answer": "\\frac{1}{2}", "completion": GOOD},
    {"id": "wrong", "task": "math", "answer": "2", "completion": GOOD, "preset": "r1-zero"},
    {"id": "no-tags", "task": "math", "answer": "0.5", "completion": "\\boxed{0.5}"},
    {"id": "bad-gold", "task": "math", "answer": "\\frac{", "completion": GOOD},
    {
        "id": "fr",
        "completion": "<think>Je pense que la réponse est simple.</think> 4",
        "target_lang": "fr",
    },
    {"id": 7, "completion": "plain", "weights": {"format": 0.5}},
    {"id": "timeout", "task": "math", "answer": "1", "completion": "\\boxed{9^{9^{9^{9}}}}"},
]


@pytest.fixture(scope="module")
def engine():
    with Engine(Settings(workers=2, sandbox={"enabled": False})) as eng:
        yield eng


def test_score_in_process_equals_the_server(engine: Engine) -> None:
    with live_server(Settings(workers=2, sandbox={"enabled": False})) as url:
        response = httpx.post(f"{url}/v1/score", json={"items": ITEMS}, timeout=60)
    assert response.status_code == 200
    over_http = response.json()["results"]
    in_process = [r.model_dump(mode="json") for r in engine.score(ITEMS)]
    assert in_process == over_http
    statuses = [r["status"] for r in in_process]
    assert statuses == ["ok", "ok", "ok", "invalid", "ok", "ok", "timeout"]
    assert [r["reward"] for r in in_process[:3]] == [2.0, 1.0, 1.0]  # the last: accuracy, no format


def test_a_request_preset_applies_as_over_http(engine: Engine) -> None:
    (result,) = engine.score([ITEMS[0] | {"target_lang": "en"}], preset="accuracy")
    assert result.reward == 1.0 and result.details["weights"]["format"] == 0.0


def test_bad_items_are_refused_with_a_readable_message(engine: Engine) -> None:
    with pytest.raises(InvalidItems, match=r"item 1: completion: Field required"):
        engine.score([ITEMS[0], {"task": "math"}])
    with pytest.raises(InvalidItems, match="unknown preset 'nope'"):
        engine.score(ITEMS[:1], preset="nope")
    with pytest.raises(InvalidItems, match="a list of items"):
        engine.score(ITEMS[0])  # type: ignore[arg-type]


def test_a_hanging_verifier_is_a_timeout_in_process_too() -> None:
    settings = Settings(workers=1, item_deadline_s=1.0, sandbox={"enabled": False})
    with Engine(settings, default_verifiers(math=hang_on_marker)) as eng:
        hung, fine = eng.score(
            [
                {"task": "math", "answer": "4", "completion": "HANG"},
                {"task": "math", "answer": "4", "completion": "4"},
            ]
        )
    assert hung.status == "timeout" and hung.reward is None
    assert fine.status == "ok" and fine.scores.accuracy == 1.0


def test_the_module_functions_equal_the_verifiers() -> None:
    assert reward_server.check_math(GOOD, "1/2") == math_inline(GOOD, "1/2")
    assert reward_server.check_math(GOOD, "2").score == 0.0
    text = "<think>Ceci est un raisonnement en français, assez long.</think> 4"
    assert reward_server.check_language(text, "fr") == language_inline(text, "fr")
    assert reward_server.check_format(GOOD) == format_inline(GOOD)
    (result,) = reward_server.score([ITEMS[0]])
    assert result.reward == 2.0


def test_an_engine_can_be_closed_and_started_again() -> None:
    eng = Engine(Settings(workers=1, sandbox={"enabled": False}))
    for _ in range(2):
        with eng:
            assert eng.score([ITEMS[0]])[0].status == "ok"
    eng.close()  # closing twice is harmless
