"""The verifiers and the set the scorer uses.

A :class:`VerifierSet` names the functions the scorer calls, so an application (or a
test) can swap one, e.g. a math verifier that hangs to prove the deadlines.  CPU-bound
ones (``language``, ``math``) run inside worker processes and must be importable
top-level functions; ``format`` runs in-process; ``code`` is a coroutine that drives the
sandbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .outcome import Outcome

CpuVerifier = Callable[..., Outcome]
CodeVerifier = Callable[..., Awaitable[Outcome]]


@dataclass(frozen=True)
class VerifierSet:
    format: CpuVerifier
    language: CpuVerifier
    math: CpuVerifier
    code: CodeVerifier


def default_verifiers(**overrides: Any) -> VerifierSet:
    """The production verifiers, with any of them replaced by ``overrides``."""
    from .code import check_code
    from .format import check_format
    from .language import check_language
    from .math import check_math

    chosen: dict[str, Any] = {
        "format": check_format,
        "language": check_language,
        "math": check_math,
        "code": check_code,
    }
    chosen.update(overrides)
    return VerifierSet(**chosen)


def warm_up() -> None:
    """Fill the verifiers' lazy caches (langdetect profiles, parsers) in a new worker."""
    from .language import check_language
    from .math import warm_up as warm_math

    # Mixed languages, so langdetect's profiles are loaded now and not on a real item.
    check_language(
        "<think>This is a short warm-up sentence. Ceci est une phrase en français, "
        "et voici encore une autre. 这是中文。</think> ok",
        "en",
    )
    warm_math()  # imports sympy and the LaTeX parser: plain numbers never touch them


__all__ = ["Outcome", "VerifierSet", "default_verifiers", "warm_up"]
