"""One job, start to end: write the source, compile once, run each test, clean up.

Each test is a fresh process: forked from the runner, confined (``limits``), supervised
(``processes``), and judged by which limit ended it (``verdicts``).  Python runs in the
forked interpreter (``fork`` mode) or a fresh ``python3`` (``exec`` mode), under the same
harness (``harness``).  After the job everything is killed, the writable places are
wiped (``wipe``) and the runner checks that nothing is left (``clean``): the host throws
away a container that is not clean.
"""

from __future__ import annotations

import os

from . import harness
from .cgroup import Cgroup
from .files import marker_pipe, stdin_file, write_file
from .limits import apply_limits, environment, make_oom_target
from .processes import Processes, Supervised
from .verdicts import compile_verdict, cpu_of, decode_status, verdict
from .wipe import wipe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

COMPILE_OUTPUT_CAP = 64 * 1024
HARNESS_CAP = 4096
#: Writable places a test can leave things in; each job ends with them empty.
SCRATCH = ("/dev/shm", "/dev/mqueue")


class Runner:
    """Runs jobs in ``root`` (the container's tmpfs)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.cgroup = Cgroup.find()
        self.processes = Processes(self.cgroup)
        self.harness_source = _source_of(harness)

    # ---- a job ---------------------------------------------------------------------------
    def run_job(self, job: dict[str, Any]) -> dict[str, Any]:
        workdir = os.path.join(self.root, "job")
        os.makedirs(workdir, mode=0o700, exist_ok=True)
        lang = job["language"]
        limits = job["limits"]
        assert_mode = job.get("mode") == "assert"
        marker_fd = marker_pipe(job.pop("marker", None)) if assert_mode else None
        write_file(os.path.join(workdir, lang["source_file"]), job["source"])
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
            write_file(spec["test_code_path"], job.get("test_code") or "")
        compile_result = None
        if lang.get("compile") and not lang.get("python"):
            compile_result = self.compile_native(lang, workdir, limits)
        runs: list[dict[str, Any]] = []
        if compile_result is None or compile_result["verdict"] == "ok":
            inputs = [""] if assert_mode else job.get("tests") or []
            for stdin in inputs:
                if runs and (
                    (job.get("stop_on_failure") and runs[-1]["verdict"] != "ok")
                    or runs[-1].get("reason") == "starved"  # the host reruns the job
                ):
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

    # ---- compiling -------------------------------------------------------------------------
    def compile_native(
        self, lang: dict[str, Any], workdir: str, limits: dict[str, Any]
    ) -> dict[str, Any]:
        argv = lang["compile"]
        env = environment(workdir, lang.get("env"))
        rlimit_data = bool(lang.get("rlimit_data", True))

        def child() -> NoReturn:
            # Compilers run helper processes and threads (go build, javac): a wider NPROC;
            # the container's pid limit still bounds them.
            apply_limits(
                limits["compile_time_s"], limits["compile_memory_mb"], 256, 256, 512, rlimit_data
            )
            os.chdir(workdir)
            os.umask(0o022)
            os.execvpe(argv[0], argv, env)

        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        null = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        pid = self.processes.spawn(child, {0: null, 1: out_w, 2: out_w})
        os.close(out_w)
        os.close(null)
        seen = self.processes.supervise(
            pid,
            {"stdout": out_r},
            limits["compile_time_s"] * 2 + 1,
            64 * 2**20,
            {"stdout": COMPILE_OUTPUT_CAP},
            stretch=float(limits.get("wall_stretch", 1.0)),
            cpu_limit_s=float(limits["compile_time_s"]),
        )
        self.processes.settle()
        output = seen.buffers["stdout"].decode("utf-8", "replace")
        code, sig = decode_status(seen.status)
        result, note = compile_verdict(
            seen.killed, code, sig, cpu_of(seen.usage), limits["compile_time_s"]
        )
        if note:
            output = (output + "\n" + note).lstrip()
        elif result != "ok" and sig and not output:
            output = f"compiler killed by {sig}"
        return {
            "verdict": result,
            "output": output,
            "exit_code": code,
            "time_s": round(seen.elapsed, 4),
        }

    # ---- one test ----------------------------------------------------------------------------
    def run_test(
        self,
        job: dict[str, Any],
        lang: dict[str, Any],
        spec: dict[str, Any],
        stdin: str,
        limits: dict[str, Any],
        marker_fd: int | None,
    ) -> dict[str, Any]:
        workdir = spec["workdir"]
        stdin_fd = stdin_file(stdin, workdir)
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        fds = {0: stdin_fd, 1: out_w, 2: err_w}
        streams = {"stdout": out_r, "stderr": err_r}
        to_close = [stdin_fd, out_w, err_w]
        if marker_fd is not None:
            res_r, res_w = os.pipe2(os.O_CLOEXEC)
            fds.update({harness.MARKER_FD: marker_fd, harness.RESULT_FD: res_w})
            streams["harness"] = res_r
            to_close += [marker_fd, res_w]
        memory_mb = int(limits["memory_mb"])
        processes = max(int(limits["processes"]), int(lang.get("min_processes", 1))) + 2
        rlimit_data = bool(lang.get("rlimit_data", True))
        env = environment(workdir, lang.get("env"))
        python = bool(lang.get("python"))
        python_fork = python and job.get("python_mode", "fork") == "fork"
        if python:
            status_r, status_w = os.pipe2(os.O_CLOEXEC)
            fds[harness.STATUS_FD] = status_w
            streams["status"] = status_r
            to_close.append(status_w)
        argv = [a.replace("{mem}", str(memory_mb)) for a in lang["run"]]
        if python and not python_fork:  # exec mode: the harness's own source, spec in argv
            argv = ["python3", "-I", "-c", self.harness_source]
            argv += [spec[key] or "" for key in harness.SPEC_KEYS]

        def child() -> NoReturn:
            apply_limits(
                limits["time_s"],
                memory_mb,
                processes,
                limits["file_size_mb"],
                limits["open_files"],
                rlimit_data,
            )
            make_oom_target()
            os.chdir(workdir)
            os.umask(0o022)
            if python_fork:
                os.environ.clear()
                os.environ.update(env)
                harness.main(spec)
            os.execvpe(argv[0], argv, env)

        oom_before = self.cgroup.oom_kills()
        group_before = self.cgroup.cpu_seconds()
        pid = self.processes.spawn(child, fds)
        for fd in to_close:
            os.close(fd)
        caps = {
            "stdout": int(limits["output_bytes"]),
            "stderr": int(limits["stderr_bytes"]),
            "harness": HARNESS_CAP,
            "status": 16,
        }
        seen = self.processes.supervise(
            pid,
            streams,
            float(limits["wall_time_s"]),
            int(limits["output_bytes"]),
            caps,
            guard_memory=True,
            stretch=float(limits.get("wall_stretch", 1.0)),
            cpu_limit_s=float(limits["time_s"]),
        )
        self.processes.settle()
        return self._report(seen, limits, oom_before, group_before)

    def _report(
        self, seen: Supervised, limits: dict[str, Any], oom_before: int, group_before: float
    ) -> dict[str, Any]:
        oom = self.cgroup.oom_kills() > oom_before
        code, sig = decode_status(seen.status)
        cpu = cpu_of(seen.usage)
        if self.cgroup.cpu_file:
            cpu = max(cpu, self.cgroup.cpu_seconds() - group_before)
        memory = (seen.usage.ru_maxrss / 1024.0) if seen.usage is not None else 0.0
        stderr = seen.buffers["stderr"].decode("utf-8", "replace")
        result, reason = verdict(seen.killed, code, sig, cpu, memory, oom, stderr, limits)
        run = {
            "verdict": result,
            "reason": reason,
            "stdout": seen.buffers["stdout"].decode("utf-8", "replace"),
            "stderr": stderr,
            "exit_code": code,
            "signal": sig,
            "time_s": round(seen.elapsed, 4),
            "cpu_s": round(cpu, 4),
            "memory_mb": round(memory, 2),
            "truncated": seen.truncated,
        }
        if "harness" in seen.buffers:
            run["harness"] = seen.buffers["harness"].decode("utf-8", "replace")
        status_bytes = bytes(seen.buffers.get("status", b""))
        if result == "runtime_error" and status_bytes[:1] in (b"C", b"T"):
            run["compile_failed"] = status_bytes[:1].decode()
        return run

    # ---- between jobs --------------------------------------------------------------------
    def cleanup(self) -> tuple[bool, str | None]:
        """Kill what is left, wipe every writable place, and check that nothing remains."""
        problems = []
        if not self.processes.settle():
            problems.append(f"processes survived: {self.processes.others()}")
        self.processes.exited.clear()
        for place in (self.root, *SCRATCH):
            if not os.path.isdir(place):
                continue
            wipe(place)
            try:
                left = os.listdir(place)
            except OSError as exc:
                left = [str(exc)]
            if left:
                problems.append(f"{place} not empty: {left[:5]}")
        for kind in ("shm", "sem", "msg"):
            try:
                with open(f"/proc/sysvipc/{kind}") as f:
                    if len(f.read().strip().splitlines()) > 1:
                        problems.append(f"System V {kind} objects left")
            except OSError:
                pass
        return not problems, "; ".join(problems) or None


def _source_of(module: Any) -> str:
    """A module's source through its loader: the file on a host, the bundle's text in the
    container (where exec mode passes it to ``python3 -c``)."""
    source = module.__spec__.loader.get_source(module.__name__)
    if not source:
        raise RuntimeError(f"no source for {module.__name__}")
    return str(source)
