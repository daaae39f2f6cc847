"""The fast paths of the instruction checks equal the slow, plain library calls.

``langid.detect`` must give langdetect's own answer (same n-gram list, same order, same
seed) and ``count_capital_words`` must equal counting ``isupper()`` over every
``nltk.word_tokenize`` token; both are compared on a corpus of hard cases and on
generated text.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reward_server.verifiers.instructions import langid
from reward_server.verifiers.instructions.nlp import (
    _sentence_tokenizer,
    count_capital_words,
    count_sentences,
    split_sentences,
    word_tokens,
)

CORPUS = [
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "THIS IS ALL CAPITALS, SHOUTED ACROSS THE ROOM BY NASA AND THE CIA.",
    "Mixed CAPS and lower: NASA, iPhone, McDonald's, U.S.A., e.g. and etc.",
    "Je pense donc je suis, et nous allons au marché demain matin.",
    "Ich habe heute keine Zeit, weil ich arbeiten muss. Straße, Größe, Übermut!",
    "Tôi muốn đi du lịch Việt Nam vào mùa hè năm nay.",  # precomposed
    "To\u0302i muo\u0302\u0301n đi du li\u0323ch",  # Vietnamese with combining marks
    "Mergem la școală și la țară, în România.",  # comma-below s and t
    "این یک متن فارسی است که حرف ی دارد.",  # Farsi yeh
    "هذا نص عربي قصير للاختبار فقط.",
    "今天天气很好，我们去公园散步吧。I like it.",  # Han with some Latin
    "今日はとても良い天気ですね。カタカナもひらがなも。",
    "오늘은 날씨가 좋아서 공원에 산책하러 갑니다.",
    "Сегодня хорошая погода, и мы пойдём гулять в парк.",
    "ㄅㄆㄇㄈ bopomofo and Ελληνικά κείμενα εδώ.",
    "See https://example.com/path?q=1 or mail me at someone@example.org today.",
    "Dashes — and ellipses … and “quotes” and ‘single’ ones.",
    "12345 67890 !!! ???",  # no features
    "",
    "   spaced    out     words    ",
    "ABC DEF GHI jkl MNO pqr",
    "A b C d E f G h",
    "Ünïcödé ÀÉÎÕÜ àéîõü ÇçÑñ",
    "word " * 3000,  # past langdetect's 10,000 characters
    "DOn't CAn't WON'T I'm I'M 'Tis 'TWAS CANnot GONna GOTta LEMme GIMme WANna go d'Ye MORE'n",
    '"Quoted START" and (PAREN) [BRACKET] {BRACE} <ANGLE> --DASH-- A.B.C. X-RAY',
    "Okay. Then I said: OK! Why? Because... IT WAS. e.g. NO, ok.",
    "Ⓐ circled ⓐ and ǅ titlecase and ß and İstanbul and ΣΑΣ",
    'One. Two! Three? Four... Five. (Six.) "Seven." Mr. Eight left at 5 p.m. Nine. Ten.',
    "Dr. Smith arrived at 3.5 p.m. on Jan. 5th. He sat down. It was U.S. policy, e.g. law.\n\n"
    "Section 1\nThe first point. The second point!\n\n* bullet one.\n* bullet two",
]

# Characters that exercise langdetect's normalisation and Treebank's rules.
ALPHABET = st.sampled_from(
    list("aAbBzZ ,.!?'\"-—…ǅßİéÉ\u0302\u0301șțی日本カタあ한ㄅΣσя\n\t:;()[]")
    + ["n't", "N'T", "'s", "cannot"]
)
TEXT = st.lists(st.one_of(ALPHABET, st.text(max_size=5)), max_size=60).map("".join)


def _langdetect(text: str) -> tuple[str, list[str], str | None]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = langid.factory().create()
    detector.append(text)
    detector.cleaning_text()
    prepared, ngrams = detector.text, detector._extract_ngrams()
    plain = langid.factory().create()
    plain.append(text)
    try:
        answer: Any = plain.detect()
    except LangDetectException:
        answer = None
    return prepared, ngrams, answer


def _check_language(text: str) -> None:
    prepared, ngrams, answer = _langdetect(text)
    ours = langid._prepare(text, 10_000)
    assert ours == prepared
    assert langid._ngrams(ours) == ngrams
    assert langid.detect(text) == answer


def _check_capitals(text: str) -> None:
    assert count_capital_words(text) == sum(1 for t in word_tokens(text) if t.isupper())


def _check_sentences(text: str) -> None:
    sentences = _sentence_tokenizer().tokenize(text)  # what IFEval calls
    assert list(split_sentences(text)) == sentences
    assert count_sentences(text) == len(sentences)
    for enough in (0, 1, 2, 5):
        counted = count_sentences(text, enough=enough)
        assert counted == len(sentences) if len(sentences) < enough else counted >= enough


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_language_equals_langdetect(text: str) -> None:
    _check_language(text)


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_capital_words_equal_word_tokenize(text: str) -> None:
    _check_capitals(text)


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_lazy_sentences_equal_tokenize(text: str) -> None:
    _check_sentences(text)


def test_contractions_split_capitals() -> None:
    # The cases the shortcut must not skip: a split between a capital and a small letter.
    assert count_capital_words("DOn't") == 1  # DO / n't
    assert count_capital_words("CANnot") == 1  # CAN / not
    assert count_capital_words("GONna go") == 1  # GON / na
    assert count_capital_words("Okay then.") == 0
    text = "We ran. OK then. " * 10  # ten capital words, one per two sentences
    assert count_capital_words(text) == 10
    assert 3 <= count_capital_words(text, enough=3) < 10  # stops early, past the threshold
    assert count_capital_words(text, enough=11) == 10


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_generated_text_language(text: str) -> None:
    _check_language(text)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_generated_text_capitals(text: str) -> None:
    _check_capitals(text)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_generated_text_sentences(text: str) -> None:
    _check_sentences(text)
