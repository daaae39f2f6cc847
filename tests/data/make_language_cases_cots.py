"""Hand-written R1-style CoTs for the language reward, labelled independently of the verifier.

Every case is a list of segments, each written by hand in a language we know (``None`` for
material the policy removes: code, LaTeX, URLs, e-mails, markup).  The label is computed by
counting words per the policy with a counter of its own (Unicode character names, never the
verifier's tables): a word is on target when its segment is in the target language and its
script is one the target uses.  Regenerate with

    .venv/bin/python tests/data/make_language_cases_cots.py
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent / "language_cases_cots.jsonl"

TARGET_SCRIPTS = {"zh": {"HAN"}, "ja": {"HAN", "KANA"}}
MATH_NAMES = set(
    [
        "sin",
        "cos",
        "tan",
        "cot",
        "sec",
        "csc",
        "log",
        "ln",
        "exp",
        "lim",
        "max",
        "min",
        "gcd",
        "lcm",
        "mod",
        "det",
        "sqrt",
    ]
)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith("CJK UNIFIED") or name.startswith("CJK COMPATIBILITY IDEOGRAPH"):
        return "HAN"
    if name.startswith(("HIRAGANA", "KATAKANA")):
        return "KANA"
    return name.split(" ")[0]


def count_words(text: str) -> list[str]:
    """The scripts of the counted words of ``text`` (policy: Han/kana char = word; else a
    run of letters of one script; single letters and math function names do not count)."""
    text = unicodedata.normalize("NFC", text)
    words: list[tuple[str, str]] = []
    run, run_script = "", ""
    for ch in text + " ":
        cat = unicodedata.category(ch)
        script = _script(ch) if cat[0] in "LM" else ""
        if script in ("HAN", "KANA"):
            if run:
                words.append((run, run_script))
            words.append((ch, script))
            run, run_script = "", ""
        elif cat[0] == "M" and run or cat[0] == "L" and script == run_script:
            run += ch
        else:
            if run:
                words.append((run, run_script))
            run, run_script = (ch, script) if cat[0] == "L" else ("", "")
    out = []
    for word, script in words:
        if (
            script == "HANGUL"
            or script in ("HAN", "KANA")
            or len(word) >= 2
            and word not in MATH_NAMES
        ):
            out.append(script)
    return out


def _target_scripts(lang: str) -> set[str]:
    if lang in TARGET_SCRIPTS:
        return TARGET_SCRIPTS[lang]
    return {
        "ko": {"HANGUL"},
        "ru": {"CYRILLIC"},
        "uk": {"CYRILLIC"},
        "ar": {"ARABIC"},
        "hi": {"DEVANAGARI"},
    }.get(lang, {"LATIN"})


def label(segments: list[tuple[str | None, str]], target: str) -> float:
    target = target.lower().split("-")[0]  # zh-TW is Chinese, pt-BR Portuguese
    own = _target_scripts(target)
    total = hits = 0
    for lang, text in segments:
        if lang is None:
            continue
        for script in count_words(text):
            total += 1
            hits += lang == target and script in own
    return round(hits / total, 4) if total else 1.0


# ------------------------------------------------------------------ sentences (by hand)
EN = [
    "Okay, let me think about this problem step by step.",
    "Wait, I need to check whether the denominator can be zero.",
    "Hmm, so the total number of arrangements is the product of these two counts.",
    "Let me verify this by plugging the value back into the original equation.",
    "That gives us the final answer, which seems reasonable.",
    "But actually, I should double check the boundary case where both numbers are equal.",
    "So the probability that neither event happens is one minus that value.",
    "Alright, now I can combine the two results and simplify.",
]
ZH = [
    "好的，我来一步一步地思考这个问题。",
    "等一下，我需要检查分母是否可能为零。",
    "所以排列的总数就是这两个数的乘积。",
    "让我把这个值代回原方程来验证一下。",
    "这样就得到了最终答案，看起来是合理的。",
    "不过，我应该再检查一下两个数相等的边界情况。",
    "所以两个事件都不发生的概率是一减去这个值。",
    "好，现在可以把两个结果合并起来化简。",
]
JA = [
    "さて、この問題を順番に考えてみましょう。",
    "待って、分母がゼロになる可能性があるか確認する必要があります。",
    "つまり、並べ方の総数はこの二つの数の積になります。",
    "この値を元の式に代入して確かめてみます。",
    "これで最終的な答えが出ました。",
]
KO = [
    "좋아, 이 문제를 단계별로 생각해 보자.",
    "잠깐, 분모가 0이 될 수 있는지 확인해야 한다.",
    "그러면 전체 경우의 수는 두 수의 곱이 된다.",
    "이 값을 원래 식에 대입해서 확인해 보자.",
    "따라서 최종 답은 합리적인 것 같다.",
]
RU = [
    "Хорошо, давайте разберём эту задачу шаг за шагом.",
    "Подождите, нужно проверить, может ли знаменатель быть равен нулю.",
    "Значит, общее число перестановок равно произведению этих двух чисел.",
    "Проверим это, подставив значение обратно в исходное уравнение.",
    "Получается окончательный ответ, и он выглядит разумно.",
]
FR = [
    "Bon, réfléchissons à ce problème étape par étape.",
    "Attends, je dois vérifier si le dénominateur peut être nul.",
    "Donc le nombre total de permutations est le produit de ces deux nombres.",
    "Vérifions cela en remplaçant la valeur dans l'équation de départ.",
    "Cela nous donne la réponse finale, qui semble raisonnable.",
]
DE = [
    "Gut, ich denke jetzt Schritt für Schritt über diese Aufgabe nach.",
    "Moment, ich muss prüfen, ob der Nenner null werden kann.",
    "Also ist die Gesamtzahl der Anordnungen das Produkt dieser beiden Zahlen.",
    "Ich überprüfe das, indem ich den Wert in die ursprüngliche Gleichung einsetze.",
    "Damit haben wir die endgültige Antwort, und sie scheint vernünftig zu sein.",
]
ES = [
    "Bueno, voy a pensar en este problema paso a paso.",
    "Espera, tengo que comprobar si el denominador puede ser cero.",
    "Entonces el número total de ordenaciones es el producto de estos dos números.",
    "Voy a verificarlo sustituyendo el valor en la ecuación original.",
    "Eso nos da la respuesta final, que parece razonable.",
]
PT = [
    "Certo, vou pensar neste problema passo a passo.",
    "Espera, preciso verificar se o denominador pode ser zero.",
    "Então o número total de arranjos é o produto desses dois números.",
    "Vou confirmar isso substituindo o valor na equação original.",
    "Isso nos dá a resposta final, que parece razoável.",
]
IT = [
    "Allora, ragioniamo su questo problema passo dopo passo.",
    "Aspetta, devo controllare se il denominatore può essere zero.",
    "Quindi il numero totale di disposizioni è il prodotto di questi due numeri.",
]
AR = [
    "حسنًا، دعني أفكر في هذه المسألة خطوة بخطوة.",
    "انتظر، يجب أن أتحقق مما إذا كان المقام يمكن أن يساوي صفرًا.",
    "إذن العدد الكلي للترتيبات هو حاصل ضرب هذين العددين.",
    "دعني أتحقق من ذلك بالتعويض في المعادلة الأصلية.",
]
HI = [
    "ठीक है, मैं इस सवाल को कदम दर कदम सोचता हूँ।",
    "रुको, मुझे जाँचना होगा कि क्या हर शून्य हो सकता है।",
    "तो कुल व्यवस्थाओं की संख्या इन दोनों संख्याओं का गुणनफल है।",
    "मैं इस मान को मूल समीकरण में रखकर जाँच करता हूँ।",
]
VI = [
    "Được rồi, mình sẽ suy nghĩ bài toán này từng bước một.",
    "Khoan đã, mình cần kiểm tra xem mẫu số có thể bằng không hay không.",
    "Vậy tổng số cách sắp xếp là tích của hai số này.",
    "Mình sẽ thử thay giá trị này vào phương trình ban đầu.",
]

BANK = {
    "en": EN,
    "zh": ZH,
    "ja": JA,
    "ko": KO,
    "ru": RU,
    "fr": FR,
    "de": DE,
    "es": ES,
    "pt": PT,
    "it": IT,
    "ar": AR,
    "hi": HI,
    "vi": VI,
}

CASES: list[dict] = []


def add(
    name: str,
    target: str,
    segments: list[tuple[str | None, str]],
    *,
    wrap: str = "think",
    answer: str = "The answer is 12.",
    prefilled: bool = False,
) -> None:
    body = "".join(text for _, text in segments)
    if wrap == "think":
        completion = f"<think>\n{body}\n</think>\n\n{answer}"
    elif wrap == "prefilled":
        completion = f"{body}\n</think>\n\n{answer}"
        prefilled = True
    elif wrap == "unclosed":
        completion = f"<think>\n{body}"
    else:
        completion = body
    case = {
        "name": name,
        "completion": completion,
        "target_lang": target,
        "expected": label(segments, target),
    }
    if prefilled:
        case["prefilled"] = True
    CASES.append(case)


def para(lang: str, idx: list[int]) -> list[tuple[str | None, str]]:
    return [(lang, BANK[lang][i] + ("" if lang in ("zh", "ja") else " ")) for i in idx]


def build() -> list[dict]:
    CASES.clear()
    # ---- pure, one per language
    for lang, sents in BANK.items():
        add(
            f"pure_{lang}",
            lang,
            para(lang, list(range(len(sents)))),
            answer="Final answer: 12. 答案是12。",
        )
    # ---- zh/en mixtures at several proportions (sentence level)
    add("zh_en_10", "zh", para("zh", [0, 1, 2, 3, 4, 5]) + [("en", " Wait, let me recheck. ")])
    add("zh_en_30", "zh", para("zh", [0, 2, 4]) + [("en", " " + EN[1] + " ")] + para("zh", [6]))
    add("zh_en_50", "zh", para("zh", [0, 2]) + [("en", " " + EN[1] + " " + EN[3] + " ")])
    add("zh_en_70", "zh", para("zh", [1]) + [("en", " " + EN[0] + " " + EN[2] + " " + EN[5])])
    add("zh_en_90", "zh", [("en", " ".join(EN[:6]) + " ")] + para("zh", [7]))
    add("en_zh_30", "en", para("en", [0, 1]) + para("zh", [2, 3]))
    add("en_zh_80", "en", para("en", [0, 1, 2, 3, 4]) + para("zh", [7]))
    # ---- Latin-script mixtures
    add("fr_en_50", "fr", para("fr", [0, 1, 2]) + para("en", [1, 3, 6]))
    add("fr_en_80", "fr", para("fr", [0, 1, 2, 3, 4]) + para("en", [0]))
    add("de_en_30", "de", para("de", [1]) + para("en", [0, 2, 3]))
    add("de_en_70", "de", para("de", [0, 2, 3]) + para("en", [1]))
    add("es_en_60", "es", para("es", [0, 2, 3]) + para("en", [4, 7]))
    add("es_en_10", "es", para("en", [0, 1, 2, 3, 5, 6]) + para("es", [1]))
    add("en_es_50", "en", para("en", [2, 3]) + para("es", [2, 3]))
    add("pt_en_70", "pt", para("pt", [0, 2, 3, 4]) + para("en", [1, 7]))
    add("it_en_50", "it", para("it", [0, 2]) + para("en", [2, 4]))
    add("vi_en_50", "vi", para("vi", [0, 2]) + para("en", [1, 2]))
    add("en_vi_90", "en", para("en", [0, 1, 2, 3, 4, 5, 6]) + para("vi", [2]))
    add("pt_es_drift", "pt", para("pt", [0, 1, 2]) + para("es", [2, 3]))
    add("es_pt_drift", "es", para("es", [0, 1]) + para("pt", [3]))
    add("fr_de_drift", "fr", para("fr", [1, 2]) + para("de", [2]))
    # ---- other scripts
    add("ru_en_50", "ru", para("ru", [0, 2]) + para("en", [1, 3]))
    add("ru_en_90", "ru", para("ru", [0, 1, 2, 3, 4]) + [("en", "Wait, check. ")])
    add("en_ru_30", "en", para("en", [0]) + para("ru", [1, 2, 3]))
    add("ja_en_50", "ja", para("ja", [0, 2]) + [("en", " " + EN[1] + " " + EN[4])])
    add("ja_zh_drift", "ja", para("ja", [0, 1]) + para("zh", [2, 3]))
    add("zh_ja_drift", "zh", para("zh", [0, 1, 2]) + para("ja", [3]))
    add("ko_en_50", "ko", para("ko", [0, 2, 3]) + para("en", [1, 4]))
    add("ko_zh_drift", "ko", para("ko", [0, 2]) + para("zh", [4]))
    add("ar_en_60", "ar", para("ar", [0, 1, 2]) + para("en", [2]))
    add("hi_en_40", "hi", para("hi", [0, 2]) + para("en", [0, 2, 4]))
    add("en_hi_90", "en", para("en", [0, 1, 2, 3, 4, 5, 6]) + para("hi", [0]))
    # ---- code switching inside a sentence
    add(
        "en_clause_zh",
        "en",
        [
            ("en", "Okay, so we first compute the sum of all terms, "),
            ("zh", "然后再除以项数得到平均值。"),
            ("en", " Let me do that now."),
        ],
    )
    add(
        "zh_clause_en",
        "zh",
        [
            ("zh", "我们先算出所有项的和，"),
            ("en", "and then divide by the number of terms,"),
            ("zh", "这样就得到平均值。"),
        ],
    )
    add(
        "fr_comma_en",
        "fr",
        [
            ("fr", "Nous calculons d'abord la somme de tous les termes, "),
            ("en", "and then we divide it by the number of terms. "),
            ("fr", "Cela donne la moyenne cherchée."),
        ],
    )
    add(
        "de_comma_en",
        "de",
        [
            ("de", "Wir berechnen zuerst die Summe aller Terme, "),
            ("en", "and then we divide by the count. "),
            ("de", "Das ergibt den Mittelwert, den wir suchen."),
        ],
    )
    add(
        "es_comma_en",
        "es",
        [
            ("es", "Primero sumamos todos los términos de la serie, "),
            ("en", "but wait, the last one should not be included. "),
            ("es", "Entonces hay que restarlo al final."),
        ],
    )
    # ---- English technical terms inside CJK (Latin words are foreign for zh/ja)
    add(
        "zh_tech_terms",
        "zh",
        [
            ("zh", "我们可以用"),
            ("en", " dynamic programming "),
            ("zh", "来解决这个问题，时间复杂度是"),
            (None, " $O(n^2)$"),
            ("zh", "。用一个"),
            ("en", "hash map "),
            ("zh", "记录已经访问过的状态。"),
        ],
    )
    add(
        "ja_tech_terms",
        "ja",
        [
            ("ja", "ここでは"),
            ("en", "binary search"),
            ("ja", "を使って境界を探します。"),
            ("en", "Python"),
            ("ja", "で実装すると簡単です。"),
        ],
    )
    add(
        "ko_tech_terms",
        "ko",
        [
            ("ko", "여기서 "),
            ("en", "prefix sum"),
            ("ko", "을 사용하면 구간 합을 빠르게 구할 수 있다."),
        ],
    )
    add(
        "ru_tech_terms",
        "ru",
        [
            ("ru", "Здесь удобно использовать "),
            ("en", "binary search"),
            ("ru", ", чтобы найти границу за логарифмическое время."),
        ],
    )
    # ---- transliterated / romanised
    add("zh_pinyin", "zh", para("zh", [0, 2]) + [("en", "Zhe ge wen ti hen jian dan. ")])
    add(
        "hi_romanised",
        "hi",
        para("hi", [0]) + [("en", " Ab hum denominator check karte hain. ")] + para("hi", [2]),
    )
    add(
        "ja_romaji",
        "ja",
        para("ja", [0]) + [("en", "Tsugi ni kotae wo kakunin shimasu. ")] + para("ja", [3]),
    )
    # ---- numbers, units, markdown
    add(
        "en_units",
        "en",
        [
            (
                "en",
                "The car travels at 60 km per hour, so in 2.5 hours it covers "
                "150 km. Wait, the question asks for meters, so that is 150000 m. ",
            )
        ],
    )
    add(
        "zh_units",
        "zh",
        [
            ("zh", "速度是每小时"),
            (None, "60 "),
            ("en", "km"),
            ("zh", "，所以两个半小时一共走了"),
            (None, "150 "),
            ("en", "km"),
            ("zh", "。"),
        ],
    )
    add(
        "en_markdown",
        "en",
        [
            (
                "en",
                "## Step 1: Set up the equation\n\n- First, we write the "
                "area as a function of the width.\n- **Key idea:** the perimeter "
                "is fixed.\n\n### Step 2\n\n1. Differentiate.\n2. Set it to zero.\n",
            )
        ],
    )
    add(
        "zh_markdown",
        "zh",
        [
            ("zh", "## 第一步：列方程\n\n- 首先把面积写成宽的函数。\n- **关键：**周长固定。\n"),
            ("en", "### Step 2\n"),
            ("zh", "1. 求导。\n2. 令导数为零。\n"),
        ],
    )
    add(
        "fr_markdown_en_headers",
        "fr",
        [("en", "## Step 1\n"), ("fr", FR[0] + "\n"), ("en", "## Step 2\n"), ("fr", FR[2] + "\n")],
    )
    # ---- LaTeX-heavy
    add(
        "en_latex_env",
        "en",
        [
            ("en", "Okay, let me set up the system first.\n"),
            (None, "\\begin{align}\n2x + 3y &= 7 \\\\\nx - y &= 1\n\\end{align}\n"),
            ("en", "Subtracting twice the second equation gives the value of y.\n"),
            (
                None,
                "\\[ f(x) = \\begin{cases} x^2 & \\text{if } x \\ge 0 \\\\ -x & "
                "\\text{otherwise} \\end{cases} \\]\n",
            ),
            ("en", "So the function is continuous at the origin."),
        ],
    )
    add(
        "zh_latex_text",
        "zh",
        [
            ("zh", "我们有"),
            (None, "$f(x) = x^2 \\text{ for all real } x$"),
            ("zh", "，所以"),
            (None, "$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$"),
            ("zh", "这就是求和公式。"),
            (None, "\n\\begin{cases} a + b = 5 \\text{ and} \\\\ a - b = 1 \\end{cases}\n"),
            ("zh", "解得两个数。"),
        ],
    )
    add(
        "ja_latex",
        "ja",
        [
            ("ja", "まず"),
            (None, "\\( x^2 - 5x + 6 = 0 \\)"),
            ("ja", "を因数分解します。"),
            (None, "$$ (x-2)(x-3) = 0 \\quad \\text{so} $$"),
            ("ja", "したがって解は二つです。"),
        ],
    )
    add(
        "fr_latex_heavy",
        "fr",
        [
            ("fr", "On pose "),
            (None, "$u_n = \\frac{1}{n(n+1)}$"),
            ("fr", " et on remarque que "),
            (None, "$u_n = \\frac{1}{n} - \\frac{1}{n+1}$"),
            ("fr", ", donc la somme est télescopique.\n"),
            (
                None,
                "\\begin{align*} S_N &= \\sum_{n=1}^N u_n \\\\ &= 1 - "
                "\\frac{1}{N+1} \\text{ which tends to one} \\end{align*}\n",
            ),
            ("fr", "La limite vaut donc un."),
        ],
    )
    add(
        "en_math_functions",
        "en",
        [
            (
                "en",
                "The max of sin x and cos x over the interval is reached "
                "where tan x equals one, and log of that is small.",
            )
        ],
    )
    # ---- code-heavy
    add(
        "en_code_fence",
        "en",
        [
            ("en", "Let me write a quick helper to test this.\n"),
            (
                None,
                "```python\ndef count_ways(n):\n    # 计算方法数\n    return n * (n - 1) // 2\n```\n",
            ),
            ("en", "Running it for small inputs matches the formula."),
        ],
    )
    add(
        "zh_code_fence",
        "zh",
        [
            ("zh", "我先写一段代码来验证。\n"),
            (None, '```cpp\nint main() { std::cout << "hello world"; }\n```\n'),
            ("zh", "运行结果和公式一致。"),
            (None, " `count_ways(5)` "),
            ("zh", "返回十。"),
        ],
    )
    add(
        "ru_inline_code_url",
        "ru",
        [
            ("ru", "Документация лежит по адресу "),
            (None, "https://docs.python.org/3/library/itertools.html"),
            ("ru", ", а функцию "),
            (None, "`itertools.permutations`"),
            ("ru", " можно вызвать напрямую. Пишите на "),
            (None, "help@example.com"),
            ("ru", ", если что."),
        ],
    )
    add(
        "es_unclosed_fence",
        "es",
        [
            ("es", "Voy a escribir el código para comprobarlo.\n"),
            (None, "```python\nfor i in range(10):\n    print('the answer is', i)\n"),
        ],
        wrap="unclosed",
    )
    # ---- tiny texts and edge wrappers
    add("tiny_ok_en", "en", [("en", "OK.")])
    add("tiny_ok_zh", "zh", [("en", "OK.")])
    add("tiny_hao_zh", "zh", [("zh", "好。")])
    add("tiny_hao_en", "en", [("zh", "好。")])
    add("tiny_hmm_fr", "fr", [("fr", "Hmm.")])  # an interjection: no language of its own
    add("tiny_empty_ja", "ja", [])
    add("tiny_math_only", "de", [(None, "$x = 2$, x + y = 3")])
    add("tiny_oui", "fr", [("fr", "Oui, c'est ça.")])
    add("no_think_es", "es", para("es", [0, 2]) + para("en", [4]), wrap="none")
    add("no_think_zh", "zh", para("zh", [1, 2]), wrap="none")
    add("unclosed_de", "de", para("de", [0, 1, 2]) + para("en", [3]), wrap="unclosed")
    add("unclosed_ko", "ko", para("ko", [0, 1]), wrap="unclosed")
    add(
        "prefilled_en",
        "en",
        para("en", [0, 1, 2]),
        wrap="prefilled",
        answer="答案是十二。La réponse est douze.",
    )
    add("prefilled_zh_mix", "zh", para("zh", [0, 1]) + para("en", [3]), wrap="prefilled")
    add("answer_ignored_ar", "ar", para("ar", [0, 2]), answer="The answer is twelve, clearly.")
    # ---- R1-style interjections between target sentences
    add(
        "fr_hmm_wait",
        "fr",
        [
            ("fr", FR[0] + " "),
            ("en", "Hmm. "),
            ("fr", FR[1] + " "),
            ("en", "Wait. "),
            ("fr", FR[2] + " " + FR[3]),
        ],
    )
    add("de_okay_so", "de", [("en", "Okay, so. "), ("de", DE[1] + " " + DE[2] + " " + DE[3])])
    add("vi_long", "vi", para("vi", [0, 1, 2, 3, 0, 1, 2, 3]))
    add("pt_long_en_tail", "pt", para("pt", [0, 1, 2, 3, 4]) + para("en", [0, 1, 2, 3, 4, 5, 6, 7]))
    # ---- harder probes
    add(
        "fr_en_terms_in_clause",
        "fr",
        [
            (
                "fr",
                "On utilise un algorithme de type divide and conquer "
                "pour trier le tableau, puis on fusionne les deux moitiés. ",
            )
        ]
        + para("fr", [2]),
    )
    add(
        "de_en_bullets",
        "de",
        [
            ("de", DE[0] + "\n"),
            ("en", "- Compute the sum\n- Check the edge case\n- Return the answer\n"),
            ("de", DE[2]),
        ],
    )
    add(
        "en_short_fr_interjections",
        "en",
        para("en", [0, 1, 2, 3]) + [("fr", "Bon, alors voilà. ")] + para("en", [4]),
    )
    add(
        "en_dollars_prose",
        "en",
        [
            ("en", "One apple costs "),
            (None, "$5"),
            ("en", " and a melon costs "),
            (None, "$10"),
            ("en", ", so three apples and a melon cost twenty-five dollars in total."),
        ],
    )
    add(
        "zh_tw_traditional",
        "zh-TW",
        [
            ("zh", "好的，我來一步一步地思考這個問題。等一下，我需要檢查分母是否可能為零。"),
            ("en", " Let me recheck this."),
        ],
    )
    add("pt_br_code", "pt-BR", para("pt", [0, 1, 2]) + para("es", [4]))
    add("en_special_tokens", "en", para("en", [0, 1]) + [(None, "<|im_end|>")], wrap="none")
    add(
        "ru_uk_drift",
        "ru",
        para("ru", [0, 1, 2])
        + [
            ("uk", "Тепер треба перевірити, чи не дорівнює знаменник нулю, і тоді все буде добре. ")
        ],
    )
    add(
        "ar_en_terms",
        "ar",
        [
            ("ar", "نستخدم هنا خوارزمية "),
            ("en", "dynamic programming"),
            ("ar", " لحساب عدد الطرق بسرعة. "),
        ]
        + para("ar", [2]),
    )
    add(
        "hi_hinglish_terms",
        "hi",
        [("hi", "अब हम "), ("en", "derivative"), ("hi", " लेते हैं और उसे शून्य के बराबर रखते हैं। ")]
        + para("hi", [3]),
    )
    add("ko_english_sentence", "ko", para("ko", [0, 1, 2, 3, 4]) + para("en", [1]))
    add("es_it_drift", "es", para("es", [0, 1, 2]) + para("it", [0, 1]))
    add(
        "en_greek_letters",
        "en",
        [
            ("en", "Let "),
            (None, "α"),
            ("en", " and "),
            (None, "β"),
            ("en", " be the roots, so their sum equals the negated coefficient."),
        ],
    )
    add(
        "zh_many_short_en", "zh", para("zh", [0, 1]) + [("en", "Wait. Hmm. OK. ")] + para("zh", [2])
    )
    add(
        "vi_en_terms",
        "vi",
        [
            ("vi", "Mình dùng thuật toán "),
            ("vi", "binary search"),  # a clause's words take its language
            ("vi", " để tìm biên, sau đó kiểm tra lại kết quả. "),
        ]
        + para("vi", [2]),
    )
    add("en_two_think_ends", "en", [("en", EN[0] + " "), (None, "</think>"), ("en", " " + EN[1])])
    add(
        "fr_caps",
        "fr",
        [("fr", "ATTENTION, LE DÉNOMINATEUR NE PEUT PAS ÊTRE NUL. ")] + para("fr", [2]),
    )
    add(
        "en_caps_fr_tail",
        "en",
        [("en", "WAIT, THE DENOMINATOR CANNOT BE ZERO. ")] + para("fr", [0, 2]),
    )
    add(
        "ja_kanji_heavy",
        "ja",
        [("ja", "次に、二次方程式の判別式を計算する。判別式が正なので実数解は二個存在する。")],
    )
    add("zh_ja_kana_clause", "zh", para("zh", [0, 1, 2, 3, 4]) + [("ja", "なるほど。")])
    add("de_en_50_long", "de", para("de", [0, 1, 2, 3, 4]) + para("en", [0, 1, 2, 3, 5]))
    add(
        "es_en_inline_clause",
        "es",
        [
            ("es", "Calculamos primero la suma de la serie, "),
            ("en", "which is just a geometric series with ratio one half, "),
            ("es", "y luego la multiplicamos por dos."),
        ],
    )
    add(
        "en_latex_text_outside",
        "en",
        [
            ("en", "We get "),
            (None, "\\(\\frac{3}{4}\\)"),
            ("en", " which is the probability.\n"),
            (
                None,
                "\\begin{equation}\\label{eq:main} P = \\text{Anzahl der Fälle} \\end{equation}\n",
            ),
            ("en", "So the final answer is three quarters."),
        ],
    )
    add(
        "pt_es_short",
        "pt",
        [("pt", "Vamos ver. ")]
        + para("pt", [1])
        + [("es", "Sí, eso es correcto. ")]
        + para("pt", [3]),
    )
    add(
        "ru_en_code",
        "ru",
        para("ru", [0])
        + [(None, "```python\nprint('hello world')\n```\n")]
        + para("ru", [2])
        + [("en", "Okay, the output looks right. ")],
    )
    # ---- probes, second round
    add(
        "vi_nfd",
        "vi",
        [("vi", unicodedata.normalize("NFD", VI[0] + " " + VI[1] + " ")), ("en", EN[1])],
    )
    add(
        "fr_typographic_apostrophe",
        "fr",
        [("fr", "Vérifions l’équation : d’abord, l’inconnue s’écrit comme une somme. ")]
        + para("en", [4]),
    )
    add(
        "ru_latin_identifiers",
        "ru",
        [
            ("ru", "Пусть "),
            ("en", "dp"),
            ("ru", " обозначает число способов, а "),
            ("en", "ans"),
            ("ru", " хранит итоговый ответ. "),
        ]
        + para("ru", [2]),
    )
    add(
        "fr_short_en_asides",
        "fr",
        para("fr", [0, 1])
        + [("en", "Wait, what? ")]
        + para("fr", [2])
        + [("en", "Let me see. ")]
        + para("fr", [3]),
    )
    add(
        "es_inverted_marks",
        "es",
        [("es", "¿Qué pasa si el número es negativo? ¡Entonces la raíz no existe en los reales! ")]
        + para("en", [1]),
    )
    add(
        "en_markdown_link_numbers",
        "en",
        [
            ("en", "See the "),
            ("en", "[reference table]"),
            (None, "(https://oeis.org/A000045)"),
            (
                "en",
                " for the first 1,000 terms; the ratio tends to the "
                "golden ratio, roughly 1.618 for large n.",
            ),
        ],
    )
    add("de_short_whole", "de", [("de", "Also zwölf.")])
    add("en_whole_fr_sentence", "en", [("fr", "La réponse est douze.")])
    add(
        "zh_with_english_answer_words",
        "zh",
        [("zh", "所以答案是"), (None, "$\\boxed{12}$"), ("zh", "。")],
        answer="**Answer:** 12",
    )
    add(
        "ja_with_kana_only_clause",
        "ja",
        [("ja", "うーん、ちょっとまって。")]
        + para("ja", [2])
        + [("en", "Hmm, let me reconsider the case where the count is odd.")],
    )
    add(
        "ko_hanja_mix",
        "ko",
        [("ko", "이 "), ("zh", "方程式"), ("ko", "의 해를 구해 보자. ")] + para("ko", [2]),
    )
    add("it_fr_drift", "it", para("it", [0, 1, 2]) + para("fr", [3]))
    add(
        "ar_code_switch_en_sentence",
        "ar",
        para("ar", [0]) + [("en", "Let me think about this more carefully. ")] + para("ar", [2, 3]),
    )
    # ---- switching inside a sentence with no comma (a Latin pair)
    add(
        "fr_no_comma_switch",
        "fr",
        [
            ("fr", "Donc on obtient la somme "),
            ("en", "and then we divide it by two to get the mean. "),
        ]
        + para("fr", [2, 3]),
    )
    add(
        "en_no_comma_switch",
        "en",
        para("en", [0, 2])
        + [
            ("en", "So we get the sum "),
            ("fr", "et ensuite on la divise par deux pour avoir la moyenne."),
        ],
    )
    add(
        "de_no_comma_switch",
        "de",
        para("de", [1])
        + [("de", "Wir berechnen zuerst die Summe "), ("en", "and then we divide by the count. ")]
        + para("de", [3]),
    )
    add(
        "pt_short_clauses_es_tail",
        "pt",
        para("pt", [0, 1, 2, 3]) + [("es", "Consideremos los dos casos por separado. ")],
    )
    # ---- third round
    add(
        "uk_short_opening",
        "uk",
        [("uk", "Добре, подумаймо крок за кроком. Підставимо значення у початкове рівняння. ")]
        + para("en", [1]),
    )
    add(
        "zh_multiline_display",
        "zh",
        [
            ("zh", "我们把两个方程联立：\n"),
            (
                None,
                "$$\n\\begin{aligned}\nx + y &= 10 \\text{ (total)} \\\\\n"
                "x - y &= 2\n\\end{aligned}\n$$\n",
            ),
            ("zh", "两式相加得到"),
            (None, "\\(2x = 12\\)"),
            ("zh", "，所以"),
            (None, "$x = 6$"),
            ("zh", "。"),
            ("en", " Wait, let me double check. "),
            (None, "$$6 + 4 = 10 \\quad \\checkmark$$"),
            ("zh", "没问题。"),
        ],
    )
    add(
        "en_escaped_dollar",
        "en",
        [
            ("en", "The ticket costs "),
            (None, "\\$"),
            ("en", "20 and the tax is "),
            (None, "$t = 0.1 \\cdot 20$"),
            ("en", ", so we pay twenty two dollars. "),
            ("de", "Also zahlen wir zweiundzwanzig Dollar."),
        ],
    )
    add(
        "ja_heavy_mix",
        "ja",
        [
            ("ja", "まず、"),
            (None, "$n$"),
            ("ja", "を偶数と仮定します。"),
            ("en", "Then n squared is also even, which contradicts the assumption. "),
            ("ja", "したがって、"),
            (None, "$n$"),
            ("ja", "は奇数です。"),
            (None, "\n```python\nassert all(n % 2 for n in odd)\n```\n"),
            ("ja", "確認できました。"),
        ],
    )
    add(
        "ko_code_and_en",
        "ko",
        [
            ("ko", "코드로 확인해 보자.\n"),
            (None, "```python\nprint(sum(range(1, 101)))\n```\n"),
            ("ko", "결과는 "),
            (None, "`5050`"),
            ("ko", "이다. "),
            ("en", "So the formula works for n equal to one hundred."),
        ],
    )
    add(
        "es_bold_bullets_en",
        "es",
        [
            ("es", "**Paso 1:** calcular la suma de los términos.\n"),
            ("es", "- Primero, agrupamos los términos pares.\n"),
            ("en", "- Then we add the odd terms separately.\n"),
            ("es", "- Finalmente, sumamos ambos resultados.\n"),
        ],
    )
    add("hi_en_50_sentences", "hi", para("hi", [1, 2, 3]) + para("en", [0, 3, 6]))
    return CASES


def main() -> None:
    build()
    with OUT.open("w", encoding="utf-8") as fh:
        for case in CASES:
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"{len(CASES)} cases -> {OUT}")


if __name__ == "__main__":
    main()
