"""An example verifier plugin: the share of an item's ``required_words`` the answer uses.

It shows the three things a plugin does: read a field of its own from the item (items keep
their extra fields), check in a worker process under the server's deadline (the function
is importable by name), and declare its component and range.  Installed, it appears in
``GET /v1/verifiers``; an item scores it when it weights ``coverage``::

    {"completion": "...", "required_words": ["prime", "divisor"], "weights": {"coverage": 1}}
"""

from __future__ import annotations

import re
from typing import Any

from reward_server.verifiers import Outcome, Verifier
from reward_server.verifiers.completion import split_think


def check_coverage(completion: str, words: list[str], *, prefilled: bool = False) -> Outcome:
    """1.0 when the answer (after ``</think>``) uses every required word; else the share."""
    answer = split_think(completion, prefilled=prefilled).answer
    if answer is None:
        return Outcome.ok(0.0, reason="unfinished_think")
    used = {w for w in words if re.search(rf"\b{re.escape(w)}\b", answer, re.IGNORECASE)}
    return Outcome.ok(len(used) / len(words), missing=sorted(set(words) - used))


def _arguments(item: Any, settings: Any) -> Any:
    words = (item.model_extra or {}).get("required_words")
    if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
        return Outcome.invalid("coverage needs `required_words`: a list of words", "missing_words")
    return (item.completion, words), {"prefilled": item.format.prefilled}


verifier = Verifier(
    name="coverage",
    component="coverage",
    placement="worker",
    func=check_coverage,
    arguments=_arguments,
    reads=("completion", "required_words", "format.prefilled"),
    always=False,  # only when an item (or preset, or the server) weights `coverage`
    description="share of the item's required_words the answer uses (example plugin)",
)
