"""The Docker backend: a warm pool of hardened containers, each with a runner as PID 1.

Why a pool: ``docker run`` per execution costs about 0.4 s; a runner that lives in a warm
container and forks a fresh process per test costs a few milliseconds.  Each container is
started with no network, a read-only root, a non-root uid of its own (so one container's
fork bomb cannot exhaust another's ``RLIMIT_NPROC``), no capabilities, no-new-privileges,
pid/memory(=swap)/CPU limits, a seccomp profile that allows only ``AF_UNIX`` sockets
(``sandbox.seccomp``), a sized tmpfs at ``/tmp``, logging off and a clean
environment.  Its stdin is attached with ``StdinOnce``: when the server goes away, even by
SIGKILL, the runner reads EOF, exits, and Docker removes the container (``AutoRemove``).

Every kill is ours: the host waits for each job at most the sum of its tests' deadlines
plus slack, then kills and replaces the container and reports a sandbox error.  A
container is also replaced after ``max_jobs_per_container`` jobs and after any anomaly
(the runner reports leftovers, a protocol error, an engine error).  At start-up and every
``reap_interval_s`` the pool removes labelled containers it does not track.

Load never decides a verdict: at most :meth:`DockerSandbox.capacity` jobs run at once
(the CPUs the pool may keep busy, divided by each container's CPUs), a test's wall
deadline stretches by the time it waits for a CPU, and a job the runner reports as
starved of CPU is run again (``starved_reruns`` times), then answered as a failure of
ours.  A container whose engine went away (restart, crash) is replaced with backoff
until the engine is back; jobs meanwhile get a failure at once, never a wait.

The Docker SDK is blocking; every call runs on a private thread pool so the event loop
stays free.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import select
import socket
import threading
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import docker
import requests
from docker.errors import APIError, DockerException, ImageNotFound, NotFound
from docker.types import LogConfig

from sandbox.base import SandboxBackend, SandboxError, UnsupportedJob
from sandbox.config import PoolConfig
from sandbox.images.build import LABEL_LANGUAGES
from sandbox.languages import resolve
from sandbox.protocol import (
    AttachDecoder,
    ProtocolError,
    clamp,
    encode,
    job_deadline,
    job_message,
    result_from_reply,
    starved,
)
from sandbox.runner.bundle import bundle
from sandbox.seccomp import security_opt
from sandbox.types import Job, Result

log = logging.getLogger(__name__)

LABEL = "reward-server.sandbox"
LABEL_OWNER = f"{LABEL}.owner"
LABEL_INSTANCE = f"{LABEL}.instance"
UID_SPAN = 4096  # uids cycle through uid_base .. uid_base + UID_SPAN - 1
#: What a call to the engine raises when the engine fails or cannot be reached (the SDK
#: lets the HTTP client's connection errors through).
ENGINE_ERRORS: tuple[type[Exception], ...] = (DockerException, requests.RequestException)
#: Seconds before the n-th rerun of a job starved of CPU (times n): the load may pass.
STARVED_RERUN_DELAY_S = 1.0


def runner_source() -> str:
    """The runner, bundled into one text, passed to ``python3 -I -c`` at container start."""
    return bundle()


class RunnerGone(Exception):
    """The runner closed its stream or broke the protocol."""


@dataclass
class _Box:
    """One warm container and its attached stream."""

    id: str
    uid: int
    stream: Any  # keeps the HTTP response's socket alive
    sock: socket.socket
    jobs: int = 0
    decoder: AttachDecoder = field(default_factory=AttachDecoder)
    # A thread inside ``call`` holds the descriptor: ``close_stream`` then only shuts the
    # socket down and the thread releases it on its way out.
    _guard: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)
    _calling: bool = False
    _closed: bool = False

    def call(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one message and wait for the reply (blocking; runs on a worker thread)."""
        with self._guard:
            if self._closed:
                raise RunnerGone("the stream was closed")
            self._calling = True
        try:
            return self._exchange(message, timeout)
        finally:
            with self._guard:
                self._calling = False
                release = self._closed
            if release:
                self._release()

    def _exchange(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        self.sock.settimeout(max(0.001, timeout))
        self.sock.sendall(encode(message))
        while True:
            reply = self.decoder.message()
            if reply is not None:
                return reply
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no reply within {timeout:.1f}s")
            self.sock.settimeout(remaining)
            data = self.sock.recv(1 << 20)
            if not data:
                stderr = self.decoder.stderr.decode("utf-8", "replace")[-2000:]
                raise RunnerGone(f"runner closed its stream{': ' + stderr if stderr else ''}")
            self.decoder.feed(data)

    def alive(self) -> bool:
        """False once the container's stream ended: an idle runner never writes, so a
        readable socket means EOF (the container or its engine went away)."""
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def close_stream(self) -> None:
        """Close the stream; a thread still waiting on it (a job of a pool that closes)
        wakes up with EOF (``shutdown`` reaches the socket, ``close`` only the descriptor).

        The descriptor itself is closed only once no thread is inside ``call``: closed
        under a thread about to ``poll`` it, its number could be reused by the next socket
        (the engine's own connection) and the thread would wait on that one instead."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        with self._guard:
            self._closed = True
            release = not self._calling
        if release:
            self._release()

    def _release(self) -> None:
        for closer in (self.sock.close, getattr(self.stream, "close", None)):
            try:
                if closer:
                    closer()
            except OSError:
                pass


class DockerSandbox(SandboxBackend):
    """A warm pool of hardened containers on the local (or ``docker_url``) engine."""

    def __init__(
        self, config: PoolConfig | None = None, *, client: docker.DockerClient | None = None
    ):
        self.config = config or PoolConfig()
        self.instance = uuid.uuid4().hex[:12]
        self._client = client
        self._executor = ThreadPoolExecutor(
            max_workers=self.config.pool_size + 4, thread_name_prefix="sandbox"
        )
        self._idle: deque[_Box] = deque()  # started, tracked, not running a job
        self._waiters: deque[asyncio.Future[_Box | None]] = deque()  # jobs waiting, in order
        self._busy = 0  # containers running a job
        self._boxes: dict[str, _Box] = {}
        self._refills: set[asyncio.Task[None]] = set()
        self._reaper: asyncio.Task[None] | None = None
        self._uids = itertools.count()
        self._creating: set[str] = set()  # created, not yet tracked: the reaper spares them
        self._runner = runner_source()
        self._started = False
        self._closing = False
        self._wake = asyncio.Event()
        self._last_error: str | None = None
        self._engine_cpus: int | None = None  # the engine's CPU count, read at start
        self._stats_lock = threading.Lock()  # engine errors are counted on worker threads too
        self.languages: frozenset[str] | None = None  # what the image carries, from its label
        #: Counters since construction (the server's metrics read them; names are stable):
        #: ``start_failures`` every container that failed to start (refill retries too),
        #: ``engine_errors`` every error from the engine, ``recycled`` every container
        #: retired, ``killed`` every container killed at its job's deadline, ``starved``
        #: every job the runner reported as starved of CPU (each rerun counts).
        self.stats = {
            "jobs": 0,
            "recycled": 0,
            "killed": 0,
            "reaped": 0,
            "started": 0,
            "start_failures": 0,
            "engine_errors": 0,
            "starved": 0,
        }

    # ---- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        if self._started:
            return
        self._closing = False
        self._wake = asyncio.Event()
        try:
            await self._engine_op(self._connect)
            await self._engine_op(self._check_image)
            await self._engine_op(self._reap, True)
        except ENGINE_ERRORS as exc:
            self._last_error = f"Docker engine unreachable: {exc}"
            raise SandboxError(self._last_error) from exc
        results = await asyncio.gather(
            *(self._spawn() for _ in range(self.config.pool_size)), return_exceptions=True
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        self._count("start_failures", len(failures))
        if len(failures) == len(results):
            await self.close()
            raise SandboxError(f"no sandbox container could start: {failures[0]}")
        self._started = True
        for _ in failures:
            self._refill()
        self._reaper = asyncio.create_task(self._reap_forever())

    async def close(self) -> None:
        self._closing = True
        self._started = False
        self._wake.set()  # refills waiting to retry give up now
        if self._reaper:
            self._reaper.cancel()
            await asyncio.gather(self._reaper, return_exceptions=True)
            self._reaper = None
        boxes = list(self._boxes.values())
        self._boxes.clear()
        self._idle.clear()
        self._dispatch()  # waiting jobs get "pool closed" now
        if self._client is None:
            return
        await asyncio.gather(
            *(self._call(self._destroy, box) for box in boxes), return_exceptions=True
        )
        # A container being created cannot be interrupted: wait for it, then remove it.
        if self._refills:
            await asyncio.wait(
                set(self._refills), timeout=self.config.container_start_timeout_s + 15
            )
        try:
            await self._engine_op(self._reap, False)
        except ENGINE_ERRORS as exc:  # the engine is gone: so are its containers
            log.warning("sandbox pool closed without reaching the engine: %s", exc)

    def ready(self) -> tuple[bool, str]:
        if not self._started:
            return False, "sandbox pool not started"
        if not self._boxes:
            return False, f"no sandbox container is running ({self._last_error or 'starting'})"
        return True, (
            f"{len(self._boxes)}/{self.config.pool_size} containers, {self.capacity()} jobs at once"
        )

    def capacity(self) -> int:
        """How many jobs run at once: the CPUs the pool may keep busy (``max_busy_cpus``,
        else the engine's CPU count) over each container's ``cpus``, at least 1 and at
        most ``pool_size``.  More would only make the jobs wait for CPUs inside their
        containers, where the wait eats into their wall deadlines; the warm containers
        beyond it are spares that hide a recycle.  Before ``start`` (engine unknown):
        ``pool_size``."""
        cfg = self.config
        cpus = cfg.max_busy_cpus if cfg.max_busy_cpus is not None else self._engine_cpus
        if cpus is None:
            return cfg.pool_size
        return max(1, min(cfg.pool_size, math.floor(cpus / cfg.cpus + 1e-9)))

    def pool_state(self) -> dict[str, int]:
        """Containers by state: ``ready`` (idle, tracked), ``busy`` (running a job) and
        ``total`` (tracked: ready + busy, less any being replaced)."""
        ready = sum(1 for box in self._idle if box.id in self._boxes)
        return {"ready": ready, "busy": self._busy, "total": len(self._boxes)}

    # ---- jobs ----------------------------------------------------------------------------
    async def run(self, job: Job) -> Result:
        if not self._started:
            return Result.failure("sandbox pool is not started")
        cfg = self.config
        limits = clamp(job.limits, cfg.max_time_s, cfg.max_memory_mb)
        # raises UnsupportedJob:
        message = job_message(job, limits, cfg.python_mode, cfg.max_wall_stretch)
        language = resolve(job.language)
        if self.languages is not None and language.image_language not in self.languages:
            raise UnsupportedJob(
                f"the sandbox image {cfg.image!r} has no {language.name}; "
                f"it has {', '.join(sorted(self.languages))} (rebuild with --language {language.name})"
            )
        timeout = job_deadline(job, limits, cfg.job_slack_s, cfg.max_wall_stretch)
        began = time.monotonic()
        for attempt in range(cfg.starved_reruns + 1):
            if attempt:
                await asyncio.sleep(STARVED_RERUN_DELAY_S * attempt)
            result = await self._run_once(message, timeout)
            if result.error or not starved(result):
                return result
            self.stats["starved"] += 1
            log.warning("a sandbox job was starved of CPU (try %d)", attempt + 1)
        return Result.failure(
            f"the program was starved of CPU {cfg.starved_reruns + 1} times (its stretched "
            "wall deadline passed while it waited for a CPU, under its CPU limit): the "
            "node is overloaded",
            time.monotonic() - began,
        )

    async def _run_once(self, message: dict[str, Any], timeout: float) -> Result:
        """One try of a job on one container; the container goes back or is retired."""
        box = await self._acquire()
        if box is None:
            return Result.failure(
                f"no sandbox container is running: {self._last_error or 'pool closed'}"
            )
        began = time.monotonic()
        try:
            try:
                reply = await self._call(box.call, message, timeout)
            except TimeoutError as exc:
                self.stats["killed"] += 1
                self._retire(box, f"job deadline passed: {exc}")
                return Result.failure(
                    f"sandbox did not answer within {timeout:.1f}s; container killed",
                    time.monotonic() - began,
                )
            except (OSError, RunnerGone, ProtocolError) as exc:
                self._retire(box, f"runner failed: {exc}")
                return Result.failure(f"sandbox runner failed: {exc}", time.monotonic() - began)
            except BaseException:
                self._retire(box, "job cancelled")  # the runner may still be busy with it
                raise
            self.stats["jobs"] += 1
            box.jobs += 1
            result = result_from_reply(reply, time.monotonic() - began)
            if result.error or not reply.get("clean", False):
                problem = reply.get("problem") or result.error or "runner reported an anomaly"
                self._retire(box, problem)
            elif box.jobs >= self.config.max_jobs_per_container:
                self._retire(box, None)
            elif box.id in self._boxes:
                self._idle.append(box)
            return result
        finally:
            self._busy -= 1
            self._dispatch()

    async def _acquire(self) -> _Box | None:
        """An idle container and a share of the CPUs, in the order jobs asked; None when
        the pool closed or cannot start any container (engine down), so callers get an
        error at once instead of waiting.  Waiting costs nothing: whatever changes the
        answer (a job's end, a new container, a failed start, close) hands out the
        containers (:meth:`_dispatch`)."""
        if self._unavailable():
            return None
        if not self._waiters:
            box = self._take()
            if box is not None:
                return box
        waiter: asyncio.Future[_Box | None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                box = waiter.result()
                if box is not None:  # handed over as we were cancelled: pass it on
                    self._busy -= 1
                    self._idle.appendleft(box)
                    self._dispatch()
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _unavailable(self) -> bool:
        return self._closing or (not self._boxes and self._last_error is not None)

    def _take(self) -> _Box | None:
        """A live idle container if the pool is under capacity (counted busy), else None."""
        while self._idle and self._busy < self.capacity():
            box = self._idle.popleft()
            if box.id not in self._boxes:
                continue
            if not box.alive():
                self._retire(box, "its container ended while idle")
                continue
            self._busy += 1
            return box
        return None

    def _dispatch(self) -> None:
        """Hand idle containers to waiting jobs, first come first served; when the pool
        closed or has no container and cannot start one, every waiting job gets None."""
        while self._waiters:
            waiter = self._waiters[0]
            if waiter.done():  # cancelled
                self._waiters.popleft()
                continue
            if self._unavailable():
                self._waiters.popleft()
                waiter.set_result(None)
                continue
            box = self._take()
            if box is None:
                return
            self._waiters.popleft()
            waiter.set_result(box)

    # ---- containers ----------------------------------------------------------------------
    async def _call(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def _engine_op(self, fn: Any, *args: Any) -> Any:
        """``_call`` for the engine's calls: their failures are counted as engine errors."""
        try:
            return await self._call(fn, *args)
        except ENGINE_ERRORS:
            self._count("engine_errors")
            raise

    def _count(self, key: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[key] += n

    @property
    def _engine(self) -> docker.DockerClient:
        """The connected client (``start`` connects; every other engine call comes after)."""
        if self._client is None:
            raise SandboxError("the sandbox pool is not connected to a Docker engine")
        return self._client

    def _connect(self) -> None:
        if self._client is None:
            if self.config.docker_url:
                self._client = docker.DockerClient(base_url=self.config.docker_url)
            else:
                self._client = docker.from_env()
        self._client.ping()

    def _check_image(self) -> None:
        try:
            image = self._engine.images.get(self.config.image)
        except ImageNotFound:
            raise SandboxError(
                f"sandbox image {self.config.image!r} is missing; run `reward-server sandbox build`"
            ) from None
        listed = (image.labels or {}).get(LABEL_LANGUAGES)
        self.languages = frozenset(listed.split(",")) if listed else None  # None: not recorded
        cpus = self._engine.info().get("NCPU")
        self._engine_cpus = int(cpus) if isinstance(cpus, int) and cpus > 0 else None

    def _create(self) -> _Box:
        cfg = self.config
        api = self._engine.api
        uid = cfg.uid_base + next(self._uids) % UID_SPAN
        host_config = api.create_host_config(
            network_mode="none",
            read_only=True,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges", security_opt()],
            pids_limit=cfg.pids_limit,
            mem_limit=f"{cfg.container_memory_mb}m",
            memswap_limit=f"{cfg.container_memory_mb}m",
            nano_cpus=int(cfg.cpus * 1e9),
            tmpfs={
                "/tmp": f"rw,exec,nosuid,nodev,size={cfg.tmpfs_mb}m,mode=0700,uid={uid},gid={uid}"
            },
            shm_size=f"{cfg.shm_mb}m",
            ipc_mode="private",
            log_config=LogConfig(type="none"),
            auto_remove=True,
            init=False,
        )
        created = api.create_container(
            cfg.image,
            command=["python3", "-I", "-c", self._runner, "--workdir", "/tmp"],
            user=f"{uid}:{uid}",
            environment={"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"},
            working_dir="/tmp",
            hostname="sandbox",
            labels={LABEL_OWNER: cfg.owner, LABEL_INSTANCE: self.instance},
            stdin_open=True,
            detach=False,  # with stdin_open: AttachStdin and StdinOnce
            tty=False,
            network_disabled=True,
            host_config=host_config,
        )
        cid = created["Id"]
        self._creating.add(cid)
        try:
            stream = api.attach_socket(
                cid, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            sock = getattr(stream, "_sock", stream)
            api.start(cid)
            box = _Box(cid, uid, stream, sock)
            pong = box.call({"op": "ping"}, cfg.container_start_timeout_s)
        except BaseException:
            self._remove(cid)
            self._creating.discard(cid)
            raise
        if pong.get("op") != "pong" or pong.get("pid") != 1 or not pong.get("clean"):
            box.close_stream()
            self._remove(cid)
            self._creating.discard(cid)
            raise SandboxError(f"sandbox container failed its start check: {pong}")
        return box

    async def _spawn(self) -> None:
        box = await self._engine_op(self._create)
        self._creating.discard(box.id)
        if self._closing:
            await self._call(self._destroy, box)
            return
        self.stats["started"] += 1
        self._boxes[box.id] = box
        self._last_error = None
        self._idle.append(box)
        self._dispatch()

    def _retire(self, box: _Box, reason: str | None) -> None:
        if reason:
            log.warning("recycling sandbox container %s: %s", box.id[:12], reason)
        self.stats["recycled"] += 1
        self._boxes.pop(box.id, None)
        self._track(self._call(self._destroy, box))
        self._refill()

    def _refill(self) -> None:
        if not self._closing:
            self._track(self._refill_one())

    def _track(self, awaitable: Any) -> None:
        task = asyncio.ensure_future(awaitable)
        self._refills.add(task)
        task.add_done_callback(self._refills.discard)

    async def _refill_one(self) -> None:
        """Start one container, retrying with backoff (up to ``engine_retry_max_s``) until
        it runs or the pool closes: an engine that restarts gets its pool back."""
        delay = 0.5
        while not self._closing:
            try:
                await self._spawn()
                return
            except Exception as exc:  # noqa: BLE001 - engine hiccup: retry, say so in ready()
                self._count("start_failures")
                self._last_error = str(exc) or type(exc).__name__
                log.error("cannot start a sandbox container: %s", exc)
                self._dispatch()  # with no container left, waiting jobs fail now
                try:
                    await asyncio.wait_for(self._wake.wait(), delay)
                except TimeoutError:
                    pass
                delay = min(delay * 2, self.config.engine_retry_max_s)

    def _destroy(self, box: _Box) -> None:
        box.close_stream()
        try:
            self._remove(box.id)
        except ENGINE_ERRORS as exc:  # engine gone: its containers went with it
            self._count("engine_errors")
            log.warning("cannot remove sandbox container %s: %s", box.id[:12], exc)

    def _remove(self, cid: str) -> None:
        try:
            self._engine.api.remove_container(cid, force=True)
        except NotFound:
            return
        except APIError as exc:
            if exc.status_code != 409:  # 409: AutoRemove is already removing it
                self._count("engine_errors")
                log.error("cannot remove sandbox container %s: %s", cid[:12], exc)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self._engine.api.inspect_container(cid)
            except NotFound:
                return
            time.sleep(0.05)

    # ---- reaping -------------------------------------------------------------------------
    def _reap(self, at_start: bool) -> int:
        """Remove labelled containers this pool does not track.

        Ours (this instance) always go.  Another instance's (same owner, another server
        process) go once they have exited; running ones are left alone unless
        ``reap_foreign_running`` is set, because they most likely belong to a live server
        (a dead server's containers end themselves: their runner reads EOF); "created"
        ones may be about to start.  With that
        setting, start-up removes every untracked container of the owner."""
        found = self._engine.api.containers(
            all=True, filters={"label": f"{LABEL_OWNER}={self.config.owner}"}
        )
        removed = 0
        for info in found:
            cid = info["Id"]
            if cid in self._boxes or cid in self._creating:
                continue
            mine = (info.get("Labels") or {}).get(LABEL_INSTANCE) == self.instance
            foreign_ok = at_start and self.config.reap_foreign_running
            if mine or foreign_ok or info.get("State") in ("exited", "dead"):
                self._remove(cid)
                removed += 1
        self.stats["reaped"] += removed
        return removed

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(self.config.reap_interval_s)
            try:
                await self._engine_op(self._reap, False)
            except ENGINE_ERRORS as exc:
                log.error("sandbox reaper: %s", exc)

    def containers(self) -> list[str]:
        """Ids of the containers this pool runs now (for tests and /readyz)."""
        return list(self._boxes)
