"""Build tests/data/peer_cases.jsonl: the math-grading test cases other projects publish.

The cases are facts taken from the peers' own test suites (their code does not carry over:
this converter is ours).  Two kinds of rows:

- ``"extracted": "ast"``: read here from the peers' test files, which use pytest's
  ``parametrize`` tables.  The files are not in this repository; fetch them into a folder
  ``RAW/<owner>/<repo>/<path>`` and pass ``--raw RAW``:

  * ``huggingface/Math-Verify`` ``tests/*.py``: the files shipped in the PyPI sdist of
    math-verify 0.9.0 (``pip download --no-deps --no-binary :all: math-verify==0.9.0``);
  * ``huggingface/lighteval`` ``tests/metrics/test_extractive_match.py`` at commit
    ``031e09ce``: the tables that are not also in Math-Verify's ``tests/test_all.py``;
  * ``NVIDIA/NeMo-Skills`` ``tests/test_math_equal.py`` at commit ``583b90a2``.

- ``"extracted": "by hand"``: cases from tests written as one function per case (AReaL,
  MARIO_EVAL, rllm, verl, TRL, open-r1, slime, Math-Verify's mixed-number tests), read by
  hand from the named file and commit.  The converter keeps these rows as they are.

Each row: ``id``, ``source`` (owner/repo), ``path``, ``ref`` (commit or release), ``test``
(the peer's test function), ``mode`` (``completion``: the prediction is a model's whole
answer, from which the answer is extracted; ``answer``: two bare answers are compared),
``gold``, ``prediction``, ``peer`` (the peer's verdict: 1, 0, or null for "the gold is
unusable, no reward"), optional ``peer_options`` (non-default options the peer's test
passed, e.g. a rounding precision).

Where we decide otherwise, the row also has ``ours`` (our verdict) and ``reason``:
``policy`` (a documented choice of ours differs, see docs/math.md "Where we differ from
the field"), ``ill-posed`` (the case has no single right verdict: the gold is not an
answer, or the strings are mangled) or ``peer-wrong`` (the peer's verdict is
mathematically wrong), with a ``note``.  Regenerating keeps these adjudications (matched by
source, path, test, gold, prediction and options).  Run from the repository root:

    .venv/bin/python tests/data/make_peer_cases.py --raw /path/to/raw
"""

from __future__ import annotations

import argparse
import ast
import json
import math
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "peer_cases.jsonl"
ADJUDICATION = ("ours", "reason", "note")

#: (source repo, path, ref, short id prefix, mode) of the files read by ``parametrize``.
AST_SOURCES = [
    ("huggingface/Math-Verify", "tests/test_all.py", "v0.9.0 (PyPI sdist)", "mv-all", "completion"),
    (
        "huggingface/Math-Verify",
        "tests/test_boxed.py",
        "v0.9.0 (PyPI sdist)",
        "mv-box",
        "completion",
    ),
    (
        "huggingface/Math-Verify",
        "tests/test_numina_cases.py",
        "v0.9.0 (PyPI sdist)",
        "mv-numina",
        "completion",
    ),
    (
        "huggingface/Math-Verify",
        "tests/test_open_thoughts.py",
        "v0.9.0 (PyPI sdist)",
        "mv-ot",
        "completion",
    ),
    (
        "huggingface/Math-Verify",
        "tests/test_yujianll.py",
        "v0.9.0 (PyPI sdist)",
        "mv-yj",
        "completion",
    ),
    (
        "huggingface/Math-Verify",
        "tests/test_strict.py",
        "v0.9.0 (PyPI sdist)",
        "mv-strict",
        "completion",
    ),
    (
        "huggingface/lighteval",
        "tests/metrics/test_extractive_match.py",
        "031e09ced1fc754ef4bee603fcbb04d290b30f7c",
        "le",
        "completion",
    ),
    (
        "NVIDIA/NeMo-Skills",
        "tests/test_math_equal.py",
        "583b90a2d5df14caf9f96271b0ef357f782b9938",
        "nemo",
        "answer",
    ),
]
GOLD_NAMES = ("gold",)
PRED_NAMES = ("pred", "prediction")
EXPECTED_NAMES = ("expected", "result")
#: Options at these values are the peers' defaults and are not recorded.
DEFAULT_OPTIONS = {"precision": 6, "strict": True, "allow_set_relation_comp": False}


