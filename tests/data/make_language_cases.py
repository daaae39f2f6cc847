"""Build tests/data/language_cases.jsonl: labelled cases for the language reward.

Every case is assembled from hand-written sentences whose language is known, plus material
that the policy removes (LaTeX, code, URLs, e-mail addresses) marked as such.  The label is
computed here by counting words per the policy with an implementation of its own (Unicode
character names, not the verifier's script tables): a word in a script the target does not
use is foreign; a word in the target's script is on target iff its sentence is in the
target language.  Run from the repository root:

    .venv/bin/python tests/data/make_language_cases.py

The output is committed; rerunning must reproduce it byte for byte (a fixed seed).
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

# ---------------------------------------------------------------- sentence banks (by hand)
BANK: dict[str, list[str]] = {
    "en": [
        "Let me start by understanding what the problem is asking.",
        "We need to find the number of positive integers that satisfy both conditions.",
        "First, I will rewrite the equation in a simpler form.",
        "If we subtract the second equation from the first one, the constant term cancels.",
        "That gives us a quadratic equation with two real roots.",
        "Wait, I should double check the sign of the discriminant before going further.",
        "So the sum of the roots equals the negative of the linear coefficient.",
        "Now let us plug the values back into the original expression.",
        "This means the answer must be an even number greater than ten.",
        "Hmm, that does not match the result from the previous step.",
        "Let me verify this with a small example to be sure.",
        "Therefore the final answer is twelve.",
    ],
    "fr": [
        "Commençons par comprendre ce que demande le problème.",
        "Nous devons trouver le nombre d'entiers positifs qui vérifient les deux conditions.",
        "D'abord, je vais réécrire l'équation sous une forme plus simple.",
        "Si on soustrait la deuxième équation de la première, le terme constant disparaît.",
        "Cela nous donne une équation du second degré avec deux racines réelles.",
        "Attends, je dois vérifier le signe du discriminant avant de continuer.",
        "Donc la somme des racines est égale à l'opposé du coefficient linéaire.",
        "Maintenant, remplaçons les valeurs dans l'expression de départ.",
        "Cela signifie que la réponse doit être un nombre pair supérieur à dix.",
        "La réponse finale est donc douze.",
    ],
    "de": [
        "Zuerst müssen wir verstehen, was die Aufgabe von uns verlangt.",
        "Wir suchen die Anzahl der positiven ganzen Zahlen, die beide Bedingungen erfüllen.",
        "Ich schreibe die Gleichung zunächst in einer einfacheren Form.",
        "Wenn wir die zweite Gleichung von der ersten abziehen, fällt der konstante Term weg.",
        "Das ergibt eine quadratische Gleichung mit zwei reellen Nullstellen.",
        "Moment, ich sollte das Vorzeichen der Diskriminante noch einmal prüfen.",
        "Also ist die Summe der Nullstellen gleich dem negativen linearen Koeffizienten.",
        "Jetzt setzen wir die Werte wieder in den ursprünglichen Ausdruck ein.",
        "Die endgültige Antwort ist also zwölf.",
    ],
    "es": [
        "Primero tenemos que entender qué nos pide el problema.",
        "Necesitamos encontrar la cantidad de enteros positivos que cumplen ambas condiciones.",
        "Voy a reescribir la ecuación de una forma más sencilla.",
        "Si restamos la segunda ecuación de la primera, el término constante desaparece.",
        "Eso nos da una ecuación cuadrática con dos raíces reales.",
        "Espera, debo comprobar el signo del discriminante antes de seguir.",
        "Por lo tanto, la suma de las raíces es igual al opuesto del coeficiente lineal.",
        "Ahora sustituimos los valores en la expresión original.",
        "Así que la respuesta final es doce.",
    ],
    "it": [
        "Per prima cosa dobbiamo capire che cosa chiede il problema.",
        "Dobbiamo trovare il numero di interi positivi che soddisfano entrambe le condizioni.",
        "Riscrivo l'equazione in una forma più semplice.",
        "Se sottraiamo la seconda equazione dalla prima, il termine costante si annulla.",
        "Questo ci dà un'equazione di secondo grado con due radici reali.",
        "Aspetta, devo controllare il segno del discriminante prima di andare avanti.",
        "Quindi la risposta finale è dodici.",
    ],
    "pt": [
        "Primeiro precisamos entender o que o problema está pedindo.",
        "Precisamos encontrar a quantidade de inteiros positivos que satisfazem as duas condições.",
        "Vou reescrever a equação de uma forma mais simples.",
        "Se subtrairmos a segunda equação da primeira, o termo constante desaparece.",
        "Isso nos dá uma equação quadrática com duas raízes reais.",
        "Espere, preciso verificar o sinal do discriminante antes de continuar.",
        "Portanto, a resposta final é doze.",
    ],
    "nl": [
        "Eerst moeten we begrijpen wat de opgave van ons vraagt.",
        "We zoeken het aantal positieve gehele getallen die aan beide voorwaarden voldoen.",
        "Als we de tweede vergelijking van de eerste aftrekken, valt de constante term weg.",
        "Dat geeft een kwadratische vergelijking met twee reële wortels.",
        "Het uiteindelijke antwoord is dus twaalf.",
    ],
    "vi": [
        "Trước tiên chúng ta cần hiểu bài toán đang hỏi gì.",
        "Chúng ta cần tìm số các số nguyên dương thỏa mãn cả hai điều kiện.",
        "Tôi sẽ viết lại phương trình dưới dạng đơn giản hơn.",
        "Nếu trừ phương trình thứ hai cho phương trình thứ nhất, hằng số sẽ bị triệt tiêu.",
        "Điều đó cho ta một phương trình bậc hai có hai nghiệm thực.",
        "Vậy đáp án cuối cùng là mười hai.",
    ],
    "ru": [
        "Сначала нужно понять, что именно спрашивается в задаче.",
        "Нам нужно найти количество положительных целых чисел, которые удовлетворяют обоим условиям.",
        "Перепишем уравнение в более простом виде.",
        "Если вычесть второе уравнение из первого, свободный член сократится.",
        "Это даёт квадратное уравнение с двумя действительными корнями.",
        "Подождите, нужно проверить знак дискриминанта, прежде чем двигаться дальше.",
        "Значит, сумма корней равна коэффициенту при первой степени с противоположным знаком.",
        "Итак, окончательный ответ равен двенадцати.",
    ],
    "uk": [
        "Спочатку треба зрозуміти, що саме запитують у задачі.",
        "Нам потрібно знайти кількість додатних цілих чисел, які задовольняють обидві умови.",
        "Якщо відняти друге рівняння від першого, вільний член скоротиться.",
        "Отже, остаточна відповідь дорівнює дванадцяти.",
    ],
    "zh": [
        "首先我们需要理解题目在问什么。",
        "我们要找出同时满足两个条件的正整数的个数。",
        "我先把这个方程改写成更简单的形式。",
        "如果用第一个方程减去第二个方程，常数项就消掉了。",
        "这样就得到一个有两个实根的二次方程。",
        "等一下，我应该先检查一下判别式的符号。",
        "所以两根之和等于一次项系数的相反数。",
        "因此最终答案是十二。",
    ],
    "zh-tw": [
        "首先我們需要理解題目在問什麼。",
        "我們要找出同時滿足兩個條件的正整數的個數。",
        "這樣就得到一個有兩個實根的二次方程。",
        "因此最終答案是十二。",
    ],
    "ja": [
        "まず、問題が何を求めているのかを理解しましょう。",
        "二つの条件を両方満たす正の整数の個数を求める必要があります。",
        "方程式をもっと簡単な形に書き直します。",
        "一つ目の式から二つ目の式を引くと、定数項が消えます。",
        "これで実数解を二つ持つ二次方程式が得られます。",
        "ちょっと待って、判別式の符号を先に確認するべきです。",
        "したがって、最終的な答えは十二です。",
    ],
    "ko": [
        "먼저 문제가 무엇을 묻는지 이해해야 합니다.",
        "두 조건을 모두 만족하는 양의 정수의 개수를 구해야 합니다.",
        "방정식을 더 간단한 형태로 다시 쓰겠습니다.",
        "첫 번째 식에서 두 번째 식을 빼면 상수항이 사라집니다.",
        "그러면 두 실근을 가지는 이차방정식을 얻습니다.",
        "따라서 최종 답은 열두 개입니다.",
    ],
    "ar": [
        "أولا يجب أن نفهم ما الذي تطلبه المسألة.",
        "نحتاج إلى إيجاد عدد الأعداد الصحيحة الموجبة التي تحقق الشرطين.",
        "سأعيد كتابة المعادلة بصورة أبسط.",
        "إذا طرحنا المعادلة الثانية من الأولى يختفي الحد الثابت.",
        "وبالتالي فإن الإجابة النهائية هي اثنا عشر.",
    ],
    "fa": [
        "ابتدا باید بفهمیم که مسئله چه چیزی را می\u200cخواهد.",
        "معادله را به شکل ساده\u200cتری بازنویسی می\u200cکنیم.",
        "بنابراین پاسخ نهایی دوازده است.",
    ],
    "hi": [
        "सबसे पहले हमें समझना होगा कि प्रश्न क्या पूछ रहा है।",
        "हमें उन धनात्मक पूर्णांकों की संख्या ज्ञात करनी है जो दोनों शर्तों को पूरा करते हैं।",
        "मैं समीकरण को एक सरल रूप में फिर से लिखता हूँ।",
        "इसलिए अंतिम उत्तर बारह है।",
    ],
    "he": [
        "קודם כול צריך להבין מה השאלה מבקשת.",
        "לכן התשובה הסופית היא שתים עשרה.",
    ],
    "el": [
        "Πρώτα πρέπει να καταλάβουμε τι ζητάει το πρόβλημα.",
        "Επομένως η τελική απάντηση είναι δώδεκα.",
    ],
    "th": [
        "ก่อนอื่น เราต้องเข้าใจว่า โจทย์ถามอะไร",
        "ดังนั้น คำตอบสุดท้าย คือ สิบสอง",
    ],
    "tr": [
        "Önce sorunun ne istediğini anlamamız gerekiyor.",
        "Bu yüzden son cevap on iki olur.",
    ],
    "pl": [
        "Najpierw musimy zrozumieć, o co pyta zadanie.",
        "Zatem ostateczna odpowiedź to dwanaście.",
    ],
    "id": [
        "Pertama kita perlu memahami apa yang ditanyakan oleh soal ini.",
        "Jadi jawaban akhirnya adalah dua belas.",
    ],
    "sv": [
        "Först måste vi förstå vad uppgiften frågar efter.",
        "Alltså är det slutliga svaret tolv.",
    ],
}

# Material the policy removes before counting: it must not change any label.
LATEX = [
    r"$x^2 - 5x + 6 = 0$",
    r"\[ \frac{-b \pm \sqrt{b^2-4ac}}{2a} \]",
    r"$$\sum_{k=1}^{n} k = \frac{n(n+1)}{2} \quad \text{for all } n$$",
    "\\begin{align}\n a + b &= 12 \\\\\n a - b &= 2 \\quad \\text{hence } a = 7\n\\end{align}",
    r"\(\lim_{x \to 0} \frac{\sin x}{x} = 1\)",
    r"$\text{the answer is } \boxed{12}$",
    "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
]
CODE = [
    "```python\ndef count_solutions(limit):\n    # count the values that satisfy both rules\n"
    "    return sum(1 for n in range(limit) if n % 3 == 0 and n % 4 == 0)\n```",
    "```\nfor i in range(10):\n    print('checking value', i)\n```",
    "`numpy.linalg.solve(matrix, vector)`",
    "`sorted(values, reverse=True)`",
]
ADDRESSES = [
    "https://en.wikipedia.org/wiki/Quadratic_equation",
    "www.example.com/help/solving-equations",
    "student.helper@example.org",
    "http://math.stackexchange.com/questions/12345/why-does-this-work",
]

# ---------------------------------------------------------------- the labeller (policy)
TARGET_SCRIPTS = {
    **{
        c: {"LATIN"}
        for c in ["en", "fr", "de", "es", "it", "pt", "nl", "vi", "tr", "pl", "id", "sv"]
    },
    "ru": {"CYRILLIC"},
    "uk": {"CYRILLIC"},
    "zh": {"HAN"},
    "ja": {"HAN", "KANA"},
    "ko": {"HANGUL"},
    "ar": {"ARABIC"},
    "fa": {"ARABIC"},
    "hi": {"DEVANAGARI"},
    "he": {"HEBREW"},
    "el": {"GREEK"},
    "th": {"THAI"},
}
MATH_NAMES = {"sin", "cos", "tan", "log", "ln", "exp", "max", "min", "gcd", "lcm", "lim", "sqrt"}


def _script(ch: str) -> str:
    first = unicodedata.name(ch, "UNKNOWN").split()[0]
    if first in ("CJK", "IDEOGRAPHIC"):
        return "HAN"
    if first.startswith(("HIRAGANA", "KATAKANA")):
        return "KANA"
    return first


def policy_words(text: str) -> list[tuple[str, str]]:
    """(word, script) for every word the policy counts in ``text`` (plain prose only)."""
    words: list[tuple[str, str]] = []
    current, script = "", ""

    def flush() -> None:
        nonlocal current
        if current:
            counted = len(current) > 1 or script == "HANGUL"
            if counted and current not in MATH_NAMES:
                words.append((current, script))
        current = ""

    for ch in text:
        cat = unicodedata.category(ch)
        if cat.startswith("L"):
            s = _script(ch)
            if s in ("HAN", "KANA"):
                flush()
                words.append((ch, s))
                continue
            if current and s != script:
                flush()
            current, script = current + ch, s
        elif current and (cat.startswith("M") or ch == "\u200c"):
            current += ch
        else:
            flush()
    flush()
    return words


def label(segments: list[tuple[str, str | None]], target: str) -> float:
    """Share of counted words that are in ``target``; segment language None = removed."""
    base = "zh" if target.startswith("zh") else target.split("-")[0]
    own = TARGET_SCRIPTS[base]
    total = on = 0
    for text, lang in segments:
        if lang is None:
            continue
        lang = "zh" if lang.startswith("zh") else lang
        for _, script in policy_words(text):
            total += 1
            on += script in own and lang == base
    return round(on / total, 4) if total else 1.0


# ---------------------------------------------------------------- case builders
RNG = random.Random(20240229)
CASES: list[dict] = []


def add(
    name: str,
    segments: list[tuple[str, str | None]],
    target: str,
    *,
    think: str = "full",
    answer: str = "",
    prefilled: bool = False,
) -> None:
    body = "".join(text for text, _ in segments)
    if think == "full":
        completion = f"<think>\n{body}\n</think>\n{answer}"
    elif think == "none":
        completion = body
    elif think == "unclosed":
        completion = f"<think>\n{body}"
    elif think == "prefilled":
        completion = f"{body}\n</think>\n{answer}"
    else:
        raise ValueError(think)
    case = {
        "name": name,
        "completion": completion,
        "target_lang": target,
        "expected": label(segments, target),
    }
    if prefilled:
        case["prefilled"] = True
    CASES.append(case)


def sentences(lang: str, n: int) -> list[tuple[str, str]]:
    bank = BANK[lang]
    start = RNG.randrange(len(bank))
    return [(bank[(start + i) % len(bank)], lang) for i in range(n)]


def joined(items: list[tuple[str, str | None]], sep: str = " ") -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for i, item in enumerate(items):
        if i:
            out.append((sep, None))
        out.append(item)
    return out


def mixture(target: str, foreign: str, share: float, n: int = 12, blocks: bool = False):
    """~n sentences, about ``share`` of the words in ``target``; sentence-level mixing."""
    picked: list[tuple[str, str]] = []
    on = total = 0
    bank_t, bank_f = list(BANK[target]), list(BANK[foreign])
    RNG.shuffle(bank_t)
    RNG.shuffle(bank_f)
    it = jt = 0
    for _ in range(n):
        take_target = total == 0 and share >= 0.5 or (total and on / total < share)
        if take_target:
            s = bank_t[it % len(bank_t)]
            it += 1
        else:
            s = bank_f[jt % len(bank_f)]
            jt += 1
        lang = target if take_target else foreign
        picked.append((s, lang))
        k = len(policy_words(s))
        total += k
        on += k if take_target else 0
    if blocks:
        picked.sort(key=lambda item: item[1] != target)
    sep = "" if target in ("zh", "ja") and foreign in ("zh", "ja") else " "
    return joined(picked, sep)


def build() -> None:
    # Pure texts: every language scores 1.0 in itself.
    for lang in BANK:
        target = "zh-tw" if lang == "zh-tw" else lang
        add(f"pure_{lang}", joined(sentences(lang, min(5, len(BANK[lang])))), target)
    # Wrong target: nothing is on target.
    for lang, target in [
        ("fr", "en"),
        ("en", "zh"),
        ("zh", "en"),
        ("ru", "en"),
        ("es", "pt"),
        ("ja", "ko"),
        ("de", "nl"),
        ("ar", "fa"),
    ]:
        add(f"wrong_target_{lang}_as_{target}", joined(sentences(lang, 4)), target)
    # Sentence-level mixtures at several proportions.
    pairs = [
        ("en", "zh"),
        ("en", "fr"),
        ("en", "de"),
        ("en", "es"),
        ("en", "ru"),
        ("zh", "en"),
        ("ja", "en"),
        ("ko", "en"),
        ("ru", "en"),
        ("ar", "en"),
        ("fr", "en"),
        ("es", "en"),
        ("de", "en"),
        ("vi", "en"),
        ("hi", "en"),
        ("it", "en"),
        ("pt", "en"),
    ]
    for target, foreign in pairs:
        for share in (0.25, 0.5, 0.75):
            blocks = share == 0.5 and target in ("en", "zh")
            add(
                f"mix_{target}_{foreign}_{int(share * 100)}{'_blocks' if blocks else ''}",
                mixture(target, foreign, share, blocks=blocks),
                target,
            )
    # Same-script or shared-character mixtures.
    for target, foreign in [
        ("ja", "zh"),
        ("zh", "ja"),
        ("ko", "zh"),
        ("ru", "uk"),
        ("fr", "es"),
        ("es", "it"),
        ("de", "nl"),
        ("pt", "es"),
        ("it", "fr"),
        ("ar", "fa"),
        ("en", "nl"),
        ("en", "vi"),
        ("ja", "ko"),
    ]:
        add(f"mix_{target}_{foreign}_50", mixture(target, foreign, 0.5, n=8), target)
    # Other supported languages against English.
    for target in ("tr", "pl", "id", "sv", "nl", "uk", "el", "he", "th", "fa"):
        add(f"mix_{target}_en_50", mixture(target, "en", 0.5, n=6), target)
    # zh variants as targets.
    add("target_zh_cn_simplified", joined(sentences("zh", 4)), "zh-cn")
    add("target_zh_tw_simplified", joined(sentences("zh", 4)), "zh-TW")
    add("target_zh_cn_traditional", joined(sentences("zh-tw", 3)), "zh_CN")
    add("target_en_us", joined(sentences("en", 4)), "en-US")
    add("target_pt_br_with_en", mixture("pt", "en", 0.5, n=6), "pt-BR")
    # LaTeX-heavy CoTs: the math never counts, even \text{...} inside it.
    for target, foreign in [
        ("en", None),
        ("zh", None),
        ("fr", None),
        ("zh", "en"),
        ("ru", "en"),
        ("ja", None),
        ("en", "zh"),
    ]:
        items: list[tuple[str, str | None]] = []
        prose = sentences(target, 5) + (sentences(foreign, 3) if foreign else [])
        RNG.shuffle(prose)
        for i, sentence in enumerate(prose):
            items.append(sentence)
            items.append(("\n" + LATEX[(i + len(target)) % len(LATEX)] + "\n", None))
        add(f"latex_heavy_{target}{'_with_' + foreign if foreign else ''}", joined(items), target)
    # Code-heavy CoTs: fences and inline code never count.
    for target, foreign in [("zh", None), ("ru", None), ("fr", "en"), ("ko", None), ("en", "de")]:
        items = []
        prose = sentences(target, 4) + (sentences(foreign, 2) if foreign else [])
        RNG.shuffle(prose)
        for i, sentence in enumerate(prose):
            items.append(sentence)
            items.append(("\n" + CODE[i % len(CODE)] + "\n", None))
        add(f"code_heavy_{target}{'_with_' + foreign if foreign else ''}", joined(items), target)
    # URLs and e-mail addresses never count.
    for target in ("zh", "ja", "en", "ar"):
        items = []
        for i, sentence in enumerate(sentences(target, 3)):
            items.append(sentence)
            items.append((ADDRESSES[i % len(ADDRESSES)], None))
        add(f"urls_emails_{target}", joined(items), target)
    # Phrases embedded inside a sentence (the script decides).
    add(
        "embedded_zh_in_en",
        [
            ("So we need to ", "en"),
            ("计算这个积分", "zh"),
            (" before we compare the two results.", "en"),
        ],
        "en",
    )
    add(
        "embedded_en_term_in_zh",
        [("我们可以用", "zh"), ("Python", "en"), ("来验证这个结果是否正确。", "zh")],
        "zh",
    )
    add(
        "embedded_en_in_ja",
        [("ここで", "ja"), ("dynamic programming", "en"), ("を使うと計算が速くなります。", "ja")],
        "ja",
    )
    add(
        "embedded_ru_in_en",
        [
            ("The key word here is ", "en"),
            ("уравнение", "ru"),
            (", which means equation in this context.", "en"),
        ],
        "en",
    )
    # Language switches at a comma, inside one sentence.
    add(
        "comma_switch_fr_en",
        [
            ("Nous calculons la somme des racines", "fr"),
            (", ", None),
            ("and then we check the result against the equation.", "en"),
        ],
        "fr",
    )
    add(
        "comma_switch_en_de",
        [
            ("So the derivative is positive everywhere", "en"),
            (", ", None),
            ("also ist die Funktion streng monoton steigend.", "de"),
        ],
        "en",
    )
    add(
        "comma_switch_es_en",
        [
            ("Primero calculamos el discriminante", "es"),
            (", ", None),
            ("which tells us how many real roots there are", "en"),
            (", ", None),
            ("y luego sumamos las raíces.", "es"),
        ],
        "es",
    )
    # Single letters and math function names never count.
    add(
        "math_names_and_variables_zh",
        [
            ("我们先计算 ", "zh"),
            ("sin x", "zh"),
            (" 和 ", "zh"),
            ("cos y", "zh"),
            (" 的值，然后对 ", "zh"),
            ("n", "zh"),
            (" 取 ", "zh"),
            ("log", "zh"),
            (" 并比较大小。", "zh"),
        ],
        "zh",
    )
    add("variables_only", [("x + y = z, a b c", "en")], "zh")
    add("variables_and_one_word", [("x + y = z, so a b c", "en")], "zh")
    add(
        "spanish_sin_embargo",
        [("Sin embargo, la suma de las raíces no cambia sin importar el orden.", "es")],
        "es",
    )
    # Very short texts.
    add("short_zh_ok", [("好的。", "zh")], "zh", answer="12")
    add("short_en_ok_in_zh_target", [("OK", "en")], "zh", answer="12")
    add("short_one_word_fr", [("Bon.", "fr")], "fr")
    add("short_two_words_en_in_ja", [("Let me", "en")], "ja")
    add("short_ko", [("좋아요.", "ko")], "ko")
    add("short_ru_word", [("Хорошо.", "ru")], "ru")
    # Empty and wordless CoTs score 1.0.
    add("empty_think", [], "en", answer="The answer is 12.")
    add("whitespace_think", [("   \n  ", None)], "zh", answer="Answer: twelve")
    add("only_math", [(r"$$x = \frac{1}{2}$$ \[y=3\]", None)], "ja", answer="12")
    CASES.append(
        {"name": "empty_completion", "completion": "", "target_lang": "en", "expected": 1.0}
    )
    CASES.append(
        {
            "name": "special_tokens_only",
            "completion": "<|im_end|>",
            "target_lang": "fr",
            "expected": 1.0,
        }
    )
    # Where the CoT is.
    add(
        "answer_part_not_counted",
        joined(sentences("en", 3)),
        "en",
        answer="最终答案是十二。Die Antwort ist zwölf.",
    )
    add("no_think_block_whole_completion_fr", joined(sentences("fr", 3)), "en", think="none")
    add("no_think_block_mixed", mixture("de", "en", 0.5, n=6), "de", think="none")
    add("unclosed_think_truncated", joined(sentences("es", 4)), "es", think="unclosed")
    add("unclosed_think_mixed", mixture("ko", "en", 0.5, n=6), "ko", think="unclosed")
    add(
        "prefilled_closed",
        mixture("zh", "en", 0.75, n=6),
        "zh",
        think="prefilled",
        answer="All in English here, which is not part of the CoT.",
        prefilled=True,
    )
    add("prefilled_truncated", joined(sentences("ru", 3)), "ru", think="none", prefilled=True)
    add(
        "prefilled_flag_without_prefill",
        joined(sentences("it", 3)),
        "it",
        prefilled=True,
        answer="Risposta: dodici.",
    )
    # A long CoT: past langdetect's 10,000-character window, the proportion still counts.
    long_items: list[tuple[str, str]] = []
    for i in range(180):
        long_items.append((BANK["en"][i % len(BANK["en"])], "en"))
        if i % 9 == 8:
            long_items.append((BANK["zh"][i % len(BANK["zh"])], "zh"))
    add("long_en_with_some_zh", joined(long_items), "en")
    # Paragraph layout: newline-separated lists and headings.
    add(
        "markdown_list_fr_en",
        joined(
            [("**Étape 1**", "fr")]
            + sentences("fr", 2)
            + [("**Step 2**", "en")]
            + sentences("en", 2),
            "\n- ",
        ),
        "fr",
    )


def main() -> None:
    build()
    out = Path(__file__).with_name("language_cases.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for case in CASES:
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    langs = {c["target_lang"].split("-")[0].split("_")[0].lower() for c in CASES}
    print(f"{len(CASES)} cases, {len(langs)} target languages -> {out}")


if __name__ == "__main__":
    main()
