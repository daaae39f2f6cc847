"""The code accuracy verifier: take the program from the answer, run it in the sandbox, judge it.

Public surface: :func:`check_code` (the accuracy reward of ``task: "code"``, a coroutine
that drives a sandbox backend) and :func:`run_raw` (``POST /v1/run``).  The sandbox
executes and reports how each run ended; judging happens here, on the server, so expected
outputs never enter a container.  The modules, one concept each:

- :mod:`.extract`   the program: the last fenced block in the item's language
- :mod:`.jobs`      a code spec to a sandbox job; specs that cannot be run
- :mod:`.checkers`  comparing a program's output with the expected output
- :mod:`.judge`     a sandbox report to verdicts, score and details
- :mod:`.check`     ``check_code`` itself
- :mod:`.run`       ``run_raw``: one run, no judging
"""

from __future__ import annotations

from .check import check_code
from .checkers import CHECKERS, checker
from .extract import extract_code
from .jobs import build_job
from .judge import judge
from .run import run_raw

__all__ = ["CHECKERS", "build_job", "check_code", "checker", "extract_code", "judge", "run_raw"]
