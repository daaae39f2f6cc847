"""The SandboxFusion-compatible endpoint against a real server and the real Docker engine,
driven by SandboxFusion's own client package and by verl's own ``sandbox_fusion``
scoring function (its module loaded alone: verl is installed without its dependencies).

The suite is a table of programs (correct and wrong variants) with what SandboxFusion
answers for them; every wrong variant must be rejected.
"""

from __future__ import annotations

import base64
import importlib.metadata
import importlib.util
import time
import uuid

import httpx
import pytest
import sandbox_fusion
from sandbox_fusion import RunCodeRequest, SubmitRequest, TestConfig

from reward_server.config import Settings
from sandbox.images.build import DEFAULT_TAG, ensure_image
from tests.support.live_server import live_server

pytestmark = pytest.mark.docker

OWNER = f"test-sandbox-fusion-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def url():
    ensure_image(DEFAULT_TAG)
    settings = Settings(workers=1, sandbox={"pool_size": 2, "owner": OWNER})
    with live_server(settings) as base:
        deadline = time.monotonic() + 180
        while httpx.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() < deadline, httpx.get(f"{base}/readyz").json()
            time.sleep(0.2)
        yield base


def verl_module():
    """verl's sandbox_fusion/utils.py, loaded by itself (its package imports torch)."""
    path = importlib.metadata.distribution("verl").locate_file(
        "verl/utils/reward_score/sandbox_fusion/utils.py"
    )
    spec = importlib.util.spec_from_file_location("verl_sandbox_fusion_utils", str(path))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ping(url):
    r = httpx.get(f"{url}/v1/ping")
    assert r.status_code == 200 and "pong" in r.text


# (language, code, stdin, expected run status, expected return code, stdout)
CLIENT_CASES = {
    "python ok": ("python", "print(int(input()) * 2)", "21", "Success", 0, "42\n"),
    "python exit 3": ("python", "import sys\nsys.exit(3)", "", "Failed", 3, ""),
    "python exception": ("python", "raise ValueError('x')", "", "Failed", 1, ""),
    "python segfault": (
        "python",
        "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
        "",
        "Failed",
        -11,
        "",
    ),
    "cpp ok": (
        "cpp",
        "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<std::endl;}",
        "2 40",
        "Success",
        0,
        "42\n",
    ),
    "cpp threads": (
        "cpp",
        '#include <thread>\n#include <cstdio>\nint main(){int s=0;std::thread t([&]{s=42;});t.join();printf("%d\\n",s);}',
        "",
        "Success",
        0,
        "42\n",
    ),
}


@pytest.mark.parametrize("case", sorted(CLIENT_CASES))
def test_official_client_run_code(url, case):
    language, code, stdin, status, return_code, stdout = CLIENT_CASES[case]
    response = sandbox_fusion.run_code(
        RunCodeRequest(code=code, stdin=stdin, language=language, run_timeout=5),
        endpoint=url,
        max_attempts=1,
    )
    assert response.status.value == status, response
    assert response.run_result is not None
    assert response.run_result.return_code == return_code
    if stdout:
        assert response.run_result.stdout == stdout


def test_official_client_compile_error_and_timeout(url):
    bad = sandbox_fusion.run_code(
        RunCodeRequest(code="int main( {", language="cpp"), endpoint=url, max_attempts=1
    )
    assert bad.status.value == "Failed" and bad.run_result is None
    assert bad.compile_result is not None and bad.compile_result.return_code == 1
    slow = sandbox_fusion.run_code(
        RunCodeRequest(code="while True: pass", language="python", run_timeout=1),
        endpoint=url,
        max_attempts=1,
    )
    assert slow.status.value == "Failed"
    assert slow.run_result is not None and slow.run_result.status.value == "TimeLimitExceeded"


def test_files_in_base64(url):
    files = {"data.txt": base64.b64encode(b"hello").decode(), "skip.txt": None}
    r = httpx.post(
        f"{url}/run_code",
        json={"code": "print(open('data.txt').read())", "language": "python", "files": files},
        timeout=60,
    )
    body = r.json()
    assert body["status"] == "Success", body
    assert body["run_result"]["stdout"] == "hello\n"


