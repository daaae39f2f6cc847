"""Build tests/data/code_format_cases.jsonl: labelled programs for the test formats of
issue 10 (function calls, checker programs, pytest/unittest files).

Each problem is written here by hand, with the rows in the shape its dataset ships them
(APPS/TACO/PRIME ``input_output`` JSON text, LiveCodeBench's functional cases with
``metadata``, Kattis/testlib-style checkers run as ``checker in ans out``, KodCode-style
pytest files importing ``solution``), one or more correct programs and wrong variants of
the kinds RL policies produce: off by one, wrong type, partial output, crash, timeout,
and tricks (an object whose ``__eq__`` is always true, exiting 0 before the checks,
patching the test framework in the program's own process, hunting the expected file).

A case's label is ``accept``: whether the original judge accepts the program (every test
passes).  ``score`` is the expected fraction where a wrong variant passes some tests.
Run from the repository root (the output is committed; reruns reproduce it):

    .venv/bin/python tests/data/make_code_format_cases.py
"""

from __future__ import annotations

import base64
import json
import pickle
import zlib
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("code_format_cases.jsonl")

ALWAYS_EQUAL = (
    "class _Any:\n    def __eq__(self, other):\n        return True\n"
    "    def __ne__(self, other):\n        return False\n    __hash__ = object.__hash__\n"
)
CASES: list[dict[str, Any]] = []


def add(fmt: str, problem: str, variant: str, spec: dict[str, Any], program: str,
        accept: bool, score: float | None = None) -> None:  # fmt: skip
    case = {"id": f"{fmt}/{problem}/{variant}", "format": fmt, "spec": spec,
            "program": program.strip("\n") + "\n", "accept": accept}  # fmt: skip
    if score is not None:
        case["score"] = score
    CASES.append(case)


def problem(fmt: str, name: str, spec: dict[str, Any], correct: list[str],
            wrong: dict[str, str | tuple[str, float]]) -> None:  # fmt: skip
    for i, program in enumerate(correct):
        add(fmt, name, f"correct{i + 1}", spec, program, True)
    for variant, program in wrong.items():
        if isinstance(program, tuple):
            add(fmt, name, variant, spec, program[0], False, program[1])
        else:
            add(fmt, name, variant, spec, program, False)


def apps(fn_name: str, inputs: list[Any], outputs: list[Any]) -> dict[str, Any]:
    """An APPS/TACO/PRIME row: ``input_output`` as the JSON text the datasets store."""
    return {"input_output": json.dumps({"fn_name": fn_name, "inputs": inputs, "outputs": outputs})}


def lcb(func_name: str, cases: list[tuple[list[Any], Any]], private: int = 0) -> dict[str, Any]:
    """A LiveCodeBench row: one JSON value per input line; the last ``private`` cases in
    the compressed form of ``private_test_cases``."""
    rows = [{"input": "\n".join(json.dumps(a) for a in args), "output": json.dumps(out),
             "testtype": "functional"} for args, out in cases]  # fmt: skip
    public, hidden = rows[: len(rows) - private], rows[len(rows) - private :]
    spec: dict[str, Any] = {"public_test_cases": json.dumps(public),
                            "metadata": json.dumps({"func_name": func_name})}  # fmt: skip
    if hidden:
        packed = zlib.compress(pickle.dumps(json.dumps(hidden)))
        spec["private_test_cases"] = base64.b64encode(packed).decode()
    return spec


