"""Prometheus metrics: what the service does, for dashboards and alerts.

Everything is counted in the server process.  The verifier workers only compute: the
parent knows each item's outcome and timing (a worker reports how long each of its
verifiers took), so no multi-process aggregation is needed and a killed worker loses no
count.  Gauges of the pools (workers, sandbox containers, queues) are read when scraped.

Names dashboards can rely on (docs/operations.md lists every series):

- ``reward_items_total{component,status}``: component outcomes, and ``component="reward"``
  for the item as a whole;
- ``reward_verify_seconds{component}``, ``reward_request_seconds{route}``,
  ``reward_component_value{component}`` (histograms);
- ``reward_inflight_items``, ``reward_queued_items``, ``reward_workers{state}``,
  ``reward_sandbox_containers{state}``, ``reward_code_verdicts_total{language,verdict}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from .admission import Admission
    from .runtime import Runtime
    from .schemas import ScoreResult
    from .verifiers.outcome import Outcome

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Seconds: from a format check (sub-millisecond) to a code item of many tests.
VERIFY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
#: Scores are in [0, 1]; rewards are weighted sums, usually in [0, 3].
VALUE_BUCKETS = (
    0.0,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    0.99,
    1.0,
    1.5,
    2.0,
    2.5,
    3.0,
    5.0,
)

#: The label of the item as a whole in ``reward_items_total`` and ``reward_component_value``.
WHOLE_ITEM = "reward"


class Metrics:
    """The metrics of one app, in a registry of their own (several apps may share a process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.items = Counter(
            "reward_items",
            "Items verified, by component and status (component=reward: the item as a whole).",
            ["component", "status"],
            registry=r,
        )
        self.verify_seconds = Histogram(
            "reward_verify_seconds",
            "Time one verifier took on one item (workers: measured in the worker).",
            ["component"],
            buckets=VERIFY_BUCKETS,
            registry=r,
        )
        self.request_seconds = Histogram(
            "reward_request_seconds",
            "Time from a request's headers to its answer, by route.",
            ["route"],
            buckets=REQUEST_BUCKETS,
            registry=r,
        )
        self.component_value = Histogram(
            "reward_component_value",
            "Scores of ok outcomes by component; component=reward: the weighted reward.",
            ["component"],
            buckets=VALUE_BUCKETS,
            registry=r,
        )
        self.code_verdicts = Counter(
            "reward_code_verdicts",
            "Verdicts of code test runs, by language and verdict.",
            ["language", "verdict"],
            registry=r,
        )
        self.requests = Counter(
            "reward_requests",
            "Requests answered, by route and HTTP status code (499: the client went away).",
            ["route", "code"],
            registry=r,
        )
        self.cancelled_items = Counter(
            "reward_cancelled_items",
            "Items whose work was stopped: client_gone (request abandoned), deadline "
            "(the request's deadline passed), budget (REWARD_ITEM_BUDGET_S), drain.",
            ["reason"],
            registry=r,
        )
        self._live = _Live()
        r.register(self._live)

    def watch(self, runtime: Runtime, admission: Admission | None = None) -> None:
        """Read the pools' gauges from ``runtime`` when scraped."""
        self._live.runtime = runtime
        self._live.admission = admission

    def set_draining(self, draining: bool) -> None:
        self._live.draining = draining

    def render(self) -> bytes:
        return generate_latest(self.registry)

    # ---- observations --------------------------------------------------------------------
    def observe_item(self, result: ScoreResult, outcomes: Mapping[str, Outcome] | None) -> None:
        """Count one item's result and each of its component outcomes."""
        for component, outcome in (outcomes or {}).items():
            self.items.labels(component, outcome.status).inc()
            if outcome.status == "ok" and outcome.score is not None:
                self.component_value.labels(component).observe(outcome.score)
            tests = outcome.details.get("tests") if outcome.details else None
            language = outcome.details.get("language") if outcome.details else None
            if isinstance(tests, list) and isinstance(language, str):
                for test in tests:
                    if isinstance(test, dict) and isinstance(test.get("verdict"), str):
                        self.code_verdicts.labels(language, test["verdict"]).inc()
        self.items.labels(WHOLE_ITEM, result.status).inc()
        if result.reward is not None:
            self.component_value.labels(WHOLE_ITEM).observe(result.reward)

    def observe_verify(self, timings: Mapping[str, float]) -> None:
        for component, seconds in timings.items():
            self.verify_seconds.labels(component).observe(seconds)


class _Live(Collector):
    """Gauges and counters read from the runtime at scrape time."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None
        self.admission: Admission | None = None
        self.draining = False

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(
            "reward_draining", "1 while the server drains for a shutdown.", value=self.draining
        )
        admission = self.admission
        if admission is not None:
            yield GaugeMetricFamily(
                "reward_pending_items_limit",
                "The admission bound on items in flight and queued (REWARD_MAX_PENDING_ITEMS).",
                value=admission.limit,
            )
            yield CounterMetricFamily(
                "reward_admission_refused",
                "Requests refused with 429 because the admission bound was reached.",
                value=admission.refused_requests,
            )
        runtime = self.runtime
        if runtime is None:
            return
        scorer, pool = runtime.scorer, runtime.pool
        yield GaugeMetricFamily(
            "reward_inflight_items",
            "Items being verified now (holding a worker or sandbox slot, or inline).",
            value=scorer.items_running,
        )
        yield GaugeMetricFamily(
            "reward_queued_items",
            "Items admitted and waiting for their first worker or sandbox slot.",
            value=scorer.items_waiting,
        )
        workers = GaugeMetricFamily(
            "reward_workers", "Verifier worker processes by state.", labels=["state"]
        )
        busy = scorer.worker_slots.busy
        workers.add_metric(["busy"], busy)
        workers.add_metric(["idle"], max(pool.workers - busy, 0))
        workers.add_metric(["total"], pool.workers)
        yield workers
        restarts = CounterMetricFamily(
            "reward_worker_restarts",
            "Worker processes killed and replaced, by reason.",
            labels=["reason"],
        )
        restarts.add_metric(["deadline"], pool.timeouts)
        restarts.add_metric(["crash"], pool.crashes)
        restarts.add_metric(["cancelled"], pool.cancel_kills)
        yield restarts
        yield CounterMetricFamily(
            "reward_worker_deadline_kills",
            "Workers killed because an item passed REWARD_ITEM_DEADLINE_S.",
            value=pool.timeouts,
        )
        yield from _sandbox_metrics(runtime)


def _sandbox_metrics(runtime: Runtime) -> Iterable[Metric]:
    """The sandbox pool, as far as its backend says (see :func:`sandbox_snapshot`)."""
    snap = sandbox_snapshot(runtime)
    containers = GaugeMetricFamily(
        "reward_sandbox_containers", "Sandbox containers by state.", labels=["state"]
    )
    for state in ("ready", "busy", "total"):
        containers.add_metric([state], snap[state])
    yield containers
    help_text = {
        "recycled": "Sandbox containers retired (after an anomaly, a kill, or their job quota).",
        "start_failures": "Sandbox containers that failed to start.",
        "engine_errors": "Errors talking to the Docker engine.",
        "killed": "Sandbox containers killed because a job passed its deadline.",
    }
    for key, text in help_text.items():
        yield CounterMetricFamily(f"reward_sandbox_{key}", text, value=snap[key])


def sandbox_snapshot(runtime: Runtime) -> dict[str, int]:
    """Container counts and counters of the sandbox pool; zeros when there is none.

    ``busy`` is what this server's scheduler holds (each slot is one container's job);
    the rest is read from the backend's ``stats`` and ``containers()`` defensively, since
    the backend may not be started (or may be a test double)."""
    snap = dict.fromkeys(
        ("ready", "busy", "total", "recycled", "start_failures", "engine_errors", "killed"), 0
    )
    service = runtime.sandbox
    backend: Any = service.backend if service is not None else None
    if backend is None:
        return snap
    stats = getattr(backend, "stats", None)
    stats = stats if isinstance(stats, Mapping) else {}
    pool_state = getattr(backend, "pool_state", None)
    if callable(pool_state):
        state = pool_state()
        snap["total"] = int(state.get("total", 0))
        snap["busy"] = int(state.get("busy", 0))
        snap["ready"] = int(state.get("ready", 0))
    else:
        containers = getattr(backend, "containers", None)
        total = len(containers()) if callable(containers) else 0
        slots = runtime.scorer.sandbox_slots
        busy = min(slots.busy if slots is not None else 0, total)
        snap.update(total=total, busy=busy, ready=max(total - busy, 0))
    for key in ("recycled", "start_failures", "engine_errors", "killed"):
        value = stats.get(key, 0)
        snap[key] = int(value) if isinstance(value, int | float) else 0
    return snap