def _literal(node: ast.AST) -> Any:
    """The value of a literal node; names such as ``Language.FRENCH`` become their text."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        return ast.unparse(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # 5 / 2 (NeMo-Skills)
        return _literal(node.left) / _literal(node.right)
    if isinstance(node, ast.JoinedStr):  # f"{math.sqrt(17):.15f}" (Math-Verify)
        return _format(node)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [_literal(e) for e in node.elts]
    return ast.literal_eval(node)


def _format(node: ast.JoinedStr) -> str:
    """An f-string of constants and ``math.<function>(<number>)`` calls, formatted."""
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value))
            continue
        assert isinstance(part, ast.FormattedValue)
        call = part.value
        assert isinstance(call, ast.Call) and ast.unparse(call.func).startswith("math.")
        value = getattr(math, ast.unparse(call.func)[5:])(*(_literal(a) for a in call.args))
        spec = part.format_spec
        fmt = _format(spec) if isinstance(spec, ast.JoinedStr) else ""
        out.append(format(value, fmt))
    return "".join(out)


def _param_values(node: ast.AST) -> list[Any]:
    """One parametrize entry: a tuple, a ``pytest.param(...)`` call, or a single value."""
    if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("param"):
        return [_literal(a) for a in node.args]
    value = _literal(node)
    return value if isinstance(value, list) else [value]


def _parametrize(func: ast.FunctionDef) -> list[tuple[list[str], list[list[Any]]]]:
    tables = []
    for deco in func.decorator_list:
        if not (isinstance(deco, ast.Call) and ast.unparse(deco.func).endswith("parametrize")):
            continue
        names_node, values_node = deco.args[0], deco.args[1]
        names = _literal(names_node)
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        assert isinstance(values_node, (ast.List, ast.Tuple)), func.name
        if len(names) == 1:  # one argument: each entry is its value, tuple or not
            rows = [[_literal(v)] for v in values_node.elts]
        else:
            rows = [_param_values(v) for v in values_node.elts]
        tables.append((names, rows))
    return tables


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def read_parametrized(text: str, mode: str) -> list[dict[str, Any]]:
    """Cases of every ``parametrize`` table with a gold, a prediction and a verdict."""
    cases: list[dict[str, Any]] = []
    for func in ast.walk(ast.parse(text)):
        if not isinstance(func, ast.FunctionDef):
            continue
        for names, rows in _parametrize(func):
            for values in rows:
                case = dict(zip(names, values))
                if "output_pair" in case:  # NeMo-Skills: symmetric pairs, verdict by test name
                    verdict = 1 if "incorrect" not in func.name else 0
                    first, second = case["output_pair"]
                    for gold, pred in ((first, second), (second, first)):
                        cases.append(_case(func.name, mode, gold, pred, verdict, {}))
                    continue
                gold = next((case[n] for n in GOLD_NAMES if n in case), None)
                pred = next((case[n] for n in PRED_NAMES if n in case), None)
                verdict = next((case[n] for n in EXPECTED_NAMES if n in case), None)
                if gold is None or pred is None or verdict is None:
                    continue
                options = {
                    k: v
                    for k, v in case.items()
                    if k not in (*GOLD_NAMES, *PRED_NAMES, *EXPECTED_NAMES)
                    and DEFAULT_OPTIONS.get(k, object()) != v
                    and k not in ("language", "match_type")
                }
                if "language" in case:
                    options["language"] = case["language"]
                cases.append(_case(func.name, mode, gold, pred, int(bool(verdict)), options))
    return cases


def _case(test: str, mode: str, gold: Any, pred: Any, verdict: int, options: dict) -> dict:
    row: dict[str, Any] = {
        "test": test,
        "mode": mode,
        "gold": _text(gold),
        "prediction": _text(pred),
        "peer": verdict,
    }
    if pred is None or gold is None:
        row["peer_note"] = "the peer passes None"
    if options:
        row["peer_options"] = options
    return row


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    options = json.dumps(row.get("peer_options", {}), sort_keys=True)
    return (row["source"], row["path"], row["test"], row["gold"], row["prediction"], options)


def build(raw: Path) -> list[dict[str, Any]]:
    existing = [json.loads(x) for x in OUT.read_text(encoding="utf-8").splitlines() if x]
    adjudicated = {_key(r): {k: r[k] for k in ADJUDICATION if k in r} for r in existing}
    rows: list[dict[str, Any]] = []
    for source, path, ref, prefix, mode in AST_SOURCES:
        text = (raw / source / path).read_text(encoding="utf-8")
        for n, case in enumerate(read_parametrized(text, mode), 1):
            row = {"id": f"{prefix}-{n:03d}", "source": source, "path": path, "ref": ref}
            row.update(case)
            row["extracted"] = "ast"
            row.update(adjudicated.get(_key(row), {}))
            rows.append(row)
    by_hand = [r for r in existing if r.get("extracted") == "by hand"]
    return rows + by_hand


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, required=True, help="folder of fetched peer files")
    ap.add_argument("--add-by-hand", type=Path, help="JSONL of new hand-read rows to append")
    args = ap.parse_args()
    rows = build(args.raw)
    if args.add_by_hand:
        known = {_key(r) for r in rows}
        counters: dict[str, int] = {}
        for r in rows:
            prefix = r["id"].rsplit("-", 1)[0]
            counters[prefix] = max(counters.get(prefix, 0), int(r["id"].rsplit("-", 1)[1]))
        for line in args.add_by_hand.read_text(encoding="utf-8").splitlines():
            if not line:
                continue
            r = json.loads(line)
            if _key(r) in known:
                continue
            prefix = SHORT[r["source"]]
            counters[prefix] = counters.get(prefix, 0) + 1
            rows.append({"id": f"{prefix}-{counters[prefix]:03d}", **r})
            known.add(_key(r))
    OUT.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    print(f"{len(rows)} cases written to {OUT}")


#: Short id prefixes of the hand-read sources.
SHORT = {
    "areal-project/AReaL": "areal",
    "MARIO-Math-Reasoning/MARIO_EVAL": "mario",
    "rllm-org/rllm": "rllm",
    "volcengine/verl": "verl",
    "huggingface/trl": "trl",
    "huggingface/open-r1": "openr1",
    "THUDM/slime": "slime",
    "huggingface/Math-Verify": "mv-hand",
}


if __name__ == "__main__":
    main()
