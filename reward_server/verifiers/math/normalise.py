"""Canonical text for an answer: the cosmetic LaTeX that never changes a value, removed.

Everything here is linear string work on text already capped in size, so it is safe to run
before any guard.  What it does *not* decide is anything that depends on the gold (a comma
that is a thousands separator or a list separator, a base that the gold implies): that is
read in :mod:`.parse`, in the light of the gold.

Policy carried out here:
- math delimiters (``$``, ``\\(``, ``\\[``), ``\\left``/``\\right`` and sizing commands,
  ``\\displaystyle``, spacing commands, trailing punctuation: dropped;
- ``\\dfrac``/``\\tfrac``/``\\cfrac`` are ``\\frac``; ``\\frac12`` is ``\\frac{1}{2}``;
- currency (``$``, ``\\$``), percent (``\\%``, "percent"), degrees (``^\\circ``, "degrees") and
  trailing unit words (``\\text{ cm}^2``, "apples") are dropped: ``20\\%`` is ``20``, never
  ``0.2``;
- digit groups joined by ``{,}``, ``\\,``, ``\\ ``, ``\\!`` or a space are one number;
- number words ("three", "twenty-five") become digits;
- "or" / "and" between answers become list commas (so a hedge is a list).
"""

from __future__ import annotations

import re

from .numbers import words_to_number
from .units import MATH_WORDS, canonical_unit, strip_units, strip_wrapped_unit

_UNICODE = {
    "\u2212": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u00d7": r"\times ",
    "\u00b7": r"\cdot ",
    "\u22c5": r"\cdot ",
    "\u00f7": r"\div ",
    "\u2264": r"\le ",
    "\u2265": r"\ge ",
    "\u2260": r"\ne ",
    "\u221e": r"\infty ",
    "\u03c0": r"\pi ",
    "\u221a": r"\sqrt ",
    "\u00b0": r"^\circ ",
    "\u222a": r"\cup ",
    "\u2229": r"\cap ",
    "\u2205": r"\emptyset ",
    "\u00b1": r"\pm ",
    "\u2213": r"\mp ",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\uff0c": ",",
    "\u00bd": r"\frac{1}{2}",
    "\u00bc": r"\frac{1}{4}",
    "\u00be": r"\frac{3}{4}",
    "\u00b2": "^{2}",
    "\u00b3": "^{3}",
    "\u2208": r"\in ",
    "\u211d": r"\mathbb{R}",
}
_UNICODE_RE = re.compile("|".join(map(re.escape, _UNICODE)))

# Commands whose argument is kept as plain content.
_UNWRAP = (
    "text",
    "textrm",
    "textnormal",
    "textit",
    "textbf",
    "textsf",
    "texttt",
    "mbox",
    "hbox",
    "mathrm",
    "mathbf",
    "mathit",
    "mathsf",
    "mathtt",
    "mathnormal",
    "boldsymbol",
    "bm",
    "operatorname",
    "emph",
    "underline",
    "textup",
    "mathup",
)
_UNWRAP_RE = re.compile(r"\\(?:" + "|".join(_UNWRAP) + r")\s*\{")
_DROP_RE = re.compile(
    r"\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits|bigl|bigr|Bigl|Bigr|biggl|biggr|"
    r"Biggl|Biggr|big|Big|bigg|Bigg|middle)(?![a-zA-Z])"
)
_LEFT_RIGHT_RE = re.compile(r"\\(?:left|right)(?![a-zA-Z])\s*(\.)?")
_SPACING_RE = re.compile(
    r"\\(?:quad|qquad|enspace|thinspace|medspace|thickspace|negthinspace)(?![a-zA-Z])"
    r"|\\hspace\*?\{[^{}]*\}|(?<!\\)\\[,;:!> ]|~"
)
_FRAC_CMD_RE = re.compile(r"\\[dtc]frac(?![a-zA-Z])")
_FRAC_SHORT_RE = re.compile(r"\\frac\s*([0-9a-zA-Z])\s*([0-9a-zA-Z])")
_FRAC_SHORT_NUM_RE = re.compile(r"\\frac\s*([0-9a-zA-Z])\s*\{")
_FRAC_SHORT_DEN_RE = re.compile(r"(\\frac\s*\{[^{}]*\})\s*([0-9a-zA-Z])")
_SQRT_SHORT_RE = re.compile(r"\\sqrt\s*([0-9a-zA-Z])")
_DEGREE_RE = re.compile(r"\^\s*+\{?+\s*+\\circ\s*+\}?+|\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])")
_PERCENT_RE = re.compile(r"\\?%")
_DOLLAR_RE = re.compile(r"\\\$")
_REL_ALIASES = (
    (re.compile(r"\\(?:leq|leqslant|leqq)(?![a-zA-Z])"), r"\\le "),
    (re.compile(r"\\(?:geq|geqslant|geqq)(?![a-zA-Z])"), r"\\ge "),
    (re.compile(r"\\(?:neq)(?![a-zA-Z])"), r"\\ne "),
    (re.compile(r"\\lt(?![a-zA-Z])"), "<"),
    (re.compile(r"\\gt(?![a-zA-Z])"), ">"),
    (re.compile(r"<="), r"\\le "),
    (re.compile(r">="), r"\\ge "),
    (re.compile(r"!="), r"\\ne "),
    (re.compile(r"\\varnothing(?![a-zA-Z])"), r"\\emptyset "),
    (re.compile(r"\\infin(?![a-zA-Z])"), r"\\infty "),
    (
        re.compile(r"\\(?:rangle|rbrace)(?![a-zA-Z])"),
        lambda m: r"\rangle" if "angle" in m.group() else r"\}",
    ),
    (re.compile(r"\\lbrace(?![a-zA-Z])"), r"\\{"),
    (re.compile(r"\\(?:lvert|rvert|vert)(?![a-zA-Z])"), "|"),
)
# "1{,}000" and "1,\\!000" are LaTeX's own ways of writing a thousands separator.  A number
# grouped in thousands starts with a nonzero group: "0{,}375" and "0 375" are not 375.
_THOUSANDS_BRACED_RE = re.compile(
    r"(?<![\d.])[1-9]\d{0,2}(?:(?:\s*\{\s*,\s*\}\s*|,\s*\\!\s*)\d{3})++(?!\d)"
)
_BRACED_SEPARATOR_RE = re.compile(r"\s*\{\s*,\s*\}\s*|,\s*\\!\s*")
_THOUSANDS_SPACED_RE = re.compile(
    r"(?<![\d.])[1-9]\d{0,2}(?:(?:\\,|\\ |\\!|~|\\thinspace| )\d{3})++(?![\d])"
)
_DIGIT_GAP_RE = re.compile(r"\\,|\\ |\\!|~|\\thinspace| ")
_WS_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]+")

