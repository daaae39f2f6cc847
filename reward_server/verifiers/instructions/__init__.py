"""Instruction-following constraints (IFEval, as Tulu 3's RLVR rewards them).

An item carries constraints in the Tulu 3 / IFEval label format,
``{"instruction_id": ["length_constraints:number_words", ...], "kwargs": [{...}, ...]}``;
the answer after the last ``</think>`` is checked against each, with IFEval's strict or
loose semantics, and scores the fraction met (or all-or-nothing).  docs/instructions.md
lists every instruction with its arguments.

Modules, one concept each:

* :mod:`.verifier`  — :func:`check_instructions`, the answer region, strict and loose;
* :mod:`.labels`    — reading the label (dict, JSON string, nulls) into constraints;
* :mod:`.params`    — the kinds of keyword argument and their validation;
* :mod:`.registry`  — the 25 instruction ids, their arguments and checks;
* :mod:`.keywords`  — ``keywords:*``;
* :mod:`.length`    — ``length_constraints:*``;
* :mod:`.markup`    — ``detectable_content:*`` and ``detectable_format:*``;
* :mod:`.response`  — ``language:*``, ``change_case:*``, ``startend:*``, ``punctuation:*``,
  ``combination:*``;
* :mod:`.nlp`       — word, sentence and token counts and language detection, as IFEval's
  NLTK and langdetect give them.

CPU-bound (Punkt, Treebank, langdetect): :func:`check_instructions` is a top-level
function meant to run in the worker processes; :func:`warm_up` loads the models there.
"""

from __future__ import annotations

from .labels import Constraint, LabelError, parse_constraints
from .nlp import count_sentences, count_words, warm_up
from .registry import INSTRUCTION_IDS
from .verifier import check_instructions, is_followed, loose_variants

__all__ = [
    "INSTRUCTION_IDS",
    "Constraint",
    "LabelError",
    "check_instructions",
    "count_sentences",
    "count_words",
    "is_followed",
    "loose_variants",
    "parse_constraints",
    "warm_up",
]
