"""Our own reference for lighteval's maj@k (written from reading lighteval's MajAtK).

lighteval takes the first k predictions of a sample, keeps the most frequent one
(``max`` over the list by count, so a tie goes to the one seen first) and scores it
against the gold.  Here the "prediction" is an answer label and "scores correct" is
membership in ``correct``; a missing answer (``None``) does not vote.
"""

from __future__ import annotations


def lighteval_maj_at_k(labels: list[str | None], correct: set[str], k: int) -> float:
    voted = [x for x in labels[:k] if x is not None]
    if not voted:
        return 0.0
    best = voted[0]
    for x in voted:
        if voted.count(x) > voted.count(best):
            best = x
    return 1.0 if best in correct else 0.0
