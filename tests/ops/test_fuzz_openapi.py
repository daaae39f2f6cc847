"""Schemathesis over /openapi.json of a real server: no 5xx, no answer off the schema.

A fixed seed and a bounded number of examples, so CI runs the same few thousand requests
every time.  The checks are every response check, plus: bodies that break the schema are
refused, required headers are required, unknown methods are 405.  Not checked:
``positive_data_acceptance`` (valid by the schema yet refused), because some rules cannot
be said in JSON Schema: ``group_size`` must divide the item count, OpenRLHF's lists must
have the same length, a code item needs ``tests`` or ``test_code``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server_process import ServerProcess

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "missing_required_header",
        "unsupported_method",
    ]
)
SEED = 20240611
MAX_EXAMPLES = 1000

#: A CPython 3.11 bug hit inside Hypothesis while it builds deeply nested values; it is
#: the fuzzer's own error (no request was sent), not an answer of ours.
FUZZER_OWN_ERRORS = ("AST constructor recursion depth mismatch",)


def fuzzers_own(errors: list[dict], output: str) -> list[dict]:
    """The report's errors less the fuzzer's own.  The JSON report may keep only an
    error's title ("Runtime Error") and count, with the message in the run's output:
    such an entry is the fuzzer's own when its output shows as many of those messages."""
    own = sum(output.count(message) for message in FUZZER_OWN_ERRORS)
    left = []
    for error in errors:
        count = int(error.get("count", 1))
        if any(message in json.dumps(error) for message in FUZZER_OWN_ERRORS):
            continue
        if error.get("title") == "Runtime Error" and own >= count:
            own -= count
            continue
        left.append(error)
    return left


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_answer_off_the_schema(tmp_path: Path):
    report = tmp_path / "report.json"
    env = {"REWARD_ITEM_DEADLINE_S": "2", "REWARD_MAX_ITEMS": "64"}
    with ServerProcess(workers=2, extra_env=env) as server:
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("st")),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                CHECKS,
                "--seed",
                str(SEED),
                "--max-examples",
                str(MAX_EXAMPLES),
                "--workers",
                "2",
                "--request-timeout",
                "60",
                "--continue-on-failure",
                "--generation-database",
                "none",
                "--no-color",
                "--report",
                "json",
                "--report-json-path",
                str(report),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=540,
        )
        alive = server.proc is not None and server.proc.poll() is None
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(report.read_text())
    summary = run.stdout[-4000:]
    assert alive, "the server died under fuzzing"
    assert result["test_cases"]["generated"] >= 2000, summary
    assert result["failures"] == [], summary
    assert fuzzers_own(result["errors"], run.stdout) == [], summary
