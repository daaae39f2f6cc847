"""The built-in verifiers, declared as any plugin declares its own (see :mod:`.registry`).

Each declaration says what the verifier reads from an item and how that becomes its call;
the checks that make an item unverifiable (a math item without a gold answer, a code item
over the test limit) live here, next to the verifier they guard, not in the scorer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .outcome import Outcome
from .registry import Arguments, Verifier

if TYPE_CHECKING:
    from reward_server.config import Settings
    from reward_server.schemas import ScoreItem


def _format_arguments(item: ScoreItem, settings: Settings) -> Arguments:
    return (item.completion,), {
        "prefilled": item.format.prefilled,
        "answer_tags": item.format.answer_tags,
    }


def _language_arguments(item: ScoreItem, settings: Settings) -> Arguments:
    return (item.completion, item.target_lang), {"prefilled": item.format.prefilled}


def _math_arguments(item: ScoreItem, settings: Settings) -> Arguments:
    if item.answer is None or not item.answer.strip():
        return Outcome.invalid("task 'math' needs a non-empty `answer`", "missing_answer")
    if len(item.answer) > settings.max_answer_chars:
        return Outcome.invalid(
            f"gold answer longer than {settings.max_answer_chars} characters", "answer_too_long"
        )
    return (item.completion, item.answer), {"prefilled": item.format.prefilled}


def _code_arguments(item: ScoreItem, settings: Settings) -> Arguments:
    if item.code is None:
        return Outcome.invalid("task 'code' needs a `code` object with tests", "missing_tests")
    tests = len(item.code.tests)
    if tests > settings.sandbox.max_tests:
        return Outcome.invalid(
            f"{tests} tests; the limit is {settings.sandbox.max_tests}", "too_many_tests"
        )
    return (item.completion, item.code), {"prefilled": item.format.prefilled}


def _instructions_arguments(item: ScoreItem, settings: Settings) -> Arguments:
    if item.constraints is None:
        return Outcome.invalid(
            "task 'instructions' needs `constraints` ({instruction_id: [...], kwargs: [...]})",
            "missing_constraints",
        )
    return (item.completion, item.constraints), {
        "prompt": item.prompt,
        "prefilled": item.format.prefilled,
        "strict": item.instructions.mode == "strict",
        "all_or_nothing": item.instructions.all_or_nothing,
    }


def builtin_verifiers() -> list[Verifier]:
    """The accuracy checks, format, language, then the shaping terms, in report order."""
    from .code import check_code
    from .format import check_format
    from .instructions import INSTRUCTION_IDS, check_instructions
    from .language import check_language, supported_languages
    from .math import check_math
    from .shaping_components import shaping_verifiers

    return [
        Verifier(
            name="math",
            component="accuracy",
            placement="worker",
            func=check_math,
            arguments=_math_arguments,
            tasks=("math",),
            reads=("completion", "answer", "format.prefilled"),
            default_weight=1.0,
            description="the final answer equals the gold answer (symbolic equivalence)",
        ),
        Verifier(
            name="code",
            component="accuracy",
            placement="sandbox",
            func=check_code,
            arguments=_code_arguments,
            tasks=("code",),
            reads=("completion", "code", "format.prefilled"),
            default_weight=1.0,
            description="the program passes the tests in the Docker sandbox (fraction passed)",
        ),
        Verifier(
            name="instructions",
            component="accuracy",
            placement="worker",
            func=check_instructions,
            arguments=_instructions_arguments,
            tasks=("instructions",),
            reads=("completion", "constraints", "prompt", "instructions", "format.prefilled"),
            default_weight=1.0,
            description="share of IFEval-style instruction constraints the answer meets",
            extra={"instruction_ids": list(INSTRUCTION_IDS)},
        ),
        Verifier(
            name="format",
            component="format",
            placement="inline",
            func=check_format,
            arguments=_format_arguments,
            reads=("completion", "format.prefilled", "format.answer_tags"),
            default_weight=1.0,
            description="R1 think-tag structure (always computed)",
        ),
        Verifier(
            name="language",
            component="language",
            placement="worker",
            func=check_language,
            arguments=_language_arguments,
            when=lambda item: item.target_lang is not None,
            reads=("completion", "target_lang", "format.prefilled"),
            default_weight=1.0,
            description="share of target-language words in the chain of thought",
            extra={"languages": list(supported_languages())},
        ),
        *shaping_verifiers(),
    ]