#: Separators between several answers.  A hedge ("3 or 4") thereby becomes a list.
_OR_AND_RE = re.compile(r"(?<![a-zA-Z\\])(?:or|and)(?![a-zA-Z])")


def find_group_end(text: str, start: int) -> int:
    """Index just past the ``}`` that closes the ``{`` at ``start``; -1 when unbalanced.

    Escaped braces (``\\{``, ``\\}``) do not count.  Linear in the length of the group.
    """
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def unwrap_commands(text: str) -> str:
    """``\\text{ cm}`` → `` cm``, ``\\mathbf{v}`` → ``v``: keep the content, drop the command."""
    out: list[str] = []
    pos = 0
    while True:
        m = _UNWRAP_RE.search(text, pos)
        if m is None:
            out.append(text[pos:])
            return "".join(out)
        end = find_group_end(text, m.end() - 1)
        if end < 0:  # unbalanced: leave the rest alone, the parser will refuse it
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos : m.start()])
        inner = text[m.end() : end - 1]
        out.append(" " + unwrap_commands(inner) + " " if "\\" in inner else " " + inner + " ")
        pos = end


_LEADING_ANCHOR_RE = re.compile(
    r"^(?:(?:the\s++)?(?:final\s++)?answer\s*+(?:is)?+\s*+:?+|=|:)\s*+", re.IGNORECASE
)
_PLAIN_FUNC_RE = re.compile(
    r"(?<![\\a-zA-Z])(sin|cos|tan|cot|sec|csc|ln|log|exp|arcsin|arccos|arctan)(?=\s*\()"
)
_PLAIN_CONST_RE = re.compile(r"(?<![\\a-zA-Z])(pi|infinity|infty)(?![a-zA-Z])")
_PLAIN_SQRT_RE = re.compile(r"(?<![\\a-zA-Z])sqrt\s*\(")


def _plain_math(text: str) -> str:
    """Plain-text mathematics a model may write: ``sqrt(2)``, ``pi``, ``sin(x)``."""
    if not re.search(
        r"(?<![\\a-zA-Z])(?:pi|infinity|infty|sqrt|sin|cos|tan|cot|sec|csc|ln|log|exp|arc)", text
    ):
        return text
    text = _PLAIN_CONST_RE.sub(lambda m: "\\pi " if m.group(1) == "pi" else "\\infty ", text)
    text = _PLAIN_FUNC_RE.sub(lambda m: "\\" + m.group(1), text)
    for _ in range(20):  # a real answer has a few square roots, not hundreds
        m = _PLAIN_SQRT_RE.search(text)
        if m is None:
            return text
        depth, end = 0, -1
        for i in range(m.end() - 1, len(text)):
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end < 0:
            return text
        text = text[: m.start()] + "\\sqrt{" + text[m.end() : end] + "}" + text[end + 1 :]
    return text


