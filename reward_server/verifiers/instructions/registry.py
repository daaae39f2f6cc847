"""The 25 IFEval instruction ids: the arguments each one takes and the check it runs.

The ids and argument names are IFEval's (``instructions_registry.INSTRUCTION_DICT`` and
each class's ``build_description``), which Tulu 3's RLVR data uses unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import keywords, length, markup, response
from .params import (
    KwargError,
    Param,
    count,
    language,
    letter,
    raw_text,
    relation,
    text,
    word_list,
)

Check = Callable[[str, Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Instruction:
    """One instruction id: the keyword arguments it reads and its check."""

    id: str
    params: tuple[Param, ...]
    check: Check
    #: Cross-argument rule run after every argument parsed (e.g. nth <= num).
    validate: Callable[[dict[str, Any]], None] | None = None


def _nth_within(args: dict[str, Any]) -> None:
    if not 1 <= args["nth_paragraph"] <= args["num_paragraphs"]:
        raise KwargError(
            f"nth_paragraph must be between 1 and num_paragraphs ({args['num_paragraphs']}),"
            f" got {args['nth_paragraph']}"
        )


_ALL = (
    Instruction("keywords:existence", (word_list("keywords"),), keywords.existence),
    Instruction(
        "keywords:frequency",
        (text("keyword"), count("frequency"), relation("relation")),
        keywords.frequency,
    ),
    Instruction(
        "keywords:forbidden_words", (word_list("forbidden_words"),), keywords.forbidden_words
    ),
    Instruction(
        "keywords:letter_frequency",
        (letter("letter"), count("let_frequency"), relation("let_relation")),
        keywords.letter_frequency,
    ),
    Instruction("language:response_language", (language("language"),), response.response_language),
    Instruction(
        "length_constraints:number_sentences",
        (count("num_sentences"), relation("relation")),
        length.number_sentences,
    ),
    Instruction(
        "length_constraints:number_paragraphs", (count("num_paragraphs"),), length.number_paragraphs
    ),
    Instruction(
        "length_constraints:number_words",
        (count("num_words"), relation("relation")),
        length.number_words,
    ),
    Instruction(
        "length_constraints:nth_paragraph_first_word",
        (count("num_paragraphs"), count("nth_paragraph"), raw_text("first_word")),
        length.nth_paragraph_first_word,
        _nth_within,
    ),
    Instruction(
        "detectable_content:number_placeholders",
        (count("num_placeholders"),),
        markup.number_placeholders,
    ),
    Instruction("detectable_content:postscript", (text("postscript_marker"),), markup.postscript),
    Instruction(
        "detectable_format:number_bullet_lists", (count("num_bullets"),), markup.number_bullet_lists
    ),
    Instruction("detectable_format:constrained_response", (), markup.constrained_response),
    Instruction(
        "detectable_format:number_highlighted_sections",
        (count("num_highlights"),),
        markup.number_highlighted_sections,
    ),
    Instruction(
        "detectable_format:multiple_sections",
        (text("section_spliter"), count("num_sections")),
        markup.multiple_sections,
    ),
    Instruction("detectable_format:json_format", (), markup.json_format),
    Instruction("detectable_format:title", (), markup.title),
    Instruction("combination:two_responses", (), response.two_responses),
    # prompt_to_repeat may be left out when the caller passes the prompt itself.
    Instruction(
        "combination:repeat_prompt",
        (raw_text("prompt_to_repeat", required=False),),
        response.repeat_prompt,
    ),
    Instruction("startend:end_checker", (text("end_phrase"),), response.end_checker),
    Instruction(
        "change_case:capital_word_frequency",
        (count("capital_frequency"), relation("capital_relation")),
        response.capital_word_frequency,
    ),
    Instruction("change_case:english_capital", (), response.english_capital),
    Instruction("change_case:english_lowercase", (), response.english_lowercase),
    Instruction("punctuation:no_comma", (), response.no_comma),
    Instruction("startend:quotation", (), response.quotation),
)

INSTRUCTIONS: dict[str, Instruction] = {instruction.id: instruction for instruction in _ALL}

#: Every supported instruction id, in IFEval's registry order.
INSTRUCTION_IDS: tuple[str, ...] = tuple(INSTRUCTIONS)