# ============================================================ function calls
def function_calls() -> None:
    f = "call"
    problem(f, "apps_digit_sum", apps("digit_sum", [[0], [7], [1234], [99999]], [[0], [7], [10], [45]]),
        ["def digit_sum(n):\n    return sum(int(c) for c in str(n))",
         "def digit_sum(n):\n    s = 0\n    while n:\n        s, n = s + n % 10, n // 10\n    return s"],
        {"off_by_one": ("def digit_sum(n):\n    return sum(int(c) for c in str(n)) + (n > 1000)", 0.5),
         "wrong_type": "def digit_sum(n):\n    return str(sum(int(c) for c in str(n)))",
         "crash": "def digit_sum(n):\n    return sum(int(c) for c in n)",
         "timeout": "def digit_sum(n):\n    while True:\n        n += 1",
         "always_equal": ALWAYS_EQUAL + "def digit_sum(n):\n    return _Any()",
         "prints": "def digit_sum(n):\n    print(sum(int(c) for c in str(n)))"})  # fmt: skip
    problem(f, "apps_unwrapped_list", apps("evens", [[[1, 2, 3, 4]], [[]], [[5, 7]], [[8]]],
                                         [[[2, 4]], [[]], [[]], [[8]]]),
        ["def evens(xs):\n    return [x for x in xs if x % 2 == 0]",
         "def evens(xs):\n    return list(filter(lambda x: not x & 1, xs))"],
        {"partial": ("def evens(xs):\n    return [x for x in xs if x % 2 == 0][:1]", 0.75),
         "wrong_type": "def evens(xs):\n    return {x for x in xs if x % 2 == 0}",
         "odds": ("def evens(xs):\n    return [x for x in xs if x % 2]", 0.25),
         "crash": "def evens(xs):\n    return [xs[0]] if xs[0] % 2 == 0 else []",
         "always_equal": ALWAYS_EQUAL + "def evens(xs):\n    return [_Any()] * len(xs)"})  # fmt: skip
    problem(f, "taco_pairs_tuples", apps("min_max", [[[3, 1, 2]], [[5]], [[-1, -7, 4, 4]]],
                                       [[1, 3], [5, 5], [-7, 4]]),
        ["def min_max(a):\n    return (min(a), max(a))",
         "def min_max(a):\n    b = sorted(a)\n    return [b[0], b[-1]]"],
        {"swapped": "def min_max(a):\n    return [max(a), min(a)]",
         "partial": "def min_max(a):\n    return [min(a)]",
         "wrong_type": "def min_max(a):\n    return '%d %d' % (min(a), max(a))",
         "nested": "def min_max(a):\n    return [[min(a), max(a)]]",
         "timeout": "def min_max(a):\n    import time\n    time.sleep(30)"})  # fmt: skip
    problem(f, "prime_average_float", apps("average", [[[1, 2]], [[1, 2, 4]], [[10]]],
                                         [[1.5], [2.3333333333], [10.0]]),
        ["def average(xs):\n    return sum(xs) / len(xs)",
         "from statistics import mean\ndef average(xs):\n    return float(mean(xs))"],
        {"floor": ("def average(xs):\n    return sum(xs) // len(xs)", 1 / 3),
         "rounded": ("def average(xs):\n    return round(sum(xs) / len(xs), 2)", 2 / 3),
         "off_by_one": "def average(xs):\n    return sum(xs) / (len(xs) + 1)",
         "wrong_type": "def average(xs):\n    return str(sum(xs) / len(xs))",
         "nan": "def average(xs):\n    return float('nan')"})  # fmt: skip
    problem(f, "apps_dict_int_keys", apps("counts", [["abca"], ["zz"]], [[{"a": 2, "b": 1, "c": 1}], [{"z": 2}]]),
        ["from collections import Counter\ndef counts(s):\n    return dict(Counter(s))",
         "def counts(s):\n    d = {}\n    for c in s:\n        d[c] = d.get(c, 0) + 1\n    return d",
         "from collections import Counter\ndef counts(s):\n    return Counter(s)"],
        {"off_by_one": "def counts(s):\n    d = {}\n    for c in s:\n        d[c] = d.get(c, 1) + 1\n    return d",
         "partial": ("def counts(s):\n    return {c: s.count(c) for c in s[:2]}", 0.5),
         "wrong_type": "def counts(s):\n    return [(c, s.count(c)) for c in sorted(set(s))]",
         "always_equal": ALWAYS_EQUAL + "def counts(s):\n    return _Any()"})  # fmt: skip
    problem(f, "apps_two_args_bool", apps("divides", [[3, 9], [2, 7], [5, 0], [4, 4]], [[True], [False], [True], [True]]),
        ["def divides(a, b):\n    return b % a == 0",
         "def divides(a, b):\n    return not b % a"],
        {"int_not_bool": "def divides(a, b):\n    return b % a",
         "swapped_args": ("def divides(a, b):\n    return a % b == 0 if b else False", 0.5),
         "crash": "def divides(a, b):\n    return a % b == 0",
         "string": "def divides(a, b):\n    return 'True' if b % a == 0 else 'False'"})  # fmt: skip
    problem(f, "apps_strings", apps("shout", [["hi"], [""], ["a b"]], [["HI!"], ["!"], ["A B!"]]),
        ["def shout(s):\n    return s.upper() + '!'"],
        {"missing_bang": "def shout(s):\n    return s.upper()",
         "partial": ("def shout(s):\n    return s.upper() + '!' if s else ''", 2 / 3),
         "bytes": "def shout(s):\n    return (s.upper() + '!').encode()",
         "prints": "def shout(s):\n    print(s.upper() + '!')"})  # fmt: skip
    problem(f, "leetcode_solution_class", apps("maxProfit", [[[7, 1, 5, 3, 6, 4]], [[7, 6, 4, 3, 1]], [[1, 2]]], [5, 0, 1]),
        ["class Solution:\n    def maxProfit(self, prices: List[int]) -> int:\n"
         "        best, low = 0, float('inf')\n        for p in prices:\n"
         "            low = min(low, p)\n            best = max(best, p - low)\n        return best",
         "class Solution:\n    def helper(self, p):\n        return max(b - a for i, a in enumerate(p) for b in p[i:])\n"
         "    def maxProfit(self, prices):\n        return self.helper(prices)"],
        {"off_by_one": "class Solution:\n    def maxProfit(self, prices):\n"
         "        return max(0, max(prices[1:]) - min(prices[:-1]))",
         "float": ("class Solution:\n    def maxProfit(self, prices):\n        best, low = 0, float('inf')\n"
                   "        for p in prices:\n            low = min(low, p)\n            best = max(best, p - low)\n"
                   "        return best if best else low", 2 / 3),
         "crash": "class Solution:\n    def maxProfit(self, prices):\n        return prices[10]",
         "always_equal": ALWAYS_EQUAL + "class Solution:\n    def maxProfit(self, prices):\n        return _Any()"})  # fmt: skip
    two_sum_cases = [([[2, 7, 11, 15], 9], [0, 1]), ([[3, 2, 4], 6], [1, 2]), ([[3, 3], 6], [0, 1]),
                     ([[1, 5, 9, 2], 11], [2, 3])]  # fmt: skip
    problem(f, "lcb_two_sum", lcb("twoSum", two_sum_cases, private=2),
        ["class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n"
         "        seen = {}\n        for i, x in enumerate(nums):\n            if target - x in seen:\n"
         "                return [seen[target - x], i]\n            seen[x] = i",
         "class Solution:\n    def twoSum(self, nums, target):\n        for i in range(len(nums)):\n"
         "            for j in range(i + 1, len(nums)):\n                if nums[i] + nums[j] == target:\n"
         "                    return (i, j)"],
        {"reversed": "class Solution:\n    def twoSum(self, nums, target):\n        seen = {}\n"
         "        for i, x in enumerate(nums):\n            if target - x in seen:\n                return [i, seen[target - x]]\n"
         "            seen[x] = i",
         "same_index": ("class Solution:\n    def twoSum(self, nums, target):\n        for i in range(len(nums)):\n"
                        "            for j in range(i, len(nums)):\n                if nums[i] + nums[j] == target:\n"
                        "                    return [i, j]", 0.5),
         "timeout": "class Solution:\n    def twoSum(self, nums, target):\n        i = 0\n        while True:\n            i += 1",
         "wrong_type": "class Solution:\n    def twoSum(self, nums, target):\n        return '0 1'"})  # fmt: skip
    problem(f, "lcb_strings_and_lists", lcb("splitWords", [(["a,b,c", ","], ["a", "b", "c"]),
                                                           (["x", ","], ["x"]), (["1;;2", ";"], ["1", "", "2"])]),
        ["class Solution:\n    def splitWords(self, s: str, sep: str) -> List[str]:\n        return s.split(sep)",
         "def splitWords(s, sep):\n    return s.split(sep)"],
        {"drops_empty": ("class Solution:\n    def splitWords(self, s, sep):\n        return [w for w in s.split(sep) if w]", 2 / 3),
         "tuple_of_chars": "class Solution:\n    def splitWords(self, s, sep):\n        return list(s.replace(sep, ''))",
         "crash": "class Solution:\n    def splitWords(self, s, sep):\n        return s.split(sep)[5]",
         "exit_early": "import os\nclass Solution:\n    def splitWords(self, s, sep):\n        os._exit(0)"})  # fmt: skip
    problem(f, "recursion_memo", apps("fib", [[0], [1], [10], [90]], [[0], [1], [55], [2880067194370816120]]),
        ["from functools import lru_cache\n@lru_cache(None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)",
         "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a"],
        {"off_by_one": ("def fib(n):\n    a, b = 0, 1\n    for _ in range(n - 1):\n        a, b = b, a + b\n    return a if n else 0", 0.25),
         "float": ("def fib(n):\n    phi = (1 + 5 ** 0.5) / 2\n    return round(phi ** n / 5 ** 0.5)", 0.75),
         "exponential": "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)",
         "crash": "def fib(n):\n    return fib(n - 1) + fib(n - 2)"})  # fmt: skip
    problem(f, "mutates_and_returns", apps("rotate", [[[1, 2, 3], 1], [[1, 2, 3], 3], [[], 2]],
                                           [[[3, 1, 2]], [[1, 2, 3]], [[]]]),
        ["def rotate(a, k):\n    if not a:\n        return a\n    k %= len(a)\n    a[:] = a[-k:] + a[:-k]\n    return a"],
        {"left": ("def rotate(a, k):\n    if not a:\n        return a\n    k %= len(a)\n    return a[k:] + a[:k]", 2 / 3),
         "in_place_none": "def rotate(a, k):\n    a.reverse()",
         "crash_on_empty": ("def rotate(a, k):\n    k %= len(a)\n    return a[-k:] + a[:-k]", 2 / 3),
         "generator": "def rotate(a, k):\n    return (x for x in a)"})  # fmt: skip
    problem(f, "nested_structures", apps("group", [[["ab", "ba", "c"]], [[]]], [[[["ab", "ba"], ["c"]]], [[]]]),
        ["def group(ws):\n    out = {}\n    for w in ws:\n        out.setdefault(''.join(sorted(w)), []).append(w)\n    return list(out.values())"],
        {"flat": "def group(ws):\n    return ws",
         "unordered": "def group(ws):\n    out = {}\n    for w in ws:\n        out.setdefault(''.join(sorted(w)), []).append(w)\n"
                      "    return [sorted(v, reverse=True) for v in out.values()]",
         "always_equal": ALWAYS_EQUAL + "def group(ws):\n    return [_Any()]"})  # fmt: skip


