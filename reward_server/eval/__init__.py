"""Offline evaluation of scored files: reports (pass@k, maj@k, rates) and SFT filtering.

The public surface, used by ``reward-server report`` and ``reward-server filter``:

- :func:`report_file` / :func:`report_records` -> the JSON report (``{"overall": S,
  "datasets": {name: S}, "meta": ...}``), with :class:`ReportOptions`;
- :func:`to_json`, :func:`to_markdown`, :func:`to_html`, :func:`print_terminal`: the
  report in each format, all drawn from the JSON;
- :func:`filter_file` / :func:`filter_records` with :class:`FilterCriteria`: R1-style
  rejection sampling into chat records, with a :class:`FilterSummary` of what was dropped;
- :func:`pass_at_k`, :func:`maj_at_k`: the estimators themselves.

The policy (what a prompt group is, tie-breaking, defaults) is in docs/eval.md.
"""

from __future__ import annotations

from .estimators import Cluster, maj_at_k, mean_and_stderr, pass_at_k
from .filter import FilterCriteria, FilterSummary, filter_file, filter_records
from .html import to_html
from .render import print_terminal, to_json, to_markdown
from .report import ReportOptions, report_file, report_records
from .samples import SampleOptions

__all__ = [
    "Cluster",
    "FilterCriteria",
    "FilterSummary",
    "ReportOptions",
    "SampleOptions",
    "filter_file",
    "filter_records",
    "maj_at_k",
    "mean_and_stderr",
    "pass_at_k",
    "print_terminal",
    "report_file",
    "report_records",
    "to_html",
    "to_json",
    "to_markdown",
]
