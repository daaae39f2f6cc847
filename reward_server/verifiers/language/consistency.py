"""The language-consistency reward: the share of the CoT's words that are in the target language.

DeepSeek-R1 rewards "the proportion of target-language words in the CoT".  The policy
(docs/language.md gives every decision in detail):

1. The CoT is the inside of the think block; with no think block, the whole completion.
2. Code, LaTeX, URLs, e-mail addresses and markup are removed (:mod:`.prose`).
3. Words are cut and tagged with their script (:mod:`.scripts`): a Han, Hiragana or
   Katakana character is one word, elsewhere a run of letters; single letters and math
   function names do not count.
4. A word in a script the target does not use is foreign.  Words in the target's script
   take the language of their clause: where the script is the target's alone (Hangul for
   Korean, Greek, Thai ...) that is the target; Han is Japanese in a clause with kana and
   Chinese otherwise; in a shared script (Latin, Cyrillic, Arabic, Devanagari) a clause is
   decided by its function words when they are plain, by langdetect (seeded, restricted to
   plausible languages, :mod:`.detect`) when they are not, and a clause too short to
   judge takes the language of the clause before it (or after it, or the target)
   (:mod:`.judge`).
5. Score = target-language words / counted words; no counted word at all scores 1.0.

Only clauses that function words cannot settle reach langdetect, so an English CoT of 2,000
words costs a few milliseconds instead of the ~300 ms of running langdetect on every clause
(``benchmarks/bench_language.py``).
"""

from __future__ import annotations

from collections import Counter

from ..completion import split_think
from ..outcome import Outcome
from .judge import ClauseJudge, foreign_label
from .languages import SCRIPTS, normalize_code
from .prose import extract_prose
from .scripts import split_clauses

__all__ = ["check_language", "supported_languages"]


def supported_languages() -> tuple[str, ...]:
    """The ISO 639-1 codes accepted as ``target_lang`` (plus region/script variants)."""
    return tuple(sorted(SCRIPTS))


def check_language(completion: str, target_lang: str, *, prefilled: bool = False) -> Outcome:
    """Score the share of the CoT's words that are in ``target_lang``; never raises.

    ``prefilled``: the chat template already emitted ``<think>``, so the completion starts
    inside the reasoning.
    """
    target = normalize_code(target_lang)
    if target is None:
        return Outcome.invalid(
            f"unsupported target_lang {target_lang!r}; supported: {', '.join(supported_languages())}",
            error_type="invalid_target_lang",
        )
    if not isinstance(completion, str):
        return Outcome.invalid(
            f"completion must be a string, not {type(completion).__name__}",
            error_type="invalid_completion",
        )
    try:
        return _measure(completion, target, prefilled)
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not take the batch down
        return Outcome.error(f"language verifier failed: {exc!r}", retryable=False)


def _measure(completion: str, target: str, prefilled: bool) -> Outcome:
    parts = split_think(completion, prefilled=prefilled)
    cot = (parts.reasoning if parts.has_think else parts.answer) or ""
    judge = ClauseJudge(target)
    clauses = judge.split_mixed(split_clauses(extract_prose(cot)))
    own = SCRIPTS[target]
    counts: Counter[str] = Counter()
    for clause, language in zip(clauses, judge.decide_all(clauses)):
        foreign: dict[str, str] = {}
        for word in clause:
            if not word.counts:
                continue
            if word.script in own:
                counts[language or target] += 1
            else:
                if word.script not in foreign:
                    foreign[word.script] = foreign_label(word.script, clause)
                counts[foreign[word.script]] += 1
    words = sum(counts.values())
    on_target = counts.get(target, 0)
    return Outcome.ok(
        on_target / words if words else 1.0,
        target=target,
        words=words,
        target_words=on_target,
        foreign_words=words - on_target,
        detected=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        clauses=len(clauses),
        detector_calls=judge.detector_calls,
        cot="think" if parts.has_think else "completion",
    )
