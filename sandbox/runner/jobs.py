"""One job, start to end: write the source, compile once, run each test, clean up.

Each test is a fresh process: forked from the runner, confined (``limits``), supervised
(``processes``), and judged by which limit ended it (``verdicts``).  Python runs in the
forked interpreter (``fork`` mode) or a fresh ``python3`` (``exec`` mode), under the same
harness (``harness``).  After the job everything is killed, the writable places are
wiped (``wipe``) and the runner checks that nothing is left (``clean``): the host throws
away a container that is not clean.
"""

from __future__ import annotations

import json
import os
import time

from . import examiner, harness
from .cgroup import Cgroup
from .files import fetch_files, marker_pipe, memfd_with, place_files, stdin_file, write_file
from .limits import apply_limits, environment, make_oom_target
from .processes import Processes, Supervised
from .programs import candidate_bundle, zygote_bundle
from .verdicts import compile_verdict, cpu_of, decode_status, verdict
from .wipe import wipe
from .zygote import Zygote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

COMPILE_OUTPUT_CAP = 64 * 1024
HARNESS_CAP = 4096
REPORT_CAP = 4 * 2**20  # the examiner's report (a test file's results)
JUDGE_MEMORY_MB = 1024  # the examiner's own memory limit, at least
#: Writable places a test can leave things in; each job ends with them empty.
SCRATCH = ("/dev/shm", "/dev/mqueue")