# ============================================================ checker programs
FLOAT_CHECKER = r"""
import math, sys
def numbers(path):
    return [float(t) for t in open(path).read().split()]
_, expected, got = sys.argv[1:4]
try:
    want, have = numbers(expected), numbers(got)
except ValueError:
    sys.exit(1)
if len(want) != len(have):
    sys.exit(1)
for w, h in zip(want, have):
    if not (math.isfinite(h) and abs(w - h) <= 1e-6 * max(1.0, abs(w))):
        sys.exit(1)
sys.exit(0)
"""
PAIR_CHECKER = r"""
import sys
data = open(sys.argv[1]).read().split()
n, target = int(data[0]), int(data[1])
a = list(map(int, data[2:2 + n]))
possible = open(sys.argv[2]).read().split() != ["-1"]
out = open(sys.argv[3]).read().split()
if not possible:
    sys.exit(0 if out == ["-1"] else 1)
if len(out) != 2 or not all(t.lstrip("-").isdigit() for t in out):
    sys.exit(1)
i, j = map(int, out)
ok = 1 <= i <= n and 1 <= j <= n and i != j and a[i - 1] + a[j - 1] == target
sys.exit(0 if ok else 1)
"""
TOPO_CHECKER_CPP = r"""
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
int main(int argc, char** argv) {
    if (argc < 4) return 3;
    std::ifstream in(argv[1]), out(argv[3]);
    int n, m; in >> n >> m;
    std::vector<std::pair<int,int>> edges(m);
    for (auto& e : edges) in >> e.first >> e.second;
    std::vector<int> pos(n + 1, -1);
    std::string token; int k = 0;
    while (out >> token) {
        std::istringstream is(token); int v;
        if (!(is >> v) || !is.eof() || v < 1 || v > n || pos[v] != -1) return 1;
        pos[v] = k++;
    }
    if (k != n) return 1;
    for (auto& e : edges) if (pos[e.first] > pos[e.second]) return 1;
    return 0;
}
"""
DIVISOR_CHECKER = r"""
import sys
n = int(open(sys.argv[1]).read())
prime = open(sys.argv[2]).read().strip() == "PRIME"
out = open(sys.argv[3]).read().split()
if prime:
    sys.exit(0 if [t.upper() for t in out] == ["PRIME"] else 1)
if len(out) != 1 or not out[0].isdigit():
    sys.exit(1)
d = int(out[0])
sys.exit(0 if 1 < d < n and n % d == 0 else 1)
"""


