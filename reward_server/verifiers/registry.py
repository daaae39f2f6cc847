"""The verifier registry: what each verifier reads, where it runs, and what it may return.

The scorer knows no verifier by name.  Each one is a :class:`Verifier` that declares

- the **component** it scores (``accuracy``, ``format``, ``language``, ``overlong`` ...);
- when an item asks for it: its **tasks** (``math``; ``None`` for any task) and an extra
  condition (``language`` needs a ``target_lang``);
- what it **reads** from an item, turned into call arguments by ``arguments`` (which may
  instead answer at once, e.g. ``invalid`` for a missing gold answer);
- its **placement**: ``inline`` (cheap string work, in the server process), ``worker``
  (CPU-bound: a worker process under the item's hard deadline), ``sandbox`` (a coroutine
  that drives the code sandbox), or ``group`` (shaping that needs the item's other
  components or its whole rollout group; runs last, in-process);
- its **range**: a score outside it (or not finite) is reported as the verifier's error,
  never passed on as a reward;
- whether it is computed **always** when it applies, or only when its weight is not 0
  (shaping terms), and its default weight.

The built-in verifiers (:mod:`.builtin`) register exactly as third-party ones do: a package
exposes a :class:`Verifier` (or a list of them, or a function returning either) as an entry
point in the ``reward_server.verifiers`` group, and it appears in ``/v1/verifiers``.
A worker verifier's function must be importable by name (the worker imports it).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Literal

from .outcome import Outcome

if TYPE_CHECKING:
    from reward_server.config import Settings
    from reward_server.schemas import ScoreItem

log = logging.getLogger(__name__)

Placement = Literal["inline", "worker", "sandbox", "group"]
PLACEMENTS: tuple[str, ...] = ("inline", "worker", "sandbox", "group")
ENTRY_POINT_GROUP = "reward_server.verifiers"

#: (args, kwargs) for the verifier's function, or an immediate outcome for the item.
Arguments = tuple[tuple[Any, ...], dict[str, Any]] | Outcome
#: A group verifier: (the group's items, each item's outcomes so far, settings) -> outcomes.
GroupFunc = Callable[
    [Sequence["ScoreItem"], Sequence[dict[str, Outcome]], "Settings"], list[Outcome | None]
]


def no_arguments(item: ScoreItem, settings: Settings) -> Arguments:
    return (), {}


@dataclass(frozen=True)
class Verifier:
    """One verifier and everything the scorer needs to know to run it."""

    name: str
    component: str
    placement: Placement
    func: Callable[..., Any]
    arguments: Callable[[ScoreItem, Settings], Arguments] = no_arguments
    tasks: tuple[str, ...] | None = None
    when: Callable[[ScoreItem], bool] | None = None
    reads: tuple[str, ...] = ("completion",)
    score_range: tuple[float, float] = (0.0, 1.0)
    always: bool = True
    default_weight: float = 0.0
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # listed in /v1/verifiers as is

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            raise ValueError(f"verifier {self.name!r}: placement must be one of {PLACEMENTS}")
        low, high = self.score_range
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            raise ValueError(f"verifier {self.name!r}: bad score range {self.score_range}")
        if not self.component.isidentifier():
            raise ValueError(f"verifier {self.name!r}: component must be an identifier")

    def applies(self, item: ScoreItem) -> bool:
        """Whether ``item`` asks for this verifier (its task, and its extra condition)."""
        if self.tasks is not None and item.task not in self.tasks:
            return False
        return self.when is None or self.when(item)

    def checked(self, outcome: Any) -> Outcome:
        """``outcome`` if it is a well-formed one within range; else our error."""
        if not isinstance(outcome, Outcome):
            return Outcome.error(
                f"verifier {self.name!r} returned {type(outcome).__name__}, not an Outcome",
                "verifier_contract",
                retryable=False,
            )
        if outcome.status != "ok":
            return outcome
        low, high = self.score_range
        score = outcome.score
        if score is None or not math.isfinite(score) or not low <= score <= high:
            return Outcome.error(
                f"verifier {self.name!r} scored {score!r}, outside its range [{low}, {high}]",
                "verifier_contract",
                retryable=False,
            )
        return outcome

    def describe(self) -> dict[str, Any]:
        """This verifier as listed by ``/v1/verifiers``."""
        return {
            "component": self.component,
            "placement": self.placement,
            "tasks": list(self.tasks) if self.tasks is not None else None,
            "reads": list(self.reads),
            "range": list(self.score_range),
            "computed": "always" if self.always else "when weighted",
            "default_weight": self.default_weight,
            "description": self.description,
            **self.extra,
        }


class RegistryError(Exception):
    """Two verifiers with one name, or a plugin that cannot be loaded."""


class Registry:
    """The verifiers a server runs, by name, in registration order."""

    def __init__(self, verifiers: Iterable[Verifier] = ()) -> None:
        self._verifiers: dict[str, Verifier] = {}
        for verifier in verifiers:
            self.add(verifier)

    def add(self, verifier: Verifier) -> None:
        if verifier.name in self._verifiers:
            raise RegistryError(f"two verifiers are called {verifier.name!r}")
        self._verifiers[verifier.name] = verifier

    def replace(self, name: str, **changes: Any) -> Registry:
        """A copy with verifier ``name`` changed (tests swap a function this way)."""
        if name not in self._verifiers:
            raise KeyError(f"no verifier called {name!r}; known: {sorted(self._verifiers)}")
        copy = Registry(self)
        copy._verifiers[name] = replace(self._verifiers[name], **changes)
        return copy

    def __iter__(self) -> Any:
        return iter(list(self._verifiers.values()))

    def __getitem__(self, name: str) -> Verifier:
        return self._verifiers[name]

    def __contains__(self, name: object) -> bool:
        return name in self._verifiers

    def components(self) -> tuple[str, ...]:
        """Every component some verifier scores, in registration order."""
        return tuple(dict.fromkeys(v.component for v in self))

    def tasks(self) -> tuple[str, ...]:
        """Every task some verifier checks, plus ``none`` (no accuracy component)."""
        named = (task for v in self if v.tasks is not None for task in v.tasks)
        return tuple(dict.fromkeys(["none", *named]))

    def default_weights(self) -> dict[str, float]:
        """Each component's default weight (the largest among its verifiers)."""
        weights: dict[str, float] = {}
        for v in self:
            weights[v.component] = max(weights.get(v.component, v.default_weight), v.default_weight)
        return weights

    def for_item(self, item: ScoreItem, weights: dict[str, float]) -> list[Verifier]:
        """The verifiers ``item`` asks for, given its resolved weights."""
        return [
            v
            for v in self
            if v.applies(item) and (v.always or weights.get(v.component, 0.0) != 0.0)
        ]


def load_plugins(group: str = ENTRY_POINT_GROUP) -> list[Verifier]:
    """The verifiers installed packages expose as entry points in ``group``.

    An entry point names a :class:`Verifier`, a list of them, or a function returning
    either.  A plugin that fails to load stops the start-up with its name: a server that
    silently lost a reward component would train on different rewards.
    """
    found: list[Verifier] = []
    for point in sorted(entry_points(group=group), key=lambda p: p.name):
        try:
            value = point.load()
            if callable(value) and not isinstance(value, Verifier):
                value = value()
            items = [value] if isinstance(value, Verifier) else list(value)
        except Exception as exc:
            raise RegistryError(
                f"verifier plugin {point.name!r} ({point.value}) failed to load: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        for verifier in items:
            if not isinstance(verifier, Verifier):
                raise RegistryError(
                    f"verifier plugin {point.name!r} gave {type(verifier).__name__}, not a Verifier"
                )
            log.info("verifier plugin %s: %s (%s)", point.name, verifier.name, verifier.component)
            found.append(verifier)
    return found
