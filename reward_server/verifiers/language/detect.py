"""langdetect, made deterministic, thread-safe and restricted to plausible languages.

langdetect's module-level ``detect`` has four traps (see the design notes): it draws from an
unseeded random generator, so two calls on the same text may disagree; it loads its 55
profiles lazily into a global on first use, racing when two threads call it at once; it
weighs all 55 languages, so a short English clause may come back as Somali or Tagalog; and it
reads only the first 10,000 characters.  Here each script gets its own factory with the
profiles of the supported languages of that script only, built once under a lock and seeded
with 0; each call builds a fresh detector, restricted further to the plausible candidates by
a prior, so a text gets the same answer in any thread, any process, any call order.  Callers
pass short clauses, never whole texts.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any

from .languages import LANGDETECT_NAMES

_LOCK = threading.Lock()
_FACTORIES: dict[tuple[str, ...], Any] = {}
_SEED = 0


def _factory(languages: tuple[str, ...]) -> Any:
    factory = _FACTORIES.get(languages)
    if factory is not None:
        return factory
    with _LOCK:
        factory = _FACTORIES.get(languages)
        if factory is None:
            from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

            profiles = []
            for code in languages:
                for name in LANGDETECT_NAMES.get(code, (code,)):
                    with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as fh:
                        profiles.append(fh.read())
            factory = DetectorFactory()
            factory.load_json_profile(profiles)
            factory.set_seed(_SEED)
            _FACTORIES[languages] = factory
    return factory


def _our_code(profile_name: str) -> str:
    for code, names in LANGDETECT_NAMES.items():
        if profile_name in names:
            return code
    return profile_name


@lru_cache(maxsize=4096)
def detect(
    text: str, languages: tuple[str, ...], allowed: tuple[str, ...] | None = None
) -> tuple[str, float] | None:
    """The most probable language of ``text`` among ``allowed`` and its probability.

    ``languages`` names the profiles to load (a fixed set per script, so that few factories
    exist); ``allowed`` (default: all of them) restricts the answer through a prior that is
    zero elsewhere, which langdetect's multiplicative updates never revive.  ``None`` when
    langdetect finds no usable feature (e.g. a clause in capitals only).  Answers are
    deterministic, so they are cached: a model looping on one sentence costs one call.
    """
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory(languages).create()
    if allowed is not None:
        detector.set_prior_map(
            {name: 1.0 for code in allowed for name in LANGDETECT_NAMES.get(code, (code,))}
        )
    detector.append(text)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:
        return None
    totals: dict[str, float] = {}
    for item in ranked:  # zh-cn and zh-tw both mean zh
        code = _our_code(item.lang)
        totals[code] = totals.get(code, 0.0) + item.prob
    if not totals:
        return None
    best = max(sorted(totals), key=totals.__getitem__)
    return best, totals[best]