def _join_thousands(text: str) -> str:
    text = _THOUSANDS_BRACED_RE.sub(lambda m: _BRACED_SEPARATOR_RE.sub("", m.group()), text)
    return _THOUSANDS_SPACED_RE.sub(lambda m: _DIGIT_GAP_RE.sub("", m.group()), text)


def _shorthand_fracs(text: str) -> str:
    text = _FRAC_CMD_RE.sub(r"\\frac", text)
    if "\\frac" in text:
        text = _FRAC_SHORT_RE.sub(r"\\frac{\1}{\2}", text)
        text = _FRAC_SHORT_NUM_RE.sub(r"\\frac{\1}{", text)
        text = _FRAC_SHORT_DEN_RE.sub(r"\1{\2}", text)
    if "\\sqrt" in text:
        text = _SQRT_SHORT_RE.sub(r"\\sqrt{\1}", text)
    return text


_TRIG_DEGREE_RE = re.compile(
    r"(\\(?:sin|cos|tan|cot|sec|csc)|(?<![a-zA-Z\\])cis)\s*+(\()?+\s*+([+-]?\d+(?:\.\d+)?)\s*+"
    r"\^\s*+\{?+\s*+\\circ\s*+\}?+\s*+(?(2)\))"
)
_CIS_RE = re.compile(r"(?<![a-zA-Z\\])cis\s*\(([^()]*)\)")


_TRIG_CALL_RE = re.compile(
    r"(\\(?:sin|cos|tan|cot|sec|csc)|(?<![a-zA-Z\\])cis)\s*+(?:\^\s*+\{?[0-9]\}?\s*+)?([({])"
)
_DEGREE_SIGN_RE = re.compile(r"\^\s*+\{?+\s*+\\circ\s*+\}?+")


def _trig_degrees(text: str) -> str:
    """``\\cos 60^\\circ`` → ``\\cos(\\frac{60\\pi}{180})``: inside a trigonometric function a
    degree sign is a unit to convert, not one to drop, also within a compound argument
    (``\\cos(45^\\circ - x)``); ``cis θ`` is ``e^{iθ}``."""
    if "\\circ" in text and ("\\" in text or "cis" in text):
        text = _TRIG_DEGREE_RE.sub(
            lambda m: f"{m.group(1)}(\\frac{{{m.group(3)}\\pi}}{{180}})", text
        )
        text = _degrees_in_arguments(text)
    if "cis" in text:
        text = _CIS_RE.sub(lambda m: f"e^{{i({m.group(1)})}}", text)
    return text


def _degrees_in_arguments(text: str) -> str:
    """Every ``^\\circ`` inside a trigonometric function's bracketed argument becomes a
    factor ``\\frac{\\pi}{180}`` of the atom it follows."""
    out: list[str] = []
    pos = 0
    for _ in range(20):  # a real answer has a few trigonometric calls
        m = _TRIG_CALL_RE.search(text, pos)
        if m is None:
            break
        close = _matching_bracket(text, m.end() - 1)
        if close < 0:
            break
        argument = text[m.end() : close]
        out.append(text[pos : m.end()])
        out.append(_DEGREE_SIGN_RE.sub(r"\\cdot\\frac{\\pi}{180}", argument))
        pos = close
    out.append(text[pos:])
    return "".join(out)


