"""The in-container runner: receives jobs, runs each test as a fresh process, reports.

Standard library only.  The pool starts it as PID 1 of each sandbox container
(``python3 -I -c <this file> --container``) and talks to it over the container's attached
stdin/stdout with length-prefixed JSON frames (4-byte big-endian length, then UTF-8 JSON).

Why PID 1: the kernel delivers to a namespace's init only the signals it handles, so a
submission (same uid) can neither kill nor stop the runner; orphans are re-parented to it
and reaped; and ``kill(-1, SIGKILL)`` from it reaches every other process in the
container, which is how each test ends: nothing of it survives into the next.  The runner
also makes itself non-dumpable so a submission cannot ptrace it or open its
``/proc/1/fd``/``mem``.

Per job: write the source, compile once (Python: byte-compile in a child), run each test
in a fresh process (forked; Python code runs in the forked interpreter in ``fork`` mode,
or a fresh ``python3`` in ``exec`` mode) with rlimits (CPU, DATA, STACK, NPROC, FSIZE,
NOFILE, CORE=0) and a wall deadline, drain stdout/stderr while it runs with a cap, then
kill everything left, wipe the work directory, /dev/shm and /dev/mqueue, and check that
nothing is left (``clean``).  The host recycles a container that reports it is not clean.

Messages:  {"op": "ping"} -> {"op": "pong", ...};  {"op": "job", ...} -> {"op": "result",
"compile": {...} | null, "runs": [...], "clean": bool, "problem": str | null}.
"""

import contextlib
import ctypes
import gc
import json
import math
import os
import resource
import select
import signal
import struct
import sys
import time
import traceback

PROTOCOL = 1
HEADER = struct.Struct(">I")
MAX_MESSAGE = 512 * 2**20
READ_CHUNK = 1 << 16
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MARKER_FD = 3  # assert mode: the harness reads the marker here, before the program runs
RESULT_FD = 4  # ... and writes it here
STATUS_FD = 5  # Python: the harness reports a compile error here (b"C": program, b"T": test code)
COMPILE_OUTPUT_CAP = 64 * 1024
HARNESS_CAP = 4096
DRAIN_AFTER_EXIT_S = 2.0
MEMORY_GUARD = 0.2  # a test is killed when the container's free memory falls below this share
MEMORY_POLL_S = 0.005
#: Signals the runner (PID 1) ignores; a test process gets them back at their defaults.
RUNNER_IGNORES = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGALRM,
)

