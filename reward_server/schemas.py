"""Wire models of the v1 API.

These are the contract between the server and every client.  Field names are fixed:
fields may be added, none renamed.  This module imports pydantic only (no FastAPI), so
``trainer_client`` can use it on a GPU host without the server's dependencies.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

#: The built-in tasks; a verifier plugin may add its own (``GET /v1/verifiers`` lists them).
BUILTIN_TASKS: tuple[str, ...] = ("math", "code", "none")
#: A weight: finite and bounded, so no weighted sum can overflow into a non-number.
#: Numbers and booleans of requests are strict (no ``"1.5"`` or ``true`` for a number):
#: what the published schema says is what is accepted.
Weight = Annotated[float, Field(ge=-1e6, le=1e6, allow_inf_nan=False, strict=True)]
#: An item id: echoed as a string; trainers often send integers.
ItemId = Annotated[
    str | None,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "integer"},
                {"type": "number"},
                {"type": "null"},
            ],
            "description": "Echoed back as a string.",
        },
        mode="validation",
    ),
]
Status = Literal["ok", "invalid", "timeout", "error"]
Checker = Literal["tokens", "exact", "lines", "case_insensitive", "float"]


class _Model(BaseModel):
    # Unknown fields are ignored, so trainers can send their dataset columns as they are.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CodeTest(_Model):
    """One stdio test: the program reads ``input`` and must print ``output``."""

    input: str = ""
    output: str = ""


class CheckerProgram(_Model):
    """A special judge: run as ``checker INPUT EXPECTED OUTPUT`` (three file paths, the
    Kattis/testlib order) in the sandbox; exit 0 accepts, another exit code rejects, a
    crash, a signal or a limit is a fault of the checker (the item's error, never a
    wrong answer)."""

    source: str
    language: str = "cpp"
    time_limit_s: float = Field(10.0, gt=0, le=60, allow_inf_nan=False, strict=True)
    memory_limit_mb: int = Field(512, ge=16, le=8192, strict=True)


class CodeSpec(_Model):
    """How to run and judge the program in a ``task: "code"`` item.

    Tests come in one of these forms (docs/code-datasets.md maps public datasets):
    ``tests`` (stdio), ``test_code`` (+ ``entry_point``: HumanEval/MBPP asserts),
    ``input_output`` (APPS/TACO/PRIME JSON, stdio or with ``fn_name`` function calls),
    ``public_test_cases``/``private_test_cases`` (LiveCodeBench, stdin or functional),
    ``test_file`` (pytest or unittest, importing the program as ``solution``)."""

    language: str = "python"
    tests: list[CodeTest] = Field(default_factory=list)
    test_code: str | None = Field(None, description="Assert-style tests (HumanEval/MBPP).")
    entry_point: str | None = Field(None, description="Function passed to check() in test_code.")
    input_output: str | dict[str, Any] | None = Field(
        None, description="APPS/TACO/PRIME: {inputs, outputs, fn_name?}, an object or JSON text."
    )
    public_test_cases: str | list[Any] | None = Field(
        None, description="LiveCodeBench: [{input, output, testtype}], a list or JSON text."
    )
    private_test_cases: str | list[Any] | None = Field(
        None, description="LiveCodeBench: as public_test_cases (also its compressed form)."
    )
    fn_name: str | None = Field(None, description="The function functional tests call.")
    metadata: str | dict[str, Any] | None = Field(
        None, description='LiveCodeBench metadata: {"func_name": ...}, an object or JSON text.'
    )
    test_file: str | None = Field(None, description="A pytest/unittest file importing `solution`.")
    framework: Literal["pytest", "unittest"] = "pytest"
    files: dict[str, str] | None = Field(
        None, description="{relative path: text} placed read-only beside the program."
    )
    time_limit_s: float = Field(2.0, gt=0, le=60, allow_inf_nan=False, strict=True)
    memory_limit_mb: int = Field(256, ge=16, le=8192, strict=True)
    checker: Checker | CheckerProgram = Field(
        "tokens",
        description="How stdout is compared with the expected output: a rule's name, or a "
        "special judge {source, language}.",
    )
    float_tolerance: float = Field(1e-6, ge=0, le=1, allow_inf_nan=False, strict=True)
    all_or_nothing: bool = Field(
        False, strict=True, description="Score 1 only when every test passes."
    )

    @model_validator(mode="after")
    def _has_tests(self) -> CodeSpec:
        given = (
            self.tests,
            self.test_code,
            self.input_output,
            self.public_test_cases,
            self.private_test_cases,
            self.test_file,
        )
        if not any(g not in (None, "", [], {}) for g in given):
            raise ValueError(
                "code needs tests: `tests` (stdio), `test_code` (asserts), `input_output`, "
                "`public_test_cases`/`private_test_cases` or `test_file`"
            )
        return self


class FormatOptions(_Model):
    prefilled: bool = Field(
        False, strict=True, description="The chat template already emitted <think>."
    )
    answer_tags: bool = Field(
        False, strict=True, description="The answer must be one <answer>...</answer> block."
    )


class Weights(_Model):
    """Per-component weights; a missing one falls back to the preset, then the server.

    Components other than the three built-in ones (shaping terms, plugins) are given by
    name; a name no verifier scores is refused."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Weight]

    accuracy: Weight | None = None
    format: Weight | None = None
    language: Weight | None = None


class InstructionOptions(_Model):
    """How ``task: "instructions"`` scores an item's constraints (IFEval semantics)."""

    mode: Literal["strict", "loose"] = Field(
        "strict",
        description="IFEval's strict check, or loose (also with edge lines or `*` removed).",
    )
    all_or_nothing: bool = Field(
        False, strict=True, description="1 only when every constraint is met."
    )