def checkers() -> None:
    f = "checker"
    circle = {"tests": [{"input": "1\n", "output": "3.141592654\n"}, {"input": "2.5\n", "output": "19.634954085\n"},
                        {"input": "0.001\n", "output": "0.000003142\n"}, {"input": "1000\n", "output": "3141592.653589793\n"}],
              "checker": {"source": FLOAT_CHECKER, "language": "python"}}  # fmt: skip
    problem(f, "kattis_float_area", circle,
        ["import math\nr = float(input())\nprint(f'{math.pi * r * r:.9f}')",
         "import math\nprint(repr(math.pi * float(input()) ** 2))",
         "import math\nr = float(input())\nprint('%.12e' % (math.pi * r * r))"],
        {"two_decimals": ("import math\nr = float(input())\nprint(f'{math.pi * r * r:.2f}')", 0.25),
         "pi_approx": ("r = float(input())\nprint(3.1416 * r * r)", 0.25),
         "diameter": "import math\nr = float(input())\nprint(math.pi * 2 * r)",
         "nan": "print('nan')",
         "extra_number": "import math\nr = float(input())\nprint(math.pi * r * r, r)",
         "crash": "import math\nr = int(input())\nprint(math.pi * r * r)"})  # fmt: skip
    pair = {"tests": [{"input": "4 9\n2 7 11 15\n", "output": "1 2\n"}, {"input": "5 6\n1 5 3 3 2\n", "output": "1 2\n"},
                      {"input": "3 100\n1 2 3\n", "output": "-1\n"}, {"input": "2 4\n2 2\n", "output": "1 2\n"}],
            "checker": {"source": PAIR_CHECKER, "language": "python"}}  # fmt: skip
    problem(f, "multiple_answers_pair", pair,
        ["n, t = map(int, input().split())\na = list(map(int, input().split()))\nseen = {}\n"
         "for j, x in enumerate(a, 1):\n    if t - x in seen:\n        print(seen[t - x], j)\n        break\n"
         "    seen[x] = j\nelse:\n    print(-1)",
         "n, t = map(int, input().split())\na = list(map(int, input().split()))\n"
         "ans = [(j, i) for i in range(1, n + 1) for j in range(1, n + 1) if i != j and a[i-1] + a[j-1] == t]\n"
         "print(*ans[-1]) if ans else print(-1)"],
        {"same_index": ("n, t = map(int, input().split())\na = list(map(int, input().split()))\n"
                        "ans = [(i, j) for i in range(1, n + 1) for j in range(i, n + 1) if a[i-1] + a[j-1] == t]\n"
                        "print(*ans[0]) if ans else print(-1)", 0.75),
         "zero_based": ("n, t = map(int, input().split())\na = list(map(int, input().split()))\n"
                        "ans = [(i, j) for i in range(n) for j in range(i + 1, n) if a[i] + a[j] == t]\n"
                        "print(*ans[0]) if ans else print(-1)", 0.25),
         "partial": ("n, t = map(int, input().split())\na = list(map(int, input().split()))\n"
                     "ans = [i for i in range(1, n + 1) for j in range(1, n + 1) if i != j and a[i-1] + a[j-1] == t]\n"
                     "print(ans[0] if ans else -1)", 0.25),
         "always_minus_one": ("print(-1)", 0.25),
         "reads_expected": ("import os\nprint(open('expected.txt').read() if os.path.exists('expected.txt') else '0 0')", 0.0),
         "timeout": "while True:\n    pass"})  # fmt: skip
    topo = {"tests": [{"input": "3 2\n1 2\n1 3\n", "output": "1 2 3\n"}, {"input": "4 3\n4 3\n3 2\n2 1\n", "output": "4 3 2 1\n"},
                      {"input": "2 0\n", "output": "1 2\n"}],
            "checker": {"source": TOPO_CHECKER_CPP, "language": "cpp"}}  # fmt: skip
    kahn = (
        "from collections import deque\nn, m = map(int, input().split())\nadj = [[] for _ in range(n + 1)]\n"
        "deg = [0] * (n + 1)\nfor _ in range(m):\n    a, b = map(int, input().split())\n    adj[a].append(b)\n"
        "    deg[b] += 1\nq = deque(v for v in range(1, n + 1) if not deg[v])\nout = []\nwhile q:\n    v = q.pop()\n"
        "    out.append(v)\n    for w in adj[v]:\n        deg[w] -= 1\n        if not deg[w]:\n            q.append(w)\nprint(*out)"
    )
    problem(f, "testlib_cpp_topological_order", topo,
        [kahn, kahn.replace("q.pop()", "q.popleft()"),
         "#include <bits/stdc++.h>\nint main(){int n,m;std::cin>>n>>m;std::vector<std::vector<int>>g(n+1);std::vector<int>d(n+1);"
         "for(int i=0;i<m;i++){int a,b;std::cin>>a>>b;g[a].push_back(b);d[b]++;}std::priority_queue<int>q;"
         "for(int v=1;v<=n;v++)if(!d[v])q.push(v);while(!q.empty()){int v=q.top();q.pop();std::cout<<v<<' ';"
         "for(int w:g[v])if(!--d[w])q.push(w);}std::cout<<'\\n';}"],
        {"identity": ("n, m = map(int, input().split())\nprint(*range(1, n + 1))", 2 / 3),
         "reversed_edges": ("n, m = map(int, input().split())\nprint(*range(n, 0, -1))", 2 / 3),
         "duplicate": "n, m = map(int, input().split())\nprint(*([1] * n))",
         "missing_vertex": kahn.replace("print(*out)", "print(*out[:-1])"),
         "crash": "raise RuntimeError('no order')"})  # fmt: skip
    divisor = {"tests": [{"input": "12\n", "output": "2\n"}, {"input": "13\n", "output": "PRIME\n"},
                         {"input": "49\n", "output": "7\n"}, {"input": "1000000007\n", "output": "PRIME\n"}],
               "checker": {"source": DIVISOR_CHECKER, "language": "python"}, "time_limit_s": 2.0}  # fmt: skip
    problem(f, "any_divisor_or_prime", divisor,
        ["n = int(input())\nd = 2\nwhile d * d <= n and n % d:\n    d += 1\nprint(d if d * d <= n else 'PRIME')",
         "n = int(input())\nfor d in range(int(n ** 0.5), 1, -1):\n    if n % d == 0:\n        print(d)\n        break\nelse:\n    print('prime')"],
        {"prints_n": ("n = int(input())\nd = 2\nwhile d * d <= n and n % d:\n    d += 1\nprint(n if d * d <= n else 'PRIME')", 0.5),
         "prints_one": ("n = int(input())\nd = 2\nwhile d * d <= n and n % d:\n    d += 1\nprint(1 if d * d <= n else 'PRIME')", 0.5),
         "off_by_one_bound": ("n = int(input())\nd = 2\nwhile d * d < n and n % d:\n    d += 1\nprint(d if d * d < n else 'PRIME')", 0.75),
         "slow": ("n = int(input())\nd = 2\nwhile d < n and n % d:\n    d += 1\nprint(d if d < n else 'PRIME')", 0.75),
         "always_prime": ("print('PRIME')", 0.5)})  # fmt: skip
    yes_no = {"tests": [{"input": "racecar\n", "output": "YES\n"}, {"input": "ab\n", "output": "NO\n"},
                        {"input": "a\n", "output": "YES\n"}],
              "checker": {"source": "import sys\nw = open(sys.argv[2]).read().split()\ng = open(sys.argv[3]).read().split()\n"
                                    "sys.exit(0 if [t.lower() for t in g] == [t.lower() for t in w] else 1)\n",
                          "language": "python"}}  # fmt: skip
    problem(f, "case_insensitive_yes_no", yes_no,
        ["s = input().strip()\nprint('YES' if s == s[::-1] else 'NO')",
         "s = input().strip()\nprint('yes' if s == s[::-1] else 'no')"],
        {"inverted": "s = input().strip()\nprint('NO' if s == s[::-1] else 'YES')",
         "always_yes": ("print('Yes')", 2 / 3),
         "both": "print('YES NO')",
         "empty": "pass"})  # fmt: skip


