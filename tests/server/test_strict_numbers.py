"""Every number and boolean a request carries is strict: ``"1.5"`` or ``true`` for a number,
``1`` for a boolean, is a 422, never quietly coerced (found by fuzzing; kept as a class)."""

from __future__ import annotations

import copy
import json
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from reward_server.schemas import OpenRLHFRequest, RunRequest, ScoreRequest

ITEM: dict[str, Any] = {
    "completion": "x",
    "task": "code",
    "code": {
        "tests": [{"input": "", "output": ""}],
        "time_limit_s": 1.0,
        "memory_limit_mb": 64,
        "float_tolerance": 0.001,
        "all_or_nothing": False,
        "checker": {"source": "x", "time_limit_s": 1.0, "memory_limit_mb": 64},
    },
    "format": {"prefilled": False, "answer_tags": False},
    "weights": {"accuracy": 1.0, "format": 1.0, "language": 1.0},
    "instructions": {"all_or_nothing": False},
    "completion_tokens": 10,
    "shaping": {
        "max_tokens": 100,
        "overlong_buffer": 10,
        "cosine_max_len": 100,
        "cosine_min_value_wrong": -1.0,
        "cosine_max_value_wrong": -0.5,
        "cosine_min_value_correct": 0.5,
        "cosine_max_value_correct": 1.0,
        "repetition_ngram": 3,
        "repetition_max_penalty": -1.0,
    },
}
REQUESTS: dict[type[BaseModel], dict[str, Any]] = {
    ScoreRequest: {"items": [ITEM], "group_size": 1, "deadline_s": 10.0},
    RunRequest: {"source": "print(1)", "time_limit_s": 1.0, "memory_limit_mb": 64},
    OpenRLHFRequest: {"query": ["q"]},
}
SCALARS = (int, float, bool)


def _scalar_fields(
    model: type[BaseModel], prefix: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], type]]:
    """(path, type) of every int, float or bool field, through nested models and lists."""
    for name, field in model.model_fields.items():
        yield from _walk(field.annotation, prefix + (field.alias or name,))


def _walk(annotation: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], type]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _walk(typing.get_args(annotation)[0], path)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _walk(arg, path)
    elif origin is list:
        yield from _walk(typing.get_args(annotation)[0], path + (0,))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _scalar_fields(annotation, path)
    elif annotation in SCALARS:
        yield path, annotation


def _cases() -> Iterator[tuple[type[BaseModel], tuple[Any, ...], type]]:
    for model in REQUESTS:
        for path, kind in dict.fromkeys(_scalar_fields(model)):
            yield model, path, kind


def _set(payload: dict[str, Any], path: tuple[Any, ...], value: Any) -> bool:
    node: Any = payload
    for step in path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError):
            return False
    if path[-1] not in node:
        return False
    node[path[-1]] = value
    return True


@pytest.mark.parametrize(("model", "path", "kind"), list(_cases()), ids=lambda v: str(v))
def test_a_wrongly_typed_number_or_boolean_is_refused(model, path, kind) -> None:
    base = REQUESTS[model]
    model.model_validate_json(json.dumps(base))  # the base request is valid
    wrong = [1, "true"] if kind is bool else ["1", True]
    for value in wrong:
        payload = copy.deepcopy(base)
        assert _set(payload, path, value), f"the base request lacks {path}: add it to the test"
        with pytest.raises(ValidationError):
            model.model_validate_json(json.dumps(payload))
