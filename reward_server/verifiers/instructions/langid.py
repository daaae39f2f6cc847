"""langdetect's ``detect``, exactly, with its feature extraction done per word instead of per char.

IFEval asks langdetect for the language of the whole response.  On a 2,000-word answer
langdetect spends ~90 % of its time building the list of n-grams it then samples from:
a Python loop over every character, with a method call and an object update each.  The
list depends on nothing but the words — after langdetect's per-character normalisation,
a space resets its n-gram buffer — so it is built here from a cache of each word's
n-grams, and handed to langdetect's own sampler (same list, same order, same seed: the
same answer; ``tests/verifiers/test_instructions_nlp.py`` compares the two on a corpus).

Each step mirrors one langdetect method: :func:`_prepare` is ``Detector.append`` and
``cleaning_text``, :func:`_word_grams` is ``NGram.add_char`` with the inner loop of
``_extract_ngrams``.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

_SEED = 0
_SPACES = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', brackets and backtick included
_FROM_U0300 = re.compile("[\u0300-\U0010ffff]")
_LOCK = threading.Lock()
_NORMALIZED: dict[int, str] = {}  # code point -> NGram.normalize(char), filled as chars appear


@lru_cache(maxsize=1)
def factory() -> Any:
    """All 55 profiles, seeded with 0 (IFEval's ``DetectorFactory.seed = 0``)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    built = DetectorFactory()
    built.load_profile(PROFILES_DIRECTORY)
    built.set_seed(_SEED)
    return built


def _prepare(text: str, max_length: int) -> str:
    """``Detector.append`` then ``Detector.cleaning_text``."""
    from langdetect.detector import Detector
    from langdetect.utils.ngram import NGram

    text = Detector.MAIL_RE.sub(" ", Detector.URL_RE.sub(" ", text))
    text = _SPACES.sub(" ", NGram.normalize_vi(text)[:max_length])  # append keeps one of a run
    # langdetect meant to spare 'Latin Extended Additional' here, but compares the block's
    # number with its name, so every character from U+0300 counts as non-Latin.
    if len(_LATIN.findall(text)) * 2 < len(_FROM_U0300.findall(text)):
        text = _LATIN.sub("", text)
    return text


def _normalize(text: str) -> str:
    from langdetect.utils.ngram import NGram

    for char in set(text):
        if ord(char) not in _NORMALIZED:
            _NORMALIZED[ord(char)] = NGram.normalize(char)
    return text.translate(_NORMALIZED)


@lru_cache(maxsize=1 << 16)
def _word_grams(word: str, spaced: bool) -> tuple[str, ...]:
    """The n-grams langdetect collects for ``word`` (normalised, no space) in its vocabulary.

    ``spaced``: a space follows, which adds the word's last one and two characters with
    that space.  A space resets langdetect's buffer, so this is all a word contributes.
    """
    vocabulary = factory().word_lang_prob_map
    found = []
    grams, capital_word = " ", False
    for char in word + (" " if spaced else ""):
        last = grams[-1]
        if last == " ":
            grams, capital_word = " ", False
            if char == " ":
                continue
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += char
        if char.isupper():
            if last.isupper():
                capital_word = True
        else:
            capital_word = False
        if capital_word:
            continue
        for n in (1, 2, 3):
            if len(grams) < n:
                break
            gram = grams[-n:]
            if gram != " " and gram in vocabulary:
                found.append(gram)
    return tuple(found)


def _ngrams(text: str) -> list[str]:
    """``Detector._extract_ngrams`` on the prepared ``text``."""
    pieces = _normalize(text).split(" ")
    last = len(pieces) - 1
    found: list[str] = []
    for index, piece in enumerate(pieces):
        if piece:
            found.extend(_word_grams(piece, index < last))
    return found


def detect(text: str) -> str | None:
    """``langdetect.detect(text)`` with the seed 0; ``None`` where langdetect raises."""
    with _LOCK:  # first use loads 55 profiles; later calls find them built
        built = factory()
    detector = built.create()
    prepared = _prepare(text, detector.max_text_length)
    ngrams = _ngrams(prepared)
    if not ngrams:
        return None  # langdetect: "No features in text."
    detector.text = prepared
    detector.cleaning_text = lambda: None  # done in _prepare
    detector._extract_ngrams = lambda: ngrams
    return str(detector.detect())
