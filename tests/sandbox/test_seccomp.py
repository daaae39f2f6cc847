"""The sandbox's seccomp profile (``sandbox/seccomp.json``), checked from inside a
container of the real pool: only ``AF_UNIX`` sockets, no io_uring, no 32-bit system
calls, no new namespaces; ordinary programs (threads, asyncio, multiprocessing, C++
threads) still run.  Java and Node start under it too (``test_extra_languages.py``)."""

from __future__ import annotations

import json
import textwrap

import pytest

from sandbox import seccomp
from sandbox.types import Job, Limits, TestCase, Verdict

pytestmark = pytest.mark.docker

FAMILIES = ["AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET", "AF_VSOCK"]


def run(loop, sandbox, language: str, source: str, stdin: str = "", time_s: float = 5.0):
    job = Job(language, source, [TestCase(stdin)], limits=Limits(time_s=time_s, memory_mb=512))
    result = loop.run(sandbox.run(job))
    assert result.error is None, result.error
    assert result.compile is None or result.compile.ok, result.compile
    return result.runs[0]


def test_profile_is_the_one_the_containers_run_with(sandbox, docker_client):
    expected = seccomp.security_opt()
    for cid in sandbox.containers():
        host = docker_client.api.inspect_container(cid)["HostConfig"]
        assert expected in host["SecurityOpt"]
        assert "no-new-privileges" in host["SecurityOpt"]
    rules = seccomp.profile()["syscalls"]
    unix_only = [r for r in rules if "socket" in r["names"] and r["action"] == "SCMP_ACT_ALLOW"]
    assert unix_only and all(r["args"][0]["value"] == 1 for r in unix_only)
    allowed = {
        n
        for r in rules
        if r["action"] == "SCMP_ACT_ALLOW" and not r.get("args")
        for n in r["names"]
    }
    assert not allowed & {"socket", "socketcall", "io_uring_setup", "unshare", "setns", "mount"}


def test_only_unix_sockets_can_be_created(loop, sandbox):
    probe = textwrap.dedent(f"""
        import errno, json, socket
        out = {{}}
        for name in {FAMILIES!r}:
            family = getattr(socket, name)
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW):
                try:
                    socket.socket(family, kind).close()
                    out[name] = "created"
                except OSError as exc:
                    out.setdefault(name, errno.errorcode.get(exc.errno, str(exc.errno)))
        a, b = socket.socketpair()
        a.sendall(b"ping")
        out["socketpair"] = b.recv(4).decode()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind("\\0reward-test")
        server.listen(1)
        out["AF_UNIX"] = "created"
        try:
            socket.socketpair(socket.AF_INET)
            out["inet pair"] = "created"
        except OSError as exc:
            out["inet pair"] = errno.errorcode.get(exc.errno, str(exc.errno))
        print(json.dumps(out))
    """)
    found = json.loads(run(loop, sandbox, "python", probe).stdout)
    for name in FAMILIES:
        assert found[name] in ("EAFNOSUPPORT", "EPERM"), (name, found)
    assert found["socketpair"] == "ping" and found["AF_UNIX"] == "created"
    assert found["inet pair"] != "created"


def test_vsock_from_c_and_through_the_32_bit_table_fails(loop, sandbox):
    # socket(AF_VSOCK) natively, then through int $0x80 (the i386 table, where the
    # engine's default profile lets it through): the first fails, the second kills.
    program = textwrap.dedent("""
        #include <stdio.h>
        #include <errno.h>
        #include <string.h>
        #include <sys/socket.h>
        int main(void) {
            int fd = socket(40 /* AF_VSOCK */, SOCK_STREAM, 0);
            printf("native %d %s\\n", fd, fd < 0 ? strerror(errno) : "created");
            fflush(stdout);
            long ret;
            __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(359L), "b"(40L), "c"(1L), "d"(0L) : "memory");
            printf("i386 %ld\\n", ret);
            return 0;
        }
    """)
    ran = run(loop, sandbox, "c", program)
    assert ran.stdout.startswith("native -1"), ran.stdout
    assert "i386" not in ran.stdout, ran
    assert ran.verdict is Verdict.RUNTIME_ERROR and ran.signal == "SIGSYS", ran


def test_io_uring_and_namespaces_are_refused(loop, sandbox):
    probe = textwrap.dedent("""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        params = ctypes.create_string_buffer(120)
        print("io_uring", libc.syscall(425, 8, params), ctypes.get_errno())
        CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
        print("unshare", libc.unshare(CLONE_NEWUSER | CLONE_NEWNET), ctypes.get_errno())
    """)
    lines = run(loop, sandbox, "python", probe).stdout.split("\n")
    assert lines[0] == "io_uring -1 38", lines  # ENOSYS
    assert lines[1].startswith("unshare -1 "), lines


def test_ordinary_programs_still_run(loop, sandbox):
    python = textwrap.dedent("""
        import asyncio, multiprocessing, subprocess, threading, concurrent.futures
        box = []
        t = threading.Thread(target=box.append, args=(1,)); t.start(); t.join()
        async def main():  # the event loop's self-pipe is a socketpair
            await asyncio.sleep(0)
            return 2
        box.append(asyncio.run(main()))
        with multiprocessing.Pool(2) as pool:
            box.append(sum(pool.map(abs, [-1, -2])))
        with concurrent.futures.ProcessPoolExecutor(2) as ex:
            box.append(ex.submit(pow, 2, 2).result())
        box.append(int(subprocess.run(["echo", "5"], capture_output=True, text=True).stdout))
        print(box)
    """)
    assert run(loop, sandbox, "python", python, time_s=10).stdout.strip() == "[1, 2, 3, 4, 5]"
    cpp = textwrap.dedent("""
        #include <future>
        #include <iostream>
        #include <thread>
        #include <vector>
        int main() {
            std::vector<std::thread> ts; std::vector<int> v(4);
            for (int i = 0; i < 4; ++i) ts.emplace_back([&v, i] { v[i] = i * i; });
            for (auto& t : ts) t.join();
            auto f = std::async(std::launch::async, [] { return 7; });
            std::cout << v[3] + f.get() << std::endl;
        }
    """)
    assert run(loop, sandbox, "cpp", cpp).stdout.strip() == "16"