# --------------------------------------------------------------------------------------
# The Python harness.  It runs in the test process: in fork mode the runner calls
# ``_py_main`` right after fork; in exec mode a fresh ``python3 -I -c`` runs this source.
# It is kept as source text so both modes run exactly the same code.
PY_HARNESS = r"""
import marshal as _marshal, os as _os, sys as _sys

# What the harness calls after the program ran, bound before it runs: a program that
# replaces builtins.exec or builtins.dict must not change how the checks run.
_exec, _type, _str, _BaseException, _SystemExit = exec, type, str, BaseException, SystemExit

def _py_exit_code(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        _sys.stderr.write(str(code) + "\n")
    except Exception:
        pass
    return 1

def _py_finish(code):
    try:
        if "threading" in _sys.modules:
            _sys.modules["threading"]._shutdown()
    except BaseException:
        pass
    try:
        import atexit
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (_sys.stdout, _sys.stderr):
        try:
            stream.flush()
        except BaseException:
            code = code or 120
    return code

def _py_load(path, code_file, name, status):
    # The first test compiles and caches the code object; later tests load it.
    try:
        with open(code_file, "rb") as f:
            return _marshal.loads(f.read())
    except OSError:
        pass
    try:
        with open(path, "rb") as f:
            code = compile(f.read(), name, "exec", dont_inherit=True)
    except BaseException as exc:
        import traceback as _tb
        _sys.stderr.write("".join(_tb.format_exception_only(type(exc), exc)))
        _sys.stderr.flush()
        _os.write(STATUS_FD, status)
        _os._exit(1)
    try:
        with open(code_file, "wb") as f:
            f.write(_marshal.dumps(code))
    except OSError:
        pass
    return code

SPEC_KEYS = ("workdir", "source_file", "mode", "entry_point", "code_file", "test_code_path", "test_code_file")

def _py_main(spec, forked=True):
    import io, builtins
    if forked:  # a fresh interpreter (exec mode) starts with these already
        import signal
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _sys.stdin = _sys.__stdin__ = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8", errors="surrogateescape")
    _sys.stdout = _sys.__stdout__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding="utf-8", errors="surrogateescape")
    _sys.stderr = _sys.__stderr__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)), encoding="utf-8",
        errors="backslashreplace", line_buffering=True)
    try:
        import atexit
        atexit._clear()
    except Exception:
        pass
    workdir = spec["workdir"]
    _sys.argv = [spec["source_file"]]
    _sys.path[:] = [workdir] + [p for p in _sys.path[1:] if p and not p.startswith(workdir)]
    assert_mode = spec["mode"] == "assert"
    entry_point = spec.get("entry_point")
    main = type(_sys)("__main__" if not assert_mode else "__solution__")
    main.__file__ = _os.path.join(workdir, spec["source_file"])
    main.__builtins__ = builtins
    _sys.modules["__main__"] = main
    program = _py_load(main.__file__, spec["code_file"], spec["source_file"], b"C")
    if assert_mode:
        tests = _py_load(spec["test_code_path"], spec["test_code_file"], "test_code.py", b"T")
        # The asserts hold the expected values: gone from the disk before the program runs.
        for path in (spec["test_code_path"], spec["test_code_file"]):
            try:
                _os.unlink(path)
            except OSError:
                pass
    # Compiling is over: close the status descriptor, so the program cannot report a
    # compile error (of its own, or of the reference's test code) it never had.
    _os.close(STATUS_FD)
    if assert_mode:
        # Take the marker out of its descriptor before any submitted code runs, so the
        # descriptor is closed by then; it is written only after the checks return.
        marker = _os.read(MARKER_FD, 256)
        _os.close(MARKER_FD)
    spec = None
    code = 0
    # The test code gets its own copy of the builtins, taken before the program runs, so a
    # program that patches builtins (abs, isinstance, ...) does not change the checks.
    pristine = dict(builtins.__dict__) if assert_mode else None
    try:
        _exec(program, main.__dict__)
        if assert_mode:
            # The test code may call the program's helpers, but a global of the program
            # that shadows a builtin (a def abs(x): return 0) must not reach the checks.
            checks = {k: v for k, v in main.__dict__.items()
                      if _type(k) is _str and (k.startswith("__") or k not in pristine)}
            checks["__builtins__"] = pristine
            _exec(tests, checks)
            if entry_point:  # HumanEval: check(candidate); MBPP: the asserts alone
                checks["check"](main.__dict__[entry_point])
            _os.write(RESULT_FD, marker)
    except _SystemExit as exc:
        code = _py_exit_code(exc)
    except _BaseException as exc:
        try:  # as the interpreter prints it: without the harness's own frame
            import traceback as _tb
            _tb.print_exception(type(exc), exc, exc.__traceback__.tb_next)
            _sys.stderr.flush()
        except BaseException:
            pass
        code = 1
    _os._exit(_py_finish(code))
"""


def _load_harness():
    namespace = {"MARKER_FD": MARKER_FD, "RESULT_FD": RESULT_FD, "STATUS_FD": STATUS_FD}
    exec(compile(PY_HARNESS, "<harness>", "exec"), namespace)  # noqa: S102 - our own harness
    return namespace


# --------------------------------------------------------------------------------------
# Framing


