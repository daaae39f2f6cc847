"""The verifiers, and the registry the scorer runs them from.

A verifier checks one aspect of one completion and answers with an :class:`Outcome`.
The scorer knows none of them by name: each is a :class:`Verifier` in a :class:`Registry`
that declares what it reads, where it runs and its range (:mod:`.registry`).  The
built-in ones (:mod:`.builtin`): ``math`` (:mod:`.math`), ``code`` (:mod:`.code`),
``format`` (:mod:`.format`), ``language`` (:mod:`.language`); third-party ones arrive as
entry points in the ``reward_server.verifiers`` group.  :mod:`.completion` is what they
share: a completion cut into its reasoning and its answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .outcome import Outcome
from .registry import ENTRY_POINT_GROUP, Registry, RegistryError, Verifier, load_plugins

if TYPE_CHECKING:
    from reward_server.config import Settings


def default_verifiers(**funcs: Any) -> Registry:
    """The built-in verifiers, with the function of any of them replaced by name
    (``default_verifiers(math=hangs)``: tests prove the deadlines this way)."""
    from .builtin import builtin_verifiers

    registry = Registry(builtin_verifiers())
    for name, func in funcs.items():
        registry = registry.replace(name, func=func)
    return registry


def build_registry(settings: Settings) -> Registry:
    """The built-in verifiers, then the installed plugins (unless ``REWARD_PLUGINS=false``)."""
    registry = default_verifiers()
    if settings.plugins:
        for verifier in load_plugins():
            registry.add(verifier)
    return registry


def warm_up() -> None:
    """Fill the verifiers' lazy caches (langdetect profiles, parsers) in a new worker."""
    from .instructions import warm_up as warm_instructions
    from .language import check_language
    from .math import warm_up as warm_math

    # Mixed languages, so langdetect's profiles are loaded now and not on a real item.
    check_language(
        "<think>This is a short warm-up sentence. Ceci est une phrase en français, "
        "et voici encore une autre. 这是中文。</think> ok",
        "en",
    )
    warm_math()  # imports sympy and the LaTeX parser: plain numbers never touch them
    warm_instructions()  # Punkt, the Treebank tokenizer and langdetect's profiles


__all__ = [
    "ENTRY_POINT_GROUP",
    "Outcome",
    "Registry",
    "RegistryError",
    "Verifier",
    "build_registry",
    "default_verifiers",
    "warm_up",
]