def _matching_bracket(text: str, start: int) -> int:
    """Index of the bracket closing the one at ``start`` (``(`` or ``{``); -1 if none."""
    opener = text[start]
    closer = ")" if opener == "(" else "}"
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c == opener and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif c == closer and (i == 0 or text[i - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return i
    return -1


def _strip_delimiters(text: str) -> str:
    text = text.replace("$$", " ").replace("\\(", " ").replace("\\)", " ")
    text = _DOLLAR_RE.sub(" ", text).replace("$", " ")
    text = _LEFT_RIGHT_RE.sub("", text)
    text = text.replace("\\[", " ").replace("\\]", " ")
    return _DROP_RE.sub("", text)


def _strip_trailing_punct(text: str) -> str:
    """Drop trailing blanks and sentence punctuation (``5.``, ``5,``, ``5\\.``) and a lone
    trailing backslash (``185\\``)."""
    while True:
        text = text.rstrip(" \t\n\r.,;:?")
        if text.endswith("\\.") or (text.endswith("\\") and not text.endswith("\\\\")):
            text = text[:-2] if text.endswith("\\.") else text[:-1]
            continue
        return text


_BACKSLASH_RUN_RE = re.compile(r"\\+")
_DOUBLED_COMMAND_RE = re.compile(r"(?<!\\)\\\\(?=[a-zA-Z])")
_GLUED_QUAD_RE = re.compile(r"\\(q?quad)(?=[a-zA-Z])")


def undo_escaping(text: str) -> str:
    """Over-escaped LaTeX (``\\\\frac{1}{2}``, a string escaped twice) as written once.

    When every run of backslashes has even length and one of them precedes a letter, the
    whole text was escaped twice: each run is halved.  Otherwise a doubled backslash
    directly before a letter (``\\\\dfrac``) is one backslash, except where ``\\\\`` can
    be a row break (environments, ``&``)."""
    if "\\\\" not in text:
        return text
    runs = _BACKSLASH_RUN_RE.findall(text)
    if all(len(r) % 2 == 0 for r in runs) and re.search(r"\\\\[a-zA-Z]", text):
        return _BACKSLASH_RUN_RE.sub(lambda m: m.group()[: len(m.group()) // 2], text)
    if "\\begin" in text or "&" in text:
        return text
    return _DOUBLED_COMMAND_RE.sub(r"\\", text)


_UNIT_DROP_RE = re.compile(
    r"(?<![a-zA-Z])(?:percentage|percent|per cent|pct|degrees?|dollars?)(?![a-zA-Z])"
)


def normalise(text: str) -> str:
    """Canonical LaTeX text of one answer (gold or extracted), cosmetics removed."""
    s = _UNICODE_RE.sub(lambda m: _UNICODE[m.group()], undo_escaping(text))
    if "quad" in s:
        s = _GLUED_QUAD_RE.sub(r"\\\1 ", s)
    s = _strip_delimiters(s)
    s = strip_wrapped_unit(s)
    s = unwrap_commands(s)
    s = _plain_math(s)
    s = _shorthand_fracs(s)
    s = _trig_degrees(s)
    s = _DEGREE_RE.sub(" ", s)
    s = _PERCENT_RE.sub(" ", s)
    s = _UNIT_DROP_RE.sub(" ", s)
    for pattern, repl in _REL_ALIASES:
        s = pattern.sub(repl, s)
    s = _join_thousands(s)
    s = _SPACING_RE.sub(" ", s)
    s = _WS_RE.sub(" ", s).strip()
    s = _strip_trailing_punct(s)
    s = _LEADING_ANCHOR_RE.sub("", s)
    number = words_to_number(s) if s and s[0].isalpha() else None
    if number is not None:
        return str(number)
    s = strip_units(s)
    return _strip_trailing_punct(s).strip()


def unit_of(text: str) -> str | None:
    """The known physical unit written after a value (``5\\text{ cm}^2``, ``10weeks``,
    ``3 square feet``) as ``cm^2``, ``week``, ``ft^2``; ``None`` when there is none or it
    is no unit we know (``5 apples``)."""
    s = _strip_delimiters(_UNICODE_RE.sub(lambda m: _UNICODE[m.group()], undo_escaping(text)))
    head = strip_wrapped_unit(s)
    removed = s[len(head) :]
    s = _strip_trailing_punct(_WS_RE.sub(" ", unwrap_commands(head)).strip())
    removed = s[len(strip_units(s)) :] + " " + unwrap_commands(removed)
    return canonical_unit(removed)


def or_and_to_commas(text: str) -> str:
    """ "3 or 4" → "3, 4": several answers joined by words are a list."""
    return _OR_AND_RE.sub(",", text) if ("or" in text or "and" in text) else text


_COMMAND_ARG_RE = re.compile(r"\\[a-zA-Z]+\s*\{[a-zA-Z*]*\}")


_SUBSCRIPT_RE = re.compile(r"_\{[^{}]*\}")
_MATH_CONTEXT_RE = re.compile(r"[=:|<>]|\\angle|\\overline|\\frac")


def has_words(text: str) -> bool:
    """True when ``text`` contains a word of three letters or more that is not mathematics.

    Subscripts (``S_{MBCN}``) are names, and so are capitals in a formula (``\\angle ABC``,
    ``|ABCD| = 5``); a capitalised word alone (``YES``) is still a word."""
    bare = _COMMAND_ARG_RE.sub(" ", text)  # \\begin{pmatrix}, \\mathbb{R}: names, not words
    bare = _SUBSCRIPT_RE.sub(" ", bare)
    formula = bool(_MATH_CONTEXT_RE.search(bare))
    return any(
        len(w) >= 3 and w.lower() not in MATH_WORDS and not (formula and w.isupper())
        for w in _WORD_RE.findall(bare)
    )


def is_prose(text: str) -> bool:
    """True when ``text`` reads as words rather than mathematics (a text answer)."""
    if not text or "\\" in text.replace("\\text", ""):
        return False
    words = _WORD_RE.findall(text)
    if not words:
        return False
    if any(w.lower() in ("yes", "no") for w in words) and len(words) <= 3:
        return True
    if re.search(r"\d|[=^_<>+*/]", text):
        return False
    return any(len(w) >= 3 and w.lower() not in MATH_WORDS for w in words)
