"""The language-consistency verifier: a labelled set, each rule of the policy, properties."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reward_server.verifiers.language import check_language, supported_languages
from reward_server.verifiers.language.prose import extract_prose
from reward_server.verifiers.language.scripts import split_clauses

DATA = Path(__file__).resolve().parent.parent / "data"
CASES = [
    json.loads(line)
    for line in (DATA / "language_cases.jsonl").read_text(encoding="utf-8").splitlines()
    if line
]

# Sentences and their word counts under the policy (counted by hand).
EN = "We need to find the number of positive integers that satisfy both conditions."
EN2 = "If we subtract the second equation from the first one, the constant term cancels."
FR = "Nous devons trouver le nombre d'entiers positifs qui vérifient les deux conditions."
ZH = "我们要找出同时满足两个条件的正整数的个数。"
JA = "方程式をもっと簡単な形に書き直します。"
KO = "방정식을 더 간단한 형태로 다시 쓰겠습니다."
N_EN, N_EN2, N_FR = 13, 14, 12  # "d'entiers": "d" is a single letter
N_ZH, N_JA, N_KO = 20, 18, 6  # Han/kana characters; Hangul runs


def score(completion: str, target: str = "en", **kw: bool) -> float:
    outcome = check_language(completion, target, **kw)
    assert outcome.status == "ok", outcome
    assert outcome.score is not None
    return outcome.score


def think(body: str, answer: str = "Answer: 12.") -> str:
    return f"<think>\n{body}\n</think>\n{answer}"


# ---------------------------------------------------------------- the labelled set
def test_labelled_set_is_big_and_varied() -> None:
    languages = {c["target_lang"].lower().replace("_", "-").split("-")[0] for c in CASES}
    assert len(CASES) >= 90
    assert len(languages) >= 8
    expected = [c["expected"] for c in CASES]
    assert any(0.2 < e < 0.35 for e in expected) and any(0.65 < e < 0.8 for e in expected)
    assert 0.0 in expected and 1.0 in expected


def test_labelled_set_within_tolerance() -> None:
    misses = []
    for case in CASES:
        outcome = check_language(
            case["completion"], case["target_lang"], prefilled=case.get("prefilled", False)
        )
        if outcome.score is None or abs(outcome.score - case["expected"]) > 0.1:
            misses.append((case["name"], case["expected"], outcome.score, outcome.details))
    for miss in misses:
        print("MISS", *miss)
    assert len(misses) <= 0.05 * len(CASES), f"{len(misses)} of {len(CASES)} off by > 0.1"


def test_labels_are_reproduced_by_their_generator(tmp_path: Path) -> None:
    """Labels come from counting hand-written sentences, never from the verifier."""
    spec = importlib.util.spec_from_file_location("make_cases", DATA / "make_language_cases.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build()
    assert [json.loads(json.dumps(c)) for c in module.CASES] == CASES
    assert "reward_server" not in (DATA / "make_language_cases.py").read_text(encoding="utf-8")


# ---------------------------------------------------------------- target codes
@pytest.mark.parametrize("code", ["zh", "zh-cn", "zh-tw", "ZH-TW", "zh_CN", "zh-Hans", "cmn"])
def test_every_chinese_code_means_chinese(code: str) -> None:
    outcome = check_language(think(ZH + EN), code)
    assert outcome.details["target"] == "zh"
    assert outcome.score == pytest.approx(N_ZH / (N_ZH + N_EN))


@pytest.mark.parametrize("code", ["xx", "", "english", "zz-ZZ", None, 3])
def test_unknown_target_is_invalid(code: object) -> None:
    outcome = check_language(think(EN), code)  # type: ignore[arg-type]
    assert outcome.status == "invalid"
    assert outcome.score is None
    assert outcome.error_type == "invalid_target_lang"


def test_supported_languages_cover_the_required_ones() -> None:
    required = {"en", "zh", "ja", "ko", "ru", "fr", "de", "es", "it", "pt", "ar", "hi", "vi"}
    assert required <= set(supported_languages())
    for code in supported_languages():
        assert check_language(think(""), code).score == 1.0


# ---------------------------------------------------------------- where the CoT is
def test_no_countable_words_scores_one() -> None:
    for text in ("", "<think></think>", "<think>  </think>Réponse", "x = y + 1, a b c", "$x$"):
        outcome = check_language(text, "en")
        assert outcome.score == 1.0 and outcome.details["words"] == 0


def test_only_the_think_block_counts() -> None:
    assert score(think(EN, answer=FR + ZH)) == 1.0
    assert score(think(FR, answer=EN)) == 0.0


def test_without_think_block_the_whole_completion_counts() -> None:
    outcome = check_language(EN + " " + ZH, "en")
    assert outcome.details["cot"] == "completion"
    assert outcome.score == pytest.approx(N_EN / (N_EN + N_ZH))


def test_unclosed_think_block_is_the_rest_of_the_text() -> None:
    assert score("<think>" + EN + " " + ZH) == pytest.approx(N_EN / (N_EN + N_ZH))


def test_prefilled_completion_starts_inside_the_reasoning() -> None:
    assert score(EN + "</think>" + ZH, prefilled=True) == 1.0
    assert score(ZH + "</think>" + EN, prefilled=True) == 0.0
    assert score(EN + " " + ZH, "zh", prefilled=True) == pytest.approx(N_ZH / (N_EN + N_ZH))


# ---------------------------------------------------------------- what is removed
REMOVED = [
    "```python\ndef solve(values):\n    return sorted(values, reverse=True)\n```",
    "~~~\nprint('the answer is here')\n~~~",
    "`numpy.linalg.solve(matrix, vector)`",
    r"$\text{the area of the triangle}$",
    r"$$\sum_{k=1}^{n} k \quad \text{for every integer}$$",
    r"\[ \frac{a}{b} \text{ where both are positive} \]",
    r"\( \lim_{n \to \infty} \text{of the sequence} \)",
    "\\begin{align}\n a &= b \\text{ since the terms cancel} \\\\\n\\end{align}",
    "\\begin{pmatrix} \\text{first row} \\\\ \\text{second row} \\end{pmatrix}",
    "https://en.wikipedia.org/wiki/Quadratic_equation",
    "www.example.com/solving/equations",
    "student.helper@example.org",
]
UNCLOSED = "\\begin{align}\n x &= \\text{unclosed at the end of the text}"


@pytest.mark.parametrize("removed", [*REMOVED, UNCLOSED])
def test_code_latex_urls_and_emails_do_not_count(removed: str) -> None:
    assert score(think(ZH + "\n" + removed + "\n\n" + ZH), "zh") == 1.0
    # Control: the same English words as prose do count.
    words = " ".join(w for w in removed.replace("\\", " ").split() if w.isalpha())
    if len(words.split()) >= 2:
        assert score(think(ZH + "\n" + words + "\n" + ZH), "zh") < 1.0


def test_answer_tags_are_markup_not_words() -> None:
    assert score(think("<answer>" + ZH + "</answer>"), "zh") == 1.0


def test_dollar_amounts_are_prose_not_math() -> None:
    prose = extract_prose("It costs $5 and the other one costs $10 today.")
    assert "and the other one costs" in prose


def test_prose_environments_keep_their_words() -> None:
    text = "\\begin{itemize}\n\\item Premier point important.\n\\end{itemize}"
    assert "Premier point important" in extract_prose(text)


def test_single_letters_and_math_function_names_do_not_count() -> None:
    outcome = check_language(
        think("设 x 为正数，计算 sin x 与 cos y 的和，再取 log 和 exp。"), "zh"
    )
    assert outcome.score == 1.0
    assert outcome.details["words"] == 12


def test_spanish_sin_is_a_word() -> None:
    outcome = check_language(think("Sin embargo, la suma no cambia sin importar el orden."), "es")
    # "Sin" at the start and "sin importar" are Spanish, not the sine.
    assert outcome.details["words"] == 10 and outcome.score == 1.0


def test_latin_words_in_a_chinese_cot_are_foreign() -> None:
    assert score(think("我们可以用 Python 来验证结果。"), "zh") == pytest.approx(10 / 11)


# ---------------------------------------------------------------- words and scripts
def test_han_and_kana_characters_are_words_and_hangul_runs_are_words() -> None:
    assert check_language(think(ZH), "zh").details["words"] == N_ZH
    assert check_language(think(JA), "ja").details["words"] == N_JA
    assert check_language(think(KO), "ko").details["words"] == N_KO


def test_combining_marks_stay_inside_words() -> None:
    hindi = "हम फलन का अवकलज निकालते हैं।"
    assert check_language(think(hindi), "hi").details["words"] == 6
    assert [w.text for w in split_clauses("Đây là bài toán")[0]] == ["Đây", "là", "bài", "toán"]


def test_japanese_han_counts_for_japanese_but_not_for_chinese() -> None:
    assert score(think(JA), "ja") == 1.0
    assert score(think(JA), "zh") == 0.0
    assert score(think(JA + ZH), "zh") == pytest.approx(N_ZH / (N_JA + N_ZH))
    assert score(think(JA + ZH), "ja") == pytest.approx(N_JA / (N_JA + N_ZH))


def test_han_in_a_korean_cot_is_foreign() -> None:
    assert score(think(KO + " " + ZH), "ko") == pytest.approx(N_KO / (N_KO + N_ZH))


@pytest.mark.parametrize(
    ("target", "text", "expected"),
    [
        ("ru", "Давайте вычислим производную функции. " + EN, 4 / (4 + N_EN)),
        ("ar", "لنحسب مشتقة الدالة ثم نتحقق من الإشارة. " + EN, 7 / (7 + N_EN)),
        ("el", "Επομένως η τελική απάντηση είναι δώδεκα. " + EN, 5 / (5 + N_EN)),  # η: 1 letter
        ("he", "לכן התשובה הסופית היא שתים עשרה. " + EN, 6 / (6 + N_EN)),
        ("en", "Давайте вычислим производную функции. " + EN, N_EN / (4 + N_EN)),
    ],
)
def test_other_scripts(target: str, text: str, expected: float) -> None:
    assert score(think(text), target) == pytest.approx(expected)


# ---------------------------------------------------------------- clause decisions
def test_sentence_level_mixture_in_one_script() -> None:
    total = N_EN + N_FR + N_EN2
    assert score(think(f"{EN} {FR} {EN2}")) == pytest.approx((N_EN + N_EN2) / total)
    assert score(think(f"{EN} {FR} {EN2}"), "fr") == pytest.approx(N_FR / total)


def test_a_sentence_that_switches_language_at_a_comma_is_split_there() -> None:
    text = "Nous calculons la somme, and then we check the result."
    assert score(think(text), "fr") == pytest.approx(4 / 10)
    # Commas inside a sentence of one language change nothing.
    assert score(think("However, in this case, the sum is zero, as expected."), "en") == 1.0


def test_short_clause_does_not_flip_on_noise() -> None:
    # "Hmm", "Bien", "OK" alone: no evidence either way, so they take their neighbours'.
    assert score(think(f"{EN} Hmm. Bien. OK. {EN2}")) == 1.0
    assert score(think(f"{FR} Hmm. Okay. {FR}"), "fr") == 1.0


def test_short_clause_with_plain_function_words_is_decided() -> None:
    # oui, est, ça: three words, all French function words.
    assert score(think(f"{EN} Oui, c'est ça. {EN2}")) == pytest.approx(
        (N_EN + N_EN2) / (N_EN + 3 + N_EN2)
    )


def test_technical_fragments_are_not_taken_for_french() -> None:
    text = f"{EN} Substitute values. Simplify expression. Compute discriminant value. {EN2}"
    assert score(think(text)) == 1.0


def test_long_text_is_measured_beyond_langdetects_window() -> None:
    english = " ".join([EN] * 60)  # ~4,900 characters
    french = " ".join([FR] * 60)
    outcome = check_language(think(english + " " + french + " " + english), "en")
    assert outcome.score == pytest.approx(2 / 3, abs=0.02)


def test_common_case_needs_no_langdetect() -> None:
    text = think(" ".join([EN, EN2] * 40))
    assert check_language(text, "en").details["detector_calls"] == 0
    assert check_language(think(" ".join([ZH, EN] * 20)), "zh").details["detector_calls"] == 0


def test_details_add_up() -> None:
    d = check_language(think(f"{EN} {FR} {ZH} {KO}"), "en").details
    assert sum(d["detected"].values()) == d["words"] == d["target_words"] + d["foreign_words"]
    assert set(d["detected"]) == {"en", "fr", "zh", "ko"}


# ---------------------------------------------------------------- determinism
PROBES = [c for c in CASES if c["expected"] not in (0.0, 1.0)][:25]


def _scores() -> list[float | None]:
    return [check_language(c["completion"], c["target_lang"]).score for c in PROBES]


def test_deterministic_across_threads_on_first_use() -> None:
    """Fresh process, eight threads racing through the first langdetect use."""
    code = (
        "import json, sys\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from reward_server.verifiers.language import check_language\n"
        "cases = json.loads(sys.stdin.read())\n"
        "def run(_):\n"
        "    return [check_language(c['completion'], c['target_lang']).score for c in cases]\n"
        "with ThreadPoolExecutor(8) as pool:\n"
        "    print(json.dumps(list(pool.map(run, range(8)))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(PROBES),
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
        timeout=120,
    )
    runs = json.loads(done.stdout)
    mine = _scores()
    assert all(run == mine for run in runs)


def test_deterministic_across_calls() -> None:
    first = _scores()
    with ThreadPoolExecutor(4) as pool:
        assert all(r == first for r in pool.map(lambda _: _scores(), range(4)))


# ---------------------------------------------------------------- properties
TARGETS = st.sampled_from(list(supported_languages()) + ["zh-cn", "zh-TW", "en-US", "xx", ""])
PIECES = (
    list("ab xyz$\\{}[]()`~<>/|_^.!?;:，。\n\t")
    + ["<think>", "</think>", "\\begin{align}", "\\end{align}", "$$", "```", "\\[", "\\]"]
    + list("éßñçøłşğı")
    + list("中文日本語かなカナ한국어русскийعربيहिंदीελλάδαไทย")
    + ["\u0301", "\u200c", "\u3000", "\ufeff", "\U0001f600", "the ", "la ", "Wait, "]
)
NASTY = st.lists(st.sampled_from(PIECES), max_size=200).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=400), NASTY), target=TARGETS, prefilled=st.booleans())
def test_never_raises_and_stays_in_range(text: str, target: str, prefilled: bool) -> None:
    outcome = check_language(text, target, prefilled=prefilled)
    assert outcome.status in ("ok", "invalid")
    if outcome.status == "ok":
        assert outcome.score is not None and 0.0 <= outcome.score <= 1.0
        assert outcome.details["words"] >= outcome.details["target_words"] >= 0
        assert outcome == check_language(text, target, prefilled=prefilled)


SENTENCES = st.lists(st.sampled_from([EN, EN2, FR, ZH, JA, KO]), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    sentences=SENTENCES,
    target=st.sampled_from(["en", "fr", "zh", "ja", "ko"]),
    block=st.sampled_from(REMOVED),
    at=st.integers(0, 8),
)
def test_removed_material_never_changes_the_score(
    sentences: list[str], target: str, block: str, at: int
) -> None:
    plain = " ".join(sentences)
    with_block = " ".join(sentences[:at] + ["\n" + block + "\n"] + sentences[at:])
    assert score(think(with_block), target) == score(think(plain), target)
