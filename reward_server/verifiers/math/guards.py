"""Refuse, before evaluating, anything whose evaluation could take unbounded time or memory.

Two checks, both linear and side-effect free:

- :func:`check_text` on the LaTeX text before the parser sees it: length, bracket nesting
  (the ANTLR grammar backtracks exponentially on deep nesting), huge binomials (the
  library evaluates ``\\binom`` while parsing) and summation/integral/limit constructs.
- :func:`check_tree` on the *unevaluated* sympy tree the parser returns, before anything
  rebuilds or evaluates it: node count, depth, and an upper bound on the size in bits of
  every numeric sub-expression (``9^{9^{9}}``, ``2^{10^9}``, ``10!!!!!!``).

A tripped guard raises :class:`GuardTripped`; the caller decides what it scores (see
``docs/math.md``).  The hard deadline of the worker process stays the last line of
defence; these guards make it a rare event instead of the normal path.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .values import GuardTripped

MAX_ANSWER_CHARS = 2000  # an extracted answer or a gold, after normalisation
MAX_LEAF_CHARS = 600  # one expression handed to the LaTeX parser
MAX_NESTING = 10  # brackets and braces inside one expression
MAX_NODES = 600  # sympy nodes in one expression
MAX_DEPTH = 40  # sympy tree depth
MAX_BITS = 100_000  # size of any exact number we agree to compute (~30k digits)
MAX_FACTORIAL = 2000  # n! computed only for n up to this
MAX_SYMBOLIC_POWER = 200  # x^n with a free symbol: expansion stays cheap

_REFUSED_COMMANDS = re.compile(
    r"\\(?:sum|prod|int|iint|iiint|oint|lim|limsup|liminf|partial|mathop)(?![a-zA-Z])"
)
_BINOM_RE = re.compile(r"\\[dt]?binom|\\choose")
_DIGIT_RUN_RE = re.compile(r"\d{5,}")


def check_nesting(text: str, limit: int = MAX_NESTING + 2) -> None:
    """Refuse brackets nested deeper than ``limit`` (a whole answer may add a set or tuple
    level around its expressions, hence the default of two more than one expression)."""
    depth = deepest = 0
    for c in text:
        if c in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "})]":
            depth -= 1
    if deepest > limit:
        raise GuardTripped(f"nested deeper than {limit}")


def check_text(text: str, limit: int = MAX_LEAF_CHARS) -> None:
    """Refuse text too long, too deeply nested, or with constructs we never evaluate."""
    if len(text) > limit:
        raise GuardTripped(f"longer than {limit} characters")
    check_nesting(text, MAX_NESTING)
    if _REFUSED_COMMANDS.search(text):
        raise GuardTripped("sums, products, integrals and limits are not evaluated")
    if _BINOM_RE.search(text) and (_DIGIT_RUN_RE.search(text) or "^" in text or "!" in text):
        raise GuardTripped("binomial coefficient too large")


def check_tree(expr: Any) -> None:
    """Walk an unevaluated sympy tree and refuse it if evaluating it could blow up."""
    counter = [0]
    bits = _bits(expr, 0, counter)
    if bits > MAX_BITS:
        raise GuardTripped(f"a number with more than {MAX_BITS} bits")


def _bits(node: Any, depth: int, counter: list[int]) -> float:
    """Upper bound on log2 of the size of ``node``'s value (numerator and denominator)."""
    import sympy

    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise GuardTripped(f"more than {MAX_NODES} nodes")
    if depth > MAX_DEPTH:
        raise GuardTripped(f"deeper than {MAX_DEPTH}")
    if isinstance(node, sympy.Integer):
        return float(max(int(node).bit_length(), 1))
    if isinstance(node, sympy.Rational):
        return float(max(int(node.p).bit_length(), int(node.q).bit_length(), 1))
    if isinstance(node, sympy.Float):
        return 64.0
    if isinstance(node, (sympy.Symbol, sympy.NumberSymbol)) or node in (
        sympy.I,
        sympy.oo,
        -sympy.oo,
        sympy.zoo,
    ):
        return 4.0
    if isinstance(node, sympy.MatrixBase):
        return max((_bits(x, depth + 1, counter) for x in node), default=1.0)
    args: tuple[Any, ...] = getattr(node, "args", ())
    # (isinstance(Pow(E, x), exp) is True in sympy: test the Pow class first, exactly.)
    if isinstance(node, sympy.Pow) or type(node) is sympy.exp:
        base, exponent = args if isinstance(node, sympy.Pow) else (sympy.E, args[0])
        base_bits = _bits(base, depth + 1, counter)
        exp_value = _magnitude(exponent, depth + 1, counter)
        if exp_value > MAX_BITS:
            raise GuardTripped("exponent too large")
        if base.free_symbols and exp_value > MAX_SYMBOLIC_POWER:
            raise GuardTripped("power of a variable too large")
        return base_bits * max(exp_value, 1.0) + 1.0
    if isinstance(node, (sympy.factorial, sympy.factorial2, sympy.binomial, sympy.gamma)):
        n = _magnitude(args[0], depth + 1, counter)
        for extra in args[1:]:
            _bits(extra, depth + 1, counter)
        if n > MAX_FACTORIAL:
            raise GuardTripped(f"factorial of a number above {MAX_FACTORIAL}")
        return n * math.log2(max(n, 2.0)) + 1.0
    if not args:
        return 4.0
    sizes = [_bits(a, depth + 1, counter) for a in args]
    if isinstance(node, sympy.Mul):
        return sum(sizes) + 1.0
    if isinstance(node, sympy.Add):
        return max(sizes) + math.log2(len(sizes)) + 1.0
    return max(sizes) + 1.0


def _reciprocal_bound(node: Any) -> float | None:
    """An upper bound on ``|node|`` for products of small rationals and reciprocals of
    integer powers (``\\frac{1}{2^{1000}}``), whose size in bits says nothing of their
    magnitude; ``None`` for anything else."""
    import sympy

    if isinstance(node, sympy.Pow):
        exponent = node.args[1]
        if exponent.is_Integer and exponent < 0 and node.args[0].is_integer is True:
            return 1.0
        return None
    if isinstance(node, sympy.Mul):
        bound = 1.0
        for factor in node.args:
            if factor.is_Rational:
                if max(int(factor.p).bit_length(), int(factor.q).bit_length()) > 64:
                    return None
                bound *= abs(float(factor))
                continue
            sub = _reciprocal_bound(factor)
            if sub is None:
                return None
            bound *= sub
        return bound
    return None


def _magnitude(node: Any, depth: int, counter: list[int]) -> float:
    """Upper bound on ``|value|`` of an exponent or factorial argument (``inf`` if huge).

    Its size is bounded first; a sub-expression of at most a thousand bits is then cheap
    to evaluate, so we evaluate it (free symbols set to 64, beyond any point we sample)
    instead of bounding it loosely: ``e^{i\\pi/3}`` must not look like a huge power.
    """
    import sympy

    bits = _bits(node, depth, counter)
    if bits > MAX_BITS:
        raise GuardTripped(f"a number with more than {MAX_BITS} bits")
    if bits > 1000:
        small = _reciprocal_bound(node)  # 1/2^{1000} is tiny, however large 2^{1000} is
        return small if small is not None else math.inf
    if node.is_Integer or node.is_Rational:
        return float(abs(node))
    try:
        value = (
            node.xreplace({s: sympy.Integer(64) for s in node.free_symbols})
            if node.free_symbols
            else node
        )
        return float(abs(complex(sympy.N(value, 15))))
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return 2.0**bits