def read_exact(fd, size):
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def recv(fd):
    header = read_exact(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise ValueError(f"message of {size} bytes is too large")
    body = read_exact(fd, size)
    if body is None:
        return None
    return json.loads(body)


def send(fd, message):
    body = json.dumps(message, separators=(",", ":")).encode()
    data = HEADER.pack(len(body)) + body
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# --------------------------------------------------------------------------------------
# The runner


class Runner:
    def __init__(self, workdir, container):
        self.root = workdir
        self.container = container
        self.pid = os.getpid()
        self.uid = os.getuid()
        self.wakeup_r, self.wakeup_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.exited = {}  # pid -> (status, rusage) for processes reaped early
        self.oom_file = self._find_oom_counter()
        self.memory_files = self._find_memory_counters() if container else None
        self.cpu_file = self._find_cpu_counter() if container else None
        self.harness = None

    # ---- set-up -------------------------------------------------------------------
    def setup(self):
        libc = _libc()
        if self.container:
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        else:
            libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        for sig in RUNNER_IGNORES:
            signal.signal(sig, signal.SIG_IGN)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self.wakeup_w, warn_on_full_buffer=False)
        os.makedirs(self.root, exist_ok=True)
        self._harness()
        gc.freeze()  # forked tests then do not copy the runner's pages by collecting them

    @staticmethod
    def _find_oom_counter():
        for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
            if os.path.exists(path):
                return path
        return None

    @staticmethod
    def _find_cpu_counter():
        for path in ("/sys/fs/cgroup/cpu.stat", "/sys/fs/cgroup/cpuacct/cpuacct.usage"):
            if os.path.exists(path):
                return path
        return None

    def group_cpu(self):
        """CPU seconds of the container's cgroup minus the runner's own: what the test's
        processes used, including children it never waited for (absent from its rusage)."""
        if not self.cpu_file:
            return 0.0
        try:
            with open(self.cpu_file) as f:
                text = f.read()
            if self.cpu_file.endswith("cpu.stat"):
                fields = dict(line.split() for line in text.splitlines() if line.strip())
                total = int(fields["usage_usec"]) / 1e6
            else:
                total = int(text.strip()) / 1e9
        except (OSError, ValueError, KeyError):
            return 0.0
        own = resource.getrusage(resource.RUSAGE_SELF)
        return total - (own.ru_utime + own.ru_stime)

    @staticmethod
    def _find_memory_counters():
        """(usage file, stat file, page-cache key, limit) of the container's memory cgroup."""
        for base, usage, limit, cache_key in (
            ("/sys/fs/cgroup", "memory.current", "memory.max", "file"),  # v2
            ("/sys/fs/cgroup/memory", "memory.usage_in_bytes", "memory.limit_in_bytes", "cache"),
        ):
            try:
                with open(os.path.join(base, limit)) as f:
                    text = f.read().strip()
                if (
                    text != "max"
                    and int(text) < 2**50
                    and os.path.exists(os.path.join(base, usage))
                ):
                    return (
                        os.path.join(base, usage),
                        os.path.join(base, "memory.stat"),
                        cache_key,
                        int(text),
                    )
            except (OSError, ValueError):
                continue
        return None

    def memory_nearly_full(self):
        """True when the container's unreclaimable memory is within MEMORY_GUARD of its
        limit.  Memory no process maps (memfd or System V pages written and unmapped)
        leaves every process small, so the kernel's OOM killer would take the largest:
        the runner.  Killing the test first keeps the verdict the program's."""
        if not self.memory_files:
            return False
        usage_file, stat_file, cache_key, limit = self.memory_files
        threshold = limit * (1 - MEMORY_GUARD)
        try:
            with open(usage_file) as f:
                used = int(f.read())
            if used <= threshold:
                return False
            stat = {}
            with open(stat_file) as f:
                for line in f:
                    key, _, value = line.partition(" ")
                    stat[key] = int(value)
            cache = stat.get(cache_key, 0) - stat.get("shmem", 0)  # reclaimable page cache
            return used - max(0, cache) > threshold
        except (OSError, ValueError):
            return False

    def oom_kills(self):
        if not self.oom_file:
            return 0
        try:
            with open(self.oom_file) as f:
                for line in f:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            pass
        return 0

    # ---- processes -------------------------------------------------------------------
    def reap(self, block=False):
        """Reap every exited child; statuses of the ones we wait for are kept."""
        while True:
            try:
                pid, status, usage = os.wait4(-1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                return False
            if pid == 0:
                return True
            self.exited[pid] = (status, usage)
            if block:
                return True

    def kill_all(self, pgid=None):
        """SIGKILL every process but the runner.  As PID 1, kill(-1) reaches the whole
        container; elsewhere (tests on a host) the job's process group and our orphans."""
        if self.container:
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return
        if pgid:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for pid in self._descendants():
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def _descendants(self):
        parents = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/stat") as f:
                        stat = f.read()
                    parents[int(name)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        found, frontier = [], [self.pid]
        while frontier:
            parent = frontier.pop()
            for pid, ppid in parents.items():
                if ppid == parent and pid not in found:
                    found.append(pid)
                    frontier.append(pid)
        return found

    def others(self):
        """Processes other than the runner (container mode: all of them are ours)."""
        if not self.container:
            return [pid for pid in self._descendants() if pid not in self.exited]
        return [int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) != self.pid]

    def settle(self, pgid=None, timeout=3.0):
        """Kill and reap until no other process is left; False if some would not go."""
        deadline = time.monotonic() + timeout
        while True:
            self.kill_all(pgid)
            self.reap()
            left = self.others()
            if not left:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)

    def _drain_wakeup(self):
        try:
            while os.read(self.wakeup_r, 512):
                pass
        except BlockingIOError:
            pass

    def spawn(self, child, fds):
        """Fork; the child maps ``fds`` (target -> source), closes the rest and calls
        ``child()``, which must never return."""
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                signal.set_wakeup_fd(-1)
                for sig in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGXFSZ, *RUNNER_IGNORES):
                    signal.signal(sig, signal.SIG_DFL)
                os.setsid()
                moved = {target: _dup_above(source, 64) for target, source in fds.items()}
                for target, source in moved.items():
                    os.dup2(source, target)
                keep = set(moved)
                for name in os.listdir("/proc/self/fd"):
                    fd = int(name)
                    if fd not in keep:
                        try:
                            os.close(fd)
                        except OSError:
                            pass
                child()
            except BaseException:  # noqa: BLE001 - the child must never return into the runner
                with contextlib.suppress(BaseException):
                    os.write(2, traceback.format_exc().encode())
            os._exit(127)
        return pid

    # ---- one process, supervised ---------------------------------------------------------
    def supervise(self, pid, streams, wall_s, output_cap, caps, guard_memory=False):
        """Drain ``streams`` (name -> read fd) while ``pid`` runs; kill it at the wall
        deadline or when output passes the cap.  Returns status, usage, buffers, why killed."""
        started = time.monotonic()
        deadline = started + wall_s
        poller = select.poll()
        by_fd = {}
        for name, fd in streams.items():
            os.set_blocking(fd, False)
            poller.register(fd, select.POLLIN)
            by_fd[fd] = name
        poller.register(self.wakeup_r, select.POLLIN)
        buffers = {name: bytearray() for name in streams}
        total = 0
        killed = None
        status = usage = None
        ended = None
        truncated = False
        while True:
            if status is None:
                self.reap()
                if pid in self.exited:
                    status, usage = self.exited.pop(pid)
                    ended = time.monotonic()
                    self.kill_all(pid)  # background processes would hold the pipes open
            if status is not None and not by_fd:
                break
            now = time.monotonic()
            if status is None and killed is None and now >= deadline:
                killed = "wall"
                self.kill_all(pid)
            if status is not None:
                remaining = ended + DRAIN_AFTER_EXIT_S - now
                if remaining <= 0:
                    break
                timeout = remaining
            elif killed is None:
                timeout = deadline - now
                if guard_memory and self.memory_files:
                    if self.memory_nearly_full():
                        killed = "memory"
                        self.kill_all(pid)
                        continue
                    timeout = min(timeout, MEMORY_POLL_S)
            else:
                timeout = 0.05
            for fd, _event in poller.poll(max(0, int(timeout * 1000)) + 1):
                if fd == self.wakeup_r:
                    self._drain_wakeup()
                    continue
                try:
                    data = os.read(fd, READ_CHUNK)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    poller.unregister(fd)
                    os.close(fd)
                    del by_fd[fd]
                    continue
                name = by_fd[fd]
                buf = buffers[name]
                room = caps[name] - len(buf)
                if room > 0:
                    buf += data[:room]
                if len(data) > room:
                    truncated = truncated or name == "stdout"
                if name in ("stdout", "stderr"):
                    total += len(data)
                    if total > output_cap and killed is None and status is None:
                        killed = "output"
                        self.kill_all(pid)
        for fd in by_fd:
            os.close(fd)
        elapsed = (ended or time.monotonic()) - started
        return status, usage, buffers, killed, elapsed, truncated

    # ---- jobs ------------------------------------------------------------------------------
    def run_job(self, job):
        workdir = os.path.join(self.root, "job")
        os.makedirs(workdir, mode=0o700, exist_ok=True)
        lang = job["language"]
        limits = job["limits"]
        assert_mode = job.get("mode") == "assert"
        marker_fd = _marker_pipe(job.pop("marker", None)) if assert_mode else None
        _write(os.path.join(workdir, lang["source_file"]), job["source"])
        spec = {
            "workdir": workdir,
            "source_file": lang["source_file"],
            "mode": job.get("mode", "stdio"),
            "entry_point": job.get("entry_point"),
            "code_file": os.path.join(workdir, ".main.code"),
            "test_code_path": os.path.join(workdir, ".test_code.py"),
            "test_code_file": os.path.join(workdir, ".tests.code"),
        }
        if assert_mode:
            _write(spec["test_code_path"], job.get("test_code") or "")
        compile_result = None
        if lang.get("compile") and not lang.get("python"):
            compile_result = self.compile_native(lang, workdir, limits)
        runs = []
        if compile_result is None or compile_result["verdict"] == "ok":
            inputs = [""] if assert_mode else job.get("tests") or []
            for stdin in inputs:
                if runs and job.get("stop_on_failure") and runs[-1]["verdict"] != "ok":
                    runs.append({"verdict": "skipped"})
                    continue
                run = self.run_test(job, lang, spec, stdin, limits, marker_fd)
                marker_fd = None
                failed_compile = run.pop("compile_failed", None)
                if failed_compile:  # Python compiles in the first test's process
                    compile_result = {
                        "verdict": "compile_error",
                        "output": run["stderr"],
                        "exit_code": run["exit_code"],
                        "time_s": run["time_s"],
                        "stage": "test_code" if failed_compile == "T" else "program",
                    }
                    runs = []
                    break
                runs.append(run)
        if marker_fd is not None:
            os.close(marker_fd)
        clean, problem = self.cleanup()
        return {
            "op": "result",
            "compile": compile_result,
            "runs": runs,
            "clean": clean,
            "problem": problem,
        }

    def compile_native(self, lang, workdir, limits):
        argv = lang["compile"]
        env = _environment(workdir, lang.get("env"))

        rlimit_data = bool(lang.get("rlimit_data", True))

        def child():
            # Compilers run helper processes and threads (go build, javac): a wider NPROC;
            # the container's pid limit still bounds them.
            _apply_limits(
                limits["compile_time_s"], limits["compile_memory_mb"], 256, 256, 512, rlimit_data
            )
            os.chdir(workdir)
            os.umask(0o022)
            os.execvpe(argv[0], argv, env)

        return self._compile(child, limits)

    def _compile(self, child, limits):
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        null = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        pid = self.spawn(child, {0: null, 1: out_w, 2: out_w})
        os.close(out_w)
        os.close(null)
        status, usage, buffers, killed, elapsed, _ = self.supervise(
            pid,
            {"stdout": out_r},
            limits["compile_time_s"] * 2 + 1,
            64 * 2**20,
            {"stdout": COMPILE_OUTPUT_CAP},
        )
        self.settle(pid)
        output = buffers["stdout"].decode("utf-8", "replace")
        code, sig = _decode_status(status)
        cpu = _cpu(usage)
        if killed == "wall" or sig == "SIGXCPU" or cpu > limits["compile_time_s"]:
            verdict = "compile_error"
            output = (output + "\ncompilation exceeded the time limit").lstrip()
        elif code == 0 and sig is None:
            verdict = "ok"
        else:
            verdict = "compile_error"
            if sig and not output:
                output = f"compiler killed by {sig}"
        return {
            "verdict": verdict,
            "output": output,
            "exit_code": code,
            "time_s": round(elapsed, 4),
        }

    def _harness(self):
        if self.harness is None:
            self.harness = _load_harness()
        return self.harness

    def run_test(self, job, lang, spec, stdin, limits, marker_fd):
        workdir = spec["workdir"]
        stdin_fd = _stdin_file(stdin, workdir)
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        fds = {0: stdin_fd, 1: out_w, 2: err_w}
        streams = {"stdout": out_r, "stderr": err_r}
        to_close = [stdin_fd, out_w, err_w]
        if marker_fd is not None:
            res_r, res_w = os.pipe2(os.O_CLOEXEC)
            fds.update({MARKER_FD: marker_fd, RESULT_FD: res_w})
            streams["harness"] = res_r
            to_close += [marker_fd, res_w]
        memory_mb = int(limits["memory_mb"])
        processes = max(int(limits["processes"]), int(lang.get("min_processes", 1))) + 2
        rlimit_data = bool(lang.get("rlimit_data", True))
        env = _environment(workdir, lang.get("env"))
        python_fork = lang.get("python") and job.get("python_mode", "fork") == "fork"
        harness = self._harness() if lang.get("python") else None
        if lang.get("python"):
            status_r, status_w = os.pipe2(os.O_CLOEXEC)
            fds[STATUS_FD] = status_w
            streams["status"] = status_r
            to_close.append(status_w)
        argv = [a.replace("{mem}", str(memory_mb)) for a in lang["run"]]
        if lang.get("python") and not python_fork:
            source = (
                PY_HARNESS
                + f"\nMARKER_FD={MARKER_FD}\nRESULT_FD={RESULT_FD}\nSTATUS_FD={STATUS_FD}\n"
                "_py_main(dict(zip(SPEC_KEYS, _sys.argv[1:])), forked=False)\n"
            )
            argv = ["python3", "-I", "-c", source] + [
                spec[key] or "" for key in harness["SPEC_KEYS"]
            ]

        def child():
            _apply_limits(
                limits["time_s"],
                memory_mb,
                processes,
                limits["file_size_mb"],
                limits["open_files"],
                rlimit_data,
            )
            _make_oom_target()
            os.chdir(workdir)
            os.umask(0o022)
            if python_fork:
                os.environ.clear()
                os.environ.update(env)
                harness["_py_main"](spec)
            os.execvpe(argv[0], argv, env)

        oom_before = self.oom_kills()
        group_before = self.group_cpu()
        pid = self.spawn(child, fds)
        for fd in to_close:
            os.close(fd)
        caps = {
            "stdout": int(limits["output_bytes"]),
            "stderr": int(limits["stderr_bytes"]),
            "harness": HARNESS_CAP,
            "status": 16,
        }
        status, usage, buffers, killed, elapsed, truncated = self.supervise(
            pid,
            streams,
            float(limits["wall_time_s"]),
            int(limits["output_bytes"]),
            caps,
            guard_memory=True,
        )
        self.settle(pid)
        oom = self.oom_kills() > oom_before
        code, sig = _decode_status(status)
        cpu = _cpu(usage)
        if self.cpu_file:
            cpu = max(cpu, self.group_cpu() - group_before)
        memory = (usage.ru_maxrss / 1024.0) if usage is not None else 0.0
        stderr = buffers["stderr"].decode("utf-8", "replace")
        verdict, reason = _verdict(killed, code, sig, cpu, memory, oom, stderr, limits)
        run = {
            "verdict": verdict,
            "reason": reason,
            "stdout": buffers["stdout"].decode("utf-8", "replace"),
            "stderr": stderr,
            "exit_code": code,
            "signal": sig,
            "time_s": round(elapsed, 4),
            "cpu_s": round(cpu, 4),
            "memory_mb": round(memory, 2),
            "truncated": truncated,
        }
        if "harness" in buffers:
            run["harness"] = buffers["harness"].decode("utf-8", "replace")
        status_bytes = bytes(buffers.get("status", b""))
        if verdict == "runtime_error" and status_bytes[:1] in (b"C", b"T"):
            run["compile_failed"] = status_bytes[:1].decode()
        return run

    # ---- between jobs -------------------------------------------------------------------------
    def cleanup(self):
        """Kill what is left, wipe every writable place, and check that nothing remains."""
        problems = []
        if not self.settle():
            problems.append(f"processes survived: {self.others()}")
        self.exited.clear()
        places = [self.root] + (["/dev/shm", "/dev/mqueue"] if self.container else [])
        for place in places:
            if not os.path.isdir(place):
                continue
            _wipe(place)
            try:
                left = os.listdir(place)
            except OSError as exc:
                left = [str(exc)]
            if left:
                problems.append(f"{place} not empty: {left[:5]}")
        if self.container:
            for kind in ("shm", "sem", "msg"):
                try:
                    with open(f"/proc/sysvipc/{kind}") as f:
                        if len(f.read().strip().splitlines()) > 1:
                            problems.append(f"System V {kind} objects left")
                except OSError:
                    pass
        return not problems, "; ".join(problems) or None

    def serve(self, in_fd=0, out_fd=1):
        while True:
            message = recv(in_fd)
            if message is None:
                return
            op = message.get("op")
            try:
                if op == "ping":
                    clean, problem = self.cleanup()
                    reply = {
                        "op": "pong",
                        "protocol": PROTOCOL,
                        "pid": self.pid,
                        "uid": self.uid,
                        "python": sys.version.split()[0],
                        "clean": clean,
                        "problem": problem,
                        "oom_counter": self.oom_file,
                    }
                elif op == "job":
                    reply = self.run_job(message)
                else:
                    reply = {"op": "error", "message": f"unknown op {op!r}"}
            except Exception:  # noqa: BLE001 - reported to the host, which recycles the container
                with contextlib.suppress(Exception):
                    self.cleanup()
                reply = {"op": "error", "message": traceback.format_exc()[-4000:], "clean": False}
            message = None
            send(out_fd, reply)


