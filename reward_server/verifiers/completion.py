"""Splitting a completion into its reasoning and its answer.

Shared by every verifier so that "the answer part" means the same thing to the format,
language, math and code checks.  Pure string work: cheap and safe in-process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Trailing chat-template special tokens a trainer may leave on a decoded completion
# (end-of-turn, end-of-text and padding tokens of the common model families).
SPECIAL_TOKENS: tuple[str, ...] = tuple(
    sorted(
        {
            "<|im_end|>",
            "<|endoftext|>",
            "<|eot_id|>",
            "<|end_of_text|>",
            "<|end|>",
            "<|im_start|>",
            "</s>",
            "<eos>",
            "<end_of_turn>",
            "<|return|>",
            "<|eom_id|>",
            "<｜end▁of▁sentence｜>",
            "<|end▁of▁sentence|>",
            "<|endofturn|>",
            "<|eot|>",
            "<|END_OF_TURN_TOKEN|>",
            "<|call|>",
            "<|user|>",
            "<|observation|>",
            "<|pad|>",
            "<pad>",
            "<|finetune_right_pad_id|>",
            "<｜▁pad▁｜>",
        },
        key=lambda t: (-len(t), t),  # longest first: no token shadows a longer one
    )
)
_OPEN = re.compile(r"<think>", re.IGNORECASE)
_CLOSE = re.compile(r"</think>", re.IGNORECASE)


def strip_special_tokens(text: str) -> str:
    """Remove trailing chat special tokens (and whitespace around them).

    Text without a trailing token is returned unchanged (its trailing whitespace kept).
    Index arithmetic from the end, not a regex: an anchored ``(\\s*token)+\\s*$`` search is
    quadratic in runs of whitespace, and completions reach ~100 kB.
    """
    end = len(text)
    cut = None
    while True:
        while end and text[end - 1].isspace():
            end -= 1
        token = next((t for t in SPECIAL_TOKENS if text.endswith(t, 0, end)), None)
        if token is None:
            break
        end -= len(token)
        cut = end
    if cut is None:
        return text
    while cut and text[cut - 1].isspace():
        cut -= 1
    return text[:cut]


@dataclass(frozen=True)
class Parts:
    """A completion cut at its think block.

    ``reasoning`` is the inside of the think block (``None`` when there is none).
    ``answer`` is the text after the last ``</think>``; ``None`` when a think block was
    opened but never closed (a truncated completion has no answer). With no think block at
    all, the whole completion is the answer.
    """

    reasoning: str | None
    answer: str | None
    has_think: bool


def split_think(completion: str, *, prefilled: bool = False) -> Parts:
    """Cut ``completion`` into reasoning and answer.

    ``prefilled`` means the chat template already emitted ``<think>``: the completion
    starts inside the reasoning.
    """
    text = strip_special_tokens(completion)
    closes = list(_CLOSE.finditer(text))
    opens = list(_OPEN.finditer(text))
    if closes:
        last = closes[-1]
        before = text[: last.start()]
        first_open = opens[0] if opens and opens[0].start() < last.start() else None
        reasoning = before[first_open.end() :] if first_open else before
        return Parts(reasoning=reasoning, answer=text[last.end() :], has_think=True)
    if opens or prefilled:
        reasoning = text[opens[0].end() :] if opens else text
        return Parts(reasoning=reasoning, answer=None, has_think=True)
    return Parts(reasoning=None, answer=text, has_think=False)
