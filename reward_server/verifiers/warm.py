"""Imported by the worker pool's forkserver, and only there: fills the verifiers' caches once.

Loading sympy, the LaTeX grammar, langdetect's profiles and the sentence tokenizer costs
seconds.  Done here, in the forkserver, every worker forked from it starts with them
loaded, and so does the replacement of a worker killed at its deadline: a kill costs a
fork, not seconds of warm-up during which its queue waits.  (This is the one module of
ours that does work when imported; nothing else imports it.)
"""

from __future__ import annotations

import logging

from . import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - the workers' own warm-up tries again and logs
    logging.getLogger(__name__).exception("forkserver warm-up failed")
