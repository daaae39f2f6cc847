"""Deciding the language of each clause: function words first, langdetect where they fail.

Only words in the target's own script(s) need a decision (the others are foreign by their
script).  In order of cost:

1. a script that only the target uses (Hangul for Korean, Greek, Thai ...): the target;
2. Han: Japanese in a clause with kana (at least KANA_SHARE of its Han + kana), else
   Chinese; a Japanese CoT sends a long kana-free clause to langdetect (ja or zh);
3. a shared script (Latin, Cyrillic, Arabic, Devanagari): function words vote, each word
   listed by k languages giving 1/k to each; a plain winner decides.  Latin clauses left
   undecided get half-votes from spelling marks ("ção", "ñ", "ß" ...);
4. still undecided and long enough: langdetect, restricted to plausible candidates (the
   target, English, and the languages the votes point to); in a short Latin clause its answer
   must be backed by a vote, because on a few words it is confidently wrong;
5. clauses too short to judge (fewer than MIN_CLAUSE_WORDS words) or still undecided take
   the language of the nearest judged clause before them, else after them, else the target:
   "Hmm.", "OK." or "Bien." never flip on noise.
"""

from __future__ import annotations

from collections.abc import Sequence

from .detect import detect
from .languages import (
    SCRIPT_LANGUAGE,
    SCRIPTS,
    function_word_index,
    languages_of,
    spelling_marks,
)
from .scripts import Word

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
#: Evidence that makes a comma piece plainly one language (see ClauseJudge.split_mixed).
PIECE_EVIDENCE = 1.0
#: A spelling mark counts for this much of a function word.
SPELLING_WEIGHT = 0.5
#: The language a model drifts into most: always a candidate for a Latin-script clause.
DRIFT_LANGUAGE = "en"
#: langdetect answers below this probability are treated as "cannot tell".
MIN_DETECT_PROB = 0.7
#: Below this probability langdetect's answer for a short clause does not outweigh function
#: words that tie it with the target.
SURE_DETECT_PROB = 0.95
#: From this many words langdetect is trusted without function words backing it.
LONG_CLAUSE_WORDS = 10
#: langdetect calls allowed per completion: beyond, clauses are judged by function words
#: or inherit, so a 100 kB degenerate completion costs a bounded ~0.3 s.
MAX_DETECTOR_CALLS = 48


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


def _piece_winner(votes: list[tuple[float, str]]) -> str | None:
    """The language a comma piece is plainly in: one distinctive function word ("nous",
    "the") with no competitor is enough to see that a sentence switches there."""
    if not votes or votes[0][0] < PIECE_EVIDENCE:
        return None
    second = votes[1][0] if len(votes) > 1 else 0.0
    return votes[0][1] if votes[0][0] >= SHORT_LEAD * second else None


def _switch_point(words: Sequence[Word], index: dict[str, tuple[str, ...]]) -> int | None:
    """Where a sentence switches language with no comma ("Donc on obtient la somme and then
    we divide by two"), if it plainly does: two languages both have real function-word
    evidence; the cut that best puts one before the other must leave two
    plainly different halves.  The cut goes just before the second language's first
    function word, since function words open their phrases ("la somme", "the sum")."""
    votes = _vote(words, index)
    if len(votes) < 2 or votes[1][0] < MIN_EVIDENCE:
        return None
    first, second = votes[0][1], votes[1][1]
    weights = [index.get(w.text.lower(), ()) for w in words]
    best: tuple[float, int, str, str] | None = None
    for left, right in ((first, second), (second, first)):
        gain = [
            (1.0 / len(c) if left in c else 0.0) - (1.0 / len(c) if right in c else 0.0)
            for c in weights
        ]
        running, top, at = 0.0, 0.0, 0
        for i, g in enumerate(gain, 1):
            running += g
            if running > top or (running == top and at and g == 0.0):
                top, at = running, i
        # at: just after the last word that still favours ``left``; move up to the next
        # word that favours ``right`` (content words follow their function word).
        while at < len(words) and gain[at] == 0.0:
            at += 1
        if 0 < at < len(words) and (best is None or top > best[0]):
            best = (top, at, left, right)
    if best is None:
        return None
    _, at, left, right = best
    if (
        _piece_winner(_vote(words[:at], index)) == left
        and _piece_winner(_vote(words[at:], index)) == right
    ):
        return at
    return None


