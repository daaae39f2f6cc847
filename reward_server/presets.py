"""Named weight presets and how an item's weights are resolved.

``r1-zero`` is the DeepSeek-R1-Zero recipe (accuracy + format); ``r1`` adds the
language-consistency reward of DeepSeek-R1's reasoning RL stage.
"""

from __future__ import annotations

from .schemas import ScoreItem, Weights

PRESETS: dict[str, dict[str, float]] = {
    "r1-zero": {"accuracy": 1.0, "format": 1.0, "language": 0.0},
    "r1": {"accuracy": 1.0, "format": 1.0, "language": 1.0},
    "accuracy": {"accuracy": 1.0, "format": 0.0, "language": 0.0},
    "format": {"accuracy": 0.0, "format": 1.0, "language": 0.0},
    "r1+length": {"accuracy": 1.0, "format": 1.0, "language": 1.0, "overlong": 1.0},
    "r1+repetition": {"accuracy": 1.0, "format": 1.0, "language": 1.0, "repetition": 1.0},
    "dapo": {"accuracy": 1.0, "format": 0.0, "language": 0.0, "overlong": 1.0},
    "kimi": {"accuracy": 1.0, "format": 0.0, "language": 0.0, "length": 1.0},
    "cosine": {"accuracy": 0.0, "format": 1.0, "language": 0.0, "cosine": 1.0, "repetition": 1.0},
}

PRESET_DESCRIPTIONS: dict[str, str] = {
    "r1-zero": "DeepSeek-R1-Zero: accuracy + format",
    "r1": "DeepSeek-R1: accuracy + format + language consistency",
    "accuracy": "accuracy only",
    "format": "format only",
    "r1+length": "r1 + DAPO's soft overlong penalty",
    "r1+repetition": "r1 + open-r1's n-gram repetition penalty",
    "dapo": "DAPO: accuracy + soft overlong penalty",
    "kimi": "Kimi 1.5: accuracy + group-relative length reward (needs group_size)",
    "cosine": "open-r1: cosine-scaled correctness/length (instead of accuracy) + format + repetition",
}


class UnknownPreset(ValueError):
    """A request named a preset the server does not have."""


def check_preset(name: str | None) -> None:
    if name is not None and name not in PRESETS:
        raise UnknownPreset(f"unknown preset {name!r}; known: {', '.join(sorted(PRESETS))}")


def resolve_weights(
    item: ScoreItem, defaults: dict[str, float], request_preset: str | None = None
) -> dict[str, float]:
    """Item weights win over the preset, which wins over the server defaults."""
    weights = dict(defaults)
    preset = item.preset or request_preset
    if preset is not None:
        check_preset(preset)
        weights.update(PRESETS[preset])
    override: Weights | None = item.weights
    if override is not None:
        weights.update(
            {
                name: float(value)
                for name, value in override.model_dump().items()
                if value is not None
            }
        )
    return weights
