"""When to try a request again, against which server, and after how long.

No I/O here: the sync and the async client share this policy and differ only in how they
send and sleep.  A failed server *rests* for a back-off delay (full jitter, or the
server's own ``Retry-After``); the next attempt goes to another server that is not
resting, so with several URLs a dead one costs no waiting, and with one URL the rest is
the back-off.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

#: Statuses worth another try: the server (or a proxy in front of it) is busy or broken,
#: not the request.  Every other 4xx means the request itself is wrong.
RETRY_STATUSES: frozenset[int] = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to back off.

    ``retries`` counts the extra attempts after the first one.  The back-off before
    attempt ``n`` (0-based) is uniform in ``[0, min(max, base * 2**n)]`` ("full jitter"),
    so many trainer processes hitting a restarting server do not retry in lock step.
    """

    retries: int = 3
    backoff_base_s: float = 0.25
    backoff_max_s: float = 8.0
    retry_after_max_s: float = 30.0

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError("retries must be >= 0")
        if self.backoff_base_s < 0 or self.backoff_max_s < 0 or self.retry_after_max_s < 0:
            raise ValueError("back-off times must be >= 0")

    @property
    def attempts(self) -> int:
        return self.retries + 1

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        cap = min(self.backoff_max_s, self.backoff_base_s * (2 ** min(attempt, 30)))
        return (rng or random).uniform(0.0, cap)

    def delay(
        self, attempt: int, retry_after: float | None, rng: random.Random | None = None
    ) -> float:
        """The server's ``Retry-After`` when it gave one (capped), else the jittered back-off."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_max_s)
        return self.backoff(attempt, rng)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def normalise_urls(base_urls: str | Sequence[str]) -> list[str]:
    """One or several base URLs; a string may hold several separated by commas."""
    if isinstance(base_urls, str):
        parts = base_urls.split(",")
    else:
        parts = [p for url in base_urls for p in str(url).split(",")]
    urls = [p.strip().rstrip("/") for p in parts if p.strip()]
    if not urls:
        raise ValueError("at least one reward server URL is needed")
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"reward server URL must start with http:// or https://: {url!r}")
    return urls


class Endpoints:
    """Base URLs taken in turn; a URL that failed rests until its cool-down ends.

    Thread-safe, so one client can serve the thread pool of the sync client and the
    event loop of the async one alike.
    """

    def __init__(self, base_urls: str | Sequence[str], clock=time.monotonic) -> None:
        self.urls = normalise_urls(base_urls)
        self._clock = clock
        self._rest_until = [0.0] * len(self.urls)
        self._next = 0
        self._lock = threading.Lock()

    def pick(self) -> tuple[str, float]:
        """The next URL in turn that is not resting, and 0; or the first to wake, and the wait."""
        with self._lock:
            now = self._clock()
            n = len(self.urls)
            start = self._next
            self._next = (self._next + 1) % n
            for k in range(n):
                i = (start + k) % n
                if self._rest_until[i] <= now:
                    return self.urls[i], 0.0
            i = min(range(n), key=lambda j: self._rest_until[j])
            return self.urls[i], self._rest_until[i] - now

    def failed(self, url: str, rest_s: float) -> None:
        with self._lock:
            i = self.urls.index(url)
            self._rest_until[i] = max(self._rest_until[i], self._clock() + rest_s)

    def succeeded(self, url: str) -> None:
        with self._lock:
            self._rest_until[self.urls.index(url)] = 0.0
