"""Every setting is documented in docs/settings.md, and nothing documented is stale."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from reward_server.config import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def _variables(model: type[BaseModel], prefix: str) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            names |= _variables(sub, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def test_settings_page_lists_every_variable():
    documented = set(re.findall(r"`(REWARD_[A-Z_]+)`", DOC.read_text()))
    actual = _variables(Settings, "REWARD_")
    assert actual - documented == set(), "undocumented settings"
    assert documented - actual == set(), "documented settings that do not exist"
