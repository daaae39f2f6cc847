"""The language-consistency reward: the share of the CoT's words that are in the target language.

DeepSeek-R1 rewards "the proportion of target-language words in the CoT".  The policy
(issue 2, and docs/language.md for every decision in detail):

1. The CoT is the inside of the think block; with no think block, the whole completion.
2. Code, LaTeX, URLs, e-mail addresses and markup are removed (:mod:`.lang_prose`).
3. Words are cut and tagged with their script (:mod:`.lang_scripts`): a Han, Hiragana or
   Katakana character is one word, elsewhere a run of letters; single letters and math
   function names do not count.
4. A word in a script the target does not use is foreign.  Words in the target's script
   take the language of their clause: where the script is the target's alone (Hangul for
   Korean, Greek, Thai ...) that is the target; Han is Japanese in a clause with kana and
   Chinese otherwise; in a shared script (Latin, Cyrillic, Arabic, Devanagari) a clause is
   decided by its function words when they are plain, by langdetect (seeded, restricted to
   plausible languages, :mod:`.lang_detect`) when they are not, and a clause too short to
   judge takes the language of the clause before it (or after it, or the target).
5. Score = target-language words / counted words; no counted word at all scores 1.0.

Only clauses that function words cannot settle reach langdetect, so an English CoT of 2,000
words costs a few milliseconds instead of the ~300 ms of running langdetect on every clause
(``benchmarks/bench_language.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .base import Outcome
from .lang_detect import detect
from .lang_prose import extract_prose
from .lang_scripts import Word, split_clauses
from .lang_table import (
    SCRIPT_LANGUAGE,
    SCRIPTS,
    candidates,
    function_word_index,
    languages_of,
    normalize_code,
)
from .text import split_think

__all__ = ["check_language", "supported_languages"]

#: A clause with fewer counted words in the decided script is too short to judge alone.
MIN_CLAUSE_WORDS = 4
#: A Han-only clause of a Japanese CoT is sent to langdetect (ja vs zh) from this length.
MIN_HAN_CLAUSE = 6
#: Share of kana among a clause's Han + kana characters that makes it Japanese.
KANA_SHARE = 0.1
#: langdetect answers below this probability are treated as "cannot tell".
MIN_DETECT_PROB = 0.7


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
    clauses = split_clauses(extract_prose(cot))
    judge = _ClauseJudge(target)
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
                    foreign[word.script] = _foreign_label(word.script, clause)
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


def _kana_share(clause: Sequence[Word]) -> float:
    han = sum(w.script == "Hani" for w in clause)
    kana = sum(w.script == "Kana" for w in clause)
    return kana / (han + kana) if kana else 0.0


def _vote(words: Sequence[Word], index: dict[str, tuple[str, ...]]) -> list[tuple[int, str]]:
    """Function-word hits per language, best first (ties in code order)."""
    hits: Counter[str] = Counter()
    for word in words:
        for code in index.get(word.text.lower(), ()):
            hits[code] += 1
    return sorted(((n, code) for code, n in hits.items()), key=lambda t: (-t[0], t[1]))


def _plain_winner(votes: list[tuple[int, str]], short: bool) -> str | None:
    """The language function words plainly point to, if any.

    A long clause needs two hits and twice the runner-up; a short one two hits and no
    runner-up at all, so that one shared word ("la", "de") never flips it.
    """
    if not votes or votes[0][0] < 2:
        return None
    best, code = votes[0]
    second = votes[1][0] if len(votes) > 1 else 0
    if (second == 0) if short else (best >= 2 * second):
        return code
    return None


def _foreign_label(script: str, clause: Sequence[Word]) -> str:
    """A language label for words in a script the target does not use (for ``detected``)."""
    if script == "Hani":
        return "ja" if _kana_share(clause) >= KANA_SHARE else "zh"
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script]
    languages = languages_of(script)
    if languages:
        words = [w for w in clause if w.script == script]
        winner = _plain_winner(_vote(words, function_word_index(languages)), short=False)
        if winner:
            return winner
    return f"und-{script}"


class _ClauseJudge:
    """Decides the language of each clause's words in the target's script(s)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.own = SCRIPTS[target]
        self.detector_calls = 0

    def decide_all(self, clauses: Sequence[Sequence[Word]]) -> list[str | None]:
        """One language per clause (``None``: no counted word in the target's script).

        Clauses that cannot be judged alone take the language of the nearest judged clause
        before them, else after them, else the target.
        """
        decided: list[str | None] = []
        undecided: set[int] = set()
        for i, clause in enumerate(clauses):
            words = [w for w in clause if w.script in self.own]
            if not any(w.counts for w in words):
                decided.append(None)
                continue
            language = self._decide(words, clause)
            decided.append(language)
            if language is None:
                undecided.add(i)
        if undecided:
            judged = [lang if i not in undecided else None for i, lang in enumerate(decided)]
            before: list[str | None] = []
            last = None
            for lang in judged:
                before.append(last)
                last = lang or last
            after: list[str | None] = [None] * len(judged)
            last = None
            for i in range(len(judged) - 1, -1, -1):
                after[i] = last
                last = judged[i] or last
            for i in undecided:
                decided[i] = before[i] or after[i] or self.target
        return decided

    def _decide(self, words: list[Word], clause: Sequence[Word]) -> str | None:
        script = words[0].script
        if "Hani" in self.own:
            return self._decide_han(words, clause)
        languages = languages_of(script)
        if len(languages) <= 1:
            return self.target
        pool = candidates(self.target, script)
        counted = sum(w.counts for w in words)
        votes = _vote(words, function_word_index(pool))
        short = counted < MIN_CLAUSE_WORDS
        winner = _plain_winner(votes, short)
        if winner or short:
            return winner
        self.detector_calls += 1
        found = detect(" ".join(w.text for w in words), pool)
        if found and found[1] >= MIN_DETECT_PROB:
            return found[0]
        return votes[0][1] if votes and (len(votes) == 1 or votes[0][0] > votes[1][0]) else None

    def _decide_han(self, words: list[Word], clause: Sequence[Word]) -> str | None:
        if _kana_share(clause) >= KANA_SHARE:
            return "ja"
        if self.target == "zh":
            return "zh"
        han = "".join(w.text for w in words if w.script == "Hani")
        if len(han) < MIN_HAN_CLAUSE:
            return None
        self.detector_calls += 1
        found = detect(han, ("ja", "zh"))
        return found[0] if found and found[1] >= MIN_DETECT_PROB else None
