"""Reducing a chain of thought to the prose whose language is measured.

The language policy counts words of natural language only: code (fenced and inline),
LaTeX (every math delimiter and every environment), URLs, e-mail addresses and markup tags
are removed before any word is counted, so a CoT full of formulas or code is judged on its
sentences alone.

Everything here is linear in the text, including on degenerate input (a model looping on
"$5 $5 $5 ..." or on unclosed ``\\begin{...}``): delimiters are paired by scanners over
their positions, never by a backtracking ``.*?`` that rescans the rest of the text from each
opener.

Decisions worth knowing:
- A fence (```` ``` ```` or ``~~~``) that is never closed runs to the end of the text: a
  truncated completion that stopped inside a code block is code to the end.
- ``$...$`` follows Pandoc's rule (no space just inside either dollar, no digit right after
  the closing one, no blank line inside), so prices such as "$5 and $10" stay prose.
  ``$$``, ``\\[`` and ``\\(`` left unclosed run to the next blank line.
- Environments whose body is prose (``itemize``, ``enumerate``, ``proof``, ``quote`` ...)
  lose only their ``\\begin``/``\\end`` markers; every other environment is removed whole,
  one left unclosed up to the next blank line.
- LaTeX commands outside math lose their name (``\\textbf{Step}`` keeps "Step"); commands
  whose argument is never prose (``\\label``, ``\\ref``, ``\\cite``, ``\\url``, ``\\boxed``
  ...) lose their argument too.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# Code: fences first (they may contain anything, including dollars and backticks).  Each
# opener either meets its closer or runs to the end, so the lazy scan is linear overall.
_FENCE = re.compile(r"(`{3,}|~{3,}).*?(?:\1|\Z)", re.DOTALL)
_INLINE_CODE = re.compile(r"``[^`\n]+(?:`[^`\n]+)*``|`[^`\n]+`")

# Addresses.  The look-behinds let a match start only at the start of a token, which keeps
# these linear on long runs of word characters.
_EMAIL = re.compile(r"(?<![\w.+-])(?:mailto:)?[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
_URL = re.compile(
    r"\b(?:https?|ftp|file)://\S+|\bwww\.\S+"
    r"|(?<![\w.@/-])(?:[\w-]++\.){1,8}(?:com|org|net|edu|gov|io|ai|dev|info)\b(?:/\S*)?",
    re.IGNORECASE,
)

# Markup tags (<think>, <answer>, <br/>) and chat tokens (<|im_start|>): not words.
_TAG = re.compile(r"</?[A-Za-z][\w:-]*+\s*/?>|<\|[^|<>\n]{0,40}\|>|<｜[^｜<>\n]{0,40}｜>")

# LaTeX environments.
_PROSE_ENVS = frozenset(
    [
        "itemize",
        "enumerate",
        "description",
        "quote",
        "quotation",
        "verse",
        "center",
        "flushleft",
        "flushright",
        "proof",
        "document",
        "abstract",
        "minipage",
        "remark",
        "note",
        "example",
        "solution",
    ]
)
_ENV_MARK = re.compile(r"\\(begin|end)\{([^{}\n]{1,40})\}")
# Math delimiters, with the escapes that must not be read as delimiters listed first.
_MATH_TOKEN = re.compile(r"\\\\|\\\$|\$\$|\$|\\\[|\\\]|\\\(|\\\)|\n[ \t]*\n")
_CLOSER = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Leftover commands outside math.
_NON_PROSE_ARG = re.compile(
    r"\\(?:label|ref|eqref|pageref|cite[tp]?|url|href|boxed|includegraphics|input|include"
    r"|bibliography|bibliographystyle|tag|operatorname|mathrm|mathbf|mathbb|mathcal)\*?"
    r"(?:\[[^\]\n]*+\])?\{(?:[^{}\n]|\{[^{}\n]*+\})*+\}"
)
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\[^A-Za-z\s]")


def _cut(text: str, spans: list[tuple[int, int]], filler: str = " ") -> str:
    """Remove the (possibly overlapping) ``spans`` from ``text``, leaving ``filler``."""
    if not spans:
        return text
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if end <= pos:
            continue
        if start > pos:
            out.append(text[pos:start])
        out.append(filler)
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def _paragraph_end(text: str, start: int) -> int:
    """Index of the next blank line after ``start`` (or the end of the text)."""
    found = _BLANK_LINE.search(text, start)
    return found.start() if found else len(text)


def _remove_environments(text: str) -> str:
    """Drop every non-prose ``\\begin{env}...\\end{env}``; keep prose bodies."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    open_count: dict[str, int] = {}
    for m in _ENV_MARK.finditer(text):
        kind, name = m.group(1), m.group(2)
        if name.rstrip("*") in _PROSE_ENVS:
            spans.append(m.span())
        elif kind == "begin":
            stack.append((name, m.start()))
            open_count[name] = open_count.get(name, 0) + 1
        elif open_count.get(name):
            while True:  # pop up to the matching begin; amortised linear
                top, start = stack.pop()
                open_count[top] -= 1
                if top == name:
                    spans.append((start, m.end()))
                    break
    covered = -1
    for _, start in stack:  # unclosed: to the end of their paragraph
        if start >= covered:
            covered = _paragraph_end(text, start)
            spans.append((start, covered))
    return _cut(text, spans)


def _remove_math(text: str) -> str:
    """Drop ``$$..$$``, ``\\[..\\]``, ``\\(..\\)`` and Pandoc-style ``$..$`` in one pass."""
    tokens = [(m.group(), m.start(), m.end()) for m in _MATH_TOKEN.finditer(text)]
    if not tokens:
        return text
    n = len(tokens)
    # Token indices of each kind, in order, so "the next closer after i" is a bisection.
    where: dict[str, list[int]] = {"$$": [], "\\]": [], "\\)": [], "$close": [], "blank": []}
    for i, (tok, start, end) in enumerate(tokens):
        if tok in where:
            where[tok].append(i)
        elif tok == "$":
            if start > 0 and not text[start - 1].isspace() and not text[end : end + 1].isdigit():
                where["$close"].append(i)
        elif tok[0] == "\n":
            where["blank"].append(i)

    def after(kind: str, i: int) -> int:
        found = where[kind]
        k = bisect_right(found, i)
        return found[k] if k < len(found) else n

    spans: list[tuple[int, int]] = []
    i = 0
    while i < n:
        tok, start, end = tokens[i]
        if tok in _CLOSER:
            j = after(_CLOSER[tok], i)
            if j < n:
                spans.append((start, tokens[j][2]))
                i = j + 1
            else:
                spans.append((start, _paragraph_end(text, end)))
                i = after("blank", i)
            continue
        if tok == "$" and text[end : end + 1].strip():
            j = after("$close", i)
            if j < after("blank", i):
                spans.append((start, tokens[j][2]))
                i = j + 1
                continue
        i += 1
    return _cut(text, spans)


def extract_prose(text: str) -> str:
    """Return ``text`` without code, LaTeX, URLs, e-mail addresses and markup tags.

    Code blocks leave a line break, so the words on either side never join one clause;
    inline removals leave a space.
    """
    text = _FENCE.sub("\n", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _remove_environments(text)
    text = _remove_math(text)
    text = _NON_PROSE_ARG.sub(" ", text)
    return _COMMAND.sub(" ", text)
