"""The seccomp profile every sandbox container runs under (``seccomp.json`` beside this).

Docker's default profile lets a program create sockets of any family.  ``--network
none`` leaves no interface but ``lo``, yet ``AF_VSOCK`` reaches the host of a virtual
machine through ``/dev/vsock`` without any interface, and ``AF_NETLINK``/``AF_PACKET``
talk to the kernel's network stack.  The shipped profile is the engine's default for a
container without capabilities (the same allowed system calls, ``clone`` without new
namespaces, ``clone3`` answering ``ENOSYS``, ``personality`` limited to the same
values), with four changes:

- ``socket`` and ``socketpair`` only for ``AF_UNIX`` (local IPC: ``asyncio``,
  ``multiprocessing``, the runtimes' own plumbing); any other family fails with
  ``EAFNOSUPPORT``, as on a kernel built without it;
- ``socketcall`` (the 32-bit multiplexer, whose arguments seccomp cannot read) is not
  allowed;
- ``io_uring_setup``/``_enter``/``_register`` answer ``ENOSYS`` (io_uring opens sockets
  without calling ``socket``; libraries fall back to ordinary calls);
- only the native 64-bit system call table: a 32-bit call (``int $0x80`` from a 64-bit
  program, an i386 binary) kills the process with ``SIGSYS`` instead of reaching the
  32-bit ``socket`` unfiltered.

docs/sandbox.md lists the same; ``tests/sandbox/test_seccomp.py`` checks each rule from
inside a container.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

#: Socket families a sandboxed program may create.
ALLOWED_FAMILIES = {"AF_UNIX": 1}


@cache
def profile() -> dict[str, Any]:
    """The profile as a dictionary (read once from the package's ``seccomp.json``)."""
    text = resources.files(__package__).joinpath("seccomp.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def security_opt() -> str:
    """The profile as Docker's ``--security-opt`` value: ``seccomp=<json text>``, as the
    CLI sends a profile file's content to the engine."""
    return "seccomp=" + json.dumps(profile(), separators=(",", ":"))
