"""HTTP clients for the reward server: :class:`RewardClient` (threads) and :class:`AsyncRewardClient`.

Why a client and not a bare ``httpx.post``: a training run must survive the reward
server's bad minutes.  Connections are reused; connection errors, timeouts, 5xx and 503
are retried with jittered back-off (honouring ``Retry-After``) and fail over to the other
URLs; a cap bounds the requests in flight.  When every attempt failed the items of that
request get **no reward** (``None``, never 0.0, which would teach the policy something
false) and a warning is logged; the trainer keeps going.  ``raise_on_failure=True``
raises :class:`RewardClientError` instead.

Only :mod:`reward_server.schemas` is imported from the server, so a GPU host needs
pydantic and httpx, not FastAPI.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Self

import httpx
from pydantic import ValidationError

from reward_server.schemas import (
    ErrorInfo,
    OpenRLHFResponse,
    ScoreItem,
    ScoreResponse,
    ScoreResult,
    Status,
    validation_message,
)

from .retry import RETRY_STATUSES, Endpoints, RetryPolicy, parse_retry_after

log = logging.getLogger("trainer_client")

ItemLike = ScoreItem | Mapping[str, Any]

_USER_AGENT = "reward-server-trainer-client/0.1"


class RewardClientError(Exception):
    """Base of the errors the client raises (only with ``raise_on_failure=True``, or from ``openrlhf``)."""


class ServerUnavailable(RewardClientError):
    """Every attempt failed: connection refused, timeouts, 5xx."""


class RequestRejected(RewardClientError):
    """The server answered 4xx: the request itself is wrong (retrying cannot help)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(f"HTTP {status_code}: {message}")
        self.status_code = status_code


class BadResponse(RewardClientError):
    """A 2xx answer that does not follow the contract."""


