"""The example Grafana dashboard queries only series the server exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reward_server.config import Settings
from reward_server.metrics import Metrics
from reward_server.runtime import open_runtime

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json"


def exported_families() -> set[str]:
    """Every series name a running server's /metrics has (histogram parts included)."""
    import asyncio

    async def collect() -> set[str]:
        metrics = Metrics()
        settings = Settings(workers=1, sandbox={"enabled": False})
        async with open_runtime(settings, metrics=metrics):
            names: set[str] = set()
            for family in metrics.registry.collect():
                names.add(family.name)
                for sample in family.samples:
                    names.add(sample.name)
                kind = family.type
                if kind == "counter":
                    names.add(family.name + "_total")
                if kind == "histogram":
                    names |= {family.name + s for s in ("_bucket", "_sum", "_count")}
            return names

    return asyncio.run(collect())


def test_every_query_uses_exported_series():
    doc = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in doc["panels"] for t in panel["targets"]]
    used = {name for expr in exprs for name in re.findall(r"\breward_[a-z_]+", expr)}
    assert len(doc["panels"]) >= 10
    assert used - exported_families() == set()