def test_fetch_files_returns_what_the_program_wrote(url):
    program = (
        "import os\nopen('out.txt', 'w').write('written')\nos.makedirs('d', exist_ok=True)\n"
        "open('d/b.bin', 'wb').write(bytes(range(256)))\n"
        "os.symlink('/etc/passwd', 'pw')\nprint('done')"
    )
    response = sandbox_fusion.run_code(
        RunCodeRequest(
            code=program,
            language="python",
            fetch_files=["./out.txt", "d/b.bin", "pw", "missing.txt"],
        ),
        endpoint=url,
        max_attempts=1,
    )
    assert response.status.value == "Success", response
    assert base64.b64decode(response.files["./out.txt"]) == b"written"
    assert base64.b64decode(response.files["d/b.bin"]) == bytes(range(256))
    assert set(response.files) == {"./out.txt", "d/b.bin"}  # the link leaves the work directory
    assert "pw" in response.message and "missing.txt" in response.message
    for escaping in (["../etc/passwd"], ["/etc/passwd"], [f"f{i}" for i in range(17)]):
        body = {"code": "print(1)", "language": "python", "fetch_files": escaping}
        answer = httpx.post(f"{url}/run_code", json=body, timeout=60).json()
        assert answer["status"] == "SandboxError" and answer["files"] == {}, answer


def test_unknown_language_is_a_clear_sandbox_error(url):
    r = httpx.post(f"{url}/run_code", json={"code": "puts 1", "language": "ruby"}, timeout=30)
    body = r.json()
    assert r.status_code == 200 and body["status"] == "SandboxError"
    assert "ruby" in body["message"] and "not supported" in body["message"]
    with pytest.raises(Exception, match="Sandbox responded with error"):
        sandbox_fusion.run_code(
            RunCodeRequest(code="print(1)", language="rust"), endpoint=url, max_attempts=1
        )


def test_submit_common_oj(url):
    provided = {
        "id": 7,
        "content": "Print the sum.",
        "test": [
            {"input": {"stdin": "1 2\n"}, "output": {"stdout": "3\n"}},
            {"input": {"stdin": "5 5\n"}, "output": {"stdout": "10\n"}},
        ],
    }
    config = TestConfig(dataset_type="CommonOJDataset", language="python", provided_data=provided)
    right = sandbox_fusion.submit(
        SubmitRequest(
            dataset="mine",
            id=7,
            completion="```python\nprint(sum(map(int, input().split())))\n```",
            config=config,
        ),
        endpoint=url,
        max_attempts=1,
    )
    assert right.accepted and [t.passed for t in right.tests] == [True, True]
    wrong = sandbox_fusion.submit(
        SubmitRequest(dataset="mine", id=7, completion="```python\nprint(3)\n```", config=config),
        endpoint=url,
        max_attempts=1,
    )
    assert not wrong.accepted and [t.passed for t in wrong.tests] == [True, False]


@pytest.mark.parametrize(
    ("completion", "accepted"),
    [
        ("```python\ndef add(a, b):\n    return a + b\n```", True),
        ("```python\ndef add(a, b):\n    return a - b\n```", False),
        ("```python\nimport os\ndef add(a, b):\n    return 0\nos._exit(0)\n```", False),
        (
            "```python\nclass E:\n    def __eq__(self, o):\n        return True\ndef add(a, b):\n    return E()\n```",
            False,
        ),
    ],
)
def test_submit_auto_eval(url, completion, accepted):
    provided = {"id": 1, "content": "add", "test": {"code": "assert add(1, 2) == 3\n"}}
    config = TestConfig(dataset_type="AutoEvalDataset", language="python", provided_data=provided)
    result = sandbox_fusion.submit(
        SubmitRequest(dataset="auto", id=1, completion=completion, config=config),
        endpoint=url,
        max_attempts=1,
    )
    assert result.accepted is accepted, result


# verl's check_correctness: (program, in_outs, language, expected results per test)
VERL_CASES = {
    "right": (
        "a, b = map(int, input().split())\nprint(a + b)",
        {"inputs": ["1 2", "3 4"], "outputs": ["3", "7"]},
        "python",
        [True, True],
    ),
    "wrong": (
        "print(3)",
        {"inputs": ["1 2", "3 4"], "outputs": ["3", "7"]},
        "python",
        [True, False],
    ),
    "runtime error": (
        "raise SystemExit(2)",
        {"inputs": ["1"], "outputs": ["1"]},
        "python",
        [-2],
    ),
    "timeout": ("while True:\n    pass", {"inputs": ["1"], "outputs": ["1"]}, "python", [-3]),
    "compile error": ("int main( {", {"inputs": ["1"], "outputs": ["1"]}, "cpp", [-4]),
    "cpp right": (
        '#include <cstdio>\nint main(){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a*b);}',
        {"inputs": ["6 7"], "outputs": ["42"]},
        "cpp",
        [True],
    ),
}


@pytest.mark.parametrize("case", sorted(VERL_CASES))
def test_verl_check_correctness(url, case):
    program, in_outs, language, expected = VERL_CASES[case]
    verl = verl_module()
    results, metadata = verl.check_correctness(
        f"{url}/run_code", in_outs, program, timeout=2, language=language
    )
    assert results == expected, metadata