class Runner:
    """Runs jobs in ``root`` (the container's tmpfs)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.cgroup = Cgroup.find()
        self.processes = Processes(self.cgroup)
        self.candidate_source = candidate_bundle()
        self.zygote = Zygote(
            self.processes.spawn, ["python3", "-I", "-c", zygote_bundle()], self.processes.keep
        )

    # ---- a job ---------------------------------------------------------------------------
    def run_job(self, job: dict[str, Any]) -> dict[str, Any]:
        workdir = os.path.join(self.root, "job")
        os.makedirs(workdir, mode=0o700, exist_ok=True)
        lang = job["language"]
        limits = job["limits"]
        mode = job.get("mode", "stdio")
        python = bool(lang.get("python"))
        judged = python and mode in ("assert", "test_file")  # test code in its own process
        marker = job.pop("marker", None)
        write_file(os.path.join(workdir, lang["source_file"]), job["source"])
        place_files(workdir, job.get("files"))
        spec = {
            "workdir": workdir,
            "source_file": lang["source_file"],
            "mode": "stdio",
            "code_file": os.path.join(workdir, ".main.code"),
            "prelude": "1" if job.get("prelude") else "",
            "args": "",
        }
        compile_result = None
        if lang.get("compile") and not python:
            compile_result = self.compile_native(lang, workdir, limits)
        runs: list[dict[str, Any]] = []
        if mode == "call":
            cases: list[Any] = job.get("calls") or []
        elif mode in ("assert", "test_file"):
            cases = [None]
        else:
            cases = job.get("tests") or []
        if compile_result is None or compile_result["verdict"] == "ok":
            for case in cases:
                if runs and (
                    (job.get("stop_on_failure") and runs[-1]["verdict"] != "ok")
                    or runs[-1].get("reason") == "starved"  # the host reruns the job
                ):
                    runs.append({"verdict": "skipped"})
                    continue
                place_files(workdir, job.get("files"))  # as they were, whatever a test did
                if judged:
                    run = self.run_judged(job, lang, spec, limits, str(marker))
                elif mode == "call":
                    run = self.run_test(job, lang, dict(spec, mode="call"), case, limits)
                elif mode == "assert":  # another language's in-process harness
                    run = self.run_test(job, lang, spec, {"stdin": ""}, limits, marker)
                else:
                    run = self.run_test(job, lang, spec, _stdio_case(case), limits)
                failed_compile = run.pop("compile_failed", None)
                if failed_compile:  # Python compiles in the first test's process
                    compile_result = {
                        "verdict": "compile_error",
                        "output": run.pop("test_error", None) or run["stderr"],
                        "exit_code": run["exit_code"],
                        "time_s": run["time_s"],
                        "stage": "test_code" if failed_compile == "T" else "program",
                    }
                    runs = []
                    break
                runs.append(run)
        fetched, missing = fetch_files(
            workdir, job.get("fetch_files") or [], int(job.get("fetch_max_bytes") or 0)
        )
        clean, problem = self.cleanup()
        return {
            "op": "result",
            "compile": compile_result,
            "runs": runs,
            "clean": clean,
            "problem": problem,
            "files": fetched,
            "files_missing": missing,
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
        case: dict[str, Any],
        limits: dict[str, Any],
        marker: str | None = None,
    ) -> dict[str, Any]:
        """One process: a stdio test (``case``: stdin, args, files), a function call
        (``case``: the request, Python), or another language's in-process assert run
        (``marker``)."""
        workdir = spec["workdir"]
        stdin_fd = stdin_file(str(case.get("stdin", "")), workdir)
        if case.get("files"):
            place_files(workdir, case["files"], read_only=False)
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        fds = {0: stdin_fd, 1: out_w, 2: err_w}
        streams = {"stdout": out_r, "stderr": err_r}
        to_close = [stdin_fd, out_w, err_w]
        harness_cap = HARNESS_CAP
        if marker is not None or spec["mode"] == "call":
            if marker is not None:
                request_fd = marker_pipe(marker)
            else:
                request_fd = memfd_with(json.dumps(case).encode("utf-8", "surrogatepass"))
                harness_cap = int(limits["output_bytes"])
            res_r, res_w = os.pipe2(os.O_CLOEXEC)
            fds.update({harness.CALL_FD: request_fd, harness.RESULT_FD: res_w})
            streams["harness"] = res_r
            to_close += [request_fd, res_w]
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
        argv += [str(a) for a in case.get("args") or ()]
        if python and case.get("args"):
            spec = dict(spec, args=json.dumps([str(a) for a in case["args"]]))
        if python and not python_fork:  # exec mode: the harness's own source, spec in argv
            argv = self.candidate_argv(spec)

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
        seen = self._supervise_test(pid, streams, limits, harness_cap)
        self.processes.settle()
        return self._report(seen, limits, oom_before, group_before)

    def candidate_argv(self, spec: dict[str, Any]) -> list[str]:
        """A fresh interpreter running the candidate's harness (nothing of the runner's
        memory: the judge's test code, other jobs' leftovers, is not in it)."""
        return ["python3", "-I", "-c", self.candidate_source] + [
            spec[key] or "" for key in harness.SPEC_KEYS
        ]

    # ---- assert tests and test files: two processes ---------------------------------------
    def run_judged(
        self,
        job: dict[str, Any],
        lang: dict[str, Any],
        spec: dict[str, Any],
        limits: dict[str, Any],
        marker: str,
    ) -> dict[str, Any]:
        """The program in a fresh interpreter (serve mode), the test code in a process
        forked from here (``examiner``), talking through two pipes; the examiner's report
        is the run's ``harness``.  When the program's process ended before the checks were
        done, how it ended is the run's verdict."""
        workdir = spec["workdir"]
        memory_mb = int(limits["memory_mb"])
        processes = max(int(limits["processes"]), int(lang.get("min_processes", 1))) + 2
        env = environment(workdir, lang.get("env"))
        to_p_r, to_p_w = os.pipe2(os.O_CLOEXEC)
        to_j_r, to_j_w = os.pipe2(os.O_CLOEXEC)
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        status_r, status_w = os.pipe2(os.O_CLOEXEC)
        report_r, report_w = os.pipe2(os.O_CLOEXEC)
        null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        stdin_fd = stdin_file("", workdir)
        argv = self.candidate_argv(dict(spec, mode="serve"))

        rlimits = (
            limits["time_s"],
            memory_mb,
            processes,
            limits["file_size_mb"],
            limits["open_files"],
            bool(lang.get("rlimit_data", True)),
        )

        def candidate() -> NoReturn:
            apply_limits(*rlimits)
            make_oom_target()
            os.chdir(workdir)
            os.umask(0o022)
            os.execvpe(argv[0], argv, env)

        def examiner_child() -> NoReturn:
            # Not dumpable (as the runner it was forked from): the program cannot trace it.
            apply_limits(
                limits["time_s"],
                max(memory_mb, JUDGE_MEMORY_MB),
                processes,
                limits["file_size_mb"],
                limits["open_files"],
                True,
            )
            os.environ.clear()
            os.environ.update(env)
            examiner.main(job, marker)

        oom_before = self.cgroup.oom_kills()
        group_before = self.cgroup.cpu_seconds()
        candidate_fds = {0: stdin_fd, 1: out_w, 2: err_w, harness.CALL_FD: to_p_r,
                         harness.RESULT_FD: to_j_w, harness.STATUS_FD: status_w}  # fmt: skip
        candidate_pid = None
        if self.zygote.ready(env, "/"):
            # One more process of the uid (the zygote) than a fresh interpreter's run has.
            zygote_limits = (*rlimits[:2], processes + 1, *rlimits[3:])
            serve_spec = dict(spec, mode="serve")
            candidate_pid = self.zygote.fork(serve_spec, candidate_fds, zygote_limits, env, workdir)
            if candidate_pid is None:  # a late candidate of the failed zygote must not
                self.processes.settle()  # share the pipes with the fresh one below
        if candidate_pid is None:
            candidate_pid = self.processes.spawn(candidate, candidate_fds)
        judge_pid = self.processes.spawn(
            examiner_child,
            {0: null, 1: null, 2: null, examiner.FROM_CANDIDATE_FD: to_j_r,
             examiner.TO_CANDIDATE_FD: to_p_w, examiner.REPORT_FD: report_w},
        )  # fmt: skip
        for fd in (to_p_r, to_p_w, to_j_r, to_j_w, out_w, err_w, status_w, report_w, null):
            os.close(fd)
        os.close(stdin_fd)
        streams = {"stdout": out_r, "stderr": err_r, "harness": report_r, "status": status_r}
        seen = self._supervise_test(judge_pid, streams, limits, REPORT_CAP)
        try:
            report = json.loads(bytes(seen.buffers.get("harness", b"")) or b"null")
        except ValueError:
            report = None
        gone = isinstance(report, dict) and report.get("candidate_gone")
        deadline = time.monotonic() + 1.0
        while gone and candidate_pid not in self.processes.exited:  # it is ending: reap it
            self.processes.reap()
            if time.monotonic() > deadline:
                break
            time.sleep(0.001)
        candidate_status = self.processes.exited.get(candidate_pid)
        self.processes.settle()
        run = self._report(seen, limits, oom_before, group_before)
        if bytes(seen.buffers.get("status", b""))[:1] == b"C":
            run["compile_failed"] = "C"
            return run
        if isinstance(report, dict) and "test_error" in report:
            run["compile_failed"] = "T"
            run["test_error"] = str(report["test_error"])
            return run
        run.pop("compile_failed", None)
        if run["verdict"] == "ok" and gone:
            # The program's process ended by itself: its own ending is the verdict.
            status, usage = candidate_status or (None, None)
            code, sig = decode_status(status)
            memory = (usage.ru_maxrss / 1024.0) if usage is not None else 0.0
            result, reason = verdict(
                None, code, sig, float(run["cpu_s"]), memory, False, run["stderr"], limits
            )
            run.update(verdict=result, reason=reason, exit_code=code, signal=sig)
        return run

    def _supervise_test(
        self, pid: int, streams: dict[str, int], limits: dict[str, Any], harness_cap: int
    ) -> Supervised:
        """Supervise one test's process under the job's limits: output caps, the wall
        deadline on the program's own time, the memory guard."""
        caps = {
            "stdout": int(limits["output_bytes"]),
            "stderr": int(limits["stderr_bytes"]),
            "harness": harness_cap,
            "status": 16,
        }
        return self.processes.supervise(
            pid,
            streams,
            float(limits["wall_time_s"]),
            int(limits["output_bytes"]),
            caps,
            guard_memory=True,
            stretch=float(limits.get("wall_stretch", 1.0)),
            cpu_limit_s=float(limits["time_s"]),
        )

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
        problem = restore_root(self.root)
        if problem:
            problems.append(problem)
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


def restore_root(root: str) -> str | None:
    """Put the work directory back as the container started it: a program (its owner)
    may have changed its mode (``chmod 0500 /tmp``), its ACLs or extended attributes,
    and the next job, someone else's, must find it as usual.  A problem that stays
    makes the container unclean (the host replaces it)."""
    try:
        os.chmod(root, 0o700)
        for name in os.listxattr(root):
            try:
                os.removexattr(root, name)
            except OSError:
                pass
        info = os.stat(root, follow_symlinks=False)
        left = os.listxattr(root)
    except OSError as exc:
        return f"{root} cannot be restored: {exc}"
    if info.st_mode & 0o7777 != 0o700 or info.st_uid != os.getuid() or left:
        return f"{root} not restored: mode {info.st_mode:o}, owner {info.st_uid}, xattrs {left}"
    return None


def _stdio_case(case: Any) -> dict[str, Any]:
    return case if isinstance(case, dict) else {"stdin": case}
