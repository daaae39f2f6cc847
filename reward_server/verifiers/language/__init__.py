"""The language-consistency reward: the share of the chain of thought in the target language.

Public surface: :func:`check_language` (called by the scorer inside a worker process) and
:func:`supported_languages`.  The policy is in ``docs/language.md``; the modules, one
concept each, in the order a completion goes through them:

- :mod:`.prose`        code, LaTeX, URLs and markup removed: the prose that is measured
- :mod:`.scripts`      prose cut into clauses, clauses into words tagged with their script
- :mod:`.languages`    the supported languages: their scripts and function words
- :mod:`.judge`        each clause's language: function words first, langdetect after
- :mod:`.detect`       langdetect made deterministic, thread-safe and restricted
- :mod:`.consistency`  ``check_language`` itself: target-language words / counted words
"""

from __future__ import annotations

from .consistency import check_language, supported_languages

__all__ = ["check_language", "supported_languages"]