class ShapingOptions(_Model):
    """Options of the shaping components; a missing one takes the server's (``REWARD_SHAPING__*``).

    Lengths are in tokens (``completion_tokens`` when given). Formulas: docs/shaping.md."""

    max_tokens: int | None = Field(
        None, ge=1, strict=True, description="DAPO: the maximum length L_max."
    )
    overlong_buffer: int | None = Field(
        None, ge=1, strict=True, description="DAPO: the soft buffer L_cache."
    )
    cosine_max_len: int | None = Field(
        None, ge=1, strict=True, description="Cosine reward: length of the full cycle."
    )
    cosine_min_value_wrong: (
        Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False, strict=True)] | None
    ) = None
    cosine_max_value_wrong: (
        Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False, strict=True)] | None
    ) = None
    cosine_min_value_correct: (
        Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False, strict=True)] | None
    ) = None
    cosine_max_value_correct: (
        Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False, strict=True)] | None
    ) = None
    repetition_ngram: int | None = Field(
        None, ge=1, le=64, strict=True, description="n of the n-grams."
    )
    repetition_max_penalty: (
        Annotated[float, Field(ge=-1, le=0, allow_inf_nan=False, strict=True)] | None
    ) = None
    repetition_scope: Literal["completion", "answer"] | None = None


class ScoreItem(_Model):
    """One completion to score. Only ``completion`` is required.

    Other fields are kept (``model_extra``), so a verifier plugin can read a field of its
    own and a dataset row can be posted as it is."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: ItemId = None
    completion: str
    prompt: str | None = None
    task: str = Field(
        "none",
        description="What `accuracy` checks: math, code, instructions, none, or a plugin's task.",
    )
    answer: str | None = None
    code: CodeSpec | None = None
    target_lang: str | None = Field(None, description="ISO 639-1 code; enables the language score.")
    format: FormatOptions = Field(default_factory=FormatOptions)
    weights: Weights | None = None
    preset: str | None = Field(None, description="Named weight preset, e.g. r1-zero or r1.")
    constraints: Any = Field(
        None,
        description="task 'instructions': IFEval/Tulu 3 label {instruction_id: [...], kwargs: [...]}, "
        "as an object or a JSON string.",
    )
    instructions: InstructionOptions = Field(default_factory=InstructionOptions)
    completion_tokens: int | None = Field(
        None,
        ge=0,
        strict=True,
        description="The completion's length in tokens, for the length shaping terms.",
    )
    shaping: ShapingOptions = Field(default_factory=ShapingOptions)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_string(cls, value: Any) -> Any:
        # Trainers often use integer ids; echo them back as strings.
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )

    @field_validator("target_lang")
    @classmethod
    def _lang_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower().replace("_", "-")
        if not value:
            return None
        return value


class ScoreRequest(_Model):
    items: list[ScoreItem]
    group_size: int | None = Field(None, ge=1, strict=True)
    preset: str | None = Field(None, description="Default preset for items that name none.")
    deadline_s: float | None = Field(
        None,
        gt=0,
        allow_inf_nan=False,
        strict=True,
        description=(
            "Seconds the client will wait (or the X-Request-Timeout header): items not "
            "verified by then come back as `timeout` (retryable) and their work is stopped."
        ),
    )


class Scores(_Model):
    """Each component's score; components beyond the built-in three appear by name."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float | None]

    accuracy: float | None = None
    format: float | None = None
    language: float | None = None


#: The reward's components, in the order of :class:`Scores`.
COMPONENTS: tuple[str, ...] = tuple(Scores.model_fields)


class ErrorInfo(_Model):
    type: str
    message: str
    retryable: bool = False


class ScoreResult(_Model):
    id: str | None = None
    reward: float | None = None
    status: Status = "ok"
    scores: Scores = Field(default_factory=Scores)
    details: dict[str, Any] = Field(default_factory=dict)
    error: ErrorInfo | None = None


class ScoreResponse(_Model):
    results: list[ScoreResult]
    advantages: list[float] | None = None


class RunRequest(_Model):
    """Raw execution: run a program once with stdin and limits (``POST /v1/run``)."""

    source: str
    language: str = "python"
    stdin: str = ""
    time_limit_s: float = Field(2.0, gt=0, le=60, allow_inf_nan=False, strict=True)
    memory_limit_mb: int = Field(256, ge=16, le=8192, strict=True)


class RunResponse(_Model):
    verdict: str
    stdout: str
    stderr: str
    exit_code: int | None = None
    time_s: float | None = None
    memory_mb: float | None = None
    compile_output: str | None = None
    status: Status = "ok"
    error: ErrorInfo | None = None


class OpenRLHFRequest(_Model):
    """OpenRLHF's remote reward protocol."""

    query: list[str] = Field(default_factory=list)
    prompts: list[str] = Field(default_factory=list)
    labels: list[Any] = Field(default_factory=list)


class OpenRLHFResponse(_Model):
    rewards: list[float]
    scores: list[float]
    extra_logs: dict[str, Any] = Field(default_factory=dict)


class ProblemDetail(_Model):
    """Body of every 4xx/5xx answer."""

    error: ErrorInfo
    detail: Any = None


def validation_message(exc: ValidationError) -> str:
    """The first problem of a validation error, as ``where: what`` in one line."""
    errors = exc.errors()
    if not errors:
        return str(exc)
    where = ".".join(str(part) for part in errors[0]["loc"])
    return f"{where}: {errors[0]['msg']}" if where else errors[0]["msg"]
