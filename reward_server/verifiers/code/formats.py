"""The tests of a code item, from the fields its dataset ships them in.

One plan per item: stdio tests (input, expected output), function calls (arguments,
expected result), assert test code, or a test file.  The fields are read as the
datasets store them, so rows post unchanged (docs/code-datasets.md):

- ``tests``: ``[{input, output}]`` (ours, Codeforces-style rows);
- ``input_output`` (APPS, TACO, PRIME, DeepCoder's TACO part): ``{"inputs": [...],
  "outputs": [...], "fn_name"?: str}``, an object or its JSON text.  Without ``fn_name``
  each input is stdin (a list of lines is joined); with it each input is the list of
  the function's arguments and each output its result, which APPS often wraps in a
  one-element list: a result equal to the output or to its only element passes, as
  APPS's own judge has it;
- ``public_test_cases``/``private_test_cases`` (LiveCodeBench): ``[{input, output,
  testtype}]``, a list or JSON text; the private cases also in LiveCodeBench's
  compressed form (base64 of zlib of a pickled JSON string, read by an unpickler that
  admits no class at all).  ``testtype: "functional"`` inputs are one JSON value per
  line (the arguments), outputs one JSON value; the function's name is ``fn_name`` or
  ``metadata.func_name``.
"""

from __future__ import annotations

import base64
import io
import json
import pickle
import zlib
from dataclasses import dataclass, field
from typing import Any, Literal

from reward_server.schemas import CodeSpec

MAX_DECOMPRESSED = 256 * 2**20


class FormatError(ValueError):
    """The item's tests cannot be read: the reference is unusable (``invalid``)."""


@dataclass(frozen=True)
class StdioTest:
    input: str
    output: str


@dataclass(frozen=True)
class CallTest:
    args: list[Any]
    expected: Any
    unwrap: bool = False  # APPS: a result may also equal the expected list's only element


@dataclass(frozen=True)
class Plan:
    kind: Literal["stdio", "call", "assert", "test_file"]
    stdio: list[StdioTest] = field(default_factory=list)
    calls: list[CallTest] = field(default_factory=list)
    function: str | None = None
    # A function's arguments as JSON text, for the sandbox job (no expected values).
    prelude: bool = False

    @property
    def total(self) -> int:
        if self.kind == "stdio":
            return len(self.stdio)
        if self.kind == "call":
            return len(self.calls)
        return 1  # a test file's count is known once it ran


def plan(spec: CodeSpec) -> Plan:
    """The tests of ``spec`` (raises :class:`FormatError`)."""
    if spec.test_file is not None:
        return Plan("test_file")
    if spec.test_code:
        return Plan("assert")
    stdio = [StdioTest(t.input, t.output) for t in spec.tests]
    calls: list[CallTest] = []
    function = spec.fn_name or _metadata_function(spec.metadata)
    if spec.input_output not in (None, "", {}):
        io_stdio, io_calls, io_function = _input_output(spec.input_output, function)
        stdio += io_stdio
        calls += io_calls
        function = io_function or function
    for cases in (spec.public_test_cases, spec.private_test_cases):
        if cases in (None, "", []):
            continue
        lcb_stdio, lcb_calls = _livecodebench(cases, function)
        stdio += lcb_stdio
        calls += lcb_calls
    if stdio and calls:
        raise FormatError("an item mixes stdin tests and function-call tests")
    if calls:
        assert function is not None
        return Plan("call", calls=calls, function=function, prelude=True)
    if not stdio:
        raise FormatError("the item's test fields hold no test")
    return Plan("stdio", stdio=stdio)


# ---- APPS / TACO / PRIME ------------------------------------------------------------------
def _json(value: Any, what: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise FormatError(f"{what} is not JSON: {exc}") from None
    return value


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return value if isinstance(value, str) else json.dumps(value)


def _input_output(
    raw: Any, function: str | None
) -> tuple[list[StdioTest], list[CallTest], str | None]:
    data = _json(raw, "input_output")
    if not isinstance(data, dict):
        raise FormatError("input_output must be an object with inputs and outputs")
    inputs, outputs = data.get("inputs"), data.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list):
        raise FormatError("input_output needs the lists inputs and outputs")
    if len(inputs) != len(outputs):
        raise FormatError(f"input_output has {len(inputs)} inputs and {len(outputs)} outputs")
    name = data.get("fn_name") or function
    if not name:
        return [StdioTest(_text(i), _text(o)) for i, o in zip(inputs, outputs)], [], None
    if not isinstance(name, str):
        raise FormatError("fn_name must be a string")
    calls = [
        CallTest(_int_keys(i if isinstance(i, list) else [i]), _int_keys(o), unwrap=True)
        for i, o in zip(inputs, outputs)
    ]
    return [], calls, name


def _int_keys(value: Any) -> Any:
    """APPS's judge turns the string keys JSON forced on a dict into integers where it
    can (in a top-level dict argument or result): so do we."""
    if isinstance(value, dict):
        try:
            return {int(k): v for k, v in value.items()}
        except (TypeError, ValueError):
            return value
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return [_int_keys(value[0])]
    return value


# ---- LiveCodeBench -------------------------------------------------------------------------
def _metadata_function(metadata: Any) -> str | None:
    if metadata in (None, ""):
        return None
    data = _json(metadata, "metadata")
    if isinstance(data, dict) and isinstance(data.get("func_name"), str):
        return str(data["func_name"])
    return None


class _NoClasses(pickle.Unpickler):
    """An unpickler that builds strings, numbers and containers, and no object of any
    class: nothing in the data can make it run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed here")


def _lcb_cases(raw: Any) -> list[Any]:
    if isinstance(raw, list):
        return raw
    text = raw.strip()
    if text.startswith("["):
        return list(_json(text, "test cases"))
    try:  # LiveCodeBench's private cases: base64(zlib(pickle(json text)))
        packed = base64.b64decode(text.encode("ascii"), validate=False)
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, MAX_DECOMPRESSED)
        if inflater.unconsumed_tail:
            raise FormatError("compressed test cases larger than the limit")
        loaded = _NoClasses(io.BytesIO(data)).load()
    except FormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to unpack is the row's problem
        raise FormatError(
            f"test cases are neither JSON nor LiveCodeBench's packing: {exc}"
        ) from None
    cases = _json(loaded, "test cases") if isinstance(loaded, str | bytes) else loaded
    if not isinstance(cases, list):
        raise FormatError("test cases must be a list")
    return cases


def _livecodebench(raw: Any, function: str | None) -> tuple[list[StdioTest], list[CallTest]]:
    stdio: list[StdioTest] = []
    calls: list[CallTest] = []
    for case in _lcb_cases(raw):
        if not isinstance(case, dict) or "input" not in case or "output" not in case:
            raise FormatError("a test case needs input and output")
        kind = case.get("testtype", "stdin")
        if kind == "functional":
            if not function:
                raise FormatError("functional tests need fn_name or metadata.func_name")
            lines = [line for line in str(case["input"]).split("\n") if line.strip()]
            args = [_json(line, "a functional input") for line in lines]
            calls.append(CallTest(args, _json(case["output"], "a functional output")))
        elif kind == "stdin":
            stdio.append(StdioTest(_text(case["input"]), _text(case["output"])))
        else:
            raise FormatError(f"unknown testtype {kind!r}")
    return stdio, calls
