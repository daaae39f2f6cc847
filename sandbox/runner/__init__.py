"""The in-container runner: receives jobs, runs each test as a fresh process, reports.

The pool starts it as PID 1 of each sandbox container and talks to it over the
container's attached stdin/stdout.  It is written as ordinary modules (standard library
only, importable on a host for unit tests) and sent into the container as one text,
``python3 -I -c <bundle>``, that :mod:`sandbox.runner.bundle` assembles.

Why PID 1: the kernel delivers to a namespace's init only the signals it handles, so a
submission (same uid) can neither kill nor stop the runner; orphans are re-parented to it
and reaped; and ``kill(-1, SIGKILL)`` from it reaches every other process in the
container, which is how each test ends: nothing of it survives into the next.

Modules, in the order a job meets them:

- ``serve``: set-up as PID 1 and the message loop (ping, job), ``main``;
- ``framing``: length-prefixed JSON frames on the raw descriptors;
- ``jobs``: one job (write, compile once, run each test, clean up) - the ``Runner``;
- ``files``: the source file, stdin as a memfd, the assert marker in a pipe;
- ``limits``: rlimits, environment and OOM score of a test process, non-dumpable runner;
- ``processes``: spawn, supervise (drain output, wall deadline, memory guard), kill, reap;
- ``cgroup``: the container's CPU, memory and OOM counters, as one probe;
- ``harness``: the Python test harness (fork mode calls it, exec mode runs its source);
- ``verdicts``: which limit ended a run;
- ``wipe``: empty ``/tmp``, ``/dev/shm`` and ``/dev/mqueue`` between jobs;
- ``bundle``: host side only, the bundler (not sent into the container).
"""
