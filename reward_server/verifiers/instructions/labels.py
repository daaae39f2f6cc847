"""Reading a constraints label: Tulu 3 / IFEval's ``{"instruction_id": [...], "kwargs": [...]}``.

Datasets store the label in several shapes, all accepted here:

* a dict, or that dict as a JSON string (Tulu 3's ``ground_truth``), or as a Python
  literal string (``str(dict)``, with ``None``), or a one-element list of any of these
  (open-instruct wraps labels so);
* ``instruction_id_list`` (IFEval's ``input_data.jsonl``) for ``instruction_id``;
* a kwargs entry that is ``null``, or that carries every argument name of every
  instruction with ``null`` for the ones that do not apply (the Hugging Face datasets'
  schema): ``null`` means "not given".

Anything else (an unknown id, a missing or bad argument, an argument the instruction does
not take) raises :class:`LabelError` naming the constraint and the argument.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .params import KwargError
from .registry import INSTRUCTIONS, Instruction

_MAX_NESTING = 3  # a JSON string inside a JSON string inside a list, at most


class LabelError(ValueError):
    """The constraints label cannot be read: the item is ``invalid``."""


@dataclass(frozen=True)
class Constraint:
    """One instruction with its arguments parsed and normalised."""

    instruction: Instruction
    args: Mapping[str, Any]

    @property
    def id(self) -> str:
        return self.instruction.id


def _decode(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    except RecursionError:
        raise LabelError("constraints label is nested too deeply") from None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise LabelError(
            "constraints label is a string that is neither JSON nor a literal"
        ) from None


def _unwrap(label: Any) -> Mapping[str, Any]:
    for _ in range(_MAX_NESTING + 1):
        if isinstance(label, str):
            label = _decode(label)
        elif isinstance(label, list | tuple) and len(label) == 1:
            label = label[0]
        else:
            break
    if not isinstance(label, Mapping):
        raise LabelError(
            'constraints must be {"instruction_id": [...], "kwargs": [...]}'
            f" (or that as a JSON string), got {type(label).__name__}"
        )
    return label


def _kwargs_entry(entry: Any, index: int) -> dict[str, Any]:
    if entry is None:
        return {}
    if isinstance(entry, str):
        entry = _decode(entry)
    if not isinstance(entry, Mapping):
        raise LabelError(f"kwargs[{index}] must be an object or null, got {type(entry).__name__}")
    return {str(k): v for k, v in entry.items() if v is not None}


def _parse_one(
    instruction_id: Any, given: dict[str, Any], index: int, prompt: str | None
) -> Constraint:
    if not isinstance(instruction_id, str) or instruction_id not in INSTRUCTIONS:
        raise LabelError(f"constraint {index}: unknown instruction id {instruction_id!r}")
    instruction = INSTRUCTIONS[instruction_id]
    where = f"constraint {index} ({instruction_id})"
    known = {p.name for p in instruction.params}
    unexpected = sorted(set(given) - known)
    if unexpected:
        raise LabelError(f"{where}: unexpected kwargs {unexpected}; it takes {sorted(known)}")
    if instruction_id == "combination:repeat_prompt" and "prompt_to_repeat" not in given:
        if not isinstance(prompt, str) or not prompt.strip():
            raise LabelError(f"{where}: needs kwargs.prompt_to_repeat or the item's prompt")
        given = {"prompt_to_repeat": prompt}
    args: dict[str, Any] = {}
    for param in instruction.params:
        if param.name not in given:
            if param.required:
                raise LabelError(f"{where}: missing kwarg {param.name!r}")
            continue
        try:
            args[param.name] = param.parse(given[param.name])
        except KwargError as exc:
            raise LabelError(f"{where}: kwarg {param.name!r}: {exc}") from None
    if instruction.validate is not None:
        try:
            instruction.validate(args)
        except KwargError as exc:
            raise LabelError(f"{where}: {exc}") from None
    return Constraint(instruction, args)


def parse_constraints(label: Any, *, prompt: str | None = None) -> tuple[Constraint, ...]:
    """The constraints of ``label``, validated; raises :class:`LabelError` if unusable.

    ``prompt`` stands in for ``combination:repeat_prompt``'s ``prompt_to_repeat`` when
    the label leaves it out.
    """
    fields = _unwrap(label)
    ids = fields.get("instruction_id", fields.get("instruction_id_list"))
    if isinstance(ids, str) or not isinstance(ids, list | tuple):
        raise LabelError("constraints need a list 'instruction_id'")
    if not ids:
        raise LabelError("constraints list no instruction")
    entries = fields.get("kwargs")
    if entries is None:
        entries = [None] * len(ids)
    if isinstance(entries, str) or not isinstance(entries, list | tuple):
        raise LabelError("constraints 'kwargs' must be a list (one entry per instruction)")
    if len(entries) != len(ids):
        raise LabelError(
            f"constraints list {len(ids)} instruction ids but {len(entries)} kwargs entries"
        )
    return tuple(
        _parse_one(instruction_id, _kwargs_entry(entry, index), index, prompt)
        for index, (instruction_id, entry) in enumerate(zip(ids, entries))
    )
