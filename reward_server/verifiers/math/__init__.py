"""The math accuracy verifier: is the completion's final answer equal to the gold?

Public surface: :func:`check_math` (called by the scorer inside a worker process with a
hard deadline), :func:`warm_up` (loads sympy and warms the LaTeX parser in a fresh
worker) and :func:`answers_equal` (are two bare answers equal under the same policy).
The policy is in ``docs/math.md``; the modules, one concept each:

- :mod:`.extract`   the answer region, boxes, anchored phrases
- :mod:`.normalise` cosmetic LaTeX removed, percent, thousands separators, over-escaping
- :mod:`.units`     unit words after a value: dropped, and told apart
- :mod:`.numbers`   the exact fast path for literal numbers
- :mod:`.parse`     structure: lists, sets, tuples, intervals, relations, matrices
- :mod:`.latex`     one expression to sympy, via latex2sympy2_extended's grammar
- :mod:`.guards`    refusing inputs too large to evaluate, before evaluating them
- :mod:`.symbolic`  equality of two scalars (exact, or refuted numerically and proven)
- :mod:`.realsets`  intervals, unions, set differences, solved one-variable inequalities
- :mod:`.compare`   typed comparison of two values (tuples, sets, ratios, times ...)
- :mod:`.check`     ``check_math`` itself
"""

from __future__ import annotations

from .check import answers_equal, check_math, warm_up

__all__ = ["answers_equal", "check_math", "warm_up"]
