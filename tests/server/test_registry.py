"""The verifier registry, through the real scorer (Engine: worker processes included)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from reward_server import Engine, InvalidItems, Settings
from reward_server.schemas import ScoreItem
from reward_server.verifiers import Outcome, Registry, RegistryError, Verifier, default_verifiers

GOOD = "<think>Two and two.</think> \\boxed{4}"


def _length_ratio(items: Sequence[ScoreItem], outcomes, settings) -> list[Outcome | None]:
    """A group verifier: each completion's length over the group's longest (in [0, 1])."""
    longest = max(len(item.completion) for item in items)
    return [Outcome.ok(len(item.completion) / longest, group=len(items)) for item in items]


def _with(*extra: Verifier) -> Registry:
    registry = default_verifiers()
    for verifier in extra:
        registry.add(verifier)
    return registry


@pytest.fixture(scope="module")
def engine():
    registry = _with(
        Verifier("relative", "relative", "group", _length_ratio, always=False),
        Verifier(
            "wild",
            "wild",
            "inline",
            lambda c: Outcome(score=7.0),
            always=False,
            arguments=lambda item, s: ((item.completion,), {}),
        ),
        Verifier(
            "broken",
            "broken",
            "inline",
            lambda c: 1 / 0,
            always=False,
            arguments=lambda item, s: ((item.completion,), {}),
        ),
        Verifier(
            "shout",
            "accuracy",
            "inline",
            lambda c: Outcome.ok(float(c.isupper())),
            tasks=("shout",),
            arguments=lambda item, s: ((item.completion,), {}),
        ),
    )
    with Engine(Settings(workers=1, sandbox={"enabled": False}, plugins=False), registry) as eng:
        yield eng


def test_a_plugin_task_is_routed_to_its_verifier(engine: Engine) -> None:
    loud, quiet = engine.score(
        [{"completion": "YES", "task": "shout"}, {"completion": "no", "task": "shout"}]
    )
    assert (loud.scores.accuracy, quiet.scores.accuracy) == (1.0, 0.0)


def test_unknown_tasks_and_components_are_refused(engine: Engine) -> None:
    with pytest.raises(InvalidItems, match="unknown task 'poetry'"):
        engine.score([{"completion": "x", "task": "poetry"}])
    with pytest.raises(InvalidItems, match="no verifier scores lenght"):
        engine.score([{"completion": "x", "weights": {"lenght": 1}}])


def test_a_component_weighted_zero_is_not_computed(engine: Engine) -> None:
    (result,) = engine.score([{"completion": GOOD}])
    assert set(result.details) == {"format", "weights"}
    (weighted,) = engine.score([{"completion": GOOD, "weights": {"relative": 0.5}}])
    assert weighted.scores.model_extra == {"relative": 1.0} and weighted.reward == 1.5


def test_a_score_outside_the_declared_range_is_our_error_not_a_reward(engine: Engine) -> None:
    (result,) = engine.score([{"completion": GOOD, "weights": {"wild": 1}}])
    assert result.status == "error" and result.reward is None
    assert result.error is not None and result.error.type == "verifier_contract"


def test_a_raising_verifier_fails_its_item_only(engine: Engine) -> None:
    bad, good = engine.score([{"completion": GOOD, "weights": {"broken": 1}}, {"completion": GOOD}])
    assert bad.status == "error" and "ZeroDivisionError" in bad.error.message
    assert good.status == "ok" and good.reward == 1.0


def test_group_verifiers_see_their_group_only(engine: Engine) -> None:
    items = [
        {"completion": "<think>a</think> " + "x" * n, "weights": {"relative": 1}}
        for n in (1, 9, 9, 19)
    ]
    results = engine.score(items, group_size=2)
    assert [r.details["relative"]["group"] for r in results] == [2, 2, 2, 2]
    first, second = (
        results[0].scores.model_extra["relative"],
        results[2].scores.model_extra["relative"],
    )
    assert first == pytest.approx(18 / 26) and second == pytest.approx(26 / 36)


def test_two_verifiers_of_one_name_are_refused() -> None:
    with pytest.raises(RegistryError, match="two verifiers are called 'math'"):
        _with(Verifier("math", "accuracy", "inline", lambda c: Outcome.ok(1.0)))


def test_a_bad_declaration_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="placement"):
        Verifier("x", "x", "gpu", lambda: None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="score range"):
        Verifier("x", "x", "inline", lambda: None, score_range=(1.0, float("nan")))


def test_an_unknown_task_fails_its_own_item_where_no_route_refuses_it(engine: Engine) -> None:
    scorer = engine._started().scorer  # the batch engine calls the scorer without the 422 check
    items = [
        ScoreItem.model_validate(i)
        for i in ({"completion": "x", "task": "poetry"}, {"completion": GOOD})
    ]
    bad, good = engine._run(scorer.score(items))
    assert bad.status == "error" and bad.error.type == "invalid_item" and bad.reward is None
    assert good.status == "ok"