# --------------------------------------------------------------------------------------
# Helpers (the child-side ones run between fork and exec)


def _dup_above(fd, minimum):
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_DUPFD, minimum)


def _apply_limits(time_s, memory_mb, processes, file_size_mb, open_files, rlimit_data):
    cpu = max(1, math.ceil(time_s))
    memory = int(memory_mb) * 2**20
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if rlimit_data:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    stack = min(memory, 1024 * 2**20)
    resource.setrlimit(resource.RLIMIT_STACK, (stack, stack))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(file_size_mb) * 2**20,) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _write(path, text):
    with open(path, "wb") as f:
        f.write(_encode(text))


def _encode(text):
    """UTF-8 bytes of any string: escaped bytes (U+DC80-U+DCFF) as the bytes they stand
    for; any other lone surrogate (a JSON "\\ud800") as its invalid 3-byte form, so the
    program fails to compile or reads odd input, and the job never fails as a whole."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _marker_pipe(marker):
    """A pipe holding the marker, so no Python object of the runner keeps it."""
    if not marker:
        raise ValueError("assert mode needs a marker")
    read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
    os.write(write_fd, marker.encode())
    os.close(write_fd)
    return read_fd


_LIBC = []


def _libc():
    if not _LIBC:
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def _make_oom_target():
    # Make the test, not the runner, the OOM killer's choice when the container is full.
    try:
        _libc().prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass


def _environment(workdir, extra):
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": workdir,
        "TMPDIR": workdir,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    env.update(extra or {})
    return env


def _stdin_file(text, workdir):
    data = _encode(text)
    try:
        fd = os.memfd_create("stdin", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        path = os.path.join(workdir, ".stdin")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        os.unlink(path)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _decode_status(status):
    if status is None:
        return None, None
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            return None, signal.Signals(sig).name
        except ValueError:
            return None, f"SIG{sig}"
    return os.WEXITSTATUS(status), None


def _cpu(usage):
    return 0.0 if usage is None else usage.ru_utime + usage.ru_stime


_MEMORY_ERRORS = (
    "MemoryError",
    "std::bad_alloc",
    "Cannot allocate memory",
    "out of memory",
    "OutOfMemoryError",
    "JavaScript heap out of memory",
    "runtime: out of memory",
)


def _verdict(killed, code, sig, cpu, memory, oom, stderr, limits):
    """Which limit ended the run.  A kill by a limit comes first; a program that ended on
    its own with a memory error is a memory limit even if it also ran slowly."""
    time_limit = float(limits["time_s"])
    if killed == "output":
        return "output_limit", "output"
    if killed == "memory":  # the container was about to run out: as an OOM kill
        return "memory_limit", "oom"
    if sig == "SIGXCPU" or (killed == "wall" and cpu > time_limit):
        return "time_limit", "cpu"
    if killed == "wall":
        return "time_limit", "wall"
    if oom:
        return "memory_limit", "oom"
    failed = sig is not None or code != 0
    if failed and any(marker in stderr[-4096:] for marker in _MEMORY_ERRORS):
        return "memory_limit", "rlimit"
    if cpu > time_limit:
        return "time_limit", "cpu"
    if failed and memory >= 0.9 * float(limits["memory_mb"]):
        return "memory_limit", "rlimit"  # e.g. malloc returned NULL and the program crashed
    if sig == "SIGXFSZ":
        return "runtime_error", "file_size"
    if failed:
        return "runtime_error", None
    return "ok", None


def _wipe(place):
    """Remove everything under ``place``.  Without recursion and without long paths: each
    directory is emptied one level at a time and its subdirectories are moved up into
    ``place``, so a nest deeper than Python's recursion limit or PATH_MAX, or a directory
    its owner cannot enter, still goes."""
    try:
        top = os.open(place, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    hoisted = [0]
    try:
        while True:
            try:
                with os.scandir(top) as it:
                    entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
            except OSError:
                return
            progress = False
            for name, is_dir in entries:
                if is_dir:
                    progress |= _empty_into(top, name, hoisted)
                    progress |= _attempt(os.rmdir, name, dir_fd=top)
                else:
                    progress |= _attempt(os.unlink, name, dir_fd=top)
            if not progress:  # empty, or nothing more can go: cleanup reports what is left
                return
    finally:
        os.close(top)


def _attempt(function, *args, **kwargs):
    try:
        function(*args, **kwargs)
        return True
    except OSError:
        return False


def _empty_into(top, name, hoisted):
    """Unlink the files of directory ``name`` (in ``top``) and move its subdirectories up
    into ``top``; True if anything went."""
    _attempt(os.chmod, name, 0o700, dir_fd=top)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=top)
    except OSError:
        return False
    progress = False
    try:
        with os.scandir(fd) as it:
            entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
        for sub, is_dir in entries:
            if not is_dir:
                progress |= _attempt(os.unlink, sub, dir_fd=fd)
                continue
            _attempt(os.chmod, sub, 0o700, dir_fd=fd)  # moving a directory rewrites its ".."
            for _ in range(8):  # a name the program left in ``top`` may be taken
                hoisted[0] += 1
                if _attempt(os.rename, sub, f".wipe-{hoisted[0]}", src_dir_fd=fd, dst_dir_fd=top):
                    progress = True
                    break
    except OSError:
        pass
    finally:
        os.close(fd)
    return progress


def main(argv):
    container = "--container" in argv or os.getpid() == 1
    workdir = "/tmp"
    if "--workdir" in argv:
        workdir = argv[argv.index("--workdir") + 1]
    # Free the standard descriptors' numbers of nothing else: the channel stays on 0 and 1.
    runner = Runner(workdir, container)
    runner.setup()
    try:
        runner.serve()
    except (BrokenPipeError, ConnectionResetError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
