"""Build tests/data/mbpp_style.jsonl: 133 tasks written here in MBPP's format.

MBPP itself (974 tasks) is not available offline on this machine (no dataset hub, and no
PyPI package embeds it: evalplus, nvidia-bigcode-eval and codeevals fetch it at run
time).  These tasks are our own, in MBPP's row shape (``task_id``, ``text``, ``code``,
``test_list`` of assert strings, ``test_setup_code``, ``challenge_test_list``) and of its
kinds, with the constructs that broke assert mode before issue 10: functions named like
builtins (``def sum``, ``def max`` ...), dataclasses under ``from __future__ import
annotations``, pickling the program's classes, recursion, generators, classes, and test
setup code.  ``broken`` is a hand-made wrong variant where one is given.  Run from the
repository root (the output is committed):

    .venv/bin/python tests/data/make_mbpp_style.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("mbpp_style.jsonl")

# (text, code, test_list, test_setup_code, broken or None)
T: list[tuple[str, str, list[str], str, str | None]] = [
    (
        "Write a function named sum that adds two numbers.",
        "def sum(a, b):\n    return a + b",
        ["assert sum(1, 2) == 3", "assert sum(-1, 1) == 0", "assert sum(2.5, 2.5) == 5.0"],
        "",
        "def sum(a, b):\n    return a - b",
    ),
    (
        "Write a function named max that returns the largest of three numbers.",
        "def max(a, b, c):\n    m = a\n    for x in (b, c):\n        if x > m:\n            m = x\n    return m",
        ["assert max(1, 5, 3) == 5", "assert max(-1, -5, -3) == -1", "assert max(7, 7, 2) == 7"],
        "",
        "def max(a, b, c):\n    return a",
    ),
    (
        "Write a function named min that returns the smallest element of a list.",
        "def min(xs):\n    best = xs[0]\n    for x in xs[1:]:\n        if x < best:\n            best = x\n    return best",
        ["assert min([3, 1, 2]) == 1", "assert min([5]) == 5", "assert min([-2, -9, 0]) == -9"],
        "",
        "def min(xs):\n    return xs[-1]",
    ),
    (
        "Write a function named len that counts the vowels of a string.",
        "def len(s):\n    return sum(1 for c in s.lower() if c in 'aeiou')",
        ["assert len('hello') == 2", "assert len('xyz') == 0", "assert len('AEIOU') == 5"],
        "",
        "def len(s):\n    return sum(1 for c in s if c in 'aeiou')",
    ),
    (
        "Write a function named sorted that sorts a list of words by length, then alphabetically.",
        "import builtins\n\ndef sorted(words):\n    out = list(words)\n    out.sort(key=lambda w: (builtins.len(w), w))\n    return out",
        [
            "assert sorted(['bb', 'a', 'ccc', 'ab']) == ['a', 'ab', 'bb', 'ccc']",
            "assert sorted([]) == []",
            "assert sorted(['z', 'y']) == ['y', 'z']",
        ],
        "",
        None,
    ),
    (
        "Write a function named abs that returns the distance between two integers.",
        "def abs(a, b):\n    return a - b if a > b else b - a",
        ["assert abs(3, 7) == 4", "assert abs(7, 3) == 4", "assert abs(-2, 2) == 4"],
        "",
        "def abs(a, b):\n    return a - b",
    ),
    (
        "Write a function named round that rounds a number to the nearest multiple of 5.",
        "def round(n):\n    return 5 * int(n / 5 + 0.5) if n >= 0 else -5 * int(-n / 5 + 0.5)",
        ["assert round(12) == 10", "assert round(13) == 15", "assert round(-7) == -5"],
        "",
        "def round(n):\n    return n - n % 5",
    ),
    (
        "Write a function named filter that keeps the positive numbers of a list.",
        "def filter(xs):\n    return [x for x in xs if x > 0]",
        [
            "assert filter([1, -2, 3]) == [1, 3]",
            "assert filter([]) == []",
            "assert filter([0, -1]) == []",
        ],
        "",
        "def filter(xs):\n    return [x for x in xs if x >= 0]",
    ),
    (
        "Write a function named map that squares every element of a list.",
        "def map(xs):\n    return [x * x for x in xs]",
        ["assert map([1, 2, 3]) == [1, 4, 9]", "assert map([]) == []", "assert map([-2]) == [4]"],
        "",
        None,
    ),
    (
        "Write a function named pow that computes a**b modulo m.",
        "def pow(a, b, m):\n    r = 1\n    a %= m\n    while b:\n        if b & 1:\n            r = r * a % m\n        a = a * a % m\n        b >>= 1\n    return r",
        ["assert pow(2, 10, 1000) == 24", "assert pow(3, 0, 7) == 1", "assert pow(10, 18, 7) == 1"],
        "",
        "def pow(a, b, m):\n    return a ** b",
    ),
    (
        "Write a function named all that checks whether every number in a list is even.",
        "def all(xs):\n    for x in xs:\n        if x % 2:\n            return False\n    return True",
        ["assert all([2, 4, 6]) == True", "assert all([2, 3]) == False", "assert all([]) == True"],
        "",
        None,
    ),
    (
        "Write a function named any that checks whether a string contains a digit.",
        "def any(s):\n    return True in [c.isdigit() for c in s]",
        ["assert any('abc1') == True", "assert any('abc') == False", "assert any('') == False"],
        "",
        None,
    ),
    (
        "Write a function named zip that interleaves two lists.",
        "def zip(a, b):\n    out = []\n    for i in range(max(len(a), len(b))):\n"
        "        if i < len(a):\n            out.append(a[i])\n        if i < len(b):\n            out.append(b[i])\n    return out",
        [
            "assert zip([1, 3], [2, 4]) == [1, 2, 3, 4]",
            "assert zip([1], [2, 3, 4]) == [1, 2, 3, 4]",
            "assert zip([], []) == []",
        ],
        "",
        None,
    ),
    (
        "Write a function named reversed that reverses the words of a sentence.",
        "def reversed(s):\n    return ' '.join(s.split()[::-1])",
        [
            "assert reversed('a b c') == 'c b a'",
            "assert reversed('one') == 'one'",
            "assert reversed('') == ''",
        ],
        "",
        "def reversed(s):\n    return s[::-1]",
    ),
    (
        "Write a function named input that parses 'k=v;k=v' into a dictionary.",
        "def input(s):\n    return dict(p.split('=') for p in s.split(';') if p)",
        [
            "assert input('a=1;b=2') == {'a': '1', 'b': '2'}",
            "assert input('') == {}",
            "assert input('x=y;') == {'x': 'y'}",
        ],
        "",
        None,
    ),
    (
        "Write a function named hash that computes a polynomial hash of a string modulo 1000000007.",
        "def hash(s):\n    h = 0\n    for c in s:\n        h = (h * 31 + ord(c)) % 1000000007\n    return h",
        ["assert hash('') == 0", "assert hash('a') == 97", "assert hash('ab') == 3105"],
        "",
        None,
    ),
    (
        "Write a function named range that returns the difference between the largest and smallest element.",
        "def range(xs):\n    return max(xs) - min(xs)",
        ["assert range([1, 5, 3]) == 4", "assert range([2]) == 0", "assert range([-3, 3]) == 6"],
        "",
        None,
    ),
    (
        "Write a function named id that returns the identity matrix of size n.",
        "def id(n):\n    return [[int(i == j) for j in range(n)] for i in range(n)]",
        ["assert id(1) == [[1]]", "assert id(2) == [[1, 0], [0, 1]]", "assert id(0) == []"],
        "",
        None,
    ),
    (
        "Write a function named type that names the type of a triangle from its sides.",
        "def type(a, b, c):\n    if a == b == c:\n        return 'equilateral'\n    if a == b or b == c or a == c:\n        return 'isosceles'\n    return 'scalene'",
        [
            "assert type(2, 2, 2) == 'equilateral'",
            "assert type(3, 2, 2) == 'isosceles'",
            "assert type(3, 4, 5) == 'scalene'",
        ],
        "",
        "def type(a, b, c):\n    if a == b == c:\n        return 'equilateral'\n    if a == b:\n        return 'isosceles'\n    return 'scalene'",
    ),
    (
        "Write a function named divmod that returns quotient and remainder rounding toward zero.",
        "def divmod(a, b):\n    q = abs(a) // abs(b)\n    if (a < 0) != (b < 0):\n        q = -q\n    return (q, a - q * b)",
        [
            "assert divmod(7, 2) == (3, 1)",
            "assert divmod(-7, 2) == (-3, -1)",
            "assert divmod(7, -2) == (-3, 1)",
        ],
        "",
        "def divmod(a, b):\n    return (a // b, a % b)",
    ),
    # ---- dataclasses with postponed annotations, pickling, classes
    (
        "Write a dataclass Point with x and y and a function that returns the point's distance from the origin.",
        "from __future__ import annotations\nfrom dataclasses import dataclass\nimport math\n\n@dataclass\nclass Point:\n    x: float\n    y: float\n\n"
        "def norm(p: Point) -> float:\n    return math.hypot(p.x, p.y)",
        [
            "assert norm(Point(3, 4)) == 5.0",
            "assert norm(Point(0, 0)) == 0.0",
            "assert Point(1, 2) == Point(1, 2)",
        ],
        "",
        None,
    ),
    (
        "Write a frozen dataclass Money and a function that adds two amounts of the same currency.",
        "from __future__ import annotations\nfrom dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass Money:\n    amount: int\n    currency: str\n\n"
        "def add_money(a: Money, b: Money) -> Money:\n    if a.currency != b.currency:\n        raise ValueError('currency')\n    return Money(a.amount + b.amount, a.currency)",
        [
            "assert add_money(Money(1, 'EUR'), Money(2, 'EUR')) == Money(3, 'EUR')",
            "assert add_money(Money(0, 'X'), Money(0, 'X')).amount == 0",
            "assert hash(Money(1, 'A')) == hash(Money(1, 'A'))",
        ],
        "",
        None,
    ),
    (
        "Write a dataclass Item with a name and a price, and a function returning the names sorted by price.",
        "from __future__ import annotations\nfrom dataclasses import dataclass, field\n\n@dataclass(order=True)\nclass Item:\n    price: int\n    name: str = field(compare=False)\n\n"
        "def by_price(items: list[Item]) -> list[str]:\n    return [i.name for i in sorted(items)]",
        [
            "assert by_price([Item(3, 'c'), Item(1, 'a'), Item(2, 'b')]) == ['a', 'b', 'c']",
            "assert by_price([]) == []",
            "assert Item(1, 'x') == Item(1, 'y')",
        ],
        "",
        None,
    ),
    (
        "Write a function that pickles and unpickles an instance of a class Box holding a list.",
        "import pickle\n\nclass Box:\n    def __init__(self, items):\n        self.items = items\n\ndef roundtrip(items):\n    return pickle.loads(pickle.dumps(Box(items))).items",
        [
            "assert roundtrip([1, 2]) == [1, 2]",
            "assert roundtrip([]) == []",
            "assert roundtrip(['a']) == ['a']",
        ],
        "",
        None,
    ),
    (
        "Write a dataclass Node for a binary tree and a function that pickles a tree and returns its depth after loading it.",
        "from __future__ import annotations\nimport pickle\nfrom dataclasses import dataclass\nfrom typing import Optional\n\n@dataclass\nclass Node:\n    value: int\n"
        "    left: Optional[Node] = None\n    right: Optional[Node] = None\n\ndef depth(n: Optional[Node]) -> int:\n    return 0 if n is None else 1 + max(depth(n.left), depth(n.right))\n\n"
        "def pickled_depth(n: Node) -> int:\n    return depth(pickle.loads(pickle.dumps(n)))",
        [
            "assert pickled_depth(Node(1)) == 1",
            "assert pickled_depth(Node(1, Node(2, Node(3)))) == 3",
            "assert pickled_depth(Node(1, None, Node(2))) == 2",
        ],
        "",
        None,
    ),
    (
        "Write a function that deep-copies a graph object and checks that the copy equals the original.",
        "import copy\n\nclass Graph:\n    def __init__(self):\n        self.edges = {}\n    def add(self, a, b):\n        self.edges.setdefault(a, set()).add(b)\n"
        "    def __eq__(self, other):\n        return isinstance(other, Graph) and self.edges == other.edges\n\ndef copy_equal(pairs):\n    g = Graph()\n    for a, b in pairs:\n        g.add(a, b)\n"
        "    h = copy.deepcopy(g)\n    return h == g and h is not g",
        [
            "assert copy_equal([(1, 2)]) == True",
            "assert copy_equal([]) == True",
            "assert copy_equal([(1, 2), (2, 3)]) == True",
        ],
        "",
        None,
    ),
    (
        "Write a class Stack with push, pop and is_empty.",
        "class Stack:\n    def __init__(self):\n        self._items = []\n    def push(self, x):\n        self._items.append(x)\n    def pop(self):\n        return self._items.pop()\n"
        "    def is_empty(self):\n        return not self._items",
        [
            "s = Stack(); s.push(1); s.push(2); assert s.pop() == 2",
            "s = Stack(); assert s.is_empty() == True",
            "s = Stack(); s.push(5); assert s.is_empty() == False",
        ],
        "",
        "class Stack:\n    def __init__(self):\n        self._items = []\n    def push(self, x):\n        self._items.insert(0, x)\n    def pop(self):\n        return self._items.pop()\n"
        "    def is_empty(self):\n        return not self._items",
    ),
    (
        "Write a class Queue built from two stacks.",
        "class Queue:\n    def __init__(self):\n        self.a, self.b = [], []\n    def put(self, x):\n        self.a.append(x)\n    def get(self):\n        if not self.b:\n"
        "            while self.a:\n                self.b.append(self.a.pop())\n        return self.b.pop()",
        [
            "q = Queue(); q.put(1); q.put(2); assert q.get() == 1",
            "q = Queue(); q.put('x'); assert q.get() == 'x'",
            "q = Queue(); [q.put(i) for i in range(5)]; assert [q.get() for _ in range(5)] == [0, 1, 2, 3, 4]",
        ],
        "",
        None,
    ),
    (
        "Write a class Counter-like Tally whose add method counts words and most returns the most frequent one.",
        "class Tally:\n    def __init__(self):\n        self.c = {}\n    def add(self, w):\n        self.c[w] = self.c.get(w, 0) + 1\n        return self\n"
        "    def most(self):\n        return max(sorted(self.c), key=self.c.get)",
        [
            "assert Tally().add('a').add('b').add('a').most() == 'a'",
            "assert Tally().add('z').most() == 'z'",
            "assert Tally().add('b').add('a').most() == 'a'",
        ],
        "",
        None,
    ),
    (
        "Write a class Vector supporting addition, scalar multiplication and equality.",
        "class Vector:\n    def __init__(self, *xs):\n        self.xs = tuple(xs)\n    def __add__(self, o):\n        return Vector(*(a + b for a, b in zip(self.xs, o.xs)))\n"
        "    def __mul__(self, k):\n        return Vector(*(a * k for a in self.xs))\n    def __eq__(self, o):\n        return isinstance(o, Vector) and self.xs == o.xs\n"
        "    def __repr__(self):\n        return f'Vector{self.xs}'",
        [
            "assert Vector(1, 2) + Vector(3, 4) == Vector(4, 6)",
            "assert Vector(1, 2) * 3 == Vector(3, 6)",
            "assert (Vector(1) + Vector(1)).xs == (2,)",
        ],
        "",
        None,
    ),
    (
        "Write a class Temperature with a celsius property that converts from fahrenheit.",
        "class Temperature:\n    def __init__(self, f):\n        self.f = f\n    @property\n    def celsius(self):\n        return round((self.f - 32) * 5 / 9, 2)",
        [
            "assert Temperature(212).celsius == 100.0",
            "assert Temperature(32).celsius == 0.0",
            "assert Temperature(-40).celsius == -40.0",
        ],
        "",
        "class Temperature:\n    def __init__(self, f):\n        self.f = f\n    @property\n    def celsius(self):\n        return round((self.f - 32) * 9 / 5, 2)",
    ),
    (
        "Write an exception class and a function that raises it for negative input.",
        "class NegativeError(ValueError):\n    pass\n\ndef check_positive(x):\n    if x < 0:\n        raise NegativeError(x)\n    return x",
        [
            "assert check_positive(3) == 3",
            "try:\n    check_positive(-1)\n    assert False\nexcept NegativeError:\n    pass",
            "try:\n    check_positive(-2)\n    assert False\nexcept ValueError:\n    pass",
        ],
        "",
        "class NegativeError(ValueError):\n    pass\n\ndef check_positive(x):\n    return x",
    ),
    (
        "Write a class with a classmethod constructor from a string 'a,b'.",
        "class Pair:\n    def __init__(self, a, b):\n        self.a, self.b = a, b\n    @classmethod\n    def parse(cls, s):\n        a, b = s.split(',')\n        return cls(int(a), int(b))\n"
        "    def total(self):\n        return self.a + self.b",
        [
            "assert Pair.parse('1,2').total() == 3",
            "assert Pair.parse('10,-3').a == 10",
            "assert isinstance(Pair.parse('0,0'), Pair)",
        ],
        "",
        None,
    ),
    (
        "Write an Enum Color and a function that returns the complementary color.",
        "from enum import Enum\n\nclass Color(Enum):\n    RED = 1\n    GREEN = 2\n    BLUE = 3\n\nPAIRS = {Color.RED: Color.GREEN, Color.GREEN: Color.RED, Color.BLUE: Color.BLUE}\n\n"
        "def complement(c):\n    return PAIRS[c]",
        [
            "assert complement(Color.RED) == Color.GREEN",
            "assert complement(Color.BLUE) is Color.BLUE",
            "assert complement(Color.GREEN).name == 'RED'",
        ],
        "",
        None,
    ),
    (
        "Write a namedtuple Rect and a function computing its area.",
        "from collections import namedtuple\nRect = namedtuple('Rect', 'w h')\n\ndef area(r):\n    return r.w * r.h",
        [
            "assert area(Rect(2, 3)) == 6",
            "assert area(Rect(0, 5)) == 0",
            "assert Rect(1, 2) == (1, 2)",
        ],
        "",
        None,
    ),
    # ---- recursion
    (
        "Write a recursive function for the n-th Fibonacci number.",
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)",
        ["assert fib(0) == 0", "assert fib(10) == 55", "assert fib(20) == 6765"],
        "",
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 3)",
    ),
    (
        "Write a recursive function for the factorial.",
        "def factorial(n):\n    return 1 if n <= 1 else n * factorial(n - 1)",
        [
            "assert factorial(0) == 1",
            "assert factorial(5) == 120",
            "assert factorial(20) == 2432902008176640000",
        ],
        "",
        "def factorial(n):\n    return 1 if n <= 1 else n * factorial(n - 2)",
    ),
    (
        "Write a recursive function that flattens a nested list.",
        "def flatten(xs):\n    out = []\n    for x in xs:\n        if isinstance(x, list):\n            out.extend(flatten(x))\n        else:\n            out.append(x)\n    return out",
        [
            "assert flatten([1, [2, [3, 4]], 5]) == [1, 2, 3, 4, 5]",
            "assert flatten([]) == []",
            "assert flatten([[[]]]) == []",
        ],
        "",
        "def flatten(xs):\n    out = []\n    for x in xs:\n        if isinstance(x, list):\n            out.extend(x)\n        else:\n            out.append(x)\n    return out",
    ),
    (
        "Write a recursive function for the greatest common divisor.",
        "def gcd(a, b):\n    return a if b == 0 else gcd(b, a % b)",
        ["assert gcd(12, 18) == 6", "assert gcd(7, 3) == 1", "assert gcd(0, 5) == 5"],
        "",
        "def gcd(a, b):\n    return min(a, b)",
    ),
    (
        "Write a recursive function that returns all permutations of a string, sorted.",
        "def perms(s):\n    if len(s) <= 1:\n        return [s]\n    out = set()\n    for i, c in enumerate(s):\n        for p in perms(s[:i] + s[i + 1:]):\n            out.add(c + p)\n    return sorted(out)",
        [
            "assert perms('ab') == ['ab', 'ba']",
            "assert perms('aab') == ['aab', 'aba', 'baa']",
            "assert len(perms('abcd')) == 24",
        ],
        "",
        None,
    ),
    (
        "Write a recursive binary search that returns the index of x or -1.",
        "def bsearch(xs, x, lo=0, hi=None):\n    if hi is None:\n        hi = len(xs)\n    if lo >= hi:\n        return -1\n    mid = (lo + hi) // 2\n"
        "    if xs[mid] == x:\n        return mid\n    if xs[mid] < x:\n        return bsearch(xs, x, mid + 1, hi)\n    return bsearch(xs, x, lo, mid)",
        [
            "assert bsearch([1, 3, 5, 7], 5) == 2",
            "assert bsearch([1, 3, 5, 7], 4) == -1",
            "assert bsearch([], 1) == -1",
        ],
        "",
        "def bsearch(xs, x):\n    return xs.index(x) if x in xs else 0",
    ),
    (
        "Write a recursive function for the sum of digits.",
        "def digit_sum(n):\n    return n if n < 10 else n % 10 + digit_sum(n // 10)",
        ["assert digit_sum(0) == 0", "assert digit_sum(1234) == 10", "assert digit_sum(99) == 18"],
        "",
        None,
    ),
    (
        "Write a recursive function that computes the power set of a list, as sorted tuples.",
        "def powerset(xs):\n    if not xs:\n        return [()]\n    rest = powerset(xs[1:])\n    return sorted(rest + [(xs[0],) + r for r in rest])",
        [
            "assert powerset([]) == [()]",
            "assert powerset([1, 2]) == [(), (1,), (1, 2), (2,)]",
            "assert len(powerset([1, 2, 3, 4])) == 16",
        ],
        "",
        None,
    ),
    (
        "Write a recursive Ackermann function.",
        "def ackermann(m, n):\n    if m == 0:\n        return n + 1\n    if n == 0:\n        return ackermann(m - 1, 1)\n    return ackermann(m - 1, ackermann(m, n - 1))",
        [
            "assert ackermann(0, 0) == 1",
            "assert ackermann(2, 3) == 9",
            "assert ackermann(3, 3) == 61",
        ],
        "",
        None,
    ),
    (
        "Write a recursive function that checks whether a string is a palindrome.",
        "def is_pal(s):\n    return len(s) < 2 or (s[0] == s[-1] and is_pal(s[1:-1]))",
        [
            "assert is_pal('racecar') == True",
            "assert is_pal('ab') == False",
            "assert is_pal('') == True",
        ],
        "",
        "def is_pal(s):\n    return s[0] == s[-1]",
    ),
    (
        "Write a recursive function counting the ways to climb n stairs taking 1 or 2 steps, memoised.",
        "from functools import lru_cache\n\n@lru_cache(maxsize=None)\ndef stairs(n):\n    return 1 if n <= 1 else stairs(n - 1) + stairs(n - 2)",
        [
            "assert stairs(1) == 1",
            "assert stairs(5) == 8",
            "assert stairs(80) == 37889062373143906",
        ],
        "",
        None,
    ),
    (
        "Write a recursive function computing the height of a tree given as nested tuples (value, children).",
        "def height(t):\n    value, children = t\n    return 1 + max((height(c) for c in children), default=0)",
        [
            "assert height((1, [])) == 1",
            "assert height((1, [(2, [(3, [])]), (4, [])])) == 3",
            "assert height((0, [(1, []), (2, [])])) == 2",
        ],
        "",
        None,
    ),
    # ---- generators
    (
        "Write a generator that yields the first n square numbers.",
        "def squares(n):\n    for i in range(n):\n        yield i * i",
        [
            "assert list(squares(4)) == [0, 1, 4, 9]",
            "assert list(squares(0)) == []",
            "assert sum(squares(3)) == 5",
        ],
        "",
        "def squares(n):\n    for i in range(1, n + 1):\n        yield i * i",
    ),
    (
        "Write a generator of Fibonacci numbers below a limit.",
        "def fib_below(limit):\n    a, b = 0, 1\n    while a < limit:\n        yield a\n        a, b = b, a + b",
        [
            "assert list(fib_below(10)) == [0, 1, 1, 2, 3, 5, 8]",
            "assert list(fib_below(1)) == [0]",
            "assert list(fib_below(0)) == []",
        ],
        "",
        None,
    ),
    (
        "Write a generator that yields the chunks of a list of a given size.",
        "def chunks(xs, k):\n    for i in range(0, len(xs), k):\n        yield xs[i:i + k]",
        [
            "assert list(chunks([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]",
            "assert list(chunks([], 3)) == []",
            "assert next(chunks([9, 8], 5)) == [9, 8]",
        ],
        "",
        "def chunks(xs, k):\n    for i in range(0, len(xs) - k + 1, k):\n        yield xs[i:i + k]",
    ),
    (
        "Write an infinite generator of primes; return the first n with a helper.",
        "from itertools import count, islice\n\ndef primes():\n    found = []\n    for n in count(2):\n        if all(n % p for p in found if p * p <= n):\n            found.append(n)\n            yield n\n\n"
        "def first_primes(n):\n    return list(islice(primes(), n))",
        [
            "assert first_primes(5) == [2, 3, 5, 7, 11]",
            "assert first_primes(0) == []",
            "assert first_primes(10)[-1] == 29",
        ],
        "",
        None,
    ),
    (
        "Write a generator that yields running totals.",
        "def running(xs):\n    total = 0\n    for x in xs:\n        total += x\n        yield total",
        [
            "assert list(running([1, 2, 3])) == [1, 3, 6]",
            "assert list(running([])) == []",
            "assert list(running([-1, 1])) == [-1, 0]",
        ],
        "",
        None,
    ),
    (
        "Write a generator that yields pairs of adjacent elements.",
        "def pairwise(xs):\n    it = iter(xs)\n    prev = next(it, None)\n    for x in it:\n        yield (prev, x)\n        prev = x",
        [
            "assert list(pairwise([1, 2, 3])) == [(1, 2), (2, 3)]",
            "assert list(pairwise([1])) == []",
            "assert list(pairwise('ab')) == [('a', 'b')]",
        ],
        "",
        None,
    ),
    (
        "Write a generator expression based function that returns the sum of cubes of odd numbers up to n.",
        "def odd_cubes(n):\n    return sum(i ** 3 for i in range(1, n + 1, 2))",
        ["assert odd_cubes(1) == 1", "assert odd_cubes(5) == 153", "assert odd_cubes(0) == 0"],
        "",
        "def odd_cubes(n):\n    return sum(i ** 3 for i in range(1, n, 2))",
    ),
    (
        "Write a generator that flattens arbitrarily nested iterables (strings are atoms).",
        "def deep(xs):\n    for x in xs:\n        if isinstance(x, (list, tuple)):\n            yield from deep(x)\n        else:\n            yield x",
        [
            "assert list(deep([1, (2, [3]), 'ab'])) == [1, 2, 3, 'ab']",
            "assert list(deep([])) == []",
            "assert list(deep([[[[5]]]])) == [5]",
        ],
        "",
        None,
    ),
    (
        "Write a class whose instances are iterable countdowns.",
        "class Countdown:\n    def __init__(self, n):\n        self.n = n\n    def __iter__(self):\n        n = self.n\n        while n > 0:\n            yield n\n            n -= 1",
        [
            "assert list(Countdown(3)) == [3, 2, 1]",
            "assert list(Countdown(0)) == []",
            "assert sum(Countdown(4)) == 10",
        ],
        "",
        None,
    ),
    (
        "Write a generator that yields the lines of a text that contain a word.",
        "def grep(text, word):\n    for line in text.splitlines():\n        if word in line:\n            yield line",
        [
            "assert list(grep('a b\\nc\\nb d', 'b')) == ['a b', 'b d']",
            "assert list(grep('', 'x')) == []",
            "assert list(grep('xx', 'x')) == ['xx']",
        ],
        "",
        None,
    ),
    # ---- test_setup_code
    (
        "Write a function that returns the total of a global price table for given items.",
        "def total(items, prices):\n    return sum(prices[i] for i in items)",
        [
            "assert total(['a', 'b'], PRICES) == 3",
            "assert total([], PRICES) == 0",
            "assert total(['c', 'c'], PRICES) == 10",
        ],
        "PRICES = {'a': 1, 'b': 2, 'c': 5}",
        "def total(items, prices):\n    return sum(prices[i] for i in set(items))",
    ),
    (
        "Write a function that applies a function from the test setup to each element.",
        "def apply_all(f, xs):\n    return [f(x) for x in xs]",
        [
            "assert apply_all(double, [1, 2]) == [2, 4]",
            "assert apply_all(double, []) == []",
            "assert apply_all(str, [1]) == ['1']",
        ],
        "def double(x):\n    return 2 * x",
        None,
    ),
    (
        "Write a function that counts the words of a text defined in the test setup.",
        "def word_count(text):\n    return len(text.split())",
        [
            "assert word_count(TEXT) == 9",
            "assert word_count('') == 0",
            "assert word_count('  a  ') == 1",
        ],
        "TEXT = 'the quick brown fox jumps over the lazy dog'",
        "def word_count(text):\n    return text.count(' ')",
    ),
    (
        "Write a function that sorts records from the test setup by age.",
        "def by_age(records):\n    return [r['name'] for r in sorted(records, key=lambda r: r['age'])]",
        [
            "assert by_age(PEOPLE) == ['bo', 'al', 'cy']",
            "assert by_age([]) == []",
            "assert by_age(PEOPLE[:1]) == ['al']",
        ],
        "PEOPLE = [{'name': 'al', 'age': 30}, {'name': 'bo', 'age': 20}, {'name': 'cy', 'age': 40}]",
        "def by_age(records):\n    return [r['name'] for r in records]",
    ),
    (
        "Write a function that uses math from the test setup imports.",
        "import math\n\ndef circle_area(r):\n    return math.pi * r * r",
        [
            "assert isclose(circle_area(1), 3.14159265)",
            "assert circle_area(0) == 0",
            "assert isclose(circle_area(2), 12.5663706)",
        ],
        "from math import isclose as _isclose\ndef isclose(a, b):\n    return _isclose(a, b, rel_tol=1e-7)",
        "def circle_area(r):\n    return 3.14 * r * r",
    ),
]

# ---- plain MBPP-style list, string and number tasks
SIMPLE: list[tuple[str, str, list[str], str | None]] = [
    (
        "remove the first and last occurrence of a character from a string",
        "def remove_occ(s, ch):\n    i = s.find(ch)\n    if i >= 0:\n        s = s[:i] + s[i + 1:]\n    j = s.rfind(ch)\n    if j >= 0:\n        s = s[:j] + s[j + 1:]\n    return s",
        [
            "assert remove_occ('hello', 'l') == 'heo'",
            "assert remove_occ('abcda', 'a') == 'bcd'",
            "assert remove_occ('banana', 'a') == 'bnan'",
        ],
        "def remove_occ(s, ch):\n    return s.replace(ch, '')",
    ),
    (
        "sort a matrix in ascending order by the sum of its rows",
        "def sort_matrix(m):\n    return sorted(m, key=sum)",
        [
            "assert sort_matrix([[1, 2, 3], [2, 4, 5], [1, 1, 1]]) == [[1, 1, 1], [1, 2, 3], [2, 4, 5]]",
            "assert sort_matrix([[5, 8, 9], [6, 4, 3], [2, 1, 4]]) == [[2, 1, 4], [6, 4, 3], [5, 8, 9]]",
            "assert sort_matrix([]) == []",
        ],
        "def sort_matrix(m):\n    return sorted(m)",
    ),
    (
        "find the volume of a triangular prism",
        "def find_volume(l, b, h):\n    return (l * b * h) / 2",
        [
            "assert find_volume(10, 8, 6) == 240",
            "assert find_volume(3, 2, 2) == 6",
            "assert find_volume(1, 2, 1) == 1",
        ],
        "def find_volume(l, b, h):\n    return l * b * h",
    ),
    (
        "check whether a string has lowercase letters joined with an underscore",
        "import re\n\ndef text_lowercase_underscore(text):\n    return re.fullmatch(r'[a-z]+_[a-z]+', text) is not None",
        [
            "assert text_lowercase_underscore('aab_cbbbc') == True",
            "assert text_lowercase_underscore('aab_Abbbc') == False",
            "assert text_lowercase_underscore('Aaab_abbbc') == False",
        ],
        "def text_lowercase_underscore(text):\n    return '_' in text",
    ),
    (
        "find the perimeter of a square",
        "def square_perimeter(a):\n    return 4 * a",
        [
            "assert square_perimeter(10) == 40",
            "assert square_perimeter(5) == 20",
            "assert square_perimeter(4) == 16",
        ],
        "def square_perimeter(a):\n    return a * a",
    ),
    (
        "remove characters of the first string that are present in the second string",
        "def remove_dirty_chars(s, t):\n    bad = set(t)\n    return ''.join(c for c in s if c not in bad)",
        [
            "assert remove_dirty_chars('probasscurve', 'pros') == 'bacuve'",
            "assert remove_dirty_chars('digitalindia', 'talent') == 'digiidi'",
            "assert remove_dirty_chars('exoticmiles', 'toxic') == 'emles'",
        ],
        None,
    ),
    (
        "check whether an array of integers contains a duplicate",
        "def test_duplicate(xs):\n    return len(set(xs)) != len(xs)",
        [
            "assert test_duplicate([1, 2, 3, 4, 5]) == False",
            "assert test_duplicate([1, 2, 3, 4, 4]) == True",
            "assert test_duplicate([1, 1, 2, 2, 3, 3, 4, 4, 5]) == True",
        ],
        "def test_duplicate(xs):\n    return xs[0] == xs[-1]",
    ),
    (
        "check whether a number is woodall (n * 2**n - 1)",
        "def is_woodall(x):\n    n = 1\n    while n * 2 ** n - 1 <= x:\n        if n * 2 ** n - 1 == x:\n            return True\n        n += 1\n    return False",
        [
            "assert is_woodall(383) == True",
            "assert is_woodall(254) == False",
            "assert is_woodall(200) == False",
        ],
        None,
    ),
    (
        "find m multiples of n",
        "def multiples_of_num(m, n):\n    return [n * i for i in range(1, m + 1)]",
        [
            "assert multiples_of_num(4, 3) == [3, 6, 9, 12]",
            "assert multiples_of_num(2, 5) == [5, 10]",
            "assert multiples_of_num(0, 7) == []",
        ],
        "def multiples_of_num(m, n):\n    return [n * i for i in range(m)]",
    ),
    (
        "find the first duplicate element in a list",
        "def find_first_duplicate(xs):\n    seen = set()\n    for x in xs:\n        if x in seen:\n            return x\n        seen.add(x)\n    return -1",
        [
            "assert find_first_duplicate([1, 2, 3, 4, 4, 5]) == 4",
            "assert find_first_duplicate([1, 2, 3, 4]) == -1",
            "assert find_first_duplicate([1, 1, 2, 3, 3, 2, 2]) == 1",
        ],
        None,
    ),
    (
        "find the maximum sum of the elements of a sublist in a list of lists",
        "def maximum_sum(ls):\n    return max(sum(l) for l in ls)",
        [
            "assert maximum_sum([[1, 2, 3], [4, 5, 6], [10, 11, 12], [7, 8, 9]]) == 33",
            "assert maximum_sum([[0, 1, 1], [1, 1, 2], [3, 2, 1]]) == 6",
            "assert maximum_sum([[-1, -2], [-3]]) == -3",
        ],
        "def maximum_sum(ls):\n    return max(max(l) for l in ls)",
    ),
    (
        "convert a binary number given as an integer to decimal",
        "def binary_to_decimal(b):\n    return int(str(b), 2)",
        [
            "assert binary_to_decimal(100) == 4",
            "assert binary_to_decimal(1011) == 11",
            "assert binary_to_decimal(1101101) == 109",
        ],
        None,
    ),
    (
        "find the product of the non-repeated elements of an array",
        "def find_product(xs):\n    p = 1\n    for x in set(xs):\n        if xs.count(x) == 1:\n            p *= x\n    return p",
        [
            "assert find_product([1, 1, 2, 3]) == 6",
            "assert find_product([1, 2, 3, 1, 1]) == 6",
            "assert find_product([4, 4]) == 1",
        ],
        "def find_product(xs):\n    p = 1\n    for x in set(xs):\n        p *= x\n    return p",
    ),
    (
        "check whether a tuple list has all k elements",
        "def check_k_elements(tl, k):\n    return all(x == k for t in tl for x in t)",
        [
            "assert check_k_elements([(4, 4), (4, 4, 4), (4,)], 4) == True",
            "assert check_k_elements([(7, 7), (7, 6)], 7) == False",
            "assert check_k_elements([], 1) == True",
        ],
        None,
    ),
    (
        "remove all digits from a list of strings",
        "def remove_digits(ls):\n    return [''.join(c for c in s if not c.isdigit()) for s in ls]",
        [
            "assert remove_digits(['4words', '3letters', '4digits']) == ['words', 'letters', 'digits']",
            "assert remove_digits(['28Jan', '12Jan']) == ['Jan', 'Jan']",
            "assert remove_digits([]) == []",
        ],
        None,
    ),
    (
        "find the binomial coefficient",
        "def binomial_coeff(n, k):\n    if k < 0 or k > n:\n        return 0\n    r = 1\n    for i in range(min(k, n - k)):\n        r = r * (n - i) // (i + 1)\n    return r",
        [
            "assert binomial_coeff(5, 2) == 10",
            "assert binomial_coeff(4, 3) == 4",
            "assert binomial_coeff(3, 2) == 3",
        ],
        "def binomial_coeff(n, k):\n    return n * k",
    ),
    (
        "find the element occurring an odd number of times",
        "def get_odd_occurrence(xs):\n    r = 0\n    for x in xs:\n        r ^= x\n    return r",
        [
            "assert get_odd_occurrence([1, 2, 3, 1, 2, 3, 1]) == 1",
            "assert get_odd_occurrence([1, 2, 3, 2, 3, 1, 3]) == 3",
            "assert get_odd_occurrence([2, 3, 5, 4, 5, 2, 4, 3, 5, 2, 4, 4, 2]) == 5",
        ],
        None,
    ),
    (
        "count the substrings starting and ending with the same character",
        "def count_substrings(s):\n    return sum(1 for i in range(len(s)) for j in range(i, len(s)) if s[i] == s[j])",
        [
            "assert count_substrings('abc') == 3",
            "assert count_substrings('abcda') == 6",
            "assert count_substrings('ab') == 2",
        ],
        "def count_substrings(s):\n    return len(s)",
    ),
    (
        "find the largest prime factor of a number",
        "def max_prime_factor(n):\n    best, d = 1, 2\n    while d * d <= n:\n        while n % d == 0:\n            best, n = d, n // d\n        d += 1\n    return n if n > 1 else best",
        [
            "assert max_prime_factor(15) == 5",
            "assert max_prime_factor(6) == 3",
            "assert max_prime_factor(2) == 2",
        ],
        None,
    ),
    (
        "convert a decimal number to binary text",
        "def decimal_to_binary(n):\n    return bin(n)[2:]",
        [
            "assert decimal_to_binary(10) == '1010'",
            "assert decimal_to_binary(1) == '1'",
            "assert decimal_to_binary(20) == '10100'",
        ],
        "def decimal_to_binary(n):\n    return bin(n)",
    ),
    (
        "find the missing number in a sorted array of 1..n",
        "def find_missing(xs, n):\n    return n * (n + 1) // 2 - sum(xs)",
        [
            "assert find_missing([1, 2, 3, 5], 5) == 4",
            "assert find_missing([1, 3, 4, 5], 5) == 2",
            "assert find_missing([1, 2, 3, 5, 6, 7], 7) == 4",
        ],
        None,
    ),
    (
        "find the n-th rectangular number",
        "def find_rect_num(n):\n    return n * (n + 1)",
        [
            "assert find_rect_num(4) == 20",
            "assert find_rect_num(5) == 30",
            "assert find_rect_num(6) == 42",
        ],
        "def find_rect_num(n):\n    return n * n",
    ),
    (
        "sort a mixed list of integers and strings, integers first",
        "def sort_mixed_list(xs):\n    return sorted(x for x in xs if isinstance(x, int)) + sorted(x for x in xs if isinstance(x, str))",
        [
            "assert sort_mixed_list([19, 'red', 12, 'green', 'blue', 10, 'white', 'green', 1]) == [1, 10, 12, 19, 'blue', 'green', 'green', 'red', 'white']",
            "assert sort_mixed_list([]) == []",
            "assert sort_mixed_list(['b', 2, 'a', 1]) == [1, 2, 'a', 'b']",
        ],
        None,
    ),
    (
        "divide the first even number by the first odd number of a list",
        "def div_even_odd(xs):\n    even = next(x for x in xs if x % 2 == 0)\n    odd = next(x for x in xs if x % 2)\n    return even / odd",
        [
            "assert div_even_odd([1, 3, 5, 7, 4, 1, 6, 8]) == 4",
            "assert div_even_odd([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == 2",
            "assert div_even_odd([1, 5, 7, 9, 10]) == 10",
        ],
        None,
    ),
    (
        "find the frequency of elements in a list of lists as a dictionary",
        "from collections import Counter\n\ndef freq_element(ls):\n    return dict(Counter(x for l in ls for x in l))",
        [
            "assert freq_element([[1, 2, 3, 2], [4, 5, 6, 2], [7, 1, 9, 5]]) == {2: 3, 1: 2, 5: 2, 3: 1, 4: 1, 6: 1, 7: 1, 9: 1}",
            "assert freq_element([]) == {}",
            "assert freq_element([[1], [1]]) == {1: 2}",
        ],
        None,
    ),
    (
        "filter even numbers using a lambda",
        "def filter_evennumbers(xs):\n    return list(filter(lambda x: x % 2 == 0, xs))",
        [
            "assert filter_evennumbers([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]",
            "assert filter_evennumbers([10, 20, 45, 67, 84, 93]) == [10, 20, 84]",
            "assert filter_evennumbers([5, 7, 9, 8, 6, 4, 3]) == [8, 6, 4]",
        ],
        None,
    ),
    (
        "find the sum of repeated elements in a list",
        "def find_sum(xs):\n    return sum(x for x in xs if xs.count(x) > 1)",
        [
            "assert find_sum([1, 2, 3, 1, 1, 4, 5, 6]) == 3",
            "assert find_sum([1, 2, 3, 1, 1]) == 3",
            "assert find_sum([1, 1, 2]) == 2",
        ],
        "def find_sum(xs):\n    return sum(set(x for x in xs if xs.count(x) > 1))",
    ),
    (
        "match a word at the beginning of a string",
        "import re\n\ndef text_match_string(text):\n    return 'Found a match!' if re.match(r'\\w+', text) else 'Not matched!'",
        [
            "assert text_match_string(' python') == 'Not matched!'",
            "assert text_match_string('python') == 'Found a match!'",
            "assert text_match_string('  lang') == 'Not matched!'",
        ],
        None,
    ),
    (
        "find the gcd of the elements of an array",
        "from functools import reduce\nfrom math import gcd\n\ndef get_gcd(xs):\n    return reduce(gcd, xs)",
        [
            "assert get_gcd([2, 4, 6, 8, 16]) == 2",
            "assert get_gcd([1, 2, 3]) == 1",
            "assert get_gcd([4, 6, 8]) == 2",
        ],
        "def get_gcd(xs):\n    return min(xs)",
    ),
    (
        "check whether all numbers of a list are distinct",
        "def test_distinct(xs):\n    return len(xs) == len(set(xs))",
        [
            "assert test_distinct([1, 5, 7, 9]) == True",
            "assert test_distinct([2, 4, 5, 5, 7, 9]) == False",
            "assert test_distinct([1, 2, 3]) == True",
        ],
        None,
    ),
    (
        "find the last digit of b! / a!",
        "def compute_last_digit(a, b):\n    r = 1\n    for i in range(a + 1, b + 1):\n        r = r * (i % 10) % 10\n        if r == 0:\n            break\n    return r",
        [
            "assert compute_last_digit(2, 4) == 2",
            "assert compute_last_digit(6, 8) == 6",
            "assert compute_last_digit(1, 2) == 2",
        ],
        None,
    ),
    (
        "set all odd bits of a number",
        "def odd_bit_set_number(n):\n    mask, bit = 0, 0\n    while (1 << bit) <= n:\n        if bit % 2 == 0:\n            mask |= 1 << bit\n        bit += 1\n    return n | mask",
        [
            "assert odd_bit_set_number(10) == 15",
            "assert odd_bit_set_number(20) == 21",
            "assert odd_bit_set_number(30) == 31",
        ],
        None,
    ),
    (
        "extract the first element of each sublist",
        "def specified_element(ls, i):\n    return [l[i] for l in ls]",
        [
            "assert specified_element([[1, 2, 3, 2], [4, 5, 6, 2], [7, 1, 9, 5]], 0) == [1, 4, 7]",
            "assert specified_element([[1, 2, 3, 2], [4, 5, 6, 2], [7, 1, 9, 5]], 2) == [3, 6, 9]",
            "assert specified_element([[1, 2, 3, 2], [4, 5, 6, 2], [7, 1, 9, 5]], 1) == [2, 5, 1]",
        ],
        None,
    ),
    (
        "find the list with minimum length using a lambda, returning (length, list)",
        "def min_length_list(ls):\n    m = min(ls, key=lambda l: len(l))\n    return (len(m), m)",
        [
            "assert min_length_list([[0], [1, 3], [5, 7], [9, 11], [13, 15, 17]]) == (1, [0])",
            "assert min_length_list([[1, 2, 3, 4, 5], [1, 2, 3, 4], [1, 2, 3], [1, 2], [1]]) == (1, [1])",
            "assert min_length_list([[3, 4, 5], [6, 7, 8, 9], [10, 11, 12], [1, 2]]) == (2, [1, 2])",
        ],
        "def min_length_list(ls):\n    m = max(ls, key=len)\n    return (len(m), m)",
    ),
    (
        "check whether a triangle is equilateral",
        "def check_equilateral(a, b, c):\n    return a == b == c",
        [
            "assert check_equilateral(6, 8, 12) == False",
            "assert check_equilateral(6, 6, 12) == False",
            "assert check_equilateral(6, 6, 6) == True",
        ],
        "def check_equilateral(a, b, c):\n    return a == b",
    ),
    (
        "calculate the area of a parallelogram",
        "def parallelogram_area(b, h):\n    return b * h",
        [
            "assert parallelogram_area(10, 20) == 200",
            "assert parallelogram_area(15, 20) == 300",
            "assert parallelogram_area(8, 9) == 72",
        ],
        None,
    ),
    (
        "check whether the first and last characters of a string are equal",
        "def check_equality(s):\n    return 'Equal' if s[0] == s[-1] else 'Not Equal'",
        [
            "assert check_equality('abcda') == 'Equal'",
            "assert check_equality('ab') == 'Not Equal'",
            "assert check_equality('mad') == 'Not Equal'",
        ],
        None,
    ),
    (
        "sort an array using counting sort",
        "def counting_sort(xs):\n    if not xs:\n        return []\n    counts = [0] * (max(xs) + 1)\n    for x in xs:\n        counts[x] += 1\n    return [i for i, c in enumerate(counts) for _ in range(c)]",
        [
            "assert counting_sort([1, 23, 4, 5, 6, 7, 8]) == [1, 4, 5, 6, 7, 8, 23]",
            "assert counting_sort([12, 9, 28, 33, 69, 45]) == [9, 12, 28, 33, 45, 69]",
            "assert counting_sort([8, 4, 14, 3, 2, 1]) == [1, 2, 3, 4, 8, 14]",
        ],
        "def counting_sort(xs):\n    return list(set(xs))",
    ),
    (
        "find the t-th term of a geometric series",
        "def tn_gp(a, n, r):\n    return a * r ** (n - 1)",
        [
            "assert tn_gp(1, 5, 2) == 16",
            "assert tn_gp(1, 5, 4) == 256",
            "assert tn_gp(2, 6, 3) == 486",
        ],
        "def tn_gp(a, n, r):\n    return a * r ** n",
    ),
    (
        "check whether a number is one less than twice its reverse",
        "def check(n):\n    return 2 * int(str(n)[::-1]) - 1 == n",
        ["assert check(70) == False", "assert check(23) == False", "assert check(73) == True"],
        None,
    ),
    (
        "find the largest number that can be formed from the given digits",
        "def find_max_num(digits, n):\n    return int(''.join(str(d) for d in sorted(digits, reverse=True)[:n]))",
        [
            "assert find_max_num([1, 2, 3], 3) == 321",
            "assert find_max_num([4, 5, 6, 1], 4) == 6541",
            "assert find_max_num([1, 2, 3, 9], 4) == 9321",
        ],
        "def find_max_num(digits, n):\n    return int(''.join(str(d) for d in sorted(digits)))",
    ),
    (
        "check whether two integers have opposite signs",
        "def opposite_signs(x, y):\n    return (x ^ y) < 0",
        [
            "assert opposite_signs(1, -2) == True",
            "assert opposite_signs(3, 2) == False",
            "assert opposite_signs(-10, -10) == False",
        ],
        None,
    ),
    (
        "find the n-th octagonal number",
        "def is_octagonal(n):\n    return 3 * n * n - 2 * n",
        [
            "assert is_octagonal(5) == 65",
            "assert is_octagonal(10) == 280",
            "assert is_octagonal(15) == 645",
        ],
        None,
    ),
    (
        "count the substrings whose digit sum equals their length",
        "def count_substrings_digits(s):\n    n = len(s)\n    return sum(1 for i in range(n) for j in range(i + 1, n + 1) if sum(map(int, s[i:j])) == j - i)",
        [
            "assert count_substrings_digits('112112') == 6",
            "assert count_substrings_digits('111') == 6",
            "assert count_substrings_digits('1101112') == 12",
        ],
        None,
    ),
    (
        "find the smallest number in a list",
        "def smallest_num(xs):\n    return min(xs)",
        [
            "assert smallest_num([10, 20, 1, 45, 99]) == 1",
            "assert smallest_num([1, 2, 3]) == 1",
            "assert smallest_num([45, 46, 50, 60]) == 45",
        ],
        "def smallest_num(xs):\n    return sorted(xs)[1]",
    ),
    (
        "find the maximum difference between the elements of the pairs in a tuple list",
        "def max_difference(pairs):\n    return max(abs(a - b) for a, b in pairs)",
        [
            "assert max_difference([(3, 5), (1, 7), (10, 3), (1, 2)]) == 7",
            "assert max_difference([(4, 6), (2, 17), (9, 13), (11, 12)]) == 15",
            "assert max_difference([(12, 35), (21, 27), (13, 23), (41, 22)]) == 23",
        ],
        "def max_difference(pairs):\n    return max(b - a for a, b in pairs)",
    ),
    (
        "sort a list of tuples by their second value using a lambda",
        "def subject_marks(ms):\n    return sorted(ms, key=lambda m: m[1])",
        [
            "assert subject_marks([('English', 88), ('Science', 90), ('Maths', 97), ('Social sciences', 82)]) == [('Social sciences', 82), ('English', 88), ('Science', 90), ('Maths', 97)]",
            "assert subject_marks([('Telugu', 49), ('Hindhi', 54), ('Social', 33)]) == [('Social', 33), ('Telugu', 49), ('Hindhi', 54)]",
            "assert subject_marks([]) == []",
        ],
        None,
    ),
    (
        "sum a nested list recursively",
        "def recursive_list_sum(xs):\n    return sum(recursive_list_sum(x) if isinstance(x, list) else x for x in xs)",
        [
            "assert recursive_list_sum([1, 2, [3, 4], [5, 6]]) == 21",
            "assert recursive_list_sum([7, 10, [15, 14], [19, 41]]) == 106",
            "assert recursive_list_sum([10, 20, [30, 40], [50, 60]]) == 210",
        ],
        None,
    ),
    (
        "count the positive numbers in a list",
        "def pos_count(xs):\n    return sum(1 for x in xs if x > 0)",
        [
            "assert pos_count([1, -2, 3, -4]) == 2",
            "assert pos_count([3, 4, 5, -1]) == 3",
            "assert pos_count([1, 2, 3, 4]) == 4",
        ],
        "def pos_count(xs):\n    return sum(1 for x in xs if x >= -1)",
    ),
    (
        "find the n-th Bell number",
        "def bell_number(n):\n    row = [1]\n    for _ in range(n):\n        new = [row[-1]]\n        for x in row:\n            new.append(new[-1] + x)\n        row = new\n    return row[0]",
        [
            "assert bell_number(2) == 2",
            "assert bell_number(10) == 115975",
            "assert bell_number(56) == 6775685320645824322581483068371419745979053216268760300",
        ],
        None,
    ),
    (
        "check whether an array is monotonic",
        "def is_monotonic(xs):\n    return all(a <= b for a, b in zip(xs, xs[1:])) or all(a >= b for a, b in zip(xs, xs[1:]))",
        [
            "assert is_monotonic([6, 5, 4, 4]) == True",
            "assert is_monotonic([1, 2, 2, 3]) == True",
            "assert is_monotonic([1, 3, 2]) == False",
        ],
        "def is_monotonic(xs):\n    return all(a <= b for a, b in zip(xs, xs[1:]))",
    ),
    (
        "check whether a list contains a given sublist",
        "def is_sublist(xs, s):\n    return any(xs[i:i + len(s)] == s for i in range(len(xs) - len(s) + 1))",
        [
            "assert is_sublist([2, 4, 3, 5, 7], [3, 7]) == False",
            "assert is_sublist([2, 4, 3, 5, 7], [4, 3]) == True",
            "assert is_sublist([2, 4, 3, 5, 7], [1, 6]) == False",
        ],
        "def is_sublist(xs, s):\n    return all(x in xs for x in s)",
    ),
    (
        "check whether all tuples have the same length",
        "def get_equal(ts, k):\n    return 'All tuples have same length' if all(len(t) == k for t in ts) else 'All tuples do not have same length'",
        [
            "assert get_equal([(11, 22, 33), (44, 55, 66)], 3) == 'All tuples have same length'",
            "assert get_equal([(1, 2, 3), (4, 5, 6, 7)], 3) == 'All tuples do not have same length'",
            "assert get_equal([(1, 2), (3, 4)], 2) == 'All tuples have same length'",
        ],
        None,
    ),
    (
        "sort a list with comb sort",
        "def comb_sort(xs):\n    xs = list(xs)\n    gap, done = len(xs), False\n    while gap > 1 or not done:\n        gap = max(1, int(gap / 1.3))\n        done = True\n        for i in range(len(xs) - gap):\n"
        "            if xs[i] > xs[i + gap]:\n                xs[i], xs[i + gap] = xs[i + gap], xs[i]\n                done = False\n    return xs",
        [
            "assert comb_sort([5, 15, 37, 25, 79]) == [5, 15, 25, 37, 79]",
            "assert comb_sort([41, 32, 15, 19, 22]) == [15, 19, 22, 32, 41]",
            "assert comb_sort([99, 15, 13, 47]) == [13, 15, 47, 99]",
        ],
        None,
    ),
    (
        "check whether a number is a difference of two squares",
        "def dif_square(n):\n    return n % 4 != 2",
        [
            "assert dif_square(5) == True",
            "assert dif_square(10) == False",
            "assert dif_square(8) == True",
        ],
        "def dif_square(n):\n    return n % 2 == 1",
    ),
    (
        "split a string by several delimiters with a regex",
        "import re\n\ndef multiple_split(text):\n    return re.split(r'; |, |\\*|\\n', text)",
        [
            "assert multiple_split('Forces of the \\ndarkness*are coming into the play.') == ['Forces of the ', 'darkness', 'are coming into the play.']",
            "assert multiple_split('Mi Box runs on the \\n Latest android*which has google assistance and chromecast.') == ['Mi Box runs on the ', ' Latest android', 'which has google assistance and chromecast.']",
            "assert multiple_split('a, b; c') == ['a', 'b', 'c']",
        ],
        None,
    ),
    (
        "find tuples all of whose elements are divisible by k",
        "def find_tuples(ts, k):\n    return [t for t in ts if all(x % k == 0 for x in t)]",
        [
            "assert find_tuples([(6, 24, 12), (7, 9, 6), (12, 18, 21)], 6) == [(6, 24, 12)]",
            "assert find_tuples([(5, 25, 30), (4, 2, 3), (7, 8, 9)], 5) == [(5, 25, 30)]",
            "assert find_tuples([(7, 9, 16), (8, 16, 4), (19, 17, 18)], 4) == [(8, 16, 4)]",
        ],
        "def find_tuples(ts, k):\n    return [t for t in ts if any(x % k == 0 for x in t)]",
    ),
    (
        "count the squares in a rectangle",
        "def count_squares(m, n):\n    if n < m:\n        m, n = n, m\n    return sum((m - i) * (n - i) for i in range(m))",
        [
            "assert count_squares(4, 3) == 20",
            "assert count_squares(2, 2) == 5",
            "assert count_squares(1, 1) == 1",
        ],
        "def count_squares(m, n):\n    return m * n",
    ),
    (
        "check whether the length of a word is odd",
        "def word_len(s):\n    return len(s) % 2 == 1",
        [
            "assert word_len('Hadoop') == False",
            "assert word_len('great') == True",
            "assert word_len('structure') == True",
        ],
        "def word_len(s):\n    return len(s) % 2 == 0",
    ),
    (
        "find the n-th tetrahedral number",
        "def tetrahedral_number(n):\n    return n * (n + 1) * (n + 2) / 6",
        [
            "assert tetrahedral_number(5) == 35.0",
            "assert tetrahedral_number(6) == 56.0",
            "assert tetrahedral_number(7) == 84.0",
        ],
        None,
    ),
    (
        "find the volume of a sphere",
        "import math\n\ndef volume_sphere(r):\n    return 4 / 3 * math.pi * r ** 3",
        [
            "assert math.isclose(volume_sphere(10), 4188.790204786391, rel_tol=1e-9)",
            "assert math.isclose(volume_sphere(25), 65449.84694978735, rel_tol=1e-9)",
            "assert math.isclose(volume_sphere(20), 33510.32163829113, rel_tol=1e-9)",
        ],
        "import math\ndef volume_sphere(r):\n    return math.pi * r ** 3",
    ),
    (
        "find the n-th number of the Newman-Conway sequence",
        "def sequence(n):\n    p = [0, 1, 1]\n    for i in range(3, n + 1):\n        p.append(p[p[i - 1]] + p[i - p[i - 1]])\n    return p[n]",
        ["assert sequence(10) == 6", "assert sequence(2) == 1", "assert sequence(3) == 2"],
        None,
    ),
    (
        "find the surface area of a sphere",
        "import math\n\ndef surfacearea_sphere(r):\n    return 4 * math.pi * r * r",
        [
            "assert math.isclose(surfacearea_sphere(10), 1256.6370614359173, rel_tol=1e-9)",
            "assert math.isclose(surfacearea_sphere(15), 2827.4333882308138, rel_tol=1e-9)",
            "assert math.isclose(surfacearea_sphere(20), 5026.548245743669, rel_tol=1e-9)",
        ],
        None,
    ),
    (
        "find the n-th centered hexagonal number",
        "def centered_hexagonal_number(n):\n    return 3 * n * (n - 1) + 1",
        [
            "assert centered_hexagonal_number(10) == 271",
            "assert centered_hexagonal_number(2) == 7",
            "assert centered_hexagonal_number(9) == 217",
        ],
        "def centered_hexagonal_number(n):\n    return 3 * n * (n + 1) + 1",
    ),
    (
        "merge three dictionaries, earlier ones winning",
        "def merge_dictionaries_three(a, b, c):\n    return {**c, **b, **a}",
        [
            "assert merge_dictionaries_three({'R': 'Red'}, {'G': 'Green'}, {'R': 'X'}) == {'R': 'Red', 'G': 'Green'}",
            "assert merge_dictionaries_three({}, {}, {}) == {}",
            "assert merge_dictionaries_three({'a': 1}, {'a': 2}, {'a': 3}) == {'a': 1}",
        ],
        "def merge_dictionaries_three(a, b, c):\n    return {**a, **b, **c}",
    ),
    (
        "find the closest smaller number than n",
        "def closest_num(n):\n    return n - 1",
        [
            "assert closest_num(11) == 10",
            "assert closest_num(7) == 6",
            "assert closest_num(12) == 11",
        ],
        None,
    ),
    (
        "find the length of the longest word",
        "def len_log(words):\n    return max(len(w) for w in words)",
        [
            "assert len_log(['python', 'PHP', 'bigdata']) == 7",
            "assert len_log(['a', 'ab', 'abc']) == 3",
            "assert len_log(['small', 'big', 'tall']) == 5",
        ],
        "def len_log(words):\n    return len(words)",
    ),
    (
        "check whether a substring occurs in any string of a list",
        "def find_substring(ls, s):\n    return any(s in x for x in ls)",
        [
            "assert find_substring(['red', 'black', 'white', 'green', 'orange'], 'ack') == True",
            "assert find_substring(['red', 'black'], 'abc') == False",
            "assert find_substring([], 'x') == False",
        ],
        None,
    ),
    (
        "check whether a number is undulating (ababab...)",
        "def is_undulating(n):\n    s = str(n)\n    return len(s) > 2 and s[0] != s[1] and all(s[i] == s[i % 2] for i in range(len(s)))",
        [
            "assert is_undulating(1212121) == True",
            "assert is_undulating(1991) == False",
            "assert is_undulating(121) == True",
        ],
        None,
    ),
    (
        "compute a to the power b",
        "def power(a, b):\n    return a ** b",
        ["assert power(3, 4) == 81", "assert power(2, 3) == 8", "assert power(5, 5) == 3125"],
        "def power(a, b):\n    return a * b",
    ),
    (
        "return the first value of the tuple with the minimum second value",
        "from operator import itemgetter\n\ndef index_minimum(ts):\n    return min(ts, key=itemgetter(1))[0]",
        [
            "assert index_minimum([('Rash', 143), ('Manjeet', 200), ('Varsha', 100)]) == 'Varsha'",
            "assert index_minimum([('Yash', 185), ('Dawood', 125), ('Sanya', 175)]) == 'Dawood'",
            "assert index_minimum([('Sai', 345), ('Salman', 145), ('Ayesha', 96)]) == 'Ayesha'",
        ],
        None,
    ),
]


def main() -> None:
    rows = []
    for text, code, tests, setup, broken in T:
        rows.append((text, code, tests, setup, broken))
    for text, code, tests, broken in SIMPLE:
        rows.append((f"Write a function to {text}.", code, tests, "", broken))
    with OUT.open("w") as f:
        for i, (text, code, tests, setup, broken) in enumerate(rows, start=1):
            row = {"task_id": i, "text": text, "code": code, "test_list": tests,
                   "test_setup_code": setup, "challenge_test_list": []}  # fmt: skip
            if broken:
                row["broken"] = broken
            f.write(json.dumps(row) + "\n")
    print(f"{len(rows)} tasks, {sum(1 for r in rows if r[4])} with a broken variant -> {OUT}")


if __name__ == "__main__":
    main()