# ============================================================ pytest and unittest files
PYTEST_STACK = """
import pytest
from solution import Stack

def test_push_pop():
    s = Stack()
    s.push(1)
    s.push(2)
    assert s.pop() == 2
    assert s.pop() == 1

def test_len():
    s = Stack()
    assert len(s) == 0
    s.push("x")
    assert len(s) == 1

def test_pop_empty_raises():
    with pytest.raises(IndexError):
        Stack().pop()

def test_peek():
    s = Stack()
    s.push(3)
    assert s.peek() == 3
    assert len(s) == 1
"""
STACK = (
    "class Stack:\n    def __init__(self):\n        self.items = []\n    def push(self, x):\n        self.items.append(x)\n"
    "    def pop(self):\n        return self.items.pop()\n    def peek(self):\n        return self.items[-1]\n"
    "    def __len__(self):\n        return len(self.items)"
)
PYTEST_PARAM = """
import pytest
from solution import roman

@pytest.mark.parametrize("n, text", [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"),
                                     (90, "XC"), (400, "CD"), (1994, "MCMXCIV"), (3999, "MMMCMXCIX")])
def test_roman(n, text):
    assert roman(n) == text

def test_type():
    assert isinstance(roman(5), str)
"""
ROMAN = (
    "def roman(n):\n    out = ''\n    for v, s in [(1000,'M'),(900,'CM'),(500,'D'),(400,'CD'),(100,'C'),(90,'XC'),"
    "(50,'L'),(40,'XL'),(10,'X'),(9,'IX'),(5,'V'),(4,'IV'),(1,'I')]:\n        while n >= v:\n"
    "            out += s\n            n -= v\n    return out"
)
PYTEST_FIXTURE = """
import pytest
import solution

@pytest.fixture
def grid():
    return [[1, 2, 3], [4, 5, 6]]

def test_transpose(grid):
    assert solution.transpose(grid) == [[1, 4], [2, 5], [3, 6]]

def test_transpose_twice(grid):
    assert solution.transpose(solution.transpose(grid)) == grid

def test_empty():
    assert solution.transpose([]) == []

def test_does_not_modify(grid):
    solution.transpose(grid)
    assert grid == [[1, 2, 3], [4, 5, 6]]
"""
UNITTEST_INTERVALS = """
import unittest
from solution import merge

class TestMerge(unittest.TestCase):
    def test_overlapping(self):
        self.assertEqual(merge([[1, 3], [2, 6], [8, 10]]), [[1, 6], [8, 10]])

    def test_touching(self):
        self.assertEqual(merge([[1, 4], [4, 5]]), [[1, 5]])

    def test_unsorted(self):
        self.assertEqual(merge([[5, 6], [1, 2]]), [[1, 2], [5, 6]])

    def test_empty(self):
        self.assertEqual(merge([]), [])

    def test_nested(self):
        self.assertEqual(merge([[1, 10], [2, 3]]), [[1, 10]])
"""
MERGE = (
    "def merge(iv):\n    out = []\n    for a, b in sorted(iv):\n        if out and a <= out[-1][1]:\n"
    "            out[-1][1] = max(out[-1][1], b)\n        else:\n            out.append([a, b])\n    return out"
)
UNITTEST_FLOAT = """
import math
import unittest
import solution

class TestStats(unittest.TestCase):
    def test_mean(self):
        self.assertAlmostEqual(solution.mean([1, 2, 3, 4]), 2.5)

    def test_stdev(self):
        self.assertAlmostEqual(solution.stdev([2, 4, 4, 4, 5, 5, 7, 9]), 2.0)

    def test_single(self):
        self.assertEqual(solution.stdev([3]), 0.0)

    def test_raises(self):
        with self.assertRaises(ValueError):
            solution.mean([])
"""
STATS = (
    "import math\ndef mean(xs):\n    if not xs:\n        raise ValueError('empty')\n    return sum(xs) / len(xs)\n"
    "def stdev(xs):\n    m = mean(xs)\n    return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))"
)
UNITTEST_CLASS = """
import unittest
from solution import BankAccount, InsufficientFunds

class TestAccount(unittest.TestCase):
    def setUp(self):
        self.acct = BankAccount(100)

    def test_deposit(self):
        self.acct.deposit(50)
        self.assertEqual(self.acct.balance, 150)

    def test_withdraw(self):
        self.acct.withdraw(30)
        self.assertEqual(self.acct.balance, 70)

    def test_overdraw(self):
        with self.assertRaises(InsufficientFunds):
            self.acct.withdraw(101)
        self.assertEqual(self.acct.balance, 100)

    def test_negative(self):
        with self.assertRaises(ValueError):
            self.acct.deposit(-1)
"""
ACCOUNT = (
    "class InsufficientFunds(Exception):\n    pass\nclass BankAccount:\n    def __init__(self, balance=0):\n"
    "        self.balance = balance\n    def deposit(self, x):\n        if x < 0:\n            raise ValueError(x)\n"
    "        self.balance += x\n    def withdraw(self, x):\n        if x > self.balance:\n"
    "            raise InsufficientFunds(x)\n        self.balance -= x"
)


