"""Trainer protocols: how other trainers' requests and answers map onto ``/v1/score``.

One module per protocol, used both by the server (its routes speak the protocol) and by
``trainer_client`` (its adapters speak it inside the trainer), so a conversion is written
once.  Like :mod:`reward_server.schemas`, nothing here imports FastAPI: pydantic and the
schemas only.

- :mod:`.flat`     one result as flat floats with the same keys every time (the shape
                   OpenRLHF and verl log), and the one spelling of those keys
- :mod:`.openrlhf` OpenRLHF's remote reward protocol: labels, queries, the answer payload
- :mod:`.verl`     verl's ``compute_score(data_source, solution_str, ground_truth, extra_info)``
"""

from __future__ import annotations

from .flat import FLAT_KEYS, flatten

__all__ = ["FLAT_KEYS", "flatten"]
