"""Finding the final answer in a completion, by the policy and nothing looser.

- The answer region is the text after the last ``</think>``; a think block that never
  closes has no answer (:func:`reward_server.verifiers.completion.split_think`).
- The answer is the content of ``\\boxed{…}`` / ``\\fbox{…}`` with balanced braces.  Every
  box in the answer region counts: several *different* boxes are a hedge and the caller
  scores it 0 unless each of them equals the gold; the same box repeated is one answer.
  An unclosed or empty box scores 0.
- Without a box: an anchored phrase ("the final answer is", "the answer is",
  "Answer:", bold variants) whose answer ends the region (a short closing remark without
  mathematics, "I hope it is correct.", may follow).  No "last number in the text"
  fallback: a number that is not anchored is not an answer.
- A region that is nothing but one short mathematical expression is that answer.

All scanning is linear in the completion's length (a 100 kB completion costs ~1 ms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..completion import split_think
from .normalise import find_group_end

_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*(\{)?")
# Possessive quantifiers throughout: no backtracking, so long runs of blanks stay linear.
_ANCHOR_RE = re.compile(
    r"(?:(?<![a-z])the\s++)?final\s++answer(?:\s++is(?![a-z]))?+|(?<![a-z])(?:the\s++)?(?:correct\s++)?answer\s++is(?![a-z])|"
    r"(?<![a-z])the\s++solution(?:\s++set)?+\s++is(?![a-z])|"
    r"(?<![a-z])answer(?=[ \t]*+(?:\*\*|__)?+[ \t]*+[:：])|(?<![a-z])answer(?=[ \t]*+(?:\$|\\\(|\\\[))",
    re.IGNORECASE,
)
_DISPLAY_OPEN_RE = re.compile(r"\$\$|\\\[")
_CURRENCY_RE = re.compile(r"^\$\s*(?=[\d.])|(?<=[\d.])\s*\$$")
#: A short trailing unit after a bare number: "28 percent", "$28$ %", "10 apples".
_TRAILING_UNIT_RE = re.compile(r"\s*+(%|(?:[a-zA-Z]{2,}\.?[ \t]*+){1,2})$")
_NOT_UNITS = frozenset(
    ["is", "are", "was", "so", "the", "and", "or", "of", "to", "it", "we", "thus"]
)
#: "$\\boxed{14}$ is our answer.", "Therefore $x \\ge 5$ is the solution.": a formula that the
#: last sentence calls the answer.
_POSTFIX_ANCHOR_RE = re.compile(
    r"(\$[^$\n]++\$|\\\((?:(?!\\\)).)++\\\))\s*+is\s++(?:the|our)\s++(?:final\s++)?+"
    r"(?:answer|solution)\s*+[.!]?+\s*+$",
    re.IGNORECASE,
)
#: A chat template's turn marker: what follows it is a new turn, not this answer.
_NEW_TURN_RE = re.compile(r"<\|im_start\|>")
_ANCHOR_TAIL_RE = re.compile(r"[ \t]*+(?:\*\*|__)?+\s*+[:：]?+\s*+(?:\*\*|__)?+")
_MATH_SPAN_RE = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_BARE_TOKEN_RE = re.compile(r"\s*+([^\s$.,;]+)")
_DOLLARS_RE = re.compile(r"\$\$|(?<!\\)\$|\\\(|\\\)|\\\[|\\\]")
_CLOSING_REMARK_RE = re.compile(r"[^\d$\\=^_{}]{0,80}")
_THINK_OPEN_RE = re.compile(r"<think>", re.IGNORECASE)
_BOLD_RE = re.compile(r"(?:\*\*|__)([^*_]+)(?:\*\*|__)\.?")
MAX_BARE_CHARS = 80


@dataclass(frozen=True)
class Extraction:
    """What the completion answers: ``answers`` (possibly several boxes) or why none."""

    answers: tuple[str, ...] = ()
    method: str = "none"
    reason: str = ""
    hedged: bool = False


def answer_region(completion: str, *, prefilled: bool = False) -> str | None:
    """The text after the last ``</think>`` (``None`` for an unclosed think block).

    A ``<think>`` opened after the last ``</think>`` is a think block that never closed
    too: the completion was cut while reconsidering, so what precedes it is no final
    answer."""
    region = split_think(completion, prefilled=prefilled).answer
    if region is not None and _THINK_OPEN_RE.search(region):
        return None
    if region is not None:
        turn = _NEW_TURN_RE.search(region)
        if turn is not None:
            region = region[: turn.start()]
    return region


def find_boxes(text: str) -> tuple[list[str], bool]:
    """Contents of every outermost ``\\boxed{…}``/``\\fbox{…}``; ``True`` if one is unclosed."""
    boxes: list[str] = []
    pos = 0
    while True:
        m = _BOX_RE.search(text, pos)
        if m is None:
            return boxes, False
        if m.group(1) is None:  # \boxed 5  (a single token, no braces)
            token = _BARE_TOKEN_RE.match(text, m.end())
            if token is None:
                return boxes, True
            boxes.append(token.group(1))
            pos = token.end()
            continue
        end = find_group_end(text, m.end() - 1)
        if end < 0:
            return boxes, True
        boxes.append(text[m.end() : end - 1])
        pos = end


def _anchored(region: str) -> str | None:
    """The answer after the last anchored phrase, if that answer ends the region (or the
    formula a closing "... is our answer." names)."""
    postfix = _POSTFIX_ANCHOR_RE.search(region, max(0, len(region) - 400))
    if postfix:
        return _DOLLARS_RE.sub(" ", postfix.group(1)).strip()
    last = None
    for match in _ANCHOR_RE.finditer(region):
        last = match
    if last is None:
        return None
    tail_match = _ANCHOR_TAIL_RE.match(region, last.end())
    rest = region[tail_match.end() if tail_match else last.end() :].strip()
    display = _DISPLAY_OPEN_RE.match(rest)
    if display:  # "Answer \\[ 9 \\]": a display may span lines; an inline formula may not
        closing = "$$" if display.group() == "$$" else "\\]"
        end = rest.find(closing, display.end())
        if end < 0:
            return None
        answer = rest[display.end() : end].strip()
        after = rest[end + len(closing) :].strip().lstrip(".").strip()
        if not answer or (after and not _CLOSING_REMARK_RE.fullmatch(after)):
            return None
        return answer
    line, _, after = rest.partition("\n")
    cut = _sentence_end(line)
    answer, tail = line[:cut], line[cut:] + "\n" + after
    answer = _DOLLARS_RE.sub(" ", answer).strip().strip("*_").strip()
    tail = tail.strip().lstrip(".").strip()
    if not answer or (tail and not _CLOSING_REMARK_RE.fullmatch(tail)):
        return None
    return _predicate(answer)


#: "Final Answer: The volume of $ABCD$ is 120.": the anchored sentence states the value.
_COPULA_RE = re.compile(r"\s(?:is|are|equals)\s++", re.IGNORECASE)


def _predicate(answer: str) -> str:
    """The value an anchored sentence states: what follows its last "is" when the words
    before it are prose (``The largest n is 34`` → ``34``); the answer itself otherwise."""
    last = None
    for match in _COPULA_RE.finditer(answer):
        last = match
    if last is None or not re.search(r"[a-zA-Z]{3,}", answer[: last.start()]):
        return answer
    value = answer[last.end() :].strip()
    return value or answer


def _sentence_end(line: str) -> int:
    """Index of the period that ends the first sentence of ``line`` (outside ``$…$``)."""
    in_math = False
    n = len(line)
    last_text = len(line.rstrip())
    for i, c in enumerate(line):
        if c == "$" and (i == 0 or line[i - 1] != "\\"):
            in_math = not in_math
        elif c == "." and not in_math:
            after = line[i + 1 : i + 3]
            if after[:1].isspace() and after[1:].isupper():
                return i  # ". The …"
            if i + 1 == n or (after[:1].isspace() and i + 1 == last_text):
                return i  # the period ends the line
    return n


def _bare(region: str) -> str | None:
    """The region itself when it is one short math expression and nothing else."""
    text = region.strip()
    if not text or len(text) > MAX_BARE_CHARS or "\n" in text:
        return None
    bold = _BOLD_RE.fullmatch(text)
    if bold:
        text = bold.group(1).strip()  # **5**
    if text.count("$") == 1 and _CURRENCY_RE.search(text):
        text = _CURRENCY_RE.sub("", text)  # $1,000.99
    unit = _TRAILING_UNIT_RE.search(text.rstrip(". "))
    if unit and unit.start() > 0 and unit.group(1).strip(". ").lower() not in _NOT_UNITS:
        head = text[: unit.start()].strip()
        if head[-1:].isdigit() and "$" not in head:
            # "28 percent", "10 apples": the number, its unit dropped later ("$5$ cm", a
            # formula followed by words, stays prose)
            return f"{head} {unit.group(1).strip()}" if _bare(head) is not None else None
    math = _MATH_SPAN_RE.fullmatch(text) or _MATH_SPAN_RE.fullmatch(text.rstrip(". "))
    if math:
        return next(g for g in math.groups() if g is not None).strip()
    if _DOLLARS_RE.search(text):
        return None  # words around a formula ("So $n = 5$."): prose, not a bare answer
    text = text.rstrip(".")
    letters = re.sub(r"\\[a-zA-Z]+", "", text)
    if re.search(r"[a-zA-Z]{3,}", letters) or sum(c.isalpha() for c in letters) > 12:
        return None  # words: prose, not a bare answer
    return text


def extract_answer(completion: str, *, prefilled: bool = False) -> Extraction:
    """Find the final answer of ``completion`` by the policy above."""
    region = answer_region(completion, prefilled=prefilled)
    if region is None:
        return Extraction(reason="think block never closed: no answer", method="none")
    boxes, unclosed = find_boxes(region)
    if unclosed:
        return Extraction(reason="unclosed \\boxed{", method="boxed")
    if boxes:
        distinct = tuple(dict.fromkeys(" ".join(b.split()) for b in boxes))
        if any(not b for b in distinct):
            return Extraction(reason="empty \\boxed{}", method="boxed")
        return Extraction(answers=distinct, method="boxed", hedged=len(distinct) > 1)
    anchored = _anchored(region)
    if anchored is not None:
        return Extraction(answers=(anchored,), method="anchored phrase")
    bare = _bare(region)
    if bare is not None:
        return Extraction(answers=(bare,), method="whole answer")
    return Extraction(reason="no \\boxed{} and no anchored final answer", method="none")