def test_files() -> None:
    def spec(source: str, framework: str) -> dict[str, Any]:
        return {"test_file": source.lstrip("\n"), "framework": framework, "time_limit_s": 5.0}

    problem("pytest", "stack_class", spec(PYTEST_STACK, "pytest"),
        [STACK, "from collections import deque\nclass Stack(deque):\n    push = deque.append\n    def peek(self):\n        return self[-1]"],
        {"fifo": ("class Stack(list):\n    def push(self, x):\n        self.append(x)\n    def pop(self):\n"
                  "        return list.pop(self, 0)\n    def peek(self):\n        return self[0]", 0.75),
         "no_raise": (STACK.replace("return self.items.pop()", "return self.items.pop() if self.items else None"), 0.75),
         "peek_pops": (STACK.replace("return self.items[-1]", "return self.items.pop()"), 0.75),
         "import_crash": "raise ImportError('no')\n" + STACK,
         "exit_at_import": "import os\nos._exit(0)\n" + STACK,
         "patches_pytest": "import pytest, _pytest.python\n_pytest.python.Function.runtest = lambda self: None\n"
                           "class Stack:\n    pass"})  # fmt: skip
    problem("pytest", "roman_parametrized", spec(PYTEST_PARAM, "pytest"),
        [ROMAN],
        {"no_subtractive": (ROMAN.replace(",(900,'CM')", "").replace(",(400,'CD')", "").replace(",(90,'XC')", "")
                            .replace(",(40,'XL')", "").replace(",(9,'IX')", "").replace(",(4,'IV')", ""), 0.2),
         "lowercase": (ROMAN.replace("return out", "return out.lower()"), 0.1),
         "returns_list": (ROMAN.replace("return out", "return list(out)"), 0.0),
         "always_equal": ALWAYS_EQUAL + "class _S(str):\n    def __eq__(self, o):\n        return True\n"
                         "def roman(n):\n    return _S('I')",
         "timeout": "def roman(n):\n    while True:\n        n += 1"})  # fmt: skip
    problem("pytest", "transpose_fixture", spec(PYTEST_FIXTURE, "pytest"),
        ["def transpose(g):\n    return [list(r) for r in zip(*g)]",
         "def transpose(g):\n    if not g:\n        return []\n    return [[g[i][j] for i in range(len(g))] for j in range(len(g[0]))]"],
        {"tuples": ("def transpose(g):\n    return list(zip(*g))", 0.5),
         "in_place": ("def transpose(g):\n    t = [list(r) for r in zip(*g)]\n    g[:] = t\n    return t", 0.5),
         "crash_empty": ("def transpose(g):\n    return [[g[i][j] for i in range(len(g))] for j in range(len(g[0]))]", 0.75),
         "always_equal": ALWAYS_EQUAL + "def transpose(g):\n    return _Any()",
         "sys_exit": "import sys\ndef transpose(g):\n    sys.exit(0)"})  # fmt: skip
    problem("unittest", "merge_intervals", spec(UNITTEST_INTERVALS, "unittest"),
        [MERGE],
        {"strict_overlap": (MERGE.replace("a <= out[-1][1]", "a < out[-1][1]"), 0.8),
         "unsorted": (MERGE.replace("sorted(iv)", "iv"), 0.8),
         "no_max": (MERGE.replace("max(out[-1][1], b)", "b"), 0.8),
         "always_equal": ALWAYS_EQUAL + "def merge(iv):\n    return _Any()",
         "patches_unittest": "import unittest\nunittest.TestCase.assertEqual = lambda *a, **k: None\ndef merge(iv):\n    return []"})  # fmt: skip
    problem("unittest", "stats_float", spec(UNITTEST_FLOAT, "unittest"),
        [STATS, "import statistics\ndef mean(xs):\n    if not xs:\n        raise ValueError\n    return statistics.fmean(xs)\n"
                "def stdev(xs):\n    return statistics.pstdev(xs)"],
        {"sample_stdev": ("import statistics\ndef mean(xs):\n    if not xs:\n        raise ValueError\n    return statistics.fmean(xs)\n"
                          "def stdev(xs):\n    return statistics.stdev(xs) if len(xs) > 1 else 0.0", 0.75),
         "zero_division": (STATS.replace("    if not xs:\n        raise ValueError('empty')\n", ""), 0.75),
         "integer_mean": (STATS.replace("sum(xs) / len(xs)", "sum(xs) // len(xs)"), 0.75),
         "timeout": "def mean(xs):\n    while True:\n        pass\ndef stdev(xs):\n    return mean(xs)"})  # fmt: skip
    problem("unittest", "bank_account_class", spec(UNITTEST_CLASS, "unittest"),
        [ACCOUNT],
        {"overdraw_allowed": (ACCOUNT.replace("if x > self.balance:", "if x > self.balance + 10:"), 0.75),
         "wrong_exception": (ACCOUNT.replace("raise InsufficientFunds(x)", "raise ValueError(x)"), 0.75),
         "withdraw_first": (ACCOUNT.replace("            raise InsufficientFunds(x)\n        self.balance -= x",
                                            "            self.balance -= x\n            raise InsufficientFunds(x)\n        self.balance -= x"), 0.75),
         "negative_allowed": (ACCOUNT.replace("        if x < 0:\n            raise ValueError(x)\n", ""), 0.75),
         "missing_class": "class BankAccount:\n    pass"})  # fmt: skip


def main() -> None:
    function_calls()
    checkers()
    test_files()
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with OUT.open("w") as f:
        for case in CASES:
            f.write(json.dumps(case, sort_keys=True) + "\n")
    by_format: dict[str, int] = {}
    for case in CASES:
        by_format[case["format"]] = by_format.get(case["format"], 0) + 1
    print(f"{len(CASES)} cases -> {OUT}: {by_format}")


if __name__ == "__main__":
    main()