def foreign_label(script: str, clause: Sequence[Word]) -> str:
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


class ClauseJudge:
    """Decides the language of each clause's words in the target's script(s)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.own = SCRIPTS[target]
        self.detector_calls = 0

    def split_mixed(self, clauses: Sequence[Sequence[Word]]) -> list[Sequence[Word]]:
        """The units to judge: each clause, or its comma pieces where two pieces plainly
        disagree ("Donc nous avons deux cas, and the second one is empty").

        Only shared scripts need this: elsewhere the script already decides per word.
        """
        shared = [s for s in self.own if len(languages_of(s)) > 1 and s != "Hani"]
        if not shared:
            return list(clauses)
        index = function_word_index(languages_of(shared[0]))
        units: list[Sequence[Word]] = []
        for clause in clauses:
            if clause[-1].piece != 0:
                pieces: dict[int, list[Word]] = {}
                for word in clause:
                    pieces.setdefault(word.piece, []).append(word)
                if self._pieces_disagree(list(pieces.values()), index):
                    units.extend(pieces.values())
                    continue
            at = _switch_point(clause, index)
            if at is None:
                units.append(clause)
            else:
                units.extend((clause[:at], clause[at:]))
        return units

    def _pieces_disagree(self, pieces: list[list[Word]], index: dict[str, tuple[str, ...]]) -> bool:
        """Whether two comma pieces plainly differ, or one piece plainly differs from the
        rest of its sentence ("Calculamos la suma de la serie, which is a geometric series,
        y luego la multiplicamos por dos": only the English piece has a plain winner)."""
        own = [[w for w in piece if w.script in self.own] for piece in pieces]
        winners = [_piece_winner(_vote(words, index)) for words in own]
        found = set(winners) - {None}
        if len(found) > 1:
            return True
        if not found:
            return False
        (code,) = found
        # The rest need not be plain among its neighbours (Spanish against Portuguese):
        # only plainly not the piece's language.
        rest = _vote([w for words, won in zip(own, winners) if won is None for w in words], index)
        if not rest or rest[0][0] < PIECE_EVIDENCE or rest[0][1] == code:
            return False
        against = next((n for n, c in rest if c == code), 0.0)
        return rest[0][0] >= SHORT_LEAD * against

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
        found = self._detect(" ".join(w.text for w in words), languages, allowed)
        voted = {code for _, code in votes}
        if found and found[1] >= MIN_DETECT_PROB:
            # On a few Latin words langdetect is confidently wrong ("Substitute values
            # Simplify expression" -> French, p=0.99999): in a Latin clause shorter than
            # LONG_CLAUSE_WORDS its answer must be backed by a function word of that
            # language.  The other shared scripts have few, distinct alphabets (і/ї/є,
            # پ/چ/گ): there it is trusted.
            code = found[0]
            if code != self.target and found[1] < SURE_DETECT_PROB and counted < LONG_CLAUSE_WORDS:
                # A short clause that function words cannot tell from the target, and on
                # which langdetect hesitates, is noise, not drift ("Добре, подумаймо крок
                # за кроком" -> ru at p=0.86 in a Ukrainian CoT).
                mine = {c: n for n, c in votes}
                if mine.get(self.target, 0.0) >= mine.get(code, 0.0) > 0.0:
                    return self.target
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
        found = self._detect(han, ("ja", "zh"), None)
        return found[0] if found and found[1] >= MIN_DETECT_PROB else None

    def _detect(
        self, text: str, languages: tuple[str, ...], allowed: tuple[str, ...] | None
    ) -> tuple[str, float] | None:
        if self.detector_calls >= MAX_DETECTOR_CALLS:
            return None
        self.detector_calls += 1
        return detect(text, languages, allowed)
