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
    function_word_index,
    languages_of,
    normalize_code,
    spelling_marks,
)
from .text import split_think

__all__ = ["check_language", "supported_languages"]

#: A clause with fewer counted words in the decided script is too short to judge alone.
MIN_CLAUSE_WORDS = 4
#: A Han-only clause of a Japanese CoT is sent to langdetect (ja vs zh) from this length.
MIN_HAN_CLAUSE = 6
#: Share of kana among a clause's Han + kana characters that makes it Japanese.
KANA_SHARE = 0.1
#: Function-word evidence needed to decide a clause without langdetect, and the lead it
#: needs over the runner-up in a long and in a short clause.
MIN_EVIDENCE = 1.5
LONG_LEAD = 2.0
SHORT_LEAD = 3.0
#: A spelling mark counts for this much of a function word.
SPELLING_WEIGHT = 0.5
#: The language a model drifts into most: always a candidate for a Latin-script clause.
DRIFT_LANGUAGE = "en"
#: langdetect answers below this probability are treated as "cannot tell".
MIN_DETECT_PROB = 0.7
#: From this many words langdetect is trusted without function words backing it.
LONG_CLAUSE_WORDS = 10


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


def _vote(words: Sequence[Word], index: dict[str, tuple[str, ...]]) -> list[tuple[float, str]]:
    """Function-word evidence per language, best first (ties in code order).

    A word listed by k languages gives each 1/k: "the" is plain English, "la" barely
    distinguishes French from Spanish or Italian.
    """
    hits: dict[str, float] = {}
    for word in words:
        codes = index.get(word.text.lower())
        if codes:
            for code in codes:
                hits[code] = hits.get(code, 0.0) + 1.0 / len(codes)
    return sorted(((n, code) for code, n in hits.items()), key=lambda t: (-t[0], t[1]))


def _spelling_vote(
    words: Sequence[Word], votes: list[tuple[float, str]]
) -> list[tuple[float, str]]:
    """``votes`` plus half a vote per spelling mark ("ção", "ñ", "ß" ...), shared as above."""
    pattern, table = spelling_marks()
    hits = {code: n for n, code in votes}
    for word in words:
        for mark in pattern.findall(word.text.lower()):
            codes = table.get(mark) or table["\u1ea0"]
            for code in codes:
                hits[code] = hits.get(code, 0.0) + SPELLING_WEIGHT / len(codes)
    return sorted(((n, code) for code, n in hits.items()), key=lambda t: (-t[0], t[1]))


def _plain_winner(votes: list[tuple[float, str]], short: bool) -> str | None:
    """The language function words plainly point to, if any.

    The winner needs MIN_EVIDENCE and a lead over the runner-up, a larger one in a short
    clause, so that a shared word or two ("la", "de", "in") never flips it.
    """
    if not votes or votes[0][0] < MIN_EVIDENCE:
        return None
    best, code = votes[0]
    second = votes[1][0] if len(votes) > 1 else 0.0
    return code if best >= (SHORT_LEAD if short else LONG_LEAD) * second else None


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
        counted = sum(w.counts for w in words)
        votes = _vote(words, function_word_index(languages))
        short = counted < MIN_CLAUSE_WORDS
        winner = _plain_winner(votes, short)
        if winner is None and script == "Latn":
            votes = _spelling_vote(words, votes)
            winner = _plain_winner(votes, short)
        if winner or short:
            return winner
        allowed = self._plausible(script, votes)
        if len(allowed) == 1:
            return allowed[0]
        self.detector_calls += 1
        found = detect(" ".join(w.text for w in words), languages, allowed)
        voted = {code for _, code in votes}
        if found and found[1] >= MIN_DETECT_PROB:
            # On a few Latin words langdetect is confidently wrong ("Substitute values
            # Simplify expression" -> French, p=0.99999): in a Latin clause shorter than
            # LONG_CLAUSE_WORDS its answer must be backed by a function word of that
            # language.  The other shared scripts have few, distinct alphabets (і/ї/є,
            # پ/چ/گ): there it is trusted.
            code = found[0]
            if code in voted or counted >= LONG_CLAUSE_WORDS or script != "Latn":
                return code
        if votes and (len(votes) == 1 or votes[0][0] > votes[1][0]):
            return votes[0][1]
        return None

    def _plausible(self, script: str, votes: list[tuple[float, str]]) -> tuple[str, ...]:
        """Candidates for langdetect.  Latin has many languages: the target, the usual drift
        language, and those the function words point to (at least half the best evidence).
        The other shared scripts have few: all of them."""
        if script != "Latn":
            return languages_of(script)
        found = {self.target, DRIFT_LANGUAGE}
        if votes:
            found.update(code for n, code in votes if n >= votes[0][0] / 2)
        return tuple(sorted(found))

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