class _Retry(Exception):
    """One attempt failed in a way another attempt may fix."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _error_message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:300] or response.reason_phrase


def _check(response: httpx.Response) -> Any:
    """The JSON body of a good answer; :class:`_Retry` or :class:`RequestRejected` otherwise."""
    status = response.status_code
    if status in RETRY_STATUSES or status >= 500:
        raise _Retry(
            f"HTTP {status}: {_error_message(response)}",
            parse_retry_after(response.headers.get("retry-after")),
        )
    if status >= 400:
        raise RequestRejected(status, _error_message(response))
    try:
        return response.json()
    except ValueError as exc:
        raise BadResponse(f"answer is not JSON: {response.text[:200]!r}") from exc


def failed_result(
    item_id: str | None,
    error_type: str,
    message: str,
    retryable: bool,
    status: Status = "error",
) -> ScoreResult:
    """The result of an item the client could not get scored: no reward, and why."""
    return ScoreResult(
        id=item_id,
        reward=None,
        status=status,
        error=ErrorInfo(type=error_type, message=message, retryable=retryable),
    )


def to_rewards(results: Sequence[ScoreResult]) -> list[float | None]:
    """The reward of each ``ok`` result; ``None`` for every other status."""
    return [r.reward if r.status == "ok" else None for r in results]


def _prepare(items: Sequence[ItemLike]) -> tuple[list[dict[str, Any]], list[ScoreResult | None]]:
    """Wire dicts of the valid items, and per position the result of an invalid one (else None)."""
    payload: list[dict[str, Any]] = []
    slots: list[ScoreResult | None] = []
    for item in items:
        try:
            model = item if isinstance(item, ScoreItem) else ScoreItem.model_validate(item)
        except ValidationError as exc:
            raw_id = item.get("id") if isinstance(item, Mapping) else None
            message = f"item rejected by the client: {validation_message(exc)}"
            item_id = None if raw_id is None else str(raw_id)
            slots.append(failed_result(item_id, "invalid_item", message, False, status="invalid"))
            continue
        payload.append(model.model_dump(mode="json", exclude_none=True))
        slots.append(None)
    return payload, slots


def _merge(slots: list[ScoreResult | None], scored: Sequence[ScoreResult]) -> list[ScoreResult]:
    it = iter(scored)
    return [slot if slot is not None else next(it) for slot in slots]


def _chunks(n: int, group_size: int | None, max_items: int) -> list[tuple[int, int]]:
    """Request-sized slices that never cut a group."""
    size = max_items
    if group_size:
        size = max(group_size, (max_items // group_size) * group_size)
    return [(i, min(n, i + size)) for i in range(0, n, size)] or [(0, 0)]


class _Base:
    def __init__(
        self,
        base_urls: str | Sequence[str],
        *,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        connect_timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 8,
        max_items_per_request: int = 512,
        raise_on_failure: bool = False,
        trust_env: bool = False,
        transport: Any = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1")
        if max_items_per_request < 1:
            raise ValueError("max_items_per_request must be >= 1")
        self.endpoints = Endpoints(base_urls)
        self.retry = retry or RetryPolicy()
        self.max_concurrency = max_concurrency
        self.max_items_per_request = max_items_per_request
        self.raise_on_failure = raise_on_failure
        self._timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)
        self._headers = {"user-agent": _USER_AGENT}
        if api_key:
            self._headers["authorization"] = f"Bearer {api_key}"
        # Reward servers are internal: a cluster-wide HTTP(S)_PROXY must not capture them
        # unless asked for.
        self._trust_env = trust_env
        self._transport = transport
        self._limits = httpx.Limits(
            max_connections=max_concurrency, max_keepalive_connections=max_concurrency
        )
        self._rng = random.Random()

    @property
    def base_urls(self) -> list[str]:
        return list(self.endpoints.urls)

    def _gave_up(self, exc: RewardClientError, n_items: int) -> None:
        if self.raise_on_failure:
            raise exc
        log.warning("reward request failed, %d item(s) get no reward: %s", n_items, exc)

    def _failed_results(
        self, payload: Sequence[Mapping[str, Any]], exc: RewardClientError
    ) -> list[ScoreResult]:
        retryable = not isinstance(exc, RequestRejected)
        kind = {
            ServerUnavailable: "unavailable",
            RequestRejected: "rejected",
            BadResponse: "bad_response",
        }
        error_type = kind.get(type(exc), "client_error")
        return [failed_result(p.get("id"), error_type, str(exc), retryable) for p in payload]

    @staticmethod
    def _parse_score(body: Any, n: int) -> ScoreResponse:
        try:
            parsed = ScoreResponse.model_validate(body)
        except ValidationError as exc:
            raise BadResponse(f"answer does not follow /v1/score: {exc.errors()[:1]}") from exc
        if len(parsed.results) != n:
            raise BadResponse(f"{n} items sent, {len(parsed.results)} results received")
        return parsed

    def _whole(self, group: Sequence[ItemLike]) -> int | None:
        """A rollout group sent in one request is one group (for group-relative shaping)."""
        return len(group) if 0 < len(group) <= self.max_items_per_request else None

    def _body(
        self, payload: list[dict[str, Any]], group_size: int | None, preset: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"items": payload}
        if group_size and len(payload) % group_size == 0:  # items the client refused break groups
            body["group_size"] = group_size
        if preset:
            body["preset"] = preset
        return body

    @staticmethod
    def _assemble(
        slots: list[ScoreResult | None],
        parts: list[tuple[list[ScoreResult], list[float] | None]],
        group_size: int | None,
    ) -> ScoreResponse:
        scored = [r for results, _ in parts for r in results]
        advantages: list[float] | None = None
        if (
            group_size
            and parts
            and all(adv is not None for _, adv in parts)
            and all(s is None for s in slots)
        ):
            advantages = [a for _, adv in parts for a in adv or []]
        return ScoreResponse(results=_merge(slots, scored), advantages=advantages)


class RewardClient(_Base):
    """Blocking client; groups go out concurrently on a small thread pool.

    >>> with RewardClient("http://127.0.0.1:8000") as client:          # doctest: +SKIP
    ...     client.rewards([{"completion": "<think>2+2</think> 4", "task": "math", "answer": "4"}])
    [2.0]
    """

    def __init__(self, base_urls: str | Sequence[str], **options: Any) -> None:
        super().__init__(base_urls, **options)
        self._http = httpx.Client(
            timeout=self._timeout,
            headers=self._headers,
            limits=self._limits,
            trust_env=self._trust_env,
            transport=self._transport,
        )
        self._slots = threading.BoundedSemaphore(self.max_concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # -- plumbing -------------------------------------------------------------------
    def _request(self, method: str, path: str, json: Any = None) -> Any:
        reason = "no attempt made"
        for attempt in range(self.retry.attempts):
            url, wait = self.endpoints.pick()
            if wait > 0:
                time.sleep(wait)
            try:
                with self._slots:
                    response = self._http.request(method, url + path, json=json)
                body = _check(response)
            except httpx.RequestError as exc:
                reason = f"{url}: {type(exc).__name__}: {exc}"
                self.endpoints.failed(url, self.retry.delay(attempt, None, self._rng))
                continue
            except _Retry as exc:
                reason = f"{url}: {exc}"
                self.endpoints.failed(url, self.retry.delay(attempt, exc.retry_after, self._rng))
                continue
            self.endpoints.succeeded(url)
            return body
        raise ServerUnavailable(f"gave up after {self.retry.attempts} attempt(s); last: {reason}")

    def _map(self, fn, args: Sequence[Any]) -> list[Any]:
        if len(args) <= 1:
            return [fn(a) for a in args]
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    self.max_concurrency, thread_name_prefix="reward-client"
                )
        return list(self._pool.map(fn, args))

    def _score_chunk(
        self, payload: list[dict[str, Any]], group_size: int | None, preset: str | None
    ):
        if not payload:
            return [], ([] if group_size else None)
        try:
            body = self._request("POST", "/v1/score", self._body(payload, group_size, preset))
            parsed = self._parse_score(body, len(payload))
        except RewardClientError as exc:
            self._gave_up(exc, len(payload))
            return self._failed_results(payload, exc), None
        return parsed.results, parsed.advantages

    # -- public -----------------------------------------------------------------------
    def _score_response(
        self, items: Sequence[ItemLike], group_size: int | None, preset: str | None, parallel: bool
    ) -> ScoreResponse:
        payload, slots = _prepare(items)
        ranges = _chunks(
            len(payload),
            group_size if all(s is None for s in slots) else None,
            self.max_items_per_request,
        )

        def run(r: tuple[int, int]) -> tuple[list[ScoreResult], list[float] | None]:
            return self._score_chunk(payload[r[0] : r[1]], group_size, preset)

        parts = self._map(run, ranges) if parallel else [run(r) for r in ranges]
        return self._assemble(slots, parts, group_size)

    def score_response(
        self, items: Sequence[ItemLike], group_size: int | None = None, preset: str | None = None
    ) -> ScoreResponse:
        """Results in item order, plus group advantages when ``group_size`` is given and all went well."""
        return self._score_response(items, group_size, preset, parallel=True)

    def score(
        self, items: Sequence[ItemLike], group_size: int | None = None, preset: str | None = None
    ) -> list[ScoreResult]:
        """One result per item, in order; items that could not be scored carry ``reward=None``."""
        return self.score_response(items, group_size, preset).results

    def rewards(
        self, items: Sequence[ItemLike], group_size: int | None = None, preset: str | None = None
    ) -> list[float | None]:
        return to_rewards(self.score(items, group_size, preset))

    def score_groups(
        self, groups: Sequence[Sequence[ItemLike]], preset: str | None = None
    ) -> list[list[ScoreResult]]:
        """One request per group, concurrently (up to ``max_concurrency``)."""
        # Chunks of one group run in the calling pool thread: nesting pool jobs could deadlock.
        return self._map(
            lambda g: self._score_response(g, self._whole(g), preset, parallel=False).results,
            list(groups),
        )

    def openrlhf(
        self, query: Sequence[str], prompts: Sequence[str], labels: Sequence[Any]
    ) -> OpenRLHFResponse:
        """``POST /v1/openrlhf`` as is; raises :class:`RewardClientError` when it fails."""
        body = self._request(
            "POST",
            "/v1/openrlhf",
            {"query": list(query), "prompts": list(prompts), "labels": list(labels)},
        )
        try:
            return OpenRLHFResponse.model_validate(body)
        except ValidationError as exc:
            raise BadResponse(f"answer does not follow /v1/openrlhf: {exc.errors()[:1]}") from exc

    def ready(self) -> bool:
        """Whether some server answers ``/readyz`` with 200 (one round, no retries)."""
        for url in self.endpoints.urls:
            try:
                if self._http.get(url + "/readyz").status_code == 200:
                    return True
            except httpx.RequestError:
                continue
        return False

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncRewardClient(_Base):
    """Asyncio client with the same behaviour; groups go out with ``asyncio.gather``.

    The HTTP connection pool belongs to one event loop.  Trainers sometimes call from a
    fresh loop each time (``asyncio.run`` per batch); the client notices and opens a new
    pool rather than failing with "attached to a different loop".
    """

    def __init__(self, base_urls: str | Sequence[str], **options: Any) -> None:
        super().__init__(base_urls, **options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._http: httpx.AsyncClient | None = None
        self._slots: asyncio.Semaphore | None = None

    def _bound(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop or self._loop.is_closed():
            self._loop = loop
            self._http = httpx.AsyncClient(
                timeout=self._timeout,
                headers=self._headers,
                limits=self._limits,
                trust_env=self._trust_env,
                transport=self._transport,
            )
            self._slots = asyncio.Semaphore(self.max_concurrency)
        assert self._slots is not None
        return self._http, self._slots

    async def _request(self, method: str, path: str, json: Any = None) -> Any:
        http, slots = self._bound()
        reason = "no attempt made"
        for attempt in range(self.retry.attempts):
            url, wait = self.endpoints.pick()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                async with slots:
                    response = await http.request(method, url + path, json=json)
                body = _check(response)
            except httpx.RequestError as exc:
                reason = f"{url}: {type(exc).__name__}: {exc}"
                self.endpoints.failed(url, self.retry.delay(attempt, None, self._rng))
                continue
            except _Retry as exc:
                reason = f"{url}: {exc}"
                self.endpoints.failed(url, self.retry.delay(attempt, exc.retry_after, self._rng))
                continue
            self.endpoints.succeeded(url)
            return body
        raise ServerUnavailable(f"gave up after {self.retry.attempts} attempt(s); last: {reason}")

    async def _score_chunk(
        self, payload: list[dict[str, Any]], group_size: int | None, preset: str | None
    ):
        if not payload:
            return [], ([] if group_size else None)
        try:
            body = await self._request("POST", "/v1/score", self._body(payload, group_size, preset))
            parsed = self._parse_score(body, len(payload))
        except RewardClientError as exc:
            self._gave_up(exc, len(payload))
            return self._failed_results(payload, exc), None
        return parsed.results, parsed.advantages

    async def score_response(
        self, items: Sequence[ItemLike], group_size: int | None = None, preset: str | None = None
    ) -> ScoreResponse:
        payload, slots = _prepare(items)
        ranges = _chunks(
            len(payload),
            group_size if all(s is None for s in slots) else None,
            self.max_items_per_request,
        )
        parts = await asyncio.gather(
            *(self._score_chunk(payload[a:b], group_size, preset) for a, b in ranges)
        )
        return self._assemble(slots, list(parts), group_size)

    async def score(
        self, items: Sequence[ItemLike], group_size: int | None = None, preset: str | None = None
    ) -> list[ScoreResult]:
        return (await self.score_response(items, group_size, preset)).results

    async def rewards(
        self, items: Sequence[ItemLike], group_size: int | None = None, preset: str | None = None
    ) -> list[float | None]:
        return to_rewards(await self.score(items, group_size, preset))

    async def score_groups(
        self, groups: Sequence[Sequence[ItemLike]], preset: str | None = None
    ) -> list[list[ScoreResult]]:
        return list(await asyncio.gather(*(self.score(g, self._whole(g), preset) for g in groups)))

    async def openrlhf(
        self, query: Sequence[str], prompts: Sequence[str], labels: Sequence[Any]
    ) -> OpenRLHFResponse:
        body = await self._request(
            "POST",
            "/v1/openrlhf",
            {"query": list(query), "prompts": list(prompts), "labels": list(labels)},
        )
        try:
            return OpenRLHFResponse.model_validate(body)
        except ValidationError as exc:
            raise BadResponse(f"answer does not follow /v1/openrlhf: {exc.errors()[:1]}") from exc

    async def aclose(self) -> None:
        if self._http is not None and self._loop is asyncio.get_running_loop():
            await self._http.aclose()
        self._http = None
        self._loop = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
