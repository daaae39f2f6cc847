"""Java, JavaScript and Go: opt-in languages, on an image built with every language.

Marked slow: the first run builds that image (about 4 minutes and 1.2 GB, see
docs/sandbox.md); later runs reuse it.
"""

from __future__ import annotations

import pytest

from sandbox.docker import DockerSandbox
from sandbox.images.build import LANGUAGE_PACKAGES, ensure_image
from tests.sandbox.conftest import Judge, fenced, pool_config

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ALL_TAG = "reward-server-sandbox:all"
SUM = [{"input": "20 22\n", "output": "42"}, {"input": "-1 1", "output": "0"}]

PROGRAMS = {
    "java": "import java.util.*;\npublic class Solution {\n  public static void main(String[] a) {\n"
    "    Scanner s = new Scanner(System.in);\n    System.out.println(s.nextLong() + s.nextLong());\n  }\n}",
    "javascript": "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\n"
    "console.log(a + b);",
    "go": 'package main\nimport "fmt"\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(a + b) }',
}
BROKEN = {
    "java": 'public class Main { public static void main(String[] a) { int x = "s"; } }',
    "go": "package main\nfunc main() { undefined() }",
}
MEMORY_HOGS = {
    "java": "import java.util.*;\npublic class Main { public static void main(String[] a) {\n"
    "  List<long[]> l = new ArrayList<>(); while (true) l.add(new long[1 << 20]); } }",
    "javascript": "const a = []; while (true) a.push(new Array(1e6).fill(1.5));",
}


@pytest.fixture(scope="module")
def polyglot(loop, docker_client, test_owner):
    ensure_image(ALL_TAG, languages=list(LANGUAGE_PACKAGES), client=docker_client, log=print)
    backend = DockerSandbox(
        pool_config(ALL_TAG, f"{test_owner}-poly", pool_size=1), client=docker_client
    )
    loop.run(backend.start())
    yield Judge(loop, backend)
    loop.run(backend.close())


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_correct_program_passes(polyglot, language):
    outcome = polyglot(
        fenced(PROGRAMS[language], language), language=language, tests=SUM, time_limit_s=5.0
    )
    assert outcome.score == 1.0, outcome.details


@pytest.mark.parametrize("language", sorted(BROKEN))
def test_compile_error(polyglot, language):
    outcome = polyglot(
        fenced(BROKEN[language], language), language=language, tests=SUM, time_limit_s=5.0
    )
    assert outcome.score == 0.0
    assert outcome.details["compile"]["verdict"] == "compile_error"


@pytest.mark.parametrize("language", sorted(MEMORY_HOGS))
def test_memory_limit(polyglot, language):
    outcome = polyglot(
        fenced(MEMORY_HOGS[language], language),
        language=language,
        tests=[{"input": "", "output": "x"}],
        time_limit_s=5.0,
        memory_limit_mb=128,
    )
    assert [t["verdict"] for t in outcome.details["tests"]] == ["memory_limit"], outcome.details
